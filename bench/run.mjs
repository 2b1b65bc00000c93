#!/usr/bin/env node
/**
 * `npm run bench`: seedfeed against Hugo and against file-system floors, on
 * synthetic corpora of several sizes, whole process, wall time and peak
 * memory, several alternating rounds, medians. Writes the tables into
 * bench/RESULTS.md (between its result markers) and the raw numbers into
 * bench/results.json. `node bench/run.mjs --help` lists the options.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { addSeed, ensureCorpus, restoreCorpus, writeChangedSeed, NAMES, sourceHost } from './lib/corpus.mjs';
import { hasGnuTime, measure, median, peakMethod } from './lib/measure.mjs';
import { SCENARIOS, updateResultsFile } from './lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const LIMIT = 50;

const USAGE = `usage: node bench/run.mjs [options]

  --sizes LIST      corpus sizes, comma-separated (default 1000,10000,100000; 1k, 10k, 100k work too)
  --runs N          rounds per size (default 5 up to 10k seeds, 3 above)
  --no-hugo         skip Hugo even when it is installed
  --no-archives     skip the separate full build with archive pages
  --no-hugo-site    skip Hugo building the same site as seedfeed (its pages,
                    topic pages and feeds: bench/lib/hugo-site.mjs)
  --cli FILE        the seedfeed CLI to measure (default dist/bin/cli.js, the
                    bundle that seedfeed and npm start run)
  --corpora DIR     where corpora are generated and cached (default bench/corpora)
  --results FILE    the Markdown file to write (default bench/RESULTS.md);
                    raw numbers go to results.json beside it
`;

function parseArgs(argv) {
  const options = {
    sizes: [1000, 10_000, 100_000],
    runs: undefined,
    hugo: true,
    archives: true,
    hugoSite: true,
    cli: join(REPO, 'dist', 'bin', 'cli.js'),
    corpora: join(HERE, 'corpora'),
    results: join(HERE, 'RESULTS.md'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--sizes') options.sizes = value().split(',').map(parseSize);
    else if (arg === '--runs') options.runs = positive(value(), arg);
    else if (arg === '--no-hugo') options.hugo = false;
    else if (arg === '--no-archives') options.archives = false;
    else if (arg === '--no-hugo-site') options.hugoSite = false;
    else if (arg === '--cli') options.cli = resolve(value());
    else if (arg === '--corpora') options.corpora = resolve(value());
    else if (arg === '--results') options.results = resolve(value());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

function parseSize(text) {
  const m = /^(\d+)(k?)$/i.exec(text.trim());
  if (!m) throw new Error(`--sizes: "${text}" is not a size such as 1000 or 10k`);
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

function positive(text, name) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a whole number of at least 1`);
  return n;
}

const say = (line) => process.stderr.write(`${line}\n`);

function commandOutput(command, args) {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

function hugoVersion() {
  const text = commandOutput('hugo', ['version']);
  return text ? text.split('\n')[0] : undefined;
}

/** The C read floor, compiled once into the corpora folder; undefined without a C compiler. */
function cReadFloor(corpora) {
  const source = join(HERE, 'floors', 'read.c');
  const binary = join(corpora, '.bin', 'read-floor');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  mkdirSync(dirname(binary), { recursive: true });
  const built = spawnSync('cc', ['-O2', '-o', binary, source], { stdio: 'ignore' });
  return built.status === 0 ? binary : undefined;
}

/**
 * The site config of the bench, as the CLI under test understands it: the
 * main feeds carry `LIMIT` items; archive pages are off in the main runs and
 * on in the separate archive run, when this seedfeed knows the key.
 */
