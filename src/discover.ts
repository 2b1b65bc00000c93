import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { relative, sep } from 'node:path';
import { realOrResolved, within } from './paths.js';
import { error, warning, compareStrings, OutputError, UsageError, type Diagnostic } from './diagnostics.js';

export interface SeedFile {
  /** Path relative to the seeds folder, with `/` separators. */
  file: string;
  absolute: string;
  layout: 'txt' | 'md';
  size: number;
  mtimeMs: number;
  /** Change time: an edit that keeps the mtime (`touch -r`, `cp -p`) still moves it. */
  ctimeMs?: number;
  /** Device and inode seen when listing: a file swapped for another before reading is not read. */
  dev?: number;
  ino?: number;
}

/**
 * A README: `README*` as SEED-FORMAT.md writes it (`README`, `README.md`,
 * `README-first.txt`), or `readme` in another case with no more to its name
 * than extensions (`Readme.md`, `readme.txt`, `readme.md.txt`). A seed whose
 * name only starts with the word in another case (`readme-notes.txt`,
 * `readmes-from-the-archive.md`) is a seed.
 */
function isReadme(name: string): boolean {
  return name.startsWith('README') || /^readme(?:\..*)?$/i.test(name);
}

/** Files that are not seeds: dotfiles, READMEs, editor backups. */
export function isSeedName(name: string): 'txt' | 'md' | undefined {
  if (name.startsWith('.') || isReadme(name) || name.endsWith('~') || /\.(swp|swo|swx|bak|tmp|orig)$/i.test(name) || /^#.*#$/.test(name)) return undefined;
  if (/\.txt$/i.test(name)) return 'txt';
  if (/\.(md|markdown)$/i.test(name)) return 'md';
  return undefined;
}

/** Whether `path` is a folder, or a link to one; false for anything else, or nothing there. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface SeedsFound {
  seeds: SeedFile[];
  diagnostics: Diagnostic[];
  /**
   * Folders under the seeds folder that could not be listed, as path
   * prefixes (`2023/`): the seeds in them are there but unseen, so their
   * stories keep their ids, as a seed rejected for a while does.
   */
  unlisted?: string[];
}

/** The rule of the error for a seeds folder that cannot be listed at all: no run publishes from it (`publish` stops). */
export const SEEDS_FOLDER_RULE = 'seeds-folder';

function seedsFolderError(displayRoot: string, e: unknown): Diagnostic {
  return error(SEEDS_FOLDER_RULE, displayRoot, 0, `cannot read the seeds folder (${(e as NodeJS.ErrnoException).code ?? e}); check the path given to --seeds and the folder's permissions`);
}

/** The usage error (exit 2) a run stops with for the seeds folder's error. */
function stopsTheRun(folder: Diagnostic): UsageError {
  return new UsageError(`${folder.file}: ${folder.message}. Nothing was written`, [folder]);
}

/** The seeds folder's error among `diagnostics` (`SEEDS_FOLDER_RULE`), as the usage error a run stops with. */
export function seedsFolderUsageError(diagnostics: readonly Diagnostic[]): UsageError | undefined {
  const folder = diagnostics.find((d) => d.rule === SEEDS_FOLDER_RULE);
  return folder && stopsTheRun(folder);
}

/** The usage error for a seeds folder that is missing or not a folder, from one stat: a run stops before it takes its lock. */
export function missingSeedsFolder(root: string, displayRoot = root): UsageError | undefined {
  try {
    return statSync(root).isDirectory() ? undefined : stopsTheRun(seedsFolderError(displayRoot, 'ENOTDIR'));
  } catch (e) {
    return stopsTheRun(seedsFolderError(displayRoot, e));
  }
}

/**
 * The usage error for a seeds folder and an output folder that overlap (the
 * same folder, or one inside the other, links resolved): the output folder
 * is what a web server serves, so seeds in it would be published as they
 * are, drafts included, and outputs in the seeds folder would be listed with
 * the seeds. Asked once the seeds folder is known to exist.
 */
export function overlappingOutput(seedsDir: string, outDir: string, displayRoot = seedsDir): UsageError | undefined {
  const seeds = realOrResolved(seedsDir);
  const out = realOrResolved(outDir);
  const how = seeds === out ? 'is also the output folder' : within(seeds, out) ? 'is inside the output folder' : within(out, seeds) ? 'holds the output folder' : undefined;
  if (!how) return undefined;
  return stopsTheRun(error(SEEDS_FOLDER_RULE, displayRoot, 0, `the seeds folder ${how} (${outDir}): a web server serving the output would serve the seeds as they are, drafts included. Keep the two apart`));
}

/**
 * Lists the seeds under `root`, sorted by path. Only regular files inside the
 * folder are seeds: a symlink is followed only when it leads to a regular
 * file inside the folder; FIFOs, sockets and devices are skipped with a
 * warning (a FIFO must never hang a run). A folder inside that cannot be
 * listed is an error, and `unlisted`.
 */
