import type { Item, SiteConfig } from './model.js';
import { discoverSeeds, joinDisplay, replacedWhileRead, SEED_REPLACED, type SeedFile, type SeedsFound } from './discover.js';
import { PARALLEL_PARSE_MIN, parseInWorkers, rereadBody, runParseJob, type ParseJob, type ParseResult, type ParseSettings } from './parse-pool.js';
import type { BodyStore } from './body-pool.js';
import type { SeedHead } from './parse/index.js';
import type { Body, SeedFields } from './parse/fields.js';
import { seedRecord, type SeedRecord } from './cache.js';
import { feedFingerprint, fingerprintItem } from './fingerprint.js';
import { Utf8Cache } from './bounded.js';
import { bodyJobOf, normalizeSeed, readsBodyAgain, seedMeta, seedStory, storyKeys, type BodySource, type SeedMeta } from './normalize.js';
import { duplicateKeys, keysAt, NO_KEY } from './patch-index.js';
import { assignIdentities, emptyLog, siteTag, type LogEntry, type PublishLog, type StoryMatch } from './identity.js';
import { FORMATS, type OutputFormat, type Renderer } from './render/formats.js';
import type { FeedContext } from './render/context.js';
import { renderPages } from './render/pages.js';
import { topicsOf, TOPIC_KINDS } from './topics.js';
import { archiveFeeds, mainFeed, rendererOf, topicFeeds, type PlannedFeed } from './feeds.js';
import { OPML_FILE, renderOpml } from './render/opml.js';
import type { Progress } from './progress.js';
import { boundHeapGrowth } from './heap.js';
import { forgetFragments } from './render/direct.js';

