import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { NOW, tempDir, testConfig } from './helpers.js';
import { writeCorpus } from './support/corpus.js';
import { snapshot } from './support/cli.js';
import { compiledSeedfeed } from './support/dist.js';
import { build, parseSettings } from '../src/build.js';
import { publish as sourcePublish } from '../src/publish.js';
import { runCheck as sourceRunCheck } from '../src/commands/check.js';
import * as sourceParse from '../src/parse/index.js';
import { BodiesAhead, BodyReader, eachWithBodiesAhead, heldFirst } from '../src/body-pool.js';
import { BoundedCache } from '../src/bounded.js';
import type { BodyJob } from '../src/parse-pool.js';
import type { Item } from '../src/model.js';
import type { Output } from '../src/output.js';
import type { publish as SourcePublish } from '../src/publish.js';

// The workers run compiled JavaScript: the reader is pointed at the compiled worker script, and the
// publish that starts workers is the compiled one, as the CLI runs it.
let workerUrl: URL;
let publish: typeof SourcePublish;
let runCheck: typeof sourceRunCheck;
let parseModule: typeof import('../src/parse/index.js');
beforeAll(async () => {
  const dist = compiledSeedfeed();
  workerUrl = pathToFileURL(dist.module('parse-worker.js'));
  ({ publish } = (await import(dist.module('publish.js'))) as typeof import('../src/publish.js'));
  ({ runCheck } = (await import(dist.module('commands/check.js'))) as typeof import('../src/commands/check.js'));
  parseModule = (await import(dist.module('parse/index.js'))) as typeof import('../src/parse/index.js');
}, 120_000);

/** `count` plain-text seeds and a Markdown one whose relative link resolves against its page, written an hour ago. */
function seedsFolder(count: number): string {
  const seeds = join(tempDir('seedfeed-bodies-'), 'seeds');
  mkdirSync(seeds, { recursive: true });
  const names = writeCorpus(seeds, count, 2);
  writeFileSync(join(seeds, 'zz-markdown.md'), '---\ntitle: A story with a link\nsource: Asbarez\ndate: 2023-05-01\n---\nSee [the earlier story](../earlier.html) and *this* too.\n');
  const past = new Date(Date.now() - 3_600_000);
  for (const name of [...names, 'zz-markdown.md']) utimesSync(join(seeds, name), past, past);
  return seeds;
}

