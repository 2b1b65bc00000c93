import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, statSync, statfsSync, unlinkSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { release } from 'node:os';
import { randomBytes } from 'node:crypto';
import { OutputError } from './diagnostics.js';
import { nearestReal, within } from './paths.js';
import { StagePool } from './stage-pool.js';
import { openTemp, readExisting, type FilePatch, type OpenTemp } from './stage-file.js';

export interface FileToWrite {
  path: string;
  kind: string;
  text: string;
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

/** What marks a temporary file of this writer: `.<name>.seedfeed-tmp-<pid>-<hex>` (a random part drawn once per process, then a counter). */
export const TEMP_MARK = '.seedfeed-tmp-';
/** Room left for the mark, pid and random part under the usual 255-byte name limit. */
const TEMP_NAME_STEM_BYTES = 200;
/** A temporary file this old is stale whatever its pid says (the pid may have been reused). */
const TEMP_STALE_MS = 60 * 60 * 1000;

/** Which of `files` differ from what is on disk now (compared byte for byte). */
export function changedFiles(dir: string, files: readonly FileToWrite[]): { changed: FileToWrite[]; unchanged: string[] } {
  const changed: FileToWrite[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    if (sameBytes(join(dir, f.path), Buffer.from(f.text, 'utf8'))) unchanged.push(f.path);
    else changed.push(f);
  }
  return { changed, unchanged };
}

/**
 * Replaces the files whose bytes changed, and only those, so a run with
 * nothing new leaves every file and its mtime alone (HTTP validators stay,
 * readers get 304s). Every changed file is checked (XML well-formed, JSON
 * parses) and staged before any is put in place; if one fails, nothing is
 * replaced. See `Staging`.
 */
export async function writeFilesAtomically(dir: string, files: Iterable<FileToWrite>): Promise<WriteResult> {
  const staging = new Staging(dir);
  try {
    for (const f of files) await staging.offer(f);
    await staging.settle();
  } catch (e) {
    await staging.abort();
    throw e;
  }
  return staging.commit();
}

/** Offered files being staged at once (on worker threads in a large run) while the caller renders the next. */
export const STAGING_IN_FLIGHT = 16;

/** Offered files whose temporary files are fsynced one by one; those offered after may be flushed together by `settle` (`flushStaged`). */
export const SYNCED_ONE_BY_ONE = 32;

/** How `Staging` makes the files it stages durable. */
export interface Durability {
  /** How many offered files are fsynced one by one, whatever their folder. */
  syncedOneByOne: number;
  /** Whether files staged in `folder` (which exists) may be written without an fsync each and left to `flush`; otherwise each is fsynced as it is written. */
  canDefer(folder: string): boolean;
  /** Makes the staged files `temps` durable; throws when it cannot. */
  flush(temps: readonly string[]): void;
}

/** The first `SYNCED_ONE_BY_ONE` files fsynced one by one, the others flushed together by one syncfs where `syncfsMakesDurable` says it can. */
export const SYNCFS_DURABILITY: Durability = { syncedOneByOne: SYNCED_ONE_BY_ONE, canDefer: (folder) => syncfsMakesDurable(folder), flush: (temps) => flushStaged(temps) };

/**
 * The two phases of a replacement. `offer` compares one file with the disk
 * and, when its bytes differ, checks it and stages it: written to a
 * temporary file in its own folder (stage-file.ts). In a large
 * run none of that blocks the caller: it runs on worker threads
 * (stage-pool.ts), up to `STAGING_IN_FLIGHT` files at a time, while the
 * caller renders the next files; `offer` waits only when that many are in
 * flight, so a build of 100,000 pages never holds them all in memory.
 * `settle` waits for every offered file and throws the failure of the file
 * offered first, if any. Every staged file is on disk before `settle`
 * resolves: the first `syncedOneByOne` offered (changed or not) are fsynced
 * as they are written, so a run that offers a few files waits for no flush
 * of the file system; those offered after are flushed together by one
 * syncfs (`flushStaged`, at a sixth of the cost of an fsync each) where that
 * makes them as durable as an fsync (`syncfsMakesDurable`), and fsynced as
 * they are written elsewhere (see `Durability`).
 * Only `commit` renames the staged files over the old ones, pages before
 * the feeds that link to them, and fsyncs the folders; `abort` removes what
 * was staged. A run killed at any moment leaves each file complete, old or
 * new, and at worst temporary files that the next run removes.
 */
export class Staging {
  /** Every file offered, in order; `unchanged` once its bytes are found to be those on disk. */
  private readonly offered: { path: string; target: string; temp: string; feed: boolean; synced: boolean; unchanged: boolean }[] = [];
  /** Folders known to exist: 100,000 pages share a handful of folders, and each mkdir is a system call. */
  private readonly folders = new Set<string>();
  /** Folders asked about (`Durability.canDefer`, once the first files are offered): whether their files may be left to the flush. */
  private readonly deferrable = new Map<string, boolean>();
  /** Set once `settle` has flushed what it staged: only then may `commit` rename. */
  private settled = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** The failed file offered first, thrown by the next `offer` or by `settle` once the others in flight are done. */
  private failure: { index: number; error: OutputError } | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxInFlight = STAGING_IN_FLIGHT,
    private readonly pool = new StagePool(),
    private readonly durability: Durability = SYNCFS_DURABILITY,
  ) {}

