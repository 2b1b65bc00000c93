import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { journalPathFor } from './fastpath.js';
import { OutputError, StateError } from './diagnostics.js';
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
 * carries a digest of the bytes it replaces and of those just before them.
 * The journal's first line names the log file it was started on (its size,
 * and a digest of its first and last 64 KB): a journal beside another log
 * (the log edited by hand, or put back from an older copy) stops the run
 * like a damaged log, and neither is replaced.
 *
 * Writing the log whole while a journal is beside it first appends a fold
 * line to the journal naming the new log (its size and digest), flushed:
 * a run that dies after the rename and before the journal is removed leaves
 * a journal that names the log beside it, and it is ignored (and removed by
 * the next run that writes). One that dies before the rename leaves the old
 * log, which the fold line does not name: the journal applies as before.
 *
 * A line cut short by a run that died while appending, and a last line that
 * does not read (a block not yet on disk when the power went), are ignored
 * and cut off before the next append: the outputs of that run were not
 * renamed yet, so the run did not happen.
 */

/** Patch runs appended before the log is written whole again. */
export const JOURNAL_MAX_RECORDS = 64;
/** Bytes of journal before the log is written whole again (each run's line: ~0.5 KB per seed added or edited). */
export const JOURNAL_MAX_BYTES = 1 << 20;
/** Bytes before a change that its digest covers, besides those it replaces. */
const CHECKED_BEFORE = 64;
/** Bytes at each end of the log that the journal's first line has a digest of. */
const ENDS = 1 << 16;

/** Bytes `span` of the log replaced by `text`. */
export interface Splice {
  span: [number, number];
  text: string;
}

/** The log as read: its bytes with the journal's changes made, and the journal's part in them. */
export interface LogFile {
  bytes: Buffer;
  /** The log's file itself, without the journal's changes: its length, and `endsDigest`, for a journal started on it. */
  base: { length: number; ends: string };
  /** The journal that applies: its changes counted, and the length of its lines that read. */
  journal?: { records: number; length: number };
  /** A journal is beside the log that a run which wrote the log whole left: its changes are in the log. */
  folded?: true;
}

/** One run's changes as the journal keeps them: start, end, text, digest of the bytes checked. */
type Record = [number, number, string, string][];

interface Header {
  journal: 1;
  /** The size of the log file the journal was started on. */
  base: number;
  /** `endsDigest` of that file (absent in journals of c8dd20d). */
  ends?: string;
}

/** Written before the log is written whole: the new log's size and digest. */
interface Fold {
  folded: number;
  digest: string;
}

