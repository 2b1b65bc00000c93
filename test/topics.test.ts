import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { publish, build } from '../src/index.js';
import { topicsOf } from '../src/topics.js';
import { NOW, tempDir, testConfig, writeTree } from './helpers.js';
import { writeCorpus, seedText } from './support/corpus.js';
import { child, children, descendants, parseXml } from './xml.js';

const seed = (headline: string, extra: { categories?: string; sharer?: string } = {}) =>
  [extra.categories ? `Categories: ${extra.categories}\n` : '', `${headline}\n\nA dek line\n\nA body paragraph written for this test.\n\n${extra.sharer ?? 'Test Sharer'}:\n`].join('');

function rssItems(file: string) {
  const channel = child(parseXml(readFileSync(file, 'utf8')), 'channel')!;
  return { channel, items: children(channel, 'item') };
}

describe('topic feeds', () => {
  it('has one feed per category, source and sharer whose items match the seeds (1,000 seeds)', async () => {
    const seeds = tempDir();
    const out = tempDir();
    const count = 1000;
    writeCorpus(seeds, count, 1);
    const report = await publish({ seedsDir: seeds, outDir: out, statePath: join(tempDir(), 'log.json'), config: testConfig({ limit: 2000 }), now: NOW });
    expect(report.counts.published).toBe(count);

    // What each topic should hold, counted from the seed texts themselves.
    const expected = new Map<string, number>();
    const bump = (k: string) => expected.set(k, (expected.get(k) ?? 0) + 1);
    for (let n = 0; n < count; n++) {
      const text = seedText(n, 1);
      for (const c of /^Categories: (.*)$/m.exec(text)![1]!.split(',')) bump(`categories/${c.trim()}`);
      bump(`sources/${/^\n?([^:\n]+): /m.exec(text.split('\n\n')[1]!)![1]!.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`);
      bump(`shared-by/${text.trim().split('\n').pop()!.replace(/:$/, '').toLowerCase().replace(/ /g, '-')}`);
    }
    expect(expected.size).toBeGreaterThan(40);
    for (const [topic, n] of expected) {
      for (const format of ['feed.xml', 'atom.xml', 'feed.json']) expect(existsSync(join(out, topic, format)), `${topic}/${format}`).toBe(true);
      expect(rssItems(join(out, topic, 'feed.xml')).items, topic).toHaveLength(n);
      const atom = parseXml(readFileSync(join(out, topic, 'atom.xml'), 'utf8'));
      expect(children(atom, 'entry'), topic).toHaveLength(n);
      const json = JSON.parse(readFileSync(join(out, topic, 'feed.json'), 'utf8')) as { items: unknown[] };
      expect(json.items, topic).toHaveLength(n);
    }
  });

  it('gives each topic feed its own title, self link and alternate link', async () => {
    const seeds = writeTree(tempDir(), { 'a.txt': seed('Asbarez: First story of the topic test', { categories: 'Politics' }) });
    const out = tempDir();
    await publish({ seedsDir: seeds, outDir: out, statePath: join(tempDir(), 'log.json'), config: testConfig({ title: 'Test feed' }), now: NOW });
    const { channel } = rssItems(join(out, 'sources/asbarez/feed.xml'));
    expect(child(channel, 'title')!.text).toBe('Asbarez - Test feed');
    expect(child(channel, 'link')!.text).toBe('https://seeds.example.org/sources/asbarez/');
    const self = children(channel, 'atom:link').find((l) => l.attributes.rel === 'self');
    expect(self?.attributes.href).toBe('https://seeds.example.org/sources/asbarez/feed.xml');
    const atom = parseXml(readFileSync(join(out, 'categories/politics/atom.xml'), 'utf8'));
    expect(child(atom, 'title')!.text).toBe('Politics - Test feed');
    const links = children(atom, 'link');
    expect(links.find((l) => l.attributes.rel === 'self')?.attributes.href).toBe('https://seeds.example.org/categories/politics/atom.xml');
    expect(links.find((l) => l.attributes.rel === 'alternate')?.attributes.href).toBe('https://seeds.example.org/categories/politics/');
    const json = JSON.parse(readFileSync(join(out, 'shared-by/test-sharer/feed.json'), 'utf8'));
    expect(json.title).toBe('Shared by Test Sharer - Test feed');
    expect(json.feed_url).toBe('https://seeds.example.org/shared-by/test-sharer/feed.json');
  });

  it('keeps any script in slugs and never lets two names share a path', async () => {
    const seeds = writeTree(tempDir(), {
      'a.txt': seed('Ազատություն: Հայերեն վերնագիր', { categories: 'Մշակույթ, R&D' }),
      'b.txt': seed('Asbarez: A second story', { categories: 'R-D, r&d' }),
    });
    const out = tempDir();
    await publish({ seedsDir: seeds, outDir: out, statePath: join(tempDir(), 'log.json'), config: testConfig(), now: NOW });
    expect(existsSync(join(out, 'categories/մշակույթ/feed.xml'))).toBe(true);
    expect(existsSync(join(out, 'sources/ազատություն/feed.xml'))).toBe(true);
    // "R&D" and "R-D" both slugify to "r-d"; "r&d" is the same category as "R&D" (case is ignored).
    const rd = rssItems(join(out, 'categories/r-d/feed.xml'));
    const rd2 = rssItems(join(out, 'categories/r-d-2/feed.xml'));
    const titles = (f: { channel: ReturnType<typeof child> }) => child(f.channel!, 'title')!.text;
    expect([titles(rd), titles(rd2)].sort()).toEqual(['R&D - Test feed', 'R-D - Test feed']);
    const rdItems = rd.items.length + rd2.items.length;
    expect(rdItems).toBe(3);
    // The Armenian topic's URL is percent-encoded in the feed, as URLs must be.
    const self = children(rssItems(join(out, 'categories/մշակույթ/feed.xml')).channel, 'atom:link')[0]!.attributes.href!;
    expect(self).toBe(`https://seeds.example.org/categories/${encodeURIComponent('մշակույթ')}/feed.xml`);
  });

  it('keeps a topic slug when a new name that slugifies alike and sorts first appears', async () => {
    const config = testConfig();
    const first = writeTree(tempDir(), { 'b.txt': seed('Asbarez: Story one', { categories: 'R-D' }) });
    const one = build({ seedsDir: first, config, now: NOW });
    const before = topicsOf(one.items, ['category'], one.log.topics).topics.find((t) => t.name === 'R-D')!;
    expect(before.slug).toBe('r-d');
    writeTree(first, { 'a.txt': seed('Asbarez: Story two', { categories: 'R D' }) });
    const two = build({ seedsDir: first, config, now: NOW, log: one.log });
    const after = topicsOf(two.items, ['category'], two.log.topics).topics;
    expect(after.find((t) => t.name === 'R-D')!.slug).toBe('r-d');
    expect(after.find((t) => t.name === 'R D')!.slug).toBe('r-d-2');
  });

  it('takes a name composed one way or another (Unicode NFC, NFD) and in any case for one topic; a slug given under an older key stays', async () => {
    const config = testConfig();
    const nfc = 'Caf\u00e9';
    const nfd = 'Cafe\u0301';
    const dir = writeTree(tempDir(), {
      'a.txt': seed('Asbarez: Story one', { categories: nfc }),
      'b.txt': seed('Asbarez: Story two', { categories: nfd }),
      'c.txt': seed('Asbarez: Story three', { categories: 'CAF\u00c9' }),
      // One seed naming it three ways: one category, the story listed once.
      'd.txt': seed('Asbarez: Story four', { categories: `${nfc}, ${nfd}, CAFE\u0301` }),
    });
    const result = build({ seedsDir: dir, config, now: NOW });
    expect(result.items.find((i) => i.title === 'Story four')!.categories).toEqual([nfc]);
    const cafes = topicsOf(result.items, ['category'], result.log.topics).topics;
    expect(cafes.map((t) => [t.slug, t.items.length])).toEqual([['café', 4]]);
    const channel = child(parseXml(result.outputs.find((o) => o.path === 'categories/café/feed.xml')!.text), 'channel')!;
    const ids = children(channel, 'item').map((i) => child(i, 'guid')!.text);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(result.outputs.filter((o) => o.path.startsWith('categories/') && o.path.endsWith('/feed.xml')).map((o) => o.path)).toEqual(['categories/café/feed.xml']);
    // A log written when the two spellings were two topics: each known key keeps its place, the composed one its slug.
    const older = { 'category:cafe\u0301': 'café-2', 'category:caf\u00e9': 'café', 'source:asbarez': 'asbarez' };
    const merged = topicsOf(result.items, ['category'], older);
    expect(merged.topics.map((t) => [t.slug, t.items.length])).toEqual([['café', 4]]);
    expect(merged.known).toEqual({ 'category:caf\u00e9': 'café', 'source:asbarez': 'asbarez' });
    // Only the decomposed key known: its feed stays where it was.
    expect(topicsOf(result.items, ['category'], { 'category:cafe\u0301': 'cafe-old' }).topics.map((t) => t.slug)).toEqual(['cafe-old']);
  });

  it('keeps the name of a topic whose last story went, as its stories wrote it; a log from before names were kept gives its key', async () => {
    const config = testConfig();
    const dir = writeTree(tempDir(), {
      'a.txt': seed('Asbarez: Story one', { categories: 'Zebra Crossings' }),
      'b.txt': seed('Asbarez: Story two', { categories: 'Harbour' }),
    });
    const first = build({ seedsDir: dir, config, now: NOW });
    expect(first.log.topicNames).toMatchObject({ 'category:zebra crossings': 'Zebra Crossings', 'category:harbour': 'Harbour' });
    rmSync(join(dir, 'a.txt'));
    const second = build({ seedsDir: dir, config, now: NOW, log: first.log });
    const title = (result: ReturnType<typeof build>) => child(parseXml(result.outputs.find((o) => o.path === 'categories/zebra-crossings/atom.xml')!.text), 'title')!.text;
    expect(title(second)).toBe('Zebra Crossings - Test feed');
    expect(second.log.topicNames!['category:zebra crossings']).toBe('Zebra Crossings');
    const { topicNames: _names, ...older } = first.log;
    expect(title(build({ seedsDir: dir, config, now: NOW, log: older }))).toBe('zebra crossings - Test feed');
  });

  it('writes only the kinds of topic feed the config asks for', async () => {
    const seeds = writeTree(tempDir(), { 'a.txt': seed('Asbarez: Story', { categories: 'One' }) });
    const result = build({ seedsDir: seeds, config: testConfig({ topics: { categories: true, sources: false, sharedBy: false } }), now: NOW });
    const paths = result.outputs.map((o) => o.path);
    expect(paths).toContain('categories/one/feed.xml');
    expect(paths.some((p) => p.startsWith('sources/'))).toBe(false);
    expect(paths.some((p) => p.startsWith('shared-by/'))).toBe(false);
  });

  it('keeps the feed of a topic whose last item was removed, empty, at the same URL', async () => {
    const seeds = writeTree(tempDir(), { 'a.txt': seed('Asbarez: Only story in Lonely', { categories: 'Lonely' }), 'b.txt': seed('Asbarez: Another story') });
    const config = testConfig();
    const one = build({ seedsDir: seeds, config, now: NOW });
    expect(one.outputs.map((o) => o.path)).toContain('categories/lonely/feed.xml');
    writeTree(seeds, { 'a.txt': seed('Asbarez: Only story in Lonely, recategorized', { categories: 'Other' }) });
    const two = build({ seedsDir: seeds, config, now: NOW, log: one.log });
    const lonely = two.outputs.find((o) => o.path === 'categories/lonely/feed.xml');
    expect(lonely).toBeDefined();
    expect(descendants(parseXml(lonely!.text), 'item')).toHaveLength(0);
  });
});

