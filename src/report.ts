import type { Diagnostic } from './diagnostics.js';
import type { Repair } from './text.js';
import type { BuildStamp } from './fastpath.js';

/** Where the publish log lives unless `--state` says otherwise. */
export const DEFAULT_STATE_FILE = '.seedfeed/publish-log.json';

/** What a run did: printed as one line, written whole by `--report`. */
export interface PublishReport {
  exitCode: number;
  dryRun: boolean;
  /** `unchanged`: the outputs found as they should be; a patch run counts only those it rendered. */
  counts: { seeds: number; published: number; new: number; updated: number; removed: number; rejected: number; repairs: number; written: number; unchanged: number };
  new: { id: string; file: string; title: string }[];
  updated: { id: string; file: string; title: string }[];
  removed: { id: string; file: string }[];
  rejected: string[];
  /** Every problem found; a no-op or patch run gives the errors of the last full run, and a patch run the warnings of the seeds it edited. */
  diagnostics: Diagnostic[];
  /** The repairs made; a no-op or patch run lists only those of the seeds it edited, and counts them all. */
  repairs: Repair[];
  /** Output files replaced or created, by path. */
  written: string[];
  /** Feed URLs the WebSub hub was notified of. */
  pinged?: string[];
  /** Files of earlier runs that this run no longer produces, removed. */
  deleted: string[];
  /** Stale temporary files of killed runs that this run removed. */
  cleaned: string[];
  timings: { buildMs: number; writeMs: number; totalMs: number };
  /** How the run went about it: nothing to do (fastpath.ts), a few edits patched in (patch.ts), or a build of every seed. */
  run?: 'no-op' | 'patch' | 'full';
  /** Why a run that found seeds changed could not patch them in. */
  patchDeclined?: string;
}

/** The one summary line a run prints. */
export function summaryLine(r: PublishReport): string {
  const c = r.counts;
  return `${r.dryRun ? 'dry run: ' : ''}${c.published} published (${c.new} new, ${c.updated} updated, ${c.removed} removed), ${c.rejected} rejected, ${c.repairs} repaired, ${c.written} file(s) ${r.dryRun ? 'would be ' : ''}written, ${(r.timings.totalMs / 1000).toFixed(2)} s`;
}

/**
 * The report of a run that found nothing to do (see fastpath.ts): the counts
 * and errors of the run that built what is there, nothing written.
 */
export function noOpReport(stamp: BuildStamp, cleaned: string[], totalMs: number): PublishReport {
  return {
    exitCode: stamp.exitCode,
    dryRun: false,
    counts: { seeds: stamp.seedCount, published: stamp.published, new: 0, updated: 0, removed: 0, rejected: stamp.rejected, repairs: stamp.repairs ?? 0, written: 0, unchanged: 0 },
    new: [],
    updated: [],
    removed: [],
    rejected: stamp.rejectedFiles ?? [...new Set(stamp.errors.map((d) => d.file))].sort(),
    diagnostics: stamp.errors,
    repairs: [],
    written: [],
    deleted: [],
    cleaned,
    timings: { buildMs: 0, writeMs: 0, totalMs: roundMs(totalMs) },
    run: 'no-op',
  };
}

/** An item as a report lists it. */
export function briefItem(item: { id: string; file: string; title: string }): { id: string; file: string; title: string } {
  return { id: item.id, file: item.file, title: item.title };
}

/** Milliseconds to a tenth, as reports give them. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