export { OPML_FILE };
import { lazyOutput, type Output } from './output.js';
import { OutputError, UsageError, warning, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { isLanguageTag } from './language.js';
import { languageProblem } from './config.js';
import type { Repair } from './text.js';

export interface BuildOptions {
  seedsDir: string;
  config: SiteConfig;
  /** The publish log of the last run; none on the first run. */
  log?: PublishLog;
  /** The clock, read once: recorded in the log for what is new, never written into feeds directly. */
  now?: Date;
  /** How seed paths are shown in diagnostics (default: `seedsDir`). */
  displayRoot?: string;
  /** A progress display for `total` seeds (see progress.ts); none by default. */
  progress?: (total: number) => Progress;
  /** Seeds as the last run parsed them, by path (cache.ts): a seed listed with the same size, mtime, ctime and inode is not read again. */
  seedCache?: ReadonlyMap<string, SeedRecord>;
  /** How many bodies the build keeps in memory (default `BODIES_KEPT`); the others are read again when shown. */
  bodiesKept?: number;
  /** The seeds folder as listed just before (with `displayRoot` its default); listed here when absent. */
  listing?: SeedsFound;
  /** Seeds of that listing read and parsed already (`parseJobs`, then parse-pool.ts), by path; the others are parsed here. Each entry is deleted as the build takes it, so no body outlives its use. */
  parsed?: Map<string, ParseResult>;
}

export type { Output };

export interface BuildResult {
  /** Every published item, newest first. */
  items: Item[];
  /** The items not published because another seed shares the same story (`dropDuplicateStories`). */
  dropped: Item[];
  outputs: Output[];
  diagnostics: Diagnostic[];
  repairs: Repair[];
  log: PublishLog;
  changes: { new: Item[]; updated: Item[]; removed: LogEntry[] };
  /** Seed files rejected by an error. */
  rejected: string[];
  /** Every seed file found, as listed (path, size, mtime): what the no-op check compares. */
  seedFiles: SeedFile[];
  seedCount: number;
  /** The parse of every seed read or reused, for the next run's build cache. */
  records: SeedRecord[];
  /** The bodies not in the build's memo, to be read again ahead of rendering (body-pool.ts). */
  bodies: BodyStore;
  /** Every feed document the outputs render: the main feed, archive pages, topic feeds. */
  feeds: PlannedFeed[];
  /** The ids published items' seeds name themselves. */
  explicitIds: Map<Item, string>;
}

/** Bodies a build keeps in memory (sanitized HTML, kept as UTF-8: ~4.5 KB each in the bench corpus, ~90 MB in all): up to this many seeds none is read twice. */
export const BODIES_KEPT = 20_000;

/**
 * discover → parse → normalize → render. Reads seeds, writes nothing: the
 * outputs and the next publish log come back as values (see `publish` for
 * the writing). Rendering them keeps the items serialized last for the
 * other outputs that show them: a caller that lives on calls
 * `forgetFragments` once it has rendered them (`publish` does).
 */

export function build(options: BuildOptions): BuildResult {
  const { config } = options;
  // `checkConfig` checks the language's shape; whether ICU knows it is asked here, by a run that builds (see there).
  if (!isLanguageTag(config.language)) throw new UsageError(`the config's language: ${languageProblem(config.language)}. Nothing was written`);
  const now = buildClock(options.now);
  const previous = options.log ?? emptyLog(siteTag(config.baseUrl, now.toISOString().slice(0, 10), 'feed'), now);
  const displayRoot = options.displayRoot ?? options.seedsDir;
  const diagnostics: Diagnostic[] = [];
  const repairs: Repair[] = [];
  const rejected = new Set<string>();

  // A listing made elsewhere shows paths under the default display root.
  const found = options.listing && options.displayRoot === undefined ? options.listing : discoverSeeds(options.seedsDir, displayRoot);
  diagnostics.push(...found.diagnostics);

  interface Candidate {
    rel: string;
    file: SeedFile;
    seed: SeedHead;
    /** Absent for a seed taken from the cache: read again only when shown. */
    body?: Body;
    record: SeedRecord;
    meta: SeedMeta;
  }
  const candidates: Candidate[] = [];
  const records: SeedRecord[] = [];
  const progress = options.progress?.(found.seeds.length);
  const settings = parseSettings(options);
  const bodiesKept = options.bodiesKept ?? BODIES_KEPT;
  /** Seeds read and parsed so far: the first `bodiesKept` keep their bodies, whatever their parse gives (as `parseJobs` decides). */
  let parses = 0;
  for (const file of found.seeds) {
    progress?.tick();
    let record = options.seedCache?.get(file.file);
    let body: Body | undefined;
    if (!record || staleRecord(record, file)) {
      // Past BODIES_KEPT the body is let go at once and read again when shown; its warnings are taken first.
      const keepBody = parses++ < bodiesKept;
      const parsed = options.parsed?.get(file.file) ?? runParseJob({ file, keepBody }, settings);
      options.parsed?.delete(file.file);
      if ('diagnostic' in parsed) {
        // A seed replaced since it was listed is not a broken seed: publishing without its story would unpublish it for a run.
        if (parsed.diagnostic.rule === SEED_REPLACED) throw replacedWhileRead(parsed.diagnostic);
        diagnostics.push(parsed.diagnostic);
        if (parsed.diagnostic.severity === 'error') rejected.add(file.file);
        continue;
      }
      let head: SeedHead;
      if ('parsed' in parsed) ({ body, ...head } = parsed.parsed);
      else head = parsed.head;
      record = seedRecord(file, head, 'bodyDiagnostics' in parsed ? parsed.bodyDiagnostics : undefined);
    }
    records.push(record);
    // The cache keeps no display path (cache.ts).
    record.head.file ??= joinDisplay(displayRoot, file.file);
    const seed = record.head;
    const meta = seedMeta(seed, now);
    diagnostics.push(...seed.diagnostics, ...meta.diagnostics);
    repairs.push(...seed.repairs);
    if (seed.fields.draft?.value === true) continue;
    if (!meta.ok) {
      rejected.add(file.file);
      continue;
    }
    candidates.push({ rel: file.file, file, seed, ...(body ? { body } : {}), record, meta });
  }
  progress?.done();
  const { source: bodySource, store: bodyStore } = bodiesOf(bodiesKept, settings);

  // A candidate by its seed's path, made only when asked: by story matching (a published seed gone) or a warning's line.
  let byRel: Map<string, Candidate> | undefined;
  const candidateOf = (rel: string) => (byRel ??= new Map(candidates.map((c) => [c.rel, c]))).get(rel);
  const identity = assignIdentities(
    candidates.map((c) => ({
      file: c.rel,
      hash: c.seed.hash,
      title: c.meta.title,
      ...(c.meta.explicitId ? { explicitId: c.meta.explicitId, explicitIdLine: c.meta.explicitIdLine ?? 1 } : {}),
      ...(c.meta.date ? { date: c.meta.date } : {}),
    })),
    previous,
    config.baseUrl,
    now,
    presentSeeds(found, previous),
    (file) => joinDisplay(displayRoot, file),
    storyMatch(candidateOf, previous, config),
  );
  for (const d of identity.diagnostics) {
    diagnostics.push({ ...d, file: joinDisplay(displayRoot, d.file) });
    rejected.add(d.file);
  }

  const items: Item[] = [];
  const explicitIds = new Map<Item, string>();
  const changes: BuildResult['changes'] = { new: [], updated: [], removed: identity.removed };
  for (const c of candidates) {
    const id = identity.identities.get(c.rel);
    if (!id) continue;
    const normalized = normalizeSeed(c.body ? { ...c.seed, body: c.body } : c.seed, c.meta, id, config, c.rel, { bodies: bodySource, seed: c.file, hash: c.seed.hash });
    if (c.body) c.record.bodyDiagnostics = normalized.bodyDiagnostics;
    diagnostics.push(...normalized.diagnostics, ...(c.body ? [] : (c.record.bodyDiagnostics ?? [])));
    // The parse is let go: the item's body is in the memo, or read again when shown.
    delete c.body;
    fingerprintItem(normalized.item, c.seed.hash);
    items.push(normalized.item);
    if (c.meta.explicitId) explicitIds.set(normalized.item, c.meta.explicitId);
    if (id.status === 'new') changes.new.push(normalized.item);
    else if (id.status === 'updated') changes.updated.push(normalized.item);
  }
  sortNewestFirst(items);
  // Each entry records the story its item tells, by which a seed renamed and edited in one go is found again.
  const entryById = new Map(identity.log.entries.map((e) => [e.id, e]));
  for (const item of items) entryById.get(item.id)!.story = duplicateKeys(item);
  const { published, dropped } = dropDuplicateStories(items, previous.outputs ?? [], displayRoot, diagnostics, (item) => candidateOf(item.file)?.seed.fields);
  // A repeat is not published, so it is neither new nor updated in what the run reports.
  if (dropped.length) {
    const repeats = new Set(dropped);
    changes.new = changes.new.filter((item) => !repeats.has(item));
    changes.updated = changes.updated.filter((item) => !repeats.has(item));
  }

  const log = identity.log;
  const { topics, known, names } = topicsOf(published, TOPIC_KINDS.filter((k) => config.topics[k]), previous.topics, previous.topicNames);
  log.topics = known;
  log.topicNames = names;
  const main = mainFeed(config, log, published);
  const feeds: PlannedFeed[] = [{ prefix: '', group: 'main', ctx: main }, ...archiveFeeds(config, log, published, main), ...topicFeeds(config, log, topics)];
  let outputs: Output[];
  try {
    outputs = feeds.flatMap((f) => renderFeeds(f.ctx, FORMATS, f.prefix, rendererOf(f)));
    outputs.push({ path: OPML_FILE, mediaType: 'text/x-opml', kind: 'xml', text: renderOpml(config, feeds) });
    outputs.push(...renderPages({ site: config, items: published, topics }));
  } catch (e) {
    // A renderer that fails fails the run before anything is written: exit 4, like a failed read-back.
    throw new OutputError(`an output failed to render, nothing was written: ${(e as Error).message}`);
  }
  return {
    items: published,
    dropped,
    outputs,
    diagnostics: sortDiagnostics(diagnostics),
    repairs,
    log,
    changes,
    rejected: [...rejected].sort(),
    seedCount: found.seeds.length,
    seedFiles: found.seeds,
    records,
    feeds,
    explicitIds,
    bodies: bodyStore,
  };
}

/**
 * The bodies of a build: the memo that keeps those used last (the others
 * are read again when shown), how its items read a body again, and how the
 * run that renders them reads bodies ahead (body-pool.ts). Made apart from
 * `build`: closures made there would keep its whole scope, every seed's
 * parse among it (~1.5 KB a seed), for as long as the items live.
 */
function bodiesOf(capacity: number, settings: ParseSettings): { source: BodySource; store: BodyStore } {
  const memo = new Utf8Cache<Item>(capacity);
  return {
    source: {
      memo,
      /** A seed's body read again, when an output that shows it is rendered. */
      reread: (file, hash): Body => {
        const read = rereadBody(file, hash, settings);
        // Gone, unreadable or edited since it was listed: the run fails before anything is written, and the next one publishes the seed as it is then.
        if ('error' in read) throw new OutputError(read.error);
        return read.body;
      },
    },
    store: {
      capacity,
      // An item made with its body in hand (none a build makes) holds it for good.
      holds: (item) => memo.has(item) || !readsBodyAgain(item),
      // Kept or not, a body may have been pushed out of the memo before it is shown.
      missing: (item) => (memo.get(item) !== undefined ? undefined : bodyJobOf(item)),
      put: (item, html) => memo.set(item, html),
    },
  };
}

/** The clock of a run, read once: in whole seconds, as RSS dates have no fractions and all formats should agree. */
export function buildClock(now: Date = new Date()): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000);
}

