/**
 * Issue 4, class 8: only regular files inside the seeds folder are read.
 * FIFOs, sockets, devices, folders named like seeds and links leading
 * outside are skipped with a diagnostic; a file that vanishes or is swapped
 * between listing and reading is a diagnostic, never a crash or a hang.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { EXIT, OutputError, error, formatDiagnostic } from '../src/diagnostics.js';
import { listSeeds } from '../src/fastpath.js';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { discoverSeeds, readSeed, type SeedFile } from '../src/discover.js';
import { NOW, REPO, tempDir, testConfig } from './helpers.js';
import { child, children, parseXml } from './xml.js';

const GOOD = join(REPO, 'test', 'fixtures', 'hostile', 'good');
const GOOD_TITLES = ['Saturday Market Moves to the Old Square', 'Stone Bridge Reopens After Winter Repairs', 'Youth Choir Sets Out on a Five-City Tour'];
const EXTRA = 'Valley Herald: Footbridge Painted Green\n\nThe footbridge was painted over the weekend.\n';

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

describe('a seeds folder holding every kind of file that is not a seed', () => {
  let seeds: string;
  let server: Server;

  beforeAll(async () => {
    const root = tempDir();
    seeds = join(root, 'seeds');
    cpSync(GOOD, seeds, { recursive: true });
    // Outside the folder: a seed that must not be read through a link.
    writeFileSync(join(root, 'secret.txt'), 'Valley Herald: Outside the Folder\n\nThis must never be published.\n');
    symlinkSync(join(root, 'secret.txt'), join(seeds, 'outside.txt'));
    symlinkSync('/dev/zero', join(seeds, 'zero.txt'));
    symlinkSync(join(seeds, 'no-such-file.txt'), join(seeds, 'broken.txt'));
    mkfifo(join(seeds, 'pipe.txt'));
    server = await listen(join(seeds, 'socket.txt'));
    mkdirSync(join(seeds, 'folder.txt'));
    writeFileSync(join(seeds, 'folder.txt', 'inside.txt'), 'Valley Herald: Inside a Folder Named Like a Seed\n\nNot read.\n');
    // A link inside the folder to a seed inside it (in a dot-folder, which is not read itself) is followed.
    mkdirSync(join(seeds, '.drafts'));
    writeFileSync(join(seeds, '.drafts', 'footbridge.txt'), EXTRA);
    symlinkSync(join(seeds, '.drafts', 'footbridge.txt'), join(seeds, 'footbridge.txt'));
    // A link to a folder, outside or inside, is not followed; a link to some other file is no seed, as the file is not.
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'far.txt'), EXTRA);
    symlinkSync(elsewhere, join(seeds, 'linked-folder'));
    symlinkSync(join(seeds, '.drafts'), join(seeds, 'drafts'));
    writeFileSync(join(elsewhere, 'notes.pdf'), 'not a seed');
    symlinkSync(join(elsewhere, 'notes.pdf'), join(seeds, 'notes.pdf'));
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('skips each with a warning, without hanging on the FIFO, and publishes the rest in all three feeds', { timeout: 20_000 }, () => {
    const result = build({ seedsDir: seeds, config: testConfig(), now: NOW, displayRoot: 'seeds' });
    expect(result.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}`)).toEqual([
      'seeds/broken.txt:0 warning not-regular-file',
      'seeds/drafts:0 warning not-regular-file',
      'seeds/folder.txt:0 warning not-regular-file',
      'seeds/linked-folder:0 warning not-regular-file',
      'seeds/outside.txt:0 warning not-regular-file',
      'seeds/pipe.txt:0 warning not-regular-file',
      'seeds/socket.txt:0 warning not-regular-file',
      'seeds/zero.txt:0 warning not-regular-file',
    ]);
    const why = Object.fromEntries(result.diagnostics.map((d) => [d.file, d.message]));
    expect(why['seeds/pipe.txt']).toBe('not a regular file (a FIFO); skipped');
    expect(why['seeds/socket.txt']).toBe('not a regular file (a socket); skipped');
    expect(why['seeds/zero.txt']).toBe('a symbolic link that leads outside the seeds folder; skipped');
    expect(why['seeds/outside.txt']).toBe('a symbolic link that leads outside the seeds folder; skipped');
    expect(why['seeds/broken.txt']).toBe('a broken symbolic link; skipped');
    expect(why['seeds/folder.txt']).toMatch(/^a folder named like a seed file; skipped/);
    for (const link of ['seeds/drafts', 'seeds/linked-folder']) expect(why[link], link).toBe('a symbolic link to a folder; not followed, so no seed in it is read');

    const expected = [...GOOD_TITLES, 'Footbridge Painted Green'].sort();
    const out = (path: string) => result.outputs.find((o) => o.path === path)!.text;
    const rss = children(child(parseXml(out('feed.xml')), 'channel')!, 'item').map((i) => child(i, 'title')!.text);
    const atom = children(parseXml(out('atom.xml')), 'entry').map((e) => child(e, 'title')!.text);
    const json = (JSON.parse(out('feed.json')) as { items: { title: string }[] }).items.map((i) => i.title);
    expect({ rss: rss.sort(), atom: atom.sort(), json: json.sort() }).toEqual({ rss: expected, atom: expected, json: expected });
  });
});

describe('reading a seed that changed after it was listed', () => {
  function listed(files: Record<string, string>): { dir: string; seed: (name: string) => SeedFile } {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const found = discoverSeeds(dir);
    return { dir, seed: (name) => found.seeds.find((s) => s.file === name)! };
  }

  it('reports a file removed between listing and reading', () => {
    const { dir, seed } = listed({ 'gone.txt': EXTRA });
    const gone = seed('gone.txt');
    rmSync(join(dir, 'gone.txt'));
    const read = readSeed(gone, 'seeds/gone.txt', 1_000_000);
    expect(read).toEqual({
      diagnostic: {
        file: 'seeds/gone.txt',
        line: 0,
        column: 0,
        severity: 'error',
        rule: 'unreadable',
        message: 'the file disappeared between listing and reading; it is not published this run. Run again if it was moved',
      },
    });
  });

  it('refuses a file swapped for another (here, a link to a file outside) after listing', () => {
    const { dir, seed } = listed({ 'swapped.txt': EXTRA });
    const before = seed('swapped.txt');
    const outside = join(tempDir(), 'secret.txt');
    writeFileSync(outside, 'Valley Herald: Outside\n\nNot to be read.\n');
    const link = join(dir, '.swap');
    symlinkSync(outside, link);
    renameSync(link, join(dir, 'swapped.txt'));
    const read = readSeed(before, 'seeds/swapped.txt', 1_000_000);
    expect('diagnostic' in read && [read.diagnostic.severity, read.diagnostic.rule]).toEqual(['error', 'seed-replaced']);
  });

  it('does not read a seed replaced by rename after listing, nor one whose folder was swapped for a link: the run is to fail', () => {
    const { dir, seed } = listed({ 'replaced.txt': EXTRA, 'sub/a.txt': EXTRA });
    const before = seed('replaced.txt');
    writeFileSync(join(dir, '.replaced.txt.new'), EXTRA.replace('\n\n', '\n\nA new first paragraph.\n\n'));
    renameSync(join(dir, '.replaced.txt.new'), join(dir, 'replaced.txt'));
    const read = readSeed(before, 'seeds/replaced.txt', 1_000_000);
    expect('diagnostic' in read && [read.diagnostic.severity, read.diagnostic.rule]).toEqual(['error', 'seed-replaced']);
    // A folder above the seed swapped for a link to a folder elsewhere, with a file of that name in it.
    const inner = seed('sub/a.txt');
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'a.txt'), 'Valley Herald: Outside\n\nNot to be read.\n');
    renameSync(join(dir, 'sub'), join(dir, '.sub-old'));
    symlinkSync(elsewhere, join(dir, 'sub'));
    const swapped = readSeed(inner, 'seeds/sub/a.txt', 1_000_000);
    expect('diagnostic' in swapped && swapped.diagnostic.rule).toBe('seed-replaced');
  });

  it('fails a build that would publish without a seed replaced after listing: nothing is built, the next run reads it', () => {
    const { dir } = listed({ 'replaced.txt': EXTRA, 'other.txt': EXTRA.replace('Valley Herald: ', 'Valley Herald: Another ') });
    const listing = listSeeds(dir);
    writeFileSync(join(dir, '.replaced.txt.new'), EXTRA);
    renameSync(join(dir, '.replaced.txt.new'), join(dir, 'replaced.txt'));
    expect(() => build({ seedsDir: dir, config: testConfig(), now: NOW, listing })).toThrow(OutputError);
    expect(() => build({ seedsDir: dir, config: testConfig(), now: NOW, listing })).toThrow(/replaced\.txt: replaced while this run was reading the seeds; nothing was written, run again/);
    expect(build({ seedsDir: dir, config: testConfig(), now: NOW }).items).toHaveLength(2);
  });

  it('does not wait on a file swapped for a FIFO after listing', { timeout: 20_000 }, () => {
    const { dir, seed } = listed({ 'pipe.txt': EXTRA });
    const before = seed('pipe.txt');
    rmSync(join(dir, 'pipe.txt'));
    mkfifo(join(dir, 'pipe.txt'));
    const read = readSeed(before, 'seeds/pipe.txt', 1_000_000);
    expect('diagnostic' in read && read.diagnostic).toMatchObject({ severity: 'warning', rule: 'not-regular-file', message: 'not a regular file (a FIFO); skipped' });
  });

  it('reads a file that is still there', () => {
    const { seed } = listed({ 'here.txt': EXTRA });
    const read = readSeed(seed('here.txt'), 'seeds/here.txt', 1_000_000);
    expect('bytes' in read && read.bytes.toString('utf8')).toBe(EXTRA);
  });

  it('refuses a file that grew past the limit after listing, naming the limit', () => {
    const { dir, seed } = listed({ 'grows.txt': EXTRA });
    const before = seed('grows.txt');
    writeFileSync(join(dir, 'grows.txt'), EXTRA.repeat(100));
    const read = readSeed(before, 'seeds/grows.txt', 1000);
    expect('diagnostic' in read && read.diagnostic).toMatchObject({ severity: 'error', rule: 'seed-too-large', message: `the seed is ${EXTRA.length * 100} bytes; the limit is 1000 (config maxSeedBytes)` });
  });
});

describe('file descriptors', () => {
  it.runIf(existsSync('/proc/self/fd'))('are all closed again after reading many seeds', () => {
    const dir = tempDir();
    for (let i = 0; i < 400; i++) writeFileSync(join(dir, `seed-${String(i).padStart(3, '0')}.txt`), `Valley Herald: Story Number ${i}\n\nBody of story ${i}.\n`);
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    const result = build({ seedsDir: dir, config: testConfig(), now: NOW });
    expect(result.items).toHaveLength(400);
    expect(open()).toBe(before);
  });
});

describe('file names that are not text, or hold line breaks', () => {
  it('reports a seed whose name is not UTF-8 instead of dropping it silently; the next run is a no-op', async () => {
    const { publish } = await import('../src/publish.js');
    const root = tempDir();
    const seeds = join(root, 'seeds');
    cpSync(GOOD, seeds, { recursive: true });
    // "bad\xffname.txt": a byte that is no UTF-8, as a name copied from an old system may hold.
    const badName = Buffer.concat([Buffer.from(`${seeds}/bad`), Buffer.from([0xff]), Buffer.from('name.txt')]);
    writeFileSync(badName, EXTRA);
    const past = new Date(Date.now() - 60_000);
    for (const name of readdirSync(seeds)) if (!name.includes('\uFFFD')) utimesSync(join(seeds, name), past, past);
    utimesSync(badName, past, past);
    const run = () => publish({ seedsDir: seeds, outDir: join(root, 'out'), statePath: join(root, 'state', 'log.json'), config: testConfig(), now: NOW });
    const first = await run();
    const reported = [`${seeds}/bad\uFFFDname.txt:0 error unreadable-name: a name that is not UTF-8 (shown with \uFFFD); skipped, with what it holds, which is not published. Rename it`];
    expect(first.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}: ${d.message}`)).toEqual(reported);
    // An error, as for a folder that cannot be listed: cron mails it, even with --quiet (exit 1); the others publish.
    expect(first.exitCode).toBe(EXIT.rejected);
    expect(first.counts.published).toBe(GOOD_TITLES.length);
    // The same listing, with the same problem, is a no-op that says it again, with the same exit code.
    const second = await run();
    expect(second.run).toBe('no-op');
    expect(second.counts.written).toBe(0);
    expect(second.exitCode).toBe(EXIT.rejected);
    expect(second.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}: ${d.message}`)).toEqual(reported);
    // A file that is no seed anyway (a picture), its name not UTF-8 either: a warning, and the runs go on with exit 0.
    rmSync(badName);
    writeFileSync(Buffer.concat([Buffer.from(`${seeds}/photo-caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]), 'not a seed');
    const third = await run();
    expect(third.diagnostics.map((d) => `${d.severity} ${d.rule}: ${d.message}`)).toEqual(['warning unreadable-name: a name that is not UTF-8 (shown with \uFFFD); skipped. Rename it']);
    expect(third.exitCode).toBe(EXIT.ok);
  });

  it('writes each diagnostic on one line, whatever the file name holds', () => {
    const forged = 'x.txt:1:1 warning ok\nFORGED: everything is fine [rule]\ny.txt';
    const line = formatDiagnostic(error('date-invalid', `seeds/${forged}`, 2, `date "${'9'.repeat(5000)}" is not a date`));
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe(`seeds/x.txt:1:1 warning ok\\nFORGED: everything is fine [rule]\\ny.txt:2:1 error date "${'9'.repeat(994)}… (4021 more characters) [date-invalid]`);
  });
});
