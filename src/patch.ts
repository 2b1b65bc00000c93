import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClock, parseSettings } from './build.js';
import { appendToCache, cacheNotWritten, cachePathFor, outputStamp, seedRecord, type SeedRecord } from './cache.js';
import { compareStrings, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { RACY_WINDOW_MS, listedPaths, modifiedAhead, makeBuildStamp, stampMovedBesidesSeeds, stampPathFor, watchedOutputs, type BuildStamp, type SeedListing } from './fastpath.js';
import { archivePage, archivePages, archivePrefix, formatLinks, linkArchives, mainFeed, topicFeeds, type PlannedFeed } from './feeds.js';
import { feedFingerprint, fingerprintItem } from './fingerprint.js';
import { claimEntry, entryLine, newEntry, siteTag, type Identity, type LogEntry } from './identity.js';
import type { Item, SiteConfig } from './model.js';
import { normalizeSeed, seedMeta, type SeedMeta } from './normalize.js';
import { fileStamp } from './output-stats.js';
import type { Output } from './output.js';
import { runParseJob, type ParseSettings } from './parse-pool.js';
import { hashBytes, type ParsedSeed } from './parse/index.js';
import {
  KEY_LENGTH,
  NO_KEY,
  PLACEMENT_LENGTH,
  UNPLACED,
  duplicateKeys,
  hasDuplicateKey,
  indexedFeed,
  indexPathFor,
  keysAt,
  placeSeed,
  placementAt,
  placementOf,
  readPatchIndex,
  saveIndexAndStamp,
  statsOf,
  type IndexedFeed,
  type IndexedTopic,
  type PatchIndex,
} from './patch-index.js';
import { FORMATS } from './render/formats.js';
import { FEED_PIECES, forgetFragments } from './render/direct.js';
import { OPML_FILE, renderOpml } from './render/opml.js';
import { homeCard, homeCardIn, homePageOfCards, itemPageOutput, topicCount, topicFinder, topicPageOutput, withCardAdded, withCardRemoved, withCardReplaced } from './render/pages.js';
import { briefItem, noOpReport, roundMs, type PublishReport } from './report.js';
import { slugify, uniqueSlug } from './slug.js';
import { TOPIC_FOLDERS, TOPIC_KINDS, namesOf, topicKey, type TopicKind } from './topics.js';
import { Staging, setOutputAside, unlinkQuietly, type FileToWrite } from './write.js';
import { readLogFile, writeLogSplices, type LogFile, type Splice } from './log-file.js';
import { isSeedName, type SeedFile } from './discover.js';

/**
 * The patch run: a rebuild after a few seeds were edited, added, removed or
 * renamed, done from the patch index
 * (patch-index.ts) instead of from every seed, with the bytes a full run
 * would give (test/patch.test.ts compares the two after each kind of
 * change).
 *
 * - An edit that moves nothing (a body rewritten, a typo fixed, a byline
 *   added) keeps the item's id, date and topics: every feed and page shows
 *   the same items in the same order. What shows it changes: its own page
 *   and the feeds that carry it (the main feed, its topics' feeds, its
 *   archive page, when they do). Its log entry gets the seed's new hash and
 *   `edited`, in place. When the edit changes how the item is listed too
 *   (its title, dek or language: `placementOf`), its card changes on its
 *   topics' pages, and on the home page when the main feed shows it; when
 *   it gives the item other topics (a category, source or sharer), it
 *   joins and leaves them as an added and a removed story do, and starts
 *   those no story had as an added story does (`recard`).
 * - An edit that gives the item a new date moves it in every list it stays
 *   in: the main feed (which takes the newest story it did not show when
 *   the item moves past the others), its archive page, and its topics'
 *   lists, pages and feeds, where it leaves its place and joins at its new
 *   one (`moveInTopic`).
 * - An added seed gets a new log entry, appended (`planAdditions`), its
 *   page, a place in the feeds whose newest items it joins (no archive
 *   page: it waits with the entries after the last full one; the seed that
 *   fills the next page makes that page whole, `fillArchivePage`), a card on
 *   its topics' pages (put into their text) and a count on the home page;
 *   a topic it starts gets its page, its feeds and a line on the home page
 *   and in the OPML (`startTopics`).
 * - A removed seed's entry is marked removed (`planRemovals`), its page
 *   deleted, its card taken out of its topics' pages, its place in the
 *   feeds that showed it taken by the next story, and the home page counts
 *   one story less. A topic left without stories (by a removal or an
 *   edit) is kept, empty, under the name it had (`emptiedTopic`).
 * - A seed renamed (an added seed with the bytes of a removed one's entry,
 *   which no other entry has, and a name read the same way, as plain text
 *   or Markdown: `renamesOf`) keeps its entry, under its new name, and its
 *   row and places in the index (`withRenamed`): nothing that shows it
 *   changes. Not while the last run reported an id two seeds name: which
 *   one holds it goes by their paths.
 * - Seeds edited, added and removed in one run, in any mix: the listing
 *   and the index's are walked together in the listing's order
 *   (`listingChanges`), the removed seeds taken out of the index and room
 *   made for the added (`withoutRemoved`, `withRoomForAdded`); the edited
 *   seeds are parsed first; then the removals are planned (the stories
 *   that take a removed one's place looked at as they are now), then the
 *   edits, then the additions, each among the stories and on the topic
 *   pages as the one before left them (the order in which they are placed
 *   does not change where a full run lists them: by date, then id); the
 *   topics edits and additions start go into the log together
 *   (`startedInLog`).
 *
 * A feed rendered again shows the changed items as made from their seeds,
 * and the others as their texts in its files as the last run left them
 * (render/direct.ts `FEED_PIECES`; the home page's cards likewise): only
 * the changed seeds are read, however many items the feeds show. A file
 * changed since (its stamp in the index) or an item not found there is made
 * from its seed. Everything else is left as it is. The changes to the log's
 * entries go to its journal, not to a rewrite of the whole log
 * (log-file.ts). Anything more declines the patch, and the run is a full
 * one: a seed restored or copied (an added seed with the bytes of a log
 * entry other than one removed seed's); an edit that gives an item another
 * id; a change that renames a topic (the story that names it now, or the
 * next one after it, writing it otherwise), relinks a
 * source's page or changes which stories are the same (a title another
 * story has); a seed that gives an
 * error; a log or output folder changed since the stamp.
 *
 * A patch run reports as a no-op does (the errors of the last full run and
 * its counts), plus what it changed: the edited seeds' warnings and repairs,
 * and what it wrote. Like the no-op it does not look at outputs it does not
 * render: a page edited in place by hand is repaired by the next full run
 * (`outputDigest` in fastpath.ts). The files whose text it builds on it
 * does look at, by their stamps in the index: a topic page it puts a card
 * into, changed since the last run, declines the patch; a feed or the home
 * page changed since is made from the seeds instead of its own text.
 */

/** At most this many seeds edited for a patch; more make a full run. */
export const PATCH_MAX_EDITED = 64;
/** At most this many seeds added for a patch; more make a full run. */
export const PATCH_MAX_ADDED = 16;
/** At most this many seeds removed for a patch; more make a full run. */
export const PATCH_MAX_REMOVED = 16;
/** At most this many other items in the feeds a patch renders (taken from their files, or made from their seeds when not there); more make a full run. */
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

/** A patch run's report, or why it declined, with the patch index it read as it was (for the full run to reuse: `makePatchIndex`'s `previous`). */
export type PatchResult = { report: PublishReport } | { declined: string; index?: PatchIndex };

class Declined extends Error {}

function decline(reason: string): never {
  throw new Declined(reason);
}

/** Publishes the edits of `input.listing` since the last run, or says why a full run must. Throws only once it writes, what a full run would (an output that cannot be written). */
export async function patch(input: PatchInput): Promise<PatchResult> {
  let plan: PatchPlan;
  const read: { index?: PatchIndex } = {};
  try {
    plan = planPatch(input, read);
  } catch (e) {
    // Planning only reads: whatever stops it (an index damaged in a way its check missed, a log that cannot be read) is for a full run to meet.
    return { declined: e instanceof Declined ? e.message : `the patch could not be planned (${(e as Error).message})`, ...read };
  }
  try {
    return { report: await applyPatch(input, plan) };
  } finally {
    forgetFragments();
  }
}

/** A seed edited or added, ready to publish. */
interface Change {
  /** Its place in this run's listing. */
  at: number;
  seed: SeedFile;
  parsed: ParsedSeed;
  item: Item;
  /** Its log entry after this run, as one line of the log. */
  line: string;
  status: Identity['status'];
  diagnostics: Diagnostic[];
  bodyDiagnostics: Diagnostic[];
}

interface PatchPlan {
  /** The index of the state the patch leaves. */
  index: PatchIndex;
  changes: Change[];
  outputs: (FileToWrite & Pick<Output, 'fingerprint'>)[];
  /** The publish log as read, and the changes to make to it (none when it does not change). */
  log: { file: LogFile; splices: Splice[] };
  /** The topics whose pages are written from their text as it was (`withCardAdded`). */
  pageTopics: number[];
  /** The feeds rendered, and whether the home page is. */
  feeds: IndexedFeed[];
  home: boolean;
  /** The output folder's folders once the patch is written, as the build stamp lists them (`foldersUnder`): new topics' and archive pages' put in, and a new kind's. */
  folders: readonly string[];
  /** The seeds removed: their log entries as marked, their pages (deleted), and the repairs the last run counted for them. */
  removed?: { entries: LogEntry[]; paths: string[]; repairs: number };
}

/** Plans the patch, or declines; `read.index` gets the patch index as read, which planning leaves as it was (it changes a copy: `withoutRemoved`, `withRoomForAdded`, or the copy made when the listing is the same). */
function planPatch(input: PatchInput, read: { index?: PatchIndex }): PatchPlan {
  const { listing, stamp, config } = input;
  const moved = stampMovedBesidesSeeds(stamp, input);
  if (moved) decline(moved);
  if (listing.diagnostics.length) decline('the seeds folder has problems to report');
  // A full run names such a seed (`mtime-future`), from the first run that lists it on.
  if (listing.seeds.some((s) => modifiedAhead(s, listing.listedAtMs))) decline('a seed is modified in the future');
  let index = readPatchIndex(indexPathFor(input.statePath), input.key);
  if (!index) decline('no patch index of this config and code');
  read.index = index;
  if (index.seedsDigest !== stamp.seeds || index.logDigest !== stamp.log) decline('the patch index is not of the last run');
  const seeds = listing.seeds;
  const file = readLogFile(input.statePath);
  if (!file) decline('there is no publish log');
  const bytes = file.bytes;
  const logRead = entryLines(bytes, index.entries);
  if (!logRead) decline('the publish log is not laid out as seedfeed writes it');
  /** Whether the last run rejected a seed for naming an id another seed has (`assignIdentities`). */
  const idsContested = stamp.errors.some((d) => d.rule === 'duplicate-id');
  const contested: () => never = () => decline('a seed names an id another seed has: a full run gives it');
  let added: number[] = [];
  let removed: number[] = [];
  /** Seeds renamed: each one's new place, by its place in the index as read. */
  let renamed = new Map<number, number>();
  // What a patch changes goes into a copy: the index as read stays as it was.
  const before = index;
  if (seeds.length !== index.count || listedPaths(seeds) !== index.files) {
    ({ added, removed } = listingChanges(index, seeds));
    if (removed.length > PATCH_MAX_REMOVED) decline(`more than ${PATCH_MAX_REMOVED} seeds removed`);
    if (added.length > PATCH_MAX_ADDED) decline(`more than ${PATCH_MAX_ADDED} seeds added`);
    renamed = renamesOf(added, removed, seeds, before, bytes, logRead);
    // Which seed holds an id two seeds name goes by their paths (`assignIdentities`): a full run gives it again.
    if (renamed.size && idsContested) contested();
    // The removed seeds taken out (their places in the listing without the added ones), then room made for the added;
    // a renamed seed is both, and then given its row and its places in the lists again (`withRenamed`).
    const isNew = new Set(added);
    if (removed.length) index = withoutRemoved(index, added.length ? seeds.filter((_, i) => !isNew.has(i)) : seeds, removed);
    if (added.length) index = withRoomForAdded(index, seeds, added);
    if (renamed.size) {
      removed = removed.filter((j) => !renamed.has(j));
      withRenamed(index, before, renamed, new Set(removed));
      const moved = new Set(renamed.values());
      added = added.filter((i) => !moved.has(i));
    }
  } else index = { ...index, published: index.published.slice(), homes: [...index.homes], homeRanks: index.homeRanks.slice(), topicItems: [...index.topicItems], feeds: index.feeds.map((f) => ({ ...f })) };
  /** What each feed showed, in this listing's places (planning gives a feed whose items change a list of its own). */
  const shownBefore = new Map(index.feeds.map((f) => [f, f.shown] as const));
  const isAdded = new Set(added);
  const changed: number[] = [];
  const s = index.stats;
  for (let i = 0; i < seeds.length; i++) {
    const seed = seeds[i]!;
    if (isAdded.has(i)) continue;
    if (s[i * 4] !== seed.size || s[i * 4 + 1] !== seed.mtimeMs || s[i * 4 + 2] !== (seed.ctimeMs ?? -1) || s[i * 4 + 3] !== (seed.ino ?? -1)) changed.push(i);
  }
  if (!changed.length && !added.length && !removed.length && !renamed.size) decline('no seed changed');
  if (changed.length > PATCH_MAX_EDITED) decline(`more than ${PATCH_MAX_EDITED} seeds changed`);
  const now = buildClock(input.now);
  const settings = parseSettings(input);
  /** The log's entries, a renamed seed's under its new name (the change a patch makes to them). */
  const log = renamed.size ? withEntriesRenamed(logRead, before, renamed, seeds) : logRead;

  const items = new Map<number, Item>();
  const main = index.feeds.find((f) => f.group === 'main');
  let changes: Change[] = [];
  let touched: IndexedFeed[] = [];
  const splices: Splice[] = [...renamed.keys()].map((j) => ({ span: log.span(before.entry[j]!), text: log.text(before.entry[j]!) }));
  /** Topic pages with cards put in or changed, by path: edits first, then additions, each changing the text the one before left. */
  const pages = new Map<string, string>();
  /** The topics whose pages change, by their keys: a topic started by an addition moves the places of those after it. */
  const pageTopicKeys = new Set<string>();
  const pageTopic = (t: number) => pageTopicKeys.add(topicKey(index.topics[t]!.kind, index.topics[t]!.name));
  /** Whether the home page shows what changed. */
  let home = false;
  let removals: Removals | undefined;
  /** Topics the added or edited seeds start (`startTopics`). */
  const started: IndexedTopic[] = [];
  /** Archive pages the added seeds fill. */
  const archivesStarted: IndexedFeed[] = [];
  /** An item a feed or page shows: a changed one as made, another made from its seed once (`shownItem`). */
  const itemAt = (at: number): Item => {
    let item = items.get(at);
    if (!item) items.set(at, (item = shownItem(at, seeds[at], index, log, settings, config, now)));
    return item;
  };
  // The edited seeds are parsed first: a removal looks at the stories that take a removed one's place as they are now.
  const edits = changed.map((at) => editOf(at, seeds[at]!, index, log, settings, config, now));
  changes = edits.map((e) => e.change);
  for (const c of changes) items.set(c.at, c.item);
  if (removed.length) {
    if (idsContested) contested();
    removals = planRemovals(removed, before, index, seeds, bytes, log, config, now, input.outDir, itemAt);
    touched = removals.touched;
    splices.push(...removals.splices);
    for (const [path, text] of removals.pages) pages.set(path, text);
    removals.pageTopics.forEach(pageTopic);
    home = true;
  }
  if (changed.length) {
    // Then the edits, among the stories as the removals left them.
    const edited = new Set(changed);
    touched = [...new Set([...touched, ...index.feeds.filter((f) => f.shown.some((at) => edited.has(at)))])];
    // A seed touched with its bytes unchanged keeps its entry as it is.
    splices.push(...changes.filter((c) => c.status !== 'unchanged').map((c) => ({ span: log.span(index.entry[c.at]!), text: c.line })));
    const recarded = edits.filter((e) => e.recard);
    if (recarded.length) {
      // The placement holds whether the seed names its id. A seed that stops naming an id another seed names keeps it all
      // the same (`assignIdentities`: a story on disk keeps its id), so an id contested changes nothing here.
      // The topics they start, before any is placed (topics' places in the index move as one is put in).
      started.push(...startTopics(index, newTopics(recarded.map((e) => e.change.item), index, config)));
      const entryAt = (at: number) => entryOf(log, index, at, seeds[at]!.file);
      /** Topics that had no story: their pages are made whole from the edited ones. */
      const wholePages = new Set<number>();
      const relisted = recarded.map((e) => recard(e.change, e.recard!, index, config, input.outDir, pages, entryAt, itemAt, wholePages));
      wholeTopicPages(pages, config, index, wholePages, (at) => items.get(at)!);
      for (const r of relisted) r.topics.forEach(pageTopic);
      touched = [...new Set([...touched, ...relisted.flatMap((r) => r.feeds)])];
      home ||= relisted.some((r) => r.counts || r.main) || (main !== undefined && recarded.some((e) => main.shown.includes(e.change.at)));
    }
  }
  if (added.length) {
    // After the edits: the additions are placed among the stories as the edits left them, and put their cards into the
    // topic pages as the edits left them.
    // The removed seeds' stories: a new seed telling one may be that seed renamed and edited (`assignIdentities` 3b).
    const removedKeys = new Set(removed.flatMap((j) => keysAt(before.dedupe, j)).filter((k) => k !== NO_KEY));
    const additions = planAdditions(added, seeds, index, bytes, log, settings, config, now, input.outDir, pages, started, removedKeys);
    for (const c of additions.changes) items.set(c.at, c.item);
    changes = [...changes, ...additions.changes];
    touched = [...new Set([...touched, ...additions.touched])];
    splices.push(additions.entries);
    additions.pageTopics.forEach(pageTopic);
    started.push(...additions.started);
    archivesStarted.push(...additions.archivesStarted);
    home = true;
  }
  // The log's known topics and list of outputs, for every topic started and every page added, in one splice each
  // (two put in at one place must go in sorted).
  const archiveFiles = archivesStarted.flatMap((f) => FORMATS.map((format) => f.prefix + format.fileName));
  splices.push(...startedInLog(bytes, started, [...changes.filter((c) => c.status === 'new').map((c) => c.item.path), ...archiveFiles]));
  const topicPlace = topicPlaces(index);
  const pageTopics = Array.from(pageTopicKeys, (key) => topicPlace.get(key) ?? -1);
  if (pageTopics.includes(-1)) decline('the patch index is damaged');
  // The items the rendered feeds show besides the changed ones (and the home page, the main feed's) are taken from
  // their texts in those files as the last run left them (`FEED_PIECES`); one not found there is made from its seed.
  const shownTotal = new Set<number>();
  for (const f of home && main ? [...touched, main] : touched) for (const at of f.shown) if (!items.has(at)) shownTotal.add(at);
  if (shownTotal.size > PATCH_MAX_READS) decline(`the changed items show in feeds of more than ${PATCH_MAX_READS} other items`);
  const changedAt = new Set(changes.map((c) => c.at));
  // A feed's old file holds the items it showed, and only those are taken from it: another item with the same id as
  // written there (ids differ, but two could be written alike) would take the wrong text.
  const showed = (f: IndexedFeed): Set<number> => new Set(shownBefore.get(f));
  /** An item as its feeds are dated and fingerprinted by: the item itself when made, else what the index and the log hold of it. */
  const datedAt = (at: number): Item => items.get(at) ?? shownStub(at, seeds[at], index, log);

  const find = topicFinder(index.topics);
  const outputs: PatchPlan['outputs'] = changes.map((c) => itemPageOutput(config, c.item, find));
  const head = { feedId: index.feedId, created: index.created };
  const archives = archivePages(config, index.entries);
  for (const f of touched) {
    const shown = Array.from(f.shown, datedAt);
    // The seed of each item, whatever order the feed shows them in (an archive page sorts its items in place).
    const order = new Map(Array.from(f.shown, (at, k) => [shown[k]!, at]));
    let planned: PlannedFeed;
    if (f.group === 'main') {
      planned = { prefix: f.prefix, group: 'main', ctx: mainFeed(config, head, shown) };
      linkArchives(config, planned.ctx, archives);
    } else if (f.group === 'archive') {
      planned = archivePage(config, head, f.page!, archives, shown, { links: formatLinks(config, '') });
    } else {
      const topic = index.topics[f.topic!];
      if (!topic) decline('the patch index is damaged');
      planned = topicFeeds(config, head, [{ ...topic, items: shown }])[0]!;
    }
    if (planned.prefix !== f.prefix) decline('the patch index is damaged');
    const { ctx } = planned;
    const kept = showed(f);
    const fingerprint = feedFingerprint(ctx);
    FORMATS.forEach((format, k) => {
      const path = f.prefix + format.fileName;
      const pieces = FEED_PIECES[format.name];
      const was = f.files[k] !== undefined && fileStamp(join(input.outDir, path)) === f.files[k] ? pieces.items(readFileSync(join(input.outDir, path), 'utf8')) : undefined;
      const texts = ctx.items.map((shownItem) => {
        const at = order.get(shownItem)!;
        const text = changedAt.has(at) || !kept.has(at) ? undefined : was?.get(pieces.key(shownItem.id));
        return text ?? pieces.item(ctx, itemAt(at));
      });
      outputs.push({ path, kind: format.kind, text: pieces.document(ctx, texts), ...(fingerprint !== undefined ? { fingerprint } : {}) });
    });
  }
  if (home) {
    const counts = index.topics.map((t, i) => topicCount(t, index.topicItems[i]!.length));
    const newest = main ? Array.from(main.shown, datedAt) : [];
    const homeText = index.homePage !== undefined && fileStamp(join(input.outDir, 'index.html')) === index.homePage ? readFileSync(join(input.outDir, 'index.html'), 'utf8') : undefined;
    const cards = newest.map((item, k) => {
      const at = main!.shown[k]!;
      const card = changedAt.has(at) || homeText === undefined ? undefined : homeCardIn(homeText, item.path);
      return card ?? homeCard(config, itemAt(at));
    });
    outputs.push(homePageOfCards(config, cards, counts, newest));
  }
  for (const [path, text] of pages) outputs.push({ path, kind: 'html', text });
  // A new topic's feed is listed with the others.
  if (started.length) {
    const listed: PlannedFeed[] = [{ prefix: '', group: 'main', ctx: mainFeed(config, head, []) }, ...topicFeeds(config, head, index.topics.map((t) => ({ ...t, items: [] })))];
    outputs.push({ path: OPML_FILE, kind: 'xml', text: renderOpml(config, listed) });
  }
  const gone = removals && { entries: removals.entries, paths: removals.paths, repairs: removed.reduce((sum, j) => sum + before.repairs[j]!, 0) };
  const folders = [...started.map((t) => t.path), ...archivesStarted.map((f) => f.prefix)].reduce<readonly string[]>((list, path) => withFolder(list, path.slice(0, -1)), stamp.outputDirs);
  return { index, changes, outputs, log: { file, splices }, pageTopics, feeds: touched, home, folders, ...(gone ? { removed: gone } : {}) };
}

/** An edit that changes how its item is listed (`recard`): the entry it had, and its item's new placement. */
interface Recard {
  entry: LogEntry;
  placement: string;
}

/** An edited seed parsed and checked: its item and its new log entry, and what changes on the pages that list it. */
function editOf(at: number, seed: SeedFile, index: PatchIndex, log: EntryLines, settings: ParseSettings, config: SiteConfig, now: Date): { change: Change; recard?: Recard } {
  if (placementAt(index, at) === UNPLACED) decline(`${seed.file} published no item, or gave an error`);
  const entry = entryOf(log, index, at, seed.file);
  const parsed = parse(seed, settings);
  const meta = seedMeta(parsed, now);
  if (!meta.ok || parsed.fields.draft?.value === true) decline(`${seed.file} is now rejected or a draft`);
  // The seed takes its entry again, as `assignIdentities` would give it: by the id it names, or else by its file (the
  // only live entry of that file). Another id it names would be another item.
  if (meta.explicitId !== undefined && meta.explicitId !== entry.id) decline(`${seed.file} was edited in a way that moves its item`);
  const next: LogEntry = { ...entry };
  const identity = claimEntry(next, { file: seed.file, hash: parsed.hash }, now.toISOString());
  const { item, diagnostics, bodyDiagnostics } = itemOf(seed, parsed, meta, identity, config);
  if (hasErrors(diagnostics)) decline(`${seed.file} now gives an error`);
  next.story = duplicateKeys(item);
  const change = { at, seed, parsed, item, line: entryLine(next), status: identity.status, diagnostics, bodyDiagnostics };
  const placement = placementOf(item, meta.explicitId);
  return placement === placementAt(index, at) ? { change } : { change, recard: { entry, placement } };
}

/** What changes where an item is listed (`recard`). */
interface Relisted {
  /** The topics whose pages change. */
  topics: number[];
  /** The feeds whose items change (topic feeds; for a new date, the main feed and its archive page too). */
  feeds: IndexedFeed[];
  /** Whether topics' counts change (the home page shows them). */
  counts: boolean;
  /** Whether the main feed's stories change (a new date: the home page shows them). */
  main: boolean;
}

/**
 * An edit that changes how its item is listed: its title, dek, language or
 * original link, its source's or sharer's links, how a name is written
 * where no topic takes its name from it, its topics, or its date. The item
 * keeps its id and page. With its date kept, every list it stays in keeps
 * its order: its card changes on its topics' pages (put into `pages`, as
 * the last run left them), besides its page and feeds. With a new date it
 * moves in the main feed, on its archive page and in every topic it stays
 * in (`moveInTopic`: its card taken out of the topic's page and put in at
 * its new place). A topic it joins gets its card and a place in its feed,
 * as an added story does; a topic it leaves loses them, as to a removed
 * story. Brings `index` up to date (dates, placement, duplicate keys,
 * topics' stories and homes, the feeds' stories) and says what changed;
 * keeps a topic it leaves empty (`emptiedTopic`); declines another id, a
 * change that would rename a topic or relink a source's page, or change
 * which stories are the same. A topic no
 * story had is started before (`planPatch`, `startTopics`); its page is
 * made whole (`wholePages`).
 */
function recard(
  change: Change,
  { entry, placement }: Recard,
  index: PatchIndex,
  config: SiteConfig,
  outDir: string,
  pages: Map<string, string>,
  entryAt: (at: number) => LogEntry,
  itemAt: (at: number) => Item,
  wholePages: Set<number>,
): Relisted {
  const { at, seed, item } = change;
  const time = item.published.getTime();
  if (item.id !== entry.id || item.path !== `articles/${entry.slug}.html`) decline(`${seed.file} was edited in a way that moves its item`);
  /** A new date: the item moves in every list it is in (the main feed, its archive page, `moveInTopic`). */
  const moved = time !== index.published[at];
  const idAt = (k: number) => entryAt(k).id;
  const feeds: IndexedFeed[] = [];
  let mainChanged = false;
  if (moved) {
    // A full run publishes the oldest of the stories that share a key (`dropDuplicateStories`).
    for (const key of [...keysAt(index.dedupe, at), ...keysAt(duplicateKeys(item), 0)]) {
      if (key !== NO_KEY && hasDuplicateKey({ dedupe: index.dropped }, key)) decline(`${seed.file} has a new date, and a story dropped as its repeat may be published instead`);
    }
    index.published[at] = time;
    const main = index.feeds.find((f) => f.group === 'main');
    if (main) {
      const was = main.shown.indexOf(at);
      if (was >= 0) {
        const others = withoutRank(main.shown, was);
        const r = rankIn(others, time, item.id, index.published, idAt);
        // Moved past every other story it shows, the main feed takes the newest story it does not show: this one or another.
        const next = r < others.length ? at : newestNotIn(index, new Set(others), idAt);
        main.shown = next === at ? insertedAt(others, r, at) : next === undefined ? others : Int32Array.from([...others, next]);
        mainChanged = true;
      } else {
        const r = rankIn(main.shown, time, item.id, index.published, idAt);
        if (r < config.limit) {
          main.shown = insertedAt(main.shown, r, at, config.limit);
          mainChanged = true;
        }
      }
      if (mainChanged) feeds.push(main);
    }
    // Its archive page (the log's order) keeps it, listed by date.
    const page = index.feeds.find((f) => f.group === 'archive' && f.shown.includes(at));
    if (page) {
      const others = withoutRank(page.shown, page.shown.indexOf(at));
      page.shown = insertedAt(others, rankIn(others, time, item.id, index.published, idAt), at);
      feeds.push(page);
    }
  }
  // Its topics as the last run listed them, with its rank in each, and as it names them now.
  const ranks = new Map<number, number>();
  index.topicItems.forEach((list, t) => {
    const r = list.indexOf(at);
    if (r >= 0) ranks.set(t, r);
  });
  const topicAt = topicPlaces(index);
  const named = new Map<number, string>();
  for (const kind of TOPIC_KINDS) {
    if (!config.topics[kind]) continue;
    for (const name of namesOf(item, kind)) {
      const t = topicAt.get(topicKey(kind, name));
      if (t === undefined) decline('the patch index is damaged');
      named.set(t, name);
    }
  }
  const topicFeedOf = new Map(index.feeds.filter((f) => f.topic !== undefined).map((f) => [f.topic!, f]));
  const page = (t: number, change: (text: string, path: string) => string | undefined) => changeTopicPage(pages, index, t, outDir, change);
  const url = item.source?.url;
  const relinked: () => never = () => decline(`${seed.file} would change the home page a topic's page links`);
  const renamedTopic: () => never = () => decline(`${seed.file} leaves the top of a topic, and the next story would rename it`);
  /** A topic it stays in, under a new date: it leaves its place (`r`) and joins again at its new one, as a removed and an added story. */
  const moveInTopic = (t: number, r: number, name: string) => {
    const topic = index.topics[t]!;
    const others = withoutRank(index.topicItems[t]!, r);
    const to = rankIn(others, time, item.id, index.published, idAt);
    // The newest story names the topic: one moving away from the top leaves the name to the next.
    if (r === 0 && to !== 0) keepsTopicName(topic, others, itemAt, renamedTopic);
    if (to === 0 && name !== topic.name) decline(`${seed.file} would rename a topic`);
    const after = to === 0 ? undefined : `articles/${entryAt(others[to - 1]!).slug}.html`;
    page(t, (text, path) => {
      if (to === r) return withCardReplaced(config, path, text, item);
      const without = withCardRemoved(path, text, item.path);
      return without === undefined ? undefined : withCardAdded(config, path, without, item, after);
    });
    index.topicItems[t] = insertedAt(others, to, at);
    const feed = topicFeedOf.get(t);
    if (feed && (r < config.limit || to < config.limit)) {
      feed.shown = index.topicItems[t]!.slice(0, config.limit);
      feeds.push(feed);
    }
    // Its home: the first story with a source's home page (`makePatchIndex`), as it leaves its place, then as it
    // joins at its new one. The home it was stays so where no story moves ahead of it.
    const was = index.homeRanks[t]!;
    const left = r === was && !(url !== undefined && to <= was) ? (homeFrom(others, r, config.limit, itemAt) ?? relinked()) : { rank: was > r ? was - 1 : was, url: index.homes[t] ?? null };
    const home = url !== undefined && (left.rank < 0 || to <= left.rank) ? { rank: to, url } : { rank: left.rank >= to ? left.rank + 1 : left.rank, url: left.url };
    if (topic.kind === 'source' && home.url !== index.homes[t]) relinked();
    index.homes[t] = home.url;
    index.homeRanks[t] = home.rank;
  };
  for (const [t, name] of named) {
    const topic = index.topics[t]!;
    const list = index.topicItems[t]!;
    const was = index.homeRanks[t]!;
    let r = ranks.get(t);
    if (r === undefined) {
      // A topic it joins: its place by date, then id, as an added story's. One without stories (new, or left empty)
      // gets its page whole, from the stories edited into it (`planPatch`).
      if (!list.length) wholePages.add(t);
      r = rankIn(list, time, item.id, index.published, idAt);
      const after = r === 0 ? undefined : `articles/${entryAt(list[r - 1]!).slug}.html`;
      if (!wholePages.has(t)) page(t, (text, path) => withCardAdded(config, path, text, item, after));
      index.topicItems[t] = insertedAt(list, r, at);
      const feed = topicFeedOf.get(t);
      if (feed && r < config.limit) {
        feed.shown = insertedAt(feed.shown, r, at, config.limit);
        feeds.push(feed);
      }
      if (r === 0 && name !== topic.name) decline(`${seed.file} would rename a topic`);
      // Its home, as an added story's (`planAdditions`).
      if (url && (was < 0 || r <= was)) {
        if (topic.kind === 'source' && !wholePages.has(t) && url !== index.homes[t]) relinked();
        index.homes[t] = url;
        index.homeRanks[t] = r;
      } else if (was >= r) index.homeRanks[t] = was + 1;
      continue;
    }
    if (moved) {
      moveInTopic(t, r, name);
      continue;
    }
    page(t, (text, path) => withCardReplaced(config, path, text, item));
    // A topic's name is written as its newest story writes it.
    if (r === 0 && name !== topic.name) decline(`${seed.file} would rename a topic`);
    // Its home: the source's home page of its first story that has one (`makePatchIndex`), which a source's page links.
    if (was >= 0 && r > was) continue;
    if (url === (r === was ? index.homes[t] : undefined)) continue;
    if (topic.kind === 'source' || url === undefined) relinked();
    index.homes[t] = url;
    index.homeRanks[t] = r;
  }
  for (const [t, r] of ranks) {
    if (named.has(t)) continue;
    // A topic it leaves, as a removed story does (`planRemovals`): one whose newest or home story it was is named or
    // linked as the next one has it.
    const list = index.topicItems[t]!;
    const feed = topicFeedOf.get(t);
    if (list.length === 1) {
      emptiedTopic(index, t, pages, config, itemAt);
      if (feed) {
        feed.shown = new Int32Array(0);
        feeds.push(feed);
      }
      continue;
    }
    const next = withoutRank(list, r);
    if (r === 0) keepsTopicName(index.topics[t]!, next, itemAt, renamedTopic);
    const was = index.homeRanks[t]!;
    if (r === was) takeNextHome(index, t, next, r, config.limit, itemAt, relinked);
    else if (was > r) index.homeRanks[t] = was - 1;
    page(t, (text, path) => withCardRemoved(path, text, item.path));
    index.topicItems[t] = next;
    if (feed && r < config.limit) {
      feed.shown = next.slice(0, config.limit);
      feeds.push(feed);
    }
  }
  // A full run publishes one story of those that share a key (`dropDuplicateStories`).
  const keys = duplicateKeys(item);
  const olds = keysAt(index.dedupe, at);
  keysAt(keys, 0).forEach((after, k) => {
    const before = olds[k]!;
    if (before === after) return;
    if (after !== NO_KEY && hasDuplicateKey(index, after)) decline(`${seed.file} may now be a story published already`);
    if (before !== NO_KEY && hasDuplicateKey({ dedupe: index.dropped }, before)) decline(`${seed.file} may no longer be the story another seed repeats`);
  });
  placeSeed(index, at, placement, keys);
  const topics = [...new Set([...named.keys(), ...ranks.keys()])];
  return { topics, feeds, counts: topics.length !== named.size || named.size !== ranks.size, main: mainChanged };
}

/** A parsed seed as the item `identity` makes it, fingerprinted as a build's items are, with every warning and error it gives. */
function itemOf(seed: SeedFile, parsed: ParsedSeed, meta: SeedMeta, identity: Identity, config: SiteConfig): { item: Item; diagnostics: Diagnostic[]; bodyDiagnostics: Diagnostic[] } {
  const normalized = normalizeSeed(parsed, meta, identity, config, seed.file);
  fingerprintItem(normalized.item, parsed.hash);
  return { item: normalized.item, diagnostics: [...parsed.diagnostics, ...meta.diagnostics, ...normalized.diagnostics], bodyDiagnostics: normalized.bodyDiagnostics };
}

/**
 * How the listing differs from the index's: the places of the seeds it has
 * and the index has not (added), and the places in the index of the seeds
 * it lacks (removed). Both listings are in discovery's order, so the seeds
 * in both keep their order.
 */
function listingChanges(index: PatchIndex, seeds: readonly SeedFile[]): { added: number[]; removed: number[] } {
  // One walk over both, in the listing's order, comparing in place (a slice of each of 100,000 paths is that much
  // garbage): the listing's seeds the index lacks, and the index's seeds the listing lacks.
  const added: number[] = [];
  const removed: number[] = [];
  let i = 0;
  let from = 0;
  for (let j = 0; j < index.count; j++) {
    const end = index.files.indexOf('\u0000', from);
    if (end < 0) decline('the patch index is damaged');
    let order = 1;
    for (; i < seeds.length && (order = listingOrder(seeds[i]!.file, index.files, from, end)) < 0; i++) added.push(i);
    if (order === 0) i++;
    else removed.push(j);
    from = end + 1;
  }
  for (; i < seeds.length; i++) added.push(i);
  return { added, removed };
}

/**
 * How path `a` sorts against the path at `from` to `end` of `b` in a
 * listing (`discoverSeeds`: folder by folder, names in `compareStrings`
 * order, a folder's seeds where its name sorts): by their first segments
 * that differ, a segment that is the start of the other's first.
 */
function listingOrder(a: string, b: string, from: number, end: number): number {
  const n = Math.min(a.length, end - from);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(k);
    const y = b.charCodeAt(from + k);
    if (x === y) continue;
    // One segment ends where the other goes on: the shorter name sorts first.
    if (x === 0x2f) return -1;
    if (y === 0x2f) return 1;
    return x - y;
  }
  return a.length - (end - from);
}

