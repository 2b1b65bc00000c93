/**
 * A worker thread of `parseInWorkers` (parse-pool.ts): reads and parses the
 * seeds of each batch it is sent and answers with their results, in order.
 */
import { parentPort } from 'node:worker_threads';
import { runParseJob, type ParseBatch, type ParseResult } from './parse-pool.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.js runs as a worker thread of parse-pool.js');
port.on('message', ({ settings, jobs }: ParseBatch) => {
  port.postMessage(jobs.map((job): ParseResult => runParseJob(job, settings)));
});
