import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as parseModule from '../src/parse/index.js';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { NOW, tempDir, testConfig } from './helpers.js';
import { seedName, writeCorpus, writeSiteConfig } from './support/corpus.js';
import { buildArgs, runCli, siteIn, snapshot } from './support/cli.js';
import { loadConfig } from '../src/config.js';
import { publish } from '../src/publish.js';
import { runCheck } from '../src/commands/check.js';
import { EXIT, formatDiagnostic } from '../src/diagnostics.js';
import { compiledSeedfeed } from './support/dist.js';
import { build, parseJobs, parseSettings, type BuildResult } from '../src/build.js';
import { discoverSeeds } from '../src/discover.js';
import { PARALLEL_PARSE_MIN, runParseJob, type parseInWorkers as SourceParseInWorkers } from '../src/parse-pool.js';

// The workers run compiled JavaScript: these tests load the compiled pool, as
// the CLI does, and compare its results with the sources run here.
let parseInWorkers: typeof SourceParseInWorkers;
let cli: string;
beforeAll(async () => {
  const dist = compiledSeedfeed();
  cli = dist.cli;
  ({ parseInWorkers } = (await import(dist.module('parse-pool.js'))) as typeof import('../src/parse-pool.js'));
}, 120_000);

/** 300 seeds, plus the cases a parse can end in: a seed rejected outright, a Markdown body with a warning, a file gone before it is read. */
function seedsFolder(): string {
  const seeds = join(tempDir('seedfeed-parse-pool-'), 'seeds');
  writeCorpus(seeds, 300);
  writeFileSync(join(seeds, 'broken.md'), '---\ntitle: [unclosed\n---\nBody\n');
  writeFileSync(join(seeds, 'reference.md'), '---\ntitle: A Markdown story\nsource: Asbarez\n---\n<div>A bad reference &#1; here.</div>\n');
  writeFileSync(join(seeds, 'gone.txt'), 'Asbarez: A story\n\nA dek\n\nA body.\n\nSome One:\n');
  return seeds;
}