/**
 * The index with room for the seeds this listing adds (`added`, their
 * places in it): every seed it has keeps its place among the others, and a
 * new one has none of its own yet (no entry, no placement).
 */
function withRoomForAdded(index: PatchIndex, seeds: readonly SeedFile[], added: number[]): PatchIndex {
  const n = seeds.length;
  /** The new place of the seed at `j` in the index: after the added seeds before it. */
  const newAt = new Int32Array(index.count);
  for (let j = 0, k = 0; j < index.count; j++) {
    while (k < added.length && added[k]! <= j + k) k++;
    newAt[j] = j + k;
  }
  // Each per-seed column, with the added seeds' places put in; copied a run of seeds at a time (those between two added
  // ones: the index's `j`th seed goes `k` places on).
  const column = <T extends Float64Array | Int32Array>(old: T, width: number, fill: (i: number, into: T) => void, make: (length: number) => T): T => {
    const into = make(n * width);
    let last = 0;
    added.forEach((i, k) => {
      const j = i - k;
      into.set(old.subarray(last * width, j * width), (last + k) * width);
      last = j;
    });
    into.set(old.subarray(last * width), (last + added.length) * width);
    for (const i of added) fill(i, into);
    return into;
  };
  const text = (old: string, width: number, filler: string): string => {
    let out = '';
    let last = 0;
    added.forEach((i, k) => {
      const j = i - k;
      out += old.slice(last * width, j * width) + filler;
      last = j;
    });
    return out + old.slice(last * width);
  };
  const moved = (list: Int32Array) => list.map((j) => (j < 0 ? j : newAt[j]!));
  return {
    ...index,
    files: listedPaths(seeds),
    count: n,
    stats: column(index.stats, 4, (i, into) => into.set(statsOf(seeds[i]!), i * 4), (l) => new Float64Array(l)),
    entry: column(index.entry, 1, (i, into) => (into[i] = -1), (l) => new Int32Array(l)),
    repairs: column(index.repairs, 1, (i, into) => (into[i] = 0), (l) => new Int32Array(l)),
    published: column(index.published, 1, (i, into) => (into[i] = NaN), (l) => new Float64Array(l)),
    updated: column(index.updated, 1, (i, into) => (into[i] = NaN), (l) => new Float64Array(l)),
    placement: text(index.placement, PLACEMENT_LENGTH, UNPLACED),
    dedupe: text(index.dedupe, 2 * KEY_LENGTH, NO_KEY + NO_KEY),
    topicItems: index.topicItems.map(moved),
    homes: [...index.homes],
    homeRanks: index.homeRanks.slice(),
    feeds: index.feeds.map((f) => ({ ...f, shown: moved(f.shown) })),
  };
}

