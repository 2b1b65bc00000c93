import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesUnder, tempDir } from './helpers.js';
import { stampPathFor } from '../src/fastpath.js';
import { seedName, seedText, writeCorpus, writeSiteConfig } from './support/corpus.js';
import { compiledSeedfeed } from './support/dist.js';
import { buildArgs, bytesChanged, expectValidOutputs, mainFeedIds, readPublishLog, runCli, siteIn, snapshot, touched, type CliRun, type Site } from './support/cli.js';
import { cachesBeside } from '../src/cache.js';

let cli: string;
beforeAll(() => {
  cli = compiledSeedfeed().cli;
});

/** A fresh site with `count` seeds and its own config, as a cron job would have it. */
function newSite(count = 12): Site {
  const site = siteIn(tempDir('seedfeed-cron-'));
  writeCorpus(site.seeds, count);
  writeSiteConfig(site.config);
  return site;
}

/** Sets every file under `dir` to one old mtime, so that any later write shows, whatever the clock's resolution. */
function ageFiles(dir: string): void {
  const old = new Date('2001-02-03T04:05:06Z');
  for (const path of snapshot(dir).keys()) utimesSync(join(dir, path), old, old);
}

async function build(site: Site, ...extra: string[]) {
  return runCli(cli, buildArgs(site, ...extra), site.root);
}

interface Report {
  run: string;
  exitCode: number;
  dryRun: boolean;
  counts: Record<string, number>;
  new: { id: string; file: string; title: string }[];
  updated: { id: string; file: string; title: string }[];
  removed: { id: string; file: string }[];
  diagnostics: { file: string; line: number; column: number; severity: string; rule: string; message: string }[];
  repairs: unknown[];
  written: string[];
  timings: { buildMs: number; writeMs: number; totalMs: number };
}

function readReport(path: string): Report {
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

/** Lets anyone read and write `path` and everything under it, but `except`. */
function openUp(path: string, except: string): void {
  if (path === except) return;
  chmodSync(path, 0o777);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) openUp(join(path, name), except);
}

/** The publish log's entry for a seed file. */
function logEntry(site: Site, file: string) {
  return readPublishLog(site.state).entries.find((e) => e.file === file);
}

/** A process that stays alive until killed, and its pid. */
function liveProcess(): { pid: number; stop(): void } {
  const proc = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return { pid: proc.pid!, stop: () => proc.kill('SIGKILL') };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => proc.on('exit', resolve));
  return proc.pid!;
}

