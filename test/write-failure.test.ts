import { readFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from './helpers.js';
import { snapshot, touched } from './support/cli.js';
import { isTempFileName, writeFilesAtomically, type FileToWrite } from '../src/write.js';
import { OutputError } from '../src/diagnostics.js';

/** From the `failFrom`-th fsync on, fsync fails as on a full disk. */
const disk = vi.hoisted(() => ({ synced: 0, failFrom: Infinity }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const fsyncSync: typeof real.fsyncSync = (fd) => {
    if (++disk.synced >= disk.failFrom) throw Object.assign(new Error('ENOSPC: no space left on device, fsync'), { code: 'ENOSPC' });
    real.fsyncSync(fd);
  };
  return { ...real, default: { ...real, fsyncSync }, fsyncSync };
});

function pages(version: string): FileToWrite[] {
  return Array.from({ length: 30 }, (_, i) => ({ path: `articles/p${i}.html`, kind: 'html', text: `<p>${version} ${i}</p>\n` }));
}

describe('a staged file that cannot be written', () => {
  it('fails the whole replacement with the error, replaces nothing, and leaves no temporary file', async () => {
    const dir = tempDir('seedfeed-write-failure-');
    await writeFilesAtomically(dir, pages('old'));
    const old = new Date('2001-02-03T04:05:06Z');
    for (const p of snapshot(dir).keys()) utimesSync(join(dir, p), old, old);
    const before = snapshot(dir);

    // The twelfth file's fsync fails.
    disk.synced = 0;
    disk.failFrom = 12;
    const failure = await writeFilesAtomically(dir, pages('new')).catch((e: unknown) => e);
    disk.failFrom = Infinity;
    expect(failure).toBeInstanceOf(OutputError);
    expect((failure as OutputError).message).toMatch(/^nothing written: articles\/p11\.html: ENOSPC/);
    expect(touched(before, snapshot(dir))).toEqual([]);
    expect(readdirSync(join(dir, 'articles')).filter(isTempFileName)).toEqual([]);
    expect(readFileSync(join(dir, 'articles', 'p0.html'), 'utf8')).toBe('<p>old 0</p>\n');

    // With room again, the same replacement goes through.
    expect((await writeFilesAtomically(dir, pages('new'))).written).toHaveLength(30);
    expect(readFileSync(join(dir, 'articles', 'p29.html'), 'utf8')).toBe('<p>new 29</p>\n');
  });
});

