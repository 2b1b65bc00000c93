import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from './helpers.js';
import { writeCorpus, writeSiteConfig } from './support/corpus.js';
import { compiledSeedfeed } from './support/dist.js';
import { buildArgs, mainFeedIds, outputProblem, runCli, siteIn, snapshot, tempFiles, type Site } from './support/cli.js';
import { cachesBeside } from '../src/cache.js';
import { journalPathFor } from '../src/fastpath.js';
import { readLogFile } from '../src/log-file.js';
import { TEMP_MARK } from '../src/write.js';

/**
 * SIGKILL at random moments, over and over, a process that publishes in a
 * loop; after every kill the output folder and the publish log must be
 * usable as they are, and the next run must succeed and clean up.
 * SEEDFEED_KILLS and SEEDFEED_KILL_SEEDS override the number of kills and
 * the size of the corpus.
 */
const KILLS = Number(process.env.SEEDFEED_KILLS ?? (process.env.CI ? 200 : 60));
const SEEDS = Number(process.env.SEEDFEED_KILL_SEEDS ?? 100);
const LOOP_SCRIPT = join(REPO, 'test', 'support', 'publish-loop.mjs');

interface RunMessage {
  type: 'run';
  exitCode: number;
  /** How the run went about it: `no-op`, `patch` or `full`. */
  run?: string;
  written?: number;
  timings?: { buildMs: number; writeMs: number; totalMs: number };
  leftovers: string[];
  error?: string;
}

/** One publish-loop process: started and loaded ahead of time, told to go, then killed. */
class LoopProcess {
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  readonly runs: RunMessage[] = [];
  stderr = '';
  /** How the process ended, when it did: anything but our SIGKILL is a crash. */
  ending: string | undefined;
  private waiters: (() => void)[] = [];

  constructor(dist: string, site: Site, onRun: (run: RunMessage) => void) {
    this.proc = fork(LOOP_SCRIPT, [dist, site.seeds, site.out, site.state, site.config], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    this.proc.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        this.ending = signal ?? `exit code ${code}`;
        resolve();
      }),
    );
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (m: { type: string }) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'run') {
          this.runs.push(m as RunMessage);
          onRun(m as RunMessage);
          for (const wake of this.waiters.splice(0)) wake();
        }
      });
      this.exited.then(() => reject(new Error(`publish loop exited before it was ready: ${this.stderr}`)));
    });
    this.ready.catch(() => {});
  }

  go(): void {
    this.proc.send('go');
  }

  /** Resolves when this process completes its next run. */
  nextRun(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Kills the process; returns how it had ended if it ended before (a crash), else undefined. */
  async kill(): Promise<string | undefined> {
    const before = this.ending;
    this.proc.kill('SIGKILL');
    await this.exited;
    return before;
  }
}

type Strategy = 'any moment' | 'log write' | 'output writes' | 'renames';
const STRATEGIES: Strategy[] = ['any moment', 'log write', 'output writes', 'renames'];

interface Timing {
  /** Running means over completed runs. */
  runMs: number;
  writeMs: number;
  written: number;
}

/**
 * Resolves when it is time to kill: after a random delay from the start
 * ('any moment'); as soon as the publish log's temporary file appears ('log
 * write'); a random part of a write phase after the first temporary output
 * file appears ('output writes'); or after a random number of the files
 * being put in place ('renames'). The output folders are watched one by one
 * (a recursive watch is not reliable on Linux in Node 20).
 */