  /**
   * Offers `file`: it is staged if its bytes differ from the file on disk.
   * The comparison, the check and the write finish later: a file that fails
   * makes a later `offer`, or `settle`, reject with an `OutputError` (that
   * of the file offered first among those that failed).
   */
  async offer(file: FileToWrite): Promise<void> {
    await this.throwFailure();
    const target = join(this.dir, file.path);
    const folder = dirname(target);
    try {
      if (!this.folders.has(folder)) {
        this.checkInside(file.path, folder);
        mkdirSync(folder, { recursive: true });
        this.folders.add(folder);
      }
    } catch (e) {
      // A file offered earlier that fails is named first.
      await Promise.all(this.inFlight);
      await this.throwFailure();
      throw new OutputError(`nothing written: ${ioMessage(e)}`);
    }
    // Listed before its temporary file exists, so that `abort` removes that file whenever the write stops.
    const synced = this.offered.length < this.durability.syncedOneByOne || !this.mayDefer(folder);
    const entry = { path: file.path, target, temp: tempPathFor(target), feed: file.kind === 'xml' || file.kind === 'json', synced, unchanged: false };
    const index = this.offered.push(entry) - 1;
    const write: Promise<void> = this.pool
      .stage({ kind: file.kind, target, temp: entry.temp, text: file.text, sync: synced })
      .then((staged) => {
        if (staged.outcome === 'unchanged') entry.unchanged = true;
        else if (staged.outcome === 'failed-check') throw new OutputError(`nothing written, an output failed its check: ${file.path}: ${staged.problem}`);
        else if (staged.outcome === 'failed') throw new OutputError(`nothing written: ${file.path}: ${staged.message}`);
      })
      .then(
        () => void this.inFlight.delete(write),
        (e: unknown) => {
          this.inFlight.delete(write);
          if (this.failure && this.failure.index < index) return;
          this.failure = { index, error: e instanceof OutputError ? e : new OutputError(`nothing written: ${file.path}: ${ioMessage(e)}`) };
        },
      );
    this.inFlight.add(write);
    if (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    await this.throwFailure();
  }

  /** The output folder with every link in it resolved, once asked for. */
  private realDir: string | undefined;

  /**
   * Throws unless `folder` (of the output `path`) is inside the output folder
   * (`leavesOutput`). Asked before the folder is made.
   */
  private checkInside(path: string, folder: string): void {
    const root = resolve(this.dir);
    if (this.realDir === undefined) {
      mkdirSync(root, { recursive: true });
      this.realDir = realpathSync(root);
    }
    const problem = leavesOutput(root, this.realDir, folder, path);
    if (problem) throw new Error(problem);
  }

  /** Waits for every offered file to be compared, checked and written, then for every staged file to be on disk; rejects with the failure of the file offered first. */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.pool.close();
    await this.throwFailure();
    const unsynced = this.offered.filter((s) => !s.synced && !s.unchanged).map((s) => s.temp);
    try {
      if (unsynced.length) this.durability.flush(unsynced);
    } catch (e) {
      throw new OutputError(`nothing written, the staged files could not be flushed to disk: ${ioMessage(e)}`);
    }
    this.settled = true;
  }

  /** Waits for the writes in flight, then removes every staged file. */
  async abort(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.pool.close();
    for (const s of this.offered.splice(0)) if (!s.unchanged) unlinkQuietly(s.temp);
  }

