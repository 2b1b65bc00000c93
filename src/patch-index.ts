import { hash } from 'node:crypto';
import { join } from 'node:path';
import { fileStamp } from './output-stats.js';
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { joinDisplay, type SeedFile } from './discover.js';
import type { Diagnostic } from './diagnostics.js';
import type { PlannedFeed } from './feeds.js';
import type { PublishLog } from './identity.js';
import type { Item } from './model.js';
import type { Repair } from './text.js';
import type { Topic, TopicKind } from './topics.js';
import { unlinkQuietly, writeFileAtomically } from './write.js';
import { listedPaths, serializeBuildStamp, stampPathFor, type BuildStamp } from './fastpath.js';
import { storyKeys } from './normalize.js';
import { FORMATS } from './render/formats.js';

/**
 * The patch index, kept beside the publish log (`<state>.index`): where
 * every published item shows, so that a run which finds a few seeds edited
 * in a way that moves nothing renders only the outputs that show them
 * (patch.ts) instead of making 100,000 items again to learn that.
 *
 * Like the build stamp and the build cache it is only a cache: a lost,
 * damaged or stale index costs one full run. It is used only when the build
 * stamp was written by the same run (the stamp's digests of the seed listing
 * and of the publish log are in it), so it describes the log and outputs
 * that are there; seedfeed's code, the config and the folders key it.
 *
 * Stored with `v8.serialize`: numbers as typed arrays, so a run at 100,000
 * seeds reads it in milliseconds. Node's version is part of the key.
 */
export const PATCH_INDEX_VERSION = 5;

/** A topic as the index keeps it: what its feeds and the item pages' links need, without its items. */
export type IndexedTopic = Pick<Topic, 'kind' | 'name' | 'slug' | 'path'>;

/** A feed document (its three formats) as the index keeps it. */
export interface IndexedFeed {
  prefix: string;
  group: 'main' | 'archive' | TopicKind;
  /** A topic feed's topic, by its place in `PatchIndex.topics`. */
  topic?: number;
  /** An archive page's number. */
  page?: number;
  /** The seeds whose items it shows, in order, by their place in the listing. */
  shown: Int32Array;
  /** The stamps of its files (`fileStamp`), in the order of `FORMATS`, as the run left them: a patch takes the items it did not change from their texts there (render/direct.ts `FEED_PIECES`), and must not keep an edit made by hand. */
  files: (string | undefined)[];
}

/** A feed as the index holds it, its properties always in one order (the index's bytes are the same however it was made). */
export function indexedFeed(prefix: string, group: IndexedFeed['group'], shown: Int32Array, files: (string | undefined)[], topic?: number, page?: number): IndexedFeed {
  const feed: IndexedFeed = { prefix, group, shown, files };
  if (topic !== undefined) feed.topic = topic;
  if (page !== undefined) feed.page = page;
  return feed;
}

export interface PatchIndex {
  version: typeof PATCH_INDEX_VERSION;
  /** `cacheKey`: code, config, seeds folder as shown, output folder. */
  key: string;
  /** The build stamp's `seeds` and `log` (fastpath.ts) of the run that wrote it. */
  seedsDigest: string;
  logDigest: string;
  /** The publish log's feed id and creation time, which never change. */
  feedId: string;
  created: string;
  /** Entries in the publish log. */
  entries: number;
  /** Every listed seed's path (drafts and rejected seeds included), in the listing's order, each ended by NUL (`listedPaths`): one string is read, written and compared at once. */
  files: string;
  /** How many seeds were listed. */
  count: number;
  /** Per listed seed: size, mtime, ctime and inode as listed (-1 when not known). */
  stats: Float64Array;
  /** Per listed seed: its item's place in the log's entries; -1 when it published no item. */
  entry: Int32Array;
  /** Per listed seed, `PLACEMENT_LENGTH` characters: `placementOf` its item; `UNPLACED` when it published none or gave an error (then it is never patched). */
  placement: string;
  /** Per listed seed: the repairs the run reported for it (a no-op reports their total again). */
  repairs: Int32Array;
  /** Per listed seed: its item's date (ms); NaN when it published none. */
  published: Float64Array;
  /** Per listed seed: when its item was last updated (ms), which dates the feeds that show it; NaN when it published none. */
  updated: Float64Array;
  /** Per listed seed, `2 * KEY_LENGTH` characters: `duplicateKeys` of its item (`NO_KEY` for a key it lacks, or when it published none). */
  dedupe: string;
  /** `duplicateKeys` of every item not published because another seed shares its story, one after another: an edit that changes a story's keys may publish them. */
  dropped: string;
  /** Per topic: the seeds of all its stories, newest first, as its page lists them. */
  topicItems: Int32Array[];
  /** Per topic: the home page its page links (a source's, from its first story that has one), and that story's place in `topicItems`; -1 for none. */
  homes: (string | null)[];
  homeRanks: Int32Array;
  /** Per topic: the stamp of its page's file as the run left it (`fileStamp`): a patch puts cards into the page's text, and must not keep an edit made by hand. */
  topicPages: (string | undefined)[];
  /** The stamp of the home page's file as the run left it: a patch takes the cards of stories it did not change from there. */
  homePage: string | undefined;
  /** Every topic with a feed, empty ones included. */
  topics: IndexedTopic[];
  /** Every feed document: the main feed, archive pages, topic feeds. */
  feeds: IndexedFeed[];
}