function killMoment(strategy: Strategy, site: Site, timing: Timing): Promise<void> {
  return new Promise((resolve) => {
    const watchers: FSWatcher[] = [];
    const timers: NodeJS.Timeout[] = [];
    let done = false;
    const fire = () => {
      if (done) return;
      done = true;
      for (const w of watchers) w.close();
      for (const t of timers) clearTimeout(t);
      resolve();
    };
    if (strategy === 'any moment') {
      timers.push(setTimeout(fire, Math.random() * 1.5 * timing.runMs));
      return;
    }
    const logTemp = `.${basename(site.state)}${TEMP_MARK}`;
    const renamesToWait = 1 + Math.floor(Math.random() * Math.max(1, timing.written));
    let renames = 0;
    let armed = false;
    const onEvent = (name: string | null) => {
      if (!name) return;
      const temp = name.includes(TEMP_MARK);
      if (strategy === 'log write') {
        if (name.startsWith(logTemp)) fire();
      } else if (strategy === 'output writes') {
        if (temp && !armed) {
          armed = true;
          timers.push(setTimeout(fire, Math.random() * timing.writeMs));
        }
      } else if (!temp && ++renames >= renamesToWait) fire();
    };
    for (const dir of strategy === 'log write' ? [dirname(site.state)] : folders(site.out)) {
      try {
        const watcher = watch(dir, (_event, name) => onEvent(name));
        watcher.on('error', () => {}); // a topic folder removed as stale
        watchers.push(watcher);
      } catch {
        /* gone before it could be watched */
      }
    }
    // A run that never gets that far (a slow machine, fewer files than drawn) is killed all the same.
    timers.push(setTimeout(fire, 3 * timing.runMs + 1000));
  });
}

function folders(dir: string): string[] {
  const found = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) found.push(...folders(join(dir, e.name)));
  return found;
}

/** Files under `dir` that are not temporary, each with what identifies its current version on disk. */
function outputVersions(dir: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const path of snapshotPaths(dir)) {
    try {
      const st = statSync(join(dir, path));
      versions.set(path, `${st.ino}:${st.size}:${st.mtimeMs}`);
    } catch {
      /* a file that is not there is not checked */
    }
  }
  return versions;
}

function snapshotPaths(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else if (!e.name.includes(TEMP_MARK)) found.push(prefix + e.name);
    }
  };
  walk(dir, '');
  return found;
}

