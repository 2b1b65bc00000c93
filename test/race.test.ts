import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { seedName, seedText, writeCorpus, writeSiteConfig } from './support/corpus.js';
import { compiledSeedfeed } from './support/dist.js';
import { buildArgs, expectValidOutputs, mainFeedIds, outputProblem, readPublishLog, runCli, siteIn, tempFiles, type CliRun, type Site } from './support/cli.js';
import { cachesBeside } from '../src/cache.js';
import { journalPathFor } from '../src/fastpath.js';

/** Builds started at once on the same folders, as overlapping cron jobs or a cron job and a person would. */
const RUNS = 8;
const SEEDS = 80;

let cli: string;
beforeAll(() => {
  cli = compiledSeedfeed().cli;
});

function newSite(): Site {
  const site = siteIn(tempDir('seedfeed-race-'));
  writeCorpus(site.seeds, SEEDS, 2);
  writeSiteConfig(site.config, { limit: 1000 });
  return site;
}

/**
 * Starts RUNS builds at once and, until they have all ended, keeps reading
 * the main feeds the way a feed reader would; returns the runs and any
 * incomplete file a reader saw.
 */
async function race(site: Site, ...extra: string[]): Promise<{ runs: CliRun[]; reports: string[]; seenBroken: string[]; reads: number }> {
  const reports = Array.from({ length: RUNS }, (_, i) => join(site.root, `report-${i}.json`));
  let running = RUNS;
  const runs = Promise.all(reports.map((report) => runCli(cli, buildArgs(site, '--report', report, ...extra), site.root).finally(() => running--)));
  const seenBroken: string[] = [];
  let reads = 0;
  while (running > 0) {
    for (const name of ['feed.xml', 'atom.xml', 'feed.json']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(site.out, name));
      } catch {
        continue; // not written yet
      }
      reads++;
      const problem = outputProblem(name, bytes);
      if (problem) seenBroken.push(`${name}: ${problem}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { runs: await runs, reports, seenBroken, reads };
}

function expectCleanAfterwards(site: Site): void {
  expectValidOutputs(site.out);
  expect(tempFiles(site.out)).toEqual([]);
  // No lock, no temporary file: beside the publish log only its caches (no-op stamp, build cache, patch index) and,
  // after a patch run (one that found a stamp: the seeds settled while the race ran), its journal may stay.
  const state = [...cachesBeside(site.state), journalPathFor(site.state)].map((c) => basename(c));
  expect(readdirSync(dirname(site.state)).filter((n) => !state.includes(n))).toEqual([basename(site.state)]);
  const log = readPublishLog(site.state);
  for (const id of mainFeedIds(site.out).rss!) expect(log.ids.has(id)).toBe(true);
}

describe(`${RUNS} builds started at once`, () => {
  it('each exits 0 or 3, a loser names the holder, one wins, and readers only ever see complete feeds', async () => {
    const site = newSite();
    const { runs, seenBroken } = await race(site);
    expect(seenBroken).toEqual([]);
    const codes = runs.map((r) => r.code);
    expect(codes.every((c) => c === 0 || c === 3), JSON.stringify(runs.filter((r) => r.code !== 0 && r.code !== 3))).toBe(true);
    expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(1);
    // The first build of 80 seeds holds the lock far longer than it takes to start the others.
    expect(codes.filter((c) => c === 3).length).toBeGreaterThanOrEqual(1);
    for (const run of runs) {
      if (run.code !== 3) continue;
      expect(run.stderr).toMatch(/^seedfeed: another seedfeed run holds .*publish-log\.json\.lock \(pid \d+ on .+, started \d{4}-\d\d-\d\dT[\d:.]+Z\); try again later or pass --wait SECONDS\n$/);
      expect(run.stdout).toBe('');
    }
    expectCleanAfterwards(site);
    expect(mainFeedIds(site.out).rss).toHaveLength(SEEDS);
    // Every item was published once, by one run: the others saw its entry in the log.
    expect(readPublishLog(site.state).entries).toHaveLength(SEEDS);
  });

  it('with --wait 30 all succeed, one after another: only the first writes, the rest find nothing to do', async () => {
    const site = newSite();
    const { runs, reports, seenBroken, reads } = await race(site, '--wait', '30', '--quiet');
    expect(seenBroken).toEqual([]);
    expect(runs.map((r) => [r.code, r.stdout, r.stderr])).toEqual(runs.map(() => [0, '', '']));
    const written = reports.map((r) => (JSON.parse(readFileSync(r, 'utf8')) as { written: string[] }).written.length);
    expect(written.filter((n) => n > 0)).toHaveLength(1);
    const created = reports.map((r) => (JSON.parse(readFileSync(r, 'utf8')) as { counts: { new: number } }).counts.new);
    expect(created.sort((a, b) => b - a)).toEqual([SEEDS, ...Array<number>(RUNS - 1).fill(0)]);
    expect(reads).toBeGreaterThan(0);
    expectCleanAfterwards(site);

    // And again with a seed changed in between: still exactly one run writes.
    writeFileSync(join(site.seeds, seedName(7)), seedText(7, 2).replace('A short standfirst', 'A changed standfirst'));
    const again = await race(site, '--wait', '30', '--quiet');
    expect(again.seenBroken).toEqual([]);
    expect(again.runs.every((r) => r.code === 0)).toBe(true);
    const updated = again.reports.map((r) => (JSON.parse(readFileSync(r, 'utf8')) as { counts: { updated: number; written: number } }).counts);
    expect(updated.filter((c) => c.written > 0)).toHaveLength(1);
    expect(updated.filter((c) => c.updated === 1)).toHaveLength(1);
    expectCleanAfterwards(site);
  });
});
