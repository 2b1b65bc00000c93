/**
 * The direct renderers (src/render/direct.ts) render archive pages and topic
 * feeds; the `feed`-library renderers (rss.ts, atom.ts, json.ts) render the
 * main feed and are the reference. The two must agree byte for byte: on
 * hand-written edge cases, on random items and feeds, and on a whole build.
 * Where the reference throws (a link that is not a URL), the direct renderer
 * must throw too.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderRss } from '../src/render/rss.js';
import { renderAtom } from '../src/render/atom.js';
import { renderJson } from '../src/render/json.js';
import { FEED_PIECES, fragmentsKept, renderAtomDirect, renderJsonDirect, renderRssDirect } from '../src/render/direct.js';
import { publish } from '../src/publish.js';
import { runCheck } from '../src/commands/check.js';
import { FORMATS } from '../src/render/formats.js';
import type { FeedContext, FeedHistory, FormatLinks } from '../src/render/context.js';
import type { Item, Person, Source } from '../src/model.js';
import { build } from '../src/build.js';
import { newestUpdate } from '../src/feeds.js';
import { stripXmlForbidden } from '../src/text.js';
import { NOW, REPO, SAMPLE_SEEDS, tempDir, testConfig, writeTree } from './helpers.js';
import { writeCorpus, writeSiteConfig } from './support/corpus.js';
import { bareItem, fullItem, site } from './support/items.js';

type Render = (ctx: FeedContext) => string;
const PAIRS: [format: string, reference: Render, direct: Render][] = [
  ['RSS', renderRss, renderRssDirect],
  ['Atom', renderAtom, renderAtomDirect],
  ['JSON', renderJson, renderJsonDirect],
];

/** The text a renderer gives, or that it threw. */
function outcome(render: Render, ctx: FeedContext): { text: string } | { threw: true } {
  try {
    return { text: render(ctx) };
  } catch {
    return { threw: true };
  }
}

/** Compares every format; returns how many the reference rendered without throwing. */
function expectSameBytes(ctx: FeedContext): number {
  let rendered = 0;
  for (const [format, reference, direct] of PAIRS) {
    const expected = outcome(reference, ctx);
    expect(outcome(direct, ctx), format).toEqual(expected);
    if ('text' in expected) rendered++;
  }
  return rendered;
}

// ---------------------------------------------------------------------------
// Hand-written cases

const BASE = 'https://seeds.example.org/';
/** Everything the escaping rules treat specially, twice over. */
const HOSTILE = 'R&D <EU> "quoted" \'single\' ]]> and ]]> again, AT&amp;T,\ttab\nline\rreturn\r\n';
const ARMENIAN = 'Արցախը կոչ է անում բանակցությունների';

function links(prefix: string): FormatLinks {
  return { rss: `${BASE}${prefix}feed.xml`, atom: `${BASE}${prefix}atom.xml`, json: `${BASE}${prefix}feed.json` };
}

function context(items: Item[], overrides: Partial<FeedContext> = {}): FeedContext {
  const config = overrides.site ?? site();
  return {
    site: config,
    id: 'tag:seeds.example.org,2026-11-01:feed',
    title: config.title,
    description: config.description,
    homeUrl: BASE,
    links: links(''),
    updated: newestUpdate(items) ?? new Date('2026-11-01T00:00:00Z'),
    items,
    ...overrides,
  };
}

