import { existsSync, rmdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { beginRun, build, parseAhead, parseJobs, parseSettings, type BuildOptions, type BuildResult } from './build.js';
import { parseLog, serializeLog, type PublishLog } from './identity.js';
import { acquireLock } from './lock.js';
import { Staging, changedFiles, removeOutput, removeStaleTempFiles, removeStaleTempFilesOf, unlinkQuietly } from './write.js';
import { readLogFile, writeLogWhole } from './log-file.js';
import { EXIT, StateError, hasErrors, sortDiagnostics, warning, type Diagnostic } from './diagnostics.js';
import { joinDisplay, missingSeedsFolder, overlappingOutput, seedsFolderUsageError, type SeedFile } from './discover.js';
import { FORMATS } from './render/formats.js';
import { RACY_WINDOW_MS, type SeedListing, checkFastPath, modifiedAhead, journalPathFor, listSeeds, makeBuildStamp, readBuildStamp, stampPathFor, watchedOutputs } from './fastpath.js';
import { beginCacheWrite, cacheKey, cacheNotWritten, cachesBeside, outputStamp, cachePathFor, readCache, type CacheWrite } from './cache.js';
import { briefItem, noOpReport, roundMs, type PublishReport } from './report.js';
import { patch } from './patch.js';
import { indexPathFor, makePatchIndex, readPatchIndex, saveIndexAndStamp, type PatchIndex } from './patch-index.js';
import { BODIES_AHEAD_MIN, eachWithBodiesAhead } from './body-pool.js';
import type { Output } from './output.js';
import { STATS_AHEAD_MIN, fileStamp, statOutputsAhead, type FileStamps } from './output-stats.js';

export type { PublishReport };

export interface PublishOptions extends Omit<BuildOptions, 'log'> {
  outDir: string;
  /** The publish log (default `.seedfeed/publish-log.json`). */
  statePath: string;
  /** Report what would change; write nothing. */
  dryRun?: boolean;
  /** Wait up to this long for another run's lock (default: fail at once). */
  waitSeconds?: number;
  /** False when the caller has just found that something changed (the CLI checks before loading this module): skip the no-op check. */
  checkUnchanged?: boolean;
  /** The seeds folder as the caller's no-op check listed it (`checkFastPath`), with the clock before the listing. */
  listing?: SeedListing;
  /** From how many outputs of earlier runs their files are stat-ed on a worker thread during the build (default `STATS_AHEAD_MIN`). */
  statsAheadMin?: number;
  /** From how many bodies to read again they are read on worker threads ahead of rendering (default `BODIES_AHEAD_MIN`). */
  bodiesAheadMin?: number;
}

export function readLog(statePath: string): PublishLog | undefined {
  return readLogAndText(statePath)?.log;
}

/** The log and its text as read, so that a run compares its new log with the text instead of reading the file again. */
function readLogAndText(statePath: string): { log: PublishLog; text: string; folded?: true } | undefined {
  let text: string;
  let folded: true | undefined;
  try {
    const file = readLogFile(statePath);
    if (!file) return undefined;
    text = file.bytes.toString('utf8');
    folded = file.folded;
  } catch (e) {
    if (e instanceof StateError) throw e;
    throw new StateError(`${statePath}: cannot read the publish log (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  try {
    return { log: parseLog(text), text, ...(folded ? { folded } : {}) };
  } catch (e) {
    throw new StateError(`${statePath}: the publish log is damaged (${(e as Error).message}); restore it from a backup. It is not replaced, or every published id would move`);
  }
}

/**
 * A whole run: lock, build, read every output back, then write the publish
 * log and the changed outputs atomically. The log goes first: if the run dies
 * after it, the next run renders the same ids and dates again.
 */
export async function publish(options: PublishOptions): Promise<PublishReport> {
  const started = performance.now();
  // Checked before the lock, which would make the state folder: a run that cannot see its seeds leaves nothing behind.
  const missing = missingSeedsFolder(options.seedsDir, options.displayRoot ?? options.seedsDir) ?? overlappingOutput(options.seedsDir, options.outDir, options.displayRoot ?? options.seedsDir);
  if (missing) throw missing;
  const lock = options.dryRun ? undefined : acquireLock(`${options.statePath}.lock`, options.waitSeconds !== undefined ? { waitSeconds: options.waitSeconds } : {});
  /** Gives back what the run holds while it renders (`beginRun`). */
  let endRun: (() => void) | undefined;
  /** The build cache being written: abandoned if the run ends before it is finished. */
  let cacheWrite: CacheWrite | undefined;
  try {
    // Temporary files are left only by a run that died, and a run that died left its lock: the output
    // folder (100,000 files at 100k seeds) is walked for them after a lock was taken over, or when there
    // is no build cache to say that runs finished (a first run, a cache deleted by hand).
    const deadRunBefore = lock?.tookOverFrom !== undefined || !existsSync(cachePathFor(options.statePath));
    const cleaned = options.dryRun
      ? []
      : [...(deadRunBefore ? removeStaleTempFiles(options.outDir) : []), ...[options.statePath, journalPathFor(options.statePath), ...cachesBeside(options.statePath)].flatMap(removeStaleTempFilesOf)];
    const stampPath = stampPathFor(options.statePath);
    let listing = options.listing;
    const lastStamp = options.dryRun ? undefined : readBuildStamp(stampPath);
    if (!options.dryRun && options.checkUnchanged !== false) {
      const decision = checkFastPath({ ...options, stamp: lastStamp });
      if (decision.unchanged) return noOpReport(decision.stamp, cleaned, performance.now() - started);
      listing = decision.listing ?? listing;
    }
    const key = cacheKey(options.config, options.displayRoot ?? options.seedsDir, options.outDir);
    // A few seeds edited in a way that moves nothing: only the outputs that show them (patch.ts).
    let patchDeclined: string | undefined;
    let indexRead: PatchIndex | undefined;
    if (lastStamp && listing && options.displayRoot === undefined) {
      const patched = await patch({ ...options, listing, stamp: lastStamp, key, cleaned, started });
      if ('report' in patched) return patched.report;
      patchDeclined = patched.declined;
      indexRead = patched.index;
    }
    // A run that dies from here on must not leave a stamp that vouches for the old outputs.
    if (!options.dryRun) unlinkQuietly(stampPath);
    // The listing the build and the parse ahead use: only one under the default display root serves (see
    // `BuildOptions.listing`); listed here when no check listed it (a first run, a changed config).
    const buildListing = options.displayRoot === undefined ? (listing ?? listSeeds(options.seedsDir)) : undefined;
    const listedAtMs = (buildListing ?? listing)?.listedAtMs ?? Date.now();
    const read = readLogAndText(options.statePath);
    // A journal whose changes a run that died wrote into the log already (log-file.ts) goes.
    if (read?.folded && !options.dryRun) unlinkQuietly(journalPathFor(options.statePath));
    const previousLog = read?.log;
    // The log's text on disk, kept up to date as this run writes it.
    let logText = read?.text;
    const writeLog = (log: PublishLog) => {
      const text = serializeLog(log);
      if (text !== logText) writeLogWhole(options.statePath, text);
      logText = text;
    };
    const cachePath = cachePathFor(options.statePath);
    const cache = readCache(cachePath, key);
    // The outputs earlier runs left, each with its fingerprint and its file's stat (a dry run compares everything).
    const kept = options.dryRun ? undefined : cache?.outputs;
    // Their files are stat-ed on another thread while this one builds, when there are enough of them.
    const ahead =
      kept && kept.size >= (options.statsAheadMin ?? STATS_AHEAD_MIN) ? statOutputsAhead(options.outDir, [...kept.keys()], { fresh: FORMATS.map((f) => f.fileName) }) : undefined;
    let result: BuildResult;
    try {
      // A full build's seeds are read and parsed on worker threads first, when there are enough of them;
      // the progress bar then counts that parse, and the build after it shows none.
      const jobs = buildListing ? parseJobs(buildListing.seeds, cache?.seeds, options.bodiesKept) : [];
      endRun = beginRun(jobs);
      const parsed = await parseAhead(jobs, options);
      result = build({
        ...options,
        ...(previousLog ? { log: previousLog } : {}),
        ...(cache ? { seedCache: cache.seeds } : {}),
        ...(buildListing ? { listing: buildListing } : {}),
        ...(parsed ? { parsed, progress: undefined } : {}),
      });
      // A seeds folder that cannot be listed is not a folder without seeds: publishing from it would unpublish every story.
      const unlisted = seedsFolderUsageError(result.diagnostics);
      if (unlisted) throw unlisted;
      if (!options.dryRun) result.diagnostics = sortDiagnostics([...result.diagnostics, ...modifiedInTheFuture(result.seedFiles, listedAtMs, options.displayRoot ?? options.seedsDir)]);
    } catch (e) {
      await ahead?.stop();
      throw e;
    }
    /** Why the build cache could not be begun: reported at the end, with the other caches' warnings (not in the build stamp). */
    let cacheNotBegun: { error: unknown } | undefined;
    if (!options.dryRun) {
      try {
        // A seed modified this close to the listing may change again unseen within its mtime tick: it is read again next time.
        cacheWrite = beginCacheWrite(cachePath, key, cache, result.records.filter((r) => r.mtimeMs <= listedAtMs - RACY_WINDOW_MS));
      } catch (e) {
        cacheNotBegun = { error: e };
      }
      // Every seed's parse is in the cache's file or its lines now: let go while the outputs render (~150 MB at 100,000 seeds).
      result.records = [];
      cache?.seeds.clear();
    }
    const stamped: FileStamps | undefined = await ahead?.check();
    /** The stamp of an output's file as it is now, or as the worker found it during the build (see `statOutputsAhead`). */
    const fileStampOf = (path: string) => (stamped?.has(path) ? stamped.get(path) : fileStamp(join(options.outDir, path)));
    let removed: string[] = [];
    const built = performance.now();
    let written: string[] = [];
    let unchanged: string[] = [];
    // The stamps of outputs skipped as unchanged, as checked: the cache records them again without another stat.
    const stillStamped = new Map<string, string>();
    if (options.dryRun) {
      for (const o of result.outputs) (changedFiles(options.outDir, [o]).changed.length ? written : unchanged).push(o.path);
    } else {
      // Every changed output is rendered, read back and staged before the log
      // moves; a few at a time, so no run holds all its pages in memory.
      const skipped: string[] = [];
      const toOffer: Output[] = [];
      for (const o of result.outputs) {
        const was = o.fingerprint !== undefined ? kept?.get(o.path) : undefined;
        if (was !== undefined && was === outputStamp(o.fingerprint!, fileStampOf(o.path))) {
          skipped.push(o.path);
          stillStamped.set(o.path, was);
        } else toOffer.push(o);
      }
      const staging = new Staging(options.outDir);
      try {
        // The bodies the build let go are read again on worker threads, ahead of the outputs that show them, when there are enough.
        await eachWithBodiesAhead(toOffer, result.bodies, parseSettings(options), options.bodiesAheadMin ?? BODIES_AHEAD_MIN, (o) => staging.offer(o));
        await staging.settle();
      } catch (e) {
        await staging.abort();
        throw e;
      }
      const current = result.outputs.map((o) => o.path).sort();
      const currentSet = new Set(current);
      const stale = (previousLog?.outputs ?? []).filter((p) => !currentSet.has(p));
      // The manifest keeps stale files listed until they are gone, so a run killed in between removes them next time.
      try {
        writeLog({ ...result.log, outputs: [...current, ...stale].sort() });
      } catch (e) {
        await staging.abort();
        throw e;
      }
      ({ written, unchanged } = staging.commit());
      unchanged = [...unchanged, ...skipped];
      if (stale.length) {
        removed = removeOutputs(options.outDir, stale);
        writeLog({ ...result.log, outputs: current });
      }
    }
    if (!options.dryRun) {
      const stamp = makeBuildStamp({
        seeds: result.seedFiles,
        listedAtMs,
        config: options.config,
        statePath: options.statePath,
        outDir: options.outDir,
        watched: watchedOutputs(result.outputs.map((o) => o.path)),
        exitCode: exitCodeOf(result),
        published: result.items.length,
        rejected: result.rejected,
        repairs: result.repairs.length,
        diagnostics: result.diagnostics,
        ...(buildListing ? { listingDiagnostics: buildListing.diagnostics } : {}),
      });
      // The stamp and the caches only save time: failing to write them is a warning, never a failed run.
      const cacheWarning = (path: string, e: unknown) => result.diagnostics.push(cacheNotWritten(path, e));
      // The patch index of this state, then the stamp that names it (patch-index.ts). Placements of seeds
      // unchanged since the last index are taken from it; making them costs ~4 µs an item.
      let index: PatchIndex | undefined;
      try {
        if (stamp && options.displayRoot === undefined) {
          index = makePatchIndex({
            key,
            seedsDigest: stamp.seeds,
            logDigest: stamp.log,
            log: result.log,
            listing: result.seedFiles,
            items: result.items,
            dropped: result.dropped,
            explicitIds: result.explicitIds,
            feeds: result.feeds,
            diagnostics: result.diagnostics,
            repairs: result.repairs,
            displayRoot: options.seedsDir,
            outDir: options.outDir,
            ...withPrevious(indexRead ?? readPatchIndex(indexPathFor(options.statePath), key)),
          });
        }
      } catch (e) {
        cacheWarning(indexPathFor(options.statePath), e);
      }
      saveIndexAndStamp(options.statePath, index, stamp, cacheWarning);
      try {
        if (cacheNotBegun) throw cacheNotBegun.error;
        cacheWrite?.finish(outputStamps(options.outDir, result.outputs, stillStamped));
      } catch (e) {
        cacheWarning(cachePath, e);
      }
    }
    const done = performance.now();
    return {
      ...report(result, options.dryRun ?? false, written, unchanged, removed, cleaned, { buildMs: built - started, writeMs: done - built, totalMs: done - started }),
      run: 'full',
      ...(patchDeclined !== undefined ? { patchDeclined } : {}),
    };
  } finally {
    cacheWrite?.abandon();
    endRun?.();
    lock?.release();
  }
}

function withPrevious(previous: PatchIndex | undefined): { previous?: PatchIndex } {
  return previous ? { previous } : {};
}

/** Every output's stamp for the cache: those checked and skipped as they are, the others from a stat of the file written. */
function outputStamps(outDir: string, outputs: BuildResult['outputs'], known: ReadonlyMap<string, string>): Map<string, string> {
  const stamps = new Map<string, string>();
  for (const o of outputs) {
    if (o.fingerprint === undefined) continue;
    const stamp = known.get(o.path) ?? outputStamp(o.fingerprint, fileStamp(join(outDir, o.path)));
    if (stamp !== undefined) stamps.set(o.path, stamp);
  }
  return stamps;
}

/**
 * A warning for each seed (the first ten) whose mtime is ahead of the clock:
 * the build stamp vouches only for seeds modified before the run (see
 * `makeBuildStamp`), so until the clock passes it every run builds in full.
 */
function modifiedInTheFuture(seeds: readonly SeedFile[], listedAtMs: number, displayRoot: string): Diagnostic[] {
  const ahead = seeds.filter((s) => modifiedAhead(s, listedAtMs));
  return ahead.slice(0, 10).map((s) =>
    warning(
      'mtime-future',
      joinDisplay(displayRoot, s.file),
      0,
      `modified in the future (${new Date(s.mtimeMs).toISOString()}; the clock says ${new Date(listedAtMs).toISOString()}): until the clock passes it, every run builds in full instead of finding nothing to do${ahead.length > 10 ? ` (${ahead.length} seeds in all)` : ''}. Set the file's time (touch it) or the clock right`,
    ),
  );
}

function exitCodeOf(result: BuildResult): number {
  return result.rejected.length || hasErrors(result.diagnostics) ? EXIT.rejected : EXIT.ok;
}

/**
 * Removes the outputs an earlier run published and this one no longer
 * produces (a deleted item's page, say), only paths from the manifest and
 * only inside the output folder, then the folders that left empty (a topic
 * kind turned off leaves none behind).
 */
function removeOutputs(outDir: string, paths: readonly string[]): string[] {
  const removed = paths.filter((p) => removeOutput(outDir, p));
  const folders = new Set<string>();
  for (const p of removed) for (let d = posix.dirname(p); d !== '.'; d = posix.dirname(d)) folders.add(d);
  // Deepest first, so that a folder whose only content was an emptied folder goes too; one not empty stays.
  for (const d of [...folders].sort((a, b) => b.split('/').length - a.split('/').length)) {
    try {
      rmdirSync(join(outDir, d));
    } catch {
      // Not empty (or not ours to remove): kept.
    }
  }
  return removed;
}

function report(result: BuildResult, dryRun: boolean, written: string[], unchanged: string[], deleted: string[], cleaned: string[], timings: PublishReport['timings']): PublishReport {
  return {
    exitCode: exitCodeOf(result),
    dryRun,
    counts: {
      seeds: result.seedCount,
      published: result.items.length,
      new: result.changes.new.length,
      updated: result.changes.updated.length,
      removed: result.changes.removed.length,
      rejected: result.rejected.length,
      repairs: result.repairs.length,
      written: written.length,
      unchanged: unchanged.length,
    },
    new: result.changes.new.map(briefItem),
    updated: result.changes.updated.map(briefItem),
    removed: result.changes.removed.map((e) => ({ id: e.id, file: e.file })),
    rejected: result.rejected,
    diagnostics: result.diagnostics,
    repairs: result.repairs,
    // By path: the order outputs are rendered in depends on what the body memo holds (`heldFirst`).
    written: [...written].sort(),
    deleted,
    cleaned,
    timings: { buildMs: roundMs(timings.buildMs), writeMs: roundMs(timings.writeMs), totalMs: roundMs(timings.totalMs) },
  };
}

