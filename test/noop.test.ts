import { describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publish } from '../src/publish.js';
import * as buildModule from '../src/build.js';
import { stampPathFor } from '../src/fastpath.js';
import { NOW, tempDir, testConfig, writeTree } from './helpers.js';

const seed = (title: string) => `Categories: Tests\n\nAsbarez: ${title}\n\nA dek line\n\nA body paragraph on free _expression_.\n\nNo Op Tester:\n`;

/** Seeds dated well before the listing, as cron finds them: a listing this old may be stamped. */
function age(dir: string) {
  const past = new Date(Date.now() - 60_000);
  for (const name of readdirSync(dir)) utimesSync(join(dir, name), past, past);
}

function site() {
  const seeds = writeTree(tempDir(), { 'a.txt': seed('First story'), 'b.txt': seed('Second story') });
  age(seeds);
  const out = tempDir();
  const statePath = join(tempDir(), 'log.json');
  const config = testConfig();
  const run = (overrides: Partial<Parameters<typeof publish>[0]> = {}) => publish({ seedsDir: seeds, outDir: out, statePath, config, now: NOW, ...overrides });
  return { seeds, out, statePath, run };
}

describe('the no-op fast path', () => {
  it('decides from readdir and stat that nothing changed: no build, no write, the same report', async () => {
    const { statePath, run, out } = site();
    const first = await run();
    expect(first.counts.written).toBeGreaterThan(0);
    expect(existsSync(stampPathFor(statePath))).toBe(true);
    const mtime = statSync(join(out, 'feed.xml')).mtimeMs;
    const spy = vi.spyOn(buildModule, 'build');
    const second = await run();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(second.counts).toMatchObject({ published: 2, written: 0, new: 0, seeds: 2, repairs: first.counts.repairs });
    expect(first.counts.repairs).toBe(2);
    expect(second.exitCode).toBe(0);
    expect(statSync(join(out, 'feed.xml')).mtimeMs).toBe(mtime);
  });

  it('builds again when a seed, the config, the publish log or an output changes', async () => {
    const { seeds, out, statePath, run } = site();
    await run();
    const rebuilt = async () => {
      const spy = vi.spyOn(buildModule, 'build');
      const report = await run();
      const built = spy.mock.calls.length > 0;
      spy.mockRestore();
      // A no-op builds nothing; a patch run (patch.ts) publishes an edit without a build of every seed.
      expect(built).toBe(report.run === 'full');
      return { called: report.run !== 'no-op', report };
    };
    expect((await rebuilt()).called).toBe(false);

    writeFileSync(join(seeds, 'a.txt'), seed('First story, edited'));
    age(seeds);
    const edited = await rebuilt();
    expect(edited.called).toBe(true);
    expect(edited.report.counts.updated).toBe(1);
    expect((await rebuilt()).called).toBe(false);

    expect((await run({ config: testConfig({ title: 'Another title' }) })).counts.written).toBeGreaterThan(0);
    // The stamp now belongs to the other config: the first config builds again, and is then stamped.
    expect((await rebuilt()).called).toBe(true);
    expect((await rebuilt()).called).toBe(false);

    rmSync(join(out, 'feed.xml'));
    const repaired = (await rebuilt());
    expect(repaired.called).toBe(true);
    expect(repaired.report.written).toContain('feed.xml');

    // The log's size and mtime are in the stamp: the same log put back from a copy is read again. (Its text rewritten
    // would not fit the journal the patch run above left beside it: log-file.test.ts.)
    const restored = new Date(Date.now() - 120_000);
    utimesSync(statePath, restored, restored);
    expect((await rebuilt()).called).toBe(true);
  });

  it('keeps reporting the errors of the run that built what is there', async () => {
    const { seeds, run } = site();
    writeFileSync(join(seeds, 'bad.txt'), 'Date: 2023-02-30\n\nAsbarez: A story with an impossible date\n\nBody.\n');
    age(seeds);
    const first = await run();
    expect(first.exitCode).toBe(1);
    const again = await run();
    expect(again.counts.written).toBe(0);
    expect(again.exitCode).toBe(1);
    expect(again.diagnostics.map((d) => d.rule)).toEqual(['date-invalid']);
  });

  it('does not stamp a listing with seeds modified just before it (they may change again within the same tick)', async () => {
    const seeds = writeTree(tempDir(), { 'a.txt': seed('Fresh story') });
    const statePath = join(tempDir(), 'log.json');
    await publish({ seedsDir: seeds, outDir: tempDir(), statePath, config: testConfig(), now: NOW });
    expect(existsSync(stampPathFor(statePath))).toBe(false);
  });

  it('says which seed is modified in the future (a clock set back), as it keeps every run from being a no-op', async () => {
    const { seeds, run } = site();
    const future = new Date(Date.now() + 86_400_000);
    utimesSync(join(seeds, 'b.txt'), future, future);
    const first = await run();
    expect(first.diagnostics.map((d) => [d.file.split('/').pop(), d.rule])).toEqual([['b.txt', 'mtime-future']]);
    expect(first.diagnostics[0]!.message).toMatch(/^modified in the future \(\d{4}-.*Z; the clock says .*\): until the clock passes it, every run builds in full/);
    expect(first.exitCode).toBe(0);
    const second = await run();
    expect(second.run).toBe('full');
    expect(second.written).toEqual([]);
    // Its time set right, the next run stamps the listing, and the one after it is a no-op.
    age(seeds);
    expect((await run()).diagnostics).toEqual([]);
    expect((await run()).run).toBe('no-op');
  });

  it('says so from the first run that finds it, when that run could have patched the seed in', async () => {
    const { seeds, run } = site();
    expect((await run()).run).toBe('full');
    // An edit saved with a clock set forward: a run that patches would publish it without a word.
    writeFileSync(join(seeds, 'b.txt'), seed('Second story, corrected'));
    const future = new Date(Date.now() + 86_400_000);
    utimesSync(join(seeds, 'b.txt'), future, future);
    const first = await run();
    expect(first.run).toBe('full');
    expect(first.diagnostics.map((d) => [d.file.split('/').pop(), d.rule])).toEqual([['b.txt', 'mtime-future']]);
    expect(first.counts.updated).toBe(1);
  });
});

describe('a seeds folder with something in it that is not a seed', () => {
  it('is a no-op again once a run has reported it, and a full run when what the listing finds changes', async () => {
    const { seeds, run } = site();
    symlinkSync(join(seeds, 'gone.txt'), join(seeds, 'broken.txt'));
    const first = await run();
    expect(first.run).toBe('full');
    expect(first.diagnostics.map((d) => `${d.rule}: ${d.message}`)).toEqual(['not-regular-file: a broken symbolic link; skipped']);
    const spy = vi.spyOn(buildModule, 'build');
    const second = await run();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(second).toMatchObject({ run: 'no-op', exitCode: 0, counts: { published: 2, written: 0 } });
    // A second link that leads nowhere: the listing has more to report, and a full run reports it.
    symlinkSync(join(seeds, 'gone-too.txt'), join(seeds, 'broken-too.txt'));
    const third = await run();
    expect(third.run).toBe('full');
    expect(third.diagnostics.map((d) => d.rule)).toEqual(['not-regular-file', 'not-regular-file']);
    expect(third.counts.written).toBe(0);
  });
});