function sameListing(record: SeedRecord, file: SeedFile): boolean {
  return record.size === file.size && record.mtimeMs === file.mtimeMs && record.ctimeMs === file.ctimeMs && record.ino === file.ino && record.dev === file.dev;
}

/** Whether a seed's cached parse cannot be used: the seed changed since, or the record lacks its body's warnings. */
function staleRecord(record: SeedRecord, file: SeedFile): boolean {
  return !sameListing(record, file) || !record.bodyDiagnostics;
}

/** How `build` reads and parses the seeds of `options`. */
export function parseSettings(options: Pick<BuildOptions, 'config' | 'seedsDir' | 'displayRoot'>): ParseSettings {
  return {
    displayRoot: options.displayRoot ?? options.seedsDir,
    maxSeedBytes: options.config.maxSeedBytes,
    knownSources: options.config.sources.map((s) => s.name),
    baseUrl: options.config.baseUrl,
  };
}

/**
 * The seeds of `seeds` that `build` will read and parse, in its order, each
 * with whether it keeps the body in memory (the first `bodiesKept`, as
 * `build` decides): for a caller that parses them beforehand
 * (`BuildOptions.parsed`), so that the build goes as if it had parsed them.
 */
export function parseJobs(seeds: readonly SeedFile[], seedCache: ReadonlyMap<string, SeedRecord> | undefined, bodiesKept = BODIES_KEPT): ParseJob[] {
  return seeds
    .filter((file) => {
      const record = seedCache?.get(file.file);
      return !record || staleRecord(record, file);
    })
    .map((file, i) => ({ file, keepBody: i < bodiesKept }));
}

