/**
 * Whole-process measurements: wall time from the parent's monotonic clock,
 * peak resident memory from GNU time (`/usr/bin/time -v`) when it works here,
 * else, for node processes only, from `process.resourceUsage().maxRSS` read
 * at exit by a preloaded module (peak.mjs).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEAK_MODULE = pathToFileURL(join(HERE, 'peak.mjs')).href;
const GNU_TIME = '/usr/bin/time';

let scratch;
function scratchFile(name) {
  scratch ??= mkdtempSync(join(tmpdir(), 'seedfeed-bench-'));
  return join(scratch, name);
}
process.on('exit', () => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let gnuTime;
/** True when `/usr/bin/time -v` runs and reports the maximum resident set size. */
export function hasGnuTime() {
  if (gnuTime === undefined) {
    const out = scratchFile('probe.txt');
    const run = spawnSync(GNU_TIME, ['-v', '-o', out, 'true'], { stdio: 'ignore' });
    let text = '';
    try {
      text = readFileSync(out, 'utf8');
    } catch {
      /* no report: not GNU time */
    }
    gnuTime = run.status === 0 && /Maximum resident set size/.test(text);
  }
  return gnuTime;
}

export function peakMethod() {
  return hasGnuTime() ? '/usr/bin/time -v (maximum resident set size)' : 'process.resourceUsage().maxRSS at exit (node processes only)';
}

/**
 * Runs `command args` to completion and returns `{ wallMs, cpuMs, peakKb,
 * status, output }`: `cpuMs` is user + system time, `output` the tail of
 * what it printed, for error messages. `peakKb` and `cpuMs` are undefined
 * when they cannot be measured.
 */
export function measure(command, args, { cwd, env } = {}) {
  const log = scratchFile('output.txt');
  const fd = openSync(log, 'w');
  const timeReport = scratchFile('time.txt');
  const peakReport = scratchFile('peak.txt');
  rmSync(timeReport, { force: true });
  rmSync(peakReport, { force: true });
  let file = command;
  let argv = args;
  let childEnv = { ...process.env, ...env };
  if (hasGnuTime()) {
    file = GNU_TIME;
    argv = ['-v', '-o', timeReport, command, ...args];
  } else if (command === process.execPath) {
    argv = ['--import', PEAK_MODULE, ...args];
    childEnv = { ...childEnv, SEEDFEED_BENCH_PEAK_FILE: peakReport };
  }
  const started = process.hrtime.bigint();
  const run = spawnSync(file, argv, { cwd, env: childEnv, stdio: ['ignore', fd, fd] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  closeSync(fd);
  const output = readFileSync(log, 'utf8');
  let peakKb;
  let cpuMs;
  let status = run.status;
  try {
    if (hasGnuTime()) {
      const text = readFileSync(timeReport, 'utf8');
      peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1]);
      cpuMs = (Number(/User time \(seconds\): ([\d.]+)/.exec(text)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(text)?.[1])) * 1000;
      // A child killed by a signal (V8 aborts on running out of heap) still has "Exit status: 0".
      const signal = /Command terminated by signal (\d+)/.exec(text);
      const exit = /Exit status: (\d+)/.exec(text);
      if (signal) status = 128 + Number(signal[1]);
      else if (exit) status = Number(exit[1]);
    } else {
      const [peak, cpu] = readFileSync(peakReport, 'utf8').split(' ').map(Number);
      peakKb = peak;
      cpuMs = cpu / 1000;
    }
  } catch {
    peakKb = undefined;
  }
  if (!Number.isFinite(peakKb)) peakKb = undefined;
  if (!Number.isFinite(cpuMs)) cpuMs = undefined;
  return { wallMs, cpuMs, peakKb, status: run.error ? -1 : status, output: output.slice(-4000) + (run.error ? String(run.error) : '') };
}

export function median(values) {
  const sorted = values.filter((v) => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