describe('parsing on worker threads', () => {
  it('gives for every seed what the calling thread gives, bodies kept or let go', async () => {
    const seeds = seedsFolder();
    const config = testConfig();
    const listing = discoverSeeds(seeds, seeds);
    unlinkSync(join(seeds, 'gone.txt'));
    const jobs = parseJobs(listing.seeds, undefined, 100);
    expect(jobs).toHaveLength(303);
    expect(jobs.filter((j) => j.keepBody)).toHaveLength(100);
    const settings = parseSettings({ config, seedsDir: seeds });
    const ticks: number[] = [];
    const results = await parseInWorkers(jobs, settings, { threads: 2, progress: { tick: (n = 1) => void ticks.push(n), done() {} } });
    expect(results?.size).toBe(303);
    expect(ticks.reduce((a, b) => a + b, 0)).toBe(303);
    for (const job of jobs) expect(results!.get(job.file.file), job.file.file).toEqual(runParseJob(job, settings));
    // The comparison covers each way a parse ends.
    const kinds = [...results!.values()].map((r) => Object.keys(r).sort().join(','));
    expect(new Set(kinds)).toEqual(new Set(['parsed', 'bodyDiagnostics,head', 'diagnostic']));
    expect(results!.get('gone.txt')).toMatchObject({ diagnostic: { rule: 'unreadable' } });
    // Listed after the corpus, past the 100 bodies kept: their bodies were let go, their warnings kept.
    expect(results!.get('broken.md')).toMatchObject({ head: { ok: false } });
    expect(results!.get('reference.md')).toMatchObject({ bodyDiagnostics: [{ rule: 'xml-forbidden-char', line: 5 }] });
  });

  it('leaves a build with the same outputs, diagnostics, records and bodies kept as one that parses everything itself', async () => {
    const seeds = seedsFolder();
    // Seeds that fail first in the listing: they count against the bodies kept either way.
    writeFileSync(join(seeds, '0-broken.md'), '---\ntitle: [unclosed\n---\nBody\n');
    writeFileSync(join(seeds, '0-gone.txt'), 'Asbarez: A story\n\nA dek\n\nA body.\n\nSome One:\n');
    // The first seed past the 20 bodies kept is a draft: its record has its body's warnings only if its body was let go at once.
    writeFileSync(join(seeds, seedName(18)), `---\ndraft: true\n---\n${readFileSync(join(seeds, seedName(18)), 'utf8')}`);
    const config = testConfig({ limit: 30 });
    const listing = discoverSeeds(seeds, seeds);
    unlinkSync(join(seeds, '0-gone.txt'));
    expect(listing.seeds.slice(0, 2).map((s) => s.file)).toEqual(['0-broken.md', '0-gone.txt']);
    expect(listing.seeds[20]?.file).toBe(seedName(18));
    // A few bodies kept: the others are let go and read again when shown, in both builds.
    const jobs = parseJobs(listing.seeds, undefined, 20);
    const parsed = await parseInWorkers(jobs, parseSettings({ config, seedsDir: seeds }));
    expect(parsed?.size).toBe(jobs.length);
    const parses = (run: () => BuildResult) => {
      const spy = vi.spyOn(parseModule, 'parseSeed');
      try {
        const result = run();
        // Every output rendered: the bodies let go are read again here.
        for (const o of result.outputs) void o.text;
        return { result, parsedHere: spy.mock.calls.length };
      } finally {
        spy.mockRestore();
      }
    };
    const ahead = parses(() => build({ seedsDir: seeds, config, now: NOW, listing, parsed: parsed!, bodiesKept: 20 }));
    const inline = parses(() => build({ seedsDir: seeds, config, now: NOW, listing, bodiesKept: 20 }));
    const mine = ahead.result;
    const theirs = inline.result;
    // As many bodies read again while rendering (the inline build also parsed each readable seed once up front).
    expect(inline.parsedHere - ahead.parsedHere).toBe(jobs.length - 1);
    expect(parsed?.size).toBe(0);
    expect(mine.diagnostics).toEqual(theirs.diagnostics);
    expect(mine.records).toEqual(theirs.records);
    expect(mine.records.find((r) => r.file === seedName(18))?.bodyDiagnostics).toEqual([]);
    expect(mine.outputs.map((o) => o.path)).toEqual(theirs.outputs.map((o) => o.path));
    for (const [i, o] of mine.outputs.entries()) expect(o.text, o.path).toBe(theirs.outputs[i]!.text);
    expect(mine.diagnostics.some((d) => d.rule === 'xml-forbidden-char')).toBe(true);
  });

  it('does nothing without its worker script, and the caller parses on its own thread', async () => {
    const seeds = seedsFolder();
    const jobs = parseJobs(discoverSeeds(seeds, seeds).seeds, undefined);
    expect(await parseInWorkers(jobs, parseSettings({ config: testConfig(), seedsDir: seeds }), { workerUrl: pathToFileURL(join(tempDir(), 'none.js')) })).toBeUndefined();
  });

  it('in a CLI check of many seeds, reports what one thread reports', async () => {
    const site = siteIn(tempDir('seedfeed-parse-check-'));
    writeCorpus(site.seeds, PARALLEL_PARSE_MIN + 20, 1);
    writeFileSync(join(site.seeds, 'broken.md'), '---\ntitle: [unclosed\n---\nBody\n');
    writeFileSync(join(site.seeds, 'weekday.txt'), 'Date: Mon, 02 Mar 2023 10:00:00 +0000\n\nAsbarez: A story on a Thursday\n\nA dek\n\nA body.\n');
    writeSiteConfig(site.config);
    const run = await runCli(cli, ['check', '--seeds', site.seeds, '--config', site.config], site.root);
    expect(run.code).toBe(EXIT.rejected);
    // The sources have no compiled worker script beside them: this check parses on one thread.
    const alone = await runCheck({ seeds: site.seeds, config: site.config });
    expect(alone.diagnostics.map((d) => d.rule)).toEqual(expect.arrayContaining(['front-matter-yaml', 'date-weekday']));
    expect(run.stderr.split('\n').filter(Boolean)).toEqual(alone.diagnostics.map(formatDiagnostic));
  }, 120_000);

  it('in a CLI build of many seeds, publishes byte for byte what one thread publishes from the same publish log', async () => {
    const site = siteIn(tempDir('seedfeed-parse-cli-'));
    writeCorpus(site.seeds, PARALLEL_PARSE_MIN + 50, 1);
    writeSiteConfig(site.config);
    expect(existsSync(join(dirname(cli), 'parse-worker.js'))).toBe(true);
    const run = await runCli(cli, buildArgs(site, '--quiet'), site.root);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The same seeds and log, published by the sources on this thread (no worker script beside them).
    const again = join(site.root, 'again');
    mkdirSync(again);
    copyFileSync(site.state, join(again, 'log.json'));
    const report = await publish({ seedsDir: site.seeds, outDir: join(again, 'out'), statePath: join(again, 'log.json'), config: loadConfig(site.config) });
    expect(report.counts.published).toBe(PARALLEL_PARSE_MIN + 50);
    const mine = snapshot(site.out);
    const theirs = snapshot(join(again, 'out'));
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, file] of theirs) expect(mine.get(path)?.sha256, path).toBe(file.sha256);
    expect(readFileSync(join(site.out, 'feed.xml'), 'utf8')).toContain(`number ${PARALLEL_PARSE_MIN + 49}`);
  }, 120_000);
});
