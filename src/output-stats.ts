import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * What an output stamp (cache.ts) records of an output's file: its size,
 * mtime and ctime. Undefined when the file cannot be stat-ed.
 */
export function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? `${st.size} ${st.mtimeMs} ${st.ctimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

/** File stamps by output path, taken on a worker thread: `get` answers for the paths it was asked, `undefined` for a file that cannot be stat-ed. */
export type FileStamps = ReadonlyMap<string, string | undefined>;

export interface StatsAhead {
  /** The stamps, once the worker answered; undefined when it could not (then the caller stats each file itself). */
  stamps: Promise<FileStamps | undefined>;
  /** Stops the worker if it is still at work (a run that failed before it needed the stamps). */
  stop(): Promise<void>;
}

const WORKER = new URL('./stat-worker.js', import.meta.url);

/** Below this many outputs to check, a worker costs more than the stats it takes off the calling thread. */
export const STATS_AHEAD_MIN = 10_000;

/**
 * Stats the files of `paths` (relative to `outDir`) on a worker thread, while
 * the calling thread builds. A rebuild checks every output the last runs left
 * against its stamp before it skips it: 100,000 stats at 100,000 seeds, about
 * half a second, which the second core takes off the build this way. The
 * stats are taken before the build instead of just before each check; a file
 * edited in between is left as it is by this run and rendered again by the
 * next, since the cache keeps the stamp the file no longer matches.
 *
 * No worker is started without its compiled script (the sources run
 * untranspiled, as in the tests); a worker that fails answers undefined. Either
 * way the caller stats each file itself, as it would have without the worker.
 */
export function statOutputsAhead(outDir: string, paths: readonly string[], workerUrl: URL = WORKER): StatsAhead {
  if (!existsSync(fileURLToPath(workerUrl))) return { stamps: Promise.resolve(undefined), stop: async () => {} };
  let worker: Worker;
  try {
    worker = new Worker(workerUrl, { workerData: { paths: paths.map((p) => join(outDir, p)) } });
  } catch {
    return { stamps: Promise.resolve(undefined), stop: async () => {} };
  }
  const stamps = new Promise<FileStamps | undefined>((resolve) => {
    worker.once('message', (answers: (string | null)[]) => {
      if (!Array.isArray(answers) || answers.length !== paths.length) return resolve(undefined);
      const map = new Map<string, string | undefined>();
      paths.forEach((p, i) => map.set(p, answers[i] ?? undefined));
      resolve(map);
    });
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { stamps, stop: async () => void (await worker.terminate()) };
}
