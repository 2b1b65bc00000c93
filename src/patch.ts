import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClock, parseSettings, renderFeeds } from './build.js';
import { appendToCache, cacheNotWritten, cachePathFor, outputStamp, seedRecord, type SeedRecord } from './cache.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { RACY_WINDOW_MS, listedPaths, makeBuildStamp, serializeBuildStamp, stampMovedBesidesSeeds, stampPathFor, type BuildStamp, type SeedListing } from './fastpath.js';
import { archivePage, archivePages, formatLinks, linkArchives, mainFeed, rendererOf, topicFeeds, type PlannedFeed } from './feeds.js';
import { fingerprintItem } from './fingerprint.js';
import { claimEntry, type LogEntry } from './identity.js';
import type { Item, SiteConfig } from './model.js';
import { normalizeSeed, seedMeta } from './normalize.js';
import type { Output } from './output.js';
import { fileStamp } from './output-stats.js';
import { runParseJob, type ParseSettings } from './parse-pool.js';
import type { ParsedSeed } from './parse/index.js';
import { UNPLACED, indexPathFor, placementAt, placementOf, readPatchIndex, saveIndexAndStamp, statsOf, type PatchIndex } from './patch-index.js';
import { FORMATS } from './render/formats.js';
import { forgetFragments } from './render/direct.js';
import { itemPageOutput, topicFinder } from './render/pages.js';
import { briefItem, noOpReport, roundMs, type PublishReport } from './report.js';
import { Staging, unlinkQuietly, writeFileAtomically } from './write.js';
import type { SeedFile } from './discover.js';

/**
 * The patch run: a rebuild after a few seeds were edited in a way that moves
 * nothing, done from the patch index (patch-index.ts) instead of from every
 * seed. Such an edit (a body rewritten, a typo fixed, a byline added) keeps
 * the item's title, dek, date, source, sharer, categories, original link,
 * language and id (`placementOf`): every feed and page shows the same items
 * in the same order, and the home and topic pages list it as before. What
 * shows it changes: its own page and the feeds that carry it (the main feed,
 * its topics' feeds, its archive page, when they do). Those are rendered
 * from a parse of the seeds they show, and the rest is left as it is, with
 * the bytes a full run would give (test/patch.test.ts compares the two).
 *
 * The publish log changes as a full run would change it: each edited item's
 * entry gets the seed's new hash and `edited`, in place, in the bytes of
 * the log the last run wrote. Anything else (a seed added, removed or
 * renamed, an edit that moves an item, a seed that does not parse or gives
 * an error, a log or output folder changed since the stamp) declines the
 * patch, and the run is a full one.
 *
 * A patch run reports as a no-op does (the errors of the last full run and
 * its counts), plus what it changed: the edited seeds' warnings and repairs,
 * and what it wrote. Like the no-op it does not look at outputs it does not
 * render: a page edited in place by hand is repaired by the next full run
 * (`outputDigest` in fastpath.ts).
 */

/** At most this many seeds edited for a patch; more make a full run. */
export const PATCH_MAX_EDITED = 64;
/** At most this many other seeds read for a patch (the items of the feeds it renders); more make a full run. */
export const PATCH_MAX_READS = 2000;

export interface PatchInput {
  seedsDir: string;
  outDir: string;
  statePath: string;
  config: SiteConfig;
  now?: Date;
  /** The seeds folder as listed for this run. */
  listing: SeedListing;
  /** The build stamp of the last run. */
  stamp: BuildStamp;
  /** `cacheKey` of this run. */
  key: string;
  /** Stale temporary files the run removed before. */
  cleaned: string[];
  /** When the run started (`performance.now()`). */
  started: number;
}

export type PatchResult = { report: PublishReport } | { declined: string };

class Declined extends Error {}

function decline(reason: string): never {
  throw new Declined(reason);
}

/** Publishes the edits of `input.listing` since the last run, or says why a full run must. Throws only once it writes, what a full run would (an output that cannot be written). */
export async function patch(input: PatchInput): Promise<PatchResult> {
  let plan: PatchPlan;
  try {
    plan = planPatch(input);
  } catch (e) {
    // Planning only reads: whatever stops it (an index damaged in a way its check missed, a log that cannot be read) is for a full run to meet.
    return { declined: e instanceof Declined ? e.message : `the patch could not be planned (${(e as Error).message})` };
  }
  try {
    return { report: await applyPatch(input, plan) };
  } finally {
    forgetFragments();
  }
}

