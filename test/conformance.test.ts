/**
 * Conformance: the sample seed and the fixture seeds are published, then
 * every feed in the output folder is read by real, independent programs:
 * xmllint, jing with the RFC 4287 schema, ajv with the JSON Feed 1.1 schema,
 * the Universal Feed Parser, and newsboat over HTTP. What they report is
 * checked against SEED-FORMAT.md (see EXPECTED below).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, readdirSync, type Dirent } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, sep } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { publish, type PublishReport } from '../src/index.js';
import { NOW, REPO, SAMPLE_SEEDS, SHARED, tempDir, testConfig } from './helpers.js';
import { SaxesParser } from 'saxes';
import { parseXml } from './xml.js';
import { SYSTEM_PYTHON, TOOLS, needTools } from './tools.js';
import { newsboatReload } from './support/newsboat.js';

const FIXTURE_SEEDS = join(REPO, 'test', 'fixtures', 'conformance', 'seeds');
const ATOM_RNC = join(SHARED, 'schemas', 'atom.rnc');
const JSON_FEED_SCHEMA = join(SHARED, 'schemas', 'jsonfeed-1.1.schema.json');

// ---------------------------------------------------------------------------
// What each item must look like to a reader, from SEED-FORMAT.md and the
// site config of testConfig(). Written from the spec, not from the output.

interface ExpectedItem {
  seed: string;
  title: string;
  /** The dek, when the seed has one. */
  summary?: string;
  tags: string[];
  /** The byline when the seed names one, else the source publication, else none. */
  author?: string;
  sharedBy: string;
  /** `feed` only when known: RSS 2.0 `<source>` needs its url. */
  source?: { name: string; home?: string; feed?: string };
  /** The original article (`Link:` header, front matter `link`). */
  original?: string;
  /** RFC 3339, UTC, whole seconds. */
  published: string;
  /** When the seed names its id; otherwise a tag: URI on the site's host. */
  id?: string;
  /** Text a reader must be shown in the item's content. */
  shown: string[];
  /** Text that must appear nowhere in the feed file. */
  absent?: string[];
  /** The seed's own language, when it names one other than the site's (`en`). */
  language?: string;
  /** `rtl` for a story written right to left: its words (not the credit line) are laid out so in the content a reader shows. */
  direction?: 'rtl';
}

/** A seed without a date is dated when first published: the build's clock, in whole seconds. */
const FIRST_PUBLISHED = NOW.toISOString().replace(/\.\d+Z$/, 'Z');
const ASBAREZ = { name: 'Asbarez', home: 'https://asbarez.com/', feed: 'https://asbarez.com/feed/' };

