import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverSeeds } from '../src/discover.js';
import {
  codeDigest,
  RACY_WINDOW_MS,
  checkFastPath,
  makeBuildStamp,
  readBuildStamp,
  seedListDigest,
  seedsUnchanged,
  serializeBuildStamp,
  stampPathFor,
  type FastPathInput,
} from '../src/fastpath.js';
import { error, warning } from '../src/diagnostics.js';
import { tempDir, testConfig, writeTree } from './helpers.js';

const FEEDS = ['feed.xml', 'atom.xml', 'feed.json'];
/** Seeds are stamped only when they are older than the racy window: date them an hour back. */
const AN_HOUR_AGO = Date.now() / 1000 - 3600;

function age(dir: string, ...paths: string[]): void {
  for (const p of paths) utimesSync(join(dir, p), AN_HOUR_AGO, AN_HOUR_AGO);
}

/** A site as a finished full run leaves it: seeds, outputs, a publish log and a stamp. */
function builtSite(seeds: Record<string, string> = { 'a.txt': 'Asbarez: One\n\nBody one.\n', 'b.md': '---\ntitle: Two\n---\nBody two.\n' }) {
  const root = tempDir('seedfeed-fastpath-');
  const seedsDir = join(root, 'seeds');
  const outDir = join(root, 'out');
  const statePath = join(root, 'state', 'publish-log.json');
  writeTree(seedsDir, seeds);
  age(seedsDir, ...Object.keys(seeds));
  writeTree(outDir, { 'feed.xml': '<rss/>', 'atom.xml': '<feed/>', 'feed.json': '{}', 'categories/x/feed.xml': '<rss/>', 'articles/one.html': '<p>1</p>' });
  // File times come from a coarse clock: date the folders back, so that a change made next gives a new mtime.
  age(outDir, '.', 'categories', 'categories/x', 'articles');
  writeTree(join(root, 'state'), { 'publish-log.json': '{"version":1}\n' });
  const config = testConfig();
  const listing = discoverSeeds(seedsDir).seeds;
  const stamp = makeBuildStamp({
    seeds: listing,
    listedAtMs: Date.now(),
    config,
    statePath,
    outDir,
    watched: FEEDS,
    exitCode: 0,
    published: listing.length,
    rejected: [],
    diagnostics: [],
  });
  if (!stamp) throw new Error('the aged seeds should be stamped');
  const input = (overrides: Partial<FastPathInput> = {}): FastPathInput => ({ seedsDir, outDir, statePath, config, stamp, ...overrides });
  return { root, seedsDir, outDir, statePath, config, stamp, input };
}

function reason(input: FastPathInput): string | undefined {
  const decision = checkFastPath(input);
  return decision.unchanged ? undefined : decision.reason;
}