/** An edited seed, ready to publish. */
interface Edit {
  at: number;
  seed: SeedFile;
  parsed: ParsedSeed;
  item: Item;
  /** Its log entry as it is after this run, and as one line of the log. */
  entry: LogEntry;
  line: string;
  updated: boolean;
  diagnostics: Diagnostic[];
  bodyDiagnostics: Diagnostic[];
}

interface PatchPlan {
  index: PatchIndex;
  edits: Edit[];
  outputs: Output[];
  logBytes: Buffer;
  log: EntryLines;
}

function planPatch(input: PatchInput): PatchPlan {
  const { listing, stamp, config } = input;
  const moved = stampMovedBesidesSeeds(stamp, input);
  if (moved) decline(moved);
  if (listing.diagnostics.length) decline('the seeds folder has problems to report');
  const index = readPatchIndex(indexPathFor(input.statePath), input.key);
  if (!index) decline('no patch index of this config and code');
  if (index.seedsDigest !== stamp.seeds || index.logDigest !== stamp.log) decline('the patch index is not of the last run');
  const seeds = listing.seeds;
  if (seeds.length !== index.count || listedPaths(seeds) !== index.files) decline('seeds were added, removed or renamed');
  const changed: number[] = [];
  const s = index.stats;
  for (let i = 0; i < seeds.length; i++) {
    const seed = seeds[i]!;
    if (s[i * 4] !== seed.size || s[i * 4 + 1] !== seed.mtimeMs || s[i * 4 + 2] !== (seed.ctimeMs ?? -1) || s[i * 4 + 3] !== (seed.ino ?? -1)) changed.push(i);
  }
  if (!changed.length) decline('no seed changed');
  if (changed.length > PATCH_MAX_EDITED) decline(`more than ${PATCH_MAX_EDITED} seeds changed`);
  const now = buildClock(input.now);
  const settings = parseSettings(input);
  const logBytes = readFileSync(input.statePath);
  const log = entryLines(logBytes, index.entries);
  if (!log) decline('the publish log is not laid out as seedfeed writes it');

  const edits = changed.map((at) => editOf(at, seeds[at]!, index, log, settings, config, now));
  const byAt = new Map<number, Item>(edits.map((e) => [e.at, e.item]));
  const feeds = index.feeds.filter((f) => f.shown.some((at) => byAt.has(at)));
  const reads = new Set<number>();
  for (const f of feeds) for (const at of f.shown) if (!byAt.has(at)) reads.add(at);
  if (reads.size > PATCH_MAX_READS) decline(`the edited items show in feeds of more than ${PATCH_MAX_READS} other items`);
  for (const at of reads) byAt.set(at, shownItem(at, seeds[at], index, log, settings, config, now));

  const find = topicFinder(index.topics);
  const outputs: Output[] = edits.map((e) => itemPageOutput(config, e.item, find));
  const head = { feedId: index.feedId, created: index.created };
  const pages = archivePages(config, index.entries);
  for (const f of feeds) {
    const shown = Array.from(f.shown, (at) => byAt.get(at)!);
    let planned: PlannedFeed;
    if (f.group === 'main') {
      planned = { prefix: f.prefix, group: 'main', ctx: mainFeed(config, head, shown) };
      linkArchives(config, planned.ctx, pages);
    } else if (f.group === 'archive') {
      planned = archivePage(config, head, f.page!, pages, shown, { links: formatLinks(config, '') });
    } else {
      const topic = index.topics[f.topic!];
      if (!topic) decline('the patch index is damaged');
      planned = topicFeeds(config, head, [{ ...topic, items: shown }])[0]!;
    }
    if (planned.prefix !== f.prefix) decline('the patch index is damaged');
    outputs.push(...renderFeeds(planned.ctx, FORMATS, planned.prefix, rendererOf(planned)));
  }
  return { index, edits, outputs, logBytes, log };
}

