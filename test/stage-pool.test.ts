import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { snapshot, touched } from './support/cli.js';
import { compiledSeedfeed } from './support/dist.js';
import type { StagePool as SourcePool } from '../src/stage-pool.js';
import { stageFile, type StageJob, type StageOutcome } from '../src/stage-file.js';
import { Staging, isTempFileName, type FileToWrite } from '../src/write.js';

// The workers run compiled JavaScript: these tests load the compiled modules,
// as the CLI does (the sources under test have no worker script beside them).
type Compiled = { StagePool: typeof SourcePool; Staging: typeof Staging };
let compiled: Compiled;
let dist: ReturnType<typeof compiledSeedfeed>;
beforeAll(async () => {
  dist = compiledSeedfeed();
  const pool = (await import(dist.module('stage-pool.js'))) as typeof import('../src/stage-pool.js');
  const write = (await import(dist.module('write.js'))) as typeof import('../src/write.js');
  compiled = { StagePool: pool.StagePool, Staging: write.Staging };
}, 120_000);

const GOOD_RSS = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>A &amp; B</title></channel></rss>\n';
const LARGE_RSS = GOOD_RSS.replace('A &amp; B', `“${'x'.repeat(100_000)}”`);
/** Every way staging a file ends: name, kind, new text, and what is on disk before (a folder for `null`). */
const CASES: [string, string, string, string | null | undefined][] = [
  ['good.xml', 'xml', GOOD_RSS, undefined],
  ['large.xml', 'xml', LARGE_RSS, 'older bytes'],
  ['unclosed.xml', 'xml', '<rss><channel><title>unclosed</channel></rss>', undefined],
  ['control.xml', 'xml', '<rss>\u0001</rss>', undefined],
  ['prefix.xml', 'xml', '<a:b>no namespace</a:b>', undefined],
  ['surrogate.xml', 'xml', GOOD_RSS.replace('A &amp; B', 'half a pair: \ud83d'), undefined],
  ['good.json', 'json', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items: [] }), undefined],
  ['untitled.json', 'json', '{"version": "https://jsonfeed.org/version/1.1", "items": []}', undefined],
  ['cut.json', 'json', '{"items": [', undefined],
  ['page.html', 'html', '<p>pages are not read back</p>', undefined],
  ['same.html', 'html', '<p>the same</p>', '<p>the same</p>'],
  ['folder.xml', 'xml', GOOD_RSS, null],
];

/** The cases laid out in a fresh folder, as jobs. */
function casesIn(dir: string): { job: StageJob; text: string }[] {
  return CASES.map(([name, kind, text, before], i) => {
    const target = join(dir, name);
    if (before === null) mkdirSync(target);
    else if (before !== undefined) writeFileSync(target, before);
    // Fsynced or left to a flush after: the same outcome and bytes either way.
    return { job: { kind, target, temp: join(dir, `.${name}.tmp`), text, sync: i % 2 === 0 }, text };
  });
}

/** Outcomes with the folder's path taken out, to compare two folders. */
function portable(outcomes: StageOutcome[], dir: string): unknown[] {
  return outcomes.map((o) => (o.outcome === 'failed' ? { ...o, message: o.message.replace(dir, 'DIR') } : o));
}

