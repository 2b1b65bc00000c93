import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../src/config.js';
import { journalPathFor } from '../src/fastpath.js';
import { readLogFile } from '../src/log-file.js';
import { publish } from '../src/publish.js';
import { REPO, SAMPLE_SEEDS, tempDir } from './helpers.js';

const BUNDLE = join(REPO, 'dist', 'bin', 'cli.js');
const SEEDS = join(REPO, 'test', 'fixtures', 'conformance', 'seeds');

/** Every file under `dir`, by path relative to it, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/**
 * `seedfeed` and `npm start` run the CLI bundled into dist/bin (package.json,
 * "bundle"): one file per entry and a few shared chunks, which Node loads in
 * a third of the time of ~90 modules. The bundle must be the same program
 * as the library the other tests run: same output bytes, same log, from a
 * full run and from a patch run, with its worker threads.
 */
describe('the bundled CLI', () => {
  it('publishes what the library publishes, in a full run and in a patch run', async () => {
    expect(existsSync(BUNDLE), 'dist/bin/cli.js is missing: run "npm run build" (npm ci does) before the tests').toBe(true);
    const site = tempDir('seedfeed-bundle-');
    const seeds = join(site, 'seeds');
    cpSync(SEEDS, seeds, { recursive: true });
    cpSync(SAMPLE_SEEDS, seeds, { recursive: true });
    const past = new Date(Date.now() - 3_600_000);
    for (const name of readdirSync(seeds)) utimesSync(join(seeds, name), past, past);
    const configFile = join(REPO, 'seedfeed.config.json');
    const viaBundle = (run: string) => {
      const cli = spawnSync(process.execPath, [BUNDLE, 'build', '--quiet', '--seeds', seeds, '--out', join(site, 'a', 'out'), '--state', join(site, 'a', 'state', 'log.json'), '--config', configFile, '--report', join(site, `${run}.json`)], { encoding: 'utf8' });
      expect(cli.status, cli.stderr).toBe(0);
      return JSON.parse(readFileSync(join(site, `${run}.json`), 'utf8')) as { run: string; updated: string[] };
    };
    // The library publishes from the bundle's log, so that first-publication times (taken from the clock for undated seeds) agree.
    const viaLibrary = async () => {
      mkdirSync(join(site, 'b', 'state'), { recursive: true });
      const [from, to] = [join(site, 'a', 'state', 'log.json'), join(site, 'b', 'state', 'log.json')];
      copyFileSync(from, to);
      if (existsSync(journalPathFor(from))) copyFileSync(journalPathFor(from), journalPathFor(to));
      await publish({ seedsDir: seeds, outDir: join(site, 'b', 'out'), statePath: join(site, 'b', 'state', 'log.json'), config: loadConfig(configFile) });
    };
    const expectSame = () => {
      const a = tree(join(site, 'a', 'out'));
      const b = tree(join(site, 'b', 'out'));
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [path, bytes] of a) expect(bytes.equals(b.get(path)!), path).toBe(true);
      // The log as read: the bundle's patch run put its change in the journal (log-file.ts).
      expect(readLogFile(join(site, 'a', 'state', 'log.json'))!.bytes.equals(readLogFile(join(site, 'b', 'state', 'log.json'))!.bytes)).toBe(true);
    };

    expect(viaBundle('first').run).toBe('full');
    await viaLibrary();
    expectSame();
    expect(tree(join(site, 'a', 'out')).size).toBeGreaterThan(20);

    const edited = join(seeds, 'town-clock.txt');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('began.', 'began. A sentence added by a later edit.'));
    utimesSync(edited, past, new Date(past.getTime() + 60_000));
    const second = viaBundle('second');
    expect(second, JSON.stringify(second)).toMatchObject({ run: 'patch' });
    expect(second.updated).toHaveLength(1);
    await viaLibrary();
    expectSame();
    expect(readFileSync(join(site, 'a', 'out', 'feed.xml'), 'utf8')).toContain('A sentence added by a later edit.');
  });
});