export function discoverSeeds(root: string, displayRoot = root): SeedsFound {
  const seeds: SeedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const unlisted: string[] = [];
  const unreadableRoot = (e: unknown) => {
    diagnostics.push(seedsFolderError(displayRoot, e));
    return { seeds, diagnostics };
  };
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (e) {
    return unreadableRoot(e);
  }
  const display = (abs: string) => joinDisplay(displayRoot, relative(root, abs));
  // Paths by concatenation: path.join and path.relative per file cost as much as the lstat itself.
  const base = root.length > 1 && root.endsWith(sep) ? root.slice(0, -1) : root;
  const walk = (dir: string, prefix: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      if (prefix === '') return void unreadableRoot(e);
      diagnostics.push(error('unreadable', display(dir), 0, `cannot list this folder (${(e as NodeJS.ErrnoException).code ?? e}); its seeds are not published this run and keep their ids. Check its permissions`));
      unlisted.push(prefix);
      return;
    }
    names.sort(compareStrings);
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const abs = dir + sep + name;
      let st: Stats;
      try {
        st = lstatSync(abs);
      } catch {
        // A name that is not UTF-8 comes back with U+FFFD in it, which names no file: its seed could never be read. An
        // error, as a folder that cannot be listed is: what it holds leaves the feeds (a folder renamed so takes its
        // published stories with it), and a person must rename it; its seeds keep their ids when it is.
        if (name.includes('\uFFFD')) {
          // A seed's name, or one without an ending (a folder, maybe): what it holds would be published. Another file is not a seed anyway.
          const mayHoldSeeds = isSeedName(name) !== undefined || !/\.[A-Za-z0-9]{1,10}$/.test(name);
          diagnostics.push(
            mayHoldSeeds
              ? error('unreadable-name', display(abs), 0, 'a name that is not UTF-8 (shown with \uFFFD); skipped, with what it holds, which is not published. Rename it')
              : warning('unreadable-name', display(abs), 0, 'a name that is not UTF-8 (shown with \uFFFD); skipped. Rename it'),
          );
        }
        continue; // vanished between listing and looking: nothing to publish
      }
      const layout = isSeedName(name);
      if (st.isDirectory()) {
        if (layout) {
          diagnostics.push(warning('not-regular-file', display(abs), 0, `a folder named like a seed file; skipped. Rename it without the ".${name.split('.').pop()}" ending to have its seeds read`));
          continue;
        }
        walk(abs, `${prefix}${name}/`);
        continue;
      }
      if (!layout) {
        // A link to a folder is not followed (inside the seeds folder it would list seeds twice; outside, read what is not
        // the curators'); said, as a folder replaced by one would otherwise take its stories out of the feeds unnoticed.
        if (st.isSymbolicLink() && isFolder(abs)) diagnostics.push(warning('not-regular-file', display(abs), 0, 'a symbolic link to a folder; not followed, so no seed in it is read'));
        continue;
      }
      if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(abs);
          st = statSync(target);
        } catch {
          diagnostics.push(warning('not-regular-file', display(abs), 0, 'a broken symbolic link; skipped'));
          continue;
        }
        if (!isInside(realRoot, target)) {
          diagnostics.push(warning('not-regular-file', display(abs), 0, 'a symbolic link that leads outside the seeds folder; skipped'));
          continue;
        }
      }
      if (!st.isFile()) {
        diagnostics.push(warning('not-regular-file', display(abs), 0, `not a regular file (${kind(st)}); skipped`));
        continue;
      }
      seeds.push({ file: prefix + name, absolute: abs, layout, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, dev: st.dev, ino: st.ino });
    }
  };
  walk(base, '');
  return unlisted.length ? { seeds, diagnostics, unlisted } : { seeds, diagnostics };
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
}

function kind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a directory';
  return 'not a file';
}

export function joinDisplay(root: string, rel: string): string {
  const r = rel.split(sep).join('/');
  if (!root || root === '.') return r;
  return `${root.replace(/\/+$/, '')}/${r}`;
}

export type ReadResult = { bytes: Buffer } | { diagnostic: Diagnostic };

/**
 * The rule of a seed replaced between listing and reading. Not a problem of
 * the seed: a run that finds one writes nothing (`replacedWhileRead`) rather
 * than publish without the story, and the next run reads the new file.
 */
export const SEED_REPLACED = 'seed-replaced';

/** The error that fails a run which found `diagnostic`, a seed replaced while it was read (`SEED_REPLACED`). */
export function replacedWhileRead(diagnostic: Diagnostic): OutputError {
  return new OutputError(`${diagnostic.file}: replaced while this run was reading the seeds; nothing was written, run again`);
}

/**
 * Reads one seed with a bounded, synchronous read (one descriptor open at a
 * time, so 100,000 seeds never run out of descriptors). Opened non-blocking
 * and checked again after opening: a file swapped for a FIFO or a device
 * after listing is refused, not waited on or read forever. A seed replaced
 * since it was listed (written to a dotfile and renamed over it, as the
 * README advises, or a folder above it swapped for a link) is not read: it
 * is `SEED_REPLACED`, which fails the run that would publish without it.
 */
export function readSeed(seed: SeedFile, displayFile: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(seed.absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { diagnostic: error('unreadable', displayFile, 0, 'the file disappeared between listing and reading; it is not published this run. Run again if it was moved') };
    return { diagnostic: error('unreadable', displayFile, 0, `cannot read the seed (${code ?? e}); it is not published this run. Check its permissions`) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { diagnostic: warning('not-regular-file', displayFile, 0, `not a regular file (${kind(st)}); skipped`) };
    if ((seed.dev !== undefined && st.dev !== seed.dev) || (seed.ino !== undefined && st.ino !== seed.ino)) {
      return { diagnostic: error(SEED_REPLACED, displayFile, 0, 'the file was replaced by another between listing and reading') };
    }
    if (st.size > maxBytes) {
      return { diagnostic: error('seed-too-large', displayFile, 0, `the seed is ${st.size} bytes; the limit is ${maxBytes} (config maxSeedBytes)`) };
    }
    const buffer = Buffer.allocUnsafe(st.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        return { diagnostic: error('seed-too-large', displayFile, 0, `the seed grew while it was read; try again`) };
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return { bytes: buffer.subarray(0, length) };
  } catch (e) {
    return { diagnostic: error('unreadable', displayFile, 0, `cannot read the seed (${(e as NodeJS.ErrnoException).code ?? e}); it is not published this run`) };
  } finally {
    closeSync(fd);
  }
}
