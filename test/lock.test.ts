import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from './helpers.js';
import { compiledSeedfeed } from './support/dist.js';
import { acquireLock, processStart, readHolder, type LockHolder } from '../src/lock.js';
import { EXIT, LockedError, OutputError } from '../src/diagnostics.js';

const HOLDER_SCRIPT = join(REPO, 'test', 'support', 'lock-holder.mjs');

function lockPath(): string {
  return join(tempDir('seedfeed-lock-'), 'state', 'publish-log.json.lock');
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function writeHolder(path: string, holder: Partial<LockHolder> & { pid: number }): void {
  writeFileSync(path, JSON.stringify({ host: hostname(), started: '2026-11-28T11:59:00.000Z', ...holder }) + '\n');
}

function lockedError(fn: () => unknown): LockedError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LockedError);
    return e as LockedError;
  }
  throw new Error('expected the lock to be refused');
}

function ageFile(path: string, seconds: number): void {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
}

describe('acquireLock', () => {
  it('creates the lock file (and its folder) with pid, host, start time and process start, and removes it on release', () => {
    const path = lockPath();
    const lock = acquireLock(path, { now: () => new Date('2026-11-28T12:00:00Z') });
    const holder = readHolder(path);
    expect(holder).toEqual({ pid: process.pid, host: hostname(), started: '2026-11-28T12:00:00.000Z', ...(processStart(process.pid) ? { processStart: processStart(process.pid) } : {}) });
    expect(readdirSync(dirname(path))).toEqual([basename(path)]);
    lock.release();
    lock.release();
    expect(readdirSync(dirname(path))).toEqual([]);
  });

  it('a state folder that cannot be made or written is an output error (exit 4) naming it, not a crash', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state'), 'a file where the state folder should be\n');
    const path = join(dir, 'state', 'log.json.lock');
    let thrown: unknown;
    try {
      acquireLock(path);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OutputError);
    expect((thrown as OutputError).exitCode).toBe(EXIT.output);
    expect((thrown as OutputError).message).toMatch(new RegExp(`^${join(dir, 'state')}: cannot create the run's lock file there \\((EEXIST|ENOTDIR)\\)`));
  });

  it('refuses a second run while the holder lives, naming it, with exit code 3', () => {
    const path = lockPath();
    const lock = acquireLock(path, { now: () => new Date('2026-11-28T12:00:00Z') });
    const refused = lockedError(() => acquireLock(path));
    expect(refused.exitCode).toBe(EXIT.locked);
    expect(refused.message).toContain(`pid ${process.pid} on ${hostname()}, started 2026-11-28T12:00:00.000Z`);
    expect(refused.message).toContain('--wait SECONDS');
    lock.release();
    acquireLock(path).release();
  });

  it('takes over the lock of a process that is gone', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    const dead = deadPid();
    writeHolder(path, { pid: dead });
    lock.release(); // not its lock any more: left alone
    expect(existsSync(path)).toBe(true);
    const taken = acquireLock(path);
    expect(taken.tookOverFrom?.pid).toBe(dead);
    expect((readHolder(path) as LockHolder).pid).toBe(process.pid);
    taken.release();
    expect(existsSync(path)).toBe(false);
  });

  it.runIf(processStart(process.pid) !== undefined)('takes over a lock whose pid now belongs to another process (different process start)', () => {
    const path = lockPath();
    acquireLock(path);
    writeHolder(path, { pid: process.pid, processStart: '1' });
    const taken = acquireLock(path);
    expect(taken.tookOverFrom).toMatchObject({ pid: process.pid, processStart: '1' });
    taken.release();
  });

  it('never takes over a lock held on another host', () => {
    const path = lockPath();
    acquireLock(path).release();
    writeHolder(path, { pid: deadPid(), host: 'other-host.example' });
    expect(lockedError(() => acquireLock(path)).message).toContain('on other-host.example');
    expect(readHolder(path)).toMatchObject({ host: 'other-host.example' });
  });

  it('leaves an unreadable lock file alone while it is fresh, and takes it over once it is old', () => {
    const path = lockPath();
    acquireLock(path).release();
    writeFileSync(path, '');
    expect(lockedError(() => acquireLock(path)).message).toContain('cannot be read');
    ageFile(path, 60);
    const taken = acquireLock(path);
    expect((readHolder(path) as LockHolder).pid).toBe(process.pid);
    taken.release();
  });

  it('clears the takeover guard of a taker that died, and takes over at once', () => {
    const path = lockPath();
    acquireLock(path).release();
    writeHolder(path, { pid: deadPid() });
    writeHolder(`${path}.takeover`, { pid: deadPid() });
    const taken = acquireLock(path);
    expect(existsSync(`${path}.takeover`)).toBe(false);
    taken.release();
  });

  it('waits for --wait seconds, then gives up naming the holder', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    const started = Date.now();
    const message = lockedError(() => acquireLock(path, { waitSeconds: 0.3 })).message;
    expect(message).toContain(`pid ${process.pid}`);
    // It says how long it waited, and asks for a longer wait rather than for the option it was given.
    expect(message).toMatch(/; waited 0\.3 s; try again later or pass a longer --wait$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    lock.release();
  });

  it('removes candidate files of runs killed while taking the lock, but not those of live processes', () => {
    const path = lockPath();
    acquireLock(path).release();
    const dead = `${path}.${deadPid()}-0badc0de.new`;
    const deadGuard = `${path}.takeover.${deadPid()}-0badc0de.new`;
    const live = `${path}.${process.pid}-0badc0de.new`;
    for (const p of [dead, deadGuard, live]) writeFileSync(p, '{}');
    acquireLock(path).release();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(deadGuard)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

interface HolderResult {
  ok: boolean;
  pid: number;
  acquiredAt?: number;
  releasedAt?: number;
  tookOverFrom?: number | null;
  exitCode?: number;
  message?: string;
}

function runHolders(dist: string, path: string, count: number, holdMs: number, waitSeconds: number): Promise<HolderResult[]> {
  const startAt = Date.now() + 600;
  return Promise.all(
    Array.from({ length: count }, () => {
      const proc = spawn(process.execPath, [HOLDER_SCRIPT, dist, path, String(holdMs), String(waitSeconds), String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      proc.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
      return new Promise<HolderResult>((resolve) => proc.on('close', () => resolve(JSON.parse(out) as HolderResult)));
    }),
  );
}

/** Holders whose times overlap: two runs that held the lock at once. */
function overlaps(results: HolderResult[]): string[] {
  const held = results.filter((r) => r.ok).sort((a, b) => a.acquiredAt! - b.acquiredAt!);
  const found: string[] = [];
  for (let i = 1; i < held.length; i++) {
    if (held[i]!.acquiredAt! < held[i - 1]!.releasedAt!) found.push(`pid ${held[i - 1]!.pid} and pid ${held[i]!.pid}`);
  }
  return found;
}

describe('the lock between processes', () => {
  let dist: string;
  beforeAll(() => {
    dist = compiledSeedfeed().dir;
  });

  it('lets one of many processes racing for a dead holder\'s lock in at a time', async () => {
    for (let round = 0; round < 4; round++) {
      const path = lockPath();
      acquireLock(path).release();
      writeHolder(path, { pid: deadPid() });
      const results = await runHolders(dist, path, 6, 400, 0);
      expect(overlaps(results)).toEqual([]);
      const winners = results.filter((r) => r.ok);
      expect(winners.length).toBeGreaterThanOrEqual(1);
      for (const loser of results.filter((r) => !r.ok)) {
        expect(loser.exitCode).toBe(EXIT.locked);
        expect(loser.message).toMatch(/another seedfeed run holds .* \(pid \d+ on /);
      }
      expect(existsSync(path)).toBe(false);
      expect(readdirSync(dirname(path))).toEqual([]);
    }
  });

  it('with a wait, every process gets the lock in turn, never two at once', async () => {
    const path = lockPath();
    const results = await runHolders(dist, path, 8, 50, 30);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(overlaps(results)).toEqual([]);
    expect(readdirSync(dirname(path))).toEqual([]);
  });

  it('a lock file is never seen empty or partial while runs race for it', async () => {
    const path = lockPath();
    acquireLock(path).release();
    const racing = runHolders(dist, path, 8, 20, 30);
    const seen: string[] = [];
    let done = false;
    void racing.then(() => (done = true));
    while (!done) {
      try {
        const text = readFileSync(path, 'utf8');
        const holder = JSON.parse(text) as LockHolder;
        if (typeof holder.pid !== 'number') seen.push(text);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') seen.push(String((e as Error).message));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(seen).toEqual([]);
    expect((await racing).every((r) => r.ok)).toBe(true);
  });
});
