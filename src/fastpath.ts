import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverSeeds, type SeedsFound } from './discover.js';
import { compareStrings, type Diagnostic } from './diagnostics.js';
import type { SiteConfig } from './model.js';

/**
 * The no-op fast path. A run stamps what it built from: every seed
 * file's path, size and mtime, the effective config, seedfeed's own code, the
 * publish log and the output folder. The next run compares the stamp with
 * readdir + stat alone, and when nothing moved it has nothing to do: no seed
 * is read, the parse and render modules are never loaded, no byte is written.
 *
 * The stamp is a cache, kept beside the publish log, never inside it: a lost
 * or damaged stamp costs one full run, and reading it stays cheap however
 * large the log grows. Only this module and discovery do I/O here.
 */

export const BUILD_STAMP_VERSION = 1;

/**
 * A seed modified this close to the moment the build listed it may have
 * changed again within the same mtime tick after it was read (file systems
 * with 1 s or 2 s timestamps, clocks of network file systems): such a
 * listing is not stamped, so the next run reads everything once more.
 */
export const RACY_WINDOW_MS = 3000;

/** Whether a seed's mtime is ahead of the clock of a listing made at `listedAtMs` (a clock set back): no stamp can vouch for it. */
export function modifiedAhead(seed: { mtimeMs: number }, listedAtMs: number): boolean {
  return seed.mtimeMs > listedAtMs + RACY_WINDOW_MS;
}

/** What a seed looked like when a build listed it (`SeedFile` of discover.ts is one). */
export interface SeedStamp {
  file: string;
  size: number;
  mtimeMs: number;
  /** Counted when discovery records them: they catch edits that keep the mtime (`touch -r`, `cp -p`). */
  ctimeMs?: number;
  ino?: number;
}

export interface BuildStamp {
  version: typeof BUILD_STAMP_VERSION;
  /** seedfeed's own modules (sizes and mtimes): a rebuild or upgrade of seedfeed defeats the stamp. */
  code: string;
  /** The effective site config, command-line overrides included. */
  config: string;
  /** Size and mtime of the publish log as the run left it. */
  log: string;
  /** Every seed file the build listed, drafts and rejected seeds included. */
  seeds: string;
  seedCount: number;
  /** The mtimes of `outputDirs` and the sizes and mtimes of `watched`. */
  outputs: string;
  /** The output folder and every folder in it, relative, '' for the folder itself. */
  outputDirs: string[];
  /** Output files whose size and mtime count as well: the main feeds. */
  watched: string[];
  /** What the run reported, so that a no-op can report the same. */
  exitCode: number;
  published: number;
  rejected: number;
  /** The rejected seeds, by path under the seeds folder (absent in stamps of older runs). */
  rejectedFiles?: string[];
  /** Repairs made to the seeds as they are: a no-op reports them again. */
  repairs?: number;
  /** The run's errors, shown again by every no-op until a seed changes. */
  errors: Diagnostic[];
  /**
   * What the listing the build read from had to report (`listingProblems`):
   * a FIFO, a broken link, a folder that cannot be listed. A no-op may find
   * the same, as a run that reported them; without it, any is a full run's.
   */
  listing?: string;
}

/** A listing of the seeds folder and the clock just before it was made: a run may build from the listing its no-op check made. */
export interface SeedListing extends SeedsFound {
  listedAtMs: number;
  /** `seedListDigest(seeds)`, once a check has computed it. */
  digest?: string;
}

export type FastPathDecision = { unchanged: true; stamp: BuildStamp } | { unchanged: false; reason: string; listing?: SeedListing };

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** The stamp lives beside the publish log, as its lock does. */
export function stampPathFor(statePath: string): string {
  return `${statePath}.stamp`;
}

/** The publish log's journal: what patch runs changed since the log was written whole (log-file.ts). */
export function journalPathFor(statePath: string): string {
  return `${statePath}.journal`;
}

/** What names the publish log's state in the build stamp: its file and its journal. */
export function logDigest(statePath: string): string {
  return `${fileDigest(statePath)}+${fileDigest(journalPathFor(statePath))}`;
}

/**
 * Digest of a seed listing, in the listing's order (discovery sorts it). The
 * numbers go in as raw doubles rather than text: at 100,000 seeds that is
 * ~10 ms instead of ~100 ms. NUL ends each path; no file name contains one.
 */
export function seedListDigest(seeds: readonly SeedStamp[]): string {
  const numbers = new Float64Array(seeds.length * 4);
  for (let i = 0; i < seeds.length; i++) {
    const s = seeds[i]!;
    numbers[i * 4] = s.size;
    numbers[i * 4 + 1] = s.mtimeMs;
    numbers[i * 4 + 2] = s.ctimeMs ?? -1;
    numbers[i * 4 + 3] = s.ino ?? -1;
  }
  return createHash('sha256').update(listedPaths(seeds)).update(new Uint8Array(numbers.buffer)).digest('hex');
}

/** The paths of a listing, each ended by NUL (no file name contains one): as digested, and as the patch index keeps them. */
export function listedPaths(seeds: readonly Pick<SeedStamp, 'file'>[]): string {
  let paths = '';
  for (const seed of seeds) paths += `${seed.file}\u0000`;
  return paths;
}

