import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, tempDir } from './helpers.js';

/**
 * `npm run bench` works end to end on a tiny corpus: it generates the seeds,
 * runs every measurement once and writes the results table. Timing is the
 * benchmark's business (bench/RESULTS.md); nothing here asserts a duration.
 */
describe('the benchmark, as a smoke test', () => {
  const hugo = spawnSync('hugo', ['version']).status === 0;
  const cc = spawnSync('cc', ['--version']).status === 0;

  it('generates a corpus, measures every scenario once and writes the table', () => {
    // The bench runs the bundled CLI, the one `seedfeed` and `npm start` run.
    const cli = join(REPO, 'dist', 'bin', 'cli.js');
    expect(existsSync(cli), 'dist/bin/cli.js is missing: run "npm run build" (npm ci does) before the tests').toBe(true);
    const dir = tempDir('seedfeed-bench-');
    const results = join(dir, 'RESULTS.md');
    const run = spawnSync(process.execPath, [join(REPO, 'bench', 'run.mjs'), '--sizes', '200', '--runs', '1', '--corpora', join(dir, 'corpora'), '--results', results], {
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(run.status, run.stderr).toBe(0);

    // The main runs build no archive pages (they are measured apart): the bench found the config module of the CLI it runs.
    expect(JSON.parse(readFileSync(join(dir, 'corpora', '200', 'work', 'seedfeed.config.json'), 'utf8'))).toMatchObject({ archive: false });

    const seeds = readdirSync(join(dir, 'corpora', '200', 'seeds'));
    expect(seeds).toHaveLength(200);
    expect(seeds.some((f) => f.endsWith('.md'))).toBe(true);
    expect(seeds.some((f) => f.endsWith('.txt'))).toBe(true);

    const raw = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const measured = raw.sizes['200'];
    const expected = ['full', 'noop', 'changed', 'added', 'floorRead', 'floorStat', ...(hugo ? ['hugo', 'hugoSite'] : []), ...(cc ? ['floorReadC'] : [])];
    for (const key of expected) expect(measured.scenarios[key], key).toMatchObject({ runs: 1, wallMs: expect.any(Number) });
    expect(measured.notes.items.seedfeed).toBe(50);
    if (hugo) expect(measured.notes.items.hugo).toBe(50);
    // Hugo's same site has as many files as seedfeed's full build: a page per story, a page and three feeds per
    // topic, the home page and the main feeds (seedfeed adds its style sheet and the OPML; Hugo has no such files).
    if (hugo) expect(measured.notes.output.hugoSite.files).toBe(measured.notes.output.seedfeed.files - 2);
    expect(measured.notes.filesWritten.noop).toBe(0);
    // The edit the bench makes moves nothing: it is patched in (src/patch.ts). Whether the seed it adds is depends
    // on the corpus (at 200 seeds it starts a topic, which takes a full run); the kind of run is noted either way.
    expect(measured.notes.runs.changed).toEqual(['patch']);
    expect(measured.notes.runs.added).toEqual([expect.stringMatching(/^(patch|full)$/)]);

    const table = readFileSync(results, 'utf8');
    const rows = [
      'seedfeed: full build, empty out/, fresh state',
      'seedfeed: no-op rebuild',
      'seedfeed: rebuild, one seed changed',
      'seedfeed: rebuild, one seed added',
      'floor: read every file, Node sync loop',
      'floor: readdir + stat every file, Node',
      'no-op / stat floor',
      'one changed / no-op',
      'files written by the no-op',
      ...(hugo ? ['Hugo: full build, home RSS only', 'full build / Hugo', 'Hugo: the same site', 'full build / Hugo, the same site'] : []),
    ];
    for (const row of rows) expect(table, row).toContain(`| ${row}`);
    expect(table).toMatch(/\| \| 200 \|/);

    // Where a full build's time goes, by phase, on the same corpus and config.
    const phases = spawnSync(process.execPath, [join(REPO, 'bench', 'phases.mjs'), '--size', '200', '--sample', '50', '--corpora', join(dir, 'corpora')], { encoding: 'utf8', timeout: 120_000 });
    expect(phases.status, phases.stderr).toBe(0);
    expect(phases.stdout).toMatch(/^Full build of 200 seeds, by phase/);
    for (const row of ['list the seeds', 'read and parse', 'build: normalize', 'render every output']) expect(phases.stdout, row).toContain(`| ${row}`);
    // Every output the full build wrote is rendered once and counted under its kind.
    const counted = [...phases.stdout.matchAll(/^\| (main feeds|topic feeds|item pages|home and topic pages|archive pages|other) \| (\d+) \|/gm)];
    expect(counted.map((m) => m[1])).toEqual(expect.arrayContaining(['main feeds', 'topic feeds', 'item pages', 'home and topic pages']));
    expect(counted.reduce((sum, m) => sum + Number(m[2]), 0)).toBe(measured.notes.output.seedfeed.files);
    expect(phases.stdout).toMatch(/Reading and parsing one seed on one thread: \d+\.\d{3} ms \(mean over the first 50\)/);
  }, 300_000);
});
