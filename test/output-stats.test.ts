import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { NOW, tempDir, testConfig } from './helpers.js';
import { seedName, writeCorpus } from './support/corpus.js';
import { snapshot } from './support/cli.js';
import { compiledSeedfeed } from './support/dist.js';
import { fileStamp, type statOutputsAhead as SourceStatOutputsAhead } from '../src/output-stats.js';
import type { publish as SourcePublish } from '../src/publish.js';

/** Sets the mtime of every folder under `dir` (and `dir`) a minute back, but those named in `except`: folders as a later run finds them. */
function ageFolders(dir: string, except: readonly string[] = []): void {
  const past = new Date(Date.now() - 60_000);
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name), rel + e.name + '/');
    if (!except.includes(rel.replace(/\/$/, ''))) utimesSync(d, past, past);
  };
  walk(dir, '');
}

// The worker runs compiled JavaScript: these tests load the compiled modules, as the CLI does.
let statOutputsAhead: typeof SourceStatOutputsAhead;
let publish: typeof SourcePublish;
let workerScript: string;
let parseModule: typeof import('../src/parse/index.js');
beforeAll(async () => {
  const dist = compiledSeedfeed();
  parseModule = (await import(dist.module('parse/index.js'))) as typeof import('../src/parse/index.js');
  ({ statOutputsAhead } = (await import(dist.module('output-stats.js'))) as typeof import('../src/output-stats.js'));
  ({ publish } = (await import(dist.module('publish.js'))) as typeof import('../src/publish.js'));
  workerScript = dist.module('stat-worker.js');
}, 120_000);

