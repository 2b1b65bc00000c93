import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `count` worker threads running the compiled script at `url`, or undefined
 * when there is none (the sources run untranspiled, as in the tests) or a
 * thread cannot be started (those started are then ended): the caller then
 * does the work on its own thread, as it would have without workers. Not
 * unref'd: while a caller awaits only their answers, they are what keeps
 * the process running.
 */
export function startWorkers(url: URL, count: number, options?: WorkerOptions): Worker[] | undefined {
  if (!existsSync(fileURLToPath(url))) return undefined;
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < count; i++) workers.push(new Worker(url, options));
  } catch {
    for (const w of workers) void w.terminate();
    return undefined;
  }
  return workers;
}