/** An edited seed parsed and checked: its item and its new log entry, when the edit moves nothing. */
function editOf(at: number, seed: SeedFile, index: PatchIndex, log: EntryLines, settings: ParseSettings, config: SiteConfig, now: Date): Edit {
  if (placementAt(index, at) === UNPLACED) decline(`${seed.file} published no item, or gave an error`);
  const entry = entryOf(log, index, at, seed.file);
  const parsed = parse(seed, settings);
  const meta = seedMeta(parsed, now);
  if (!meta.ok || parsed.fields.draft?.value === true) decline(`${seed.file} is now rejected or a draft`);
  // The seed takes its entry again, as `assignIdentities` would give it: by the id it names (the same, or the
  // placement below differs), or else by its file (the only live entry of that file).
  const next: LogEntry = { ...entry };
  const identity = claimEntry(next, { file: seed.file, hash: parsed.hash }, now.toISOString());
  const updated = identity.status === 'updated';
  const normalized = normalizeSeed(parsed, meta, identity, config, seed.file);
  const diagnostics = [...parsed.diagnostics, ...meta.diagnostics, ...normalized.diagnostics];
  if (hasErrors(diagnostics)) decline(`${seed.file} now gives an error`);
  if (placementOf(normalized.item, meta.explicitId) !== placementAt(index, at)) decline(`${seed.file} was edited in a way that moves its item`);
  fingerprintItem(normalized.item, parsed.hash);
  return { at, seed, parsed, item: normalized.item, entry: next, line: JSON.stringify(next), updated, diagnostics, bodyDiagnostics: normalized.bodyDiagnostics };
}

/** An item a rendered feed shows besides the edited ones, made from its seed as the last run made it. */
function shownItem(at: number, seed: SeedFile | undefined, index: PatchIndex, log: EntryLines, settings: ParseSettings, config: SiteConfig, now: Date): Item {
  if (!seed || index.entry[at]! < 0) decline('the patch index is damaged');
  const entry = entryOf(log, index, at, seed.file);
  const parsed = parse(seed, settings);
  if (parsed.hash !== entry.hash) decline(`${seed.file} changed without its listing changing`);
  const meta = seedMeta(parsed, now);
  if (!meta.ok) decline(`${seed.file} no longer parses as it did`);
  const item = normalizeSeed(parsed, meta, claimEntry({ ...entry }, { file: seed.file, hash: parsed.hash }, now.toISOString()), config, seed.file).item;
  fingerprintItem(item, parsed.hash);
  return item;
}

function parse(seed: SeedFile, settings: ParseSettings): ParsedSeed {
  const result = runParseJob({ file: seed, keepBody: true }, settings);
  if (!('parsed' in result)) decline(`${seed.file} cannot be read`);
  return result.parsed;
}

/** The log entry of the seed at `at` of the index, checked against the seed's path. */
function entryOf(log: EntryLines, index: PatchIndex, at: number, file: string): LogEntry {
  const k = index.entry[at]!;
  let entry: LogEntry;
  try {
    entry = JSON.parse(log.text(k)) as LogEntry;
  } catch {
    decline('the publish log is not laid out as seedfeed writes it');
  }
  if (entry?.file !== file || entry.removed !== undefined) decline('the publish log does not match the patch index');
  return entry;
}

/** The entries of a publish log, found in its bytes. */
interface EntryLines {
  /** Entry `k`'s JSON text. */
  text(k: number): string;
  /** Where entry `k`'s JSON starts and ends in the bytes. */
  span(k: number): [number, number];
}

const ENTRIES_LINE = Buffer.from('\n "entries": [\n');

/**
 * The entries of a publish log laid out as `serializeLog` writes it: one
 * JSON object a line after the `"entries"` line, each but the last ending
 * in a comma, then the closing lines. Undefined when the bytes are not laid
 * out so, or hold another number of entries.
 */
function entryLines(bytes: Buffer, count: number): EntryLines | undefined {
  const marker = bytes.indexOf(ENTRIES_LINE);
  if (marker < 0) return undefined;
  const starts = new Float64Array(count + 1);
  let at = marker + ENTRIES_LINE.length;
  for (let k = 0; k < count; k++) {
    const newline = bytes.indexOf(10, at);
    if (newline < 0 || bytes[newline - 1] !== (k < count - 1 ? 0x2c : 0x7d)) return undefined;
    starts[k] = at;
    at = newline + 1;
  }
  starts[count] = at;
  if (bytes.toString('utf8', at) !== ' ]\n}\n') return undefined;
  const span = (k: number): [number, number] => {
    const end = starts[k + 1]! - 1;
    return [starts[k]!, k < count - 1 ? end - 1 : end];
  };
  return { span, text: (k) => bytes.toString('utf8', ...span(k)) };
}