const EXPECTED: ExpectedItem[] = [
  {
    // SEED-FORMAT.md, "The real seed, normalized".
    seed: '000_9a8b9b698a6b0df3.txt',
    title: 'Artsakh Calls for ‘Full-Fledged’ Peace Talks Through International Efforts',
    summary: 'The Lachin Corridor has been blocked by Azerbaijan since Dec. 12',
    tags: ['2023'],
    author: 'Asbarez',
    sharedBy: 'Emma Jilavian',
    source: ASBAREZ,
    published: FIRST_PUBLISHED,
    shown: [
      'The Artsakh Foreign Ministry said on Thursday',
      'the free expression of their will',
      'Originally published by Asbarez',
      'Shared by Emma Jilavian',
    ],
    absent: ['_expression_'],
  },
  {
    seed: 'library-opens.md',
    title: 'Երևանում բացվեց նոր մանկական գրադարան',
    summary: 'Շենքը վերանորոգվել է երկու տարում',
    tags: ['Culture', 'Libraries'],
    author: 'Narine Sahakyan',
    sharedBy: 'Aram Grigoryan',
    source: { name: 'Lori Evening Post', home: 'https://lori-post.example.net/', feed: 'https://lori-post.example.net/rss.xml' },
    original: 'https://lori-post.example.net/2023/05/14/children-library',
    language: 'hy',
    published: '2023-05-14T08:00:00Z',
    shown: ['A children\'s library opened on Sunday', 'Originally published by Lori Evening Post', 'Shared by Aram Grigoryan'],
    absent: ['not from the seed'],
  },
  {
    seed: 'guild-vote.md',
    title: 'Bakers & Brewers <Guild> split on "]]>" rule, then \']]>\' again (&amp; stays literal)',
    tags: ['R&D <EU>', '"Quoted" & \'single\''],
    author: 'Asbarez',
    sharedBy: "Lilit O'Hara",
    source: ASBAREZ,
    published: '2023-06-01T00:00:00Z',
    shown: ['keep the marker ]]> in their minutes', 'a second ]]> that a clerk had typed', 'within <two> weeks', 'Originally published by Asbarez', "Shared by Lilit O'Hara"],
  },
  {
    seed: 'stone-bridge.txt',
    title: 'Old Stone Bridge Reopens After Two-Year Repair',
    // RSS <description> is HTML: the plain-text dek must reach readers as written.
    summary: 'Engineers marked every stone "<keep>" & rebuilt the arches',
    tags: ['Roads', 'Dilijan'],
    author: 'Ani Petrosyan',
    sharedBy: 'Karen Hakobyan',
    // Not a configured source: no feed URL is known.
    source: { name: 'Valley Courier' },
    original: 'https://valley-courier.example.com/2023/03/04/stone-bridge',
    // Sat, 04 Mar 2023 09:30:00 +0400
    published: '2023-03-04T05:30:00Z',
    shown: [
      'Engineers marked every stone "<keep>" & rebuilt the arches',
      'The stone bridge over the river reopened to cars on Saturday morning after two years of repairs',
      'Originally published by Valley Courier',
      'Shared by Karen Hakobyan',
    ],
  },
  {
    seed: 'town-clock.txt',
    title: 'The town hall clock runs again after a volunteer fixed its gears',
    tags: ['Local'],
    sharedBy: 'Gohar Manukyan',
    id: 'tag:seeds.example.org,2023-01-10:town-clock',
    published: FIRST_PUBLISHED,
    shown: ['For eleven years the clock on the town hall showed twenty past four.', 'Shared by Gohar Manukyan'],
  },
  {
    // A story written right to left, on a left-to-right site.
    seed: 'garden-opens.txt',
    title: 'حديقة الحي تفتح أبوابها للجميع',
    summary: 'متطوعون زرعوا مئة شجرة في أسبوع واحد',
    tags: ['Gardens'],
    author: 'Valley Courier',
    sharedBy: 'Samira Haddad',
    source: { name: 'Valley Courier' },
    published: '2023-07-02T09:00:00Z',
    language: 'ar',
    direction: 'rtl',
    shown: ['افتتحت حديقة الحي الجديدة صباح الأحد، بعد أن زرع المتطوعون مئة شجرة خلال أسبوع واحد.', 'Originally published by Valley Courier', 'Shared by Samira Haddad'],
  },
];

/** The item's own page on the site, and an id that is a tag: URI on the site's host (RFC 4151). */
const ITEM_PAGE = /^https:\/\/seeds\.example\.org\/articles\/[^/?#]+\.html$/;
const SITE_TAG_ID = /^tag:seeds\.example\.org,\d{4}(-\d{2}(-\d{2})?)?:[\x21-\x7e]+$/;

// ---------------------------------------------------------------------------
// The build, and the files it wrote.

type FeedFormat = 'rss' | 'atom' | 'json';

interface OutputFile {
  /** Relative to the output folder, `/` separators. */
  path: string;
  absolute: string;
  /** The feed format, when the file is a feed. */
  format?: FeedFormat;
}

const MEDIA_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

/** Archive pages of two: the six stories fill three, so every archive page is checked like the other feeds. */
const CONFIG = testConfig({ archive: { pageSize: 2 } });

function publishSite(outDir: string, statePath: string, now: Date, seedsDir: string): Promise<PublishReport> {
  return publish({ seedsDir, outDir, statePath, config: CONFIG, now });
}

/** Every file under `dir`, relative, `/` separators, sorted. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** Extensions of XML files (OPML is XML too) and of JSON files. */
const XML_EXTENSIONS = ['.xml', '.opml'];
const JSON_EXTENSIONS = ['.json'];

/** Every XML and JSON file under `dir`, with the feed format read from its content. */
function outputFiles(dir: string): OutputFile[] {
  return filesUnder(dir)
    .filter((path) => [...XML_EXTENSIONS, ...JSON_EXTENSIONS].includes(extname(path)))
    .map((path) => {
      const absolute = join(dir, path);
      const format = feedFormat(absolute);
      return { path, absolute, ...(format ? { format } : {}) };
    });
}

/**
 * The feed format a file claims, read leniently so that a broken feed is still
 * checked as a feed: RSS by an `rss` root, Atom by a `feed` root (jing then
 * checks the namespace), JSON Feed by a `version` or `items` key (the schema
 * then checks both).
 */
function feedFormat(file: string): FeedFormat | undefined {
  const text = readFileSync(file, 'utf8');
  if (JSON_EXTENSIONS.includes(extname(file))) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return parsed !== null && typeof parsed === 'object' && ('version' in parsed || 'items' in parsed) ? 'json' : undefined;
    } catch {
      return undefined; // "is JSON" reports it
    }
  }
  const root = rootElementName(text);
  return root === 'rss' ? 'rss' : root === 'feed' ? 'atom' : undefined;
}

