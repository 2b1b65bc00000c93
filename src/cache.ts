import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { beginFileAtomically } from './write.js';
import { createHash } from 'node:crypto';
import type { SeedHead } from './parse/index.js';
import { warning, type Diagnostic } from './diagnostics.js';
import type { SeedFile } from './discover.js';
import type { SiteConfig } from './model.js';
import { codeDigest, configDigest, stampPathFor } from './fastpath.js';
import { indexPathFor } from './patch-index.js';

/**
 * The build cache, kept beside the publish log (`<state>.cache`): what the
 * last runs learned that is expensive to learn again. Like the build stamp it
 * is only a cache: a lost, damaged or stale one costs one full run, never a
 * wrong output.
 *
 * - Seed records: each seed's parse (fields, diagnostics, repairs; not the
 *   body), under the size, mtime, ctime, inode and device it was read with.
 *   A seed listed the same way again is not read: its body is read again
 *   only if an output that shows it is rendered.
 * - Output stamps: each output's fingerprint (fingerprint.ts) with the size,
 *   mtime and ctime of the file a run left. An output whose fingerprint is
 *   the same and whose file still has that size, mtime and ctime is left as
 *   it is, unrendered: one stat instead of a render and a compare. A file
 *   edited, replaced or deleted since does not match, so each stamp vouches
 *   for itself.
 *
 * The file is one JSON value per line: a header with the key, a snapshot of
 * every record and stamp, then what later runs changed, appended (a record
 * or stamp per line, later lines win). A run that changed a few seeds
 * appends a few lines instead of rewriting tens of megabytes; when the
 * appended part grows past a quarter of the snapshot, the next run writes a
 * new snapshot. A line cut short by a killed run is ignored and the next run
 * writes a new snapshot.
 *
 * Everything is keyed by seedfeed's code (its modules, its installed
 * packages and the Node version: see `codeDigest`), the effective config, the
 * seeds folder as shown in messages and the output folder: a change to any
 * of them makes a full run.
 */
export const CACHE_VERSION = 2;

export interface SeedRecord {
  /** Path under the seeds folder. */
  file: string;
  size: number;
  mtimeMs: number;
  ctimeMs?: number;
  ino?: number;
  dev?: number;
  /** The parse; `head.file` (the path as shown) is not stored, the build sets it. */
  head: SeedHead;
  /** Warnings the body gave when it was last normalized; absent until it was. */
  bodyDiagnostics?: Diagnostic[];
}

/** The record of `file` as listed, parsed to `head`, with its body's warnings when the body was normalized. */
export function seedRecord(file: SeedFile, head: SeedHead, bodyDiagnostics?: Diagnostic[]): SeedRecord {
  const record: SeedRecord = { file: file.file, size: file.size, mtimeMs: file.mtimeMs, head };
  if (bodyDiagnostics) record.bodyDiagnostics = bodyDiagnostics;
  if (file.ctimeMs !== undefined) record.ctimeMs = file.ctimeMs;
  if (file.ino !== undefined) record.ino = file.ino;
  if (file.dev !== undefined) record.dev = file.dev;
  return record;
}

/** The warning of a run that could not write one of its caches: it publishes all the same. */
export function cacheNotWritten(path: string, e: unknown): Diagnostic {
  return warning('cache-not-written', path, 0, `${(e as Error).message}; the next run does the work again`);
}

/** The cache as read. */
export interface BuildCache {
  key: string;
  /** By path under the seeds folder. */
  seeds: Map<string, SeedRecord>;
  /** Output path -> `outputStamp`. */
  outputs: Map<string, string>;
  /** Lines of the snapshot and lines appended after it; a cut line forces a new snapshot. */
  snapshotLines: number;
  appendedLines: number;
  cut: boolean;
}

/** One line of the file after the header. */
type CacheLine = { s: SeedRecord } | { d: string } | { o: [string, string] } | { x: string };

interface CacheHeader {
  version: typeof CACHE_VERSION;
  key: string;
  /** Lines of the snapshot that follows the header. */
  lines: number;
}

export function cachePathFor(statePath: string): string {
  return `${statePath}.cache`;
}