describe('bodies read again on worker threads', () => {
  it('are the bodies the renderer reads itself', async () => {
    const seeds = seedsFolder(30);
    // A body copied from its original article: its relative link is that site's.
    writeFileSync(join(seeds, 'zz-original.md'), '---\ntitle: A story from its original\nsource: Asbarez\ndate: 2023-05-02\nlink: https://asbarez.com/news/2023/story/\n---\nSee [the photo](images/1.jpg).\n');
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(join(seeds, 'zz-original.md'), past, past);
    const config = testConfig();
    const result = build({ seedsDir: seeds, config, now: NOW, bodiesKept: 5 });
    const missing = result.items.map((item) => [item, result.bodies.missing(item)] as const).filter((m): m is readonly [Item, BodyJob] => m[1] !== undefined);
    // Five bodies kept, the other 27 let go.
    expect(missing).toHaveLength(27);
    expect(missing.some(([item]) => item.file === 'zz-markdown.md')).toBe(true);
    expect(missing.some(([item]) => item.file === 'zz-original.md')).toBe(true);
    const reader = BodyReader.start(parseSettings({ config, seedsDir: seeds }), { workerUrl, threads: 2 })!;
    expect(reader).toBeDefined();
    const html = await Promise.all([reader.read(missing.slice(0, 13).map(([, job]) => job)), reader.read(missing.slice(13).map(([, job]) => job))]);
    await reader.close();
    const answers = html.flat();
    for (const [i, [item]] of missing.entries()) expect(answers[i], item.file).toBe(item.bodyHtml);
    const markdown = answers[missing.findIndex(([item]) => item.file === 'zz-markdown.md')];
    expect(markdown).toContain('<em>this</em>');
    expect(markdown).toMatch(/href="https:\/\/seeds\.example\.org\/earlier\.html"/);
    expect(answers[missing.findIndex(([item]) => item.file === 'zz-original.md')]).toContain('href="https://asbarez.com/news/2023/story/images/1.jpg"');
  });

  it('leave a seed edited since it was listed to the renderer, which fails naming it', async () => {
    const seeds = seedsFolder(12);
    const config = testConfig();
    const result = build({ seedsDir: seeds, config, now: NOW, bodiesKept: 2 });
    const page = result.outputs.find((o) => o.shows?.length === 1 && o.shows[0]!.file === 'zz-markdown.md')!;
    expect(result.bodies.missing(page.shows![0]!)).toBeDefined();
    appendFileSync(join(seeds, 'zz-markdown.md'), 'A line added while the run was publishing.\n');
    const reader = BodyReader.start(parseSettings({ config, seedsDir: seeds }), { workerUrl })!;
    const ahead = new BodiesAhead([page], result.bodies, reader);
    await ahead.ready(0);
    await reader.close();
    expect(result.bodies.missing(page.shows![0]!)).toBeDefined();
    expect(() => page.text).toThrow(/zz-markdown\.md: changed while this run was publishing it/);
  });

  it('when a worker dies, are left to the renderer instead of waited on', async () => {
    const seeds = seedsFolder(12);
    const config = testConfig();
    const result = build({ seedsDir: seeds, config, now: NOW, bodiesKept: 2 });
    const dying = join(tempDir(), 'dying-worker.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const reader = BodyReader.start(parseSettings({ config, seedsDir: seeds }), { workerUrl: pathToFileURL(dying), threads: 1 })!;
    const pages = result.outputs.filter((o) => o.path.startsWith('articles/'));
    const job = result.bodies.missing(pages[0]!.shows![0]!)!;
    await expect(reader.read([job])).rejects.toThrow(/body worker exited \(code 3\)/);
    // Later reads fail at once rather than wait on a thread that is gone.
    await expect(reader.read([job])).rejects.toThrow(/exited/);
    const ahead = new BodiesAhead(pages, result.bodies, reader);
    for (let i = 0; i < pages.length; i++) await ahead.ready(i);
    await reader.close();
    expect(pages.map((p) => p.text).every((text) => text.includes('<div class="story"'))).toBe(true);
  });

  it('let a check report what it reports without them, with no body read again on the rendering thread', async () => {
    const seeds = seedsFolder(60);
    writeFileSync(join(seeds, 'weekday.txt'), 'Date: Mon, 02 Mar 2023 10:00:00 +0000\n\nAsbarez: A story on a Thursday\n\nA dek\n\nA body.\n');
    const config = join(tempDir(), 'seedfeed.config.json');
    // No output shows more items than the 30 bodies the memo holds.
    writeFileSync(config, JSON.stringify({ title: 'Check', baseUrl: 'https://seeds.example.org/', limit: 10, archive: { pageSize: 10 } }));
    const check = async (runCheckWith: typeof sourceRunCheck, parsing: typeof parseModule) => {
      const parses = vi.spyOn(parsing, 'parseSeed');
      try {
        return { result: await runCheckWith({ seeds, config, now: NOW, bodiesKept: 30, bodiesAheadMin: 1 }), parsedHere: parses.mock.calls.length };
      } finally {
        parses.mockRestore();
      }
    };
    const withWorkers = await check(runCheck, parseModule);
    const alone = await check(sourceRunCheck, sourceParse);
    expect(withWorkers.result).toEqual(alone.result);
    expect(withWorkers.result.diagnostics.map((d) => d.rule)).toContain('date-weekday');
    // Each of the 62 seeds parsed once when listed; the bodies let go were read again on the workers only.
    expect(withWorkers.parsedHere).toBe(62);
    expect(alone.parsedHere).toBeGreaterThan(62);
  }, 60_000);

  it('are asked for in full batches, a window ahead of the output being rendered, each once', async () => {
    // 1,000 article pages of one item each, and after every hundredth a feed of the 50 items before it.
    const items = Array.from({ length: 1000 }, (_, i) => ({ file: `s${i}.txt` }) as unknown as Item);
    const outputs: Output[] = [];
    items.forEach((item, i) => {
      outputs.push({ path: `articles/${i}.html`, shows: [item] } as unknown as Output);
      if (i % 100 === 99) outputs.push({ path: `feed-${i}.xml`, shows: items.slice(i - 49, i + 1) } as unknown as Output);
    });
    const held = new Map<Item, string>();
    const store = {
      capacity: 4000,
      missing: (item: Item) => (held.has(item) ? undefined : ({ file: { file: item.file }, hash: 'h', link: 'l' } as unknown as BodyJob)),
      put: (item: Item, html: string) => void held.set(item, html),
    };
    const batches: string[][] = [];
    const reader = { read: async (jobs: BodyJob[]) => (batches.push(jobs.map((j) => j.file.file)), jobs.map((j) => `body of ${j.file.file}`)) };
    const ahead = new BodiesAhead(outputs, store, reader);
    let widest = 0;
    for (const [i, output] of outputs.entries()) {
      await ahead.ready(i);
      // Every body the output shows is there when it is rendered, and no more than the window was asked for.
      for (const item of output.shows!) expect(held.get(item), output.path).toBe(`body of ${item.file}`);
      const asked = new Set(batches.flat());
      widest = Math.max(widest, asked.size - items.filter((item, n) => n <= Number(/\d+/.exec(output.path)![0]) && asked.has(item.file)).length);
    }
    const asked = batches.flat();
    expect(asked).toHaveLength(1000);
    expect(new Set(asked).size).toBe(1000);
    expect(widest).toBeLessThanOrEqual(512);
    // Topped up only at half the window: nearly every message carries 16 bodies (one per page would be 1,000 messages).
    expect(batches.length).toBeLessThan(80);
    expect(batches.filter((b) => b.length === 16).length).toBeGreaterThan(55);
  });

  it('are read for the outputs whose bodies the memo holds last: those go first, each group in its order', () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ file: `s${i}.txt` }) as unknown as Item);
    const held = new Set([items[0], items[2], items[3]]);
    const output = (path: string, shows?: Item[]) => ({ path, ...(shows ? { shows } : {}) }) as unknown as Output;
    const outputs = [output('feed.xml', [items[0]!, items[1]!]), output('a0.html', [items[0]!]), output('opml.xml'), output('a1.html', [items[1]!]), output('topic.xml', [items[2]!, items[3]!]), output('a2.html', [items[2]!])];
    const ordered = heldFirst(outputs, { holds: (item) => held.has(item) });
    expect(ordered.map((o) => o.path)).toEqual(['a0.html', 'opml.xml', 'topic.xml', 'a2.html', 'feed.xml', 'a1.html']);
  });

  it('are counted without marking the bodies the memo holds as used', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((file) => ({ file }) as unknown as Item);
    const memo = new BoundedCache<Item, string>(2);
    memo.set(a!, 'body of a');
    memo.set(b!, 'body of b');
    const outputs = [{ path: 'p.html', shows: [a, c, d] }] as unknown as Output[];
    expect(BodiesAhead.count(outputs, { holds: (item) => memo.has(item) }, 10)).toBe(2);
    // a is still the one used least: the next body in pushes it out, not b.
    memo.set(c!, 'body of c');
    expect([memo.has(a!), memo.has(b!), memo.has(c!)]).toEqual([false, true, true]);
  });

  it('kept by the build are used by their outputs before the bodies read again push them out', async () => {
    // 100 items; the build kept the oldest 40 (a memo of 40). Feeds of the newest come first, then a page per item, as a build orders them.
    const items = Array.from({ length: 100 }, (_, i) => ({ file: `s${i}.txt` }) as unknown as Item);
    const outputs: Output[] = [];
    for (let i = 99; i >= 60; i -= 10) outputs.push({ path: `topic-${i}.xml`, shows: items.slice(i - 9, i + 1) } as unknown as Output);
    for (const [i, item] of items.entries()) outputs.push({ path: `articles/${i}.html`, shows: [item] } as unknown as Output);
    /** A memo holding the kept bodies, and a renderer that reads again what it lacks (as an item's `bodyHtml` does), noting for which output. */
    const setup = () => {
      const memo = new BoundedCache<Item, string>(40);
      for (const item of items.slice(0, 40)) memo.set(item, `body of ${item.file}`);
      const store = {
        capacity: memo.capacity,
        holds: (item: Item) => memo.has(item),
        missing: (item: Item) => (memo.get(item) !== undefined ? undefined : ({ file: { file: item.file }, hash: 'h', link: 'l' } as unknown as BodyJob)),
        put: (item: Item, html: string) => memo.set(item, html),
      };
      const readFor: string[] = [];
      const use = (o: Output) => {
        for (const item of o.shows ?? []) {
          if (!store.missing(item)) continue;
          readFor.push(o.path);
          store.put(item, `body of ${item.file}`);
        }
      };
      return { store, readFor, use };
    };
    const keptPages = (readFor: string[]) => readFor.filter((path) => /^articles\/([0-9]|[1-3][0-9])\.html$/.test(path));

    const given = setup();
    outputs.forEach(given.use);
    // In the order given, the feeds' bodies push every kept body out before its page comes.
    expect(keptPages(given.readFor)).toHaveLength(40);

    // No workers here (a minimum never reached): only the order differs.
    const ordered = setup();
    await eachWithBodiesAhead(outputs, ordered.store, parseSettings({ config: testConfig(), seedsDir: tempDir() }), Infinity, ordered.use);
    expect(keptPages(ordered.readFor)).toEqual([]);
    expect(ordered.readFor.length).toBeLessThan(given.readFor.length - 40);
  });

  it('without their worker script are not started', () => {
    expect(BodyReader.start(parseSettings({ config: testConfig(), seedsDir: tempDir() }), { workerUrl: pathToFileURL(join(tempDir(), 'none.js')) })).toBeUndefined();
  });

  it('let a publish write byte for byte what it writes without them, with no body read again on the rendering thread', async () => {
    const seeds = seedsFolder(80);
    const config = testConfig({ limit: 10, archive: { pageSize: 20 } });
    const run = async (publishWith: typeof SourcePublish, root: string) => {
      const parses = vi.spyOn(parseModule, 'parseSeed');
      try {
        const report = await publishWith({ seedsDir: seeds, outDir: join(root, 'out'), statePath: join(root, 'log.json'), config, now: NOW, bodiesKept: 40, bodiesAheadMin: 1 });
        return { report, parsedHere: parses.mock.calls.length };
      } finally {
        parses.mockRestore();
      }
    };
    const ahead = tempDir('seedfeed-bodies-ahead-');
    const withWorkers = await run(publish, ahead);
    // The sources have no compiled worker script beside them: every body is read on the rendering thread.
    const alone = tempDir('seedfeed-bodies-alone-');
    const withoutWorkers = await run(sourcePublish, alone);
    expect(withWorkers.report.exitCode).toBe(0);
    expect(withWorkers.report.written).toEqual(withoutWorkers.report.written);
    const mine = snapshot(join(ahead, 'out'));
    const theirs = snapshot(join(alone, 'out'));
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, file] of theirs) expect(mine.get(path)?.sha256, path).toBe(file.sha256);
    // Each of the 81 seeds parsed once when listed; the 41 bodies let go were read again on the workers only.
    expect(withWorkers.parsedHere).toBe(81);
  }, 60_000);
});

