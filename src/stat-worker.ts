/**
 * The worker thread of `statOutputsAhead` (output-stats.ts): stats each path
 * it was started with and answers once with their file stamps, in order
 * (null for a file that cannot be stat-ed), then ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileStamp } from './output-stats.js';

if (!parentPort) throw new Error('stat-worker.js runs as a worker thread of output-stats.js');
const { paths } = workerData as { paths: string[] };
parentPort.postMessage(paths.map((p) => fileStamp(p) ?? null));
