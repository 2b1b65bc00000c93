import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { publish } from '../src/index.js';
import { NOW, REPO, SAMPLE_SEEDS, tempDir, testConfig } from './helpers.js';
import { http } from './support/http.js';
import { NGINX, TOOLS, assertTools, needTools, skipWithout } from './tools.js';
import { newsboatReload } from './support/newsboat.js';

// Debian's nginx, started by this file on 127.0.0.1 with deploy/nginx.conf
// (only its listen and root lines changed) over a freshly built out/, and
// newsboat subscribing through it. Missing tools skip these tests with a
// note, except under SEEDFEED_REQUIRE_TOOLS=1 (CI), where they fail.




function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** deploy/nginx.conf with its listen and root lines pointed at this test; each must be there exactly once. */
function testServerBlock(deployed: string, port: number, root: string): string {
  let text = deployed;
  const swap = (pattern: RegExp, replacement: string) => {
    const found = text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
    if (found !== 1) throw new Error(`deploy/nginx.conf: expected one line matching ${pattern}, found ${found}`);
    text = text.replace(new RegExp(pattern.source, 'm'), replacement);
  };
  swap(/^(\s*)listen 80;$/, `$1listen 127.0.0.1:${port};`);
  swap(/^(\s*)listen \[::\]:80;\n/, '');
  swap(/^(\s*)root \S+;$/, `$1root ${root};`);
  return text;
}

/** The hub the test site names: the one deploy/nginx.conf's WebSub block gives as its example, as is its origin. */
const HUB = 'https://hub.example.org/';