/** The local name of the first element, whatever errors come after it. */
function rootElementName(xml: string): string | undefined {
  const parser = new SaxesParser({ xmlns: true });
  let root: string | undefined;
  parser.on('error', () => undefined);
  parser.on('opentag', (tag) => {
    root ??= tag.local ?? tag.name;
  });
  try {
    parser.write(xml).close();
  } catch {
    // well-formedness is xmllint's to report
  }
  return root;
}

const seedsDir = tempDir('seedfeed-conformance-seeds-');
cpSync(SAMPLE_SEEDS, seedsDir, { recursive: true });
cpSync(FIXTURE_SEEDS, seedsDir, { recursive: true });
const siteDir = tempDir('seedfeed-conformance-');
const outDir = join(siteDir, 'out');
const statePath = join(siteDir, 'publish-log.json');
const report = await publishSite(outDir, statePath, NOW, seedsDir);
const files = outputFiles(outDir);
const xmlFiles = files.filter((f) => XML_EXTENSIONS.includes(extname(f.path)));
const jsonFiles = files.filter((f) => JSON_EXTENSIONS.includes(extname(f.path)));
const atomFiles = files.filter((f) => f.format === 'atom');
const xmlFeeds = files.filter((f) => f.format === 'rss' || f.format === 'atom');
const jsonFeeds = files.filter((f) => f.format === 'json');
const feeds = files.filter((f) => f.format);
/** The main feeds carry every item; other feeds (topics, archives) a subset. */
const MAIN_FEEDS: Record<string, FeedFormat> = { 'feed.xml': 'rss', 'atom.xml': 'atom', 'feed.json': 'json' };
const isMainFeed = (file: OutputFile) => MAIN_FEEDS[file.path] === file.format;

/** Runs a command; its exit status and everything it printed. */
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the conformance build', () => {
  it('publishes the sample and every fixture seed, rejecting none', async () => {
    expect(report.exitCode).toBe(0);
    expect(report.rejected).toEqual([]);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.counts.published).toBe(EXPECTED.length);
  });

  it('writes the three main feeds, each recognized by its content', async () => {
    for (const [path, format] of Object.entries(MAIN_FEEDS)) {
      expect(files.find((f) => f.path === path)?.format, path).toBe(format);
    }
  });
});

// ---------------------------------------------------------------------------
// xmllint: every XML file is well-formed.

describe('xmllint --noout', () => {
  it.for(xmlFiles)('$path is well-formed XML', (file, ctx) => {
    needTools(ctx, TOOLS.xmllint);
    expect(run('xmllint', ['--noout', '--nonet', file.absolute])).toEqual({ status: 0, output: '' });
  });
});

// ---------------------------------------------------------------------------
// jing: every Atom feed matches the RELAX NG grammar of RFC 4287.

