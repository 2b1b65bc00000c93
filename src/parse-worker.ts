/**
 * A worker thread of `parseInWorkers` (parse-pool.ts) and `BodyReader`
 * (body-pool.ts): reads and parses the seeds of each batch it is sent, or
 * reads their bodies again, and answers with the results, in order.
 */
import { parentPort } from 'node:worker_threads';
import { runBodyJob, runParseJob, type ParseBatch, type ParseResult } from './parse-pool.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.js runs as a worker thread of parse-pool.js');
port.on('message', (batch: ParseBatch) => {
  if ('bodies' in batch) port.postMessage(batch.bodies.map((job) => runBodyJob(job, batch.settings)));
  else port.postMessage(batch.jobs.map((job): ParseResult => runParseJob(job, batch.settings)));
});
