import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { checkOutputText, isCheckedKind } from './readback.js';

/** One file offered for replacement: its new text, where it goes, and the temporary file to stage it in. */
export interface StageJob {
  kind: string;
  target: string;
  temp: string;
  /** Written as UTF-8, encoded by the thread that stages the file. */
  text: string;
  /** Fsync the temporary file before answering; false when the caller flushes it with the others (`flushStaged` in write.ts). */
  sync: boolean;
}

/** What became of an offered file. */
export type StageOutcome =
  | { outcome: 'unchanged' }
  | { outcome: 'staged' }
  | { outcome: 'failed-check'; problem: string }
  | { outcome: 'failed'; message: string };

/**
 * The whole staging of one offered file, on whichever thread runs it
 * (stage-pool.ts): encoded to UTF-8, compared byte for byte with the file on disk; if it
 * differs, checked (`checkOutputText`), then written to its temporary
 * file and, as the job says, fsynced. Never throws: every failure is an outcome. The check
 * sees the text the bytes decode to, so it checks exactly what is written.
 */
export function stageFile(job: StageJob): StageOutcome {
  const bytes = Buffer.from(job.text, 'utf8');
  let old: Buffer | undefined;
  try {
    old = readExisting(job.target);
  } catch (e) {
    return { outcome: 'failed', message: (e as Error).message };
  }
  if (old?.equals(bytes)) return { outcome: 'unchanged' };
  if (isCheckedKind(job.kind)) {
    // What is checked is the text of the bytes: a well-formed string is what its UTF-8 decodes to, so only a string
    // with a lone surrogate (written as U+FFFD) is decoded. Decoding every feed back cost each staging worker 0.85 s
    // of a 10k build.
    const problem = checkOutputText(job.kind, job.text.isWellFormed() ? job.text : bytes.toString('utf8'));
    if (problem) return { outcome: 'failed-check', problem };
  }
  try {
    writeTemp(job.temp, bytes, job.sync);
  } catch (e) {
    return { outcome: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  return { outcome: 'staged' };
}

/**
 * The file at `target` now, or undefined when there is none (or it cannot be
 * read: it is then replaced). Opened without blocking and checked: a folder,
 * FIFO or device in the way throws, and so fails the run before anything is
 * replaced, rather than being read or waited on.
 */
export function readExisting(target: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new Error(`${target} is a folder; move it out of the way`);
    if (!st.isFile()) throw new Error(`${target} is not a regular file; move it out of the way`);
    try {
      return readFileSync(fd);
    } catch {
      return undefined;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `content` to the new file `temp` and, unless told not to, fsyncs
 * it; on failure removes it and throws. A short write throws. Content
 * given as pieces of text is encoded and written a megabyte at a time, so
 * a file of tens of megabytes (the build cache) is never held whole; a
 * surrogate pair must not be split between two pieces.
 */
export function writeTemp(temp: string, content: Uint8Array | Iterable<string | Uint8Array>, sync = true): void {
  openTemp(temp, content).close([], [], sync);
}

/** Bytes written over a file's bytes at `at`. */
export interface FilePatch {
  at: number;
  bytes: Uint8Array;
}

/** A temporary file `openTemp` made and left open. */
export interface OpenTemp {
  /** Writes `content` after what is there, then each patch, fsyncs unless told not to, and closes it; on failure removes it and throws. */
  close(content: Iterable<string | Uint8Array>, patches?: readonly FilePatch[], sync?: boolean): void;
  /** Closes and removes it. */
  remove(): void;
}

/** Makes the new file `temp` with `content` (see `writeTemp`) and leaves it open for more; on failure removes it and throws. */
export function openTemp(temp: string, content: Uint8Array | Iterable<string | Uint8Array>): OpenTemp {
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  // Closed once only: a number closed twice may by then be another file's.
  let open = true;
  const closeOnce = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  const remove = () => {
    try {
      closeOnce();
    } catch {
      /* closed already */
    }
    try {
      unlinkSync(temp);
    } catch {
      /* not there */
    }
  };
  let end: number;
  try {
    end = writeFrom(fd, 0, content);
  } catch (e) {
    remove();
    throw e;
  }
  return {
    close(more, patches = [], sync = true) {
      try {
        end = writeFrom(fd, end, more);
        for (const p of patches) writeFrom(fd, p.at, p.bytes);
        if (sync) fsyncSync(fd);
        closeOnce();
      } catch (e) {
        remove();
        throw e;
      }
    },
    remove,
  };
}

/** Writes `content` into `fd` from `position` on, a write that takes less than it is given going on with the rest; returns where it ended. */
function writeFrom(fd: number, position: number, content: Uint8Array | Iterable<string | Uint8Array>): number {
  for (const bytes of content instanceof Uint8Array ? [content] : encodedInBatches(content)) {
    for (let offset = 0; offset < bytes.length; ) {
      const n = writeSync(fd, bytes, offset, bytes.length - offset, position);
      offset += n;
      position += n;
    }
  }
  return position;
}

/** Characters of text encoded at a time by `writeTemp`. */
const BATCH_CHARS = 1 << 20;

/** Pieces of text encoded a batch at a time; pieces given as bytes pass as they are. */
function* encodedInBatches(pieces: Iterable<string | Uint8Array>): Generator<Uint8Array> {
  let pending: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) {
      if (pending.length) yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      size = 0;
      yield piece;
      continue;
    }
    pending.push(piece);
    size += piece.length;
    if (size < BATCH_CHARS) continue;
    yield Buffer.from(pending.join(''), 'utf8');
    pending = [];
    size = 0;
  }
  if (pending.length) yield Buffer.from(pending.join(''), 'utf8');
}
