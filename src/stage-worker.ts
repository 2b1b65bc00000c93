/**
 * A worker thread of `StagePool` (stage-pool.ts): stages each file it is
 * sent with `stageFile` (compare, read back, write and, as the job says, fsync) and answers with
 * the outcome.
 */
import { parentPort } from 'node:worker_threads';
import { stageFile } from './stage-file.js';
import type { StageAnswer, StageRequest } from './stage-pool.js';

const port = parentPort;
if (!port) throw new Error('stage-worker.js runs as a worker thread of stage-pool.js');
port.on('message', ({ id, job }: StageRequest) => {
  port.postMessage({ id, ...stageFile(job) } satisfies StageAnswer);
});