export function indexPathFor(statePath: string): string {
  return `${statePath}.index`;
}

/** A seed's size, mtime, ctime and inode, as the index keeps them. */
export function statsOf(seed: Pick<SeedFile, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): [number, number, number, number] {
  return [seed.size, seed.mtimeMs, seed.ctimeMs ?? -1, seed.ino ?? -1];
}

/**
 * Everything of an item that decides where it shows and how it is listed
 * on pages that are not its own: its place in every feed and topic (date,
 * source, sharer, categories, id), whether it is a duplicate (title,
 * source, original link), and its card on the home and topic pages (title,
 * dek, date, source, sharer, language, page). Its body, byline, update
 * time and the rest show only on its own page and in the feeds that carry
 * it, which a patch renders again. An edit that changes its placement is
 * patched when only its cards change (`recard` in patch.ts).
 */
export function placementOf(item: Item, explicitId: string | undefined): string {
  // Joined by hand, not by JSON.stringify: ~6 µs an item, 0.6 s of a full run at 100,000 seeds. No field holds a NUL
  // or a U+0001 (both are characters XML forbids, which parsing removes); an absent field is '', as no present one is.
  const { source, sharedBy } = item;
  const facts = [
    item.id,
    explicitId ?? '',
    item.path,
    item.title,
    item.summary ?? '',
    String(item.published.getTime()),
    source?.name ?? '',
    source?.url ?? '',
    source?.feedUrl ?? '',
    item.categories.join('\u0001'),
    sharedBy?.name ?? '',
    sharedBy?.url ?? '',
    sharedBy?.email ?? '',
    item.originalLink ?? '',
    item.language,
  ];
  return hash('sha1', facts.join('\u0000'), 'base64').slice(0, PLACEMENT_LENGTH);
}

/** Characters of a placement: a SHA-1 in base64 without its padding. */
export const PLACEMENT_LENGTH = 27;

/** The placement of a seed that is never patched: no digest looks like it. */
export const UNPLACED = '-'.repeat(PLACEMENT_LENGTH);

/** Characters of a key of `duplicateKeys`. */
export const KEY_LENGTH = 16;

export const NO_KEY = '-'.repeat(KEY_LENGTH);

/**
 * Digests of the keys under which build.ts finds the same story shared
 * twice (`dropDuplicateStories`): its source and title, and its original
 * link; `NO_KEY` for an item without one.
 */
export function duplicateKeys(item: Pick<Item, 'source' | 'title' | 'originalLink'>): string {
  const digest = (key: string) => hash('sha1', key, 'base64').slice(0, KEY_LENGTH);
  const [title, link] = storyKeys(item);
  return digest(title!) + (link === undefined ? NO_KEY : digest(link));
}

/** Whether an item of the index has `key` (one of `duplicateKeys`). */
export function hasDuplicateKey(index: Pick<PatchIndex, 'dedupe'>, key: string): boolean {
  for (let at = index.dedupe.indexOf(key); at >= 0; at = index.dedupe.indexOf(key, at + 1)) if (at % KEY_LENGTH === 0) return true;
  return false;
}

/** The placement of the seed at `at` in the listing. */
export function placementAt(index: PatchIndex, at: number): string {
  return index.placement.slice(at * PLACEMENT_LENGTH, (at + 1) * PLACEMENT_LENGTH);
}

/** The two keys (`duplicateKeys`) of the seed at `at` in `dedupe`, a column of the index or one seed's keys (`at` 0). */
export function keysAt(dedupe: string, at: number): [string, string] {
  const from = at * 2 * KEY_LENGTH;
  return [dedupe.slice(from, from + KEY_LENGTH), dedupe.slice(from + KEY_LENGTH, from + 2 * KEY_LENGTH)];
}

