import { describe, expect, it, vi } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publish, type PublishReport } from '../src/publish.js';
import * as parseModule from '../src/parse/index.js';
import { cacheKey, cachePathFor, cachesBeside, readCache } from '../src/cache.js';
import { stampPathFor } from '../src/fastpath.js';
import { NOW, bytesUnder, tempDir, testConfig } from './helpers.js';
import { seedName, seedText, writeCorpus } from './support/corpus.js';

/**
 * Incremental rebuilds: a run reuses the last run's parse of every seed it
 * lists unchanged and renders only the outputs whose fingerprint moved. The
 * proof that this is safe: after each kind of change, the output folder of
 * the incremental run is byte for byte the output of a build from scratch
 * with the same publish log, and the incremental run read only the seeds it
 * had to.
 */

const COUNT = 120;
let clock = Date.UTC(2025, 0, 1);
/** Every write gets its own mtime, well in the past (seeds cron finds have settled). */
function settle(path: string) {
  clock += 60_000;
  const when = new Date(clock);
  utimesSync(path, when, when);
}

function site(config = testConfig({ limit: 20, archive: { pageSize: 25 } })) {
  const root = tempDir('seedfeed-incremental-');
  const seeds = join(root, 'seeds');
  for (const name of writeCorpus(seeds, COUNT)) settle(join(seeds, name));
  const out = join(root, 'out');
  const statePath = join(root, 'state', 'log.json');
  let runs = 0;
  /** An incremental run (the stamp removed, so the no-op path does not answer), counting the seeds it parsed. */
  const run = async (): Promise<{ report: PublishReport; parsed: string[] }> => {
    rmSync(stampPathFor(statePath), { force: true });
    const spy = vi.spyOn(parseModule, 'parseSeed');
    try {
      const report = await publish({ seedsDir: seeds, outDir: out, statePath, config, now: new Date(NOW.getTime() + ++runs * 3_600_000) });
      return { report, parsed: spy.mock.calls.map((c) => c[1].replace(/^.*\//, '')) };
    } finally {
      spy.mockRestore();
    }
  };
  /** The same seeds and publish log built from scratch: no cache, empty output folder. */
  const fromScratch = async () => {
    const again = join(tempDir('seedfeed-scratch-'), 'state');
    mkdirSync(again);
    copyFileSync(statePath, join(again, 'log.json'));
    const fresh = join(again, 'out');
    await publish({ seedsDir: seeds, outDir: fresh, statePath: join(again, 'log.json'), config, now: new Date(NOW.getTime() + runs * 3_600_000) });
    return fresh;
  };
  const expectSameAsScratch = async () => {
    const mine = bytesUnder(out);
    const theirs = bytesUnder(await fromScratch());
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, bytes] of theirs) expect(mine.get(path)?.toString('utf8'), path).toBe(bytes.toString('utf8'));
  };
  const edit = (n: number, change: (text: string) => string) => {
    const path = join(seeds, seedName(n));
    writeFileSync(path, change(readFileSync(path, 'utf8')));
    settle(path);
  };
  return { seeds, out, statePath, config, run, expectSameAsScratch, edit };
}

describe('incremental rebuilds', () => {
  it('reuse every unchanged seed and give the same bytes as a build from scratch after each kind of change', async () => {
    const s = site();
    const first = await s.run();
    expect(first.parsed).toHaveLength(COUNT);
    expect(existsSync(cachePathFor(s.statePath))).toBe(true);

    // Nothing changed (but the stamp is gone): nothing parsed, nothing rendered, nothing written.
    const idle = await s.run();
    expect(idle.parsed).toEqual([]);
    expect(idle.report.counts.written).toBe(0);
    await s.expectSameAsScratch();

    const add = (n: number) => {
      const path = join(s.seeds, seedName(n));
      writeFileSync(path, seedText(n));
      settle(path);
    };
    const steps: [string, () => void, (r: { report: PublishReport; parsed: string[] }, before: PublishReport) => void][] = [
      [
        'an old seed body edited',
        () => s.edit(3, (t) => t.replace('A short standfirst', 'A short standfirst\n\nA paragraph added later.\n\nAnd') ),
        (r) => {
          expect(r.report.counts.updated).toBe(1);
          // Its own page, its archive page (three formats) and its topic feeds it is new enough for; not every page.
          expect(r.report.written).toContain('articles/' + r.report.updated[0]!.id.replace(/^.*articles\//, '') + '.html');
          expect(r.report.counts.written).toBeLessThan(30);
          // The changed seed, plus the seeds shown with it in the outputs it is in: never the whole corpus.
          expect(r.parsed).toContain(seedName(3));
          expect(r.parsed.length).toBeLessThan(COUNT / 2);
        },
      ],
      ['the newest seed retitled', () => s.edit(COUNT - 1, (t) => t.replace('number 119', 'number 119, retitled')), (r) => expect(r.report.counts.updated).toBe(1)],
      ['a seed moved to another category', () => s.edit(50, (t) => t.replace(/^Categories: .*$/m, 'Categories: brand new topic, corpus')), (r) => expect(r.report.written).toContain('categories/brand-new-topic/feed.xml')],
      ['a sharer changed', () => s.edit(60, (t) => t.replace(/^[A-Z][a-z]+ [A-Z][a-z]+:$/m, 'Someone Else:')), (r) => expect(r.report.written.some((p) => p.startsWith('shared-by/someone-else/'))).toBe(true)],
      ['an old seed re-dated to be the newest', () => s.edit(10, (t) => t.replace(/^Date: .*$/m, 'Date: 2026-01-01T00:00:00Z')), (r) => expect(r.report.written).toContain('feed.xml')],
      [
        'a seed added',
        () => add(500),
        (r) => {
          expect(r.report.counts.new).toBe(1);
          expect(r.parsed).toContain(seedName(500));
        },
      ],
      [
        'four seeds added, filling the fifth archive page, which appears whole: the full page before it changes only by its next-archive link',
        () => [501, 502, 503, 504].forEach(add),
        (r) => {
          expect(r.report.counts.new).toBe(4);
          expect(r.report.written).toContain('archive/5/feed.xml');
          expect(r.report.written).toContain('archive/4/feed.xml');
        },
      ],
      ['one more seed, which waits for a sixth page: no archive page changes', () => add(505), (r) => expect(r.report.written.filter((p) => p.startsWith('archive/'))).toEqual([])],
      ['a seed deleted', () => unlinkSync(join(s.seeds, seedName(20))), (r) => expect(r.report.counts.removed).toBe(1)],
      [
        'a seed renamed',
        () => {
          renameSync(join(s.seeds, seedName(30)), join(s.seeds, 'renamed.txt'));
          settle(join(s.seeds, 'renamed.txt'));
        },
        (r) => {
          expect(r.report.counts.removed).toBe(0);
          expect(r.report.counts.new).toBe(0);
        },
      ],
      ['a seed broken', () => s.edit(40, () => '---\ntitle: [unclosed\n---\nBody\n'), (r) => expect(r.report.rejected).toContain(seedName(40))],
      ['a seed made a draft', () => s.edit(41, (t) => `---\ndraft: true\n---\n${t}`), (r, before) => expect(r.report.counts.published).toBe(before.counts.published - 1)],
      ['a seed mended', () => s.edit(40, () => seedText(40)), (r) => expect(r.report.rejected).toEqual([])],
      ['an mtime moved, the bytes did not', () => settle(join(s.seeds, seedName(70))), (r) => expect(r.report.counts.written).toBe(0)],
      [
        'an item page and a topic feed edited in place (their folders keep their mtimes), then a seed edited',
        () => {
          writeFileSync(join(s.out, 'articles', readdirSync(join(s.out, 'articles')).sort()[0]!), 'edited by hand');
          writeFileSync(join(s.out, 'categories', 'corpus', 'feed.xml'), 'truncated');
          s.edit(90, (t) => t.replace('A short standfirst', 'An edited standfirst'));
        },
        (r) => {
          expect(r.report.written).toContain('categories/corpus/feed.xml');
          expect(r.report.written.filter((p) => p.startsWith('articles/')).length).toBeGreaterThanOrEqual(2);
        },
      ],
      [
        'an output deleted by hand',
        () => unlinkSync(join(s.out, 'categories', 'corpus', 'feed.json')),
        (r) => expect(r.report.written).toEqual(['categories/corpus/feed.json']),
      ],
    ];
    let before = idle.report;
    for (const [what, change, check] of steps) {
      change();
      const result = await s.run();
      expect(result.report.exitCode, what).toBeLessThanOrEqual(1);
      check(result, before);
      await s.expectSameAsScratch();
      before = result.report;
    }
  });

  it('renders every output again when the cache is lost, damaged or made under another config', async () => {
    const s = site();
    await s.run();
    writeFileSync(cachePathFor(s.statePath), '{"version":1,"key":"x"');
    expect((await s.run()).parsed).toHaveLength(COUNT);
    rmSync(cachePathFor(s.statePath));
    expect((await s.run()).parsed).toHaveLength(COUNT);
    await s.expectSameAsScratch();

    const other = testConfig({ limit: 20, archive: { pageSize: 25 }, title: 'Another title' });
    const report = await publish({ seedsDir: s.seeds, outDir: s.out, statePath: s.statePath, config: other, now: NOW });
    expect(report.written).toContain('feed.xml');
    expect(readFileSync(join(s.out, 'feed.xml'), 'utf8')).toContain('<title>Another title</title>');
  });

  it('reads a seed modified moments before the run again next time, even if its size and mtime then look the same', async () => {
    const s = site();
    await s.run();
    const path = join(s.seeds, seedName(5));
    writeFileSync(path, readFileSync(path, 'utf8').replace('A short standfirst', 'A fresh standfirst'));
    // Modified just now: within the racy window, so its record is not kept.
    await s.run();
    const cache = readCache(cachePathFor(s.statePath), cacheKey(s.config, s.seeds, s.out));
    expect(cache?.seeds.size).toBe(COUNT - 1);
    expect(cache?.seeds.has(seedName(5))).toBe(false);
    expect(statSync(path).mtimeMs).toBeGreaterThan(Date.now() - 10_000);
    expect((await s.run()).parsed).toContain(seedName(5));
    await s.expectSameAsScratch();
  });
});

describe('a build that keeps few bodies in memory', () => {
  it('reads the others again when it renders them, and gives the same bytes as one that keeps them all', async () => {
    const root = tempDir('seedfeed-bodies-');
    const seeds = join(root, 'seeds');
    for (const name of writeCorpus(seeds, 60)) settle(join(seeds, name));
    // A Markdown seed whose body warns (a character reference XML forbids): the warning must survive the body being let go.
    writeFileSync(join(seeds, 'zz-markdown.md'), '---\ntitle: A Markdown story\nsource: Asbarez\ncategories: [corpus]\n---\n<div>A body with a bad reference &#1; in it.</div>\n');
    settle(join(seeds, 'zz-markdown.md'));
    const config = testConfig({ limit: 20, archive: { pageSize: 25 } });
    const run = async (bodiesKept: number | undefined) => {
      const out = join(root, `out-${bodiesKept ?? 'all'}`);
      const statePath = join(root, `state-${bodiesKept ?? 'all'}`, 'log.json');
      const spy = vi.spyOn(parseModule, 'parseSeed');
      try {
        const report = await publish({ seedsDir: seeds, outDir: out, statePath, config, now: NOW, ...(bodiesKept !== undefined ? { bodiesKept } : {}) });
        return { out, report, parses: spy.mock.calls.length };
      } finally {
        spy.mockRestore();
      }
    };
    const all = await run(undefined);
    const few = await run(3);
    expect(all.parses).toBe(61);
    // Each seed once to list it, and again (at least once) to render it: its page, its archive page, its feeds.
    expect(few.parses).toBeGreaterThan(61 * 2 - 3);
    const rule = (r: PublishReport) => r.diagnostics.filter((d) => d.rule === 'xml-forbidden-char').map((d) => d.line);
    expect(rule(few.report)).toEqual(rule(all.report));
    expect(rule(all.report)).toHaveLength(1);
    const mine = bytesUnder(few.out);
    const theirs = bytesUnder(all.out);
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, bytes] of theirs) expect(mine.get(path)?.toString('utf8'), path).toBe(bytes.toString('utf8'));
  });
});

describe('a seed edited while a run is publishing it', () => {
  it('fails the run before anything is written, and the next run publishes the seed as it is then', async () => {
    const root = tempDir('seedfeed-midrun-');
    const seeds = join(root, 'seeds');
    for (const name of writeCorpus(seeds, 6)) settle(join(seeds, name));
    const out = join(root, 'out');
    const statePath = join(root, 'state', 'log.json');
    const config = testConfig();
    await publish({ seedsDir: seeds, outDir: out, statePath, config, now: NOW });
    const before = bytesUnder(out);
    const target = join(seeds, seedName(2));
    const original = readFileSync(target, 'utf8');
    // Listed and parsed with the old bytes; rewritten in place before its body is read to be rendered.
    const progress = () => ({ tick() {}, done: () => writeFileSync(target, `${original}\nA line written mid-run.\n`) });
    // Without stamp and cache every output is rendered again, so every body is read again.
    for (const cache of cachesBeside(statePath)) rmSync(cache, { force: true });
    await expect(publish({ seedsDir: seeds, outDir: out, statePath, config, now: NOW, bodiesKept: 0, progress })).rejects.toThrow(/changed while this run was publishing it/);
    const after = bytesUnder(out);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [path, bytes] of before) expect(after.get(path)?.equals(bytes), path).toBe(true);
    // Put back as it was, with an old mtime: nothing the failed run saw may linger.
    writeFileSync(target, original);
    settle(target);
    const report = await publish({ seedsDir: seeds, outDir: out, statePath, config, now: NOW, bodiesKept: 0 });
    expect(report.exitCode).toBe(0);
    for (const [path, bytes] of bytesUnder(out)) expect(bytes.toString('utf8'), path).not.toContain('mid-run');
  });
});

