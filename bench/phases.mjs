#!/usr/bin/env node
/**
 * Where a full build's time goes, phase by phase, in one process through the
 * library API (dist/): listing the seeds, reading and parsing them on the
 * worker threads, the build (normalizing, ids, topics, planning the
 * outputs), then rendering each kind of output (writing excluded). Also the
 * cost of reading and parsing one seed on one thread, which bounds any full
 * build: every seed is parsed, for its warnings and for the build cache.
 *
 *   node bench/phases.mjs [--size 10000] [--sample 2000] [--corpora bench/corpora]
 *
 * The site config is the one bench/run.mjs last wrote for that size (else a
 * minimal one with topic feeds on). Timings are single runs: compare phases
 * within a run, not runs on a busy machine.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureCorpus } from './lib/corpus.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..', 'dist');

const options = { size: 10_000, sample: 2_000, corpora: join(HERE, 'corpora') };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [arg, value] = [argv[i], argv[i + 1]];
  if (value === undefined) throw new Error(`${arg} needs a value`);
  if (arg === '--size') options.size = Number(value.replace(/k$/i, '000'));
  else if (arg === '--sample') options.sample = Number(value);
  else if (arg === '--corpora') options.corpora = resolve(value);
  else throw new Error(`unknown option ${arg}`);
}

const lib = async (file) => import(pathToFileURL(join(DIST, file)).href);
const { beginRun, build, parseAhead, parseJobs, parseSettings } = await lib('build.js');
const { BODIES_AHEAD_MIN, eachWithBodiesAhead } = await lib('body-pool.js');
const { listSeeds } = await lib('fastpath.js');
const { checkConfig } = await lib('config.js');
const { runParseJob } = await lib('parse-pool.js');

const corpus = ensureCorpus(join(options.corpora, String(options.size)), options.size, { hugo: false, log: (l) => process.stderr.write(`${l}\n`) });
let configInput;
try {
  configInput = JSON.parse(readFileSync(join(corpus.dir, 'work', 'seedfeed.config.json'), 'utf8'));
} catch {
  configInput = { title: 'seedfeed bench', baseUrl: 'https://seeds.example.org/', limit: 50, archive: false };
}
const { config, diagnostics } = checkConfig(configInput);
if (!config) throw new Error(`bench config: ${diagnostics.map((d) => d.message).join('; ')}`);
const buildOptions = { seedsDir: corpus.seedsDir, config };

const rows = [];
let mark = performance.now();
const phase = (what, detail = '') => {
  const now = performance.now();
  rows.push({ what, ms: now - mark, detail });
  mark = now;
};

// One thread, one seed at a time: what every full build pays per seed, before any output.
const listing = listSeeds(corpus.seedsDir);
const sample = listing.seeds.slice(0, options.sample);
const settings = parseSettings(buildOptions);
const started = performance.now();
for (const file of sample) runParseJob({ file, keepBody: true }, settings);
const perSeedMs = (performance.now() - started) / sample.length;

mark = performance.now();
const listed = listSeeds(corpus.seedsDir);
phase('list the seeds', `${listed.seeds.length} seeds`);
const jobs = parseJobs(listed.seeds, undefined);
const endRun = beginRun(jobs);
const parsed = await parseAhead(jobs, buildOptions);
phase('read and parse, worker threads', parsed ? `${parsed.size} seeds` : 'on this thread (too few for workers)');
const result = build({ ...buildOptions, listing: listed, ...(parsed ? { parsed } : {}) });
phase('build: normalize, ids, topics, plan outputs', `${result.items.length} items`);

/** Output kinds, in the order a build renders them. */
const kindOf = (path) => {
  if (path.endsWith('.html')) return path.startsWith('articles/') ? 'item pages' : 'home and topic pages';
  if (path === 'opml.xml') return 'other';
  if (/\.(xml|json)$/.test(path) && !path.includes('/')) return 'main feeds';
  if (path.endsWith('.xml') || path.endsWith('.json')) return path.startsWith('archive/') ? 'archive pages' : 'topic feeds';
  return 'other';
};
const kinds = new Map();
let last = performance.now();
await eachWithBodiesAhead(result.outputs, result.bodies, settings, BODIES_AHEAD_MIN, (output) => {
  const text = output.text;
  const now = performance.now();
  const kind = kinds.get(kindOf(output.path)) ?? { files: 0, ms: 0, chars: 0 };
  kind.files++;
  kind.ms += now - last;
  kind.chars += text.length;
  kinds.set(kindOf(output.path), kind);
  last = now;
});
phase('render every output (writing excluded)', `${result.outputs.length} files`);
endRun();

const total = rows.reduce((sum, r) => sum + r.ms, 0);
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const lines = [
  `Full build of ${listed.seeds.length} seeds, by phase (one process, writing excluded): ${s(total)}`,
  '',
  '| phase | wall | share | |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.what} | ${s(r.ms)} | ${((r.ms / total) * 100).toFixed(0)} % | ${r.detail} |`),
  '',
  'Rendering by kind of output (in the order rendered: the outputs whose bodies the build kept first):',
  '',
  '| output | files | render | characters |',
  '| --- | --- | --- | --- |',
  ...[...kinds].map(([k, v]) => `| ${k} | ${v.files} | ${s(v.ms)} | ${(v.chars / 1e6).toFixed(1)} M |`),
  '',
  `Reading and parsing one seed on one thread: ${perSeedMs.toFixed(3)} ms (mean over the first ${sample.length}); for all ${listed.seeds.length}: ${s(perSeedMs * listed.seeds.length)} of CPU.`,
];
process.stdout.write(lines.join('\n') + '\n');
