import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { publish } from '../src/index.js';
import { startServer } from '../src/serve.js';
import { NOW, REPO, SAMPLE_SEEDS, tempDir, testConfig } from './helpers.js';
import { CHROMIUM, TOOLS, assertTools, skipWithout } from './tools.js';

// Debian's Chromium, driven by playwright-core (no browser download), reads
// the site as `seedfeed serve` serves it. Without Chromium these tests skip
// with a note, except under SEEDFEED_REQUIRE_TOOLS=1 (CI), where they fail.

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(REPO, 'test-artifacts');

/** The `rel=alternate` links in the head of the open page, their hrefs resolved as the browser resolves them. */
async function alternateLinks(page: Page): Promise<{ type: string | null; href: string }[]> {
  const links = await page.locator('head link[rel="alternate"]').all();
  return Promise.all(links.map(async (l) => ({ type: await l.getAttribute('type'), href: new URL((await l.getAttribute('href')) ?? '', page.url()).href })));
}

const TITLE = 'Artsakh Calls for ‘Full-Fledged’ Peace Talks Through International Efforts';

describe.skipIf(skipWithout(TOOLS.chromium))('the site in headless Chromium', () => {
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  /** Every response of 400 or more, and every request that failed, while the tests browse. */
  const failures: string[] = [];

  beforeAll(async () => {
    assertTools(TOOLS.chromium);
    const dir = tempDir('seedfeed-browser-');
    const report = await publish({ seedsDir: SAMPLE_SEEDS, outDir: join(dir, 'out'), statePath: join(dir, 'state', 'log.json'), config: testConfig(), now: NOW });
    if (report.exitCode !== 0) throw new Error(`sample build failed: ${JSON.stringify(report.diagnostics)}`);
    server = await startServer({ root: join(dir, 'out'), port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // A fresh profile, and no JavaScript: the pages must read without it.
    context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, args: ARGS, headless: true, javaScriptEnabled: false });
    page = await context.newPage();
    page.on('response', (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => failures.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });

  it('finds the three autodiscovery links on the index, each leading to its feed', async () => {
    await page.goto(base);
    expect(await page.title()).toBe(testConfig().title);
    const links = await alternateLinks(page);
    expect(links.map((l) => l.type).sort()).toEqual(['application/atom+xml', 'application/feed+json', 'application/rss+xml']);
    expect(links.map((l) => l.href).sort()).toEqual([`${base}atom.xml`, `${base}feed.json`, `${base}feed.xml`]);
    for (const link of links) {
      const res = await page.request.get(link.href);
      expect(res.status(), link.href).toBe(200);
      expect(res.headers()['content-type']?.split(';')[0]).toBe(link.type);
    }
    // The subscribe links people see, the OPML included.
    const visible = await Promise.all((await page.locator('footer a').all()).map(async (a) => new URL((await a.getAttribute('href')) ?? '', page.url()).href));
    expect(visible).toEqual(expect.arrayContaining([`${base}feed.xml`, `${base}atom.xml`, `${base}feed.json`, `${base}feeds.opml`]));
    await page.screenshot({ path: join(ARTIFACTS, 'index.png'), fullPage: true });
  });

  it('follows an item link to the item page and shows the credit line', async () => {
    await page.goto(base);
    await page.getByRole('link', { name: TITLE }).click();
    await page.waitForURL(/\/articles\/[^/]+\.html$/);
    expect(await page.locator('main h1').innerText()).toBe(TITLE);
    expect(await page.locator('.credit').innerText()).toBe('Originally published by Asbarez. Shared by Emma Jilavian.');
    expect(await page.locator('.credit a').getAttribute('href')).toBe('https://asbarez.com/');
    expect(await page.locator('main article time').first().getAttribute('datetime')).toBe('2026-11-28T12:00:00Z');
    // The category link leads to the category's own page, which announces the category's feeds.
    await page.getByRole('link', { name: '2023', exact: true }).click();
    await page.waitForURL(`${base}categories/2023/`);
    const topicFeeds = (await alternateLinks(page)).map((l) => l.href);
    expect(topicFeeds.sort()).toEqual([`${base}categories/2023/atom.xml`, `${base}categories/2023/feed.json`, `${base}categories/2023/feed.xml`]);
    await page.goBack();
    const shot = join(ARTIFACTS, 'item-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  });

  it('styles the pages from the stylesheet and fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(base);
    // Evaluated in the page; a string, as this project's TypeScript has no DOM types.
    const layout = await page.evaluate<{ maxWidth: string; scrollWidth: number; innerWidth: number }>(
      '({ maxWidth: getComputedStyle(document.body).maxWidth, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(layout.maxWidth).toBe('672px');
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    await page.screenshot({ path: join(ARTIFACTS, 'index-phone.png'), fullPage: true });
  });

  it('lays a right-to-left site out without sideways scrolling, its skip link hidden until focused', async () => {
    const dir = tempDir('seedfeed-browser-rtl-');
    const report = await publish({ seedsDir: SAMPLE_SEEDS, outDir: join(dir, 'out'), statePath: join(dir, 'state', 'log.json'), config: testConfig({ language: 'he' }), now: NOW });
    expect(report.exitCode).toBe(0);
    const rtl = await startServer({ root: join(dir, 'out'), port: 0 });
    try {
      await page.setViewportSize({ width: 800, height: 740 });
      await page.goto(`http://127.0.0.1:${(rtl.address() as AddressInfo).port}/`);
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      const layout = await page.evaluate<{ scrollWidth: number; innerWidth: number }>('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })');
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
      const hidden = await page.locator('.skip').boundingBox();
      expect(hidden!.width * hidden!.height).toBeLessThanOrEqual(1);
      await page.keyboard.press('Tab');
      const focused = await page.locator('.skip').boundingBox();
      expect(focused!.width).toBeGreaterThan(20);
      await page.screenshot({ path: join(ARTIFACTS, 'index-rtl.png'), fullPage: true });
    } finally {
      await new Promise<void>((resolve) => {
        rtl.close(() => resolve());
        rtl.closeAllConnections();
      });
    }
  });

  it('loaded every page and resource it asked for', async () => {
    expect(failures).toEqual([]);
  });
});