function writeLock(site: Site, pid: number, host = hostname()): string {
  const path = `${site.state}.lock`;
  mkdirSync(join(site.state, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify({ pid, host, started: '2026-11-28T11:59:00.000Z' }) + '\n');
  return path;
}

describe('zero churn', () => {
  it('a second run with nothing new rewrites no output and not the publish log', async () => {
    const site = newSite();
    const first = await build(site);
    expect(first.code).toBe(0);
    expectValidOutputs(site.out);
    ageFiles(site.out);
    ageFiles(join(site.state, '..'));
    const outBefore = snapshot(site.out);
    const stateBefore = snapshot(join(site.state, '..'));
    expect([...outBefore.keys()]).toEqual(expect.arrayContaining(['feed.xml', 'atom.xml', 'feed.json']));

    const report = join(site.root, 'report.json');
    const second = await build(site, '--report', report);
    expect(second.code).toBe(0);
    expect(touched(outBefore, snapshot(site.out))).toEqual([]);
    // The log keeps its bytes, inode and mtime; no lock or temporary file is left beside it. Only its
    // caches may be refreshed (the build cache records the main feeds' mtimes, which ageFiles moved).
    const caches = cachesBeside(site.state).map((c) => basename(c));
    expect(touched(stateBefore, snapshot(join(site.state, '..'))).filter((n) => !caches.includes(n))).toEqual([]);
    expect(readReport(report).written).toEqual([]);
    expect(readReport(report).counts.written).toBe(0);
  });

  it('touching a seed rewrites no output; editing one rewrites exactly the outputs whose bytes change', async () => {
    const site = newSite();
    expect((await build(site)).code).toBe(0);
    ageFiles(site.out);
    const beforeTouch = snapshot(site.out);

    const edited = join(site.seeds, seedName(3));
    const now = new Date();
    utimesSync(edited, now, now);
    expect((await build(site)).code).toBe(0);
    expect(touched(beforeTouch, snapshot(site.out))).toEqual([]);

    writeFileSync(edited, seedText(3).replace('A short standfirst about item 3', 'A corrected standfirst about item 3'));
    const report = join(site.root, 'report.json');
    expect((await build(site, '--report', report)).code).toBe(0);
    const afterEdit = snapshot(site.out);
    const changed = bytesChanged(beforeTouch, afterEdit);
    expect(changed).toEqual(expect.arrayContaining(['feed.xml', 'atom.xml', 'feed.json']));
    // Replaced are the files whose bytes differ, and only those; every other file keeps its inode and mtime.
    expect(touched(beforeTouch, afterEdit)).toEqual(changed);
    expect([...readReport(report).written].sort()).toEqual(changed);
    expect(readReport(report).updated.map((u) => u.file)).toEqual([seedName(3)]);
    expectValidOutputs(site.out);
  });

  it('an output edited in place by hand, even with its mtime put back, is put right by the next run; a story\'s page by the next full run', async () => {
    const site = newSite(6);
    // Seeds saved a while ago, as cron finds them: the run leaves a build stamp, and the next is a no-op.
    ageFiles(site.seeds);
    const report = join(site.root, 'report.json');
    expect((await build(site, '--quiet')).code).toBe(0);
    expect((await build(site, '--quiet', '--report', report)).code).toBe(0);
    expect(readReport(report).run).toBe('no-op');
    const good = bytesUnder(site.out);
    const topicFeed = [...good.keys()].find((p) => /^categories\/[^/]+\/feed\.xml$/.test(p))!;
    const page = [...good.keys()].find((p) => p.startsWith('articles/'))!;
    for (const path of [topicFeed, topicFeed.replace('feed.xml', 'index.html'), 'index.html', 'feeds.opml', 'atom.xml']) {
      const file = join(site.out, path);
      const { mtime } = statSync(file);
      writeFileSync(file, good.get(path)!.subarray(0, 40));
      utimesSync(file, mtime, mtime);
      expect((await build(site, '--quiet', '--report', report)).code).toBe(0);
      expect(readReport(report).written, path).toContain(path);
      expect(readFileSync(file).equals(good.get(path)!), path).toBe(true);
      expect((await build(site, '--quiet', '--report', report)).code).toBe(0);
      expect(readReport(report).run, path).toBe('no-op');
    }
    // A story's page is not watched by the no-op (one stat per story); the next full run puts it right.
    writeFileSync(join(site.out, page), 'edited by hand\n');
    expect((await build(site, '--quiet', '--report', report)).code).toBe(0);
    expect(readReport(report).run).toBe('no-op');
    unlinkSync(stampPathFor(site.state));
    expect((await build(site, '--quiet')).code).toBe(0);
    expect(readFileSync(join(site.out, page)).equals(good.get(page)!)).toBe(true);
  });

  it('a topic kind turned off takes its files and folders with it; turned on again, its feeds come back where they were', async () => {
    const site = newSite(6);
    expect((await build(site, '--quiet')).code).toBe(0);
    const before = bytesUnder(site.out);
    const categoryFiles = [...before.keys()].filter((p) => p.startsWith('categories/'));
    expect(categoryFiles.length).toBeGreaterThan(3);
    writeSiteConfig(site.config, { topics: { categories: false } });
    expect((await build(site, '--quiet')).code).toBe(0);
    expect(existsSync(join(site.out, 'categories'))).toBe(false);
    expect([...bytesUnder(site.out).keys()].filter((p) => p.startsWith('categories/'))).toEqual([]);
    expectValidOutputs(site.out);
    writeSiteConfig(site.config);
    expect((await build(site, '--quiet')).code).toBe(0);
    const after = bytesUnder(site.out);
    for (const path of categoryFiles) expect(after.get(path)?.equals(before.get(path)!), path).toBe(true);
  });

  it('a deleted seed drops out of the feeds and its id stays reserved, never given to a new seed of the same title', async () => {
    const site = newSite();
    expect((await build(site)).code).toBe(0);
    const gone = logEntry(site, seedName(5))!;
    expect(mainFeedIds(site.out).rss).toContain(gone.id);

    unlinkSync(join(site.seeds, seedName(5)));
    const report = join(site.root, 'report.json');
    expect((await build(site, '--report', report)).code).toBe(0);
    const ids = mainFeedIds(site.out);
    for (const list of [ids.rss, ids.atom, ids.json]) {
      expect(list).toHaveLength(11);
      expect(list).not.toContain(gone.id);
    }
    expect(readReport(report).removed).toEqual([{ id: gone.id, file: seedName(5) }]);
    const reserved = logEntry(site, seedName(5))!;
    expect(reserved.id).toBe(gone.id);
    expect(reserved.removed).toBeDefined();

    // Same headline, other words in the body: a new story, not the old one restored.
    const again = seedText(5).replace('A short standfirst about item 5', 'Another story under the same headline');
    writeFileSync(join(site.seeds, 'replacement.txt'), again);
    expect((await build(site)).code).toBe(0);
    const fresh = logEntry(site, 'replacement.txt')!;
    expect(fresh.id).not.toBe(gone.id);
    expect(fresh.slug).not.toBe(gone.slug);
    expect(mainFeedIds(site.out).rss).toContain(fresh.id);
    expect(mainFeedIds(site.out).rss).not.toContain(gone.id);
    expect(readPublishLog(site.state).entries.filter((e) => e.id === gone.id)).toEqual([{ ...reserved }]);
  });
});

describe('output under cron', () => {
  it('--quiet prints nothing when all is well', async () => {
    const site = newSite(3);
    const run = await build(site, '--quiet');
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(site.out, 'feed.xml'))).toBe(true);
  });

  it('without --quiet a run prints one summary line', async () => {
    const site = newSite(3);
    const run = await build(site);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/^3 published \(3 new, 0 updated, 0 removed\), 0 rejected, 0 repaired, \d+ file\(s\) written, \d+\.\d\d s\n$/);
  });

  it('--quiet still prints rejected seeds with file, line and rule, and exits 1 while the other seeds publish', async () => {
    const site = newSite(3);
    writeFileSync(join(site.seeds, 'bad-date.txt'), 'Date: 2023-02-30\n\nAsbarez: A story with an impossible date\n\nSome text.\n');
    const run = await build(site, '--quiet');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad-date\.txt:1:1 error .*2023-02-30.* \[date-[a-z-]+\]/);
    expect(run.stdout).toMatch(/3 published .* 1 rejected/);
    expect(mainFeedIds(site.out).rss).toHaveLength(3);
  });

  it('--report writes counts, new, updated and removed items, diagnostics with file/line/rule, repairs, files written and timings', async () => {
    const site = newSite(4);
    writeFileSync(join(site.seeds, 'mangled.txt'), 'Asbarez: A mangled digest story\n\nIt speaks of the free _expression_ of their will.\n');
    const report = join(site.root, 'reports', 'first.json');
    expect((await build(site, '--quiet', '--report', report)).code).toBe(0);
    const first = readReport(report);
    expect(first.exitCode).toBe(0);
    expect(first.dryRun).toBe(false);
    expect(first.counts).toMatchObject({ seeds: 5, published: 5, new: 5, updated: 0, removed: 0, rejected: 0, repairs: 1 });
    expect(first.new.map((n) => n.file).sort()).toEqual([...[0, 1, 2, 3].map(seedName), 'mangled.txt'].sort());
    expect(first.new.every((n) => n.id.startsWith('tag:seeds.example.org,') && n.title.length > 0)).toBe(true);
    expect(first.repairs).toHaveLength(1);
    expect(first.written).toEqual(expect.arrayContaining(['feed.xml', 'atom.xml', 'feed.json']));
    expect(first.counts.written).toBe(first.written.length);
    for (const t of ['buildMs', 'writeMs', 'totalMs'] as const) expect(typeof first.timings[t]).toBe('number');

    writeFileSync(join(site.seeds, seedName(1)), seedText(1).replace('A short standfirst', 'An edited standfirst'));
    unlinkSync(join(site.seeds, seedName(2)));
    writeFileSync(join(site.seeds, 'bad-date.txt'), 'Date: 2023-02-30\n\nAsbarez: A story with an impossible date\n\nSome text.\n');
    const second = join(site.root, 'reports', 'second.json');
    expect((await build(site, '--quiet', '--report', second)).code).toBe(1);
    const r = readReport(second);
    expect(r.exitCode).toBe(1);
    expect(r.counts).toMatchObject({ published: 4, new: 0, updated: 1, removed: 1, rejected: 1 });
    expect(r.updated.map((u) => u.file)).toEqual([seedName(1)]);
    expect(r.removed.map((u) => u.file)).toEqual([seedName(2)]);
    const bad = r.diagnostics.find((d) => d.severity === 'error');
    expect(bad).toMatchObject({ file: expect.stringMatching(/bad-date\.txt$/), line: 1, rule: expect.stringMatching(/^date-/) });
  });

  it('--dry-run writes nothing (no outputs, no publish log, no lock) and reports what would be written', async () => {
    const site = newSite(3);
    const report = join(site.root, 'dry.json');
    const run = await build(site, '--dry-run', '--report', report);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^dry run: 3 published .* \d+ file\(s\) would be written/);
    expect(existsSync(site.out) ? readdirSync(site.out) : []).toEqual([]);
    expect(existsSync(join(site.state, '..')) ? readdirSync(join(site.state, '..')) : []).toEqual([]);
    const planned = readReport(report);
    expect(planned.dryRun).toBe(true);
    expect(planned.written).toEqual(expect.arrayContaining(['feed.xml', 'atom.xml', 'feed.json']));

    // After a real run and an edit, a dry run names the files that would change and touches none.
    expect((await build(site, '--quiet')).code).toBe(0);
    writeFileSync(join(site.seeds, seedName(0)), seedText(0).replace('A short standfirst', 'A changed standfirst'));
    ageFiles(site.out);
    ageFiles(join(site.state, '..'));
    const out = snapshot(site.out);
    const state = snapshot(join(site.state, '..'));
    expect((await build(site, '--dry-run', '--report', report)).code).toBe(0);
    expect(touched(out, snapshot(site.out))).toEqual([]);
    expect(touched(state, snapshot(join(site.state, '..')))).toEqual([]);
    const wouldWrite = readReport(report).written.sort();
    expect(wouldWrite).toEqual(expect.arrayContaining(['feed.xml', 'atom.xml', 'feed.json']));
    expect(readReport(report).updated.map((u) => u.file)).toEqual([seedName(0)]);

    // The real run then writes exactly what the dry run named.
    const real = join(site.root, 'real.json');
    expect((await build(site, '--report', real)).code).toBe(0);
    expect(readReport(real).written.sort()).toEqual(wouldWrite);
    expect(bytesChanged(out, snapshot(site.out))).toEqual(wouldWrite);
  });
});

