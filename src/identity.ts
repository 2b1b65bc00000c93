import { slugify, uniqueSlug } from './slug.js';
import { compareStrings, error, type Diagnostic } from './diagnostics.js';
import { isCalendarDate } from './dates.js';

/**
 * The publish log: what was published, under which id, since when. It is
 * what keeps ids and dates from moving: an id is assigned once, at first
 * publication, and kept through edits (matched by file) and renames (matched
 * by content hash). Entries of deleted seeds stay, marked `removed`, so their
 * ids and page slugs are never reused.
 */
export interface LogEntry {
  id: string;
  /** Page slug: the item's link is `articles/<slug>.html`. */
  slug: string;
  file: string;
  /** SHA-256 of the seed file's bytes. */
  hash: string;
  /**
   * The story the seed told when it was last published: its item's
   * duplicate keys (`duplicateKeys`, patch-index.ts: a digest of its source
   * and title, and one of its original link). A seed renamed and edited in
   * one go is found by it (`assignIdentities`, 3b). Absent in entries that no
   * run has published since this field came in.
   */
  story?: string;
  /** When seedfeed first published the item (the date of seeds that name none). */
  firstPublished: string;
  /** When seedfeed last saw the seed's text change, if it ever did. */
  edited?: string;
  removed?: string;
}

export interface PublishLog {
  version: 1;
  /** Atom feed id of the main feed, fixed at the first build. */
  feedId: string;
  created: string;
  entries: LogEntry[];
  /** Topic slugs once given (`category:<name in lower case>` -> slug), so topic feeds never move. */
  topics?: Record<string, string>;
  /** Each known topic's name as its stories last wrote it (key -> name), which a topic left without stories keeps. */
  topicNames?: Record<string, string>;
  /** Every file the last run published under the output folder, so files no longer produced can be removed. */
  outputs?: string[];
}

export function emptyLog(feedId: string, now: Date): PublishLog {
  return { version: 1, feedId, created: now.toISOString(), entries: [] };
}

/** What identity needs to know of a seed. */
export interface SeedIdentityInput {
  file: string;
  hash: string;
  title: string;
  /** An id the seed names itself (front matter `id`, `Id:` header). */
  explicitId?: string;
  explicitIdLine?: number;
  /** The seed's own date, if it names one: new seeds of one run enter the log in date order. */
  date?: Date;
}

export interface Identity {
  id: string;
  slug: string;
  firstPublished: Date;
  edited?: Date;
  status: 'new' | 'updated' | 'unchanged';
}

/**
 * What tells one story from another, for a seed renamed and edited between
 * two runs (no file or hash to match it by): the story each of this run's
 * seeds tells, to compare with the one an entry told when last published
 * (its `story`); and whether an entry's page is published (the log's
 * `outputs`).
 */
export interface StoryMatch {
  /** The story a seed of this run tells, as an entry's `story` records it. */
  ofSeed(file: string): string | undefined;
  /** A story's keys, each of which alone makes two stories one (`dropDuplicateStories`): source and title, original link. */
  keysOf(story: string): readonly string[];
  published(entry: LogEntry): boolean;
}

export interface IdentityResult {
  identities: Map<string, Identity>;
  log: PublishLog;
  removed: LogEntry[];
  diagnostics: Diagnostic[];
}

/**
 * Matches this run's seeds to the log and returns each seed's identity plus
 * the next log. Pure: `now` is the only clock, and it is recorded for what is
 * new, so a second run over the same seeds and log gives the same result.
 * `baseUrl` is the site's, under which new ids are minted (`siteTag`). `presentFiles` are
 * all seed files found, rejected ones included: a seed that is broken for a
 * while keeps its id and is not counted as removed. `display` turns a seed
 * path into the path shown in messages (diagnostics keep the seed path in
 * `file`; the caller maps that one).
 */