const MAIN_FEEDS = ['feed.xml', 'atom.xml', 'feed.json'];

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('a publisher killed at random moments', () => {
  let dist: string;
  let site: Site;
  beforeAll(() => {
    dist = compiledSeedfeed().dir;
    site = siteIn(tempDir('seedfeed-kill-'));
    // Dated an hour back, as seeds a cron run finds have settled (the loop dates its own writes so too).
    const settled = new Date(Date.now() - 3_600_000);
    for (const name of writeCorpus(site.seeds, SEEDS, 2)) utimesSync(join(site.seeds, name), settled, settled);
    // Every item in the main feeds, so that the feeds are large and every change rewrites them.
    writeSiteConfig(site.config, { limit: 100_000 });
    mkdirSync(site.out, { recursive: true });
    mkdirSync(dirname(site.state), { recursive: true });
  });

  it(`leaves complete outputs and a readable publish log after each of ${KILLS} kills, and the next run succeeds and cleans up`, async () => {
    const stats = { kills: 0, completedRuns: 0, killsWithTempFiles: 0, killsDuringLogWrite: 0, outputsChecked: 0, byStrategy: {} as Record<string, number>, completedByKind: {} as Record<string, number> };
    const failedRuns: RunMessage[] = [];
    const timing: Timing = { runMs: 1000, writeMs: 400, written: 20 };
    const onRun = (run: RunMessage) => {
      stats.completedRuns++;
      stats.completedByKind[run.run ?? 'failed'] = (stats.completedByKind[run.run ?? 'failed'] ?? 0) + 1;
      if (run.exitCode !== 0 || run.leftovers.length) failedRuns.push(run);
      if (run.timings && run.written) {
        const first = stats.completedRuns === 1;
        const mean = (old: number, value: number) => (first ? value : 0.8 * old + 0.2 * value);
        timing.runMs = mean(timing.runMs, run.timings.totalMs);
        timing.writeMs = mean(timing.writeMs, run.timings.writeMs);
        timing.written = mean(timing.written, run.written);
      }
    };
    const checked = new Map<string, string>();
    const seenMainFeeds = new Set<string>();
    let loggedIds = new Set<string>();
    let feedIds: string[] = [];
    const problems: string[] = [];

    /** Everything a kill may leave must be usable as it is. */
    const inspect = (k: number, strategy: string) => {
      const temps = [...tempFiles(site.out), ...tempFiles(dirname(site.state))];
      if (temps.length) stats.killsWithTempFiles++;
      if (tempFiles(dirname(site.state)).some((t) => t.startsWith(`.${basename(site.state)}`))) stats.killsDuringLogWrite++;

      const versions = outputVersions(site.out);
      let mainFeedsChanged = false;
      for (const [path, version] of versions) {
        if (checked.get(path) === version) continue; // the same file as at the last check
        let bytes: Buffer;
        try {
          bytes = readFileSync(join(site.out, path));
        } catch {
          continue;
        }
        const problem = outputProblem(path, bytes);
        stats.outputsChecked++;
        if (problem) problems.push(`kill ${k} (${strategy}): ${path}: ${problem}`);
        checked.set(path, version);
        if (MAIN_FEEDS.includes(path)) mainFeedsChanged = true;
      }
      if (mainFeedsChanged && !problems.length) {
        const ids = mainFeedIds(site.out);
        feedIds = [...(ids.rss ?? []), ...(ids.atom ?? []), ...(ids.json ?? [])];
      }
      // Absent only until first written: a main feed never disappears.
      for (const feed of MAIN_FEEDS) {
        if (versions.has(feed)) seenMainFeeds.add(feed);
        else if (seenMainFeeds.has(feed)) problems.push(`kill ${k} (${strategy}): ${feed} was published before and is gone`);
      }
      if (!existsSync(site.state)) {
        // The log is written before any output, so no output exists without it.
        if (versions.size) problems.push(`kill ${k} (${strategy}): outputs exist but no publish log`);
        return;
      }
      let ids: Set<string>;
      try {
        // As seedfeed reads it: the file with its journal's changes made (log-file.ts).
        const log = JSON.parse(readLogFile(site.state)!.bytes.toString('utf8')) as { version: number; entries: { id: string }[] };
        if (log.version !== 1 || !Array.isArray(log.entries)) throw new Error('not a version 1 log');
        ids = new Set(log.entries.map((e) => e.id));
      } catch (e) {
        problems.push(`kill ${k} (${strategy}): the publish log is unusable: ${(e as Error).message}`);
        return;
      }
      const lost = [...loggedIds].filter((id) => !ids.has(id));
      if (lost.length) problems.push(`kill ${k} (${strategy}): ids left the publish log: ${lost.slice(0, 3).join(', ')}`);
      const unlogged = feedIds.filter((id) => !ids.has(id));
      if (unlogged.length) problems.push(`kill ${k} (${strategy}): ids in the feeds but not in the publish log: ${unlogged.slice(0, 3).join(', ')}`);
      loggedIds = ids;
    };

    // Where the time goes, per kill on average (printed, not asserted).
    const spent = { waitingForLoad: 0, runningUntilKilled: 0, inspecting: 0 };
    let next = new LoopProcess(dist, site, onRun);
    try {
      for (let k = 0; k < KILLS && !problems.length && !failedRuns.length; k++) {
        const current = next;
        let t = performance.now();
        await current.ready;
        spent.waitingForLoad += performance.now() - t;
        t = performance.now();
        // The next process loads while this one runs: a restart costs no load time.
        next = new LoopProcess(dist, site, onRun);
        // Kill 0 lands in the very first write (no outputs yet); kill 1 lets two runs complete, to learn the timings
        // (the second, with a stamp from the first and only an edit to publish, is a patch run).
        const strategy: Strategy | 'after two runs' = k === 0 ? 'log write' : k === 1 ? 'after two runs' : STRATEGIES[k % STRATEGIES.length]!;
        const twoRuns = async () => {
          await current.nextRun();
          await current.nextRun();
        };
        const moment = strategy === 'after two runs' ? Promise.race([twoRuns(), delay(60_000)]) : killMoment(strategy, site, timing);
        current.go();
        await moment;
        const crashed = await current.kill();
        if (crashed) problems.push(`kill ${k} (${strategy}): the publish loop ended by itself (${crashed}) before it was killed: ${current.stderr}`);
        spent.runningUntilKilled += performance.now() - t;
        t = performance.now();
        stats.kills++;
        stats.byStrategy[strategy] = (stats.byStrategy[strategy] ?? 0) + 1;
        inspect(k, strategy);
        spent.inspecting += performance.now() - t;
      }
    } finally {
      await next.kill();
    }
    console.log(`kill test: ${JSON.stringify({ ...stats, seeds: SEEDS, meanRunMs: Math.round(timing.runMs), meanWriteMs: Math.round(timing.writeMs), meanWritten: Math.round(timing.written), msPerKill: Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Math.round(v / Math.max(1, stats.kills))])) })}`);

    expect(problems).toEqual([]);
    expect(failedRuns).toEqual([]);
    expect(stats.kills).toBe(KILLS);
    // The kills did land in the middle of writes, and runs did complete between them.
    expect(stats.killsWithTempFiles).toBeGreaterThan(0);
    expect(stats.completedRuns).toBeGreaterThan(0);
    // A quarter of the kills aim at the publish log's write; with enough of them some land while its temporary file exists.
    if (KILLS >= 40) expect(stats.killsDuringLogWrite).toBeGreaterThan(0);
    // Most runs only edit seeds in a way that moves nothing: patch runs were killed and completed too.
    if (KILLS >= 40) expect(stats.completedByKind.patch ?? 0).toBeGreaterThan(0);

    // One more run, as cron would start it: it succeeds, cleans up, and leaves valid outputs with every feed id logged.
    const final = await runCli(join(dist, 'cli.js'), buildArgs(site, '--quiet'), site.root);
    expect(final).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(tempFiles(site.out)).toEqual([]);
    // Beside the log only its journal and caches (no-op stamp, build cache, patch index) may stay: no lock, no temporary file.
    const beside = [journalPathFor(site.state), ...cachesBeside(site.state)].map((c) => basename(c));
    expect(readdirSync(dirname(site.state)).filter((n) => !beside.includes(n))).toEqual([basename(site.state)]);
    for (const path of snapshot(site.out).keys()) expect(outputProblem(path, readFileSync(join(site.out, path))), path).toBeUndefined();
    const ids = mainFeedIds(site.out);
    const logged = new Set((JSON.parse(readLogFile(site.state)!.bytes.toString('utf8')) as { entries: { id: string }[] }).entries.map((e) => e.id));
    expect(ids.rss!.length).toBeGreaterThanOrEqual(SEEDS);
    for (const id of [...ids.rss!, ...ids.atom!, ...ids.json!]) expect(logged.has(id), id).toBe(true);
    // And the output folder is what a full build from scratch makes of the same seeds and publish log, byte for byte:
    // whatever mix of full and patch runs, killed or not, led to it.
    const scratch = siteIn(tempDir('seedfeed-kill-scratch-'));
    mkdirSync(dirname(scratch.state), { recursive: true });
    copyFileSync(site.state, scratch.state);
    if (existsSync(journalPathFor(site.state))) copyFileSync(journalPathFor(site.state), journalPathFor(scratch.state));
    const fresh = await runCli(join(dist, 'cli.js'), buildArgs({ ...scratch, seeds: site.seeds, config: site.config }, '--quiet'), scratch.root);
    expect(fresh).toMatchObject({ code: 0, stderr: '' });
    const mine = snapshot(site.out);
    const theirs = snapshot(scratch.out);
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, file] of theirs) expect(mine.get(path)?.sha256, path).toBe(file.sha256);
  }, KILLS * 3_000 + 120_000);
});
