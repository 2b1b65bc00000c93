import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publish } from '../src/index.js';
import { startServer } from '../src/serve.js';
import { NOW, tempDir, testConfig, writeTree } from './helpers.js';
import { TOOLS, needTools } from './tools.js';
import { newsboatReload } from './support/newsboat.js';
import { child, children, descendants, parseXml } from './xml.js';

const seed = (source: string, title: string, categories: string, sharer: string) =>
  `Categories: ${categories}\n\n${source}: ${title}\n\nA dek for the subscription list test\n\nA body paragraph.\n\n${sharer}:\n`;

let server: Server;
let base = '';
let out = '';

beforeAll(async () => {
  out = tempDir();
  server = await startServer({ root: out, host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const seeds = writeTree(tempDir(), {
    'a.txt': seed('Asbarez', 'Orchard cooperative elects a new board', 'Farming, Villages', 'Ani Test'),
    'b.txt': seed('Hetq', 'Night train timetable changes in spring', 'Transport', 'Ani Test'),
    'c.txt': seed('Civilnet', 'Choir from the valley tours three towns', 'Music, Villages', 'Levon Test'),
  });
  await publish({ seedsDir: seeds, outDir: out, statePath: join(tempDir(), 'log.json'), config: testConfig({ baseUrl: base, title: 'OPML test' }), now: NOW });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function outlines() {
  const opml = parseXml(readFileSync(join(out, 'feeds.opml'), 'utf8'));
  expect(opml.name).toBe('opml');
  expect(opml.attributes.version).toBe('2.0');
  // The title alone in the head: the W3C validator calls OPML 2.0's <docs> an undefined head element.
  expect(child(opml, 'head')!.children.map((c) => `${c.name}: ${c.text}`)).toEqual(['title: OPML test']);
  return children(child(opml, 'body')!, 'outline');
}

describe('OPML 2.0 subscription list', () => {
  it('lists the main feed and every topic feed, grouped, each once', async () => {
    const groups = Object.fromEntries(outlines().map((g) => [g.attributes.text!, children(g, 'outline').map((o) => o.attributes)]));
    expect(Object.keys(groups)).toEqual(['All stories', 'Categories', 'Sources', 'Shared by']);
    expect(groups['All stories']!.map((o) => o.xmlUrl)).toEqual([`${base}feed.xml`]);
    expect(groups['Categories']!.map((o) => o.text)).toEqual(['Farming - OPML test', 'Music - OPML test', 'Transport - OPML test', 'Villages - OPML test']);
    expect(groups['Sources']!.map((o) => o.xmlUrl)).toEqual(['asbarez', 'civilnet', 'hetq'].map((s) => `${base}sources/${s}/feed.xml`));
    expect(groups['Shared by']!.map((o) => o.htmlUrl)).toEqual([`${base}shared-by/ani-test/`, `${base}shared-by/levon-test/`]);
    for (const o of Object.values(groups).flat()) {
      expect(o.type).toBe('rss');
      // OPML 2.0: "RSS for 0.91, 0.92 or 2.0" (RSS2 is not one of its values).
      expect(o.version).toBe('RSS');
      expect(o.title).toBe(o.text);
      // Every listed feed exists, and is the feed the outline names.
      const file = join(out, decodeURIComponent(o.xmlUrl!.slice(base.length)));
      const channel = child(parseXml(readFileSync(file, 'utf8')), 'channel')!;
      expect(child(channel, 'title')!.text).toBe(o.title);
    }
  });

  it('imports into newsboat, which then fetches every listed feed from 127.0.0.1 without an error', async (ctx) => {
    needTools(ctx, TOOLS.newsboat, TOOLS.sqlite);
    const listed = descendants({ name: 'x', uri: '', local: 'x', attributes: {}, text: '', children: outlines() }, 'outline').filter((o) => o.attributes.xmlUrl).map((o) => o.attributes);
    const stored = await newsboatReload([], { opml: join(out, 'feeds.opml') });
    expect(stored.stderr).not.toMatch(/error/i);
    expect(stored.feeds.map((f) => f.rssurl).sort()).toEqual(listed.map((o) => o.xmlUrl!).sort());
    for (const o of listed) expect(stored.feeds.find((f) => f.rssurl === o.xmlUrl)?.title, o.xmlUrl).toBe(o.title);
    expect(stored.items.map((i) => i.title).sort()).toEqual(['Choir from the valley tours three towns', 'Night train timetable changes in spring', 'Orchard cooperative elects a new board']);
  });
});
