import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runBuild, type BuildCommand } from '../src/cli.js';
import { tempDir, writeTree } from './helpers.js';
import { child, children, parseXml } from './xml.js';

/** A WebSub hub stand-in on 127.0.0.1 that records every publish notice. */
let hub: Server;
let hubUrl: string;
const notices: { mode: string | null; url: string | null; type: string | undefined }[] = [];

beforeAll(async () => {
  hub = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      notices.push({ mode: form.get('hub.mode'), url: form.get('hub.url'), type: req.headers['content-type'] });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`;
});

afterAll(async () => {
  await new Promise((resolve) => hub.close(resolve));
});

const seed = (title: string, category: string) => `Categories: ${category}\n\nAsbarez: ${title}\n\nA dek for the hub test\n\nBody text of the hub test.\n\nHub Tester:\n`;

function site(hubAddress: string, ping: boolean, more: Record<string, unknown> = {}) {
  const dir = tempDir();
  const config = join(dir, 'seedfeed.config.json');
  writeFileSync(config, JSON.stringify({ title: 'Hub test', baseUrl: 'https://seeds.example.org/', hub: hubAddress, ping, ...more }));
  const seeds = writeTree(join(dir, 'seeds'), { 'a.txt': seed('First hub story', 'Alpha'), 'b.txt': seed('Second hub story', 'Beta') });
  const cmd: BuildCommand = { command: 'build', seeds, out: join(dir, 'out'), state: join(dir, 'log.json'), config, quiet: true, dryRun: false, ping: false };
  return { dir, seeds, cmd };
}

describe('WebSub', () => {
  it('announces the hub in every format beside the self link', async () => {
    const { cmd } = site(hubUrl, false);
    await runBuild(cmd);
    const rss = child(parseXml(readFileSync(join(cmd.out, 'feed.xml'), 'utf8')), 'channel')!;
    const rssLinks = children(rss, 'atom:link').map((l) => l.attributes);
    expect(rssLinks).toContainEqual(expect.objectContaining({ rel: 'hub', href: hubUrl }));
    expect(rssLinks).toContainEqual(expect.objectContaining({ rel: 'self', href: 'https://seeds.example.org/feed.xml' }));
    const atomLinks = children(parseXml(readFileSync(join(cmd.out, 'atom.xml'), 'utf8')), 'link').map((l) => l.attributes);
    expect(atomLinks).toContainEqual(expect.objectContaining({ rel: 'hub', href: hubUrl }));
    expect(atomLinks).toContainEqual(expect.objectContaining({ rel: 'self', href: 'https://seeds.example.org/atom.xml' }));
    const json = JSON.parse(readFileSync(join(cmd.out, 'feed.json'), 'utf8'));
    expect(json.hubs).toEqual([{ type: 'WebSub', url: hubUrl }]);
  });

  it('names no hub on archive pages, which no one subscribes to and the hub is never told of; topic feeds name it', async () => {
    const { cmd } = site(hubUrl, false, { archive: { pageSize: 1 } });
    await runBuild(cmd);
    const hubsIn = (prefix: string) => {
      const rss = child(parseXml(readFileSync(join(cmd.out, prefix, 'feed.xml'), 'utf8')), 'channel')!;
      const atom = parseXml(readFileSync(join(cmd.out, prefix, 'atom.xml'), 'utf8'));
      const json = JSON.parse(readFileSync(join(cmd.out, prefix, 'feed.json'), 'utf8'));
      return [children(rss, 'atom:link').filter((l) => l.attributes.rel === 'hub').length, children(atom, 'link').filter((l) => l.attributes.rel === 'hub').length, json.hubs?.length ?? 0];
    };
    for (const page of ['archive/1', 'archive/2']) {
      // Still the archive page it was: marked so, linking the current feed.
      expect(readFileSync(join(cmd.out, page, 'atom.xml'), 'utf8'), page).toContain('<link rel="current"');
      expect(hubsIn(page), page).toEqual([0, 0, 0]);
    }
    for (const feed of ['', 'categories/alpha']) expect(hubsIn(feed), feed).toEqual([1, 1, 1]);
  });

  it('notifies the hub of changed feeds only', async () => {
    const { seeds, cmd } = site(hubUrl, true);
    notices.length = 0;
    const first = await runBuild(cmd);
    expect(first.exitCode).toBe(0);
    expect(notices.every((n) => n.mode === 'publish' && n.type === 'application/x-www-form-urlencoded')).toBe(true);
    const firstUrls = notices.map((n) => n.url).sort();
    expect(firstUrls).toContain('https://seeds.example.org/feed.xml');
    expect(firstUrls).toContain('https://seeds.example.org/categories/alpha/atom.xml');
    expect(firstUrls.some((u) => u!.includes('/archive/'))).toBe(false);
    expect(first.pinged?.sort()).toEqual(firstUrls);

    notices.length = 0;
    const again = await runBuild(cmd);
    expect(again.counts.written).toBe(0);
    expect(notices).toEqual([]);

    // Edit the story in Alpha: the main feeds, Alpha's, the source's and the sharer's change; Beta's do not.
    writeTree(seeds, { 'a.txt': seed('First hub story, corrected', 'Alpha') });
    const third = await runBuild({ ...cmd });
    const urls = notices.map((n) => n.url!);
    expect(third.counts.updated).toBe(1);
    expect(urls).toContain('https://seeds.example.org/categories/alpha/feed.xml');
    expect(urls).toContain('https://seeds.example.org/feed.json');
    expect(urls.some((u) => u.includes('/categories/beta/'))).toBe(false);
  });

  it('warns and still succeeds when the hub is down', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const { cmd } = site(`http://127.0.0.1:${port}/hub`, true);
    const report = await runBuild(cmd);
    expect(report.exitCode).toBe(0);
    expect(report.counts.written).toBeGreaterThan(0);
    const pings = report.diagnostics.filter((d) => d.rule === 'websub-ping');
    expect(pings.length).toBeGreaterThan(0);
    expect(pings.every((d) => d.severity === 'warning')).toBe(true);
    expect(report.pinged ?? []).toEqual([]);
  });
});