/** What a cache must have been made under to be used. */
export function cacheKey(config: SiteConfig, displayRoot: string, outDir: string, codeDir?: string): string {
  return createHash('sha256').update(`${codeDigest(codeDir)}\u0000${configDigest(config)}\u0000${displayRoot}\u0000${resolve(outDir)}`).digest('hex');
}

/** The cache at `path` when it was made under `key`; undefined when there is none or it is of no use (then the run is a full one). */
export function readCache(path: string, key: string): BuildCache | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  // Decoded line by line: the whole file as one string (two bytes a character once any is not Latin-1) cost a
  // fifth more time and 100 MB more memory at 100,000 seeds. A line ends at a newline byte, never inside a character.
  const spans: number[] = [];
  for (let start = 0; start < bytes.length; ) {
    const newline = bytes.indexOf(10, start);
    const end = newline === -1 ? bytes.length : newline;
    spans.push(start, end);
    start = end + 1;
  }
  const count = spans.length / 2;
  const lineAt = (i: number) => bytes.toString('utf8', spans[2 * i], spans[2 * i + 1]);
  let header: Partial<CacheHeader>;
  try {
    header = JSON.parse(count ? lineAt(0) : '') as Partial<CacheHeader>;
  } catch {
    return undefined;
  }
  if (!isHeaderOf(header, key)) return undefined;
  // Without its last newline the file was cut, even if its last line parses: the next run must not append to it.
  const cache: BuildCache = { key, seeds: new Map(), outputs: new Map(), snapshotLines: header.lines, appendedLines: count - 1 - header.lines, cut: bytes[bytes.length - 1] !== 10 };
  for (let i = 1; i < count; i++) {
    let line: CacheLine;
    try {
      line = JSON.parse(lineAt(i)) as CacheLine;
    } catch {
      // Only the last line can be cut short (a run killed while appending); anything else is damage.
      if (i < count - 1) return undefined;
      cache.cut = true;
      break;
    }
    if ('s' in line) cache.seeds.set(line.s.file, line.s);
    else if ('d' in line) cache.seeds.delete(line.d);
    else if ('o' in line) cache.outputs.set(line.o[0], line.o[1]);
    else if ('x' in line) cache.outputs.delete(line.x);
  }
  if (cache.snapshotLines > count - 1) return undefined;
  return cache;
}

/** The snapshot's first line: its header, with room for the count of lines, which is known only when the file is finished (`LINES_WIDTH`). */
function snapshotHeader(key: string): { line: string; linesAt: number } {
  const written = JSON.stringify({ version: CACHE_VERSION, key, lines: 0 } satisfies CacheHeader);
  // JSON allows spaces before a value: `"lines":      12345}`. The key is hex, so a character is a byte.
  const linesAt = written.length - 2;
  return { line: `${written.slice(0, linesAt)}${'0'.padStart(LINES_WIDTH)}}\n`, linesAt };
}

/** Digits the header keeps for its count of lines. */
const LINES_WIDTH = 15;

function* seedLines(header: string, seeds: readonly SeedRecord[]): Generator<string> {
  yield header;
  for (const record of seeds) yield seedLine(record) + '\n';
}

function* outputLines(outputs: ReadonlyMap<string, string>): Generator<string> {
  for (const [path, stamp] of outputs) yield outputLine(path, stamp) + '\n';
}

/** An output's stamp as stored. */
function outputLine(path: string, stamp: string): string {
  return JSON.stringify({ o: [path, stamp] });
}

/** Whether a cache's first line is the header of a cache of this version made under `key`. */
function isHeaderOf(header: Partial<CacheHeader> | undefined, key: string): header is CacheHeader {
  return header?.version === CACHE_VERSION && header.key === key && typeof header.lines === 'number';
}

/** A record as stored: without the display path. */
function seedLine(record: SeedRecord): string {
  return JSON.stringify({ s: { ...record, head: { ...record.head, file: undefined } } });
}

/** A write of the build cache begun with its seed records, to be finished with the outputs' stamps, or abandoned (the old cache stays). */
export interface CacheWrite {
  finish(outputs: ReadonlyMap<string, string>): void;
  abandon(): void;
}