/**
 * What a run that reads and parses `jobs` and renders their outputs holds
 * until it ends, given back by the returned function (call it however the
 * run ends): when they are many (as many as `parseAhead` takes to worker
 * threads), a bound on the heap's growth (heap.ts); and the serialized items
 * the direct renderers keep (`forgetFragments`), which would keep this
 * run's items and bodies in a process that lives on.
 */
export function beginRun(jobs: readonly ParseJob[]): () => void {
  const unbound = jobs.length >= PARALLEL_PARSE_MIN ? boundHeapGrowth() : undefined;
  return () => {
    forgetFragments();
    unbound?.();
  };
}

/**
 * The seeds `build` would read and parse (`parseJobs`), read and parsed on
 * worker threads (parse-pool.ts), for `BuildOptions.parsed`; undefined when
 * there are too few to be worth it, or no workers.
 */
export async function parseAhead(
  jobs: readonly ParseJob[],
  options: Pick<BuildOptions, 'config' | 'seedsDir' | 'displayRoot' | 'progress'>,
): Promise<Map<string, ParseResult> | undefined> {
  if (jobs.length < PARALLEL_PARSE_MIN) return undefined;
  const progress = options.progress?.(jobs.length);
  try {
    return await parseInWorkers(jobs, parseSettings(options), progress ? { progress } : {});
  } finally {
    progress?.done();
  }
}