export function assignIdentities(
  seeds: readonly SeedIdentityInput[],
  previous: PublishLog,
  baseUrl: string,
  now: Date,
  presentFiles: ReadonlySet<string> = new Set(seeds.map((s) => s.file)),
  display: (file: string) => string = (file) => file,
  stories?: StoryMatch,
): IdentityResult {
  const entries = previous.entries.map((e) => ({ ...e }));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const liveByFile = new Map(entries.filter((e) => !e.removed).map((e) => [e.file, e]));
  const takenSlugs = new Set(entries.map((e) => e.slug));
  const claimedBy = new Map<string, SeedIdentityInput>();
  const identities = new Map<string, Identity>();
  const diagnostics: Diagnostic[] = [];
  const nowIso = now.toISOString();
  // Seeds are matched in path order, so the result never depends on the
  // order they were listed in (which same-title seed gets the plain slug,
  // which of two identical copies revives a removed entry).
  const ordered = [...seeds].sort((a, b) => compareStrings(a.file, b.file));

  const claim = (seed: SeedIdentityInput, entry: LogEntry, isNew: boolean) => {
    claimedBy.set(entry.id, seed);
    identities.set(seed.file, claimEntry(entry, seed, nowIso, isNew));
  };
  const duplicateId = (seed: SeedIdentityInput, id: string, holder = claimedBy.get(id)!.file) => {
    diagnostics.push(error('duplicate-id', seed.file, seed.explicitIdLine ?? 1, `id "${id}" is already used by ${display(holder)}; every seed needs its own id`));
  };

  // 1. Seeds that name their own id. When two name the same id, the one the
  // log already has under that id keeps it (a copy must not take it over);
  // otherwise the first in path order. An id the log gives a story whose file
  // is still there stays with that story, even when the story does not name
  // it: a published id never moves to another story. A removed story's id
  // may be named again: that brings the story back.
  const pending: SeedIdentityInput[] = [];
  const explicit: SeedIdentityInput[] = [];
  for (const seed of ordered) (seed.explicitId ? explicit : pending).push(seed);
  const holdsLoggedId = (seed: SeedIdentityInput) => byId.get(seed.explicitId!)?.file === seed.file;
  explicit.sort((a, b) => Number(holdsLoggedId(b)) - Number(holdsLoggedId(a)));
  for (const seed of explicit) {
    if (!seed.explicitId) continue;
    if (claimedBy.has(seed.explicitId)) {
      duplicateId(seed, seed.explicitId);
      continue;
    }
    let entry = byId.get(seed.explicitId);
    if (entry && !entry.removed && entry.file !== seed.file && presentFiles.has(entry.file)) {
      duplicateId(seed, seed.explicitId, entry.file);
      continue;
    }
    const isNew = !entry;
    if (!entry) {
      entry = newEntry(seed, seed.explicitId, uniqueSlug(slugify(seed.title), takenSlugs), nowIso);
      takenSlugs.add(entry.slug);
      entries.push(entry);
      byId.set(entry.id, entry);
    }
    // A seed that now names an id takes it over from its old entry; the old
    // one is removed below (its file now holds another item) and stays reserved.
    claim(seed, entry, isNew);
  }

  // 2. Same file as before (possibly edited).
  const unmatched: SeedIdentityInput[] = [];
  const byFile: { seed: SeedIdentityInput; entry: LogEntry }[] = [];
  for (const seed of pending) {
    const entry = liveByFile.get(seed.file);
    if (entry && !claimedBy.has(entry.id) && !entry.removed) {
      claim(seed, entry, false);
      byFile.push({ seed, entry });
    } else unmatched.push(seed);
  }

  // 3. Renamed (or restored) files: same bytes as an entry whose file is gone.
  const byHash = new Map<string, LogEntry[]>();
  for (const e of entries) {
    if (claimedBy.has(e.id) || (presentFiles.has(e.file) && !e.removed)) continue;
    const list = byHash.get(e.hash) ?? [];
    list.push(e);
    byHash.set(e.hash, list);
  }
  let fresh: SeedIdentityInput[] = [];
  for (const seed of unmatched) {
    const entry = byHash.get(seed.hash)?.find((e) => !claimedBy.has(e.id));
    if (entry) claim(seed, entry, false);
    else fresh.push(seed);
  }

  // 3b. The same story, renamed and edited in one go, or moved as a copy made one run and the original deleted the
  // next: a published entry whose file is gone goes to the first seed (in path order) that tells its story (the same
  // source, title and original link) and has no published entry of its own: a new seed, or one whose entry was never
  // published (dropped as a repeat). Not to a seed that repeats a story published and still there: that one stays.
  /** Entries let go by the seeds that took a published one: removed, but never published, so not reported. */
  const letGo = new Set<LogEntry>();
  if (stories) {
    const vanished = new Map<string, LogEntry>();
    for (const e of entries) {
      if (e.removed || claimedBy.has(e.id) || presentFiles.has(e.file) || !e.story || !stories.published(e)) continue;
      if (!vanished.has(e.story)) vanished.set(e.story, e);
    }
    if (vanished.size) {
      const taken = new Set<SeedIdentityInput>();
      const unpublished = byFile.filter(({ entry }) => !stories.published(entry));
      // The keys of the stories published and still there, which a seed taking a vanished entry must not share.
      const stillShown = new Set<string>();
      for (const { entry } of byFile) if (entry.story && stories.published(entry)) for (const key of stories.keysOf(entry.story)) stillShown.add(key);
      const ownOf = new Map(unpublished.map(({ seed, entry }) => [seed, entry]));
      for (const seed of [...fresh, ...ownOf.keys()].sort((a, b) => compareStrings(a.file, b.file))) {
        const story = stories.ofSeed(seed.file);
        const entry = story === undefined ? undefined : vanished.get(story);
        if (!entry || claimedBy.has(entry.id) || stories.keysOf(story!).some((key) => stillShown.has(key))) continue;
        // The seed's own unpublished entry, if any, is let go: removed below, as an entry whose file holds another id.
        const own = ownOf.get(seed);
        if (own) {
          claimedBy.delete(own.id);
          letGo.add(own);
        }
        claim(seed, entry, false);
        taken.add(seed);
      }
      fresh = fresh.filter((seed) => !taken.has(seed));
    }
  }

  // 4. New seeds: a tag: URI (RFC 4151) on the site's host, dated the day of first publication.
  const day = nowIso.slice(0, 10);
  // The log's order is the order of publication (archive pages follow it):
  // seeds new in the same run go in by their own date, then path.
  fresh.sort((a, b) => (a.date?.getTime() ?? now.getTime()) - (b.date?.getTime() ?? now.getTime()) || compareStrings(a.file, b.file));
  for (const seed of fresh) {
    const slug = uniqueSlug(slugify(seed.title), takenSlugs);
    takenSlugs.add(slug);
    let id = siteTag(baseUrl, day, `articles/${encodeURIComponent(slug)}`);
    while (byId.has(id)) id += '-';
    const entry = newEntry(seed, id, slug, nowIso);
    entries.push(entry);
    byId.set(id, entry);
    claim(seed, entry, true);
  }

  // Removed: entries whose file is gone, or whose file now carries another id.
  const removed: LogEntry[] = [];
  for (const e of entries) {
    if (!claimedBy.has(e.id) && !e.removed && (!presentFiles.has(e.file) || identities.has(e.file))) {
      e.removed = nowIso;
      if (!letGo.has(e)) removed.push(e);
    }
  }
  // Stable: entries first published in the same run keep the order they went in.
  entries.sort((a, b) => compareStrings(a.firstPublished, b.firstPublished));
  return { identities, log: { ...previous, entries }, removed, diagnostics };
}