describe('the no-op fast path', () => {
  it('finds nothing changed right after a full run', () => {
    const site = builtSite();
    expect(checkFastPath(site.input())).toEqual({ unchanged: true, stamp: site.stamp });
  });

  it.each([
    ['a seed is edited (new mtime)', (s: ReturnType<typeof builtSite>) => utimesSync(join(s.seedsDir, 'a.txt'), AN_HOUR_AGO, AN_HOUR_AGO + 5)],
    ['a seed grows with the same mtime', (s: ReturnType<typeof builtSite>) => {
      const { mtime } = statSync(join(s.seedsDir, 'a.txt'));
      writeFileSync(join(s.seedsDir, 'a.txt'), 'Asbarez: One\n\nBody one, longer.\n');
      utimesSync(join(s.seedsDir, 'a.txt'), mtime, mtime);
    }],
    ['a seed is added', (s: ReturnType<typeof builtSite>) => writeTree(s.seedsDir, { 'c.txt': 'Asbarez: Three\n\nBody.\n' })],
    ['a seed is added in a subfolder', (s: ReturnType<typeof builtSite>) => writeTree(s.seedsDir, { '2024/c.txt': 'Asbarez: Three\n\nBody.\n' })],
    ['a seed is deleted', (s: ReturnType<typeof builtSite>) => rmSync(join(s.seedsDir, 'b.md'))],
    ['a seed is renamed', (s: ReturnType<typeof builtSite>) => {
      writeTree(s.seedsDir, { 'renamed.md': '---\ntitle: Two\n---\nBody two.\n' });
      rmSync(join(s.seedsDir, 'b.md'));
    }],
  ])('sees the seeds changed when %s', (_, change) => {
    const site = builtSite();
    change(site);
    expect(reason(site.input())).toBe('the seeds changed');
  });

  it('takes READMEs for what SEED-FORMAT.md says (README*, any case with an extension alone), and a seed named after the word for a seed', () => {
    const dir = tempDir('seedfeed-readme-');
    const story = 'Meridian Post: Choir Tours\n\nThe choir left on Monday.\n';
    writeTree(dir, {
      'README': story,
      'README.md': story,
      'README-first.txt': story,
      'Readme.md': story,
      'readme.txt': story,
      'readme.md.txt': story,
      'readme-notes.txt': story,
      'readmes-from-the-archive.md': story,
      'ReadMe-Later.TXT': story,
    });
    expect(discoverSeeds(dir).seeds.map((s) => s.file).sort()).toEqual(['ReadMe-Later.TXT', 'readme-notes.txt', 'readmes-from-the-archive.md']);
  });

  it('ignores files that are not seeds', () => {
    const site = builtSite();
    writeTree(site.seedsDir, { 'README.md': 'notes', '.a.txt.swp': 'x', 'a.txt~': 'backup', 'image.png': 'png' });
    expect(checkFastPath(site.input()).unchanged).toBe(true);
  });

  it('counts drafts and rejected seeds like any other: they are in the listing, not only in the log', () => {
    const site = builtSite({ 'draft.md': '---\ntitle: Later\ndraft: true\n---\nSoon.\n', 'broken.txt': '' });
    expect(checkFastPath(site.input()).unchanged).toBe(true);
    writeFileSync(join(site.seedsDir, 'broken.txt'), 'Asbarez: Fixed\n\nNow it has a body.\n');
    expect(reason(site.input())).toBe('the seeds changed');
  });

  it('sees a config change, such as a --limit override', () => {
    const site = builtSite();
    expect(reason(site.input({ config: testConfig({ limit: 10 }) }))).toBe('the config changed');
    expect(reason(site.input({ config: testConfig({ title: 'Renamed' }) }))).toBe('the config changed');
  });

  it('sees a publish log that was replaced or restored', () => {
    const site = builtSite();
    writeFileSync(site.statePath, '{"version":1,"entries":[]}\n');
    expect(reason(site.input())).toBe('the publish log changed');
  });

  it.each([
    ['a feed is deleted', (s: ReturnType<typeof builtSite>) => rmSync(join(s.outDir, 'atom.xml'))],
    ['a topic feed is deleted', (s: ReturnType<typeof builtSite>) => rmSync(join(s.outDir, 'categories/x/feed.xml'))],
    ['a page is deleted', (s: ReturnType<typeof builtSite>) => rmSync(join(s.outDir, 'articles/one.html'))],
    ['the output folder is gone', (s: ReturnType<typeof builtSite>) => rmSync(s.outDir, { recursive: true })],
    ['a feed is edited by hand', (s: ReturnType<typeof builtSite>) => writeFileSync(join(s.outDir, 'feed.xml'), '<rss version="2.0"/>')],
    ['a file is added', (s: ReturnType<typeof builtSite>) => writeTree(s.outDir, { 'robots.txt': 'User-agent: *' })],
    ['a folder is added', (s: ReturnType<typeof builtSite>) => writeTree(s.outDir, { 'sources/new/feed.xml': '<rss/>' })],
    ['a page is renamed', (s: ReturnType<typeof builtSite>) => renameSync(join(s.outDir, 'articles/one.html'), join(s.outDir, 'articles/two.html'))],
  ])('sees the output folder changed when %s', (_, change) => {
    const site = builtSite();
    change(site);
    expect(reason(site.input())).toBe('the output folder changed');
  });

  it('leaves temporary files of a killed run to a full run, which removes them', () => {
    const site = builtSite();
    writeTree(site.outDir, { '.feed.xml.seedfeed-tmp-123-abcd': 'partial' });
    expect(reason(site.input())).toBe('the output folder changed');
  });

  it('does not notice a page edited in place: only folders and the main feeds are stat-ed', () => {
    const site = builtSite();
    writeFileSync(join(site.outDir, 'articles/one.html'), '<p>edited</p>');
    expect(checkFastPath(site.input()).unchanged).toBe(true);
  });

  it('sees seedfeed itself change', () => {
    const site = builtSite();
    const code = tempDir('seedfeed-code-');
    writeTree(code, { 'cli.js': 'export {}', 'render/rss.js': 'export {}' });
    const stamp = { ...site.stamp, code: makeBuildStamp({ ...stampInput(site), codeDir: code })!.code };
    expect(checkFastPath(site.input({ stamp, codeDir: code })).unchanged).toBe(true);
    writeFileSync(join(code, 'render/rss.js'), 'export const changed = true;');
    expect(reason(site.input({ stamp, codeDir: code }))).toBe('seedfeed itself changed');
  });

  it('runs in full without a stamp, or with a damaged one', () => {
    const site = builtSite();
    expect(reason(site.input({ stamp: undefined }))).toBe('no build stamp from a previous run');
    const path = stampPathFor(site.statePath);
    writeFileSync(path, '{"version":1,"seeds":');
    expect(readBuildStamp(path)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ ...site.stamp, version: 99 }));
    expect(readBuildStamp(path)).toBeUndefined();
  });

  it('reads back the stamp it writes', () => {
    const site = builtSite();
    const path = stampPathFor(site.statePath);
    expect(path).toBe(`${site.statePath}.stamp`);
    writeFileSync(path, serializeBuildStamp(site.stamp));
    expect(readBuildStamp(path)).toEqual(site.stamp);
  });
});