describe('jing with the RFC 4287 schema', () => {
  // One run for all files (one JVM start); jing starts each error with "<file>:<line>:<column>: error:".
  let jing: { status: number | null; output: string } | undefined;
  it.for(atomFiles)('$path is valid Atom 1.0', (file, ctx) => {
    needTools(ctx, TOOLS.jing);
    jing ??= run('jing', ['-c', ATOM_RNC, ...atomFiles.map((f) => f.absolute)]);
    const errors = jing.output.split('\n').filter((line) => / (error|fatal): /.test(line));
    const about = (f: OutputFile) => errors.filter((line) => line.startsWith(f.absolute + ':'));
    expect(about(file)).toEqual([]);
    // A failure that names no Atom file (the schema, a crash) fails every file.
    const unexplained = jing.status !== 0 && atomFiles.every((f) => about(f).length === 0);
    expect(unexplained ? jing.output : '').toBe('');
  });
});

// ---------------------------------------------------------------------------
// ajv: every JSON file parses; every JSON Feed matches the JSON Feed 1.1 schema.

describe('the JSON Feed 1.1 schema', () => {
  const schema = JSON.parse(readFileSync(JSON_FEED_SCHEMA, 'utf8')) as Record<string, unknown>;
  it('is a draft 2020-12 schema, the draft Ajv2020 implements', async () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
  // strictRequired is ajv's lint for `required` inside `anyOf` branches whose properties the parent
  // defines (the schema's author objects); that is valid JSON Schema, so it stays off.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormatsModule.default(ajv);
  const validate = ajv.compile(schema);

  it.for(jsonFiles)('$path is JSON', (file) => {
    expect(() => JSON.parse(readFileSync(file.absolute, 'utf8'))).not.toThrow();
  });
  it.for(jsonFeeds)('$path is a valid JSON Feed 1.1', (file) => {
    validate(JSON.parse(readFileSync(file.absolute, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The Universal Feed Parser: what a feedparser-based reader sees.

interface ReaderPerson {
  name?: string;
}

interface ReaderEntry {
  title: string | null;
  title_type: string | null;
  link: string | null;
  links: { rel: string | null; href: string | null; type: string | null }[];
  id: string | null;
  published: string | null;
  updated: string | null;
  author: string | null;
  authors: ReaderPerson[];
  contributors: ReaderPerson[];
  source: { title: string | null; href: string | null; links: { rel: string | null; href: string | null }[] } | null;
  tags: string[];
  summary: string | null;
  /** The summary as a reader shows it (HTML rendered to text). */
  summary_text: string | null;
  content: { type: string | null; value: string | null }[];
  content_text: string | null;
  language: string | null;
}

interface ReaderView {
  bozo: boolean;
  bozo_exception: string | null;
  version: string | null;
  feed: { title: string | null; link: string | null; updated: string | null; language: string | null };
  entries: ReaderEntry[];
}

function readWithFeedparser(file: string): ReaderView {
  const result = spawnSync(SYSTEM_PYTHON, [join(REPO, 'test', 'read_feed.py'), file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`read_feed.py ${file} exited with ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as ReaderView;
}

/** How many items the feed file holds, counted in the raw document. */
function itemCount(file: OutputFile): number {
  const text = readFileSync(file.absolute, 'utf8');
  if (file.format === 'json') return (JSON.parse(text) as { items: unknown[] }).items.length;
  const root = parseXml(text);
  const container = file.format === 'rss' ? root.children.find((c) => c.local === 'channel') : root;
  return (container?.children ?? []).filter((c) => c.local === (file.format === 'rss' ? 'item' : 'entry')).length;
}

describe('the Universal Feed Parser (feedparser)', () => {
  const views = new Map<string, ReaderView>();
  const view = (file: OutputFile) => {
    let v = views.get(file.path);
    if (!v) views.set(file.path, (v = readWithFeedparser(file.absolute)));
    return v;
  };

  it.for(feeds)('$path: read without complaint, every item with a title, link and id', (file, ctx) => {
    needTools(ctx, TOOLS.feedparser);
    const v = view(file);
    expect({ bozo: v.bozo, exception: v.bozo_exception }).toEqual({ bozo: false, exception: null });
    if (isMainFeed(file)) expect(v.feed.title).toBe('Test feed');
    else expect(v.feed.title).toBeTruthy();
    expect(v.entries.length).toBe(itemCount(file));
    expect(v.entries.length).toBeGreaterThan(0);
    for (const entry of v.entries) {
      expect(entry.title, JSON.stringify(entry.id)).toBeTruthy();
      expect(entry.link).toMatch(ITEM_PAGE);
      expect(entry.id).toBeTruthy();
    }
  });

  it.for(feeds)('$path: every item is shown as SEED-FORMAT.md says', (file, ctx) => {
    needTools(ctx, TOOLS.feedparser);
    const v = view(file);
    const raw = readFileSync(file.absolute, 'utf8');
    for (const expected of EXPECTED) {
      const matches = v.entries.filter((e) => e.title === expected.title);
      if (!isMainFeed(file) && !matches.length) continue;
      expect(matches, `${file.path}: one item titled ${JSON.stringify(expected.title)}`).toHaveLength(1);
      checkEntry(file.format!, matches[0]!, expected, v.feed.language);
      for (const text of expected.absent ?? []) expect(raw, `${file.path} must not contain ${JSON.stringify(text)}`).not.toContain(text);
    }
  });

  it('the sample seed reads the same in RSS, Atom and JSON Feed: one link, one id', (ctx) => {
    needTools(ctx, TOOLS.feedparser);
    const sample = EXPECTED[0]!;
    const entries = Object.keys(MAIN_FEEDS).map((path) => view(files.find((f) => f.path === path)!).entries.find((e) => e.title === sample.title));
    expect(entries.every(Boolean)).toBe(true);
    expect(new Set(entries.map((e) => e!.link)).size).toBe(1);
    expect(new Set(entries.map((e) => e!.id)).size).toBe(1);
    expect(entries[0]!.id).toMatch(SITE_TAG_ID);
  });
});

/** One entry as a reader parsed it, against what SEED-FORMAT.md says the item is. */
function checkEntry(format: FeedFormat, entry: ReaderEntry, expected: ExpectedItem, feedLanguage: string | null): void {
  const label = `${format} ${expected.seed}`;
  expect(entry.title, label).toBe(expected.title);
  if (format !== 'json') expect(entry.title_type, `${label}: a plain-text title`).toBe('text/plain');
  expect(entry.link, label).toMatch(ITEM_PAGE);
  if (expected.id) expect(entry.id, label).toBe(expected.id);
  else expect(entry.id, label).toMatch(SITE_TAG_ID);
  expect(entry.published, label).toBe(expected.published);
  // First publication: nothing has been edited yet.
  expect(entry.updated, label).toBe(expected.published);
  expect(entry.tags, label).toEqual(expected.tags);
  if (expected.summary) expect(entry.summary_text, `${label}: the dek as shown`).toBe(expected.summary);
  expect(entry.authors.map((a) => a.name), label).toEqual(expected.author ? [expected.author] : []);
  expect(entry.contributors.map((c) => c.name), `${label}: the sharer`).toEqual([expected.sharedBy]);
  expect(entry.content.length, `${label}: content`).toBeGreaterThan(0);
  // The feed is in the site's language; a story in another says so (RSS dc:language, Atom xml:lang, JSON Feed language).
  expect(feedLanguage, `${label}: the feed's language`).toBe('en');
  expect(entry.language ?? feedLanguage, `${label}: the story's language`).toBe(expected.language ?? 'en');

  // The story's own words in their direction, in the HTML a reader keeps after sanitizing it; the credit line after
  // them, in its own words: English, left to right.
  const html = entry.content[0]!.value;
  if (expected.direction) {
    const words = new RegExp(`^<div dir="${expected.direction}" lang="${expected.language}">[^]*</div><p dir="ltr" lang="en">Originally published by`);
    expect(html, `${label}: the story's direction`).toMatch(words);
  } else expect(html, label).not.toContain('dir=');
  // A credit line in a story of another language is marked as English (speech, hyphenation); in an English one it needs nothing.
  if (expected.source) expect(html, `${label}: the credit line's language`).toContain(/^en(-|$)/.test(expected.language ?? 'en') ? '<p>Originally published by' : 'lang="en">Originally published by');
  const shown = entry.content_text ?? '';
  for (const text of expected.shown) expect(shown, `${label}: shown to the reader`).toContain(text);
  if (!expected.source) expect(shown, label).not.toContain('Originally published by');
  // The credit line links to the original article when it is known.
  if (expected.original) expect(entry.content[0]!.value, `${label}: credit link`).toContain(`href="${expected.original}"`);

  const source = expected.source;
  if (format === 'rss') {
    // RSS 2.0: <source url="..."> names the source's own feed, and needs it.
    expect(entry.source, `${label}: <source>`).toEqual(source?.feed ? { title: source.name, href: source.feed, links: [] } : null);
  } else if (format === 'atom') {
    // RFC 4287 4.2.11: atom:source with the source's title and links.
    expect(entry.source?.title ?? null, `${label}: atom:source`).toBe(source?.name ?? null);
    const links = entry.source?.links ?? [];
    if (source?.home) expect(links, label).toContainEqual({ rel: 'alternate', href: source.home });
    if (source?.feed) expect(links, label).toContainEqual({ rel: 'self', href: source.feed });
    // The original article as link rel="via".
    const via = entry.links.filter((l) => l.rel === 'via').map((l) => l.href);
    expect(via, `${label}: link rel="via"`).toEqual(expected.original ? [expected.original] : []);
  } else {
    expect(entry.source, `${label}: _source`).toEqual(source ? { title: source.name, href: source.feed ?? null, links: source.home ? [{ rel: 'alternate', href: source.home }] : [] } : null);
    const external = entry.links.filter((l) => l.rel === 'via').map((l) => l.href);
    expect(external, `${label}: external_url`).toEqual(expected.original ? [expected.original] : []);
  }
}

// ---------------------------------------------------------------------------
// newsboat: fetches each XML feed over HTTP, as a subscriber would.

describe('newsboat', () => {
  let server: Server | undefined;
  let baseUrl = '';
  const served = new Map(feeds.map((f) => [f.path, f]));

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname).replace(/^\//, '');
      const file = served.get(path);
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      response.writeHead(200, { 'content-type': `${MEDIA_TYPES[file.format!]}; charset=utf-8` }).end(readFileSync(file.absolute));
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    if (server) await new Promise<void>((done) => server!.close(() => done()));
  });

  it.for(xmlFeeds)('$path: item titles and authors as newsboat stores them', async (file, ctx) => {
    needTools(ctx, TOOLS.newsboat, TOOLS.sqlite);
    // One cache per feed (newsboatReload): newsboat keys items by guid across feeds.
    const url = baseUrl + file.path;
    const stored = await newsboatReload([url]);
    expect(stored.feeds.map((f) => f.rssurl)).toEqual([url]);
    if (isMainFeed(file)) expect(stored.feeds[0]!.title).toBe('Test feed');
    expect(stored.items.length, 'every item fetched').toBe(itemCount(file));

    for (const expected of EXPECTED) {
      const matches = stored.items.filter((i) => i.title === expected.title);
      if (!isMainFeed(file) && !matches.length) continue;
      expect(matches, `one item titled ${JSON.stringify(expected.title)}`).toHaveLength(1);
      const item = matches[0]!;
      expect(item.author, `${expected.seed}: author`).toBe(expected.author ?? '');
      expect(item.pubDate, `${expected.seed}: date`).toBe(Date.parse(expected.published) / 1000);
      if (expected.id) expect(item.guid).toBe(expected.id);
    }
  });
});

// ---------------------------------------------------------------------------
// No clock in the output: the same seeds and publish log give the same bytes.

describe('reproducible output', () => {
  it('two builds of the same seeds with the same publish log write identical bytes, whatever the clock says', async () => {
    const runs: string[] = [];
    for (const name of ['b', 'c']) {
      const dir = tempDir(`seedfeed-conformance-${name}-`);
      copyFileSync(statePath, join(dir, 'publish-log.json'));
      const later = new Date(NOW.getTime() + 36 * 3600_000);
      const rerun = await publishSite(join(dir, 'out'), join(dir, 'publish-log.json'), later, seedsDir);
      expect(rerun.exitCode).toBe(0);
      runs.push(join(dir, 'out'));
    }
    const bytes = (dir: string) => filesUnder(dir).map((path) => [path, readFileSync(join(dir, path)).toString('base64')]);
    const first = bytes(outDir);
    expect(first.length).toBeGreaterThanOrEqual(files.length);
    for (const dir of runs) expect(bytes(dir)).toEqual(first);
  });
});
