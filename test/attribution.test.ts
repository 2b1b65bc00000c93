/**
 * Who a story is credited to, when a seed says it in more than one way: a
 * `Source:` header beside a headline prefix, a name written with its mail
 * address, a source address that is none beside the configured one.
 */
import { describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { NOW, tempDir, testConfig, writeTree } from './helpers.js';
import { child, children, parseXml } from './xml.js';

function buildSeeds(seeds: Record<string, string>): BuildResult {
  return build({ seedsDir: writeTree(tempDir(), seeds), config: testConfig(), now: NOW, displayRoot: 'seeds' });
}

function diagnosticsOf(result: BuildResult): string[] {
  return result.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}`).sort();
}

/** The RSS items of the main feed by title: what a reader lists. */
function rssItems(result: BuildResult): Map<string, ReturnType<typeof parseXml>> {
  const rss = parseXml(result.outputs.find((o) => o.path === 'feed.xml')!.text);
  return new Map(children(child(rss, 'channel')!, 'item').map((i) => [child(i, 'title')!.text, i]));
}

describe('a Source: header beside a headline that reads "Prefix: Title"', () => {
  const result = buildSeeds({
    'speaker.txt': 'Source: Asbarez\n\nPashinyan: We Are Ready for Talks Again\n\nThe body.\n',
    'same.txt': 'Source: asbarez\n\nAsbarez: A Headline Naming Its Own Source\n\nThe body.\n',
    'other.txt': 'Source: Asbarez\n\nThe Armenian Weekly: A Headline Naming Another Paper\n\nThe body.\n',
    'plain.txt': 'Pashinyan: A Headline Without a Header\n\nThe body.\n',
  });

  it('keeps a prefix that is not the source in the title, and takes off one that is', () => {
    expect(result.items.map((i) => [i.title, i.source?.name]).sort()).toEqual([
      ['A Headline Naming Its Own Source', 'Asbarez'],
      ['A Headline Without a Header', 'Pashinyan'],
      ['Pashinyan: We Are Ready for Talks Again', 'Asbarez'],
      ['The Armenian Weekly: A Headline Naming Another Paper', 'Asbarez'],
    ]);
  });

  it('shows the whole headline in the feeds, credited to the header\'s source', () => {
    const item = rssItems(result).get('Pashinyan: We Are Ready for Talks Again')!;
    expect(child(item, 'dc:creator')!.text).toBe('Asbarez');
    expect(child(item, 'source')!.text).toBe('Asbarez');
    const atom = children(parseXml(result.outputs.find((o) => o.path === 'atom.xml')!.text), 'entry');
    expect(atom.map((e) => child(e, 'title')!.text)).toContain('Pashinyan: We Are Ready for Talks Again');
  });
});

describe('a byline or sharer written with a mail address', () => {
  const result = buildSeeds({
    'mailbox.txt': 'Author: "Ani Petrosyan" <ani@example.org>\nShared-By: Emma Jilavian <emma@example.org>\n\nAsbarez: A Story Shared With an Address\n\nThe body.\n',
    'bare.txt': 'Asbarez: A Story Shared by Name\n\nThe body.\n\nEmma Jilavian:\n',
    'front.md': '---\ntitle: Front Matter With an Address\nsource: Asbarez\nshared_by: Emma Jilavian <emma@example.org>\n---\nThe body.\n',
  });

  it('publishes the name alone, with a warning naming the file, the line and the rule', () => {
    expect(diagnosticsOf(result)).toEqual(['seeds/front.md:4 warning person-address', 'seeds/mailbox.txt:1 warning person-address', 'seeds/mailbox.txt:2 warning person-address']);
    expect(result.diagnostics.find((d) => d.file === 'seeds/mailbox.txt' && d.line === 2)!.message).toBe('the sharer "Emma Jilavian <emma@example.org>" holds a mail address; only the name "Emma Jilavian" is published');
    for (const path of ['feed.xml', 'atom.xml', 'feed.json']) expect(result.outputs.find((o) => o.path === path)!.text, path).not.toContain('example.org>');
    expect(child(rssItems(result).get('A Story Shared With an Address')!, 'dc:creator')!.text).toBe('Ani Petrosyan');
  });

  it('is one sharer, with one topic feed, whether the address is written or not', () => {
    const sharerFeeds = result.outputs.filter((o) => o.path.startsWith('shared-by/') && o.path.endsWith('/feed.xml'));
    expect(sharerFeeds.map((o) => o.path)).toEqual(['shared-by/emma-jilavian/feed.xml']);
    const titles = children(child(parseXml(sharerFeeds[0]!.text), 'channel')!, 'item').map((i) => child(i, 'title')!.text).sort();
    expect(titles).toEqual(['A Story Shared With an Address', 'A Story Shared by Name', 'Front Matter With an Address']);
  });
});

describe('a byline or sharer written as an address alone, or with the name in a comment', () => {
  const result = buildSeeds({
    'comment.txt': 'Author: ani@example.org (Ani Petrosyan)\nShared-By: emma@example.org (Emma Jilavian)\n\nAsbarez: A Story With Names in Comments\n\nThe body.\n',
    'address.txt': 'Author: <garo@example.org>\nShared-By: john@example.org\n\nAsbarez: A Story Shared by an Address\n\nThe body.\n',
  });

  it('publishes the name of the comment, and no address, each with a warning', () => {
    expect(diagnosticsOf(result)).toEqual(['seeds/address.txt:1 warning person-address', 'seeds/address.txt:2 warning person-address', 'seeds/comment.txt:1 warning person-address', 'seeds/comment.txt:2 warning person-address']);
    expect(result.diagnostics.find((d) => d.file === 'seeds/address.txt' && d.line === 2)!.message).toBe('the sharer "john@example.org" is a mail address without a name; it is not published. Write the person\'s name');
    for (const path of ['feed.xml', 'atom.xml', 'feed.json']) expect(result.outputs.find((o) => o.path === path)!.text, path).not.toContain('@example.org');
    const json = JSON.parse(result.outputs.find((o) => o.path === 'feed.json')!.text) as { items: { title: string; _shared_by?: { name: string }; authors?: { name: string }[] }[] };
    const byTitle = new Map(json.items.map((i) => [i.title, i]));
    expect(byTitle.get('A Story With Names in Comments')!._shared_by).toMatchObject({ name: 'Emma Jilavian' });
    expect(byTitle.get('A Story With Names in Comments')!.authors?.map((a) => a.name)).toContain('Ani Petrosyan');
    expect(byTitle.get('A Story Shared by an Address')!._shared_by).toBeUndefined();
    expect(result.outputs.filter((o) => o.path.startsWith('shared-by/') && o.path.endsWith('/feed.xml')).map((o) => o.path)).toEqual(['shared-by/emma-jilavian/feed.xml']);
  });
});

describe('a byline that only looks like an address at first', () => {
  it('is kept as written, in time linear in its length (300,000 dots after an @)', () => {
    const byline = `a@${'.'.repeat(300_000)}@`;
    const result = buildSeeds({ 'dots.txt': `Author: ${byline}\n\nAsbarez: A Story With a Strange Byline\n\nThe body.\n` });
    expect(result.diagnostics.filter((d) => d.rule === 'person-address')).toEqual([]);
    const json = JSON.parse(result.outputs.find((o) => o.path === 'feed.json')!.text) as { items: { authors?: { name: string }[] }[] };
    expect(json.items[0]!.authors?.map((a) => a.name)).toContain(byline);
  });
});

describe('a source address in a seed that is no address', () => {
  const result = buildSeeds({
    'bad-url.txt': 'Source-URL: javascript:alert(2)\n\nAsbarez: A Source Address That Is None\n\nThe body.\n',
    'unknown.txt': 'Source-URL: not a url\n\nValley Courier: An Unknown Source Without an Address\n\nThe body.\n',
  });

  it('gives way to the configured one, with a warning saying so', () => {
    const known = result.items.find((i) => i.title === 'A Source Address That Is None')!;
    expect(known.source).toEqual({ name: 'Asbarez', url: 'https://asbarez.com/', feedUrl: 'https://asbarez.com/feed/' });
    expect(result.diagnostics.find((d) => d.file === 'seeds/bad-url.txt')!.message).toBe('source url "javascript:alert(2)" is not an absolute http(s) URL; the configured https://asbarez.com/ is used');
    const item = rssItems(result).get('A Source Address That Is None')!;
    expect(child(item, 'content:encoded')!.text).toContain('Originally published by <a href="https://asbarez.com/">Asbarez</a>.');
  });

  it('is left out when no source address is configured', () => {
    expect(result.items.find((i) => i.title === 'An Unknown Source Without an Address')!.source).toEqual({ name: 'Valley Courier' });
    expect(result.diagnostics.find((d) => d.file === 'seeds/unknown.txt')!.message).toBe('source url "not a url" is not an absolute http(s) URL; it is left out');
  });
});

describe('a seed naming other addresses for a configured source', () => {
  const result = buildSeeds({
    'other.md': '---\ntitle: A Seed With Its Own Addresses for Asbarez\ndate: 2023-05-02\nsource:\n  name: Asbarez\n  url: https://elsewhere.example/\n  feed: https://elsewhere.example/feed\n---\nThe body.\n',
    'header.txt': 'Date: 2023-05-01\nSource-URL: https://elsewhere.example/\n\nAsbarez: A Header Naming Another Home Page\n\nThe body.\n',
  });

  it('keeps the configured ones, in every story and on the source\'s page, with a warning for each', () => {
    for (const item of result.items) expect(item.source, item.title).toEqual({ name: 'Asbarez', url: 'https://asbarez.com/', feedUrl: 'https://asbarez.com/feed/' });
    expect(diagnosticsOf(result)).toEqual(['seeds/header.txt:2 warning source-configured', 'seeds/other.md:4 warning source-configured', 'seeds/other.md:4 warning source-configured']);
    expect(result.diagnostics.find((d) => d.file === 'seeds/header.txt')!.message).toBe('source url "https://elsewhere.example/" is not the configured https://asbarez.com/ of Asbarez; the configured one is used. Change it in the config');
    for (const o of result.outputs.filter((o) => o.kind === 'xml' || o.kind === 'json' || o.kind === 'html')) expect(o.text, o.path).not.toContain('elsewhere.example');
    expect(result.outputs.find((o) => o.path === 'sources/asbarez/index.html')!.text).toContain('<a href="https://asbarez.com/">');
  });
});
