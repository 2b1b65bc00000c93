import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkers } from './workers.js';
import { RACY_WINDOW_MS } from './fastpath.js';

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

/** File stamps by output path: an entry for each path that was stat-ed (undefined for a file that cannot be), none for a path to stat again. */
export type FileStamps = ReadonlyMap<string, string | undefined>;

/** What the worker answers: its clock before it began, the stamps of the folders, taken first, then those of the files, in the order asked. */
interface StatAnswer {
  statAtMs: number;
  folders: (string | null)[];
  files: (string | null)[];
}

export interface StatsAhead {
  /** Settles once the worker has answered or failed. */
  answered: Promise<void>;
  /**
   * The worker's stamps, checked now: those of a folder whose own stamp has
   * moved since (a file added, deleted or renamed in it) and those of the
   * `fresh` paths are left out, for the caller to stat itself. Undefined when
   * the worker could not answer.
   */
  check(): Promise<FileStamps | undefined>;
  /** Stops the worker if it is still at work (a run that failed before it needed the stamps). */
  stop(): Promise<void>;
}

const WORKER = new URL('./stat-worker.js', import.meta.url);

/** Below this many outputs to check, a worker costs more than the stats it takes off the calling thread. */
export const STATS_AHEAD_MIN = 10_000;

/** Whether a folder stamp ("size mtime ctime") shows a modification within `RACY_WINDOW_MS` before `atMs` (a folder that was not there has none). */
function racy(stamp: string | null | undefined, atMs: number): boolean {
  if (!stamp) return false;
  const mtimeMs = Number(stamp.split(' ')[1]);
  return !(mtimeMs < atMs - RACY_WINDOW_MS);
}

/** An output's folder under the output folder: '' or a path ending in '/'. */
function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/**
 * Stats the files of `paths` (relative to `outDir`) on a worker thread, while
 * the calling thread builds. A rebuild checks every output the last runs left
 * against its stamp before it skips it: 100,000 stats at 100,000 seeds, about
 * half a second, which the second core takes off the build this way.
 *
 * The stats are taken before the build instead of at the check, so `check`
 * makes them as good as stats taken then, for what the build stamp
 * (fastpath.ts) vouches for: an output deleted, renamed or replaced since
 * moves its folder's stamp, and the folders are stat-ed again at the check
 * (a folder modified within `RACY_WINDOW_MS` before the worker's stats is not
 * trusted at all: a second change in the same clock tick would not show);
 * the `fresh` paths (the main feeds, whose own stat the build stamp keeps)
 * are never taken from the worker. A file edited in place meanwhile is left as
 * it is by this run, as one edited just after the check always was.
 *
 * No worker is started without its compiled script (the sources run
 * untranspiled, as in the tests); a worker that fails answers undefined. Either
 * way the caller stats each file itself, as it would have without the worker.
 */
export function statOutputsAhead(outDir: string, paths: readonly string[], options: { fresh?: readonly string[]; workerUrl?: URL } = {}): StatsAhead {
  const none: StatsAhead = { answered: Promise.resolve(), check: async () => undefined, stop: async () => {} };
  // The fresh paths are not sent: the caller stats them itself.
  const fresh = new Set(options.fresh ?? []);
  const asked = paths.filter((p) => !fresh.has(p));
  const folders = [...new Set(asked.map(folderOf))];
  const [worker] = startWorkers(options.workerUrl ?? WORKER, 1, { workerData: { folders: folders.map((f) => join(outDir, f)), paths: asked.map((p) => join(outDir, p)) } }) ?? [];
  if (!worker) return none;
  const answer = new Promise<StatAnswer | undefined>((resolve) => {
    worker.once('message', (a: StatAnswer) => resolve(a?.folders?.length === folders.length && a.files?.length === asked.length ? a : undefined));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return {
    answered: answer.then(() => undefined),
    check: async () => {
      const a = await answer;
      if (!a) return undefined;
      // A folder moved since its stat, or modified so shortly before it that a second change could share its timestamp (as `RACY_WINDOW_MS` says of seeds).
      const moved = new Set(folders.filter((f, i) => fileStamp(join(outDir, f)) !== (a.folders[i] ?? undefined) || racy(a.folders[i], a.statAtMs)));
      const stamps = new Map<string, string | undefined>();
      asked.forEach((p, i) => {
        if (!moved.has(folderOf(p))) stamps.set(p, a.files[i] ?? undefined);
      });
      return stamps;
    },
    stop: async () => void (await worker.terminate()),
  };
}
