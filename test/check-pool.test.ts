import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { snapshot, touched } from './support/cli.js';
import { compiledSeedfeed } from './support/dist.js';
import { CheckPool as SourcePool } from '../src/check-pool.js';
import { checkOutputText } from '../src/readback.js';
import type { FileToWrite } from '../src/write.js';

// The worker thread runs compiled JavaScript: these tests load the compiled
// modules, as the CLI does (the sources under test have no worker script).
type Compiled = { CheckPool: typeof SourcePool; Staging: typeof import('../src/write.js').Staging; isTempFileName: (name: string) => boolean };
let compiled: Compiled;
let dist: ReturnType<typeof compiledSeedfeed>;
beforeAll(async () => {
  dist = compiledSeedfeed();
  const pool = (await import(dist.module('check-pool.js'))) as { CheckPool: typeof SourcePool };
  const write = (await import(dist.module('write.js'))) as typeof import('../src/write.js');
  compiled = { CheckPool: pool.CheckPool, Staging: write.Staging, isTempFileName: write.isTempFileName };
}, 120_000);

const GOOD_RSS = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>A &amp; B</title></channel></rss>\n';
const SAMPLES: [string, string][] = [
  ['xml', GOOD_RSS],
  ['xml', '<rss><channel><title>unclosed</channel></rss>'],
  ['xml', '<rss>\u0001</rss>'],
  ['xml', '<a:b>no namespace</a:b>'],
  ['json', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items: [] })],
  ['json', '{"version": "https://jsonfeed.org/version/1.1", "items": []}'],
  ['json', '{"items": ['],
  ['html', '<p>pages are not read back</p>'],
];

describe('the read-back worker', () => {
  it('answers every check as the calling thread does', async () => {
    const pool = new compiled.CheckPool(0);
    const answers = await Promise.all(SAMPLES.map(([kind, text]) => pool.check(kind, text)));
    expect(pool.threaded).toBe(true);
    await pool.close();
    expect(answers).toEqual(SAMPLES.map(([kind, text]) => checkOutputText(kind, text)));
    // Not a vacuous comparison: the samples hold good and bad feeds of both kinds.
    expect(answers.filter((a) => a === undefined)).toHaveLength(3);
    expect(answers.filter((a) => a !== undefined)).toHaveLength(5);
  });

  it('is started only after the first checks, and not at all without its script', async () => {
    const pool = new compiled.CheckPool(2);
    await pool.check('xml', GOOD_RSS);
    await pool.check('html', '<p>not counted</p>');
    expect(pool.threaded).toBe(false);
    await pool.check('xml', GOOD_RSS);
    expect(pool.threaded).toBe(false);
    expect(await pool.check('xml', '<rss>')).toBe(checkOutputText('xml', '<rss>'));
    expect(pool.threaded).toBe(true);
    await pool.close();

    const missing = new compiled.CheckPool(0, pathToFileURL(join(tempDir(), 'no-such-worker.js')));
    expect(await missing.check('xml', '<rss>')).toBe(checkOutputText('xml', '<rss>'));
    expect(missing.threaded).toBe(false);
  });

  it('fails the checks waiting on it when it dies, and the staging then replaces nothing', async () => {
    const dying = join(tempDir(), 'dying-worker.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const pool = new compiled.CheckPool(0, pathToFileURL(dying));
    await expect(pool.check('xml', GOOD_RSS)).rejects.toThrow(/read-back worker exited \(code 3\)/);

    const dir = tempDir();
    const staging = new compiled.Staging(dir, 16, new compiled.CheckPool(0, pathToFileURL(dying)));
    const staged = (async () => {
      await staging.offer({ path: 'feed.xml', kind: 'xml', text: GOOD_RSS });
      await staging.settle();
    })();
    await expect(staged).rejects.toThrow(/^nothing written: the read-back worker exited/);
    await staging.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('staging with the checks on the worker', () => {
  it('replaces nothing when one feed among many fails its check, and leaves no temporary file', async () => {
    const dir = tempDir();
    const feeds = (title: string): FileToWrite[] =>
      Array.from({ length: 60 }, (_, i) => ({ path: `topics/t${i}/feed.xml`, kind: 'xml', text: GOOD_RSS.replace('A &amp; B', `${title} ${i}`) }));
    const first = new compiled.Staging(dir, 16, new compiled.CheckPool(0));
    for (const f of feeds('old')) await first.offer(f);
    await first.settle();
    expect(first.commit().written).toHaveLength(60);
    const before = snapshot(dir);

    const next = feeds('new');
    next[41] = { ...next[41]!, text: next[41]!.text.replace('</title>', '') };
    const pool = new compiled.CheckPool(0);
    const staging = new compiled.Staging(dir, 16, pool);
    const staged = (async () => {
      for (const f of next) await staging.offer(f);
      await staging.settle();
    })();
    await expect(staged).rejects.toThrow(/^nothing written, an output failed its check: topics\/t41\/feed\.xml: /);
    expect(pool.threaded).toBe(true);
    await staging.abort();
    expect(touched(before, snapshot(dir))).toEqual([]);
    expect([...snapshot(dir).keys()].filter((p) => compiled.isTempFileName(p.replace(/^.*\//, '')))).toEqual([]);
    expect(readFileSync(join(dir, 'topics/t41/feed.xml'), 'utf8')).toContain('<title>old 41</title>');
  });

  it('keeps a plain node process running while it waits only for the worker\'s answers', () => {
    const dir = tempDir();
    // No other handle: the staged feeds wait on the worker alone, then are written.
    const script = join(tempDir(), 'stage-feeds.mjs');
    writeFileSync(
      script,
      `import { Staging } from ${JSON.stringify(pathToFileURL(dist.module('write.js')).href)};
import { CheckPool } from ${JSON.stringify(pathToFileURL(dist.module('check-pool.js')).href)};
const staging = new Staging(${JSON.stringify(dir)}, 64, new CheckPool(0));
for (let i = 0; i < 40; i++) await staging.offer({ path: 'feed' + i + '.xml', kind: 'xml', text: ${JSON.stringify(GOOD_RSS)} });
await staging.settle();
console.log(staging.commit().written.length);
`,
    );
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('40');
    expect(readdirSync(dir)).toHaveLength(40);
  });
});