  /** Puts the staged files in place; call after `settle`. */
  commit(): WriteResult {
    if (!this.settled || this.inFlight.size || this.failure) throw new Error('Staging.commit: call after settle() has resolved');
    const staged = this.offered.filter((s) => !s.unchanged);
    // Pages and other files first, feeds last: a reader who sees a new item in a feed finds its page.
    const order = [...staged.filter((s) => !s.feed), ...staged.filter((s) => s.feed)];
    const dirs = new Set<string>();
    for (const [i, s] of order.entries()) {
      try {
        renameSync(s.temp, s.target);
      } catch (e) {
        for (const rest of order.slice(i)) unlinkQuietly(rest.temp);
        for (const d of dirs) fsyncDir(d);
        throw new OutputError(`${i} of ${order.length} changed file(s) were replaced before ${s.path} failed: ${ioMessage(e)}`);
      }
      dirs.add(dirname(s.target));
    }
    for (const d of dirs) fsyncDir(d);
    return { written: staged.map((s) => s.path), unchanged: this.offered.filter((s) => s.unchanged).map((s) => s.path) };
  }

  private mayDefer(folder: string): boolean {
    let deferrable = this.deferrable.get(folder);
    if (deferrable === undefined) this.deferrable.set(folder, (deferrable = this.durability.canDefer(folder)));
    return deferrable;
  }

  /** After a failure, waits for the files still in flight, then throws the failure of the file offered first: the same file is named whatever finished first. */
  private async throwFailure(): Promise<void> {
    if (!this.failure) return;
    await Promise.all(this.inFlight);
    throw this.failure.error;
  }
}

/**
 * Makes the files `temps`, written and not fsynced, durable: one syncfs(2)
 * of each file system that holds them (`syncFileSystems`); an fsync of each
 * where that fails. Node has no binding for syncfs. Measured here, 10,000
 * files of 10 KB written and fsynced one by one took 2.4 s; all written,
 * then flushed by one syncfs, 0.4 s; all written, then fsynced one by one,
 * 2.1 s (each fsync waits for a flush of its own). Call only for files in
 * folders `syncfsMakesDurable` accepts: the others are fsynced as they are
 * written, on the descriptor that wrote them. Throws when a file cannot be
 * fsynced.
 */
export function flushStaged(temps: readonly string[], syncfs: (folders: readonly string[]) => boolean = syncFileSystems): void {
  if (!temps.length) return;
  if (syncfs(foldersByDevice(temps.map((t) => dirname(t))))) return;
  for (const t of temps) fsyncPath(t);
}

/** One of `folders` per file system (device) they are on, in the order first seen; folders that cannot be stat-ed are kept, for the flush to fail on. */
export function foldersByDevice(folders: readonly string[]): string[] {
  const byDevice = new Map<number | string, string>();
  for (const folder of new Set(folders)) {
    let device: number | string;
    try {
      device = statSync(folder).dev;
    } catch {
      device = folder;
    }
    if (!byDevice.has(device)) byDevice.set(device, folder);
  }
  return [...byDevice.values()];
}

/** Whether `sync -f` (syncfs(2)) flushed the file systems of `folders`: false when the command is missing, refuses the option or fails. */
export function syncFileSystems(folders: readonly string[]): boolean {
  const run = spawnSync('sync', ['-f', '--', ...folders], { stdio: 'ignore' });
  return run.error === undefined && run.status === 0;
}

/**
 * File systems whose syncfs(2) makes the files on them as durable as an
 * fsync each: local ones (ext2/3/4, XFS, Btrfs, F2FS, and tmpfs, which
 * has no disk). On network and FUSE file systems (NFS, CIFS, 9p, a
 * container's bind mount from another system) syncfs may write the pages
 * without asking the server to commit them, where fsync does.
 */
const SYNCFS_FILE_SYSTEMS = new Set([0xef53, 0x58465342, 0x9123683e, 0xf2f52010, 0x01021994]);

/** What `syncfsMakesDurable` asks of the system it runs on. */
export interface SyncfsSystem {
  platform: string;
  /** The kernel's release, `os.release()`. */
  release: string;
  /** What `sync --version` prints, or undefined when it cannot be run. */
  syncVersion(): string | undefined;
  /** The file system type (`statfs`) of a folder. */
  fileSystemType(folder: string): number;
}

let thisSystem: SyncfsSystem | undefined;

/**
 * Whether the staged files in `folder` can be left to one syncfs of its
 * file system instead of an fsync each: on Linux 5.8 and later (before,
 * syncfs did not report write-back errors), with GNU coreutils' `sync`
 * (BusyBox's `sync -f` and some others ignore what syncfs returns), on a
 * local file system (`SYNCFS_FILE_SYSTEMS`). The flush also writes what
 * other programs left unwritten on that file system, which costs time, not
 * correctness.
 */