describe('a seed naming more categories than a story has', () => {
  it('keeps the first 50, with a warning naming the file, the line and the rule: its topic feeds stay 50', () => {
    const names = Array.from({ length: 400 }, (_, i) => `Theme ${i + 1}`);
    const seedsDir = writeTree(tempDir(), {
      'many.txt': `Date: 2023-01-01\nCategories: ${names.join(', ')}\n\nAsbarez: A Story Filed Under Four Hundred Themes\n\nThe body.\n`,
    });
    const result = build({ seedsDir, config: testConfig(), now: NOW, displayRoot: 'seeds' });
    expect(result.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}: ${d.message}`)).toEqual(['seeds/many.txt:2 warning too-many-categories: the seed names 400 categories; the first 50 are kept']);
    expect(result.items[0]!.categories).toEqual(names.slice(0, 50));
    const categoryFeeds = result.outputs.filter((o) => o.path.startsWith('categories/') && o.path.endsWith('/feed.xml'));
    expect(categoryFeeds.map((o) => o.path).sort()).toEqual(names.slice(0, 50).map((n) => `categories/${n.toLowerCase().replace(' ', '-')}/feed.xml`).sort());
    const item = children(child(parseXml(categoryFeeds[0]!.text), 'channel')!, 'item')[0]!;
    expect(children(item, 'category').map((c) => c.text)).toEqual(names.slice(0, 50));
  });
});
