import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { publish } from '../src/index.js';
import { acceptsGzip, etagMatches, mediaTypeOf, parseRequestPath, startServer } from '../src/serve.js';
import { runServe } from '../src/commands/serve.js';
import { UsageError } from '../src/diagnostics.js';
import { NOW, SAMPLE_SEEDS, tempDir, testConfig, writeTree } from './helpers.js';
import { http } from './support/http.js';



function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A built sample site in a fresh folder, with a secret file beside `out/` that no request may reach. */
async function builtSite(): Promise<{ root: string; out: string }> {
  const root = tempDir();
  const out = join(root, 'out');
  const report = await publish({ seedsDir: SAMPLE_SEEDS, outDir: out, statePath: join(root, 'state', 'log.json'), config: testConfig(), now: NOW });
  if (report.exitCode !== 0) throw new Error(`sample build failed: ${JSON.stringify(report.diagnostics)}`);
  writeFileSync(join(root, 'secret.txt'), 'SECRET-OUTSIDE-OUT\n');
  return { root, out };
}

describe('seedfeed serve over HTTP', () => {
  let server: Server;
  let port: number;
  let site: { root: string; out: string };

  beforeAll(async () => {
    site = await builtSite();
    server = await startServer({ root: site.out, port: 0 });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => stop(server));

  it('listens on 127.0.0.1 unless told otherwise', async () => {
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it.each([
    ['/feed.xml', 'feed.xml', 'application/rss+xml; charset=utf-8'],
    ['/atom.xml', 'atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'feed.json', 'application/feed+json'],
    ['/feeds.opml', 'feeds.opml', 'text/x-opml; charset=utf-8'],
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['/style.css', 'style.css', 'text/css; charset=utf-8'],
    ['/categories/2023/', 'categories/2023/index.html', 'text/html; charset=utf-8'],
    ['/categories/2023/feed.xml', 'categories/2023/feed.xml', 'application/rss+xml; charset=utf-8'],
    ['/categories/2023/atom.xml', 'categories/2023/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/shared-by/emma-jilavian/feed.json', 'shared-by/emma-jilavian/feed.json', 'application/feed+json'],
  ])('serves %s as the bytes of out/%s with Content-Type %s', async (path, file, type) => {
    const res = await http(port, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body.equals(readFileSync(join(site.out, file)))).toBe(true);
    expect(res.headers['content-length']).toBe(String(res.body.length));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 200 with a strong ETag and Last-Modified, then 304 to either validator', async () => {
    const first = await http(port, '/feed.xml');
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    const lastModified = first.headers['last-modified']!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);

    const byTag = await http(port, '/feed.xml', { 'If-None-Match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    expect(byTag.headers.etag).toBe(etag);

    const byDate = await http(port, '/feed.xml', { 'If-Modified-Since': lastModified });
    expect(byDate.status).toBe(304);
    expect(byDate.body.length).toBe(0);

    expect((await http(port, '/feed.xml', { 'If-None-Match': `"other", ${etag}` })).status).toBe(304);
    expect((await http(port, '/feed.xml', { 'If-None-Match': '"other"' })).status).toBe(200);
    expect((await http(port, '/feed.xml', { 'If-Modified-Since': 'Thu, 01 Jan 1998 00:00:00 GMT' })).status).toBe(200);
    // RFC 9110 13.2.2: a present If-None-Match decides alone.
    expect((await http(port, '/feed.xml', { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified })).status).toBe(200);
  });

  it('tags the bytes: a file that changes gets a new ETag and the old one no longer matches', async () => {
    const root = tempDir();
    writeTree(root, { 'feed.xml': '<rss version="2.0"><channel><title>one</title></channel></rss>\n' });
    const own = await startServer({ root, port: 0 });
    const ownPort = (own.address() as AddressInfo).port;
    try {
      const before = await http(ownPort, '/feed.xml');
      writeTree(root, { 'feed.xml': '<rss version="2.0"><channel><title>two</title></channel></rss>\n' });
      const after = await http(ownPort, '/feed.xml', { 'If-None-Match': before.headers.etag! });
      expect(after.status).toBe(200);
      expect(after.body.toString()).toContain('two');
      expect(after.headers.etag).not.toBe(before.headers.etag);
    } finally {
      await stop(own);
    }
  });

  it('compresses with gzip when asked, and says the answer varies by Accept-Encoding', async () => {
    const file = readFileSync(join(site.out, 'feed.xml'));
    const zipped = await http(port, '/feed.xml', { 'Accept-Encoding': 'br, gzip;q=0.8' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(zipped.body).equals(file)).toBe(true);
    expect(zipped.body.length).toBeLessThan(file.length);
    expect(zipped.headers['content-length']).toBe(String(zipped.body.length));

    const plain = await http(port, '/feed.xml');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.equals(file)).toBe(true);
    // Two representations, two strong tags; each revalidates on its own.
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect((await http(port, '/feed.xml', { 'Accept-Encoding': 'gzip', 'If-None-Match': zipped.headers.etag! })).status).toBe(304);

    const refused = await http(port, '/feed.xml', { 'Accept-Encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await http(port, '/atom.xml', { 'Accept-Encoding': 'gzip' });
    const head = await http(port, '/atom.xml', { 'Accept-Encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'content-encoding', 'vary']) expect(head.headers[name], name).toBe(get.headers[name]);
  });

  it.each([
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/.%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/categories/..%2F..%2Fsecret.txt',
    '/..\\secret.txt',
    '/%5c..%5csecret.txt',
    '/feed.xml%00.html',
    '/./feed.xml',
    '//secret.txt',
    '/%',
  ])('refuses %s without reaching a file outside out/', async (path) => {
    const res = await http(port, path);
    expect([400, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain('SECRET');
  });

  it('does not follow a symbolic link out of the folder, nor serve dotfiles such as the writer’s temporary files', async () => {
    symlinkSync(join(site.root, 'secret.txt'), join(site.out, 'leak.txt'));
    writeFileSync(join(site.out, '.feed.xml.seedfeed-tmp-1-abcd'), 'half a feed');
    for (const path of ['/leak.txt', '/.feed.xml.seedfeed-tmp-1-abcd']) {
      const res = await http(port, path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString()).not.toMatch(/SECRET|half a feed/);
    }
  });

  it('sends a folder without its slash to the folder, and 404s what is not there', async () => {
    const moved = await http(port, '/categories/2023?x=1');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/categories/2023/?x=1');
    expect((await http(port, '/no-such-page.html')).status).toBe(404);
    expect((await http(port, '/feed.xml/')).status).toBe(404);
  });

  it('allows only GET and HEAD', async () => {
    const res = await http(port, '/feed.xml', {}, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('request parsing', () => {
  it.each([
    ['/', { segments: [], folder: true }],
    ['/feed.xml?x=1', { segments: ['feed.xml'], folder: false }],
    ['/categories/%D5%AE%D5%B8%D5%BE/', { segments: ['categories', 'ծով'], folder: true }],
    ['/a%20b.html#top', { segments: ['a b.html'], folder: false }],
  ])('%s names %j', (target, expected) => {
    expect(parseRequestPath(target)).toEqual(expected);
  });

  it.each([
    ['/../x', 400],
    ['/a/%2e%2E/x', 400],
    ['/a%2Fb', 400],
    ['/a\\b', 400],
    ['/a%5Cb', 400],
    ['/a%00', 400],
    ['/%E0%A4%A', 400],
    ['feed.xml', 400],
    ['/.seedfeed/publish-log.json', 404],
    ['/a//b', 404],
  ])('%s is refused with %i', (target, status) => {
    expect(parseRequestPath(target)).toMatchObject({ status });
  });

  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.5', true],
    ['GZIP', true],
    ['x-gzip', true],
    ['*', true],
    ['gzip;q=0', false],
    ['gzip;q=0.0, *', false],
    ['identity', false],
    ['*;q=0', false],
    ['', false],
  ])('Accept-Encoding %j allows gzip: %s', (header, allowed) => {
    expect(acceptsGzip(header)).toBe(allowed);
  });

  it('compares entity tags weakly, as If-None-Match requires', async () => {
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b", "a"', '"a"')).toBe(true);
    expect(etagMatches('*', '"a"')).toBe(true);
    expect(etagMatches('"b"', '"a"')).toBe(false);
  });

  it('types feeds by their format name wherever they are, other files by extension', async () => {
    expect(mediaTypeOf('/srv/out/sources/x/atom.xml')).toBe('application/atom+xml; charset=utf-8');
    expect(mediaTypeOf('/srv/out/archive/1/feed.xml')).toBe('application/rss+xml; charset=utf-8');
    expect(mediaTypeOf('/srv/out/sitemap.xml')).toBe('application/xml; charset=utf-8');
    expect(mediaTypeOf('/srv/out/data.bin')).toBe('application/octet-stream');
  });
});

describe('the serve command', () => {
  it('refuses to serve a folder that is not there, unless it is to build it', async () => {
    const missing = join(tempDir(), 'out');
    await expect(runServe({ out: missing, port: 0, host: '127.0.0.1', watch: false })).rejects.toThrow(UsageError);
  });

  it('with --watch, builds, serves, and rebuilds when a seed is added', async () => {
    const root = tempDir();
    writeTree(root, {
      'seeds/first.txt': 'Date: 2024-03-01\n\nTown Crier: Bell Tower Clock Repaired\n\nThe clock in the bell tower keeps time again.\n\nRuben Hakobyan:\n',
      'site.json': JSON.stringify({ title: 'Watch test', baseUrl: 'https://watch.example.org/', language: 'en' }),
    });
    const controller = new AbortController();
    let listening: (port: number) => void;
    const ready = new Promise<number>((resolve) => (listening = resolve));
    const said: string[] = [];
    const sink = { write: (s: string) => said.push(s) };
    const running = runServe(
      { out: join(root, 'out'), port: 0, host: '127.0.0.1', watch: true, seeds: join(root, 'seeds'), config: join(root, 'site.json'), state: join(root, 'state', 'log.json') },
      { signal: controller.signal, stdout: sink, stderr: sink, debounceMs: 50, onListening: (s) => listening((s.address() as AddressInfo).port) },
    );
    try {
      const port = await ready;
      const before = await http(port, '/');
      expect(before.status).toBe(200);
      expect(before.body.toString()).toContain('Bell Tower Clock Repaired');
      expect(before.body.toString()).not.toContain('Orchard Harvest');

      writeTree(root, { 'seeds/second.txt': 'Date: 2024-03-02\n\nTown Crier: Orchard Harvest Comes Early\n\nWarm weeks ripened the apples a fortnight ahead of time.\n\nRuben Hakobyan:\n' });
      // The rebuild happens on its own after the change; wait for it, with a generous ceiling.
      let page = '';
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        page = (await http(port, '/')).body.toString();
        if (page.includes('Orchard Harvest Comes Early')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(page).toContain('Orchard Harvest Comes Early');
      expect(said.join('')).toMatch(/2 published \(1 new/);
    } finally {
      controller.abort();
    }
    await expect(running).resolves.toBe(0);
  });
});
