import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { journalPathFor } from './fastpath.js';
import { StateError } from './diagnostics.js';
import { unlinkQuietly, writeFileAtomically } from './write.js';

/**
 * The publish log's file, and its journal beside it (`<state>.journal`).
 *
 * A full run writes the log whole, atomically, and removes the journal. A
 * patch run (patch.ts) changes a few lines of it: it appends those changes
 * to the journal instead, one line per run, and fsyncs it. At 100,000 seeds
 * that is a few hundred bytes in place of 41 MB written and flushed (~80 ms).
 * Past `JOURNAL_MAX_RECORDS` runs or `JOURNAL_MAX_BYTES`, a patch run writes
 * the log whole again, with its changes, and the journal goes.
 *
 * The log is its file with the journal's changes made, in order; everything
 * that reads the log reads it through `readLogFile`. Each change is a byte
 * range of the log as the runs before left it, replaced by a text, and
 * carries a digest of the bytes it replaces and of those just before them,
 * so that it is never made to another log than the one it was written for.
 * The journal's first line holds the log file's size. A journal whose size
 * or first change does not match the log, and whose texts the log holds
 * already, is one a full run left behind when it died between writing the
 * log and removing the journal, and is ignored. Any other misfit (the log
 * edited by hand, or put back from an older copy, with a journal beside it)
 * stops the run like a damaged log: neither is replaced.
 *
 * A line cut short by a run that died while appending is ignored, and cut
 * off before the next append: the outputs of that run were not renamed yet,
 * so the run did not happen.
 */

/** Patch runs appended before the log is written whole again. */
export const JOURNAL_MAX_RECORDS = 64;
/** Bytes of journal before the log is written whole again (each run's line: ~0.5 KB per seed added or edited). */
export const JOURNAL_MAX_BYTES = 1 << 20;
/** Bytes before a change that its digest covers, besides those it replaces. */
const CHECKED_BEFORE = 64;

/** Bytes `span` of the log replaced by `text`. */
export interface Splice {
  span: [number, number];
  text: string;
}

/** The log as read: its bytes with the journal's changes made, and the journal's part in them. */
export interface LogFile {
  bytes: Buffer;
  /** The length of the log's file, without the journal's changes. */
  base: number;
  /** The journal that applies, with its changes counted and the length of its whole lines; absent when there is none that applies. */
  journal?: { records: number; length: number };
}

/** One change as the journal keeps it: start, end, text, digest of the bytes checked. */
type Record = [number, number, string, string][];

