import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { LockedError } from './diagnostics.js';

export interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

export interface Lock {
  path: string;
  release(): void;
}

/**
 * One run at a time: an O_EXCL lock file holding the holder's pid, host and
 * start time. A lock whose process is gone (same host, pid not alive) is
 * taken over; the takeover itself is guarded by a second O_EXCL file, so two
 * runs that both find a dead holder cannot both win.
 */
export function acquireLock(path: string, options: { waitSeconds?: number; now?: () => Date } = {}): Lock {
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    const lock = tryCreate(path, options.now?.() ?? new Date());
    if (lock) return lock;
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (holder === 'unreadable' || !isAlive(holder)) {
      if (takeOver(path, holder)) continue;
    }
    if (Date.now() >= deadline) {
      const who = typeof holder === 'object' ? `pid ${holder.pid} on ${holder.host}, started ${holder.started}` : 'a run whose lock file cannot be read';
      throw new LockedError(`another seedfeed run holds ${path} (${who}); try again later or pass --wait SECONDS`);
    }
    sleep(100);
  }
}

function tryCreate(path: string, now: Date): Lock | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw e;
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), started: now.toISOString() };
  writeSync(fd, JSON.stringify(holder) + '\n');
  closeSync(fd);
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      try {
        const current = readHolder(path);
        if (typeof current === 'object' && current.pid === process.pid && current.started === holder.started) unlinkSync(path);
      } catch {
        /* already gone */
      }
    },
  };
}

function readHolder(path: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return parsed;
  } catch {
    // A holder killed between creating and writing the file leaves it empty.
  }
  return 'unreadable';
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot tell from here: treat as held
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes a dead holder's lock, guarded so that only one taker acts; true when the lock was removed. */
function takeOver(path: string, seen: LockHolder | 'unreadable'): boolean {
  const guard = `${path}.takeover`;
  if (seen === 'unreadable') {
    // An empty lock file is a holder killed mid-write; give a live writer a moment.
    try {
      if (Date.now() - statSync(path).mtimeMs < 2000) return false;
    } catch {
      return true;
    }
  }
  let fd: number;
  try {
    fd = openSync(guard, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // A taker that died mid-takeover leaves the guard; it is stale after 10 s.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkSync(guard);
    } catch {
      /* gone */
    }
    return false;
  }
  closeSync(fd);
  try {
    const again = readHolder(path);
    const same = again === 'unreadable' ? seen === 'unreadable' : typeof again === 'object' && typeof seen === 'object' && again.pid === seen.pid && again.started === seen.started;
    if (same) unlinkSync(path);
    return same || again === 'gone';
  } finally {
    unlinkSync(guard);
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