describe('output files stat-ed on a worker thread', () => {
  it('gives for each path what a stat on the calling thread gives, for files, folders and files that are not there', async () => {
    const out = tempDir('seedfeed-stats-');
    const paths: string[] = [];
    for (let i = 0; i < 300; i++) {
      const path = `articles/p${i}.html`;
      mkdirSync(dirname(join(out, path)), { recursive: true });
      writeFileSync(join(out, path), 'x'.repeat(i));
      paths.push(path);
    }
    mkdirSync(join(out, 'topics', 'a'), { recursive: true });
    paths.push('topics/a', 'gone.xml', 'articles/p1.html/under-a-file.html');
    ageFolders(out);
    expect(existsSync(workerScript)).toBe(true);
    const ahead = statOutputsAhead(out, paths);
    const stamps = await ahead.check();
    await ahead.stop();
    expect(stamps?.size).toBe(paths.length);
    for (const p of paths) expect(stamps!.get(p), p).toBe(fileStamp(join(out, p)));
    // Each kind of answer is among them: sizes differ, the folder is stat-ed, the others cannot be.
    expect(stamps!.get('articles/p7.html')).toMatch(/^7 /);
    expect(stamps!.get('topics/a')).toMatch(/^\d+ /);
    expect(stamps!.get('gone.xml')).toBeUndefined();
    expect(stamps!.get('articles/p1.html/under-a-file.html')).toBeUndefined();
    expect(stamps!.has('gone.xml')).toBe(true);
  });

  it('do not vouch for a folder modified just before they were taken: a second change could share its timestamp', async () => {
    const out = tempDir('seedfeed-stats-racy-');
    mkdirSync(join(out, 'articles'));
    mkdirSync(join(out, 'categories'));
    writeFileSync(join(out, 'articles', 'a.html'), 'a');
    writeFileSync(join(out, 'categories', 'b.xml'), 'b');
    ageFolders(out);
    // Modified now, and not again before the check: left out all the same.
    writeFileSync(join(out, 'articles', 'new.html'), 'new');
    const ahead = statOutputsAhead(out, ['articles/a.html', 'categories/b.xml']);
    const checked = await ahead.check();
    await ahead.stop();
    expect([...checked!.keys()]).toEqual(['categories/b.xml']);
  });

  it('answers undefined without its worker script, so the caller stats each file itself', async () => {
    const ahead = statOutputsAhead(tempDir(), ['feed.xml'], { workerUrl: pathToFileURL(join(tempDir(), 'none.js')) });
    expect(await ahead.check()).toBeUndefined();
    await ahead.stop();
  });

  it('leave out, at the check, what moved since: a folder with a file deleted, added or replaced, and the main feeds', async () => {
    const out = tempDir('seedfeed-stats-moved-');
    const files = ['feed.xml', 'index.html', 'articles/a.html', 'articles/b.html', 'categories/x/feed.xml', 'categories/y/feed.xml', 'categories/z/index.html'];
    for (const f of files) {
      mkdirSync(dirname(join(out, f)), { recursive: true });
      writeFileSync(join(out, f), f);
    }
    ageFolders(out);
    const ahead = statOutputsAhead(out, files, { fresh: ['feed.xml'] });
    await ahead.answered;
    // During the build: a page deleted, a topic feed replaced by a folder, another page added beside one.
    rmSync(join(out, 'articles/a.html'));
    rmSync(join(out, 'categories/x/feed.xml'));
    mkdirSync(join(out, 'categories/x/feed.xml'));
    writeFileSync(join(out, 'categories/z/new.html'), 'new');
    const checked = await ahead.check();
    await ahead.stop();
    // Left out: the main feed always, and every file of a folder that moved; the rest as the worker found them.
    expect([...checked!.keys()].sort()).toEqual(['categories/y/feed.xml', 'index.html']);
    expect(checked!.get('index.html')).toBe(fileStamp(join(out, 'index.html')));
  });

  it('lets a rebuild skip, render and restore the same outputs as stats on the calling thread do', async () => {
    // Two copies of one site after a first run; each then gets the same changes, and is rebuilt with the
    // stats on a worker (from one output up) or on the calling thread.
    const first = tempDir('seedfeed-stats-site-');
    const seeds = join(first, 'seeds');
    // Seeds written a while ago, as cron finds them: a seed modified just before a run is parsed again by the next.
    const past = new Date(Date.now() - 3_600_000);
    for (const name of writeCorpus(seeds, 40, 1)) utimesSync(join(seeds, name), past, past);
    const config = testConfig({ limit: 10, archive: false });
    const run = (root: string, statsAheadMin: number) =>
      publish({ seedsDir: join(root, 'seeds'), outDir: join(root, 'out'), statePath: join(root, 'state', 'log.json'), config, now: NOW, statsAheadMin });
    expect((await run(first, Infinity)).exitCode).toBe(0);
    const second = join(tempDir('seedfeed-stats-copy-'), 'site');
    cpSync(first, second, { recursive: true, preserveTimestamps: true });
    // The copy's outputs are new files: a first rebuild there records their stamps.
    expect((await run(second, Infinity)).counts.written).toBe(0);
    expect((await run(first, Infinity)).counts.written).toBe(0);

    const change = (root: string) => {
      appendFileSync(join(root, 'seeds', seedName(3)), '\nOne more sentence for the third story.\n');
      // An item page edited by hand, one removed by hand: both are put back.
      const page = readFileSync(join(root, 'out', 'index.html'), 'utf8').match(/href="(articles\/[^"]+\.html)"/g)!;
      const [edited, deleted] = page.slice(-2).map((h) => h.slice(6, -1));
      writeFileSync(join(root, 'out', edited!), 'edited by hand');
      rmSync(join(root, 'out', deleted!));
      return [edited!, deleted!];
    };
    const touchedHere = change(first);
    expect(change(second)).toEqual(touchedHere);
    // Folders as a cron run finds them, modified minutes ago (the ones just changed aside): the worker's stats are trusted there.
    ageFolders(join(first, 'out'), ['articles']);
    ageFolders(join(second, 'out'), ['articles']);
    // Seeds parsed: the changed one, and the bodies of the pages rendered (none for a page skipped on its stamp).
    const parses = vi.spyOn(parseModule, 'parseSeed');
    const onWorker = await run(first, 1);
    const parsedOnWorkerRun = parses.mock.calls.length;
    const onThisThread = await run(second, Infinity);
    expect(parses.mock.calls.length - parsedOnWorkerRun).toBe(parsedOnWorkerRun);
    parses.mockRestore();
    // Fewer than the 40 item pages: a page skipped on its stamp reads no body.
    expect(parsedOnWorkerRun).toBeLessThan(40);
    expect(onWorker.exitCode).toBe(0);
    expect(onWorker.written).toEqual(onThisThread.written);
    expect(onWorker.counts.unchanged).toBe(onThisThread.counts.unchanged);
    expect(onWorker.written).toEqual(expect.arrayContaining(touchedHere));
    // Of the 40 item pages only the changed seed's and the two put back: the others were skipped on their stamps.
    expect(onWorker.written.filter((p) => p.startsWith('articles/'))).toHaveLength(3);
    expect(onWorker.written.find((p) => p.endsWith('-number-3.html'))).toBeDefined();
    expect(onWorker.counts.unchanged).toBeGreaterThan(40);
    const mine = snapshot(join(first, 'out'));
    const theirs = snapshot(join(second, 'out'));
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, file] of theirs) expect(mine.get(path)?.sha256, path).toBe(file.sha256);
    // And the next rebuild with the worker finds nothing to do.
    expect((await run(first, 1)).counts.written).toBe(0);
  }, 60_000);
});