/** Each case renders in every format, except where `throwing` says how many formats throw. */
const CASES: [name: string, ctx: () => FeedContext, throwing?: number][] = [
  ['an empty feed', () => context([])],
  ['an empty archive page', () => context([], { history: { archive: true, current: links('') } })],
  ['a full item and a bare one', () => context([fullItem(), bareItem()])],
  ['no summary', () => context([fullItem({ summary: undefined })])],
  ['no source, an original link', () => context([fullItem({ source: undefined })])],
  ['no source, no original link', () => context([fullItem({ source: undefined, originalLink: undefined })])],
  ['a source without a feed URL', () => context([fullItem({ source: { name: 'Asbarez', url: 'https://asbarez.com/' } })])],
  ['a source with only a feed URL', () => context([fullItem({ source: { name: 'Asbarez', feedUrl: 'https://asbarez.com/feed/' } })])],
  ['a source with only a name', () => context([fullItem({ source: { name: 'Azatutyun' }, originalLink: undefined })])],
  ['no sharer', () => context([fullItem({ sharedBy: undefined })])],
  ['no categories', () => context([fullItem({ categories: [] })])],
  ['no authors', () => context([fullItem({ authors: [] })])],
  [
    'several authors, some with a page, one with an email',
    () => context([fullItem({ authors: [{ name: 'Lilit Avagyan' }, { name: 'Aram Petrosyan', url: 'https://asbarez.com/aram?x=1&y=2' }, { name: 'Ani', email: 'ani@example.org' }] })]),
  ],
  ['a WebSub hub', () => context([fullItem()], { site: site({ hub: 'https://hub.example.org/?topic=a&b=c' }) })],
  [
    'an archive page with links both ways',
    () => context([fullItem(), bareItem()], { links: links('archive/2/'), history: { archive: true, current: links(''), prevArchive: links('archive/1/'), nextArchive: links('archive/3/') } }),
  ],
  ['the first archive page', () => context([bareItem()], { links: links('archive/1/'), history: { archive: true, current: links(''), nextArchive: links('archive/2/') } })],
  ['the current feed of an archive', () => context([fullItem()], { history: { archive: false, prevArchive: links('archive/3/') } })],
  ['an archive page and a hub', () => context([fullItem()], { site: site({ hub: 'https://hub.example.org/' }), history: { archive: true, current: links(''), prevArchive: links('archive/1/') } })],
  ['items in another language than the site', () => context([fullItem({ language: 'hy' }), bareItem({ language: 'ru' }), bareItem({ id: 'tag:x.org,2026:same', language: 'en' })])],
  ['a site without a language', () => context([fullItem({ language: 'hy' })], { site: site({ language: '' }) })],
  [
    'Armenian text everywhere',
    () =>
      context(
        [
          fullItem({
            title: ARMENIAN,
            summary: `${ARMENIAN}։ Լաչինի միջանցքը փակ է`,
            bodyHtml: `<p>${ARMENIAN}</p>\n`,
            categories: ['Արցախ', 'Հայաստան'],
            authors: [{ name: 'Լիլիթ Ավագյան' }],
            sharedBy: { name: 'Էմմա Ջիլավյան' },
            source: { name: 'Ազատություն', url: 'https://www.azatutyun.am/', feedUrl: 'https://www.azatutyun.am/api/feed' },
            link: `${BASE}articles/արցախ.html`,
            originalLink: 'https://www.azatutyun.am/a/արցախ.html',
            language: 'hy',
          }),
        ],
        { title: 'Սերմեր', description: 'Պատմություններ' },
      ),
  ],
  [
    'markup, quotes, "]]>" twice, tab, newline, CR and a literal &amp; in every text',
    () =>
      context(
        [
          fullItem({
            title: HOSTILE,
            summary: HOSTILE,
            bodyHtml: `<p>${HOSTILE}</p>\n<pre>]]>]]></pre>`,
            categories: [HOSTILE, 'R&D <EU>', ']]>'],
            authors: [{ name: HOSTILE, url: 'https://example.org/a?b=1&c=2' }],
            sharedBy: { name: HOSTILE },
            source: { name: HOSTILE, url: 'https://example.org/?a=1&b="2"', feedUrl: 'https://example.org/feed?x=<1>&y=2' },
            originalLink: 'https://example.org/story?a=1&amp;b=2',
          }),
        ],
        {
          title: HOSTILE,
          description: HOSTILE,
          id: `tag:seeds.example.org,2026:${HOSTILE}`,
          site: site({ publisher: { name: HOSTILE, email: 'desk&co@example.org', url: 'https://example.org/about?a&b' }, hub: 'https://hub.example.org/?a=1&b=<2>' }),
          history: { archive: true, current: { rss: HOSTILE, atom: HOSTILE, json: HOSTILE }, prevArchive: links('archive/1/') },
        },
      ),
  ],
  ['an id with an ampersand, a link to normalize', () => context([bareItem({ id: 'tag:example.org,2026:a&b', link: 'HTTPS://Seeds.Example.org/a b/../c?x=1&y=<2>#frag' })])],
  ['a category, an author name and a sharer that are empty', () => context([fullItem({ categories: ['', 'x'], authors: [{ name: '' }], sharedBy: { name: '' }, source: { name: '', url: 'https://example.org/' } })])],
  ['an empty title and an empty feed title', () => context([fullItem({ title: '' })], { title: '', description: '', id: '' })],
  ['an item with no content at all', () => context([bareItem({ bodyHtml: '' })])],
  ['no content and "xmlns:dc=" in a title', () => context([bareItem({ bodyHtml: '', title: 'About xmlns:dc="…"' })])],
  ['an item without an id: the RSS guid is the link, Atom throws', () => context([bareItem({ id: '' })]), 1],
  ['dates before 1970 and after 9999', () => context([bareItem({ published: new Date('1969-07-20T20:17:40Z'), updated: new Date(Date.UTC(10001, 0, 1)) })])],
  ['a link that is not a URL (RSS and Atom throw, JSON does not check it)', () => context([bareItem({ link: 'not a url' })]), 2],
  ['many items', () => context(Array.from({ length: 30 }, (_, n) => (n % 2 ? fullItem : bareItem)({ id: `tag:x.org,2026:${n}`, title: `Story ${n} & <${n}>` })))],
];

