/**
 * Issue 4: property-based fuzzing. Random seeds built from every character
 * class of the issue (XML-forbidden characters, lone surrogates, "]]>",
 * markup, line endings and byte-order marks, mail artifacts, front matter in
 * and out of YAML, bad dates) and random bytes in several encodings. The
 * pipeline never throws, and every output is well-formed XML or a JSON Feed
 * 1.1 that parses.
 *
 * The first property runs the pure pipeline in process (parseSeed, seedMeta,
 * normalizeSeed, the three renderers): 10,000 seeds in a few seconds. The
 * second writes batches of seeds to disk and runs the whole `build()`,
 * discovery, identities, duplicates and every output included.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, mainFeed, renderFeeds, FORMATS } from '../src/index.js';
import { parseSeed } from '../src/parse/index.js';
import { normalizeSeed, seedMeta } from '../src/normalize.js';
import type { Identity } from '../src/identity.js';
import type { Item } from '../src/model.js';
import { hasXmlForbidden } from '../src/text.js';
import { NOW, tempDir, testConfig } from './helpers.js';
import { parseXml } from './xml.js';

/** Override with SEEDFEED_FUZZ_RUNS to fuzz longer; SEEDFEED_FUZZ_SEED replays a failure. */
const RUNS = Number(process.env.SEEDFEED_FUZZ_RUNS ?? 10_000);
const REPLAY = process.env.SEEDFEED_FUZZ_SEED ? { seed: Number(process.env.SEEDFEED_FUZZ_SEED) } : {};

const FORBIDDEN = ['\x00', '\x01', '\x07', '\x08', '\x0B', '\x0C', '\x0E', '\x1B', '\x1F', '\uFFFE', '\uFFFF'];
const SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE00'];
const XML_SPECIAL = [']]>', ']]>]]>', ']]', '<![CDATA[', '&', '&amp;', '<', '>', '"', "'", '&#1;', '&#xFFFF;', '&#xD800;', '&#0;', '&bogus;', '\uFFFFa', '\uFFFFr'];
const LINE_ENDINGS = ['\n', '\r\n', '\r', '\n\n', '\r\r', '\uFEFF', '\u00A0', '\u2028', '\u2029', '\u0085', '\t', '   '];
const MARKUP = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="../up.html">up</a>',
  '<a href="#frag">f</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<style>p{}</style>',
  '<object data=x></object>',
  '<img src="data:image/png;base64,AAAA">',
  '[md](javascript:alert(1))',
  '<!-- comment -->',
  '```\ncode\n```',
  '# Heading',
  '> quote',
  '* item',
  '<div>',
  '</p>',
];
const MAIL = ['=20', '=3D', '=E2=80=99', '=C3=A9', '=E9', '=e2=80', '=', '=\n', '=?UTF-8?Q?Caf=C3=A9?=', '=?utf-8?B?Q2Fmw6k=?=', '=?x-bad?Q?a?=', '=?UTF-8?Q?cut', 'â€™', 'Ã©', 'â€', 'â€\uFFFD', 'Õ€Õ¡', 'Ã¢â‚¬â„¢', '_expression_'];
const HEADERS = [
  'Categories: 2023, ]]>, R&D <x>',
  'Tags: a,,b',
  'Date: 2023-02-30',
  'Date: 03/04/2023',
  'Date: 2023-03-02T10:00:00+25:00',
  'Date: 0050-01-01',
  'Date: 9999-12-31T23:59:59-14:00',
  'Date: Thu, 02 Mar 2023 10:00:00 +0000',
  'Date: 2099-01-01',
  'Id: tag:example.org,2023:x',
  'Id: javascript:alert(1)',
  'Link: javascript:alert(1)',
  'Link: https://example.org/a?b=1&c=<2>',
  'Source: R&D ]]> "Weekly"',
  'Source-URL: data:text/html,x',
  'Author: <b>Someone</b>',
  'Shared-By: ]]>',
  'Language: not a tag',
];
const FRONT_MATTER_LINES = [
  'title: 1984',
  'title: "]]> & <b> \\x01 \\uD800 \\uFFFF"',
  'title: [a, b]',
  'date: 2023-02-30',
  'date: 2023-03-02',
  'date: 20230302',
  'draft: true',
  'draft: "yes"',
  'a: &a [x, x]',
  'b: *a',
  'source: {name: "R&D", url: "javascript:x", feed: "https://example.org/feed"}',
  'source: 7',
  'categories: [1, "]]>", {a: b}]',
  'tags: "x, y"',
  'link: "https://example.org/?a=1&b=2"',
  'id: tag:example.org,2023:y',
  'summary: "=?UTF-8?Q?caf=C3=A9?="',
  '__proto__: {polluted: true}',
  ': bad',
  '- list',
];

const words = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });
const anyText = fc.string({ unit: 'binary', maxLength: 8 });
const scripts = fc.constantFrom('Հայաստան', 'Ελληνικά', 'Русский', '中文', 'العربية', '\u200F', '\u0301', '👩‍👩‍👧', 'Ǆ');