/** Gives the seed at `at` its item's placement and duplicate keys in `index`. */
export function placeSeed(index: Pick<PatchIndex, 'placement' | 'dedupe'>, at: number, placement: string, keys: string): void {
  index.placement = index.placement.slice(0, at * PLACEMENT_LENGTH) + placement + index.placement.slice((at + 1) * PLACEMENT_LENGTH);
  index.dedupe = index.dedupe.slice(0, at * 2 * KEY_LENGTH) + keys + index.dedupe.slice((at + 1) * 2 * KEY_LENGTH);
}

export interface IndexInput {
  key: string;
  seedsDigest: string;
  logDigest: string;
  log: PublishLog;
  listing: readonly SeedFile[];
  /** Published items with their seeds' explicit ids. */
  items: readonly Item[];
  /** Items not published as stories published already (`BuildResult.dropped`). */
  dropped: readonly Item[];
  explicitIds: ReadonlyMap<Item, string>;
  feeds: readonly PlannedFeed[];
  diagnostics: readonly Diagnostic[];
  repairs: readonly Repair[];
  /** How seed paths are shown in diagnostics. */
  displayRoot: string;
  /** The output folder, whose topic pages are stat-ed as the run left them. */
  outDir: string;
  /** The index of an earlier run under the same key, whose placements of seeds unchanged since are taken as they are. */
  previous?: PatchIndex;
}

/** The index of a finished run. */
export function makePatchIndex(input: IndexInput): PatchIndex {
  const n = input.listing.length;
  const place = new Map<string, number>();
  const stats = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const seed = input.listing[i]!;
    place.set(seed.file, i);
    stats.set(statsOf(seed), i * 4);
  }
  const repairs = new Int32Array(n);
  const errors = new Set<string>();
  const byDisplay = new Map<string, number>();
  for (let i = 0; i < n; i++) byDisplay.set(joinDisplay(input.displayRoot, input.listing[i]!.file), i);
  for (const d of input.diagnostics) if (d.severity === 'error') errors.add(d.file);
  for (const r of input.repairs) {
    const i = byDisplay.get(r.file);
    if (i !== undefined) repairs[i]!++;
  }
  const entryOf = new Map<string, number>();
  input.log.entries.forEach((e, at) => entryOf.set(e.id, at));
  const entry = new Int32Array(n).fill(-1);
  const published = new Float64Array(n).fill(NaN);
  const updated = new Float64Array(n).fill(NaN);
  const placement: string[] = new Array<string>(n).fill(UNPLACED);
  const dedupe: string[] = new Array<string>(n).fill(NO_KEY + NO_KEY);
  const previous = input.previous;
  const before = previous ? previousPlaces(previous, input.log, stats, place) : () => undefined;
  for (const item of input.items) {
    const i = place.get(item.file);
    const at = entryOf.get(item.id);
    if (i === undefined || at === undefined) continue;
    entry[i] = at;
    published[i] = item.published.getTime();
    updated[i] = item.updated.getTime();
    const j = before(i, at);
    const kept = j === undefined ? undefined : placementAt(previous!, j);
    // A seed with errors is not patched: a full run reports them.
    if (!errors.has(joinDisplay(input.displayRoot, item.file))) placement[i] = kept === undefined || kept === UNPLACED ? placementOf(item, input.explicitIds.get(item)) : kept;
    dedupe[i] = j === undefined ? duplicateKeys(item) : previous!.dedupe.slice(j * 2 * KEY_LENGTH, (j + 1) * 2 * KEY_LENGTH);
  }
  const topics: IndexedTopic[] = [];
  const topicItems: Int32Array[] = [];
  const homes: (string | null)[] = [];
  const homeRanks: number[] = [];
  const feeds: IndexedFeed[] = input.feeds.map((f) => {
    const files = FORMATS.map((format) => fileStamp(join(input.outDir, f.prefix + format.fileName)));
    const feed = indexedFeed(f.prefix, f.group, Int32Array.from(f.ctx.items, (item) => place.get(item.file) ?? -1), files, f.topic ? topics.length : undefined, f.page);
    if (f.topic) {
      topics.push({ kind: f.topic.kind, name: f.topic.name, slug: f.topic.slug, path: f.topic.path });
      topicItems.push(Int32Array.from(f.topic.items, (item) => place.get(item.file) ?? -1));
      const home = f.topic.items.findIndex((item) => item.source?.url);
      homes.push(home < 0 ? null : f.topic.items[home]!.source!.url!);
      homeRanks.push(home);
    }
    return feed;
  });
  return {
    version: PATCH_INDEX_VERSION,
    key: input.key,
    seedsDigest: input.seedsDigest,
    logDigest: input.logDigest,
    feedId: input.log.feedId,
    created: input.log.created,
    entries: input.log.entries.length,
    files: listedPaths(input.listing),
    count: n,
    stats,
    entry,
    placement: placement.join(''),
    repairs,
    published,
    updated,
    dedupe: dedupe.join(''),
    dropped: input.dropped.map(duplicateKeys).join(''),
    topicItems,
    homes,
    homeRanks: Int32Array.from(homeRanks),
    topicPages: topics.map((t) => fileStamp(join(input.outDir, t.path + 'index.html'))),
    homePage: fileStamp(join(input.outDir, 'index.html')),
    topics,
    feeds,
  };
}

