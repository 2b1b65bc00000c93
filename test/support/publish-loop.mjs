// Runs seedfeed's publish() in a loop, changing the seeds before every run,
// until it is killed. Started by test/kill.test.ts with an IPC channel:
//
//   node publish-loop.mjs <compiled seedfeed dir> <seeds> <out> <publish log> <config>
//
// It sends {type: 'ready'} once seedfeed is loaded, waits for any message
// (go), then loops. Before each run it rewrites one seed (so every run has
// something to write), adds a new seed every third run and deletes the oldest
// added seed when more than MAX_ADDED are left (so ids are created and
// removed while it is killed; every sixth run only removes the oldest one,
// a patch run that deletes a page), and every fourth run rewrites BULK seeds, so
// that more files change than are staged on the calling thread and the
// staging workers are killed too. Seeds are replaced by rename, so a kill never
// leaves a half-written seed, and dated an hour back, as seeds a cron run
// finds have settled: so runs stamp what they built, and a run whose only
// changes are seeds edited, added and removed is a patch (src/patch.ts);
// the running story changes its sharer (which moves it) every fifth run
// only. After each run it sends
// {type: 'run', exitCode, run, written, timings, leftovers}, where leftovers are
// the temporary files still present beside the outputs and the log: a run
// that completed must have removed those of the runs killed before it.

import { mkdirSync, readdirSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, seedsDir, outDir, statePath, configPath] = process.argv.slice(2);
const { publish } = await import(pathToFileURL(join(distDir, 'publish.js')).href);
const { loadConfig } = await import(pathToFileURL(join(distDir, 'config.js')).href);
const { TEMP_MARK } = await import(pathToFileURL(join(distDir, 'write.js')).href);
const { cachesBeside } = await import(pathToFileURL(join(distDir, 'cache.js')).href);
const { journalPathFor } = await import(pathToFileURL(join(distDir, 'fastpath.js')).href);

const MAX_ADDED = 8;
/** Seeds rewritten together: with their pages and feeds, more files than `STAGED_BEFORE_WORKERS` (stage-pool.ts). */
const BULK = 40;
const SHARERS = ['Emma Jilavian', 'Aram Petrosyan', 'Lena Hakobyan', 'Davit Sargsyan'];
const config = loadConfig(configPath);

function send(message) {
  return new Promise((resolve) => process.send(message, resolve));
}

function replaceSeed(name, text) {
  const temp = join(seedsDir, `.${name}.writing-${process.pid}`);
  writeFileSync(temp, text);
  const settled = new Date(Date.now() - 3_600_000);
  utimesSync(temp, settled, settled);
  renameSync(temp, join(seedsDir, name));
}

function story(title, body, sharer) {
  return `Categories: corpus\nDate: 2023-06-01T10:00:00Z\n\nAsbarez: ${title}\n\nA standfirst that does not change\n\n${body}\n\n${sharer}:\n`;
}

function changeSeeds(run) {
  const token = `${process.pid}-${run}`;
  const added = () => readdirSync(seedsDir).filter((n) => n.startsWith('added-')).sort();
  if (run % 6 === 5 && added().length) {
    // Only a removal: a patch run that deletes a page.
    unlinkSync(join(seedsDir, added()[0]));
    return;
  }
  if (run % 4 === 0) {
    for (let k = 0; k < BULK; k++) replaceSeed(`bulk-${String(k).padStart(2, '0')}.txt`, story(`Bulk story number ${k}`, `Bulk revision ${token} of story ${k}.`, SHARERS[k % SHARERS.length]));
  }
  replaceSeed('revision.txt', story('The story that is revised on every run', `This is revision ${token} of the running story. It keeps its id whatever the text says.`, SHARERS[Math.floor(run / 5) % SHARERS.length]));
  if (run % 3 === 0) {
    // Named by the time, so that the name order is the age order across processes.
    replaceSeed(`added-${Date.now()}-${token}.txt`, story(`A story added by run ${token}`, `Added while the publisher was being killed, by run ${token}.`, SHARERS[0]));
    const listed = added();
    for (const old of listed.slice(0, Math.max(0, listed.length - MAX_ADDED))) unlinkSync(join(seedsDir, old));
  }
}

function leftovers() {
  const found = [];
  const walk = (dir, prefix) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}/`);
      else if (e.name.includes(TEMP_MARK)) found.push(`${prefix}${e.name}`);
    }
  };
  walk(outDir, 'out/');
  // Beside the log only the log, its journal and its caches belong once a run is over: no lock, no temporary or candidate file.
  const belongs = [statePath, journalPathFor(statePath), ...cachesBeside(statePath)].map((p) => basename(p));
  for (const name of readdirSync(dirname(statePath))) if (!belongs.includes(name)) found.push(`state/${name}`);
  return found;
}

mkdirSync(dirname(statePath), { recursive: true });
await send({ type: 'ready' });
await new Promise((resolve) => process.once('message', resolve));
// Seed rewrites of killed processes, never renamed into place (dotfiles: not seeds, but clutter).
for (const name of readdirSync(seedsDir)) if (/^\..*\.writing-\d+$/.test(name)) unlinkSync(join(seedsDir, name));
for (let run = 0; ; run++) {
  changeSeeds(run);
  let message;
  try {
    const report = await publish({ seedsDir, outDir, statePath, config });
    message = { type: 'run', exitCode: report.exitCode, run: report.run, written: report.written.length, timings: report.timings, leftovers: leftovers() };
  } catch (e) {
    message = { type: 'run', exitCode: e.exitCode ?? 70, error: String(e.stack ?? e), leftovers: leftovers() };
  }
  await send(message);
}