export function syncfsMakesDurable(folder: string, system: SyncfsSystem = (thisSystem ??= currentSystem())): boolean {
  if (system.platform !== 'linux' || !atLeastVersion(system.release, [5, 8])) return false;
  if (!/\(GNU coreutils\)/.test(system.syncVersion() ?? '')) return false;
  try {
    return SYNCFS_FILE_SYSTEMS.has(system.fileSystemType(folder));
  } catch {
    return false;
  }
}

/** This machine, with what `sync --version` prints asked once. */
function currentSystem(): SyncfsSystem {
  let version: string | undefined | null = null;
  return {
    platform: process.platform,
    release: release(),
    syncVersion: () => {
      if (version === null) {
        const run = spawnSync('sync', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        version = run.error === undefined && run.status === 0 ? run.stdout : undefined;
      }
      return version;
    },
    fileSystemType: (folder) => statfsSync(folder).type,
  };
}

/** Whether a version such as `6.1.0-18-amd64` is at least `minimum` (major, minor). */
function atLeastVersion(version: string, minimum: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

function fsyncPath(path: string): void {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Whether the file at `path` holds `bytes`; a folder, FIFO or device there does not, and is not read or waited on. */
function sameBytes(path: string, bytes: Buffer): boolean {
  try {
    return readExisting(path)?.equals(bytes) ?? false;
  } catch {
    return false;
  }
}

/**
 * One file, the atomic way: temporary file in the same folder, fsync,
 * rename, fsync the folder (both fsyncs left out when not `durable`: for a
 * cache that is checked when read, and whose loss costs time only).
 * Temporary files of this target left by dead processes are removed first. Failures are `OutputError`s naming the
 * file; the old file is then untouched. The text may come whole, or in
 * pieces of text or bytes (the lines of a large file), which are written as
 * they come (`writeTemp`).
 */
export function writeFileAtomically(target: string, text: string | Uint8Array | Iterable<string | Uint8Array>, durable = true): void {
  beginFileAtomically(target, text, durable).finish([]);
}

/** A file `beginFileAtomically` has begun: finish it to put it in place, or abandon it. */
export interface FileBegun {
  /**
   * Writes `rest` after what was begun, then `patches` over bytes written
   * before (each as long as what it replaces), and puts the file in place
   * as `writeFileAtomically` does; an `OutputError` leaves the old file.
   */
  finish(rest: Iterable<string | Uint8Array>, patches?: readonly FilePatch[]): void;
  /** Removes the temporary file; the old file stays. */
  abandon(): void;
}

/**
 * `writeFileAtomically` in two goes: `text` is written now into the
 * temporary file, the rest when the file is finished. For a large file whose
 * beginning is known long before its end (the build cache: its seed records
 * before a full build renders, its outputs' stamps after), so that the
 * beginning is not held in memory meanwhile. A run that dies in between
 * leaves the temporary file, which the next write of `target` removes.
 */
export function beginFileAtomically(target: string, text: string | Uint8Array | Iterable<string | Uint8Array>, durable = true): FileBegun {
  let temp: string | undefined;
  let file: OpenTemp | undefined;
  const fail = (e: unknown): never => {
    if (temp) unlinkQuietly(temp);
    temp = undefined;
    throw new OutputError(`${target} not written, the old file is unchanged: ${ioMessage(e)}`);
  };
  try {
    mkdirSync(dirname(target), { recursive: true });
    removeStaleTempFilesOf(target);
    temp = tempPathFor(target);
    // Left open until it is finished: the rest is written after what is there, without opening it again.
    file = openTemp(temp, typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  } catch (e) {
    fail(e);
  }
  return {
    finish(rest, patches = []) {
      if (!temp || !file) throw new OutputError(`${target} not written: its write was abandoned`);
      try {
        file.close(rest, patches, durable);
        file = undefined;
        renameSync(temp, target);
        temp = undefined;
      } catch (e) {
        fail(e);
      }
      if (durable) fsyncDir(dirname(target));
    },
    abandon() {
      file?.remove();
      file = undefined;
      if (temp) unlinkQuietly(temp);
      temp = undefined;
    },
  };
}

/**
 * The random part of this process's temporary names, drawn once, with a
 * counter after it: unique within the process, and as unlikely as a fresh
 * draw to meet another process's name (which `O_EXCL` refuses anyway). A
 * draw per file cost ~25 µs, 2.8 s of a 100k-seed full build.
 */
const TEMP_RANDOM = randomBytes(4).toString('hex');
let tempsNamed = 0;

function tempPathFor(target: string): string {
  return join(dirname(target), `.${truncateUtf8(basename(target), TEMP_NAME_STEM_BYTES)}${TEMP_MARK}${process.pid}-${TEMP_RANDOM}${(tempsNamed++).toString(16)}`);
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between characters. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/** Whether `name` is one of this writer's temporary files. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && tempOwnerPid(name) !== undefined;
}

function tempOwnerPid(name: string): number | undefined {
  const at = name.lastIndexOf(TEMP_MARK);
  if (at < 0) return undefined;
  const match = /^(\d+)-[0-9a-f]+$/.exec(name.slice(at + TEMP_MARK.length));
  return match ? Number(match[1]) : undefined;
}

/** Stale: its process is gone, or it is older than any write could take. A live process's file is its write in progress. */
function isStaleTemp(path: string, pid: number): boolean {
  let alive: boolean;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch (e) {
    alive = (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!alive) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > TEMP_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Removes temporary files left under `dir` by runs that were killed; call
 * while holding the lock. Files of live processes are left alone (a run
 * that has released the lock may still be writing its report here).
 */
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
      else if (e.name.startsWith('.')) {
        const pid = tempOwnerPid(e.name);
        if (pid !== undefined && isStaleTemp(p, pid) && unlinkQuietly(p)) removed.push(p);
      }
    }
  };
  walk(dir);
  return removed;
}

/** Removes the stale temporary files of one target (the publish log, a report), beside it. */
export function removeStaleTempFilesOf(target: string): string[] {
  const dir = dirname(target);
  const stem = `.${truncateUtf8(basename(target), TEMP_NAME_STEM_BYTES)}${TEMP_MARK}`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(stem)) continue;
    const pid = tempOwnerPid(name);
    const p = join(dir, name);
    if (pid !== undefined && isStaleTemp(p, pid) && unlinkQuietly(p)) removed.push(p);
  }
  return removed;
}

function fsyncDir(dir: string): void {
  try {
    fsyncPath(dir);
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic.
  }
}

/** Removes a file if it is there; whether it was. */
export function unlinkQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `folder`, where the output `path` goes, is not inside the output folder
 * `root` (whose real path is `realRoot`), or undefined when it is. A path
 * that climbs out of it (`..`, as a log edited by hand could give a slug), or
 * a folder in it that is a link to somewhere else (`out/articles ->
 * /srv/other`), would have a run write or delete files outside it; the
 * output folder itself may be a link. Asked of `folder`'s nearest folder
 * that exists.
 */
function leavesOutput(root: string, realRoot: string, folder: string, path: string): string | undefined {
  const resolved = resolve(folder);
  if (!within(resolved, root)) return `${path} is outside the output folder`;
  const { existing, real } = nearestReal(resolved);
  if (within(real, realRoot)) return undefined;
  return `${relative(root, existing)} in the output folder leads to ${real}, outside it; remove that link: seedfeed writes only inside the output folder`;
}

function ioMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Where the output `path` is, when a run may delete or move it: inside the output folder, not behind a link out of it. */
function removableTarget(outDir: string, path: string): string | undefined {
  const root = resolve(outDir);
  const target = resolve(root, path);
  try {
    // A removed story's page behind a folder that is a link out of the output folder is left alone.
    return leavesOutput(root, realpathSync(root), dirname(target), path) ? undefined : target;
  } catch {
    return undefined;
  }
}

/**
 * Deletes an output an earlier run published (a removed story's page):
 * only inside the output folder. True when it is gone (or was already),
 * false when it is still there.
 */
export function removeOutput(outDir: string, path: string): boolean {
  const aside = setOutputAside(outDir, path);
  aside?.drop();
  return aside !== undefined;
}

/**
 * An output an earlier run published (a removed story's page), moved aside
 * to a temporary name beside it until the run has written its log: then
 * `drop` deletes it, or, if the run fails before, `restore` puts it back, so
 * that a run that writes nothing deletes nothing either. A run killed in
 * between leaves a temporary file, which the next run sweeps, and the page
 * gone, as a deletion would. Null when the output is already gone, undefined
 * when it stays (behind a link out of the output folder, or not movable).
 */
export function setOutputAside(outDir: string, path: string): { drop(): void; restore(): void } | null | undefined {
  if (!existsSync(resolve(outDir))) return null;
  const target = removableTarget(outDir, path);
  if (target === undefined) return undefined;
  const aside = tempPathFor(target);
  try {
    renameSync(target, aside);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  return {
    drop: () => void unlinkQuietly(aside),
    restore: () => {
      try {
        renameSync(aside, target);
      } catch {
        // Left at its temporary name, for the next run to sweep: the page is gone, as a deletion would leave it.
      }
    },
  };
}