describe('the direct renderers give the feed library’s bytes', () => {
  for (const [name, ctx, throwing = 0] of CASES) {
    it(name, () => expect(expectSameBytes(ctx())).toBe(PAIRS.length - throwing));
  }

  it('an item cached while rendering one feed renders right in another (JSON language follows the feed)', () => {
    const shared = fullItem({ language: 'hy' });
    const english = context([shared, bareItem()]);
    const armenian = context([bareItem(), shared], { site: site({ language: 'hy' }), history: { archive: true, current: links('') } });
    for (const ctx of [english, armenian, english, armenian]) expect(expectSameBytes(ctx)).toBe(PAIRS.length);
  });
});

// ---------------------------------------------------------------------------
// Random items and feeds

/** Pieces of text: the characters the escaping rules treat specially, Armenian, markup look-alikes, and random strings. */
const PIECES = ['&', '<', '>', '"', "'", ']', ']]', ']]>', ']]>]]>', '\t', '\n', '\r', '\r\n', '&amp;', '&lt;', '&#x26;', '<![CDATA[', '<b>', 'xmlns:dc=', ' ', 'Հայաստան', 'Երևան', 'ու', '—', '😀'];
const text = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 }), fc.string({ maxLength: 4, unit: 'grapheme' })), { maxLength: 6 })
  // The model holds no character XML forbids (normalize and the config check remove or reject them).
  .map((parts) => stripXmlForbidden(parts.join('')));
const name = text;
/** Mostly URLs, some needing normalization; rarely not a URL at all, where the reference throws. */
const url = fc.oneof(
  { weight: 30, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 15, arbitrary: fc.constantFrom(BASE, `${BASE}a?b=1&c=2`, 'https://example.org/a b/ա?x="1"&y=<2>', 'HTTPS://Example.ORG:443/./x/../y', 'https://xn--y9a3aq.example/', 'http://[::1]:8080/') },
  { weight: 1, arbitrary: fc.constantFrom('not a url', '') },
);
const optionalUrl = fc.option(url, { nil: undefined, freq: 3 });
const id = fc.oneof(fc.constant('tag:seeds.example.org,2026-11-20:articles/talks'), text.map((t) => `tag:seeds.example.org,2026:${t}`), url);
const date = fc.date({ min: new Date(Date.UTC(-100, 0, 1)), max: new Date(Date.UTC(10100, 0, 1)), noInvalidDate: true });
const language = fc.constantFrom('en', 'hy', 'en-US', '');
const person: fc.Arbitrary<Person> = fc.record({ name, url: optionalUrl, email: fc.option(text, { nil: undefined }) }, { requiredKeys: ['name'] });
const source: fc.Arbitrary<Source> = fc.record({ name, url: optionalUrl, feedUrl: optionalUrl }, { requiredKeys: ['name'] });

