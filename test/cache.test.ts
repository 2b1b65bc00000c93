import { describe, expect, it, vi } from 'vitest';
import { appendFileSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FORMATS } from '../src/render/formats.js';
import { TEMP_MARK } from '../src/write.js';
import { publish } from '../src/publish.js';
import * as parseModule from '../src/parse/index.js';
import { cacheKey, cachePathFor, readCache } from '../src/cache.js';
import { stampPathFor } from '../src/fastpath.js';
import { NOW, tempDir, testConfig } from './helpers.js';
import { seedName, writeCorpus } from './support/corpus.js';

/** The build cache file: a snapshot, then appended changes (src/cache.ts). */

const COUNT = 40;
let clock = Date.UTC(2025, 0, 1);
function settle(path: string) {
  clock += 60_000;
  utimesSync(path, new Date(clock), new Date(clock));
}

function site() {
  const root = tempDir('seedfeed-cache-');
  const seeds = join(root, 'seeds');
  for (const name of writeCorpus(seeds, COUNT)) settle(join(seeds, name));
  const out = join(root, 'out');
  const statePath = join(root, 'state', 'log.json');
  const config = testConfig({ limit: 10, archive: false });
  const cachePath = cachePathFor(statePath);
  const run = async () => {
    rmSync(stampPathFor(statePath), { force: true });
    const spy = vi.spyOn(parseModule, 'parseSeed');
    try {
      const report = await publish({ seedsDir: seeds, outDir: out, statePath, config, now: NOW });
      return { report, parsed: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  };
  const edit = (n: number, words: string) => {
    const path = join(seeds, seedName(n));
    writeFileSync(path, readFileSync(path, 'utf8').replace('A short standfirst', `A short standfirst, ${words}`));
    settle(path);
  };
  const lines = () => readFileSync(cachePath, 'utf8').split('\n').filter(Boolean);
  const read = () => readCache(cachePath, cacheKey(config, seeds, out));
  return { run, edit, lines, read, cachePath };
}

describe('the build cache file', () => {
  it('gets a few lines appended by a run that changed a few seeds, not a new snapshot', async () => {
    const s = site();
    await s.run();
    const before = s.lines();
    expect(s.read()?.seeds.size).toBe(COUNT);
    s.edit(5, 'edited once');
    // The edited seed, and the bodies of the items shown beside it in the topic feeds it is in.
    expect((await s.run()).parsed).toBeLessThan(COUNT / 2);
    const after = s.lines();
    // Same header and snapshot; the edited seed's record and the stamps of the outputs it changed appended.
    expect(after.slice(0, before.length)).toEqual(before);
    const appended = after.slice(before.length).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(appended.filter((l) => 's' in l)).toHaveLength(1);
    expect(appended.some((l) => 'o' in l)).toBe(true);
    expect(appended.length).toBeLessThan(30);
    // Read back, later lines win: the next run reuses every seed.
    expect(s.read()?.appendedLines).toBe(appended.length);
    expect(await s.run()).toMatchObject({ parsed: 0, report: { counts: { written: 0 } } });
  });

  it('writes a new snapshot once the appended part outgrows a quarter of it', async () => {
    const s = site();
    await s.run();
    const snapshot = s.read()!.snapshotLines;
    let rounds = 0;
    while (s.read()!.appendedLines * 4 <= snapshot && rounds < 50) {
      s.edit(rounds % COUNT, `round ${rounds}`);
      await s.run();
      rounds++;
    }
    expect(rounds).toBeLessThan(50);
    s.edit(1, 'one more');
    await s.run();
    const cache = s.read()!;
    expect(cache.appendedLines).toBe(0);
    expect(cache.seeds.size).toBe(COUNT);
  });

  it('skips a last line cut short by a killed run, and writes a new snapshot instead of appending to it', async () => {
    const s = site();
    await s.run();
    appendFileSync(s.cachePath, '{"s":{"file":"00003_seed.txt","size":1');
    expect(s.read()?.cut).toBe(true);
    expect((await s.run()).parsed).toBe(0);
    expect(readFileSync(s.cachePath, 'utf8')).not.toContain('"size":1\n');
    expect(s.read()).toMatchObject({ cut: false, appendedLines: 0 });
  });

  it('counts the lines of a new snapshot in its header, which it writes before rendering and finishes after', async () => {
    const s = site();
    await s.run();
    const [header, ...rest] = s.lines();
    const { lines } = JSON.parse(header!) as { lines: number };
    // Every seed's record and every output's stamp; the count was written over the room left for it.
    expect(lines).toBe(rest.length);
    expect(rest.filter((l) => l.startsWith('{"s":'))).toHaveLength(COUNT);
    expect(s.read()).toMatchObject({ snapshotLines: rest.length, appendedLines: 0, cut: false });
  });

  it('stays as it was, with no temporary file beside it, when a run fails while it renders', async () => {
    const s = site();
    await s.run();
    // A new snapshot, begun before rendering: the cache is lost, as a run that found none would.
    writeFileSync(s.cachePath, readFileSync(s.cachePath, 'utf8').replace('"version":2', '"version":1'));
    const before = readFileSync(s.cachePath);
    s.edit(3, 'for a run that fails');
    for (const f of FORMATS) vi.spyOn(f, 'renderMany').mockImplementation(() => {
      throw new Error('a renderer that fails');
    });
    for (const f of FORMATS) vi.spyOn(f, 'render').mockImplementation(() => {
      throw new Error('a renderer that fails');
    });
    try {
      await expect(s.run()).rejects.toThrow(/failed to render|a renderer that fails/);
    } finally {
      vi.restoreAllMocks();
    }
    expect(readFileSync(s.cachePath)).toEqual(before);
    expect(readdirSync(dirname(s.cachePath)).filter((n) => n.includes(TEMP_MARK))).toEqual([]);
    // The next run writes a new snapshot of every seed.
    expect((await s.run()).parsed).toBe(COUNT);
    expect(s.read()).toMatchObject({ appendedLines: 0, cut: false });
  });

  it('is of no use when a line before the last is damaged: every seed is read again', async () => {
    const s = site();
    await s.run();
    const lines = s.lines();
    lines[3] = '{"s": damaged';
    writeFileSync(s.cachePath, lines.join('\n') + '\n');
    expect(s.read()).toBeUndefined();
    expect((await s.run()).parsed).toBe(COUNT);
  });
});