const fragment = fc.oneof(
  { weight: 6, arbitrary: words },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: scripts },
  { weight: 2, arbitrary: fc.constantFrom(...FORBIDDEN) },
  { weight: 1, arbitrary: fc.constantFrom(...SURROGATES) },
  { weight: 2, arbitrary: fc.constantFrom(...XML_SPECIAL) },
  { weight: 3, arbitrary: fc.constantFrom(...LINE_ENDINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 2, arbitrary: fc.constantFrom(...MAIL) },
  { weight: 1, arbitrary: fc.constantFrom(': ', 'Meridian Post: ', 'Emma Jilavian:', '.', '?', '”') },
);

const line = fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(''));

/** A seed roughly in the plain-text layout, each part of it possibly broken. */
const plainText = fc
  .record({
    headers: fc.array(fc.constantFrom(...HEADERS), { maxLength: 3 }),
    headline: line,
    dek: fc.option(line, { nil: undefined }),
    body: fc.array(line, { maxLength: 5 }),
    trailer: fc.option(fc.constantFrom('Emma Jilavian:', 'Նարինե:', ']]>:', 'A B C D E F G:'), { nil: undefined }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
  })
  .map(({ headers, headline, dek, body, trailer, eol }) => {
    const blocks = [headers.join(eol), headline, dek, ...body, trailer].filter((b): b is string => b !== undefined && b !== '');
    return blocks.join(eol + eol);
  });

/** A front-matter title: any text as a YAML double-quoted scalar (JSON's escapes are YAML's too, lone surrogates included). */
const titleLine = line.map((l) => `title: ${JSON.stringify(l || 'Untitled')}`);

/** Front matter, in YAML or another language, closed or not. */
const anyFrontMatter = fc
  .record({
    open: fc.constantFrom('---', '---', '---yaml', '---js', '---javascript', '--- coffee', '----', '--- Words ---'),
    title: fc.option(titleLine, { nil: undefined }),
    lines: fc.array(fc.oneof(fc.constantFrom(...FRONT_MATTER_LINES), line.map((l) => `summary: ${l}`)), { maxLength: 5 }),
    close: fc.constantFrom('---', '---', '--- x', ''),
  })
  .map(({ open, title, lines, close }) => [open, ...(title ? [title] : []), ...lines, close].join('\n') + '\n');

/** Front matter that reads: a title and a few well-formed keys. */
const goodFrontMatter = fc
  .tuple(titleLine, fc.subarray(['date: 2024-05-01', 'source: Meridian Post', 'categories: [Towns, "R&D"]', 'shared_by: Emma Jilavian', 'link: "https://example.org/a?b=1&c=2"', 'summary: A dek']))
  .map(([title, keys]) => ['---', title, ...keys, '---'].join('\n') + '\n');

const markdownBody = fc.array(fc.oneof(line, fc.constantFrom(...MARKUP)), { maxLength: 8 }).map((lines) => lines.join('\n'));
const fragments = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));

const textFor = {
  txt: fc.oneof(
    { weight: 5, arbitrary: plainText },
    { weight: 2, arbitrary: fc.tuple(fc.oneof(goodFrontMatter, anyFrontMatter), plainText).map(([fm, body]) => fm + body) },
    { weight: 1, arbitrary: fragments },
  ),
  md: fc.oneof(
    { weight: 5, arbitrary: fc.tuple(goodFrontMatter, markdownBody).map(([fm, body]) => fm + body) },
    { weight: 2, arbitrary: fc.tuple(anyFrontMatter, markdownBody).map(([fm, body]) => fm + body) },
    { weight: 1, arbitrary: fragments },
  ),
};

function utf16(s: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const le = Buffer.from(s, 'utf16le');
  if (!littleEndian) for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return bom ? Buffer.concat([Buffer.from(littleEndian ? [0xff, 0xfe] : [0xfe, 0xff]), le]) : le;
}

/** Bytes on disk: UTF-8 (maybe with a BOM or stray bytes), UTF-16, Latin-1-ish, or random. */
function bytesOf(text: fc.Arbitrary<string>): fc.Arbitrary<Buffer | Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: text.map((s) => Buffer.from(s, 'utf8')) },
    { weight: 1, arbitrary: text.map((s) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s, 'utf8')])) },
    { weight: 1, arbitrary: fc.tuple(text, fc.boolean(), fc.boolean()).map(([s, le, bom]) => utf16(s, le, bom)) },
    { weight: 1, arbitrary: text.map((s) => Buffer.from(s, 'latin1')) },
    {
      weight: 1,
      arbitrary: fc.tuple(text, fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.nat()).map(([s, junk, at]) => {
        const b = Buffer.from(s, 'utf8');
        const i = b.length ? at % b.length : 0;
        return Buffer.concat([b.subarray(0, i), junk, b.subarray(i)]);
      }),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  );
}