const item: fc.Arbitrary<Item> = fc.record({
  id,
  file: fc.constant('seed.txt'),
  title: text,
  summary: fc.option(text, { nil: undefined }),
  bodyHtml: fc.oneof(text.map((t) => `<p>${t}</p>\n`), text, fc.constant('')),
  source: fc.option(source, { nil: undefined }),
  categories: fc.array(text, { maxLength: 4 }),
  authors: fc.array(person, { maxLength: 3 }),
  sharedBy: fc.option(person, { nil: undefined }),
  published: date,
  updated: date,
  link: url,
  path: fc.constant('articles/x.html'),
  originalLink: optionalUrl,
  language,
});

const formatLinks: fc.Arbitrary<FormatLinks> = fc.record({ rss: url, atom: url, json: url });
const history: fc.Arbitrary<FeedHistory | undefined> = fc.option(
  fc.record({ archive: fc.boolean(), current: fc.option(formatLinks, { nil: undefined }), prevArchive: fc.option(formatLinks, { nil: undefined }), nextArchive: fc.option(formatLinks, { nil: undefined }) }, { requiredKeys: ['archive'] }),
  { nil: undefined },
);

/** A feed over some of `pool`, so that items recur across feeds as they do in a build. */
function feedOver(pool: Item[]): fc.Arbitrary<FeedContext> {
  return fc.record({
    site: fc.record({ language, publisher: person, hub: fc.option(url, { nil: undefined, freq: 2 }) }).map((s) => site(s)),
    id: fc.oneof(fc.constant('tag:seeds.example.org,2026-11-01:feed'), text),
    title: text,
    description: text,
    homeUrl: url,
    links: formatLinks,
    history,
    updated: date,
    items: fc.shuffledSubarray(pool),
  });
}

describe('random items and feeds', () => {
  it('every format gives the same bytes, or throws in both', () => {
    const feeds = fc.array(item, { minLength: 1, maxLength: 6 }).chain((pool) => fc.array(feedOver(pool), { minLength: 2, maxLength: 3 }));
    let documents = 0;
    let rendered = 0;
    fc.assert(
      fc.property(feeds, (ctxs) => {
        for (const ctx of ctxs) {
          documents += PAIRS.length;
          rendered += expectSameBytes(ctx);
        }
      }),
      { numRuns: 300 },
    );
    // Not-URLs are rare: most documents must render, or the property compares little but errors.
    expect(rendered / documents).toBeGreaterThan(0.6);
  });
});

