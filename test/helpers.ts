import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConfig } from '../src/config.js';
import type { SiteConfig } from '../src/model.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `../shared` beside the repository: the seed format, the real seed and the schemas. */
export const SHARED = resolve(REPO, '..', 'shared');
export const SAMPLE_SEEDS = join(REPO, 'seeds');

const made: string[] = [];

/** A fresh temporary folder, removed when its test file is done (`removeTempDirs`, from test/support/cleanup.ts). */
export function tempDir(prefix = 'seedfeed-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the folders `tempDir` made; kept when SEEDFEED_KEEP_TEMP is set, to look at after a failure. */
export function removeTempDirs(): void {
  if (process.env.SEEDFEED_KEEP_TEMP) return;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (path relative to `dir` -> text or bytes) and returns `dir`. */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return dir;
}

/** A checked site config for tests, like the sample's. */
export function testConfig(overrides: Record<string, unknown> = {}): SiteConfig {
  const { config, diagnostics } = checkConfig({
    title: 'Test feed',
    description: 'Stories for tests',
    baseUrl: 'https://seeds.example.org/',
    language: 'en',
    publisher: { name: 'Test publisher' },
    sources: { Asbarez: { url: 'https://asbarez.com/', feed: 'https://asbarez.com/feed/' } },
    ...overrides,
  });
  if (!config) throw new Error(`test config invalid: ${JSON.stringify(diagnostics)}`);
  return config;
}

/** A fixed clock for deterministic tests. */
export const NOW = new Date('2026-11-28T12:00:00Z');

/** Every file under `dir` with its bytes, by path relative to `dir` (with `/`). */
export function bytesUnder(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) for (const [k, v] of bytesUnder(join(dir, entry.name), rel + '/')) files.set(k, v);
    else files.set(rel, readFileSync(join(dir, entry.name)));
  }
  return files;
}