/** The log at `statePath` with its journal's changes made; undefined when there is no log. Fails like `readFileSync`, or with a `StateError` for a journal that is damaged or does not belong to the log. */
export function readLogFile(statePath: string): LogFile | undefined {
  const journalPath = journalPathFor(statePath);
  let journal: Buffer | undefined;
  try {
    journal = readFileSync(journalPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // With room after it for what the journal's changes add, which is at most the journal's length.
  const base = readWithRoom(statePath, journal?.length ?? 0);
  if (!base) {
    // The journal holds changes to a log that is gone: starting over would give every published story a new id.
    if (journal) {
      throw new StateError(
        `${statePath}: the publish log is missing, but its journal ${journalPath} is there; restore the log from a backup. Neither is replaced, or published ids would move. To start over on purpose (every story published again under a new id), delete the journal too`,
      );
    }
    return undefined;
  }
  let ends: string | undefined;
  const baseOf = () => ({ length: base.length, ends: (ends ??= endsDigest(base)) });
  const plain = (): LogFile => ({ bytes: base, base: baseOf() });
  if (!journal) return plain();
  const damaged = (why: string) => new StateError(`${journalPath}: the publish log's journal is damaged (${why}); restore it and the log from a backup. Neither is replaced, or published ids would move`);
  const lines = readLines(journal, journalPath);
  if (!lines.length) return plain();
  const header = lines[0]!.value as Partial<Header> | undefined;
  // A journal of c8dd20d has no `ends`: its log is checked by size and by each change's digest.
  if (header?.journal !== 1 || typeof header.base !== 'number' || !(typeof header.ends === 'string' || header.ends === undefined)) throw damaged('its first line is not a journal header');
  const records: Record[] = [];
  let digest: string | undefined;
  for (const [k, line] of lines.entries()) {
    if (k === 0) continue;
    const fold = line.value as Partial<Fold> | undefined;
    if (typeof fold?.folded === 'number' && typeof fold.digest === 'string') {
      // A run wrote the log whole after this line; if the log is the one it wrote, it holds every change before.
      if (fold.folded === base.length && fold.digest === (digest ??= digestOf([base]))) return { ...plain(), folded: true };
      continue;
    }
    if (!isRecord(line.value)) throw damaged(`line ${k + 1} is not a list of changes`);
    records.push(line.value);
  }
  if (header.base !== base.length || (header.ends !== undefined && header.ends !== baseOf().ends)) {
    throw new StateError(
      `${journalPath}: the publish log was changed since its journal was written (edited by hand, or put back from another copy); the journal's changes do not fit it. Put back the log the journal was written for, or restore both from the same backup. Neither is replaced, or published ids would move`,
    );
  }
  const info = baseOf();
  let pieces: Buffer[] = [base];
  for (const [r, record] of records.entries()) {
    if (!record.every(([start, end, , check]) => checkOf(pieces, start, end) === check)) throw damaged(`the changes of its record ${r + 1} do not fit the log`);
    pieces = splicedPieces(
      pieces,
      record.map(([start, end, text]) => ({ span: [start, end], text })),
    );
  }
  return { bytes: records.length ? joined(base, pieces) : base, base: info, journal: { records: records.length, length: lines[lines.length - 1]!.end } };
}

/** The file at `path` in a buffer with `room` bytes more after it (`base.buffer`); undefined when there is none. */
function readWithRoom(path: string, room: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const into = Buffer.allocUnsafeSlow(size + room);
    let at = 0;
    for (let n = 1; at < size && n > 0; at += n) n = readSync(fd, into, at, size - at, at);
    if (at !== size) throw new Error(`read ${at} of ${size} bytes`);
    return into.subarray(0, size);
  } finally {
    closeSync(fd);
  }
}

/**
 * `pieces` (slices of `base` in order, and texts) joined into one buffer:
 * `base`'s own, which has room for them (`readWithRoom`), the slices moved
 * in place, so that a log of 40 MB is not copied into a second one (which
 * also made V8 collect, for the memory outside its heap: ~50 ms at 100k).
 */
function joined(base: Buffer, pieces: readonly Buffer[]): Buffer {
  const length = pieces.reduce((n, p) => n + p.length, 0);
  const room = Buffer.from(base.buffer, base.byteOffset, base.buffer.byteLength - base.byteOffset);
  if (length > room.length) return Buffer.concat(pieces, length);
  const inBase = (p: Buffer) => p.buffer === base.buffer && p.byteOffset >= base.byteOffset && p.byteOffset + p.length <= base.byteOffset + base.length;
  const from = (p: Buffer) => (inBase(p) ? p.byteOffset - base.byteOffset : -1);
  const moves: { piece: Buffer; at: number; from: number }[] = [];
  let at = 0;
  for (const piece of pieces) {
    moves.push({ piece, at, from: from(piece) });
    at += piece.length;
  }
  // Destinations keep the slices' order: those going left are moved first to last, then those going right last
  // to first, so that none lands on a slice not moved yet; the texts go last.
  for (const m of moves) if (m.from >= 0 && m.at < m.from) room.copyWithin(m.at, m.from, m.from + m.piece.length);
  for (const m of [...moves].reverse()) if (m.from >= 0 && m.at > m.from) room.copyWithin(m.at, m.from, m.from + m.piece.length);
  for (const m of moves) if (m.from < 0) m.piece.copy(room, m.at);
  return room.subarray(0, length);
}

/** Writes the log whole (text or pieces), then removes its journal, whose changes the text holds (see the fold line above). */
export function writeLogWhole(statePath: string, text: string | Iterable<string | Uint8Array>): void {
  const journalPath = journalPathFor(statePath);
  let journal: Buffer | undefined;
  try {
    journal = readFileSync(journalPath);
  } catch {
    journal = undefined;
  }
  if (journal) {
    const pieces = typeof text === 'string' ? [Buffer.from(text)] : [...text].map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
    const fold: Fold = { folded: pieces.reduce((n, p) => n + p.length, 0), digest: digestOf(pieces) };
    appendLine(journalPath, readLines(journal, journalPath).at(-1)?.end ?? 0, Buffer.from(`${JSON.stringify(fold)}\n`));
    text = pieces;
  }
  writeFileAtomically(statePath, text);
  unlinkQuietly(journalPath);
}

/** Makes `splices` (none overlapping, in the coordinates of `file.bytes`) to the log read as `file`: appended to its journal, or the log written whole when the journal is full. */
export function writeLogSplices(statePath: string, file: LogFile, splices: readonly Splice[]): void {
  if (!splices.length) return;
  const sorted = sortedSplices(splices);
  const record: Record = sorted.map(({ span: [start, end], text }) => [start, end, text, checkOf([file.bytes], start, end)]);
  const line = Buffer.from(`${JSON.stringify(record)}\n`);
  const journal = file.journal;
  if (journal && (journal.records >= JOURNAL_MAX_RECORDS || journal.length + line.length > JOURNAL_MAX_BYTES)) {
    writeLogWhole(statePath, splicedPieces([file.bytes], sorted));
    return;
  }
  const journalPath = journalPathFor(statePath);
  if (journal) appendLine(journalPath, journal.length, line);
  else {
    // A new journal, in place of none or of one a run that wrote the log whole left (`folded`).
    const header: Header = { journal: 1, base: file.base.length, ends: file.base.ends };
    writeFileAtomically(journalPath, [`${JSON.stringify(header)}\n`, line]);
  }
}

/** Appends `line` to the journal after its first `length` bytes (what follows them: a line cut short), flushed. On failure the journal is cut back and an `OutputError` thrown. */
function appendLine(journalPath: string, length: number, line: Buffer): void {
  let fd: number | undefined;
  try {
    fd = openSync(journalPath, 'r+');
    ftruncateSync(fd, length);
    let at = 0;
    while (at < line.length) at += writeSync(fd, line, at, line.length - at, length + at);
    fsyncSync(fd);
  } catch (e) {
    try {
      if (fd !== undefined) ftruncateSync(fd, length);
    } catch {
      /* the next read ignores a line cut short */
    }
    throw new OutputError(`${journalPath}: nothing written, the publish log's journal could not be appended to (${(e as NodeJS.ErrnoException).code ?? e})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The changes in order: by start, an insertion before a replacement at the same place; overlapping ones are refused. */
function sortedSplices(splices: readonly Splice[]): Splice[] {
  const sorted = [...splices].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  for (let k = 1; k < sorted.length; k++) if (sorted[k]!.span[0] < sorted[k - 1]!.span[1]) throw new Error('overlapping changes to the publish log');
  return sorted;
}

/** `bytes` with `splices` made, in pieces: copying 40 MB into one buffer cost ~50 ms at 100,000 seeds. */
function splicedPieces(pieces: readonly Buffer[], splices: readonly Splice[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const { span, text } of sortedSplices(splices)) {
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

/** A digest of the bytes a change replaces and of the `CHECKED_BEFORE` bytes before them, with their count. */
function checkOf(pieces: readonly Buffer[], start: number, end: number): string {
  const checked = slicePieces(pieces, Math.max(0, start - CHECKED_BEFORE), end);
  return `${checked.reduce((n, p) => n + p.length, 0)}:${digestOf(checked).slice(0, 16)}`;
}

/** A digest of the first and last `ENDS` bytes of a log file: the header and topics, the newest entries. */
function endsDigest(base: Buffer): string {
  return digestOf(base.length <= 2 * ENDS ? [base] : [base.subarray(0, ENDS), base.subarray(base.length - ENDS)]).slice(0, 16);
}

function digestOf(pieces: readonly Uint8Array[]): string {
  const hash = createHash('sha1');
  for (const p of pieces) hash.update(p);
  return hash.digest('hex');
}

function isRecord(value: unknown): value is Record {
  if (!Array.isArray(value)) return false;
  let end = 0;
  for (const c of value as unknown[]) {
    if (!Array.isArray(c) || c.length !== 4 || !Number.isInteger(c[0]) || !Number.isInteger(c[1]) || typeof c[2] !== 'string' || typeof c[3] !== 'string') return false;
    // In order and not overlapping, as `writeLogSplices` writes them.
    if (c[0] < end || c[1] < c[0]) return false;
    end = c[1];
  }
  return true;
}

/**
 * The journal's lines that read, parsed, with where each ends. A last line
 * without its newline (cut short), or that does not parse (its block lost
 * with the power), is left out; a line before it that does not parse is
 * damage, and stops the run.
 */
function readLines(bytes: Buffer, path: string): { value: unknown; end: number }[] {
  const lines: { value: unknown; end: number }[] = [];
  let from = 0;
  for (let nl = bytes.indexOf(10, from); nl >= 0; nl = bytes.indexOf(10, from)) {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8', from, nl));
    } catch {
      if (nl + 1 < bytes.length) throw new StateError(`${path}: the publish log's journal is damaged (line ${lines.length + 1} is not JSON); restore it and the log from a backup. Neither is replaced, or published ids would move`);
      break;
    }
    lines.push({ value, end: nl + 1 });
    from = nl + 1;
  }
  return lines;
}