/**
 * The index without the seeds this listing lacks (`removed`, their places
 * in it): every other seed keeps its place among the others, and the lists
 * of topics and feeds drop the removed ones (a feed left short is filled
 * by `planRemovals`).
 */
function withoutRemoved(index: PatchIndex, seeds: readonly SeedFile[], removed: readonly number[]): PatchIndex {
  const GONE = -2;
  const newAt = new Int32Array(index.count);
  for (let j = 0, k = 0; j < index.count; j++) {
    if (j === removed[k]) {
      newAt[j] = GONE;
      k++;
    } else newAt[j] = j - k;
  }
  // Each per-seed column without the removed seeds, copied a run of seeds at a time (those between two removed ones).
  const column = <T extends Float64Array | Int32Array>(old: T, width: number, make: (length: number) => T): T => {
    const into = make(seeds.length * width);
    let last = 0;
    removed.forEach((j, k) => {
      into.set(old.subarray(last * width, j * width), (last - k) * width);
      last = j + 1;
    });
    into.set(old.subarray(last * width), (last - removed.length) * width);
    return into;
  };
  const text = (old: string, width: number): string => {
    let out = '';
    let last = 0;
    for (const j of removed) {
      out += old.slice(last * width, j * width);
      last = j + 1;
    }
    return out + old.slice(last * width);
  };
  const moved = (list: Int32Array) => {
    const mapped = list.map((j) => (j < 0 ? j : newAt[j]!));
    return mapped.includes(GONE) ? mapped.filter((j) => j !== GONE) : mapped;
  };
  return {
    ...index,
    files: listedPaths(seeds),
    count: seeds.length,
    stats: column(index.stats, 4, (l) => new Float64Array(l)),
    entry: column(index.entry, 1, (l) => new Int32Array(l)),
    repairs: column(index.repairs, 1, (l) => new Int32Array(l)),
    published: column(index.published, 1, (l) => new Float64Array(l)),
    updated: column(index.updated, 1, (l) => new Float64Array(l)),
    placement: text(index.placement, PLACEMENT_LENGTH),
    dedupe: text(index.dedupe, 2 * KEY_LENGTH),
    topicItems: index.topicItems.map(moved),
    homes: [...index.homes],
    homeRanks: index.homeRanks.slice(),
    feeds: index.feeds.map((f) => ({ ...f, shown: moved(f.shown) })),
  };
}