describe('a build cache that cannot be written', () => {
  it('is a warning naming it; the run publishes, and the next one does the work again', async () => {
    const root = tempDir('seedfeed-cache-blocked-');
    const seeds = join(root, 'seeds');
    for (const name of writeCorpus(seeds, 4)) settle(join(seeds, name));
    const statePath = join(root, 'state', 'log.json');
    // A folder where the cache file goes: it cannot be replaced.
    mkdirSync(cachePathFor(statePath), { recursive: true });
    const report = await publish({ seedsDir: seeds, outDir: join(root, 'out'), statePath, config: testConfig(), now: NOW });
    expect(report.exitCode).toBe(0);
    expect(report.counts.published).toBe(4);
    expect(report.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', rule: 'cache-not-written', file: cachePathFor(statePath) })]);
    expect(existsSync(join(root, 'out', 'feed.xml'))).toBe(true);
  });
});

describe('diagnostics from the build cache', () => {
  it('are the ones a full run reports, with the same files, lines and rules, and the same repairs', async () => {
    const root = tempDir('seedfeed-cached-diagnostics-');
    const seeds = join(root, 'seeds');
    mkdirSync(seeds);
    const files: Record<string, string> = {
      'control.txt': 'Categories: tests\n\nAsbarez: A title with a bell\u0007 in it\n\nA dek\n\nA body on free _expression_.\n\nSome One:\n',
      'reference.md': '---\ntitle: A Markdown story\nsource: Asbarez\n---\n<div>A bad reference &#1; here.</div>\n',
      'broken.md': '---\ntitle: [unclosed\n---\nBody\n',
      'draft.md': '---\ntitle: Not yet\ndraft: true\n---\nBody\n',
      'plain.txt': seedText(7),
    };
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(seeds, name), text);
      settle(join(seeds, name));
    }
    const statePath = join(root, 'state', 'log.json');
    const run = async () => {
      rmSync(stampPathFor(statePath), { force: true });
      const spy = vi.spyOn(parseModule, 'parseSeed');
      try {
        return { report: await publish({ seedsDir: seeds, outDir: join(root, 'out'), statePath, config: testConfig(), now: NOW }), parsed: spy.mock.calls.length };
      } finally {
        spy.mockRestore();
      }
    };
    const first = await run();
    const again = await run();
    const seen = (r: PublishReport) => r.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}`);
    expect(seen(first.report)).toEqual(expect.arrayContaining([expect.stringMatching(/control\.txt:3 warning xml-forbidden-char/), expect.stringMatching(/reference\.md:5 warning xml-forbidden-char/), expect.stringMatching(/broken\.md:\d+ error/)]));
    expect(seen(again.report)).toEqual(seen(first.report));
    expect(again.report.repairs).toEqual(first.report.repairs);
    expect(again.report.repairs.length).toBeGreaterThan(0);
    expect(again.report.exitCode).toBe(first.report.exitCode);
    // Only the seeds that never publish (the broken one and the draft) are read again.
    expect(again.parsed).toBe(2);
  });
});