/** The log's bytes with the edited entries' lines replaced, in pieces: copying 40 MB into one buffer cost ~50 ms at 100,000 seeds. */
function patchedLog(bytes: Buffer, log: EntryLines, index: PatchIndex, edits: readonly Edit[]): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const e of [...edits].sort((a, b) => index.entry[a.at]! - index.entry[b.at]!)) {
    const [start, end] = log.span(index.entry[e.at]!);
    pieces.push(bytes.subarray(from, start), Buffer.from(e.line));
    from = end;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

async function applyPatch(input: PatchInput, plan: PatchPlan): Promise<PublishReport> {
  const { index, edits, outputs } = plan;
  const built = performance.now();
  // A run that dies from here on must not leave a stamp that vouches for the old outputs.
  unlinkQuietly(stampPathFor(input.statePath));
  const staging = new Staging(input.outDir);
  try {
    for (const o of outputs) await staging.offer(o);
    await staging.settle();
    // The log before the outputs are renamed into place, as in a full run. Every writer of the log removes the stamp
    // first, so a log rewritten to the same size within its mtime tick is never vouched for by an older stamp.
    if (edits.some((e) => e.updated)) writeFileAtomically(input.statePath, patchedLog(plan.logBytes, plan.log, index, edits));
  } catch (e) {
    await staging.abort();
    throw e;
  }
  const { written, unchanged } = staging.commit();

  let repairs = input.stamp.repairs ?? 0;
  const records: SeedRecord[] = [];
  for (const e of edits) {
    repairs += e.parsed.repairs.length - index.repairs[e.at]!;
    index.repairs[e.at] = e.parsed.repairs.length;
    index.stats.set(statsOf(e.seed), e.at * 4);
    const { body: _body, ...head } = e.parsed;
    // A seed modified this close to the listing may change again unseen within its mtime tick: it is read again next time.
    if (e.seed.mtimeMs <= input.listing.listedAtMs - RACY_WINDOW_MS) records.push(seedRecord(e.seed, head, e.bodyDiagnostics));
  }
  const stamp = makeBuildStamp({
    seeds: input.listing.seeds,
    ...(input.listing.digest !== undefined ? { seedsDigest: input.listing.digest } : {}),
    listedAtMs: input.listing.listedAtMs,
    config: input.config,
    statePath: input.statePath,
    outDir: input.outDir,
    watched: input.stamp.watched,
    exitCode: input.stamp.exitCode,
    published: input.stamp.published,
    rejected: input.stamp.rejectedFiles ?? [],
    repairs,
    diagnostics: input.stamp.errors,
    // Checked under the lock (`stampMovedBesidesSeeds`). The outputs rendered were all written by the last run, in
    // folders whose mtimes have not moved since (a file deleted would have moved its folder's): none is created here.
    kept: input.stamp,
  });
  // The caches only save time: one not written costs the next run a full build, never a wrong output.
  const stamps = new Map<string, string>();
  for (const o of outputs) {
    const s = o.fingerprint === undefined ? undefined : outputStamp(o.fingerprint, fileStamp(join(input.outDir, o.path)));
    if (s !== undefined) stamps.set(o.path, s);
  }
  const notWritten: Diagnostic[] = [];
  const cachePath = cachePathFor(input.statePath);
  try {
    appendToCache(cachePath, input.key, records, stamps);
  } catch (e) {
    notWritten.push(cacheNotWritten(cachePath, e));
  }
  saveIndexAndStamp(input.statePath, stamp && { ...index, seedsDigest: stamp.seeds, logDigest: stamp.log }, stamp, (path, e) => notWritten.push(cacheNotWritten(path, e)));
  const done = performance.now();
  const base = noOpReport(input.stamp, input.cleaned, done - input.started);
  const updated = edits.filter((e) => e.updated);
  return {
    ...base,
    counts: { ...base.counts, seeds: input.listing.seeds.length, updated: updated.length, repairs, written: written.length, unchanged: unchanged.length },
    updated: updated.map((e) => briefItem(e.item)),
    diagnostics: sortDiagnostics([...input.stamp.errors, ...edits.flatMap((e) => e.diagnostics), ...notWritten]),
    repairs: edits.flatMap((e) => e.parsed.repairs),
    written: [...written].sort(),
    timings: { buildMs: roundMs(built - input.started), writeMs: roundMs(done - built), totalMs: roundMs(done - input.started) },
    run: 'patch',
  };
}