/**
 * The seeds of `added` that are seeds of `removed` renamed, as
 * `assignIdentities` finds them: the bytes of the entry of a seed removed
 * (by their hash), which no other entry has. Returns each one's new place
 * by its place in `before`. One with the bytes of another entry (a seed
 * restored, or a copy), or of a seed that published no item, declines.
 */
function renamesOf(added: readonly number[], removed: readonly number[], seeds: readonly SeedFile[], before: PatchIndex, bytes: Buffer, log: EntryLines): Map<number, number> {
  const renamed = new Map<number, number>();
  if (!added.length || !removed.length) return renamed;
  const files = filesOf(before);
  const hashes = new Map(removed.filter((j) => before.entry[j]! >= 0).map((j) => [entryOf(log, before, j, files[j]!).hash, j] as const));
  for (const i of added) {
    const hash = hashBytes(readFileSync(seeds[i]!.absolute));
    const j = hashes.get(hash);
    if (j === undefined) continue;
    // The same bytes read as plain text or as Markdown are another seed.
    if (isSeedName(files[j]!.slice(files[j]!.lastIndexOf('/') + 1)) !== seeds[i]!.layout) decline(`${seeds[i]!.file} is ${files[j]} renamed, to be read another way`);
    if (logCount(bytes, 'hash', hash) !== 1 || renamed.has(j) || placementAt(before, j) === UNPLACED) decline(`${seeds[i]!.file} has the bytes of entries of the publish log (a seed restored or copied)`);
    renamed.set(j, i);
  }
  return renamed;
}