/** The log at `statePath` with its journal's changes made; undefined when there is no log. Fails like `readFileSync`, or with a `StateError` for a damaged journal. */
export function readLogFile(statePath: string): LogFile | undefined {
  let base: Buffer;
  try {
    base = readFileSync(statePath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const journalPath = journalPathFor(statePath);
  let journal: Buffer;
  try {
    journal = readFileSync(journalPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: base, base: base.length };
    throw e;
  }
  const damaged = (why: string) => new StateError(`${journalPath}: the publish log's journal is damaged (${why}); restore it and the log from a backup. It is not replaced, or published ids would move`);
  const lines = wholeLines(journal);
  const plain: LogFile = { bytes: base, base: base.length };
  if (!lines.length) return plain;
  let header: unknown;
  try {
    header = JSON.parse(lines[0]!.text);
  } catch {
    throw damaged('its first line is not JSON');
  }
  const h = header as { journal?: unknown; base?: unknown };
  if (h.journal !== 1 || typeof h.base !== 'number') throw damaged('its first line is not a journal header');
  const records = lines.slice(1).map((line, r) => {
    let record: unknown;
    try {
      record = JSON.parse(line.text);
    } catch {
      throw damaged(`line ${r + 2} is not JSON`);
    }
    if (!isRecord(record)) throw damaged(`line ${r + 2} is not a list of changes`);
    return record;
  });
  // A journal that does not fit the log is one a full run left when it died between writing the log whole and
  // removing it, if the log holds every text it puts in; otherwise the log was changed by something else.
  const absorbed = () => records.every((record) => record.every(([, , text]) => base.includes(text)));
  const misfit = () => {
    if (absorbed()) return plain;
    throw new StateError(
      `${journalPath}: the publish log was changed since its journal was written, and the journal's changes no longer fit it. Put back the log the journal was written for, or restore both from a backup. Neither is replaced, or published ids would move`,
    );
  };
  if (h.base !== base.length) return misfit();
  let pieces: Buffer[] = [base];
  for (const [r, record] of records.entries()) {
    if (!record.every(([start, end, , check]) => checkOf(pieces, start, end) === check)) {
      if (r === 0) return misfit();
      throw damaged(`the changes of line ${r + 2} do not fit the log`);
    }
    pieces = splicedPieces(
      pieces,
      record.map(([start, end, text]) => ({ span: [start, end], text })),
    );
  }
  return { bytes: records.length ? Buffer.concat(pieces) : base, base: base.length, journal: { records: records.length, length: lines[lines.length - 1]!.end } };
}

/** Writes the log whole (text or pieces) and removes its journal, whose changes the text holds. */
export function writeLogWhole(statePath: string, text: string | Iterable<string | Uint8Array>): void {
  writeFileAtomically(statePath, text);
  // Not flushed: a journal that comes back after a crash no longer fits the log written, and is ignored.
  unlinkQuietly(journalPathFor(statePath));
}

/** Makes `splices` (none overlapping, in the coordinates of `file.bytes`) to the log read as `file`: appended to its journal, or the log written whole when the journal is full. */
export function writeLogSplices(statePath: string, file: LogFile, splices: readonly Splice[]): void {
  if (!splices.length) return;
  const sorted = [...splices].sort((a, b) => a.span[0] - b.span[0]);
  const record: Record = sorted.map(({ span: [start, end], text }) => [start, end, text, checkOf([file.bytes], start, end)]);
  const line = Buffer.from(`${JSON.stringify(record)}\n`);
  const journal = file.journal;
  if (journal && (journal.records >= JOURNAL_MAX_RECORDS || journal.length + line.length > JOURNAL_MAX_BYTES)) {
    writeLogWhole(statePath, spliced(file.bytes, sorted));
    return;
  }
  const journalPath = journalPathFor(statePath);
  if (!journal) {
    writeFileAtomically(journalPath, [`${JSON.stringify({ journal: 1, base: file.base })}\n`, line]);
    return;
  }
  let fd: number | undefined;
  try {
    fd = openSync(journalPath, 'r+');
    // A line a dead run left cut short is cut off.
    ftruncateSync(fd, journal.length);
    let at = 0;
    while (at < line.length) at += writeSync(fd, line, at, line.length - at, journal.length + at);
    fsyncSync(fd);
  } catch (e) {
    throw new StateError(`${journalPath}: cannot append to the publish log's journal (${(e as NodeJS.ErrnoException).code ?? e})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `bytes` with `splices` made (none overlapping), in pieces: copying 40 MB into one buffer cost ~50 ms at 100,000 seeds. */
function spliced(bytes: Buffer, splices: readonly Splice[]): Buffer[] {
  return splicedPieces([bytes], splices);
}

function splicedPieces(pieces: readonly Buffer[], splices: readonly Splice[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const { span, text } of [...splices].sort((a, b) => a.span[0] - b.span[0])) {
    out.push(...slicePieces(pieces, from, span[0]), Buffer.from(text));
    from = span[1];
  }
  out.push(...slicePieces(pieces, from, Infinity));
  return out.filter((p) => p.length > 0);
}

/** Bytes `from` to `to` of the pieces' concatenation, as pieces. */
function slicePieces(pieces: readonly Buffer[], from: number, to: number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const p of pieces) {
    const end = at + p.length;
    if (end > from && at < to) out.push(p.subarray(Math.max(0, from - at), Math.min(p.length, to - at)));
    at = end;
    if (at >= to) break;
  }
  return out;
}

/** A digest of the bytes a change replaces and of the `CHECKED_BEFORE` bytes before them. */
function checkOf(pieces: readonly Buffer[], start: number, end: number): string {
  const hash = createHash('sha1');
  let length = 0;
  for (const p of slicePieces(pieces, Math.max(0, start - CHECKED_BEFORE), end)) {
    hash.update(p);
    length += p.length;
  }
  return `${length}:${hash.digest('hex').slice(0, 16)}`;
}

function isRecord(value: unknown): value is Record {
  return (
    Array.isArray(value) &&
    value.every((c) => Array.isArray(c) && c.length === 4 && Number.isInteger(c[0]) && Number.isInteger(c[1]) && c[0] <= c[1] && typeof c[2] === 'string' && typeof c[3] === 'string')
  );
}

/** The lines of `bytes` that end in a newline, with where each ends; a last line without one (cut short) is left out. */
function wholeLines(bytes: Buffer): { text: string; end: number }[] {
  const lines: { text: string; end: number }[] = [];
  let from = 0;
  for (let nl = bytes.indexOf(10, from); nl >= 0; nl = bytes.indexOf(10, from)) {
    lines.push({ text: bytes.toString('utf8', from, nl), end: nl + 1 });
    from = nl + 1;
  }
  return lines;
}