/** Digest of the effective config: `checkConfig` builds it field by field, so the same input gives the same text. */
export function configDigest(config: SiteConfig): string {
  return digest(JSON.stringify(config));
}

/** Size and mtime of one file, or "missing". */
export function fileDigest(path: string, withCtime = false): string {
  try {
    const st = statSync(path);
    return withCtime ? `${st.size}:${st.mtimeMs}:${st.ctimeMs}` : `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * The outputs whose size, mtime and ctime a no-op compares (`outputDigest`):
 * every one but the stories' own pages, one per story, whose stats would
 * double the cost of a no-op at 100,000 seeds. So a feed, a topic page, the
 * home page, the OPML or the stylesheet edited in place is put right by the
 * next run; a story's page edited in place is put right by the next full run.
 */
export function watchedOutputs(paths: Iterable<string>): string[] {
  return [...new Set(paths)].filter((p) => !p.startsWith('articles/')).sort(compareStrings);
}

/**
 * The code a run executes: seedfeed's own module files (the folder this
 * module was loaded from, recursively), the packages installed beside it
 * (npm's `node_modules/.package-lock.json`, rewritten by every install) and
 * the Node version. Any of them can change what a seed parses or renders to.
 * Run from the bundle (dist/bin), the folder is the bundle's, which holds
 * the packages' code too; no lock file is found beside it, and none is
 * needed.
 */
export function codeDigest(codeDir: string = dirname(fileURLToPath(import.meta.url))): string {
  // node_modules beside the package (a clone) or around it (installed as a dependency).
  const lines: string[] = [process.version];
  for (const lock of [join(codeDir, '..', 'node_modules', '.package-lock.json'), join(codeDir, '..', '..', '.package-lock.json')]) lines.push(`${lock}\u0000${fileDigest(lock)}`);
  for (const folder of foldersUnder(codeDir)) {
    const dir = folder ? join(codeDir, folder) : codeDir;
    const names = readdirSync(dir).filter((name) => /\.(js|mjs|cjs|ts)$/.test(name)).sort();
    for (const name of names) lines.push(`${folder}/${name}\u0000${fileDigest(join(dir, name))}`);
  }
  return digest(lines.join('\n'));
}

/** `root` and every folder in it, relative (`` for `root` itself), depth first in name order; dotfolders included. */
export function foldersUnder(root: string): string[] {
  const folders: string[] = [];
  const visit = (rel: string) => {
    folders.push(rel);
    let entries;
    try {
      entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true });
    } catch {
      return;
    }
    const names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) visit(rel ? `${rel}/${name}` : name);
  };
  visit('');
  return folders;
}

/**
 * Digest of the output folder without listing it: the mtime of each folder
 * (creating, deleting or renaming a file changes its folder's mtime), plus
 * size, mtime and ctime of the `watched` files (`watchedOutputs`). So a
 * deleted, added or renamed output, or any output but a story's page edited
 * by hand (even with its mtime put back), defeats the stamp at the cost of a
 * stat per feed and topic page; a story's page edited in place is not
 * noticed, by the no-op nor by a patch run (patch.ts), and is repaired by
 * the next full run: one with more to do than edits to patch in, or one on
 * demand (with the stamp deleted).
 */
export function outputDigest(outDir: string, folders: readonly string[], watched: readonly string[]): string {
  const lines: string[] = [];
  // Paths by concatenation (the relative paths are the runs' own, in `/` form): path.join for each of a few thousand
  // costs as much as its stat.
  const base = outDir.endsWith('/') ? outDir : `${outDir}/`;
  for (const rel of folders) {
    let stamp = 'missing';
    try {
      stamp = String(statSync(rel ? base + rel : outDir).mtimeMs);
    } catch {
      // A folder that is gone is a change like any other.
    }
    lines.push(`${rel}/\u0000${stamp}`);
  }
  for (const rel of watched) lines.push(`${rel}\u0000${fileDigest(base + rel, true)}`);
  return digest(lines.join('\n'));
}

export interface StampInput {
  /** The seed listing the build read from, as discovery returned it. */
  seeds: readonly SeedStamp[];
  /** `seedListDigest(seeds)`, when known already. */
  seedsDigest?: string;
  /** The clock just before that listing was made. */
  listedAtMs: number;
  config: SiteConfig;
  statePath: string;
  outDir: string;
  /** Output files, relative to `outDir`, whose size, mtime and ctime count (`watchedOutputs`). */
  watched: readonly string[];
  exitCode: number;
  published: number;
  rejected: readonly string[];
  repairs?: number;
  /** The run's diagnostics: the stamp keeps the errors. */
  diagnostics: readonly Diagnostic[];
  /** The problems of the listing the build read from, when it was listed as a no-op check lists (`listSeeds`). */
  listingDiagnostics?: readonly Diagnostic[];
  codeDir?: string;
  /**
   * Parts of the last stamp this run found to hold and did not change: its
   * code, and its output folders when the run created and removed none (a
   * patch run). Walking the output folder takes ~100 ms at 100,000 pages.
   */
  kept?: Pick<BuildStamp, 'code' | 'outputDirs'>;
}

/**
 * The stamp of a finished run: call it after the log and the outputs are
 * written. Undefined when a seed was modified within `RACY_WINDOW_MS` of the
 * listing (or later): then no stamp may be trusted, and none is written.
 */
export function makeBuildStamp(input: StampInput): BuildStamp | undefined {
  for (const s of input.seeds) {
    if (s.mtimeMs > input.listedAtMs - RACY_WINDOW_MS) return undefined;
  }
  const folders = input.kept?.outputDirs ?? foldersUnder(input.outDir);
  return {
    version: BUILD_STAMP_VERSION,
    code: input.kept?.code ?? codeDigest(input.codeDir),
    config: configDigest(input.config),
    log: logDigest(input.statePath),
    seeds: input.seedsDigest ?? seedListDigest(input.seeds),
    seedCount: input.seeds.length,
    outputs: outputDigest(input.outDir, folders, input.watched),
    outputDirs: folders,
    watched: [...input.watched],
    exitCode: input.exitCode,
    published: input.published,
    rejected: input.rejected.length,
    rejectedFiles: [...input.rejected],
    repairs: input.repairs ?? 0,
    errors: input.diagnostics.filter((d) => d.severity === 'error'),
    ...(input.listingDiagnostics?.length ? { listing: listingProblems(input.listingDiagnostics) } : {}),
  };
}

export function serializeBuildStamp(stamp: BuildStamp): string {
  return JSON.stringify(stamp) + '\n';
}

/** The stamp at `path`; undefined when there is none, or it is damaged or of another version (then the run is a full one). */
export function readBuildStamp(path: string): BuildStamp | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<BuildStamp>;
    if (parsed?.version !== BUILD_STAMP_VERSION || typeof parsed.seeds !== 'string' || !Array.isArray(parsed.outputDirs) || !Array.isArray(parsed.watched) || !Array.isArray(parsed.errors)) {
      return undefined;
    }
    return parsed as BuildStamp;
  } catch {
    return undefined;
  }
}

/** True when the seeds folder lists exactly the stamped seeds, each with the same size and mtime. */
export function seedsUnchanged(seedsDir: string, stamp: Pick<BuildStamp, 'seeds' | 'seedCount' | 'listing'>): boolean {
  return listingUnchanged(listSeeds(seedsDir), stamp);
}

export function listSeeds(seedsDir: string): SeedListing {
  const listedAtMs = Date.now();
  return { ...discoverSeeds(seedsDir), listedAtMs };
}

/** The problems of a listing, as a stamp holds them: one digest of their files, lines, rules and messages, in order. */
function listingProblems(diagnostics: readonly Diagnostic[]): string {
  return digest(JSON.stringify(diagnostics.map((d) => [d.file, d.line, d.severity, d.rule, d.message])));
}

function listingUnchanged(found: SeedListing, stamp: Pick<BuildStamp, 'seeds' | 'seedCount' | 'listing'>): boolean {
  // A problem discovery reports (an unreadable folder, a FIFO) is for a full run to report, unless the run stamped reported the same.
  if (found.diagnostics.length && listingProblems(found.diagnostics) !== stamp.listing) return false;
  if (found.seeds.length !== stamp.seedCount) return false;
  found.digest ??= seedListDigest(found.seeds);
  return found.digest === stamp.seeds;
}

export interface FastPathInput {
  seedsDir: string;
  outDir: string;
  statePath: string;
  config: SiteConfig;
  /** From `readBuildStamp(stampPathFor(statePath))`. */
  stamp: BuildStamp | undefined;
  codeDir?: string;
}

/**
 * Whether a run would change nothing, from discovery-level I/O only. The
 * cheap checks go first; the seeds folder, the one that grows, goes last.
 */
export function checkFastPath(input: FastPathInput): FastPathDecision {
  const { stamp } = input;
  if (!stamp) return { unchanged: false, reason: 'no build stamp from a previous run' };
  const moved = stampMovedBesidesSeeds(stamp, input);
  if (moved) return { unchanged: false, reason: moved };
  const listing = listSeeds(input.seedsDir);
  if (!listingUnchanged(listing, stamp)) return { unchanged: false, reason: 'the seeds changed', listing };
  return { unchanged: true, stamp };
}

/** What moved since `stamp` was written, the seeds aside: undefined when nothing did (seedfeed's code, the config, the publish log, the output folder). */
export function stampMovedBesidesSeeds(stamp: BuildStamp, input: Omit<FastPathInput, 'stamp' | 'seedsDir'>): string | undefined {
  if (stamp.code !== codeDigest(input.codeDir)) return 'seedfeed itself changed';
  if (stamp.config !== configDigest(input.config)) return 'the config changed';
  if (stamp.log !== logDigest(input.statePath)) return 'the publish log changed';
  if (stamp.outputs !== outputDigest(input.outDir, stamp.outputDirs, stamp.watched)) return 'the output folder changed';
  return undefined;
}
