import { beginRun, build, parseAhead, parseJobs, parseSettings } from '../build.js';
import { BODIES_AHEAD_MIN, eachWithBodiesAhead } from '../body-pool.js';
import { listSeeds } from '../fastpath.js';
import { loadConfig } from '../config.js';
import { error, EXIT, hasErrors, sortDiagnostics, StateError, type Diagnostic } from '../diagnostics.js';
import { seedsFolderUsageError } from '../discover.js';
import { checkOutputText } from '../readback.js';
import { readLog } from '../publish.js';

export interface CheckCommandOptions {
  seeds: string;
  config: string;
  /**
   * The publish log builds keep (read, never written): with it, a problem
   * between two seeds (one id, one story) is laid at the one a build would
   * blame, not at the one already published. Absent or missing: none.
   */
  state?: string;
  /** The clock for "date in the future" warnings (default: now). */
  now?: Date;
  /** As `BuildOptions.bodiesKept` (default `BODIES_KEPT`). */
  bodiesKept?: number;
  /** As `PublishOptions.bodiesAheadMin` (default `BODIES_AHEAD_MIN`). */
  bodiesAheadMin?: number;
}

/**
 * `seedfeed check`: every diagnostic for the seeds, writing nothing. It runs
 * the same `build()` as a publish (which only reads) and reads every output
 * back as a publish would before replacing a file, so a seed that would break
 * a feed is reported here too. Exit 1 when any seed is rejected, else 0; a
 * bad config or a seeds folder that cannot be read is a usage error (thrown,
 * mapped to exit 2 by the CLI).
 */
export async function runCheck(options: CheckCommandOptions): Promise<{ diagnostics: Diagnostic[]; exitCode: number }> {
  const config = loadConfig(options.config);
  // A damaged log stops the check as it stops a build (exit 5). Check takes no lock: read once more what a run
  // writing the log and its journal meanwhile may have left between two states for a moment.
  const readState = (path: string) => {
    try {
      return readLog(path);
    } catch (e) {
      if (!(e instanceof StateError)) throw e;
      return readLog(path);
    }
  };
  const log = options.state ? readState(options.state) : undefined;
  const buildOptions = {
    seedsDir: options.seeds,
    config,
    ...(log ? { log } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.bodiesKept !== undefined ? { bodiesKept: options.bodiesKept } : {}),
  };
  // A large folder is read and parsed on worker threads, and the bodies the build lets go read again there, as `publish` does.
  const listing = listSeeds(options.seeds);
  // A seeds folder that cannot be read is a usage error, as for a build (exit 2), not a rejected seed.
  const unreadable = seedsFolderUsageError(listing.diagnostics);
  if (unreadable) throw unreadable;
  const jobs = parseJobs(listing.seeds, undefined, options.bodiesKept);
  const endRun = beginRun(jobs);
  try {
    const parsed = await parseAhead(jobs, buildOptions);
    const result = build({ ...buildOptions, listing, ...(parsed ? { parsed } : {}) });
    const diagnostics = [...result.diagnostics];
    await eachWithBodiesAhead(result.outputs, result.bodies, parseSettings(buildOptions), options.bodiesAheadMin ?? BODIES_AHEAD_MIN, (output) => {
      const problem = checkOutputText(output.kind, output.text);
      if (problem) diagnostics.push(error('output-invalid', output.path, 0, `this output would not be written, it does not read back: ${problem}. Please report this with the seeds that caused it`));
    });
    const exitCode = result.rejected.length > 0 || hasErrors(diagnostics) ? EXIT.rejected : EXIT.ok;
    return { diagnostics: sortDiagnostics(diagnostics), exitCode };
  } finally {
    endRun();
  }
}