describe('the build stamp', () => {
  it('is not made when a seed changed within the racy window of the listing', () => {
    const site = builtSite();
    const listedAtMs = Date.now();
    utimesSync(join(site.seedsDir, 'a.txt'), new Date(listedAtMs - RACY_WINDOW_MS / 2), new Date(listedAtMs - RACY_WINDOW_MS / 2));
    expect(makeBuildStamp({ ...stampInput(site), seeds: discoverSeeds(site.seedsDir).seeds, listedAtMs })).toBeUndefined();
  });

  it('keeps what the run reported: exit code, counts and its errors', () => {
    const site = builtSite();
    const diagnostics = [error('no-title', 'seeds/broken.txt', 1, 'no headline'), warning('no-source', 'seeds/a.txt', 1, 'no source'), warning('no-source', 'seeds/b.txt', 1, 'no source')];
    const stamp = makeBuildStamp({ ...stampInput(site), exitCode: 1, rejected: ['broken.txt'], diagnostics })!;
    expect(stamp).toMatchObject({ exitCode: 1, rejected: 1, rejectedFiles: ['broken.txt'], errors: [diagnostics[0]] });
  });
});

describe('seed listings', () => {
  const listing = [
    { file: 'a.txt', size: 10, mtimeMs: 1000.5 },
    { file: 'b.md', size: 20, mtimeMs: 2000 },
  ];

  it.each([
    ['path', { ...listing[0]!, file: 'c.txt' }],
    ['size', { ...listing[0]!, size: 11 }],
    ['mtime', { ...listing[0]!, mtimeMs: 1000.25 }],
    ['ctime, when discovery records it', { ...listing[0]!, ctimeMs: 3000 }],
  ])('digest differently when the %s differs', (_, changed) => {
    expect(seedListDigest([changed, listing[1]!])).not.toBe(seedListDigest(listing));
  });

  it('digest alike when alike', () => {
    expect(seedListDigest(listing.map((s) => ({ ...s })))).toBe(seedListDigest(listing));
  });

  it('are unchanged only when the count matches too', () => {
    const site = builtSite();
    expect(seedsUnchanged(site.seedsDir, site.stamp)).toBe(true);
    expect(seedsUnchanged(site.seedsDir, { ...site.stamp, seedCount: 3 })).toBe(false);
  });

  it('are never unchanged when discovery has something to report', () => {
    const site = builtSite();
    expect(spawnSync('mkfifo', [join(site.seedsDir, 'pipe.txt')]).status).toBe(0);
    expect(discoverSeeds(site.seedsDir).diagnostics).toHaveLength(1);
    expect(seedsUnchanged(site.seedsDir, site.stamp)).toBe(false);
  });
});

function stampInput(site: ReturnType<typeof builtSite>) {
  return {
    seeds: discoverSeeds(site.seedsDir).seeds,
    listedAtMs: Date.now(),
    config: site.config,
    statePath: site.statePath,
    outDir: site.outDir,
    watched: FEEDS,
    exitCode: 0,
    published: 2,
    rejected: [] as string[],
    diagnostics: [],
  };
}

describe('codeDigest', () => {
  it('moves with the packages installed beside the code, not only with its own modules', () => {
    const root = tempDir('seedfeed-code-');
    const dist = join(root, 'dist');
    mkdirSync(join(root, 'node_modules'), { recursive: true });
    mkdirSync(dist);
    writeFileSync(join(dist, 'cli.js'), '// code\n');
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"packages":{"node_modules/feed":{"version":"4.2.2"}}}\n');
    const before = codeDigest(dist);
    expect(codeDigest(dist)).toBe(before);
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"packages":{"node_modules/feed":{"version":"5.0.0"}}}\n');
    expect(codeDigest(dist)).not.toBe(before);
  });
});
