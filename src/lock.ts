import { closeSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync, constants } from 'node:fs';
import { unlinkQuietly } from './write.js';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { LockedError, OutputError } from './diagnostics.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** When the run started (ISO 8601). */
  started: string;
  /** The kernel's start time of the process (Linux), so that a reused pid is not taken for the holder. */
  processStart?: string;
}

export interface Lock {
  path: string;
  holder: LockHolder;
  /** The dead run whose lock this one took over, if any. */
  tookOverFrom?: LockHolder;
  release(): void;
}

export interface LockOptions {
  /** Wait this long for a live holder to finish (default: fail at once). */
  waitSeconds?: number;
  now?: () => Date;
}

/** A takeover guard older than this belongs to a taker that died or hung. */
const GUARD_STALE_MS = 10_000;
/** A lock or guard file that cannot be parsed is left alone this long, in case its writer is still at it. */
const UNREADABLE_GRACE_MS = 2_000;
/** Quick retries after a takeover, before a run without `--wait` gives up. */
const TAKEOVER_RETRIES = 20;

/**
 * One run at a time: a lock file holding the holder's pid, host, start time
 * and process start. It is written whole to a private file first and then
 * hard-linked into place (link fails if the lock exists), so a lock file is
 * never seen empty or half written, even when its run is killed at once.
 * A lock whose process is gone (same host, pid not alive or alive under a
 * different process start) is taken over; the takeover is guarded by a
 * second file made the same way, so two runs that both find a dead holder
 * cannot both win. A run on another host is always treated as alive.
 */
export function acquireLock(path: string, options: LockOptions = {}): Lock {
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  const holder = currentHolder(options.now?.() ?? new Date());
  // A state folder that cannot be made or written to: the run stops before it reads or writes anything else.
  const created = (): boolean => {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return createExclusive(path, holder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new OutputError(`${dirname(path)}: cannot create the run's lock file there (${code}); the state folder must be a folder the user running seedfeed can write to. Nothing was written`);
    }
  };
  let retries = 0;
  let tookOverFrom: LockHolder | undefined;
  for (;;) {
    if (created()) {
      removeDeadCandidates(path);
      return lockHandle(path, holder, tookOverFrom);
    }
    const seen = readHolder(path);
    if (seen === 'gone') continue;
    if (seen === 'unreadable' || !isAlive(seen)) {
      const outcome = takeOver(path, seen, holder);
      if (outcome === 'removed' && typeof seen === 'object') tookOverFrom = seen;
      if (outcome !== 'held' && retries++ < TAKEOVER_RETRIES) {
        if (outcome === 'busy') sleep(10);
        continue;
      }
    }
    const left = deadline - Date.now();
    const advice = options.waitSeconds ? `waited ${options.waitSeconds} s; try again later or pass a longer --wait` : 'try again later or pass --wait SECONDS';
    if (left <= 0) throw new LockedError(`another seedfeed run holds ${path} (${describeHolder(seen)}); ${advice}`);
    sleep(Math.min(100, left));
  }
}

export function describeHolder(holder: LockHolder | 'unreadable' | 'gone'): string {
  if (holder === 'unreadable') return 'a run whose lock file cannot be read';
  if (holder === 'gone') return 'a run that has just finished';
  return `pid ${holder.pid} on ${holder.host}, started ${holder.started}`;
}

function currentHolder(now: Date): LockHolder {
  const holder: LockHolder = { pid: process.pid, host: hostname(), started: now.toISOString() };
  const start = processStart(process.pid);
  if (start) holder.processStart = start;
  return holder;
}

function lockHandle(path: string, holder: LockHolder, tookOverFrom: LockHolder | undefined): Lock {
  let released = false;
  return {
    path,
    holder,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    release() {
      if (released) return;
      released = true;
      const current = readHolder(path);
      if (typeof current === 'object' && sameHolder(current, holder)) unlinkQuietly(path);
    },
  };
}

/**
 * Creates `path` holding `holder`, or returns false when it exists. The
 * content is written to a private candidate file and linked into place, so
 * the file appears complete or not at all.
 */
function createExclusive(path: string, holder: LockHolder): boolean {
  const text = JSON.stringify(holder) + '\n';
  const candidate = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.new`;
  writeFileSync(candidate, text, { flag: 'wx', mode: 0o644 });
  try {
    linkSync(candidate, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createWithoutLink(path, text);
    throw e;
  } finally {
    unlinkQuietly(candidate);
  }
}

/** For file systems without hard links: O_EXCL, then write. A holder killed in between leaves an empty file (see UNREADABLE_GRACE_MS). */
function createWithoutLink(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Candidate files of runs killed between writing and linking them. */
function removeDeadCandidates(path: string): void {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(?:takeover\.)?(\d+)-[0-9a-f]+\.new$/.exec(name.slice(prefix.length)) : null;
    if (match && !pidAlive(Number(match[1]))) unlinkQuietly(join(dirname(path), name));
  }
}

export function readHolder(path: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.started === 'string') return parsed;
  } catch {
    // Written by hand, or by a run on a file system without hard links that was killed mid-write.
  }
  return 'unreadable';
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.host === b.host && a.started === b.started && a.processStart === b.processStart;
}

/** Whether the holder's process still runs; a holder on another host cannot be checked and counts as alive. */
export function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (!pidAlive(holder.pid)) return false;
  if (holder.processStart === undefined) return true;
  const start = processStart(holder.pid);
  return start === undefined || start === holder.processStart;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. Undefined where there is no /proc. */
export function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses; the fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[19];
  return start && /^\d+$/.test(start) ? start : undefined;
}

type TakeoverOutcome = 'removed' | 'busy' | 'held';

/**
 * Removes a dead holder's lock. Only the run that creates the guard file
 * acts; it reads the lock again under the guard and removes it only if it is
 * still the one found dead. 'busy': another run is taking over, or a dead
 * taker's guard was just cleared; try again. 'held': leave it.
 */
function takeOver(path: string, seen: LockHolder | 'unreadable', taker: LockHolder): TakeoverOutcome {
  if (seen === 'unreadable' && ageMs(path) < UNREADABLE_GRACE_MS) return 'held';
  const guard = `${path}.takeover`;
  if (!createExclusive(guard, taker)) {
    const guardHolder = readHolder(guard);
    if (guardHolder === 'gone') return 'busy';
    const dead = guardHolder === 'unreadable' ? ageMs(guard) > UNREADABLE_GRACE_MS : !isAlive(guardHolder);
    if (dead || ageMs(guard) > GUARD_STALE_MS) unlinkQuietly(guard);
    return 'busy';
  }
  try {
    const again = readHolder(path);
    if (again === 'gone') return 'busy';
    const same = again === 'unreadable' ? seen === 'unreadable' : typeof seen === 'object' && sameHolder(again, seen);
    if (!same) return 'busy';
    unlinkQuietly(path);
    return 'removed';
  } finally {
    unlinkQuietly(guard);
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