/**
 * Gives each renamed seed (`renamed`: its new place by its old one) the
 * row it had in `before` (its entry, dates, repairs, placement and keys;
 * its stats are the listing's) and its places in the lists of topics and
 * feeds, which `withoutRemoved` took out: its id and date kept, it goes
 * where it was among the others. `gone`: the seeds removed for good, by
 * their places in `before`.
 */
function withRenamed(index: PatchIndex, before: PatchIndex, renamed: ReadonlyMap<number, number>, gone: ReadonlySet<number>): void {
  for (const [j, i] of renamed) {
    index.entry[i] = before.entry[j]!;
    index.published[i] = before.published[j]!;
    index.updated[i] = before.updated[j]!;
    index.repairs[i] = before.repairs[j]!;
    placeSeed(index, i, placementAt(before, j), keysAt(before.dedupe, j).join(''));
  }
  // Each list walked beside its old self: a renamed seed goes back where it was among the others (the seeds removed
  // for good are in neither).
  const relisted = (old: Int32Array, now: Int32Array): Int32Array => {
    if (!old.some((j) => renamed.has(j))) return now;
    const list: number[] = [];
    let p = 0;
    for (const j of old) {
      const i = renamed.get(j);
      if (i !== undefined) list.push(i);
      else if (!gone.has(j)) list.push(now[p++]!);
    }
    return Int32Array.from(list);
  };
  index.topicItems = index.topicItems.map((list, t) => relisted(before.topicItems[t]!, list));
  index.feeds.forEach((f, k) => (f.shown = relisted(before.feeds[k]!.shown, f.shown)));
}

const listedFiles = new WeakMap<PatchIndex, string[]>();

/** The paths of the seeds `index` lists, by their places: split once per index (~100,000 paths), however many steps ask. */
function filesOf(index: PatchIndex): string[] {
  let files = listedFiles.get(index);
  if (!files) listedFiles.set(index, (files = index.files.split('\u0000')));
  return files;
}

/** `log` with the entries of renamed seeds under their new names, as `claimEntry` leaves them (the key in its place). */
function withEntriesRenamed(log: EntryLines, before: PatchIndex, renamed: ReadonlyMap<number, number>, seeds: readonly SeedFile[]): EntryLines {
  const files = filesOf(before);
  const texts = new Map([...renamed].map(([j, i]) => [before.entry[j]!, entryLine({ ...entryOf(log, before, j, files[j]!), file: seeds[i]!.file })] as const));
  return { ...log, text: (k) => texts.get(k) ?? log.text(k) };
}

/** What publishing removed seeds changes, found from the index (which it brings up to date). */
interface Removals {
  /** The feeds whose items changed. */
  touched: IndexedFeed[];
  /** Changes to the log's bytes: the entries marked removed, and their pages out of its list of outputs. */
  splices: Splice[];
  /** The topic pages that listed the removed items, with their cards taken out (`withCardRemoved`), by path, with their topics. */
  pages: Map<string, string>;
  pageTopics: number[];
  /** The removed items' log entries, and their pages. */
  entries: LogEntry[];
  paths: string[];
}

/**
 * Removed seeds, published as a full run would: each entry is marked
 * removed, the item leaves the feeds and topic pages that showed it (a feed
 * of the newest items takes the next one in its place), its page is
 * deleted, and the home page counts one story less in each of its topics.
 * A topic left without stories is kept, empty (`emptiedTopic`). Declined
 * when a full run would do more: a seed that published no item, a topic
 * renamed by its new newest story, a source's page relinked, or a story
 * dropped as the removed one's repeat.
 */
function planRemovals(
  removed: readonly number[],
  before: PatchIndex,
  index: PatchIndex,
  seeds: readonly SeedFile[],
  bytes: Buffer,
  log: EntryLines,
  config: SiteConfig,
  now: Date,
  outDir: string,
  itemAt: (at: number) => Item,
): Removals {
  const nowIso = now.toISOString();
  const files = filesOf(before);
  const entries: LogEntry[] = [];
  const splices: Splice[] = [];
  /** The removed seeds' pages, by their places in the index. */
  const pathOf = new Map<number, string>();
  // In the log's order, as a full run reports them.
  for (const j of [...removed].sort((a, b) => before.entry[a]! - before.entry[b]!)) {
    const file = files[j]!;
    if (placementAt(before, j) === UNPLACED) decline(`${file} was removed, and had published no item, or gave an error`);
    const entry = entryOf(log, before, j, file);
    // A full run publishes one story of those that share a key (`dropDuplicateStories`).
    for (const key of keysAt(before.dedupe, j)) {
      if (key !== NO_KEY && hasDuplicateKey({ dedupe: before.dropped }, key)) decline(`${file} was removed, and a story dropped as its repeat may now be published`);
    }
    const marked: LogEntry = { ...entry, removed: nowIso };
    splices.push({ span: log.span(before.entry[j]!), text: entryLine(marked) });
    entries.push(marked);
    pathOf.set(j, `articles/${entry.slug}.html`);
  }
  const paths = [...pathOf.values()];
  // Taken out of the log's outputs when the pages are deleted (`applyPatch`); here only checked to be there.
  outputsRemoved(bytes, paths);

  const gone = new Set(removed);
  // The feeds that showed a removed item, and by how many items they are now short.
  const short = new Map<IndexedFeed, number>();
  index.feeds.forEach((f, k) => {
    const by = before.feeds[k]!.shown.length - f.shown.length;
    if (by > 0) short.set(f, by);
  });
  const shortBy = (f: IndexedFeed) => short.get(f) ?? 0;
  // The main feed takes the newest stories it did not show, in their order (`sortNewestFirst`: newest first, ties by id).
  const main = index.feeds.find((f) => f.group === 'main');
  if (main && shortBy(main) > 0) {
    const shown = new Set(main.shown);
    const next: number[] = [];
    const idAt = (i: number) => entryOf(log, index, i, seeds[i]!.file).id;
    for (let missing = shortBy(main); missing > 0; missing--) {
      const first = newestNotIn(index, shown, idAt);
      if (first === undefined) break;
      next.push(first);
      shown.add(first);
    }
    main.shown = Int32Array.from([...main.shown, ...next]);
  }
  const topicFeedOf = new Map(index.feeds.filter((f) => f.topic !== undefined).map((f) => [f.topic!, f]));
  const pages = new Map<string, string>();
  const pageTopics: number[] = [];
  before.topicItems.forEach((old, t) => {
    const ranks: number[] = [];
    for (const j of removed) for (let r = old.indexOf(j); r >= 0; r = old.indexOf(j, r + 1)) ranks.push(r);
    if (!ranks.length) return;
    ranks.sort((a, b) => a - b);
    const topic = index.topics[t]!;
    const list = index.topicItems[t]!;
    const feed = topicFeedOf.get(t);
    if (feed && shortBy(feed) > 0) feed.shown = list.slice(0, config.limit);
    pageTopics.push(t);
    if (!list.length) {
      emptiedTopic(index, t, pages, config, itemAt);
      return;
    }
    for (const r of ranks) changeTopicPage(pages, index, t, outDir, (text, path) => withCardRemoved(path, text, pathOf.get(old[r]!)!));
    // Its home: the first story with a source's home page (`makePatchIndex`), in its place once the removed ones are out.
    const was = before.homeRanks[t]!;
    const home = was - ranks.filter((r) => r < was).length;
    if (was >= 0 && !gone.has(old[was]!)) index.homeRanks[t] = home;
    // A topic's name is written as its newest story writes it.
    if (ranks[0] === 0) keepsTopicName(topic, list, itemAt, () => decline(`${files[old[0]!]} was removed, and its topic would be renamed`));
    // The story that was the home gone, the next one with a home page, among the stories its feed shows; none when none
    // of the topic's stories has one (a source's page then links none).
    if (was >= 0 && gone.has(old[was]!)) takeNextHome(index, t, list, home, config.limit, itemAt, () => decline(`${files[old[was]!]} was removed, and would change the home page a topic's page links`));
  });
  return { touched: [...short.keys()], splices, pages, pageTopics, entries, paths };
}

/**
 * Topic `t` left without stories, as a full run keeps it (`topicsOf`: an
 * empty feed under its slug, under the name it had, which the log's
 * `topicNames` keep): without a home, its page made whole and empty (in
 * `pages`). The home page lists topics with stories only.
 */
function emptiedTopic(index: PatchIndex, t: number, pages: Map<string, string>, config: SiteConfig, itemAt: (at: number) => Item): void {
  index.topicItems[t] = new Int32Array(0);
  index.homes[t] = null;
  index.homeRanks[t] = -1;
  wholeTopicPages(pages, config, index, [t], itemAt);
}

/** What publishing added seeds changes, found from the index (which it brings up to date). */
interface Additions {
  changes: Change[];
  /** The feeds whose items changed. */
  touched: IndexedFeed[];
  /** The new entries, appended to the log (the topics they start and their pages go into its head with the edits': `startedInLog`). */
  entries: Splice;
  /** The topics whose pages list the new items (put into `pages`: `withCardAdded`). */
  pageTopics: number[];
  /** The topics they start. */
  started: IndexedTopic[];
  /** The archive pages they fill (`archiveFeeds`). */
  archivesStarted: IndexedFeed[];
}