/**
 * Brings the cache at `path` to `seeds` and the outputs' stamps, in two
 * goes: the seed records now, the stamps when the run has written its
 * outputs. It appends what changed since `previous` (the cache as this run
 * read it), or writes a new snapshot when there is none, it was cut, or the
 * appended part has grown too long. A full build begins it before it renders,
 * so that it does not keep every seed's parse (~1.5 KB a seed in memory)
 * while it renders: a new snapshot's records go to its temporary file at
 * once, an append's few changed lines are kept until it is finished. Nothing
 * of `seeds` or `previous.seeds` is used after this returns.
 */
export function beginCacheWrite(path: string, key: string, previous: BuildCache | undefined, seeds: readonly SeedRecord[]): CacheWrite {
  if (!previous || previous.key !== key || previous.cut || previous.appendedLines * 4 > previous.snapshotLines) {
    const header = snapshotHeader(key);
    // Written line by line: the snapshot of 100,000 seeds (~90 MB) built as one string first took 650 MB more at the end of a full build.
    // No closure here may see `seeds`: one that outlives this call would keep them all (its scope is shared).
    const begun = beginFileAtomically(path, seedLines(header.line, seeds));
    const count = seeds.length;
    return {
      finish: (outputs) => begun.finish(outputLines(outputs), [{ at: header.linesAt, bytes: Buffer.from(String(count + outputs.size).padStart(LINES_WIDTH)) }]),
      abandon: () => begun.abandon(),
    };
  }
  const lines: string[] = [];
  const listed = new Set<string>();
  for (const record of seeds) {
    listed.add(record.file);
    // Records the build reused are the very objects read: anything else is new.
    if (previous.seeds.get(record.file) !== record) lines.push(seedLine(record));
  }
  for (const file of previous.seeds.keys()) if (!listed.has(file)) lines.push(JSON.stringify({ d: file }));
  const before = previous.outputs;
  return {
    finish(outputs) {
      for (const [p, stamp] of outputs) if (before.get(p) !== stamp) lines.push(outputLine(p, stamp));
      for (const p of before.keys()) if (!outputs.has(p)) lines.push(JSON.stringify({ x: p }));
      if (lines.length) appendDurably(path, lines.join('\n') + '\n');
    },
    abandon: () => undefined,
  };
}

/**
 * Appends what a patch run (patch.ts) changed to the cache at `path`,
 * without reading the rest of it: its changed seeds' records and the stamps
 * of the outputs it wrote. Nothing is appended to a cache made under another
 * key, or cut short (the next full run writes a new snapshot); the records
 * and stamps missing then cost that run a parse and a render each.
 */
export function appendToCache(path: string, key: string, seeds: readonly SeedRecord[], outputs: ReadonlyMap<string, string>): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  let usable = false;
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, head, 0, head.length, 0);
    const newline = head.indexOf(10);
    const last = Buffer.alloc(1);
    if (newline > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 10) {
      usable = isHeaderOf(JSON.parse(head.toString('utf8', 0, newline)) as Partial<CacheHeader>, key);
    }
  } catch {
    usable = false;
  } finally {
    closeSync(fd);
  }
  if (!usable) return;
  const lines = [...seeds.map(seedLine), ...[...outputs].map(([path, stamp]) => outputLine(path, stamp))];
  if (lines.length) appendDurably(path, lines.join('\n') + '\n');
}

/** Appends `text` and fsyncs: a run killed meanwhile leaves at most a cut last line, which readers skip. */
function appendDurably(path: string, text: string): void {
  const fd = openSync(path, 'a');
  try {
    // A write may take less than it is given (a disk filling up): the rest follows, or the error says why.
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** An output's fingerprint with the size, mtime and ctime of its file (`fileStamp` in output-stats.ts); undefined when the file could not be stat-ed. */
export function outputStamp(fingerprint: string, file: string | undefined): string | undefined {
  return file === undefined ? undefined : `${fingerprint} ${file}`;
}

/** The caches kept beside the publish log (the no-op stamp, the build cache and the patch index): deleting them costs one full run, nothing else. */
export function cachesBeside(statePath: string): string[] {
  return [stampPathFor(statePath), cachePathFor(statePath), indexPathFor(statePath)];
}