/**
 * A tag: URI (RFC 4151) for something the site at `baseUrl` publishes,
 * minted on `day` (YYYY-MM-DD, UTC): the site's host is the authority and the
 * site's folder leads the specific part, so that two sites under one host
 * (`/news/` and `/sport/`) never mint the same id. `specific` is `feed` for
 * the main feed, `articles/<slug>` for an item. Only new ids are minted this
 * way: published ones are kept in the log as they were given.
 */
export function siteTag(baseUrl: string, day: string, specific: string): string {
  const url = new URL(baseUrl);
  return `tag:${url.hostname},${day}:${url.pathname.slice(1)}${specific}`;
}

/**
 * `seed` takes `entry` (changed in place) and gets its identity: a seed
 * whose bytes differ from the entry's is an edit, dated `nowIso`; an entry
 * that was removed comes back.
 */
export function claimEntry(entry: LogEntry, seed: Pick<SeedIdentityInput, 'file' | 'hash'>, nowIso: string, isNew = false): Identity {
  const changed = !isNew && entry.hash !== seed.hash;
  if (changed) entry.edited = nowIso;
  const revived = !isNew && entry.removed !== undefined;
  delete entry.removed;
  entry.file = seed.file;
  entry.hash = seed.hash;
  const identity: Identity = {
    id: entry.id,
    slug: entry.slug,
    firstPublished: new Date(entry.firstPublished),
    status: isNew || revived ? 'new' : changed ? 'updated' : 'unchanged',
  };
  if (entry.edited) identity.edited = new Date(entry.edited);
  return identity;
}

/** The entry of a seed published for the first time at `nowIso`. */
export function newEntry(seed: Pick<SeedIdentityInput, 'file' | 'hash'>, id: string, slug: string, nowIso: string): LogEntry {
  return { id, slug, file: seed.file, hash: seed.hash, firstPublished: nowIso };
}