/** deploy/nginx.conf with its commented WebSub block turned on, as the comment above it says to; the block must be there once. */
function withWebSub(deployed: string): string {
  const lines = deployed.split('\n');
  const start = lines.findIndex((l) => /^\s*#location ~ \^\/\(\?!archive\/\)/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^\s*#\}$/.test(l));
  if (start < 0 || end < 0 || lines.filter((l) => /^\s*#location /.test(l)).length !== 1) throw new Error('deploy/nginx.conf: expected one commented WebSub location block');
  return lines.map((l, i) => (i >= start && i <= end ? l.replace(/^(\s*)#/, '$1') : l)).join('\n');
}

describe.skipIf(skipWithout(TOOLS.nginx))('deploy/nginx.conf, served by nginx', () => {
  let dir: string;
  let out: string;
  let port: number;
  let nginx: ChildProcess | undefined;
  let exited: Promise<void>;

  beforeAll(async () => {
    assertTools(TOOLS.nginx);
    dir = tempDir('seedfeed-nginx-');
    out = join(dir, 'out');
    const report = await publish({ seedsDir: SAMPLE_SEEDS, outDir: out, statePath: join(dir, 'state', 'log.json'), config: testConfig({ hub: HUB }), now: NOW });
    if (report.exitCode !== 0) throw new Error(`sample build failed: ${JSON.stringify(report.diagnostics)}`);
    writeFileSync(join(dir, 'secret.txt'), 'SECRET-OUTSIDE-OUT\n');
    writeFileSync(join(out, '.feed.xml.seedfeed-tmp-1-abcd'), 'half a feed');

    port = await freePort();
    writeFileSync(join(dir, 'seedfeed.conf'), withWebSub(testServerBlock(readFileSync(join(REPO, 'deploy', 'nginx.conf'), 'utf8'), port, out)));
    const temp = (name: string) => join(dir, name);
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'daemon off;',
        // Started as root, nginx's workers would switch to "nobody", who may not read a private
        // temporary folder; as another user it cannot switch at all and the line is not needed.
        ...(process.getuid?.() === 0 ? ['user root root;'] : []),
        'worker_processes 1;',
        `pid ${temp('nginx.pid')};`,
        `error_log ${temp('error.log')} warn;`,
        'events { worker_connections 64; }',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${temp('client_body')};`,
        `  proxy_temp_path ${temp('proxy')};`,
        `  fastcgi_temp_path ${temp('fastcgi')};`,
        `  uwsgi_temp_path ${temp('uwsgi')};`,
        `  scgi_temp_path ${temp('scgi')};`,
        `  include ${temp('seedfeed.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    const child = spawn(NGINX, ['-p', dir + '/', '-c', join(dir, 'nginx.conf'), '-e', temp('error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
    nginx = child;
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Ready when it answers; a start-up failure ends the process, and its log says why.
    for (const deadline = Date.now() + 20_000; ; ) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${existsSync(temp('error.log')) ? readFileSync(temp('error.log'), 'utf8') : ''}`);
      try {
        await http(port, '/');
        break;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`nginx did not answer on 127.0.0.1:${port}: ${(e as Error).message}; ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  afterAll(async () => {
    if (!nginx || nginx.exitCode !== null) return;
    nginx.kill('SIGTERM');
    await exited;
  });

  it.each([
    ['/feed.xml', 'feed.xml', 'application/rss+xml; charset=utf-8', 'max-age=300'],
    ['/atom.xml', 'atom.xml', 'application/atom+xml; charset=utf-8', 'max-age=300'],
    ['/feed.json', 'feed.json', 'application/feed+json', 'max-age=300'],
    ['/feeds.opml', 'feeds.opml', 'text/x-opml; charset=utf-8', 'max-age=300'],
    ['/categories/2023/feed.xml', 'categories/2023/feed.xml', 'application/rss+xml; charset=utf-8', 'max-age=300'],
    ['/categories/2023/atom.xml', 'categories/2023/atom.xml', 'application/atom+xml; charset=utf-8', 'max-age=300'],
    ['/sources/asbarez/feed.json', 'sources/asbarez/feed.json', 'application/feed+json', 'max-age=300'],
    ['/', 'index.html', 'text/html; charset=utf-8', 'max-age=600'],
    ['/categories/2023/', 'categories/2023/index.html', 'text/html; charset=utf-8', 'max-age=600'],
    ['/style.css', 'style.css', 'text/css; charset=utf-8', 'max-age=3600'],
  ])('serves %s as out/%s, %s, Cache-Control %s', async (path, file, type, cache) => {
    const res = await http(port, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.equals(readFileSync(join(out, file)))).toBe(true);
  });

  it('answers 200 with ETag and Last-Modified, then 304 to either validator', async () => {
    const first = await http(port, '/feed.xml');
    const etag = first.headers.etag!;
    const lastModified = first.headers['last-modified']!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(lastModified).toBeTruthy();
    const byTag = await http(port, '/feed.xml', { 'If-None-Match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    expect((await http(port, '/feed.xml', { 'If-Modified-Since': lastModified })).status).toBe(304);
    expect((await http(port, '/feed.xml', { 'If-None-Match': '"other"' })).status).toBe(200);
    expect((await http(port, '/feed.xml', { 'If-Modified-Since': 'Thu, 01 Jan 1998 00:00:00 GMT' })).status).toBe(200);
  });

  it.each(['/feed.xml', '/atom.xml', '/feed.json', '/feeds.opml', '/', '/style.css'])('gzips %s when asked, with Vary: Accept-Encoding', async (path) => {
    const plain = await http(port, path);
    const zipped = await http(port, path, { 'Accept-Encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(plain.headers['content-encoding']).toBeUndefined();
    // nginx weakens the ETag of a gzipped answer; it must still revalidate.
    expect(zipped.headers.etag).toMatch(/^W\//);
    expect((await http(port, path, { 'Accept-Encoding': 'gzip', 'If-None-Match': zipped.headers.etag! })).status).toBe(304);
  });

  it.each(['/feed.json', '/sources/asbarez/feed.json', '/categories/2023/feed.json'])(
    'names in Link headers the hub and the feed %s, as its own hubs and feed_url do (WebSub 4), with the WebSub block on',
    async (path) => {
      const res = await http(port, path);
      const feed = JSON.parse(res.body.toString()) as { hubs?: { type: string; url: string }[]; feed_url: string };
      expect(feed.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
      const links = Object.fromEntries([...[res.headers.link ?? []].flat().join(', ').matchAll(/<([^>]*)>;\s*rel="([^"]+)"/g)].map((m) => [m[2], m[1]]));
      expect(links).toEqual({ hub: HUB, self: feed.feed_url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('max-age=300');
    },
  );

  it('sends no Link header with the feeds that name their hub inside, with archive pages, or with anything else', async () => {
    // The sample makes no archive page: the path (a 404 here) still shows which location answers it.
    for (const path of ['/feed.xml', '/atom.xml', '/feeds.opml', '/archive/1/feed.json', '/', '/style.css']) expect((await http(port, path)).headers.link, path).toBeUndefined();
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await http(port, '/atom.xml');
    const head = await http(port, '/atom.xml', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control']) expect(head.headers[name], name).toBe(get.headers[name]);
  });

  it.each(['/.feed.xml.seedfeed-tmp-1-abcd', '/../secret.txt', '/%2e%2e/secret.txt', '/categories/../../secret.txt', '/categories/%2e%2e/%2e%2e/secret.txt'])(
    'refuses %s',
    async (path) => {
      const res = await http(port, path);
      expect([400, 403, 404]).toContain(res.status);
      expect(res.body.toString()).not.toMatch(/SECRET|half a feed/);
    },
  );

  it('lets newsboat subscribe to the RSS and Atom feeds through it', async (ctx) => {
    needTools(ctx, TOOLS.newsboat, TOOLS.sqlite);
    // One newsboat cache per format: both documents carry the same item id,
    // and newsboat keeps an id once whichever feed brought it.
    for (const format of ['feed.xml', 'atom.xml']) {
      const feed = `http://127.0.0.1:${port}/${format}`;
      const cache = await newsboatReload([feed]);
      expect(cache.feeds.map((f) => [f.rssurl, f.title]), format).toEqual([[feed, testConfig().title]]);
      expect(cache.items.map((i) => i.title), format).toEqual(['Artsakh Calls for ‘Full-Fledged’ Peace Talks Through International Efforts']);
      expect(cache.items[0]!.url).toMatch(/^https:\/\/seeds\.example\.org\/articles\/.+\.html$/);
      expect(cache.items[0]!.feedurl).toBe(feed);
    }
  });
});

describe('the nginx test harness', () => {
  it('changes only the listen and root lines of deploy/nginx.conf, and notices when they are gone', async () => {
    const deployed = readFileSync(join(REPO, 'deploy', 'nginx.conf'), 'utf8');
    const adapted = testServerBlock(deployed, 8123, '/tmp/site/out');
    expect(adapted).toContain('    listen 127.0.0.1:8123;\n');
    expect(adapted).toContain('    root /tmp/site/out;\n');
    expect(adapted).not.toMatch(/listen \[::\]/);
    const removed = deployed.split('\n').filter((l) => !adapted.split('\n').includes(l));
    expect(removed.map((l) => l.trim())).toEqual(['listen 80;', 'listen [::]:80;', 'root /srv/seedfeed/out;']);
    expect(() => testServerBlock(deployed.replace('listen 80;', 'listen 8080;'), 1, '/x')).toThrow(/listen 80/);
  });
});