/**
 * Added seeds, published as a full run would: each gets a new log entry
 * (the same slug and id `assignIdentities` gives, in its order: by date,
 * then path), its page, a place in the main feed, its topics' feeds and
 * pages, the archive page it fills, if it fills one, and a count on the
 * home page. Declined when a full run would do more: a story published
 * already (`dropDuplicateStories`), the bytes of an entry the log has (a
 * seed renamed back, a copy), an id of its own, an error, a draft, or a
 * topic renamed or relinked by its newest story. A story with the date
 * of one it is listed beside goes before or after it by id (`rank`).
 */
function planAdditions(
  added: readonly number[],
  seeds: readonly SeedFile[],
  index: PatchIndex,
  bytes: Buffer,
  log: EntryLines,
  settings: ParseSettings,
  config: SiteConfig,
  now: Date,
  outDir: string,
  pages: Map<string, string>,
  /** The topics the edits of this patch started. */
  startedByEdits: readonly IndexedTopic[],
  /** The duplicate keys of the seeds this patch removes. */
  removedKeys: ReadonlySet<string>,
): Additions {
  const nowIso = now.toISOString();
  if (index.entries === 0) decline('the publish log has no entries yet');
  const last = JSON.parse(log.text(index.entries - 1)) as LogEntry;
  // New entries go last in a log ordered by first publication; one dated later (a clock set back) would sort after them.
  if (!(last.firstPublished <= nowIso)) decline('the publish log has entries dated after this run');
  const parsed = added.map((at) => {
    const seed = seeds[at]!;
    const p = parse(seed, settings);
    const meta = seedMeta(p, now);
    if (!meta.ok || p.fields.draft?.value === true) decline(`${seed.file} is new and rejected, or a draft`);
    if (meta.explicitId !== undefined) decline(`${seed.file} is new and names its own id`);
    if (logHas(bytes, 'hash', p.hash)) decline(`${seed.file} has the bytes of an entry of the publish log (a seed restored or copied)`);
    return { at, seed, parsed: p, meta };
  });
  // The order in which `assignIdentities` gives new seeds their entries.
  parsed.sort((a, b) => (a.meta.date?.getTime() ?? now.getTime()) - (b.meta.date?.getTime() ?? now.getTime()) || compareStrings(a.seed.file, b.seed.file));
  const slugsHere = new Set<string>();
  const idsHere = new Set<string>();
  const slugsThere = takenIn(bytes, log, 'slug');
  const idsThere = takenIn(bytes, log, 'id');
  const slugs = { has: (slug: string) => slugsHere.has(slug) || slugsThere.has(slug) };
  /** The ids of the seeds added, whose entries are not in the log's bytes yet. */
  const addedIds = new Map<number, string>();
  const idAt = (at: number) => addedIds.get(at) ?? entryOf(log, index, at, seeds[at]!.file).id;
  const pathOf = (at: number) => `articles/${entryOf(log, index, at, seeds[at]!.file).slug}.html`;
  // Each new seed's entry and item, in that order, as `assignIdentities` gives them.
  const made = parsed.map(({ at, seed, parsed: p, meta }) => {
    const slug = uniqueSlug(slugify(meta.title), slugs);
    slugsHere.add(slug);
    let id = siteTag(config.baseUrl, nowIso.slice(0, 10), `articles/${encodeURIComponent(slug)}`);
    while (idsHere.has(id) || idsThere.has(id)) id += '-';
    idsHere.add(id);
    const entry = newEntry({ file: seed.file, hash: p.hash }, id, slug, nowIso);
    const identity = claimEntry(entry, { file: seed.file, hash: p.hash }, nowIso, true);
    const { item, diagnostics, bodyDiagnostics } = itemOf(seed, p, meta, identity, config);
    if (hasErrors(diagnostics)) decline(`${seed.file} is new and gives an error`);
    addedIds.set(at, item.id);
    return { at, seed, p, item, entry, identity, diagnostics, bodyDiagnostics };
  });
  const started = startTopics(index, newTopics(made.map((m) => m.item), index, config), startedByEdits);
  const topicAt = topicPlaces(index);
  const topicFeedOf = new Map(index.feeds.filter((f) => f.topic !== undefined).map((f) => [f.topic!, f]));
  const main = index.feeds.find((f) => f.group === 'main');
  const touched = new Set<IndexedFeed>();
  const pageTopics = new Set<number>();
  /** Topics that had no story: their pages are made whole from the new ones. */
  const wholePages = new Set<number>();
  const itemAtAdded = new Map(made.map((m) => [m.at, m.item]));
  const lines: string[] = [];
  const changes: Change[] = [];
  const archivesStarted: IndexedFeed[] = [];
  for (const { at, seed, p, item, entry, identity, diagnostics, bodyDiagnostics } of made) {
    const keys = duplicateKeys(item);
    for (const key of keysAt(keys, 0)) {
      if (key === NO_KEY) continue;
      if (hasDuplicateKey(index, key)) decline(`${seed.file} may be a story published already`);
      if (removedKeys.has(key)) decline(`${seed.file} tells the story of a removed seed, and may be that seed renamed and edited`);
    }
    const time = item.published.getTime();
    const rank = (list: Int32Array) => rankIn(list, time, item.id, index.published, idAt);
    const inserted = (list: Int32Array, r: number, limit = Infinity) => insertedAt(list, r, at, limit);
    if (main) {
      const r = rank(main.shown);
      if (r < config.limit) {
        main.shown = inserted(main.shown, r, config.limit);
        touched.add(main);
      }
    }
    for (const kind of TOPIC_KINDS) {
      if (!config.topics[kind]) continue;
      for (const name of namesOf(item, kind)) {
        const t = topicAt.get(topicKey(kind, name))!;
        const list = index.topicItems[t]!;
        const topic = index.topics[t]!;
        // A topic without stories (new, or left empty) gets its page whole, from the new ones.
        if (!list.length || wholePages.has(t)) wholePages.add(t);
        const r = rank(list);
        if (r === 0 && name !== topic.name) decline(`${seed.file} would rename a topic`);
        const url = item.source?.url;
        if (url && (index.homeRanks[t]! < 0 || r <= index.homeRanks[t]!)) {
          if (kind === 'source' && !wholePages.has(t) && url !== index.homes[t]) decline(`${seed.file} would change the home page a source's page links`);
          index.homes[t] = url;
          index.homeRanks[t] = r;
        } else if (index.homeRanks[t]! >= r) index.homeRanks[t]!++;
        const after = r === 0 ? undefined : (itemAtAdded.get(list[r - 1]!)?.path ?? pathOf(list[r - 1]!));
        if (!wholePages.has(t)) changeTopicPage(pages, index, t, outDir, (text, path) => withCardAdded(config, path, text, item, after));
        pageTopics.add(t);
        index.topicItems[t] = inserted(list, r);
        const feed = topicFeedOf.get(t);
        if (feed && r < config.limit) {
          feed.shown = inserted(feed.shown, r, config.limit);
          touched.add(feed);
        }
      }
    }
    index.entry[at] = index.entries++;
    index.published[at] = time;
    // The new entry waits for the next archive page with the others after the last full one (`archiveFeeds`); the one
    // that fills it makes that page, whole, linked from the page before it and from the main feed.
    if (config.archive && index.entries % config.archive.pageSize === 0) {
      const page = fillArchivePage(index, config.archive.pageSize, idAt);
      archivesStarted.push(page);
      touched.add(page);
      const before = index.feeds.find((f) => f.group === 'archive' && f.page === page.page! - 1);
      if (before) touched.add(before);
      if (main) touched.add(main);
    }
    placeSeed(index, at, placementOf(item, undefined), keys);
    entry.story = keys;
    const line = entryLine(entry);
    lines.push(line);
    changes.push({ at, seed, parsed: p, item, line, status: identity.status, diagnostics, bodyDiagnostics });
  }
  wholeTopicPages(pages, config, index, wholePages, (at) => itemAtAdded.get(at)!);
  const lastEnd = log.span(log.count - 1)[1];
  const entries: Splice = { span: [lastEnd, lastEnd], text: lines.map((l) => `,\n${l}`).join('') };
  return { changes, touched: [...touched], entries, pageTopics: [...pageTopics], started, archivesStarted };
}

/**
 * The archive page the index's last entry fills (`archiveFeeds`): the
 * published items of its entries, by date as `archivePage` lists them, put
 * among the index's feeds after the page before it (or the main feed).
 */
function fillArchivePage(index: PatchIndex, pageSize: number, idAt: (at: number) => string): IndexedFeed {
  const page = index.entries / pageSize;
  const first = index.entries - pageSize;
  let shown: Int32Array = new Int32Array(0);
  index.entry.forEach((e, at) => {
    if (e >= first) shown = insertedAt(shown, rankIn(shown, index.published[at]!, idAt(at), index.published, idAt), at);
  });
  const feed = indexedFeed(archivePrefix(page), 'archive', shown, FORMATS.map(() => undefined), undefined, page);
  const after = index.feeds.findIndex((f) => (page > 1 ? f.group === 'archive' && f.page === page - 1 : f.group === 'main'));
  if (after < 0) decline('the patch index is damaged');
  index.feeds = [...index.feeds.slice(0, after + 1), feed, ...index.feeds.slice(after + 1)];
  return feed;
}

/**
 * The topics `items` name that the index has not, as a full run starts
 * them (`topicsOf`): each named as the first item to name it writes it (a
 * newer one written otherwise would rename it, which declines).
 */
function newTopics(items: readonly Item[], index: PatchIndex, config: SiteConfig): { kind: TopicKind; name: string }[] {
  const known = new Set(index.topics.map((t) => topicKey(t.kind, t.name)));
  const starting = new Map<string, { kind: TopicKind; name: string }>();
  for (const item of items) {
    for (const kind of TOPIC_KINDS) {
      if (!config.topics[kind]) continue;
      for (const name of namesOf(item, kind)) {
        const key = topicKey(kind, name);
        if (!known.has(key) && !starting.has(key)) starting.set(key, { kind, name });
      }
    }
  }
  return [...starting.values()];
}

/** The log's changes for `started` topics (their keys and slugs, their page and feeds among the outputs) and for new outputs besides (`files`: item pages, a filled archive page's feeds). */
function startedInLog(bytes: Buffer, started: readonly IndexedTopic[], files: readonly string[]): Splice[] {
  const paths = [...files, ...started.flatMap((t) => [t.path + 'index.html', ...FORMATS.map((f) => t.path + f.fileName)])];
  return [
    ...(paths.length ? outputsAdded(bytes, paths) : []),
    ...(started.length ? topicsAdded(bytes, started.map((t) => ({ key: topicKey(t.kind, t.name), slug: t.slug, name: t.name }))) : []),
  ];
}

