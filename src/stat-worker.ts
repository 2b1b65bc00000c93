/**
 * The worker thread of `statOutputsAhead` (output-stats.ts): stats each
 * folder, then each file it was started with, and answers once with their
 * stamps, in order (null for one that cannot be stat-ed), then ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileStamp } from './output-stats.js';

if (!parentPort) throw new Error('stat-worker.js runs as a worker thread of output-stats.js');
const { folders, paths } = workerData as { folders: string[]; paths: string[] };
// The folders first: a file added, deleted or renamed after its folder was stat-ed shows in the folder's stamp at the check.
const statAtMs = Date.now();
const answer = { statAtMs, folders: folders.map((f) => fileStamp(f) ?? null), files: paths.map((p) => fileStamp(p) ?? null) };
parentPort.postMessage(answer);
