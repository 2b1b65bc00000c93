// Takes seedfeed's run lock, holds it, releases it, and says when, for
// test/lock.test.ts:
//
//   node lock-holder.mjs <compiled seedfeed dir> <lock path> <hold ms> <wait seconds> [start at (epoch ms)]
//
// Prints one JSON line: {ok: true, pid, acquiredAt, releasedAt, tookOverFrom}
// or {ok: false, pid, exitCode, message}. acquiredAt is read after the lock
// is taken and releasedAt before it is let go, so under mutual exclusion no
// two holders' [acquiredAt, releasedAt] overlap.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, lockPath, holdMs, waitSeconds, startAt] = process.argv.slice(2);
const { acquireLock } = await import(pathToFileURL(join(distDir, 'lock.js')).href);

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));
// Every holder starts at the same moment, so that they race.
if (startAt) sleep(Number(startAt) - Date.now());

try {
  const lock = acquireLock(lockPath, { waitSeconds: Number(waitSeconds) });
  const acquiredAt = Date.now();
  sleep(Number(holdMs));
  const releasedAt = Date.now();
  lock.release();
  process.stdout.write(JSON.stringify({ ok: true, pid: process.pid, acquiredAt, releasedAt, tookOverFrom: lock.tookOverFrom?.pid ?? null }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, pid: process.pid, exitCode: e.exitCode ?? 70, message: String(e.message) }) + '\n');
}
