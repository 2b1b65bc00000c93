import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { checkOutputText, isCheckedKind } from './readback.js';

/** One file offered for replacement: its new bytes, where it goes, and the temporary file to stage it in. */
export interface StageJob {
  kind: string;
  target: string;
  temp: string;
  bytes: Uint8Array;
}

/** What became of an offered file. */
export type StageOutcome =
  | { outcome: 'unchanged' }
  | { outcome: 'staged' }
  | { outcome: 'failed-check'; problem: string }
  | { outcome: 'failed'; message: string };

/**
 * The whole staging of one offered file, on whichever thread runs it
 * (stage-pool.ts): compared byte for byte with the file on disk; if it
 * differs, read back (`checkOutputText`), then written to its temporary
 * file and fsynced. Never throws: every failure is an outcome. `text` is
 * the file's text when the caller has it (no decoding then).
 */
export function stageFile(job: StageJob, text?: string): StageOutcome {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  let old: Buffer | undefined;
  try {
    old = readFileSync(job.target);
  } catch (e) {
    // None there (or unreadable: then it is replaced). A folder in the way fails the run before anything is replaced.
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') return { outcome: 'failed', message: `${job.target} is a folder; move it out of the way` };
  }
  if (old?.equals(bytes)) return { outcome: 'unchanged' };
  if (isCheckedKind(job.kind)) {
    const problem = checkOutputText(job.kind, text ?? bytes.toString('utf8'));
    if (problem) return { outcome: 'failed-check', problem };
  }
  try {
    writeTemp(job.temp, bytes);
  } catch (e) {
    return { outcome: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  return { outcome: 'staged' };
}

/** Writes `bytes` to the new file `temp` and fsyncs it; on failure removes it and throws. A short write throws. */
export function writeTemp(temp: string, bytes: Uint8Array): void {
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* closed already */
    }
    try {
      unlinkSync(temp);
    } catch {
      /* not there */
    }
    throw e;
  }
}