describe("a body's warnings when the build lets the body go", () => {
  // Markdown bodies with each warning a body can give, and bodies close to them that give none.
  const bodies: Record<string, string> = {
    'open-script.md': 'The council found an injected <script> tag in the form.\n\nThe rest of the story stays.\n',
    'open-two.md': 'An <style> and a <textarea> with no end.\n',
    'closed-script.md': 'A paragraph <script>alert(1)</script> closed in place.\n',
    'plaintext.md': 'Before <plaintext> after.\n',
    'control-reference.md': '<div>A reference &#1; to a control.</div>\n',
    'noncharacter-reference.md': '<p>A reference &#xFFFE; to a noncharacter.</p>\n',
    // In Markdown text, markdown-it reads the reference as U+FFFD itself.
    'noncharacter-in-text.md': 'A reference &#xFFFE; to a noncharacter, in text.\n',
    'nul-reference.md': '<p>A &#0; and a &#xD800; too.</p>\n',
    'c1-reference.md': '<p>A &#128; that HTML reads as the euro sign.</p>\n',
    'named-references.md': '<p>&amp; &lt; &Tab; &NewLine; &nbsp; &copy; and &notin; are fine.</p>\n',
    'clean.md': 'Nothing *odd* here, [a link](https://example.org/?a=1&b=2).\n',
    'raw-html.md': '<table><tr><td>Cell</td></tr></table>\n\n<p>A <b>bold <i>nest</b> left open\n',
  };

  it('are the warnings it gives when the build keeps it', () => {
    const seeds = join(tempDir('seedfeed-body-warnings-'), 'seeds');
    mkdirSync(seeds, { recursive: true });
    const past = new Date(Date.now() - 3_600_000);
    Object.entries(bodies).forEach(([name, body], i) => {
      writeFileSync(join(seeds, name), `---\ntitle: Story ${i}\nsource: Asbarez\ndate: 2023-05-${String(i + 1).padStart(2, '0')}\n---\n${body}`);
      utimesSync(join(seeds, name), past, past);
    });
    const config = testConfig();
    const warnings = (bodiesKept: number) =>
      build({ seedsDir: seeds, config, now: NOW, bodiesKept })
        .diagnostics.map((d) => `${basename(d.file)}:${d.line} ${d.rule} ${d.message}`)
        .sort();
    const kept = warnings(100);
    expect(warnings(0)).toEqual(kept);
    // The comparison covers both warnings, where they are due and nowhere else.
    const files = (rule: string) => [...new Set(kept.filter((w) => w.includes(` ${rule} `)).map((w) => w.slice(0, w.indexOf(':'))))].sort();
    expect(files('html-unclosed')).toEqual(['open-script.md', 'open-two.md', 'plaintext.md']);
    expect(files('xml-forbidden-char')).toEqual(['control-reference.md', 'noncharacter-reference.md', 'nul-reference.md']);
  });
});
