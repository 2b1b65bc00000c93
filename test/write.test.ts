import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './helpers.js';
import { snapshot, touched } from './support/cli.js';
import {
  changedFiles,
  flushStaged,
  foldersByDevice,
  isTempFileName,
  removeStaleTempFiles,
  removeStaleTempFilesOf,
  Staging,
  syncFileSystems,
  syncfsMakesDurable,
  type SyncfsSystem,
  writeFileAtomically,
  beginFileAtomically,
  writeFilesAtomically,
  TEMP_MARK,
  type FileToWrite,
} from '../src/write.js';
import { StagePool } from '../src/stage-pool.js';
import { checkJsonFeed, checkOutputText, checkXml } from '../src/readback.js';
import { EXIT, OutputError } from '../src/diagnostics.js';

const RSS = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title></channel></rss>\n';
const JSON_FEED = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items: [] }) + '\n';

function feedFiles(title = 'T'): FileToWrite[] {
  return [
    { path: 'articles/a.html', kind: 'html', text: `<!doctype html><html><body>${title}</body></html>\n` },
    { path: 'feed.xml', kind: 'xml', text: RSS.replace('<title>T</title>', `<title>${title}</title>`) },
    { path: 'feed.json', kind: 'json', text: JSON_FEED.replace('"T"', JSON.stringify(title)) },
  ];
}

function ageAll(dir: string): void {
  const old = new Date('2001-02-03T04:05:06Z');
  for (const p of snapshot(dir).keys()) utimesSync(join(dir, p), old, old);
}

function outputError(fn: () => unknown): OutputError {
  try {
    fn();
  } catch (e) {
    return expectOutputError(e);
  }
  throw new Error('expected an OutputError');
}

async function rejectsWithOutputError(promise: Promise<unknown>): Promise<OutputError> {
  try {
    await promise;
  } catch (e) {
    return expectOutputError(e);
  }
  throw new Error('expected an OutputError');
}