describe('staging on worker threads', () => {
  it('ends every case as staging on the calling thread does, and stages the same bytes', async () => {
    const here = tempDir();
    const there = tempDir();
    const inline = casesIn(here).map(({ job }) => stageFile(job));
    const pool = new compiled.StagePool(0);
    const threaded = await Promise.all(casesIn(there).map(({ job }) => pool.stage(job)));
    expect(pool.threaded).toBe(true);
    await pool.close();
    expect(portable(threaded, there)).toEqual(portable(inline, here));
    // Not a vacuous comparison: each way to end is among the cases.
    expect(inline.map((o) => o.outcome)).toEqual(['staged', 'staged', 'failed-check', 'failed-check', 'failed-check', 'staged', 'staged', 'failed-check', 'failed-check', 'staged', 'unchanged', 'failed']);
    for (const [name, , text] of CASES) {
      const temp = `.${name}.tmp`;
      expect(readdirSync(there).includes(temp), name).toBe(readdirSync(here).includes(temp));
      // A lone surrogate is written as U+FFFD, as UTF-8 has no other way to write it.
      if (readdirSync(there).includes(temp)) expect(readFileSync(join(there, temp), 'utf8'), name).toBe(text.toWellFormed());
    }
  });

  it('are started only after the first files, and not at all without their script', async () => {
    const dir = tempDir();
    const pool = new compiled.StagePool(2);
    const [first, second, third] = casesIn(dir);
    await pool.stage(first!.job);
    await pool.stage(second!.job);
    expect(pool.threaded).toBe(false);
    expect(await pool.stage(third!.job)).toMatchObject({ outcome: 'failed-check' });
    expect(pool.threaded).toBe(true);
    await pool.close();

    const missing = new compiled.StagePool(0, pathToFileURL(join(tempDir(), 'no-such-worker.js')));
    const [job] = casesIn(tempDir());
    expect(await missing.stage(job!.job)).toEqual({ outcome: 'staged' });
    expect(missing.threaded).toBe(false);
  });

  it('fail the files waiting on them when they die, and the staging then replaces nothing', async () => {
    const dying = join(tempDir(), 'dying-worker.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const pool = new compiled.StagePool(0, pathToFileURL(dying));
    const [job] = casesIn(tempDir());
    await expect(pool.stage(job!.job)).rejects.toThrow(/staging worker exited \(code 3\)/);

    const dir = tempDir();
    const staging = new compiled.Staging(dir, 16, new compiled.StagePool(0, pathToFileURL(dying)));
    const staged = (async () => {
      await staging.offer({ path: 'feed.xml', kind: 'xml', text: GOOD_RSS });
      await staging.settle();
    })();
    await expect(staged).rejects.toThrow(/^nothing written: feed\.xml: a staging worker exited/);
    await staging.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replace nothing when one feed among many fails its check, and leave no temporary file', async () => {
    const dir = tempDir();
    const feeds = (title: string): FileToWrite[] =>
      Array.from({ length: 60 }, (_, i) => ({ path: `topics/t${i}/feed.xml`, kind: 'xml', text: GOOD_RSS.replace('A &amp; B', `${title} ${i}`) }));
    const first = new compiled.Staging(dir, 16, new compiled.StagePool(0));
    for (const f of feeds('old')) await first.offer(f);
    await first.settle();
    expect(first.commit().written).toHaveLength(60);
    const before = snapshot(dir);

    const next = feeds('new');
    next[41] = { ...next[41]!, text: next[41]!.text.replace('</title>', '') };
    const pool = new compiled.StagePool(0);
    const staging = new compiled.Staging(dir, 16, pool);
    const staged = (async () => {
      for (const f of next) await staging.offer(f);
      await staging.settle();
    })();
    await expect(staged).rejects.toThrow(/^nothing written, an output failed its check: topics\/t41\/feed\.xml: /);
    expect(pool.threaded).toBe(true);
    await staging.abort();
    expect(touched(before, snapshot(dir))).toEqual([]);
    expect([...snapshot(dir).keys()].filter((p) => isTempFileName(p.replace(/^.*\//, '')))).toEqual([]);
    expect(readFileSync(join(dir, 'topics/t41/feed.xml'), 'utf8')).toContain('<title>old 41</title>');
  });

  it('keep a plain node process running while it waits only for their answers', () => {
    const dir = tempDir();
    // No other handle: the staged feeds wait on the workers alone, then are put in place.
    const script = join(tempDir(), 'stage-feeds.mjs');
    writeFileSync(
      script,
      `import { Staging } from ${JSON.stringify(pathToFileURL(dist.module('write.js')).href)};
import { StagePool } from ${JSON.stringify(pathToFileURL(dist.module('stage-pool.js')).href)};
const staging = new Staging(${JSON.stringify(dir)}, 64, new StagePool(0));
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

describe('failures while staging', () => {
  it('fail on a FIFO or a folder where the file goes, without reading or waiting on it', () => {
    const dir = tempDir();
    const fifo = join(dir, 'feed.xml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    mkdirSync(join(dir, 'page.html'));
    const job = (name: string): StageJob => ({ kind: 'xml', target: join(dir, name), temp: join(dir, `.${name}.tmp`), text: GOOD_RSS, sync: true });
    expect(stageFile(job('feed.xml'))).toEqual({ outcome: 'failed', message: `${fifo} is not a regular file; move it out of the way` });
    expect(stageFile(job('page.html'))).toEqual({ outcome: 'failed', message: `${join(dir, 'page.html')} is a folder; move it out of the way` });
    expect(readdirSync(dir).sort()).toEqual(['feed.xml', 'page.html']);
  });

  it('name the file offered first among those that failed, whichever failed first', async () => {
    // A pool whose outcomes come when told: the fourth file fails late, the tenth at once.
    const late: (() => void)[] = [];
    let offered = 0;
    const pool = {
      stage: (): Promise<StageOutcome> => {
        const n = ++offered;
        if (n === 4) return new Promise((resolve) => late.push(() => resolve({ outcome: 'failed', message: 'ENOSPC: no space left on device' })));
        if (n === 10) return Promise.resolve({ outcome: 'failed-check', problem: 'unclosed tag' });
        return Promise.resolve({ outcome: 'staged' });
      },
      close: async () => undefined,
    } as unknown as SourcePool;
    const staging = new Staging(tempDir(), 64, pool);
    setTimeout(() => late.forEach((fail) => fail()), 50);
    const staged = (async () => {
      for (let i = 0; i < 12; i++) await staging.offer({ path: `f${i}.xml`, kind: 'xml', text: GOOD_RSS });
      await staging.settle();
    })();
    await expect(staged).rejects.toThrow(/^nothing written: f3\.xml: ENOSPC/);
  });
});