/**
 * `topics` (none of which the index has) put into the index, with no
 * stories yet, where a full run lists them (`topicsOf`: by kind, then by
 * key), each with its feed; their slugs as `topicsOf` gives them. Several
 * new topics of a kind whose slugs a full run might give in another order
 * (one taken already, or two alike) decline, counting those this patch
 * started `earlier` (an edit's, ahead of an addition's). Returns them as
 * indexed.
 */
function startTopics(index: PatchIndex, topics: readonly { kind: TopicKind; name: string }[], earlier: readonly IndexedTopic[] = []): IndexedTopic[] {
  const started: IndexedTopic[] = [];
  for (const kind of TOPIC_KINDS) {
    const ofKind = topics.filter((t) => t.kind === kind).sort((a, b) => compareStrings(topicKey(kind, a.name), topicKey(kind, b.name)));
    if (!ofKind.length) continue;
    // The topics this patch started before (an edit's, ahead of an addition's) are as new as these to a full run.
    const before = earlier.filter((t) => t.kind === kind);
    const taken = new Set(index.topics.filter((t) => t.kind === kind && !before.includes(t)).map((t) => t.slug));
    const bases = ofKind.map((t) => slugify(t.name));
    const all = [...before.map((t) => slugify(t.name)), ...bases];
    if (all.length > 1 && (new Set(all).size < all.length || all.some((b) => taken.has(b)))) decline('new topics would be given names alike');
    for (const t of before) taken.add(t.slug);
    ofKind.forEach(({ name }, k) => {
      const slug = uniqueSlug(bases[k]!, taken);
      taken.add(slug);
      const topic: IndexedTopic = { kind, name, slug, path: `${TOPIC_FOLDERS[kind]}/${slug}/` };
      // Its place among the topics, and its feed's among the feeds (topic feeds come last, in the topics' order).
      const key = topicKey(kind, name);
      let t = index.topics.findIndex((o) => TOPIC_KINDS.indexOf(o.kind) > TOPIC_KINDS.indexOf(kind) || (o.kind === kind && topicKey(o.kind, o.name) > key));
      if (t < 0) t = index.topics.length;
      index.topics = [...index.topics.slice(0, t), topic, ...index.topics.slice(t)];
      index.topicItems = [...index.topicItems.slice(0, t), new Int32Array(0), ...index.topicItems.slice(t)];
      index.homes = [...index.homes.slice(0, t), null, ...index.homes.slice(t)];
      index.homeRanks = Int32Array.from([...index.homeRanks.subarray(0, t), -1, ...index.homeRanks.subarray(t)]);
      index.topicPages = [...index.topicPages.slice(0, t), undefined, ...index.topicPages.slice(t)];
      // The feeds are the index's copies (`planPatch`): changed in place, each stays the feed planning knows.
      for (const f of index.feeds) if (f.topic !== undefined && f.topic >= t) f.topic++;
      const first = index.feeds.findIndex((f) => f.topic !== undefined && f.topic > t);
      const feed = indexedFeed(topic.path, kind, new Int32Array(0), FORMATS.map(() => undefined), t);
      index.feeds = first < 0 ? [...index.feeds, feed] : [...index.feeds.slice(0, first), feed, ...index.feeds.slice(first)];
      started.push(topic);
    });
  }
  return started;
}

/**
 * What the index and the log hold of an item a rendered feed shows besides
 * the changed ones: its id, page, file and dates, fingerprinted as the
 * item, which is all a feed's or the home page's own parts take from it
 * (`mainFeed`, `topicFeeds`, `archivePage`, `feedFingerprint`); its texts
 * come from the files that show it.
 */
function shownStub(at: number, seed: SeedFile | undefined, index: PatchIndex, log: EntryLines): Item {
  if (!seed || index.entry[at]! < 0 || Number.isNaN(index.updated[at]!)) decline('the patch index is damaged');
  const entry = entryOf(log, index, at, seed.file);
  const stub = { id: entry.id, file: seed.file, path: `articles/${entry.slug}.html`, published: new Date(index.published[at]!), updated: new Date(index.updated[at]!), seen: new Date(entry.firstPublished) } as Item;
  fingerprintItem(stub, entry.hash);
  return stub;
}

/**
 * `folders` (the output folder's, as `foldersUnder` lists them: depth
 * first, by name, the output folder itself first as '') with `folder` put
 * in, and its parents the list has not (the first topic of a kind makes
 * its kind's folder too).
 */
function withFolder(folders: readonly string[], folder: string): readonly string[] {
  // A folder there already (left empty by hand, or by a run that died) is listed once.
  if (folders.includes(folder)) return folders;
  if (folders[0] !== '') decline('the build stamp does not list the output folder');
  const cut = folder.lastIndexOf('/');
  const parent = cut < 0 ? '' : folder.slice(0, cut);
  const name = folder.slice(cut + 1);
  const within = withFolder(folders, parent);
  const prefix = parent === '' ? '' : `${parent}/`;
  // Past the folders in the parent that sort before it, and theirs.
  let k = within.indexOf(parent);
  for (k++; k < within.length && within[k]!.startsWith(prefix) && within[k]!.slice(prefix.length).split('/')[0]! < name; k++);
  return [...within.slice(0, k), folder, ...within.slice(k)];
}

/** Where an item dated `time` with id `id` goes in `list`: newest first, and stories of the same date by id, as a full run sorts them (`sortNewestFirst` in build.ts). */
function rankIn(list: Int32Array, time: number, id: string, published: Float64Array, idAt: (at: number) => string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (published[list[mid]!]! > time) lo = mid + 1;
    else hi = mid;
  }
  while (lo < list.length && published[list[lo]!] === time && idAt(list[lo]!) < id) lo++;
  return lo;
}

/** Each topic's place in `index.topics`, by its key (`topicKey`). */
function topicPlaces(index: PatchIndex): Map<string, number> {
  return new Map(index.topics.map((t, i) => [topicKey(t.kind, t.name), i]));
}

/** Declines (`renamed`) unless the story first in a topic's `list` writes the topic's name as the topic has it (`topicsOf`: as its newest story). */
function keepsTopicName(topic: IndexedTopic, list: Int32Array, itemAt: (at: number) => Item, renamed: () => never): void {
  if (!namesOf(itemAt(list[0]!), topic.kind).includes(topic.name)) renamed();
}

/**
 * Gives topic `t` the home it has once its home story has left its list
 * (now `list`, the stories before `from` without one): the next one
 * (`homeFrom`). Declines (`relinked`) when that is not known, or would
 * change the home page a source's page links.
 */
function takeNextHome(index: PatchIndex, t: number, list: Int32Array, from: number, limit: number, itemAt: (at: number) => Item, relinked: () => never): void {
  const found = homeFrom(list, from, limit, itemAt);
  if (!found || (index.topics[t]!.kind === 'source' && found.url !== index.homes[t])) relinked();
  index.homes[t] = found.url;
  index.homeRanks[t] = found.rank;
}

/**
 * A topic's home (`makePatchIndex`: its first story with a source's home
 * page) among the stories of `list` from rank `from` on, the stories
 * before `from` having none: looked for among the stories its feed shows
 * (`limit`), whose seeds a patch reads anyway; none when the list has no
 * more; undefined when a story past those might be it.
 */
function homeFrom(list: Int32Array, from: number, limit: number, itemAt: (at: number) => Item): { rank: number; url: string | null } | undefined {
  for (let r = from; r < Math.min(list.length, limit); r++) {
    const url = itemAt(list[r]!).source?.url;
    if (url !== undefined) return { rank: r, url };
  }
  return list.length > limit ? undefined : { rank: -1, url: null };
}

/** `list` without the entry at rank `r`. */
function withoutRank(list: Int32Array, r: number): Int32Array {
  const next = new Int32Array(list.length - 1);
  next.set(list.subarray(0, r));
  next.set(list.subarray(r + 1), r);
  return next;
}

/** The newest published story not in `shown` (`sortNewestFirst`: newest first, ties by id), or none. */
function newestNotIn(index: PatchIndex, shown: ReadonlySet<number>, idAt: (at: number) => string): number | undefined {
  let newest = -Infinity;
  let tied: number[] = [];
  for (let i = 0; i < index.count; i++) {
    const time = index.published[i]!;
    if (Number.isNaN(time) || time < newest || shown.has(i)) continue;
    if (time > newest) tied = [];
    newest = time;
    tied.push(i);
  }
  return tied.length ? tied.reduce((a, b) => (idAt(b) < idAt(a) ? b : a)) : undefined;
}

/** `list` with `at` put in at `r`, cut to `limit`. */
function insertedAt(list: Int32Array, r: number, at: number, limit = Infinity): Int32Array {
  const next = new Int32Array(Math.min(list.length + 1, limit));
  next.set(list.subarray(0, Math.min(r, next.length)));
  if (r < next.length) {
    next[r] = at;
    next.set(list.subarray(r, next.length - 1), r + 1);
  }
  return next;
}

/** An item a rendered feed shows besides the edited ones, made from its seed as the last run made it. */
function shownItem(at: number, seed: SeedFile | undefined, index: PatchIndex, log: EntryLines, settings: ParseSettings, config: SiteConfig, now: Date): Item {
  if (!seed || index.entry[at]! < 0) decline('the patch index is damaged');
  const entry = entryOf(log, index, at, seed.file);
  const parsed = parse(seed, settings);
  if (parsed.hash !== entry.hash) decline(`${seed.file} changed without its listing changing`);
  const meta = seedMeta(parsed, now);
  if (!meta.ok) decline(`${seed.file} no longer parses as it did`);
  return itemOf(seed, parsed, meta, claimEntry({ ...entry }, { file: seed.file, hash: parsed.hash }, now.toISOString()), config).item;
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
  count: number;
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
  return { count, span, text: (k) => bytes.toString('utf8', ...span(k)) };
}

/**
 * Whether an entry of the log has `value` for `key`: its bytes hold the key
 * and value as `JSON.stringify` writes them, followed by the next key or the
 * end of the entry (a log the last run wrote, in whatever order its entries
 * keep their keys). A quote inside a JSON string is escaped, so the search
 * cannot match inside another value.
 */
function logHas(bytes: Buffer, key: 'id' | 'slug' | 'hash', value: string): boolean {
  return logCount(bytes, key, value, 1) > 0;
}

/** How many entries of the log have `value` for `key` (as `logHas` finds them), counted up to `upTo`. */
function logCount(bytes: Buffer, key: 'id' | 'slug' | 'hash', value: string, upTo = Infinity): number {
  const field = Buffer.from(`"${key}":${JSON.stringify(value)}`);
  let count = 0;
  // One search of the 40 MB, the few places found checked for what follows.
  for (let at = bytes.indexOf(field); at >= 0 && count < upTo; at = bytes.indexOf(field, at + 1)) {
    const next = bytes[at + field.length];
    if (next === 0x2c || next === 0x7d) count++;
  }
  return count;
}