/**
 * Where `previous` has the seeds whose placement and duplicate keys it
 * holds still hold: digesting every item costs ~6 µs each (0.6 s of a run
 * at 100,000 seeds). They hold for a seed listed as it was then (so the
 * parse is the same: the key holds the config and the code) whose item has
 * the same log entry (so the same id, page and first publication: a log
 * only ever appends entries, so a place in it always names the same entry).
 */
function previousPlaces(
  previous: PatchIndex,
  log: Pick<PublishLog, 'feedId' | 'created' | 'entries'>,
  stats: Float64Array,
  place: ReadonlyMap<string, number>,
): (at: number, entry: number) => number | undefined {
  if (previous.feedId !== log.feedId || previous.created !== log.created || previous.entries > log.entries.length) return () => undefined;
  const before = new Int32Array(stats.length / 4).fill(-1);
  let from = 0;
  for (let j = 0; j < previous.count; j++) {
    const end = previous.files.indexOf('\u0000', from);
    if (end < 0) return () => undefined;
    const i = place.get(previous.files.slice(from, end));
    if (i !== undefined) before[i] = j;
    from = end + 1;
  }
  return (i, entry) => {
    const j = before[i]!;
    if (j < 0 || previous.entry[j] !== entry) return undefined;
    for (let k = 0; k < 4; k++) if (previous.stats[j * 4 + k] !== stats[i * 4 + k]) return undefined;
    return j;
  };
}

/**
 * Not fsynced (~20 ms of 15 MB at 100,000 seeds): after a crash an index
 * whose bytes were lost does not read (`readPatchIndex`), and one left from
 * before names another state than the stamp; either way the next run is a
 * full one.
 */
export function writePatchIndex(path: string, index: PatchIndex): void {
  writeFileAtomically(path, serialize(index), false);
}

/**
 * The last caches a run writes: the patch index of the state it leaves,
 * then the build stamp that names that state. An index that is not written
 * is removed, so that no stamp is ever taken with an index another run
 * wrote. Failures go to `warn`: the run has published all the same.
 */
export function saveIndexAndStamp(statePath: string, index: PatchIndex | undefined, stamp: BuildStamp | undefined, warn: (path: string, e: unknown) => void): void {
  const indexPath = indexPathFor(statePath);
  const stampPath = stampPathFor(statePath);
  try {
    if (index && stamp) writePatchIndex(indexPath, index);
    else unlinkQuietly(indexPath);
  } catch (e) {
    warn(indexPath, e);
    unlinkQuietly(indexPath);
  }
  try {
    if (stamp) writeFileAtomically(stampPath, serializeBuildStamp(stamp));
  } catch (e) {
    warn(stampPath, e);
  }
}

/** The index at `path` when it was made under `key`; undefined when there is none or it is of no use. */
export function readPatchIndex(path: string, key: string): PatchIndex | undefined {
  try {
    const index = deserialize(readFileSync(path)) as Partial<PatchIndex>;
    if (index?.version !== PATCH_INDEX_VERSION || index.key !== key) return undefined;
    const n = index.count ?? -1;
    if (typeof index.files !== 'string' || !(index.stats instanceof Float64Array) || index.stats.length !== n * 4 || !(index.entry instanceof Int32Array) || index.entry.length !== n) return undefined;
    if (index.placement?.length !== n * PLACEMENT_LENGTH || index.repairs?.length !== n || index.published?.length !== n || index.updated?.length !== n || index.dedupe?.length !== n * 2 * KEY_LENGTH || typeof index.dropped !== 'string' || index.dropped.length % (2 * KEY_LENGTH) !== 0 || !Array.isArray(index.feeds) || !Array.isArray(index.topics)) return undefined;
    const topics = index.topics.length;
    if (index.topicItems?.length !== topics || index.homes?.length !== topics || index.homeRanks?.length !== topics || index.topicPages?.length !== topics) return undefined;
    return index as PatchIndex;
  } catch {
    return undefined;
  }
}
