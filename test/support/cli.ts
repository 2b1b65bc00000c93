import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { children, descendants, parseXml, child } from '../xml.js';
import { TEMP_MARK } from '../../src/write.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <cli> ...args` in `cwd` (under `wrapper`, such as `setpriv …`, when given) and collects what it printed. */
export function runCli(cli: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env, wrapper: readonly string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const command = [...wrapper, process.execPath, cli, ...args];
    const proc = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A folder laid out the way cron would run seedfeed: its own config, seeds, output and publish log. */
export interface Site {
  root: string;
  seeds: string;
  out: string;
  state: string;
  config: string;
}

export function siteIn(root: string): Site {
  return { root, seeds: join(root, 'seeds'), out: join(root, 'public'), state: join(root, 'state', 'publish-log.json'), config: join(root, 'seedfeed.config.json') };
}

/** `build` arguments for `site`, as a crontab line would give them. */
export function buildArgs(site: Site, ...extra: string[]): string[] {
  return ['build', '--seeds', site.seeds, '--out', site.out, '--state', site.state, '--config', site.config, ...extra];
}

export interface FileState {
  sha256: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Every file under `dir` (paths relative to it, `/` separated) with a hash of its bytes and its identity on disk. */
export function snapshot(dir: string): Map<string, FileState> {
  const files = new Map<string, FileState>();
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${prefix}${e.name}/`);
      else {
        const st = statSync(p);
        files.set(prefix + e.name, { sha256: createHash('sha256').update(readFileSync(p)).digest('hex'), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
      }
    }
  };
  walk(dir, '');
  return files;
}

/** The files whose bytes differ between two snapshots, added and removed ones included. */
export function bytesChanged(before: Map<string, FileState>, after: Map<string, FileState>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p)?.sha256 !== after.get(p)?.sha256).sort();
}

/** The files that were written (new inode or new mtime) or removed between two snapshots. */
export function touched(before: Map<string, FileState>, after: Map<string, FileState>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths]
    .filter((p) => {
      const a = before.get(p);
      const b = after.get(p);
      return !a || !b || a.ino !== b.ino || a.mtimeMs !== b.mtimeMs;
    })
    .sort();
}

/** Temporary files of the atomic writer under `dir`, relative paths. */
export function tempFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, prefix: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else if (e.name.includes(TEMP_MARK)) found.push(prefix + e.name);
    }
  };
  walk(dir, '');
  return found.sort();
}

/**
 * What is wrong with an output file's bytes, or undefined: XML must parse
 * strictly, JSON must parse, HTML must be UTF-8 and end its document. A
 * file cut short by a kill fails all of these.
 */
export function outputProblem(path: string, bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'not UTF-8';
  }
  try {
    if (/\.(xml|opml|atom|rss)$/.test(path)) parseXml(text);
    else if (/\.json$/.test(path)) JSON.parse(text);
    else if (/\.html?$/.test(path)) {
      if (!/<\/html>\s*$/i.test(text)) return 'the HTML document does not end with </html>';
    }
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** Asserts that every output under `dir` (temporary files aside) is complete and valid. */
export function expectValidOutputs(dir: string): void {
  const problems: string[] = [];
  for (const path of snapshot(dir).keys()) {
    if (path.includes(TEMP_MARK)) continue;
    const problem = outputProblem(path, readFileSync(join(dir, path)));
    if (problem) problems.push(`${path}: ${problem}`);
  }
  expect(problems).toEqual([]);
}

/** The item ids of the main feeds that exist in `outDir`: RSS guids, Atom entry ids, JSON Feed item ids. */
export function mainFeedIds(outDir: string): { rss?: string[]; atom?: string[]; json?: string[] } {
  const read = (name: string) => {
    try {
      return readFileSync(join(outDir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const ids: { rss?: string[]; atom?: string[]; json?: string[] } = {};
  const rss = read('feed.xml');
  if (rss !== undefined) ids.rss = descendants(parseXml(rss), 'guid').map((g) => g.text.trim());
  const atom = read('atom.xml');
  if (atom !== undefined) ids.atom = children(parseXml(atom), 'entry').map((e) => child(e, 'id')!.text.trim());
  const json = read('feed.json');
  if (json !== undefined) ids.json = (JSON.parse(json) as { items: { id: string }[] }).items.map((i) => i.id);
  return ids;
}

/** The publish log as data: ids of every entry, and those not removed. */
export function readPublishLog(path: string): { ids: Set<string>; live: Set<string>; entries: { id: string; slug: string; file: string; removed?: string }[] } {
  const log = JSON.parse(readFileSync(path, 'utf8')) as { version: number; entries: { id: string; slug: string; file: string; removed?: string }[] };
  expect(log.version).toBe(1);
  return { ids: new Set(log.entries.map((e) => e.id)), live: new Set(log.entries.filter((e) => !e.removed).map((e) => e.id)), entries: log.entries };
}