function expectOutputError(e: unknown): OutputError {
  {
    expect(e).toBeInstanceOf(OutputError);
    expect((e as OutputError).exitCode).toBe(EXIT.output);
    return e as OutputError;
  }
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
afterAll(() => {
  live.kill('SIGKILL');
});

describe('writeFilesAtomically', () => {
  it('writes new files, creating folders, and leaves no temporary file', async () => {
    const dir = tempDir('seedfeed-write-');
    const result = await writeFilesAtomically(dir, feedFiles());
    expect(result).toEqual({ written: ['articles/a.html', 'feed.xml', 'feed.json'], unchanged: [] });
    for (const f of feedFiles()) expect(readFileSync(join(dir, f.path), 'utf8')).toBe(f.text);
    expect([...snapshot(dir).keys()].sort()).toEqual(['articles/a.html', 'feed.json', 'feed.xml']);
  });

  it('rewrites nothing when the bytes are the same: every file keeps its inode and mtime', async () => {
    const dir = tempDir('seedfeed-write-');
    await writeFilesAtomically(dir, feedFiles());
    ageAll(dir);
    const before = snapshot(dir);
    expect(await writeFilesAtomically(dir, feedFiles())).toEqual({ written: [], unchanged: ['articles/a.html', 'feed.xml', 'feed.json'] });
    expect(touched(before, snapshot(dir))).toEqual([]);
  });

  it('replaces only the files whose bytes changed, each by a new file renamed into place', async () => {
    const dir = tempDir('seedfeed-write-');
    await writeFilesAtomically(dir, feedFiles());
    ageAll(dir);
    const before = snapshot(dir);
    const next = feedFiles();
    next[1] = { ...next[1]!, text: next[1]!.text.replace('<title>T</title>', '<title>U</title>') };
    expect((await writeFilesAtomically(dir, next)).written).toEqual(['feed.xml']);
    const after = snapshot(dir);
    expect(touched(before, after)).toEqual(['feed.xml']);
    expect(after.get('feed.xml')!.ino).not.toBe(before.get('feed.xml')!.ino);
    expect(readFileSync(join(dir, 'feed.xml'), 'utf8')).toContain('<title>U</title>');
  });

  it('replaces nothing when one changed output fails its check, and says which', async () => {
    const dir = tempDir('seedfeed-write-');
    await writeFilesAtomically(dir, feedFiles());
    ageAll(dir);
    const before = snapshot(dir);
    const broken = feedFiles('V');
    broken[2] = { ...broken[2]!, text: '{"version": "https://jsonfeed.org/version/1.1", "title": "V", "items": [' };
    const error = await rejectsWithOutputError(writeFilesAtomically(dir, broken));
    expect(error.message).toMatch(/^nothing written, an output failed its check: feed\.json: not JSON/);
    expect(touched(before, snapshot(dir))).toEqual([]);
  });

  it('replaces nothing when a changed file cannot be put in place, and leaves no temporary file', async () => {
    const dir = tempDir('seedfeed-write-');
    await writeFilesAtomically(dir, feedFiles());
    ageAll(dir);
    const before = snapshot(dir);
    // A folder where feed.json goes: found while staging, before any rename.
    const files = feedFiles('W');
    files[2] = { ...files[2]!, path: 'feed.json.d/feed.json' };
    writeFileSync(join(dir, 'feed.json.d'), 'a file where a folder should be');
    const error = await rejectsWithOutputError(writeFilesAtomically(dir, files));
    expect(error.message).toMatch(/^nothing written: /);
    expect(touched(before, snapshot(dir))).toEqual(['feed.json.d']);
    mkdirSync(join(dir, 'feed.xml.d', 'feed.xml'), { recursive: true });
    const blocked = feedFiles('W');
    blocked[1] = { ...blocked[1]!, path: 'feed.xml.d/feed.xml' };
    expect((await rejectsWithOutputError(writeFilesAtomically(dir, blocked))).message).toContain('is a folder');
    expect(readFileSync(join(dir, 'articles/a.html'), 'utf8')).toContain('<body>T</body>');
    expect([...snapshot(dir).keys()].filter((p) => p.includes(TEMP_MARK))).toEqual([]);
  });

  it('replaces nothing when a check fails while earlier files are still being written, and leaves no temporary file', async () => {
    const dir = tempDir('seedfeed-write-');
    await writeFilesAtomically(dir, feedFiles());
    ageAll(dir);
    const before = snapshot(dir);
    // Forty pages in flight (a few at a time), then a feed that fails its check.
    const pages = Array.from({ length: 40 }, (_, i) => ({ path: `articles/p${i}.html`, kind: 'html', text: `<p>${i}</p>\n` }));
    const staging = new Staging(dir, 4);
    for (const page of pages) await staging.offer(page);
    // The check's answer may come after the offer returns: the next offer or `settle` rejects.
    const staged = (async () => {
      await staging.offer({ path: 'feed.xml', kind: 'xml', text: '<rss><channel>' });
      await staging.settle();
    })();
    await expect(staged).rejects.toThrow(/failed its check: feed\.xml/);
    await staging.abort();
    expect(touched(before, snapshot(dir))).toEqual([]);
    expect([...snapshot(dir).keys()].sort()).toEqual(['articles/a.html', 'feed.json', 'feed.xml']);
  });

  it('puts every staged file in place whole, however few are written at a time', async () => {
    const dir = tempDir('seedfeed-write-');
    const pages = Array.from({ length: 50 }, (_, i) => ({ path: `articles/p${i}.html`, kind: 'html', text: `<p>${'x'.repeat(i * 997)}</p>\n` }));
    const staging = new Staging(dir, 3);
    for (const page of pages) await staging.offer(page);
    await staging.settle();
    expect(staging.commit().written).toEqual(pages.map((p) => p.path));
    for (const page of pages) expect(readFileSync(join(dir, page.path), 'utf8')).toBe(page.text);
    expect(readdirSync(join(dir, 'articles')).filter(isTempFileName)).toEqual([]);
  });

  it('writes a file whose name is as long as the file system allows (the temporary name is kept short)', async () => {
    const dir = tempDir('seedfeed-write-');
    const name = `${'文'.repeat(80)}.html`; // 245 bytes of UTF-8
    expect(Buffer.byteLength(name)).toBe(245);
    await writeFilesAtomically(dir, [{ path: `articles/${name}`, kind: 'html', text: '<html></html>\n' }]);
    expect(readdirSync(join(dir, 'articles'))).toEqual([name]);
  });
});

describe('flushing what was staged', () => {
  const pages = Array.from({ length: 6 }, (_, i) => ({ path: `articles/p${i}.html`, kind: 'html', text: `<p>page ${i}</p>\n` }));

  it('flushes together, before any is put in place, the staged files not fsynced one by one', async () => {
    const dir = tempDir('seedfeed-write-');
    // p3 is on disk as it is offered: unchanged, so neither staged nor flushed.
    writeTree(dir, { [pages[3]!.path]: pages[3]!.text });
    const flushes: { temps: string[]; texts: string[]; inPlace: string[] }[] = [];
    const flush = (temps: readonly string[]) =>
      flushes.push({ temps: [...temps], texts: temps.map((t) => readFileSync(t, 'utf8')), inPlace: readdirSync(join(dir, 'articles')).filter((n) => !isTempFileName(n)) });
    const staging = new Staging(dir, 4, new StagePool(), { syncedOneByOne: 2, canDefer: () => true, flush });
    for (const page of pages) await staging.offer(page);
    await staging.settle();
    // The first two were fsynced as they were written; p2, p4 and p5 are flushed at once, whole, and none is in place yet.
    expect(flushes).toHaveLength(1);
    expect(flushes[0]!.temps.map((t) => basename(t).slice(0, basename(t).indexOf(TEMP_MARK)))).toEqual(['.p2.html', '.p4.html', '.p5.html']);
    expect(flushes[0]!.texts).toEqual([pages[2]!.text, pages[4]!.text, pages[5]!.text]);
    expect(flushes[0]!.inPlace).toEqual(['p3.html']);
    expect(staging.commit().written).toEqual(['articles/p0.html', 'articles/p1.html', 'articles/p2.html', 'articles/p4.html', 'articles/p5.html']);
    for (const page of pages) expect(readFileSync(join(dir, page.path), 'utf8')).toBe(page.text);
  });

  it('asks for no flush when every staged file was fsynced one by one', async () => {
    const dir = tempDir('seedfeed-write-');
    let flushes = 0;
    const staging = new Staging(dir, 4, new StagePool(), { syncedOneByOne: pages.length, canDefer: () => true, flush: () => flushes++ });
    for (const page of pages) await staging.offer(page);
    await staging.settle();
    expect(flushes).toBe(0);
    expect(staging.commit().written).toHaveLength(pages.length);
  });

  it('replaces nothing when the flush fails, and leaves no temporary file', async () => {
    const dir = tempDir('seedfeed-write-');
    await writeFilesAtomically(dir, feedFiles());
    ageAll(dir);
    const before = snapshot(dir);
    const staging = new Staging(dir, 4, new StagePool(), {
      syncedOneByOne: 1,
      canDefer: () => true,
      flush: () => {
        throw new Error('EIO: i/o error, fsync');
      },
    });
    const staged = (async () => {
      for (const file of [...feedFiles('changed'), ...pages]) await staging.offer(file);
      await staging.settle();
    })();
    const error = await rejectsWithOutputError(staged);
    expect(error.message).toBe('nothing written, the staged files could not be flushed to disk: EIO: i/o error, fsync');
    // Nothing unflushed can be put in place.
    expect(() => staging.commit()).toThrow(/after settle/);
    await staging.abort();
    expect(touched(before, snapshot(dir))).toEqual([]);
    expect([...snapshot(dir).keys()].sort()).toEqual(['articles/a.html', 'feed.json', 'feed.xml']);
  });

  it('leaves to the flush only the files of folders where one syncfs makes them durable', async () => {
    const dir = tempDir('seedfeed-write-');
    const files = ['local/one.html', 'remote/two.html', 'local/three.html', 'remote/four.html'].map((path) => ({ path, kind: 'html', text: `<p>${path}</p>\n` }));
    const flushed: string[] = [];
    const asked: string[] = [];
    const durability = {
      syncedOneByOne: 0,
      canDefer: (folder: string) => (asked.push(basename(folder)), basename(folder) === 'local'),
      flush: (temps: readonly string[]) => void flushed.push(...temps.map((t) => basename(t).slice(0, basename(t).indexOf(TEMP_MARK)))),
    };
    const staging = new Staging(dir, 4, new StagePool(), durability);
    for (const file of files) await staging.offer(file);
    await staging.settle();
    // The files in "remote" were fsynced as they were written; each folder was asked about once.
    expect(flushed).toEqual(['.one.html', '.three.html']);
    expect(asked).toEqual(['local', 'remote']);
    expect(staging.commit().written).toHaveLength(4);
  });

  it('can leave files to one syncfs only on Linux 5.8 or later, with GNU coreutils, on a local file system', () => {
    const system = (changes: Partial<SyncfsSystem> = {}): SyncfsSystem => ({
      platform: 'linux',
      release: '6.1.0-18-amd64',
      syncVersion: () => 'sync (GNU coreutils) 9.1\n',
      fileSystemType: () => 0xef53,
      ...changes,
    });
    expect(syncfsMakesDurable('/out', system())).toBe(true);
    expect(syncfsMakesDurable('/out', system({ release: '5.8.0' }))).toBe(true);
    expect(syncfsMakesDurable('/out', system({ fileSystemType: () => 0x58465342 }))).toBe(true);
    // Before 5.8 syncfs does not report a failed write-back.
    expect(syncfsMakesDurable('/out', system({ release: '5.7.19' }))).toBe(false);
    expect(syncfsMakesDurable('/out', system({ release: '4.19.0-26-amd64' }))).toBe(false);
    expect(syncfsMakesDurable('/out', system({ platform: 'darwin', release: '23.1.0' }))).toBe(false);
    // BusyBox's sync -f ignores what syncfs returns; no sync at all.
    expect(syncfsMakesDurable('/out', system({ syncVersion: () => 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n' }))).toBe(false);
    expect(syncfsMakesDurable('/out', system({ syncVersion: () => undefined }))).toBe(false);
    // NFS, CIFS, FUSE: syncfs may not make the server commit.
    for (const type of [0x6969, 0xff534d42, 0x65735546]) expect(syncfsMakesDurable('/out', system({ fileSystemType: () => type }))).toBe(false);
    expect(
      syncfsMakesDurable(
        '/out',
        system({
          fileSystemType: () => {
            throw new Error('ENOENT');
          },
        }),
      ),
    ).toBe(false);
  });

  it('syncs each file system once, and fsyncs each file where that cannot be done', () => {
    const dir = tempDir('seedfeed-write-');
    writeTree(dir, { 'a/one': '1', 'a/two': '2', 'b/three': '3' });
    const temps = ['a/one', 'a/two', 'b/three'].map((p) => join(dir, p));
    const asked: (readonly string[])[] = [];
    flushStaged(temps, (folders) => asked.push(folders) > 0);
    // One folder for the one file system the three files are on.
    expect(asked).toEqual([[join(dir, 'a')]]);
    // Without syncfs every file is fsynced: one that is gone fails the flush, naming it.
    expect(() => flushStaged(temps, () => false)).not.toThrow();
    const gone = join(dir, 'b', 'gone');
    expect(() => flushStaged([...temps, gone], () => false)).toThrow(gone);
    // With syncfs no file is opened.
    expect(() => flushStaged([...temps, gone], () => true)).not.toThrow();
  });

  it('finds one folder per file system, keeping folders it cannot stat', () => {
    const dir = tempDir('seedfeed-write-');
    writeTree(dir, { 'a/x': '', 'b/y': '' });
    const [a, b, missing] = [join(dir, 'a'), join(dir, 'b'), join(dir, 'missing')];
    // /proc is a file system of its own on Linux.
    expect(foldersByDevice([a, b, a, '/proc', missing, '/proc/self'])).toEqual([a, '/proc', missing]);
  });

  it('syncs file systems with `sync -f`, and says when it could not (this machine: Debian, GNU coreutils)', () => {
    const dir = tempDir('seedfeed-write-');
    expect(syncFileSystems([dir])).toBe(true);
    expect(syncFileSystems([join(dir, 'missing')])).toBe(false);
  });
});

describe('writeFileAtomically', () => {
  it('replaces one file whole, creating its folder', () => {
    const dir = tempDir('seedfeed-write-');
    const target = join(dir, 'state', 'publish-log.json');
    writeFileAtomically(target, '{"version":1}\n');
    const first = statSync(target).ino;
    writeFileAtomically(target, '{"version":1,"entries":[]}\n');
    expect(readFileSync(target, 'utf8')).toBe('{"version":1,"entries":[]}\n');
    expect(statSync(target).ino).not.toBe(first);
    expect(readdirSync(join(dir, 'state'))).toEqual(['publish-log.json']);
  });

  it('writes a text given in pieces as it comes, across the batches it encodes, whole', () => {
    const dir = tempDir('seedfeed-write-');
    const target = join(dir, 'state', 'log.json.cache');
    // 3,000 lines of ~1,000 characters, Armenian and emoji among them: three batches of a million characters and more.
    const lines = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"t":"${'Ա😀x'.repeat(250)}"}\n`);
    let pulled = 0;
    writeFileAtomically(target, (function* () {
      for (const line of lines) {
        pulled++;
        yield line;
      }
    })());
    expect(pulled).toBe(3000);
    expect(readFileSync(target, 'utf8')).toBe(lines.join(''));
  });

  it('leaves the old file when the pieces fail part way, and no temporary file', () => {
    const dir = tempDir('seedfeed-write-');
    const target = join(dir, 'log.json.cache');
    writeFileAtomically(target, 'the old cache\n');
    const error = outputError(() =>
      writeFileAtomically(target, (function* () {
        for (let i = 0; i < 5000; i++) yield `${'x'.repeat(999)}\n`;
        throw new Error('a record that cannot be serialized');
      })()),
    );
    expect(error.message).toContain('a record that cannot be serialized');
    expect(readFileSync(target, 'utf8')).toBe('the old cache\n');
    expect(readdirSync(dir)).toEqual(['log.json.cache']);
  });

  it('removes the temporary files of this target left by dead processes, not those of live ones or of other files', () => {
    const dir = tempDir('seedfeed-write-');
    const target = join(dir, 'publish-log.json');
    const dead = join(dir, `.publish-log.json${TEMP_MARK}${deadPid()}-0badc0de`);
    const alive = join(dir, `.publish-log.json${TEMP_MARK}${live.pid}-0badc0de`);
    const other = join(dir, `.report.json${TEMP_MARK}${deadPid()}-0badc0de`);
    for (const p of [dead, alive, other]) writeFileSync(p, '{');
    writeFileAtomically(target, '{}\n');
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });

  it('fails with an OutputError naming the file, and leaves the old one', () => {
    const dir = tempDir('seedfeed-write-');
    mkdirSync(join(dir, 'report.json'));
    const error = outputError(() => writeFileAtomically(join(dir, 'report.json'), '{}\n'));
    expect(error.message).toContain(join(dir, 'report.json'));
    expect(statSync(join(dir, 'report.json')).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});

describe('beginFileAtomically', () => {
  it('writes the beginning now and the rest when finished, with patches over bytes written before; the old file stays until then', () => {
    const dir = tempDir('seedfeed-write-');
    const target = join(dir, 'log.json.cache');
    writeFileAtomically(target, 'the old cache\n');
    const begun = beginFileAtomically(target, (function* () {
      yield '{"lines":   0}\n';
      for (let i = 0; i < 3; i++) yield `line ${i} “é”\n`;
    })());
    expect(readFileSync(target, 'utf8')).toBe('the old cache\n');
    expect(readdirSync(dir)).toHaveLength(2);
    // The count's four characters, from the tenth byte on.
    begun.finish(['the rest\n'], [{ at: 9, bytes: Buffer.from('   4') }]);
    expect(readFileSync(target, 'utf8')).toBe('{"lines":   4}\nline 0 “é”\nline 1 “é”\nline 2 “é”\nthe rest\n');
    expect(JSON.parse(readFileSync(target, 'utf8').split('\n')[0]!)).toEqual({ lines: 4 });
    expect(readdirSync(dir)).toEqual(['log.json.cache']);
  });

  it('leaves the old file and no temporary file when abandoned, and cannot be finished after', () => {
    const dir = tempDir('seedfeed-write-');
    const target = join(dir, 'log.json.cache');
    writeFileAtomically(target, 'the old cache\n');
    const begun = beginFileAtomically(target, 'a new beginning\n');
    begun.abandon();
    expect(readdirSync(dir)).toEqual(['log.json.cache']);
    expect(outputError(() => begun.finish(['more\n'])).message).toContain(target);
    expect(readFileSync(target, 'utf8')).toBe('the old cache\n');
  });
});

describe('removeStaleTempFiles', () => {
  it('removes, in every folder, temporary files of dead processes and very old ones; keeps live writes and other files', () => {
    const dir = tempDir('seedfeed-write-');
    const deadOne = deadPid();
    writeTree(dir, {
      [`.feed.xml${TEMP_MARK}${deadOne}-0badc0de`]: '<rss',
      [`articles/.a.html${TEMP_MARK}${deadOne}-12345678`]: '<html',
      [`.report.json${TEMP_MARK}${live.pid}-0badc0de`]: '{',
      [`.old.json${TEMP_MARK}${live.pid}-87654321`]: '{',
      '.htaccess': 'keep',
      'feed.xml': RSS,
    });
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(join(dir, `.old.json${TEMP_MARK}${live.pid}-87654321`), old, old);
    const removed = removeStaleTempFiles(dir).map((p) => p.slice(dir.length + 1)).sort();
    expect(removed).toEqual([`.feed.xml${TEMP_MARK}${deadOne}-0badc0de`, `.old.json${TEMP_MARK}${live.pid}-87654321`, `articles/.a.html${TEMP_MARK}${deadOne}-12345678`]);
    expect([...snapshot(dir).keys()].sort()).toEqual(['.htaccess', `.report.json${TEMP_MARK}${live.pid}-0badc0de`, 'feed.xml']);
  });

  it('removeStaleTempFilesOf looks only beside its target, at its own temporary files', () => {
    const dir = tempDir('seedfeed-write-');
    const mine = `.publish-log.json${TEMP_MARK}${deadPid()}-0badc0de`;
    const other = `.feed.xml${TEMP_MARK}${deadPid()}-0badc0de`;
    writeTree(dir, { [mine]: '{', [other]: '<' });
    expect(removeStaleTempFilesOf(join(dir, 'publish-log.json'))).toEqual([join(dir, mine)]);
    expect(readdirSync(dir)).toEqual([other]);
  });

  it('knows its own temporary file names', () => {
    expect(isTempFileName(`.feed.xml${TEMP_MARK}123-0badc0de`)).toBe(true);
    expect(isTempFileName(`feed.xml${TEMP_MARK}123-0badc0de`)).toBe(false);
    expect(isTempFileName('.feed.xml.swp')).toBe(false);
    expect(isTempFileName(`.feed.xml${TEMP_MARK}abc`)).toBe(false);
  });
});

describe('changedFiles', () => {
  it('compares bytes, not text or time', () => {
    const dir = tempDir('seedfeed-write-');
    writeTree(dir, { 'a.xml': RSS, 'b.xml': RSS.replace('utf-8', 'UTF-8'), 'c.txt': 'é' });
    const { changed, unchanged } = changedFiles(dir, [
      { path: 'a.xml', kind: 'xml', text: RSS },
      { path: 'b.xml', kind: 'xml', text: RSS },
      { path: 'c.txt', kind: 'text', text: 'e\u0301' },
      { path: 'd.txt', kind: 'text', text: '' },
    ]);
    expect(unchanged).toEqual(['a.xml']);
    expect(changed.map((f) => f.path)).toEqual(['b.xml', 'c.txt', 'd.txt']);
  });

  it('counts a FIFO or a folder where a file goes as changed, without reading or waiting on it (a dry run)', () => {
    const dir = tempDir('seedfeed-write-');
    expect(spawnSync('mkfifo', [join(dir, 'feed.xml')]).status).toBe(0);
    mkdirSync(join(dir, 'feed.json'));
    const { changed, unchanged } = changedFiles(dir, feedFiles().slice(1));
    expect(unchanged).toEqual([]);
    expect(changed.map((f) => f.path)).toEqual(['feed.xml', 'feed.json']);
  });
});

describe('the read-back checks', () => {
  it.each([
    ['xml', RSS, undefined],
    ['xml', RSS.slice(0, -20), /./],
    ['xml', '<a><b></a>', /./],
    ['xml', '<a>\u0001</a>', /./],
    ['xml', '<x:a>1</x:a>', /prefix/],
    ['json', JSON_FEED, undefined],
    ['json', JSON_FEED.slice(0, -5), /^not JSON/],
    ['json', '{"title": "T", "items": []}', /version/],
    ['json', '{"version": "https://jsonfeed.org/version/1.1", "title": "T"}', /items/],
    ['html', '<p>anything', undefined],
  ] as const)('%s: %j', (kind, text, problem) => {
    const found = checkOutputText(kind, text);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it('checkXml and checkJsonFeed are what checkOutputText uses', () => {
    expect(checkXml('<a/>')).toBeUndefined();
    expect(checkJsonFeed('[]')).toBe('no JSON Feed version');
  });
});
