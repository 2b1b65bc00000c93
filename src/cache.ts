import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { SeedHead } from './parse/index.js';
import type { Diagnostic } from './diagnostics.js';
import type { SiteConfig } from './model.js';
import { codeDigest, configDigest, stampPathFor } from './fastpath.js';

/**
 * The build cache, kept beside the publish log (`<state>.cache`): what the
 * last run learned that is expensive to learn again. Like the build stamp it
 * is only a cache: a lost, damaged or stale one costs one full run, never a
 * wrong output.
 *
 * - `seeds`: each seed's parse (fields, diagnostics, repairs; not the body),
 *   under the size, mtime, ctime and inode it was read with. A seed listed
 *   the same way again is not read: its body is read again only if an output
 *   that shows it is rendered.
 * - `outputs`: each output's fingerprint (fingerprint.ts) as that run wrote
 *   it, with the size, mtime and ctime of its file, and the state of the
 *   output folder after the run (folder mtimes and the main feeds, as the
 *   stamp has it). While the folder is in that state, an output whose
 *   fingerprint is the same and whose file was not touched since is left as
 *   it is, unrendered: one stat instead of a render and a compare.
 *
 * Both are keyed by seedfeed's code (its modules, its installed packages and
 * the Node version: see `codeDigest`), the effective config and the seeds
 * folder as shown in messages: a change to any of them makes a full run.
 */
export const CACHE_VERSION = 1;

export interface SeedRecord {
  /** Path under the seeds folder. */
  file: string;
  size: number;
  mtimeMs: number;
  ctimeMs?: number;
  ino?: number;
  dev?: number;
  head: SeedHead;
  /** Warnings the body gave when it was last normalized; absent until it was. */
  bodyDiagnostics?: Diagnostic[];
}

export interface OutputState {
  /** The output folder, resolved: another folder's files are not these. */
  outDir: string;
  /** `outputDigest` of `dirs` and `watched` (fastpath.ts) just after the run. */
  state: string;
  dirs: string[];
  watched: string[];
  /**
   * Output path -> its fingerprint and the size, mtime and ctime of the file
   * the run left (`outputStamp`): a file edited in place since is rendered
   * again, whatever its fingerprint.
   */
  fingerprints: Record<string, string>;
}

export interface BuildCache {
  version: typeof CACHE_VERSION;
  key: string;
  seeds: SeedRecord[];
  outputs?: OutputState;
}

export function cachePathFor(statePath: string): string {
  return `${statePath}.cache`;
}

/** What a cache must have been made under to be used. */
export function cacheKey(config: SiteConfig, displayRoot: string, codeDir?: string): string {
  return createHash('sha256').update(`${codeDigest(codeDir)}\u0000${configDigest(config)}\u0000${displayRoot}`).digest('hex');
}

/**
 * The cache at `path` when it was made under `key`; undefined when there is
 * none or it is of no use. The digest of its text comes back too, so an
 * unchanged cache is not written again. Seed records come back without
 * `head.file` (the seed's path as shown): the build sets it.
 */
export function readCache(path: string, key: string): { cache?: BuildCache; digest?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const digest = cacheDigest(text);
  try {
    const parsed = JSON.parse(text) as Partial<BuildCache>;
    if (parsed?.version !== CACHE_VERSION || parsed.key !== key || !Array.isArray(parsed.seeds)) return { digest };
    return { cache: parsed as BuildCache, digest };
  } catch {
    return { digest };
  }
}

export function cacheDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One seed record per line: a cache of 100,000 seeds stays readable and quick to parse. */
export function serializeCache(cache: BuildCache): string {
  const { seeds, outputs, ...rest } = cache;
  const lines = [`{${JSON.stringify(rest).slice(1, -1)},`, '"seeds": ['];
  // The head's display path is left out: it is the record's path under the seeds folder as shown (the key fixes how).
  seeds.forEach((s, i) => lines.push(JSON.stringify({ ...s, head: { ...s.head, file: undefined } }) + (i < seeds.length - 1 ? ',' : '')));
  lines.push(outputs ? `], "outputs": ${JSON.stringify(outputs)}}` : ']}');
  return lines.join('\n') + '\n';
}

/** The caches kept beside the publish log (the no-op stamp and the build cache): deleting them costs one full run, nothing else. */
export function cachesBeside(statePath: string): string[] {
  return [stampPathFor(statePath), cachePathFor(statePath)];
}

/** An output's fingerprint with the size, mtime and ctime of its file; undefined when the file cannot be stat-ed. */
export function outputStamp(path: string, fingerprint: string): string | undefined {
  try {
    const st = statSync(path);
    return `${fingerprint} ${st.size} ${st.mtimeMs} ${st.ctimeMs}`;
  } catch {
    return undefined;
  }
}