/**
 * The values of `key` the log's entries hold, asked one at a time: each
 * answer is one search of the log's bytes until a value is found taken.
 * Then more will be asked (`base-2`, `base-3`, … for a title used many
 * times), and one pass over the entries collects them all.
 */
function takenIn(bytes: Buffer, log: EntryLines, key: 'id' | 'slug'): { has(value: string): boolean } {
  let all: Set<string> | undefined;
  return {
    has(value) {
      if (all) return all.has(value);
      if (!logHas(bytes, key, value)) return false;
      all = new Set();
      const entries = bytes.toString('utf8', log.count ? log.span(0)[0] : bytes.length);
      for (const m of entries.matchAll(new RegExp(`"${key}":("(?:[^"\\\\]|\\\\.)*")[,}]`, 'g'))) all.add(JSON.parse(m[1]!) as string);
      return true;
    },
  };
}

/**
 * Topic `t`'s page in `pages` changed by `change`, which gets its text (the
 * first time, as the last run left it: `topicPageAsLeft`) and the topic's
 * folder; a text `change` finds not laid out as seedfeed writes it declines.
 */
function changeTopicPage(pages: Map<string, string>, index: PatchIndex, t: number, outDir: string, change: (text: string, topicPath: string) => string | undefined): void {
  const topicPath = index.topics[t]!.path;
  const pagePath = topicPath + 'index.html';
  const text = change(pages.get(pagePath) ?? topicPageAsLeft(outDir, pagePath, index.topicPages[t]), topicPath);
  if (text === undefined) decline(`${pagePath} is not laid out as seedfeed writes it`);
  pages.set(pagePath, text);
}

/** The pages of `topics`, which had no story before this patch, made whole in `pages` from the stories they have now (`itemAt`). */
function wholeTopicPages(pages: Map<string, string>, config: SiteConfig, index: PatchIndex, topics: Iterable<number>, itemAt: (at: number) => Item): void {
  for (const t of topics) {
    const topic = index.topics[t]!;
    pages.set(topic.path + 'index.html', topicPageOutput(config, { ...topic, items: Array.from(index.topicItems[t]!, itemAt) }).text);
  }
}

/** A topic page's text, when its file is as the last run left it (`PatchIndex.topicPages`); one edited since declines the patch, and a full run renders it again. */
function topicPageAsLeft(outDir: string, pagePath: string, stamp: string | undefined): string {
  const path = join(outDir, pagePath);
  if (stamp === undefined || fileStamp(path) !== stamp) decline(`${pagePath} changed since the last run`);
  return readFileSync(path, 'utf8');
}

/**
 * A block of the log's head as `serializeLog` writes it (`JSON.stringify`
 * with one space of indent): after the line `open`, a value a line, sorted
 * by key (`Array.prototype.sort`, `sortKeys`), each but the last ending in a
 * comma, then `close`. `place(key)` is the first line whose key sorts at or
 * after it.
 */
interface HeadBlock {
  starts: number[];
  end: number;
  keyAt(k: number): string;
  place(key: string): number;
}

function headBlock(bytes: Buffer, open: string, close: string, keyOf: (line: string) => string): HeadBlock {
  const marker = bytes.indexOf(open);
  const end = bytes.indexOf(close, marker);
  if (marker < 0 || end < 0) decline(`the publish log has no ${open.trim()} block as seedfeed writes it`);
  const starts: number[] = [];
  for (let at = marker + open.length; at < end; at = bytes.indexOf(10, at) + 1) starts.push(at);
  const keyAt = (k: number) => keyOf(bytes.toString('utf8', starts[k]!, bytes.indexOf(10, starts[k]!)).replace(/,$/, ''));
  const place = (key: string) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      // `<` orders strings as `Array.prototype.sort` does: by UTF-16 code units.
      if (keyAt(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return { starts, end, keyAt, place };
}

/** `lines` (by key) put into `block`; one whose key the block has declines. */
function linesAdded(block: HeadBlock, lines: readonly { key: string; line: string }[]): Splice[] {
  const { starts, end, keyAt, place } = block;
  // In order: two put in at the same place go in as sorted.
  return [...lines]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key, line }) => {
      const k = place(key);
      if (k < starts.length && keyAt(k) === key) decline(`the publish log has ${key} already`);
      // After the last line: that one gains its comma.
      return k < starts.length ? { span: [starts[k]!, starts[k]!], text: `${line},\n` } : { span: [end, end], text: `,\n${line}` };
    });
}

/** The log's list of outputs, a path a line. */
function outputLines(bytes: Buffer): HeadBlock {
  return headBlock(bytes, '\n "outputs": [\n', '\n ]', (line) => JSON.parse(line) as string);
}

/** `paths` put into the log's list of outputs. */
function outputsAdded(bytes: Buffer, paths: readonly string[]): Splice[] {
  return linesAdded(outputLines(bytes), paths.map((path) => ({ key: path, line: `  ${JSON.stringify(path)}` })));
}

/** `topics` put into the log's known topics and their names (`topicsOf`'s `known` and `names`), a key and its slug, or its name, a line. */
function topicsAdded(bytes: Buffer, topics: readonly { key: string; slug: string; name: string }[]): Splice[] {
  const keyOf = (line: string) => Object.keys(JSON.parse(`{${line}}`) as object)[0]!;
  const lines = (value: (t: (typeof topics)[number]) => string) => topics.map((t) => ({ key: t.key, line: `  ${JSON.stringify(t.key)}: ${JSON.stringify(value(t))}` }));
  return [
    ...linesAdded(headBlock(bytes, '\n "topics": {\n', '\n }', keyOf), lines((t) => t.slug)),
    ...linesAdded(headBlock(bytes, '\n "topicNames": {\n', '\n }', keyOf), lines((t) => t.name)),
  ];
}

/** `paths` taken out of the log's list of outputs; none of them its last line (item pages sort before the feeds). */
function outputsRemoved(bytes: Buffer, paths: readonly string[]): Splice[] {
  const { starts, keyAt, place } = outputLines(bytes);
  return paths.map((path) => {
    const k = place(path);
    if (k >= starts.length - 1 || keyAt(k) !== path) decline(`the publish log does not list ${path} before other outputs`);
    return { span: [starts[k]!, starts[k + 1]!], text: '' };
  });
}

async function applyPatch(input: PatchInput, plan: PatchPlan): Promise<PublishReport> {
  const { index, changes, outputs } = plan;
  const built = performance.now();
  // A run that dies from here on must not leave a stamp that vouches for the old outputs.
  unlinkQuietly(stampPathFor(input.statePath));
  const staging = new Staging(input.outDir);
  const deleted: string[] = [];
  const asides: { drop(): void; restore(): void }[] = [];
  try {
    for (const o of outputs) await staging.offer(o);
    await staging.settle();
    // A removed story's page is moved aside before its entry is marked, and put back if the log cannot be written: a
    // run that fails writes nothing and deletes nothing. One that dies in between leaves the page listed in the log's
    // outputs, and the next run (a full one: the stamp is gone) finds it stale and gone.
    // Out of the log's outputs either way, as in a full run; one that could not be moved is not reported deleted.
    for (const path of plan.removed?.paths ?? []) {
      const aside = setOutputAside(input.outDir, path);
      if (aside === undefined) continue;
      deleted.push(path);
      if (aside) asides.push(aside);
    }
    const splices = plan.removed ? [...plan.log.splices, ...outputsRemoved(plan.log.file.bytes, plan.removed.paths)] : plan.log.splices;
    // The log before the outputs are renamed into place, as in a full run: its journal appended to, or the log written
    // whole (log-file.ts). Every writer of the log removes the stamp first, so a log rewritten to the same size within
    // its mtime tick is never vouched for by an older stamp.
    writeLogSplices(input.statePath, plan.log.file, splices);
  } catch (e) {
    for (const aside of asides) aside.restore();
    await staging.abort();
    throw e;
  }
  const { written, unchanged } = staging.commit();
  // As a full run deletes stale pages: once the outputs that no longer link to them are in place.
  for (const aside of asides) aside.drop();
  for (const t of plan.pageTopics) index.topicPages[t] = fileStamp(join(input.outDir, index.topics[t]!.path + 'index.html'));
  for (const f of plan.feeds) f.files = FORMATS.map((format) => fileStamp(join(input.outDir, f.prefix + format.fileName)));
  if (plan.home) index.homePage = fileStamp(join(input.outDir, 'index.html'));
  // In the listing's order, as a full run reports them.
  const added = changes.filter((e) => e.status === 'new').sort((a, b) => a.at - b.at);
  const gone = plan.removed?.entries ?? [];

  let repairs = (input.stamp.repairs ?? 0) - (plan.removed?.repairs ?? 0);
  const records: SeedRecord[] = [];
  for (const e of changes) {
    repairs += e.parsed.repairs.length - index.repairs[e.at]!;
    index.repairs[e.at] = e.parsed.repairs.length;
    index.stats.set(statsOf(e.seed), e.at * 4);
    index.updated[e.at] = e.item.updated.getTime();
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
    // Those of the last run and those this run made (a topic started, an archive page filled): what a full run would watch.
    watched: watchedOutputs([...input.stamp.watched, ...outputs.map((o) => o.path)]),
    exitCode: input.stamp.exitCode,
    published: input.stamp.published + added.length - gone.length,
    rejected: input.stamp.rejectedFiles ?? [],
    repairs,
    diagnostics: input.stamp.errors,
    // Checked under the lock (`stampMovedBesidesSeeds`). The outputs rendered are in folders the last run left, whose
    // mtimes have not moved since (a file deleted would have moved its folder's), or in new topics' and archive pages' (`plan.folders`).
    kept: { code: input.stamp.code, outputDirs: [...plan.folders] },
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
  const updated = changes.filter((e) => e.status === 'updated');
  return {
    ...base,
    counts: {
      ...base.counts,
      seeds: input.listing.seeds.length,
      published: input.stamp.published + added.length - gone.length,
      new: added.length,
      updated: updated.length,
      removed: gone.length,
      repairs,
      written: written.length,
      unchanged: unchanged.length,
    },
    new: added.map((e) => briefItem(e.item)),
    updated: updated.map((e) => briefItem(e.item)),
    removed: gone.map((e) => ({ id: e.id, file: e.file })),
    deleted: deleted.sort(),
    diagnostics: sortDiagnostics([...input.stamp.errors, ...changes.flatMap((e) => e.diagnostics), ...notWritten]),
    repairs: changes.flatMap((e) => e.parsed.repairs),
    written: [...written].sort(),
    timings: { buildMs: roundMs(built - input.started), writeMs: roundMs(done - built), totalMs: roundMs(done - input.started) },
    run: 'patch',
  };
}