describe('a document from the texts of its items (patch runs)', () => {
  it('finds each item of a document as its renderer serializes it, by its id as written, and makes the same document of them', () => {
    // A feed's items have ids of their own, never empty (seedfeed gives every item one).
    const pool = fc.uniqueArray(item.filter((i) => i.id !== ''), { minLength: 1, maxLength: 6, selector: (i) => i.id });
    let found = 0;
    fc.assert(
      fc.property(pool.chain((items) => feedOver(items)), (ctx) => {
        for (const [name, pieces] of Object.entries(FEED_PIECES)) {
          let document: string;
          try {
            document = pieces.document(ctx, ctx.items.map((i) => pieces.item(ctx, i)));
          } catch {
            continue;
          }
          expect(document, name).toBe(FORMATS.find((f) => f.name === name)!.renderMany(ctx));
          const keys = ctx.items.map((i) => pieces.key(i.id));
          const texts = pieces.items(document);
          // Two ids written alike (URLs serialize alike): not taken from the document at all.
          if (new Set(keys).size < keys.length) {
            expect(texts).toBeUndefined();
            continue;
          }
          expect(texts, name).toBeDefined();
          expect([...texts!.keys()].sort()).toEqual([...keys].sort());
          ctx.items.forEach((i, k) => expect(texts!.get(keys[k]!), name).toBe(pieces.item(ctx, i)));
          expect(pieces.document(ctx, keys.map((k) => texts!.get(k)!))).toBe(document);
          found++;
        }
      }),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThan(300);
  });
});

// ---------------------------------------------------------------------------
// A whole build

describe('a build', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps the items it serialized while rendering, and a run lets go of them when it ends (publish and check)', async () => {
    const dir = tempDir();
    const seeds = join(dir, 'seeds');
    writeCorpus(seeds, 60, 1);
    const config = testConfig({ limit: 10 });
    // A build alone keeps what its topic feeds serialized: the memo is not empty by accident below.
    for (const o of build({ seedsDir: seeds, config, now: NOW }).outputs) void o.text;
    expect(fragmentsKept()).toBeGreaterThan(0);

    const report = await publish({ seedsDir: seeds, outDir: join(dir, 'out'), statePath: join(dir, 'state', 'log.json'), config, now: NOW });
    expect(report.written.filter((p) => p.startsWith('categories/')).length).toBeGreaterThan(0);
    expect(fragmentsKept()).toBe(0);

    for (const o of build({ seedsDir: seeds, config, now: NOW }).outputs) void o.text;
    expect(fragmentsKept()).toBeGreaterThan(0);
    const checked = await runCheck({ seeds, config: writeSiteConfig(join(dir, 'seedfeed.config.json'), { limit: 10 }), now: NOW });
    expect(checked.exitCode).toBe(0);
    expect(fragmentsKept()).toBe(0);
  });

  it('renders archive pages and topic feeds directly, with the bytes the feed library gives for the same contexts', () => {
    const seeds = tempDir();
    writeCorpus(seeds, 120, 1);
    cpSync(SAMPLE_SEEDS, join(seeds, 'sample'), { recursive: true });
    for (const dir of ['conformance/seeds', 'hostile/chars', 'hostile/good', 'hostile/html', 'hostile/mail', 'hostile/yaml']) cpSync(join(REPO, 'test', 'fixtures', dir), join(seeds, dir), { recursive: true });
    writeTree(seeds, {
      'hand/armenian.txt': 'Categories: Արցախ, R&D <EU>\n\nԱզատություն: Արցախը կոչ է անում "բանակցությունների" ]]> & ]]>\n\nԼաչինի միջանցքը փակ է & <b>ոչ</b>\n\nՄարմին ]]> ու ]]>։\n\nԷմմա Ջիլավյան:\n',
      'hand/quotes.txt': 'Categories: "Quoted" ]]>, AT&amp;T\n\nAsbarez: A title with xmlns:dc= and \'quotes\' & <tags>\n\nA dek\twith a tab\n\nBody.\n\nAram "The Sharer" Petrosyan:\n',
    });
    const config = testConfig({ limit: 10, archive: { pageSize: 25 }, hub: 'https://hub.example.org/?a=1&b=2' });
    const run = () => build({ seedsDir: seeds, config, now: NOW });

    // Outputs render when read: read each build's texts while its renderers are in place.
    const direct = FORMATS.map((f) => vi.spyOn(f, 'renderMany'));
    const built = run();
    const builtTexts = new Map(built.outputs.map((o) => [o.path, o.text]));
    const directCalls = direct.reduce((n, spy) => n + spy.mock.calls.length, 0);
    vi.restoreAllMocks();
    for (const f of FORMATS) vi.spyOn(f, 'renderMany').mockImplementation((ctx) => f.render(ctx));
    const reference = run();
    const expected = new Map(reference.outputs.map((o) => [o.path, o.text]));
    vi.restoreAllMocks();

    const feedPaths = built.outputs.map((o) => o.path).filter((p) => FORMATS.some((f) => p.split('/').pop() === f.fileName));
    const many = feedPaths.filter((p) => p.includes('/'));
    for (const folder of ['archive/', 'categories/', 'sources/', 'shared-by/']) expect(many.some((p) => p.startsWith(folder)), folder).toBe(true);
    // Every archive page and topic feed went through the direct renderers, the main feed did not.
    expect(directCalls).toBe(many.length);
    expect(many.length).toBe(feedPaths.length - FORMATS.length);

    expect(built.outputs.map((o) => o.path)).toEqual(reference.outputs.map((o) => o.path));
    const differing = built.outputs.filter((o) => builtTexts.get(o.path) !== expected.get(o.path));
    expect(differing.map((o) => o.path)).toEqual([]);
  });
});
