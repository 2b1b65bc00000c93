import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClock, parseSettings, renderFeeds } from './build.js';
import { appendToCache, cachePathFor, outputStamp, type SeedRecord } from './cache.js';
import { hasErrors, sortDiagnostics, warning, type Diagnostic } from './diagnostics.js';
import { RACY_WINDOW_MS, listedPaths, makeBuildStamp, serializeBuildStamp, stampMovedBesidesSeeds, stampPathFor, type BuildStamp, type SeedListing } from './fastpath.js';
import { archivePage, archivePages, formatLinks, linkArchives, mainFeed, rendererOf, topicFeeds, type PlannedFeed } from './feeds.js';
import { fingerprintItem } from './fingerprint.js';
import type { Identity, LogEntry } from './identity.js';
import type { Item, SiteConfig } from './model.js';
import { normalizeSeed, seedMeta } from './normalize.js';
import type { Output } from './output.js';
import { fileStamp } from './output-stats.js';
import { runParseJob, type ParseSettings } from './parse-pool.js';
import type { ParsedSeed } from './parse/index.js';
import { UNPLACED, indexPathFor, placementAt, placementOf, readPatchIndex, statsOf, writePatchIndex, type PatchIndex } from './patch-index.js';
import { FORMATS } from './render/formats.js';
import { forgetFragments } from './render/direct.js';
import { itemPageOutput, topicFinder } from './render/pages.js';
import { noOpReport, roundMs, type PublishReport } from './report.js';
import type { Repair } from './text.js';
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
 * and what it wrote.
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

