/**
 * The worker thread of `CheckPool` (check-pool.ts): reads rendered outputs
 * back with `checkOutputText`, one message at a time, and answers each with
 * what is wrong, or nothing.
 */
import { parentPort } from 'node:worker_threads';
import { checkOutputText } from './readback.js';
import type { CheckAnswer, CheckRequest } from './check-pool.js';

const port = parentPort;
if (!port) throw new Error('check-worker.js runs as a worker thread of check-pool.js');
port.on('message', ({ id, kind, text }: CheckRequest) => {
  let problem: string | undefined;
  try {
    problem = checkOutputText(kind, text);
  } catch (e) {
    problem = `the check itself failed: ${(e as Error).message}`;
  }
  port.postMessage({ id, problem } satisfies CheckAnswer);
});
