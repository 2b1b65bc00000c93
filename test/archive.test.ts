import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publish } from '../src/index.js';
import { NOW, tempDir, testConfig } from './helpers.js';
import { writeCorpus, seedText, seedName } from './support/corpus.js';
import { child, children, parseXml, type XmlElement } from './xml.js';

const BASE = 'https://seeds.example.org/';
const FH = 'http://purl.org/syndication/history/1.0';

/** A URL of the site to the file under `out`. */
const fileOf = (out: string, url: string) => {
  expect(url.startsWith(BASE)).toBe(true);
  return join(out, decodeURIComponent(url.slice(BASE.length)));
};

function atomLinks(feed: XmlElement): Record<string, string> {
  return Object.fromEntries(children(feed, 'link').map((l) => [l.attributes.rel ?? 'alternate', l.attributes.href!]));
}

function setup(count: number, pageSize: number, limit: number) {
  const seeds = tempDir();
  const out = tempDir();
  const statePath = join(tempDir(), 'log.json');
  writeCorpus(seeds, count, 1);
  const config = testConfig({ limit, archive: { pageSize } });
  const run = (now = NOW) => publish({ seedsDir: seeds, outDir: out, statePath, config, now });
  return { seeds, out, statePath, run };
}

describe('RFC 5005 archived feeds', () => {
  it('walks from the main Atom feed through prev-archive and recovers every item exactly once, in order', async () => {
    // 230 items, pages of 50: four full pages; the 30 after them wait for a fifth, in the main feed (limit 30).
    const { out, run } = setup(230, 50, 30);
    await run();
    const main = parseXml(readFileSync(join(out, 'atom.xml'), 'utf8'));
    expect(children(main, 'entry')).toHaveLength(30);
    expect(main.children.some((c) => c.uri === FH && c.local === 'archive')).toBe(false);

    const pages: string[][] = [];
    let url: string | undefined = atomLinks(main)['prev-archive'];
    const seen = new Set<string>();
    while (url) {
      expect(seen.has(url), `a loop at ${url}`).toBe(false);
      seen.add(url);
      const page = parseXml(readFileSync(fileOf(out, url), 'utf8'));
      const links = atomLinks(page);
      expect(page.children.some((c) => c.uri === FH && c.local === 'archive'), `${url} is marked fh:archive`).toBe(true);
      expect(links.current).toBe(`${BASE}atom.xml`);
      expect(links.self).toBe(url);
      pages.unshift(children(page, 'entry').map((e) => child(e, 'title')!.text));
      url = links['prev-archive'];
    }
    // Full pages only (RFC 5005 section 4: an archive document's entries do not change once published).
    expect(pages.map((p) => p.length)).toEqual([50, 50, 50, 50]);
    expect(existsSync(join(out, 'archive/5'))).toBe(false);
    const titles = [...pages.flatMap((p) => [...p].reverse()), ...children(main, 'entry').map((e) => child(e, 'title')!.text).reverse()];
    // Each seed's title ends in its number; the corpus was published in one run, so the order of first
    // publication is the order of the ids, and within a document entries are newest first.
    expect(new Set(titles).size).toBe(230);
    // Seed n is dated n hours after the first: walking the pages oldest first, then the main feed, gives the seeds in date order.
    const numbers = titles.map((t) => Number(/number (\d+)$/.exec(t)![1]));
    expect(numbers).toEqual(Array.from({ length: 230 }, (_, i) => i));
  });

  it('never changes the entries of a published archive page: the next page appears whole, once full', async () => {
    const { seeds, out, run } = setup(60, 25, 10);
    await run();
    const files = () => new Map(['archive/1/', 'archive/2/'].flatMap((prefix) => ['feed.xml', 'atom.xml', 'feed.json'].map((f) => [prefix + f, existsSync(join(out, prefix + f)) ? readFileSync(join(out, prefix + f), 'utf8') : undefined] as const)));
    const entryIds = (path: string) => children(parseXml(readFileSync(join(out, path), 'utf8')), 'entry').map((e) => child(e, 'id')!.text);
    const before = files();
    expect(entryIds('archive/2/atom.xml')).toHaveLength(25);
    // 60 entries: pages 1 and 2 full, 10 waiting. Adding 14 more leaves 24 waiting: no archive page changes.
    let clock = NOW.getTime();
    for (let n = 60; n < 74; n++) {
      writeFileSync(join(seeds, seedName(n)), seedText(n, 1));
      const report = await run(new Date((clock += 3600_000)));
      expect(report.written.filter((p) => p.startsWith('archive/')), `seed ${n}`).toEqual([]);
    }
    expect(files()).toEqual(before);
    expect(existsSync(join(out, 'archive/3'))).toBe(false);
    // The 75th fills page 3, which appears with its 25 entries; page 2 gains only its next-archive link (JSON Feed
    // links older pages only, through next_url: its page 2 stays as it was).
    writeFileSync(join(seeds, seedName(74)), seedText(74, 1));
    const filled = await run(new Date((clock += 3600_000)));
    expect(filled.written.filter((p) => p.startsWith('archive/')).sort()).toEqual(['archive/2/atom.xml', 'archive/2/feed.xml', 'archive/3/atom.xml', 'archive/3/feed.json', 'archive/3/feed.xml']);
    expect(entryIds('archive/3/atom.xml')).toHaveLength(25);
    expect(entryIds('archive/2/atom.xml')).toEqual(children(parseXml(before.get('archive/2/atom.xml')!), 'entry').map((e) => child(e, 'id')!.text));
    expect(atomLinks(parseXml(readFileSync(join(out, 'archive/2/atom.xml'), 'utf8')))['next-archive']).toBe(`${BASE}archive/3/atom.xml`);
    expect(atomLinks(parseXml(readFileSync(join(out, 'atom.xml'), 'utf8')))['prev-archive']).toBe(`${BASE}archive/3/atom.xml`);
  });

  it('links neighbours both ways and follows the same chain in RSS and, through next_url, in JSON Feed', async () => {
    const { out, run } = setup(120, 50, 10);
    await run();
    // RSS: atom:link rel="prev-archive" in the channel.
    const rssLinks = (file: string) => Object.fromEntries(children(child(parseXml(readFileSync(file, 'utf8')), 'channel')!, 'atom:link').map((l) => [l.attributes.rel!, l.attributes.href!]));
    const chain: string[] = [];
    let rss: string | undefined = rssLinks(join(out, 'feed.xml'))['prev-archive'];
    while (rss) {
      chain.push(rss);
      const links = rssLinks(fileOf(out, rss));
      expect(links.current).toBe(`${BASE}feed.xml`);
      rss = links['prev-archive'];
    }
    expect(chain).toEqual([2, 1].map((n) => `${BASE}archive/${n}/feed.xml`));
    expect(rssLinks(join(out, 'archive/1/feed.xml'))['next-archive']).toBe(`${BASE}archive/2/feed.xml`);
    expect(rssLinks(join(out, 'archive/2/feed.xml'))['next-archive']).toBeUndefined();
    expect(readFileSync(join(out, 'archive/1/feed.xml'), 'utf8')).toMatch(/<fh:archive xmlns:fh="http:\/\/purl.org\/syndication\/history\/1.0"\/>/);

    const ids = new Set<string>();
    let json: string | undefined = `${BASE}feed.json`;
    let documents = 0;
    while (json) {
      const doc = JSON.parse(readFileSync(fileOf(out, json), 'utf8')) as { items: { id: string }[]; next_url?: string };
      if (documents > 0) for (const item of doc.items) {
        expect(ids.has(item.id)).toBe(false);
        ids.add(item.id);
      }
      documents++;
      json = doc.next_url;
    }
    // The main feed, then the two full pages: the 20 entries after them wait for a third.
    expect(documents).toBe(3);
    expect(ids.size).toBe(100);
  });

  it('rewrites only the main feed and the new item\'s topic feeds when one seed is added, no archive page', async () => {
    const { seeds, out, run } = setup(75, 50, 10);
    await run();
    const mtimes = new Map<string, number>();
    const first = await run();
    expect(first.counts.written).toBe(0);
    for (const p of first.written.concat(readOutputs(out))) mtimes.set(p, statSync(join(out, p)).mtimeMs);

    // Seed 75: same category, source and sharer scheme as the corpus.
    writeFileSync(join(seeds, seedName(75)), seedText(75, 1));
    const later = new Date(NOW.getTime() + 3600_000);
    const second = await run(later);
    const written = new Set(second.written);
    const text = seedText(75, 1);
    const category = /^Categories: ([^,\n]+)/m.exec(text)![1]!;
    const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const source = slug(/^([^:\n]+): /m.exec(text.split('\n\n')[1]!)![1]!);
    const sharer = slug(text.trim().split('\n').pop()!.replace(/:$/, ''));
    const feedsOf = (prefix: string) => ['feed.xml', 'atom.xml', 'feed.json'].map((f) => prefix + f);
    const allowedFeeds = new Set([...feedsOf(''), ...feedsOf(`categories/${category}/`), ...feedsOf('categories/corpus/'), ...feedsOf(`sources/${source}/`), ...feedsOf(`shared-by/${sharer}/`)]);
    for (const p of feedsOf('')) expect(written.has(p), p).toBe(true);
    for (const p of written) {
      if (/\.(xml|json)$/.test(p)) expect(allowedFeeds.has(p), `${p} should not change`).toBe(true);
    }
    // The only page, full, is untouched; the 26 entries after it wait for a second.
    for (const p of feedsOf('archive/1/')) expect(statSync(join(out, p)).mtimeMs).toBe(mtimes.get(p));
    expect(existsSync(join(out, 'archive/2'))).toBe(false);
  });
});

function readOutputs(out: string): string[] {
  return ['feed.xml', 'atom.xml', 'feed.json', 'archive/1/feed.xml', 'archive/1/atom.xml', 'archive/1/feed.json'].filter((p) => {
    try {
      statSync(join(out, p));
      return true;
    } catch {
      return false;
    }
  });
}