describe('exit codes', () => {
  it('2: a missing config, a bad option value, an unknown option', async () => {
    const site = newSite(1);
    rmSync(site.config);
    const noConfig = await build(site);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain('seedfeed.config.json');
    writeSiteConfig(site.config);
    expect((await build(site, '--limit', 'many')).code).toBe(2);
    expect((await build(site, '--no-such-option')).code).toBe(2);
    expect(existsSync(site.out)).toBe(false);
  });

  it('3: another live run holds the lock; the message names it and nothing is written', async () => {
    const site = newSite(2);
    const holder = liveProcess();
    try {
      const lock = writeLock(site, holder.pid);
      const run = await build(site, '--quiet');
      expect(run.code).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`pid ${holder.pid} on ${hostname()}, started 2026-11-28T11:59:00.000Z`);
      expect(run.stderr).toContain('--wait');
      expect(existsSync(site.out)).toBe(false);
      expect(existsSync(site.state)).toBe(false);
      expect(existsSync(lock)).toBe(true);
    } finally {
      holder.stop();
    }
  });

  it('3: a lock held on another host is never taken over', async () => {
    const site = newSite(2);
    const lock = writeLock(site, 1, 'some-other-host.example');
    const run = await build(site);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('pid 1 on some-other-host.example');
    expect(existsSync(lock)).toBe(true);
  });

  it('0: the lock of a run that died is taken over, and released at the end', async () => {
    const site = newSite(2);
    const lock = writeLock(site, await deadPid());
    const run = await build(site, '--quiet');
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(lock)).toBe(false);
    // The caches (no-op stamp, build cache) may stay beside the log; the lock must not.
    expect(readdirSync(join(site.state, '..')).filter((n) => !cachesBeside(site.state).map((c) => basename(c)).includes(n))).toEqual(['publish-log.json']);
  });

  it('--wait waits for a live holder, and gives up with 3 when it does not finish in time', async () => {
    const site = newSite(2);
    const holder = liveProcess();
    const lock = writeLock(site, holder.pid);
    try {
      const started = Date.now();
      const gaveUp = await build(site, '--wait', '0.5');
      expect(gaveUp.code).toBe(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      const waiting = build(site, '--wait', '30');
      setTimeout(() => unlinkSync(lock), 300);
      expect((await waiting).code).toBe(0);
    } finally {
      holder.stop();
    }
  });

  it('4: an output that cannot be replaced fails the run, and no output of that run replaces an old one', async () => {
    const site = newSite(3);
    mkdirSync(join(site.out, 'atom.xml'), { recursive: true });
    const run = await build(site, '--quiet');
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('atom.xml');
    // No file at all: the outputs that could have been written were not, and no temporary file is left.
    expect([...snapshot(site.out).keys()]).toEqual([]);

    rmSync(join(site.out, 'atom.xml'), { recursive: true });
    expect((await build(site, '--quiet')).code).toBe(0);
    ageFiles(site.out);
    const before = snapshot(site.out);
    writeFileSync(join(site.seeds, seedName(0)), seedText(0).replace('A short standfirst', 'A changed standfirst'));
    rmSync(join(site.out, 'feed.json'));
    mkdirSync(join(site.out, 'feed.json'));
    expect((await build(site, '--quiet')).code).toBe(4);
    const after = snapshot(site.out);
    before.delete('feed.json');
    expect(touched(before, after)).toEqual([]);
  });

  it('2: a seeds folder that is missing or not a folder stops the run; nothing is written and no story is unpublished', async () => {
    const site = newSite(3);
    expect((await build(site, '--quiet')).code).toBe(0);
    const ids = mainFeedIds(site.out);
    ageFiles(site.out);
    const before = snapshot(site.out);
    const logBefore = readFileSync(site.state, 'utf8');
    renameSync(site.seeds, `${site.seeds}.away`);
    for (const make of [() => undefined, () => writeFileSync(site.seeds, 'not a folder\n')]) {
      make();
      const run = await build(site, '--quiet');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(site.seeds);
      expect(run.stderr).toMatch(/cannot read the seeds folder \((ENOENT|ENOTDIR)\).*\[seeds-folder\]/s);
      expect(touched(before, snapshot(site.out))).toEqual([]);
      expect(readFileSync(site.state, 'utf8')).toBe(logBefore);
    }
    // Nor is a state folder made for it.
    const fresh = { ...site, state: join(site.root, 'fresh-state', 'log.json') };
    expect((await build(fresh, '--quiet')).code).toBe(2);
    expect(existsSync(join(site.root, 'fresh-state'))).toBe(false);
    rmSync(site.seeds);
    renameSync(`${site.seeds}.away`, site.seeds);
    const back = await build(site, '--quiet', '--report', join(site.root, 'report.json'));
    expect(back.code).toBe(0);
    expect(mainFeedIds(site.out)).toEqual(ids);
    expect(readReport(join(site.root, 'report.json')).new).toEqual([]);
  });

  it('1: a folder of seeds that cannot be listed is named; its stories leave the feeds for now but keep their ids, and are not counted as removed', async (ctx) => {
    const site = newSite(3);
    mkdirSync(join(site.seeds, 'sub'));
    writeFileSync(join(site.seeds, 'sub', 'inner.txt'), seedText(7));
    expect((await build(site, '--quiet')).code).toBe(0);
    const inner = logEntry(site, 'sub/inner.txt')!;
    expect(mainFeedIds(site.out).atom).toContain(inner.id);
    chmodSync(join(site.seeds, 'sub'), 0o000);
    // Root reads any folder: the run that cannot list it is made as an unprivileged user, in a site it may write.
    let run: CliRun;
    if (process.getuid?.() === 0) {
      if (spawnSync('setpriv', ['--version']).status !== 0) return ctx.skip();
      openUp(site.root, join(site.seeds, 'sub'));
      run = await runCli(cli, buildArgs(site, '--quiet', '--report', join(site.root, 'report.json')), site.root, process.env, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']);
    } else run = await build(site, '--quiet', '--report', join(site.root, 'report.json'));
    chmodSync(join(site.seeds, 'sub'), 0o755);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/seeds\/sub: error cannot list this folder \(EACCES\).*\[unreadable\]/);
    const report = readReport(join(site.root, 'report.json'));
    expect(report.removed).toEqual([]);
    expect(mainFeedIds(site.out).atom).not.toContain(inner.id);
    expect(logEntry(site, 'sub/inner.txt')).toEqual(inner);
    // Readable again: the story is back under its id and date, and is not new.
    const back = await build(site, '--quiet', '--report', join(site.root, 'report.json'));
    expect(back.code).toBe(0);
    expect(mainFeedIds(site.out).atom).toContain(inner.id);
    expect(logEntry(site, 'sub/inner.txt')).toEqual(inner);
    expect(readReport(join(site.root, 'report.json')).new).toEqual([]);
  });

  it('5: a damaged publish log stops the run and is left as it is', async () => {
    const site = newSite(2);
    expect((await build(site)).code).toBe(0);
    writeFileSync(site.state, '{"version": 1, "entries": [');
    ageFiles(site.out);
    const before = snapshot(site.out);
    const run = await build(site, '--quiet');
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(site.state);
    expect(run.stderr).toMatch(/damaged/);
    expect(readFileSync(site.state, 'utf8')).toBe('{"version": 1, "entries": [');
    expect(touched(before, snapshot(site.out))).toEqual([]);
    expect(existsSync(`${site.state}.lock`)).toBe(false);
  });

  it('the next run removes temporary files that a killed run left beside the outputs and the log', async () => {
    const site = newSite(2);
    expect((await build(site)).code).toBe(0);
    const dead = await deadPid();
    const leftovers = [join(site.out, `.feed.xml.seedfeed-tmp-${dead}-0badc0de`), join(site.state, '..', `.publish-log.json.seedfeed-tmp-${dead}-0badc0de`)];
    for (const p of leftovers) writeFileSync(p, '<rss><channel><item>cut sh');
    // A killed run leaves its lock too: the next run takes it over and then looks for the killed run's files.
    writeLock(site, dead);
    // A live process's file is a write in progress, not a leftover.
    const holder = liveProcess();
    try {
      const inProgress = join(site.out, `.report.json.seedfeed-tmp-${holder.pid}-0badc0de`);
      writeFileSync(inProgress, '{');
      writeFileSync(join(site.seeds, seedName(0)), seedText(0).replace('A short standfirst', 'A changed standfirst'));
      const report = join(site.root, 'report.json');
      expect((await build(site, '--report', report)).code).toBe(0);
      for (const p of leftovers) expect(existsSync(p)).toBe(false);
      expect(existsSync(inProgress)).toBe(true);
      expect(statSync(inProgress).size).toBe(1);
    } finally {
      holder.stop();
    }
  });
});