async function benchConfigs(cli) {
  const base = {
    title: 'seedfeed bench',
    description: 'Synthetic news stories for the benchmark',
    baseUrl: 'https://seeds.example.org/',
    language: 'en',
    publisher: { name: 'seedfeed bench', url: 'https://seeds.example.org/' },
    limit: LIMIT,
    // A third of the publications are configured, with their own feeds.
    sources: Object.fromEntries(NAMES.sources.filter((_, k) => k % 3 === 0).map((name) => [name, { url: `https://${sourceHost(name)}/`, feed: `https://${sourceHost(name)}/feed/` }])),
  };
  let knowsArchive = false;
  // The library's config module: beside an unbundled CLI (dist/cli.js), or above the bundled one (dist/bin/cli.js).
  for (const dir of [dirname(cli), dirname(dirname(cli))]) {
    try {
      const { checkConfig } = await import(pathToFileURL(join(dir, 'config.js')).href);
      knowsArchive = checkConfig({ ...base, archive: false }).diagnostics.length === 0;
      break;
    } catch {
      knowsArchive = false;
    }
  }
  return {
    main: knowsArchive ? { ...base, archive: false } : base,
    archives: knowsArchive ? { ...base, archive: { pageSize: 100 } } : undefined,
  };
}

/** Size, mtime and inode of every file under `dirs`, to tell which ones a run wrote. */
function snapshot(dirs) {
  const files = new Map();
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (!e.name.endsWith('.lock')) {
        const st = statSync(path);
        files.set(path, `${st.size}:${st.mtimeMs}:${st.ino}`);
      }
    }
  };
  dirs.forEach(walk);
  return files;
}

/** Files and bytes under `dir`. */
function outputSize(dir) {
  let bytes = 0;
  const files = snapshot([dir]);
  for (const stamp of files.values()) bytes += Number(stamp.split(':')[0]);
  return { files: files.size, bytes };
}

function filesWritten(before, after) {
  let n = 0;
  for (const [path, stamp] of after) if (before.get(path) !== stamp) n++;
  for (const path of before.keys()) if (!after.has(path)) n++;
  return n;
}

function countMatches(file, pattern) {
  try {
    return (readFileSync(file, 'utf8').match(pattern) ?? []).length;
  } catch {
    return 0;
  }
}

