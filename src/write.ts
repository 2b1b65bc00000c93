import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError } from './diagnostics.js';
import { checkOutputText } from './readback.js';

export interface FileToWrite {
  path: string;
  kind: string;
  text: string;
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

const TEMP_MARK = '.seedfeed-tmp-';

/** Which of `files` differ from what is on disk now (compared byte for byte). */
export function changedFiles(dir: string, files: readonly FileToWrite[]): { changed: FileToWrite[]; unchanged: string[] } {
  const changed: FileToWrite[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    let old: Buffer | undefined;
    try {
      old = readFileSync(join(dir, f.path));
    } catch {
      old = undefined;
    }
    if (old && old.equals(Buffer.from(f.text, 'utf8'))) unchanged.push(f.path);
    else changed.push(f);
  }
  return { changed, unchanged };
}

/**
 * Replaces the files whose bytes changed, and only those, so a run with
 * nothing new leaves every file and its mtime alone (HTTP validators stay,
 * readers get 304s). Every changed file is read back first; if any fails,
 * nothing is replaced. Each is then written to a temporary file in the same
 * folder, fsynced, renamed over the old one, and the folder fsynced: a run
 * killed at any moment leaves the complete old file or the complete new one.
 */
export function writeFilesAtomically(dir: string, files: readonly FileToWrite[]): WriteResult {
  const { changed, unchanged } = changedFiles(dir, files);
  const problems: string[] = [];
  for (const f of changed) {
    const problem = checkOutputText(f.kind, f.text);
    if (problem) problems.push(`${f.path}: ${problem}`);
  }
  if (problems.length) throw new OutputError(`not written, an output failed its check: ${problems.join('; ')}`);
  const dirs = new Set<string>();
  for (const f of changed) {
    const target = join(dir, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomically(target, f.text, false);
    dirs.add(dirname(target));
  }
  for (const d of dirs) fsyncDir(d);
  return { written: changed.map((f) => f.path), unchanged };
}

/** One file, the atomic way: temporary file in the same folder, fsync, rename, fsync the folder. */
export function writeFileAtomically(target: string, text: string, syncDir = true): void {
  const temp = join(dirname(target), `.${basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  renameSync(temp, target);
  if (syncDir) fsyncDir(dirname(target));
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes temporary files left by a run that was killed; call only while holding the lock. */
export function removeStaleTempFiles(dir: string): string[] {
  const removed: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith('.') && e.name.includes(TEMP_MARK)) {
        try {
          unlinkSync(p);
          removed.push(p);
        } catch {
          /* raced with another cleaner */
        }
      }
    }
  };
  walk(dir);
  return removed;
}