/** Newest first; the id breaks ties so the order never depends on the file system. */
export function sortNewestFirst(items: Item[]): Item[] {
  return items.sort((a, b) => b.published.getTime() - a.published.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The seed files there are: those listed, and those of the log's stories in
 * a folder that could not be listed (`SeedsFound.unlisted`), which keep their
 * ids rather than count as removed.
 */
function presentSeeds(found: SeedsFound, log: PublishLog): Set<string> {
  const present = new Set(found.seeds.map((s) => s.file));
  const unlisted = found.unlisted ?? [];
  if (unlisted.length) for (const e of log.entries) if (!e.removed && unlisted.some((prefix) => e.file.startsWith(prefix))) present.add(e.file);
  return present;
}

/**
 * How `assignIdentities` tells a story renamed and edited in one go (or moved
 * by a copy and a deletion) from a new one: by the story each seed tells and
 * the one each entry told when last published (its `story`), as duplicate
 * keys (patch-index.ts). A seed's is worked out only when asked, which is
 * only when a published entry's file is gone.
 */
function storyMatch(candidateOf: (rel: string) => { seed: SeedHead; meta: SeedMeta } | undefined, previous: PublishLog, config: SiteConfig): StoryMatch {
  let published: Set<string> | undefined;
  return {
    ofSeed: (file) => {
      const c = candidateOf(file);
      return c && duplicateKeys(seedStory(c.seed, c.meta, config));
    },
    keysOf: (story) => keysAt(story, 0).filter((k) => k !== NO_KEY),
    published: (entry) => (published ??= new Set(previous.outputs ?? [])).has(`articles/${entry.slug}.html`),
  };
}

/**
 * The same story shared twice (same source and title, or the same original
 * link) is published once; the other seed gets a warning naming both files.
 * The one published is the one whose page the last run published (its
 * page is among `outputsBefore`, the log's outputs), so a story keeps its
 * id and page whatever a copy of it says or when it was made (a copy dated
 * earlier, or made while the clock was set back); among new ones, the
 * oldest story, then the first id.
 */
function dropDuplicateStories(
  items: Item[],
  outputsBefore: readonly string[],
  displayRoot: string,
  diagnostics: Diagnostic[],
  fieldsOf: (item: Item) => SeedFields | undefined,
): { published: Item[]; dropped: Item[] } {
  const byAge = [...items].sort((a, b) => a.published.getTime() - b.published.getTime() || (a.id < b.id ? -1 : 1));
  if (!onePerStory(byAge).repeats.length) return { published: items, dropped: [] };
  // Only when there are repeats: which of them the last run published (a stable sort: by age within each part).
  const shownBefore = new Set(outputsBefore);
  const notShown = (item: Item) => Number(!shownBefore.has(item.path));
  const { kept, repeats } = onePerStory([...byAge].sort((a, b) => notShown(a) - notShown(b)));
  for (const { item, of } of repeats) {
    const byLink = Boolean(item.originalLink && of.originalLink === item.originalLink);
    // The line of what makes it the same story: its original link, or its headline (title).
    const fields = fieldsOf(item);
    const line = (byLink ? fields?.link?.line : fields?.title?.line) ?? 1;
    diagnostics.push(warning('duplicate-story', joinDisplay(displayRoot, item.file), line, `the same story as ${joinDisplay(displayRoot, of.file)} (same ${byLink ? 'original link' : 'source and title'}); published once`));
  }
  return { published: items.filter((i) => kept.has(i)), dropped: byAge.filter((i) => !kept.has(i)) };
}

/** The first item of each story in `ordered`, and each later one with the item it repeats. */
function onePerStory(ordered: readonly Item[]): { kept: Set<Item>; repeats: { item: Item; of: Item }[] } {
  const firstByKey = new Map<string, Item>();
  const kept = new Set<Item>();
  const repeats: { item: Item; of: Item }[] = [];
  for (const item of ordered) {
    const keys = storyKeys(item);
    const of = keys.map((k) => firstByKey.get(k)).find(Boolean);
    if (of) {
      repeats.push({ item, of });
      continue;
    }
    keys.forEach((k) => firstByKey.set(k, item));
    kept.add(item);
  }
  return { kept, repeats };
}

/** One feed in every format; `prefix` is its folder under the output ('' for the main feed). */
export function renderFeeds(ctx: FeedContext, formats: readonly OutputFormat[], prefix = '', renderer: Renderer = 'render'): Output[] {
  const fingerprint = feedFingerprint(ctx);
  return formats.map((f) => lazyOutput(prefix + f.fileName, f.mediaType, f.kind, () => f[renderer](ctx), fingerprint, ctx.items));
}

