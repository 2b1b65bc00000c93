#!/usr/bin/env node
/**
 * Where the time of one seedfeed run goes: runs the CLI under
 * `node --cpu-prof` on a bench corpus and prints the functions with the most
 * self time, and self time per package or source file.
 *
 *   node bench/profile.mjs [--size 10000] [--scenario full|noop|changed] [--cli dist/cli.js] [--top 25]
 *   node bench/profile.mjs --from FILE.cpuprofile     (summarize a profile taken before)
 *
 * The default CLI is the unbundled one, dist/cli.js, so that self time is
 * told by package and source file; the bundle users run (dist/bin/cli.js)
 * runs the same functions, from a few chunks, and loads faster.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus, restoreCorpus, writeChangedSeed } from './lib/corpus.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');

const options = { size: 10_000, scenario: 'full', cli: join(REPO, 'dist', 'cli.js'), top: 25, corpora: join(HERE, 'corpora'), from: undefined };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  const value = argv[++i];
  if (value === undefined) throw new Error(`${arg} needs a value`);
  if (arg === '--size') options.size = Number(value.replace(/k$/i, '000'));
  else if (arg === '--scenario') options.scenario = value;
  else if (arg === '--cli') options.cli = resolve(value);
  else if (arg === '--top') options.top = Number(value);
  else if (arg === '--corpora') options.corpora = resolve(value);
  else if (arg === '--from') options.from = resolve(value);
  else throw new Error(`unknown option ${arg}`);
}
if (!['full', 'noop', 'changed'].includes(options.scenario)) throw new Error('--scenario: full, noop or changed');

/** Runs the CLI under the profiler; returns the profile file and the wall time. */
function takeProfile() {
  const corpus = ensureCorpus(join(options.corpora, String(options.size)), options.size, { hugo: false, log: (l) => process.stderr.write(`${l}\n`) });
  const work = join(corpus.dir, 'profile');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const config = join(work, 'seedfeed.config.json');
  // The site config of bench/run.mjs, written by its last run at this size, else a minimal one.
  let configText;
  try {
    configText = readFileSync(join(corpus.dir, 'work', 'seedfeed.config.json'), 'utf8');
  } catch {
    configText = JSON.stringify({ title: 'seedfeed bench', baseUrl: 'https://seeds.example.org/', limit: 50 });
  }
  writeFileSync(config, configText);
  const args = ['build', '--quiet', '--seeds', corpus.seedsDir, '--out', join(work, 'out'), '--state', join(work, 'state', 'publish-log.json'), '--config', config];
  const run = (profileDir) => {
    const result = spawnSync(process.execPath, [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), options.cli, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`seedfeed failed: ${result.stderr}`);
  };
  if (options.scenario !== 'full') run();
  if (options.scenario === 'changed') writeChangedSeed(corpus, 1);
  const profiles = join(work, 'cpuprofile');
  const started = performance.now();
  run(profiles);
  const wallMs = performance.now() - started;
  restoreCorpus(corpus.dir, options.size);

  const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
  return { path: join(profiles, file), wallMs };
}

const taken = options.from ? { path: options.from, wallMs: undefined } : takeProfile();
const profile = JSON.parse(readFileSync(taken.path, 'utf8'));

// Self time per node: the sampling interval after each sample belongs to its node.
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const totalUs = profile.endTime - profile.startTime;

function where(url) {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  if (path.startsWith('node:')) return path;
  const src = /\/(dist|src)\/(.*)$/.exec(path);
  return src ? `${src[1]}/${src[2]}` : path;
}

const byFunction = new Map();
const byPlace = new Map();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = where(url);
  const key = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
}
// Inclusive time of seedfeed's own functions: each sample counts once for every
// distinct function of dist/ (or src/) on its stack, which gives the phases.
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
const ownKey = (node) => {
  const place = where(node.callFrame.url);
  return /^(dist|src)\//.test(place) ? `${node.callFrame.functionName || '(anonymous)'} ${place}:${node.callFrame.lineNumber + 1}` : undefined;
};
const inclusive = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const us = profile.timeDeltas[i + 1] ?? 0;
  const seen = new Set();
  for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
    const key = ownKey(nodeById.get(id));
    if (key && !seen.has(key)) {
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
}

const pct = (us) => `${((us / totalUs) * 100).toFixed(1)}%`;
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
const lines = [
  options.from ? `${options.from}: ${ms(totalUs)} profiled` : `seedfeed ${options.scenario} build at ${options.size} seeds: ${(taken.wallMs / 1000).toFixed(2)} s wall, ${ms(totalUs)} profiled`,
  '',
  '| self time | share | function |',
  '| --- | --- | --- |',
  ...[...byFunction].sort((a, b) => b[1] - a[1]).slice(0, options.top).map(([k, us]) => `| ${ms(us)} | ${pct(us)} | \`${k}\` |`),
  '',
  '| self time | share | package or file |',
  '| --- | --- | --- |',
  ...[...byPlace].sort((a, b) => b[1] - a[1]).slice(0, options.top).map(([k, us]) => `| ${ms(us)} | ${pct(us)} | ${k} |`),
  '',
  '| inclusive time | share | seedfeed function |',
  '| --- | --- | --- |',
  ...[...inclusive].sort((a, b) => b[1] - a[1]).slice(0, options.top).map(([k, us]) => `| ${ms(us)} | ${pct(us)} | \`${k}\` |`),
];
process.stdout.write(lines.join('\n') + '\n');
process.stderr.write(`profile: ${taken.path}\n`);