/** Publishes the edits of `input.listing` since the last run, or says why a full run must. Throws only what a full run would (an output that cannot be written). */
export async function patch(input: PatchInput): Promise<PatchResult> {
  let plan: PatchPlan;
  try {
    plan = planPatch(input);
  } catch (e) {
    if (e instanceof Declined) return { declined: e.message };
    throw e;
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
  // As `assignIdentities` matches a seed by its file: its id is kept, and an edit is dated now.
  const updated = parsed.hash !== entry.hash;
  const next: LogEntry = { ...entry };
  if (updated) next.edited = now.toISOString();
  delete next.removed;
  next.file = seed.file;
  next.hash = parsed.hash;
  const normalized = normalizeSeed(parsed, meta, identityOf(next, updated ? 'updated' : 'unchanged'), config, seed.file);
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
  const item = normalizeSeed(parsed, meta, identityOf(entry, 'unchanged'), config, seed.file).item;
  fingerprintItem(item, parsed.hash);
  return item;
}

function parse(seed: SeedFile, settings: ParseSettings): ParsedSeed {
  const result = runParseJob({ file: seed, keepBody: true }, settings);
  if (!('parsed' in result)) decline(`${seed.file} cannot be read`);
  return result.parsed;
}

function identityOf(entry: LogEntry, status: Identity['status']): Identity {
  const identity: Identity = { id: entry.id, slug: entry.slug, firstPublished: new Date(entry.firstPublished), status };
  if (entry.edited) identity.edited = new Date(entry.edited);
  return identity;
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

/**
 * The entries of a publish log as `serializeLog` writes it: one JSON
 * object a line after the `"entries"` line, each but the last ending in a
 * comma. Undefined when the bytes are not laid out so, or hold another
 * number of entries.
 */
interface EntryLines {
  /** Entry `k`'s JSON text. */
  text(k: number): string;
  /** Where entry `k`'s JSON starts and ends in the bytes. */
  span(k: number): [number, number];
}

const ENTRIES_LINE = Buffer.from('\n "entries": [\n');

function entryLines(bytes: Buffer, count: number): EntryLines | undefined {
  const marker = bytes.indexOf(ENTRIES_LINE);
  if (marker < 0) return undefined;
  const starts = new Float64Array(count + 1);
  let at = marker + ENTRIES_LINE.length;
  for (let k = 0; k < count; k++) {
    const newline = bytes.indexOf(10, at);
    if (newline < 0) return undefined;
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
  const stampPath = stampPathFor(input.statePath);
  // A run that dies from here on must not leave a stamp that vouches for the old outputs.
  unlinkQuietly(stampPath);
  const staging = new Staging(input.outDir);
  try {
    for (const o of outputs) await staging.offer(o);
    await staging.settle();
    if (edits.some((e) => e.updated)) writeFileAtomically(input.statePath, patchedLog(plan.logBytes, plan.log, index, edits));
  } catch (e) {
    await staging.abort();
    throw e;
  }
  const { written, unchanged } = staging.commit();

  let warnings = input.stamp.warnings;
  let repairs = input.stamp.repairs ?? 0;
  const records: SeedRecord[] = [];
  for (const e of edits) {
    const ownWarnings = e.diagnostics.filter((d) => d.severity === 'warning').length;
    warnings += ownWarnings + index.duplicates[e.at]! - index.warnings[e.at]!;
    repairs += e.parsed.repairs.length - index.repairs[e.at]!;
    index.warnings[e.at] = ownWarnings + index.duplicates[e.at]!;
    index.repairs[e.at] = e.parsed.repairs.length;
    index.stats.set(statsOf(e.seed), e.at * 4);
    const { body: _body, ...head } = e.parsed;
    const record: SeedRecord = { file: e.seed.file, size: e.seed.size, mtimeMs: e.seed.mtimeMs, head, bodyDiagnostics: e.bodyDiagnostics };
    if (e.seed.ctimeMs !== undefined) record.ctimeMs = e.seed.ctimeMs;
    if (e.seed.ino !== undefined) record.ino = e.seed.ino;
    if (e.seed.dev !== undefined) record.dev = e.seed.dev;
    // A seed modified this close to the listing may change again unseen within its mtime tick: it is read again next time.
    if (e.seed.mtimeMs <= input.listing.listedAtMs - RACY_WINDOW_MS) records.push(record);
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
    rejected: input.stamp.rejected,
    repairs,
    diagnostics: input.stamp.errors,
    warnings,
    // Checked before the patch (`stampMovedBesidesSeeds`); it writes only over files that were there.
    kept: input.stamp,
  });
  // The caches only save time: one not written costs the next run a full build, never a wrong output.
  const stamps = new Map<string, string>();
  for (const o of outputs) {
    const s = o.fingerprint === undefined ? undefined : outputStamp(o.fingerprint, fileStamp(join(input.outDir, o.path)));
    if (s !== undefined) stamps.set(o.path, s);
  }
  const notWritten: Diagnostic[] = [];
  const cacheWarning = (path: string, e: unknown) =>
    notWritten.push(warning('cache-not-written', path, 0, `${(e as Error).message}; the next run does the work again`));
  try {
    appendToCache(cachePathFor(input.statePath), input.key, records, stamps);
  } catch (e) {
    cacheWarning(cachePathFor(input.statePath), e);
  }
  if (stamp) {
    try {
      // The index first: the stamp names the listing and log it was written with.
      writePatchIndex(indexPathFor(input.statePath), { ...index, seedsDigest: stamp.seeds, logDigest: stamp.log });
      writeFileAtomically(stampPath, serializeBuildStamp(stamp));
    } catch (e) {
      cacheWarning(stampPath, e);
    }
  }
  const done = performance.now();
  const brief = (e: Edit) => ({ id: e.item.id, file: e.item.file, title: e.item.title });
  const base = noOpReport(input.stamp, input.cleaned, done - input.started);
  const updated = edits.filter((e) => e.updated);
  const ownRepairs: Repair[] = edits.flatMap((e) => e.parsed.repairs);
  return {
    ...base,
    counts: { ...base.counts, seeds: input.listing.seeds.length, updated: updated.length, repairs, written: written.length, unchanged: unchanged.length },
    updated: updated.map(brief),
    diagnostics: sortDiagnostics([...input.stamp.errors, ...edits.flatMap((e) => e.diagnostics), ...notWritten]),
    repairs: ownRepairs,
    written: [...written].sort(),
    timings: { buildMs: roundMs(built - input.started), writeMs: roundMs(done - built), totalMs: roundMs(done - input.started) },
    run: 'patch',
  };
}