const seedCase = fc.constantFrom<'txt' | 'md'>('txt', 'md').chain((layout) => bytesOf(textFor[layout]).map((bytes) => ({ layout, bytes })));

const config = testConfig();
const HOST = new URL(config.baseUrl).hostname;

/** What must hold of every published item, whatever the seed held. */
function checkItem(item: Item): void {
  for (const value of [item.title, item.summary, item.bodyHtml, item.source?.name, item.sharedBy?.name, ...item.categories, ...item.authors.map((a) => a.name)]) {
    if (value !== undefined && hasXmlForbidden(value)) throw new Error(`a character XML forbids reached the item: ${JSON.stringify(value)}`);
  }
  if (!item.title) throw new Error('an item without a title');
  for (const date of [item.published, item.updated]) {
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw new Error(`an invalid date reached the item: ${date}`);
  }
  for (const url of [item.link, item.originalLink, item.source?.url, item.source?.feedUrl]) {
    if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`a link that is not absolute http(s): ${url}`);
  }
  if (!/^(tag:|https?:\/\/)/.test(item.id)) throw new Error(`an id that is not a tag: URI or http(s) URL: ${item.id}`);
  // Attributes of real tags only: escaped markup in text ("&lt;a href=...") is text.
  for (const tag of item.bodyHtml.matchAll(/<[a-z][^>]*>/gi)) {
    for (const m of tag[0].matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      if (!/^(https?:|mailto:)/i.test(m[1]!)) throw new Error(`a link in the body that is not http(s) or mailto: ${m[1]}`);
    }
  }
  if (/<(script|style|iframe|object|embed)\b|<[a-z][^>]*\son\w+\s*=/i.test(item.bodyHtml)) throw new Error(`unsafe markup in the body: ${item.bodyHtml}`);
}

function checkOutputs(outputs: readonly { path: string; kind: string; text: string }[], itemCount?: number): void {
  for (const out of outputs) {
    if (out.kind === 'xml') parseXml(out.text);
    else if (out.kind === 'json') {
      const feed = JSON.parse(out.text) as { version?: string; items?: unknown[] };
      if (feed.version !== 'https://jsonfeed.org/version/1.1') throw new Error(`${out.path}: not JSON Feed 1.1 (${feed.version})`);
      if (itemCount !== undefined && feed.items?.length !== itemCount) throw new Error(`${out.path}: ${feed.items?.length} items, expected ${itemCount}`);
    }
  }
}

describe('fuzzing', () => {
  it(`parses, normalizes and renders ${RUNS} random seeds without throwing, always into well-formed feeds`, () => {
    let n = 0;
    fc.assert(
      fc.property(seedCase, ({ bytes, layout }) => {
        n++;
        const file = `seeds/fuzz-${n}.${layout}`;
        const seed = parseSeed(bytes, file, layout, ['Meridian Post']);
        const meta = seedMeta(seed, NOW);
        for (const d of [...seed.diagnostics, ...meta.diagnostics]) {
          if (d.file !== file || !Number.isInteger(d.line) || d.line < 0 || !d.message) throw new Error(`a diagnostic without a place: ${JSON.stringify(d)}`);
        }
        const items: Item[] = [];
        if (meta.ok && seed.fields.draft?.value !== true) {
          const identity: Identity = { id: meta.explicitId ?? `tag:${HOST},2026-11-28:articles/fuzz-${n}`, slug: `fuzz-${n}`, firstPublished: NOW, status: 'new' };
          const { item } = normalizeSeed(seed, meta, identity, config);
          checkItem(item);
          items.push(item);
        }
        const ctx = mainFeed(config, { feedId: `tag:${HOST},2026-11-28:feed`, created: NOW.toISOString() }, items);
        checkOutputs(renderFeeds(ctx, FORMATS), items.length);
      }),
      { numRuns: RUNS, ...REPLAY },
    );
    expect(n).toBeGreaterThanOrEqual(RUNS);
  });

  it('builds folders of random seeds from disk without throwing, every output well-formed', () => {
    const root = tempDir();
    let run = 0;
    let seeds = 0;
    fc.assert(
      fc.property(fc.array(seedCase, { minLength: 1, maxLength: 12 }), (cases) => {
        const dir = join(root, `run-${++run}`);
        mkdirSync(dir);
        cases.forEach(({ bytes, layout }, i) => writeFileSync(join(dir, `seed-${i}.${layout}`), bytes));
        seeds += cases.length;
        const result = build({ seedsDir: dir, config, now: NOW });
        for (const item of result.items) checkItem(item);
        checkOutputs(result.outputs);
        const main = JSON.parse(result.outputs.find((o) => o.path === 'feed.json')!.text) as { items: unknown[] };
        expect(main.items).toHaveLength(Math.min(result.items.length, config.limit));
      }),
      { numRuns: Math.max(1, Math.round(RUNS / 50)), ...REPLAY },
    );
    expect(seeds).toBeGreaterThanOrEqual(Math.round(RUNS / 50));
  });
});