async function benchSize(size, options, tools) {
  const corpus = ensureCorpus(join(options.corpora, String(size)), size, { hugo: Boolean(tools.hugo), limit: LIMIT, log: say });
  const work = join(corpus.dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const configs = await benchConfigs(options.cli);
  const configFile = join(work, 'seedfeed.config.json');
  writeFileSync(configFile, JSON.stringify(configs.main, null, 2) + '\n');
  const archiveConfigFile = join(work, 'seedfeed.archives.json');
  if (configs.archives) writeFileSync(archiveConfigFile, JSON.stringify(configs.archives, null, 2) + '\n');
  const out = join(work, 'out');
  const stateDir = join(work, 'state');
  const state = join(stateDir, 'publish-log.json');
  const runs = options.runs ?? (size > 10_000 ? 3 : 5);

  const samples = Object.fromEntries(SCENARIOS.map((s) => [s.key, []]));
  const failures = {};
  const notes = { filesWritten: {}, items: {}, runs: {}, output: {} };
  /** Keeps a measurement; a run that failed is noted (with the last line it printed) and is not a sample. Returns whether it worked. */
  const record = (key, result, what) => {
    const line = `  ${key.padEnd(16)} ${(result.wallMs / 1000).toFixed(3).padStart(8)} s ${result.peakKb ? `${(result.peakKb / 1024).toFixed(0).padStart(6)} MB` : ''}`;
    if (result.status !== 0) {
      const lines = result.output.trim().split('\n').filter((l) => /\S/.test(l));
      // V8's own last words ("FATAL ERROR: ... heap out of memory") say more than the native stack after them.
      const last = (lines.find((l) => /FATAL ERROR|^seedfeed: /.test(l)) ?? lines.slice(-3).join(' / ')).trim().slice(0, 300);
      failures[key] = { status: result.status, wallMs: result.wallMs, peakKb: result.peakKb, message: last };
      say(`${line} FAILED: ${what} exited with ${result.status}: ${last}`);
      return false;
    }
    samples[key].push({ wallMs: result.wallMs, peakKb: result.peakKb, cpuMs: result.cpuMs });
    say(line);
    return true;
  };
  const reportFile = join(work, 'report.json');
  /** A seedfeed run; with `report`, it writes its report (which costs a write: the no-op goes without). */
  const seedfeed = (config, outDir, statePath, report = false) => {
    rmSync(reportFile, { force: true });
    return measure(process.execPath, [options.cli, 'build', '--quiet', '--seeds', corpus.seedsDir, '--out', outDir, '--state', statePath, '--config', config, ...(report ? ['--report', reportFile] : [])]);
  };
  /** How the last run went about it (`run` of its report: no-op, patch or full), each kind seen once. */
  const noteRun = (key) => {
    let run = 'unknown';
    try {
      run = JSON.parse(readFileSync(reportFile, 'utf8')).run ?? run;
    } catch {
      // A run that failed wrote no report.
    }
    const seen = (notes.runs[key] ??= []);
    if (!seen.includes(run)) seen.push(run);
  };
  const noteWritten = (key, before) => {
    const n = filesWritten(before, snapshot([out, stateDir]));
    notes.filesWritten[key] = Math.max(notes.filesWritten[key] ?? 0, n);
  };

  const groups = {
    seedfeed() {
      rmSync(out, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
      if (!record('full', seedfeed(configFile, out, state), 'seedfeed full build')) return;
      notes.items.seedfeed ??= countMatches(join(out, 'feed.xml'), /<item>/g);
      notes.output.seedfeed ??= outputSize(out);
      let before = snapshot([out, stateDir]);
      if (!record('noop', seedfeed(configFile, out, state), 'seedfeed no-op rebuild')) return;
      noteWritten('noop', before);
      writeChangedSeed(corpus, samples.changed.length + 1);
      before = snapshot([out, stateDir]);
      const changedWorked = record('changed', seedfeed(configFile, out, state, true), 'seedfeed rebuild after one changed seed');
      noteWritten('changed', before);
      noteRun('changed');
      if (!changedWorked) return restoreCorpus(corpus.dir, size);
      addSeed(corpus, samples.added.length);
      before = snapshot([out, stateDir]);
      record('added', seedfeed(configFile, out, state, true), 'seedfeed rebuild after one added seed');
      noteWritten('added', before);
      noteRun('added');
      restoreCorpus(corpus.dir, size);
    },
    archives() {
      if (!configs.archives || !options.archives) return;
      const archiveOut = join(work, 'out-archives');
      const archiveState = join(work, 'state-archives');
      rmSync(archiveOut, { recursive: true, force: true });
      rmSync(archiveState, { recursive: true, force: true });
      record('archives', seedfeed(archiveConfigFile, archiveOut, join(archiveState, 'publish-log.json')), 'seedfeed full build with archives');
    },
    hugo() {
      if (!tools.hugo) return;
      const publicDir = join(work, 'hugo-public');
      rmSync(publicDir, { recursive: true, force: true });
      record('hugo', measure('hugo', ['--quiet', '--source', corpus.hugoDir, '--destination', publicDir, '--cacheDir', join(work, 'hugo-cache')]), 'hugo');
      notes.items.hugo ??= countMatches(join(publicDir, 'index.xml'), /<item>/g);
    },
    hugoSite() {
      if (!tools.hugo || !options.hugoSite) return;
      const publicDir = join(work, 'hugo-site-public');
      rmSync(publicDir, { recursive: true, force: true });
      const args = ['--quiet', '--source', corpus.hugoDir, '--config', join(corpus.hugoDir, 'site.toml'), '--destination', publicDir, '--cacheDir', join(work, 'hugo-cache')];
      if (record('hugoSite', measure('hugo', args), 'hugo, the same site')) notes.output.hugoSite ??= outputSize(publicDir);
    },
    floors() {
      if (tools.cFloor) record('floorReadC', measure(tools.cFloor, [corpus.seedsDir]), 'C read floor');
      record('floorRead', measure(process.execPath, [join(HERE, 'floors', 'read.mjs'), corpus.seedsDir]), 'Node read floor');
      record('floorStat', measure(process.execPath, [join(HERE, 'floors', 'stat.mjs'), corpus.seedsDir]), 'Node stat floor');
    },
  };

  // Warm the page cache the same way for everyone before the first round.
  measure(process.execPath, [join(HERE, 'floors', 'read.mjs'), corpus.seedsDir]);
  if (tools.hugo) measure(process.execPath, [join(HERE, 'floors', 'read.mjs'), join(corpus.hugoDir, 'content')]);
  const order = Object.keys(groups);
  const loadBefore = loadavg()[0];
  for (let round = 0; round < runs; round++) {
    say(`[${size}] round ${round + 1} of ${runs}`);
    // Alternate: each round starts with a different group.
    for (let k = 0; k < order.length; k++) groups[order[(round + k) % order.length]]();
  }
  const loadAfter = loadavg()[0];
  rmSync(join(work, 'out-archives'), { recursive: true, force: true });
  rmSync(join(work, 'hugo-public'), { recursive: true, force: true });
  rmSync(join(work, 'hugo-site-public'), { recursive: true, force: true });

  const summary = {};
  for (const s of SCENARIOS) {
    const list = samples[s.key];
    if (!list.length) {
      if (failures[s.key]) summary[s.key] = { runs: 0, failed: failures[s.key] };
      continue;
    }
    const walls = list.map((x) => x.wallMs);
    summary[s.key] = {
      ...(failures[s.key] ? { failed: failures[s.key] } : {}),
      cpuMs: median(list.map((x) => x.cpuMs)),
      runs: list.length,
      wallMs: median(walls),
      minMs: Math.min(...walls),
      maxMs: Math.max(...walls),
      peakKb: median(list.map((x) => x.peakKb)),
      maxPeakKb: Math.max(...list.map((x) => x.peakKb ?? 0)) || undefined,
    };
  }
  return {
    size,
    seeds: { files: size, bytes: corpus.bytes, markdown: corpus.markdown },
    runs,
    date: new Date().toISOString(),
    load: { before: loadBefore, after: loadAfter },
    notes,
    scenarios: summary,
  };
}

function machine(tools) {
  const cpu = cpus();
  return {
    nproc: Number(commandOutput('nproc', [])) || cpu.length,
    cpu: cpu[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: commandOutput('uname', ['-srm']) ?? process.platform,
    node: process.version,
    hugo: tools.hugo,
    cc: tools.cFloor ? commandOutput('cc', ['--version'])?.split('\n')[0] : undefined,
    peak: peakMethod(),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.cli)) throw new Error(`${options.cli} not found; run "npm run build" first`);
  mkdirSync(options.corpora, { recursive: true });
  const tools = { hugo: options.hugo ? hugoVersion() : undefined, cFloor: cReadFloor(options.corpora) };
  say(`seedfeed bench: sizes ${options.sizes.join(', ')}; ${tools.hugo ? tools.hugo : 'without Hugo'}; peak memory from ${hasGnuTime() ? 'GNU time' : 'node'}`);
  const resultsJson = join(dirname(options.results), 'results.json');
  let failed = 0;
  for (const size of options.sizes) {
    const result = await benchSize(size, options, tools);
    failed += Object.values(result.scenarios).filter((s) => s.failed).length;
    let all = {};
    try {
      all = JSON.parse(readFileSync(resultsJson, 'utf8'));
    } catch {
      all = {};
    }
    all.machine = machine(tools);
    all.sizes = { ...all.sizes, [size]: result };
    mkdirSync(dirname(resultsJson), { recursive: true });
    writeFileSync(resultsJson, JSON.stringify(all, null, 2) + '\n');
    updateResultsFile(options.results, all);
    say(`[${size}] done; results in ${options.results}`);
  }
  if (failed) {
    say(`bench: ${failed} measurement(s) had a failed run; the table says which`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exitCode = 1;
});