/** Reads a log from its JSON text; a log that does not parse is an error for the whole run, never silently replaced. */
export function parseLog(text: string): PublishLog {
  const parsed = JSON.parse(text) as PublishLog;
  if (parsed?.version !== 1 || !Array.isArray(parsed.entries) || typeof parsed.feedId !== 'string') {
    throw new Error('not a seedfeed publish log (version 1)');
  }
  const problem = logShapeProblem(parsed);
  if (problem) throw new Error(problem);
  return parsed;
}

/**
 * A page or folder name as the log records it: one path segment that shows,
 * not hidden. Slugs become paths under the output folder, so a log edited by
 * hand (`"slug": "../../etc/x"`) must not lead a run to write outside it.
 */
const SEGMENT = /^[^/\\\p{Cc}.][^/\\\p{Cc}]{0,199}$/u;

/** What is wrong with the fields of a parsed log that runs use as they are (types, dates, slugs), or undefined. */
function logShapeProblem(log: PublishLog): string | undefined {
  if (!isLogDate(log.created)) return '"created" is not a date';
  // An id or a page is one story's: two entries with one would publish two stories under it (a log edited by hand).
  const ids = new Set<string>();
  const slugs = new Set<string>();
  for (let i = 0; i < log.entries.length; i++) {
    const e = log.entries[i] as Partial<Record<keyof LogEntry, unknown>> | null;
    const at = `entry ${i + 1}`;
    if (typeof e !== 'object' || e === null) return `${at} is not an object`;
    for (const key of ['id', 'file', 'hash'] as const) if (typeof e[key] !== 'string' || !e[key]) return `${at}: "${key}" is not a text`;
    if (typeof e.slug !== 'string' || !SEGMENT.test(e.slug)) return `${at}: "slug" ${JSON.stringify(e.slug)} is not a page name`;
    if (ids.has(e.id as string)) return `${at}: "id" ${JSON.stringify(e.id)} is another entry's too`;
    if (slugs.has(e.slug)) return `${at}: "slug" ${JSON.stringify(e.slug)} is another entry's too`;
    ids.add(e.id as string);
    slugs.add(e.slug);
    if (e.story !== undefined && typeof e.story !== 'string') return `${at}: "story" is not a text`;
    if (!isLogDate(e.firstPublished)) return `${at}: "firstPublished" is not a date`;
    for (const key of ['edited', 'removed'] as const) if (e[key] !== undefined && !isLogDate(e[key])) return `${at}: "${key}" is not a date`;
  }
  for (const key of ['topics', 'topicNames'] as const) {
    const map = log[key] as unknown;
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return `"${key}" is not an object`;
    for (const [name, value] of Object.entries(map)) {
      if (typeof value !== 'string') return `"${key}" of ${JSON.stringify(name)} is not a text`;
      if (key === 'topics' && !SEGMENT.test(value)) return `"topics" of ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a folder name`;
    }
  }
  const outputs = log.outputs as unknown;
  if (outputs !== undefined && (!Array.isArray(outputs) || outputs.some((o) => typeof o !== 'string'))) return '"outputs" is not a list of paths';
  return undefined;
}

/**
 * A date as the log writes them (`toISOString`), or one a person typed that
 * names a real day: `Date.parse` takes 2024-02-30 for March 1, which would
 * publish a date the log does not say.
 */
function isLogDate(v: unknown): boolean {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return false;
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  return !day || isCalendarDate(+day[1]!, +day[2]!, +day[3]!);
}

/**
 * An entry's line in the log: its keys always in one order, whichever run
 * (full or patch) set them in whichever order, so that the same entry is
 * the same bytes.
 */
export function entryLine(e: LogEntry): string {
  const ordered: Record<string, string> = { id: e.id, slug: e.slug, file: e.file, hash: e.hash };
  if (e.story !== undefined) ordered.story = e.story;
  ordered.firstPublished = e.firstPublished;
  if (e.edited !== undefined) ordered.edited = e.edited;
  if (e.removed !== undefined) ordered.removed = e.removed;
  return JSON.stringify(ordered);
}

/** JSON with one entry per line: a log of 100,000 items stays quick to write and to compare, and diffs line by line. */
export function serializeLog(log: PublishLog): string {
  const { entries, ...rest } = log;
  const head = JSON.stringify(rest, null, 1).slice(0, -2);
  const lines = entries.map((e, i) => entryLine(e) + (i < entries.length - 1 ? ',' : ''));
  return `${head},\n "entries": [\n${lines.join('\n')}${lines.length ? '\n' : ''} ]\n}\n`;
}
