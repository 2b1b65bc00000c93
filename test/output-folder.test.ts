/**
 * A run writes and deletes only inside its output folder: not through a
 * folder in it that is a link to somewhere else, and not where a publish
 * log edited by hand would send it (a slug such as `../../x`). A log whose
 * fields are not what runs use is damaged: exit 5, nothing written.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publish } from '../src/publish.js';
import { OutputError, StateError, UsageError } from '../src/diagnostics.js';
import { cachesBeside } from '../src/cache.js';
import { NOW, tempDir, testConfig, writeTree } from './helpers.js';

const SEEDS = {
  'a.txt': 'Categories: Bridges\n\nAsbarez: The Footbridge Is Painted Green\n\nThe footbridge was painted over the weekend.\n',
  'b.txt': 'Categories: Markets\n\nAsbarez: The Saturday Market Moves\n\nThe market moved to the old square.\n',
};

function site() {
  const root = tempDir();
  const seedsDir = writeTree(join(root, 'seeds'), SEEDS);
  const outDir = join(root, 'site', 'out');
  const statePath = join(root, 'state', 'log.json');
  const run = () => publish({ seedsDir, outDir, statePath, config: testConfig(), now: NOW });
  return { root, seedsDir, outDir, statePath, run };
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(dir.length + 1)).sort() : [];
}

describe('a folder in the output folder that is a link to another folder', () => {
  it('stops the run before anything is written there or in the output folder (exit 4)', async () => {
    const s = site();
    const elsewhere = join(s.root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'keep.txt'), 'not the site\'s');
    mkdirSync(s.outDir, { recursive: true });
    symlinkSync(elsewhere, join(s.outDir, 'categories'));
    const run = s.run();
    await expect(run).rejects.toThrow(OutputError);
    await expect(run).rejects.toThrow(`categories in the output folder leads to ${elsewhere}, outside it; remove that link: seedfeed writes only inside the output folder`);
    expect(filesUnder(elsewhere)).toEqual(['keep.txt']);
    expect(filesUnder(s.outDir)).toEqual([]);
  });

  it('keeps a removed story\'s page there: nothing outside is deleted', async () => {
    const s = site();
    await s.run();
    const pages = filesUnder(join(s.outDir, 'articles'));
    expect(pages).toEqual(['the-footbridge-is-painted-green.html', 'the-saturday-market-moves.html']);
    // The pages folder swapped for a link to a folder holding files of the same names.
    const elsewhere = join(s.root, 'elsewhere');
    mkdirSync(elsewhere);
    for (const page of pages) writeFileSync(join(elsewhere, page), 'not the site\'s');
    rmSync(join(s.outDir, 'articles'), { recursive: true });
    symlinkSync(elsewhere, join(s.outDir, 'articles'));
    rmSync(join(s.seedsDir, 'b.txt'));
    await expect(s.run()).rejects.toThrow(OutputError);
    expect(pages.map((p) => readFileSync(join(elsewhere, p), 'utf8'))).toEqual(['not the site\'s', 'not the site\'s']);
  });

  it('may be the output folder itself', async () => {
    const s = site();
    const real = join(s.root, 'real-out');
    mkdirSync(real);
    mkdirSync(join(s.root, 'site'), { recursive: true });
    symlinkSync(real, s.outDir);
    const report = await s.run();
    expect(report.exitCode).toBe(0);
    expect(filesUnder(real)).toContain('categories/bridges/feed.xml');
  });
});

describe('a publish log edited by hand', () => {
  /** A site published once, its log then edited by `edit`, the caches beside it removed (so the next run reads the log). */
  async function editedLog(edit: (log: Record<string, any>) => void) {
    const s = site();
    await s.run();
    const log = JSON.parse(readFileSync(s.statePath, 'utf8')) as Record<string, any>;
    edit(log);
    writeFileSync(s.statePath, JSON.stringify(log));
    for (const file of cachesBeside(s.statePath)) rmSync(file, { force: true });
    return s;
  }

  it.each([
    ['a slug that climbs out of the output folder', (log: Record<string, any>) => (log.entries[0].slug = '../../escaped'), 'entry 1: "slug" "../../escaped" is not a page name'],
    ['an empty slug', (log: Record<string, any>) => (log.entries[1].slug = ''), 'entry 2: "slug" "" is not a page name'],
    ['a topic folder that climbs out', (log: Record<string, any>) => (log.topics['category:bridges'] = '../../../escaped'), '"topics" of "category:bridges": "../../../escaped" is not a folder name'],
    ['topics that are null', (log: Record<string, any>) => (log.topics = null), '"topics" is not an object'],
    ['outputs that are not paths', (log: Record<string, any>) => (log.outputs = [1, 2]), '"outputs" is not a list of paths'],
    ['a first publication that is no date', (log: Record<string, any>) => (log.entries[0].firstPublished = 'garbage'), 'entry 1: "firstPublished" is not a date'],
    // Date.parse would take February 30 for March 1.
    ['a first publication on a day no calendar has', (log: Record<string, any>) => (log.entries[0].firstPublished = '2024-02-30T10:00:00.000Z'), 'entry 1: "firstPublished" is not a date'],
    ['an edit on February 29 of a year that has none', (log: Record<string, any>) => (log.entries[1].edited = '2023-02-29T10:00:00.000Z'), 'entry 2: "edited" is not a date'],
    ['two entries with one id', (log: Record<string, any>) => (log.entries[1].id = log.entries[0].id), `entry 2: "id" ${'$'}{ID} is another entry's too`],
    ['two entries with one page', (log: Record<string, any>) => (log.entries[1].slug = log.entries[0].slug), `entry 2: "slug" ${'$'}{SLUG} is another entry's too`],
  ])('with %s is damaged: exit 5, nothing written', async (_what, edit, problem) => {
    let first: Record<string, any> = {};
    const s = await editedLog((log) => {
      first = { ...log.entries[0] };
      edit(log);
    });
    const before = filesUnder(s.root).map((f) => [f, readFileSync(join(s.root, f), 'utf8')]);
    const run = s.run();
    await expect(run).rejects.toThrow(StateError);
    await expect(run).rejects.toThrow(`the publish log is damaged (${problem.replace('${ID}', JSON.stringify(first.id)).replace('${SLUG}', JSON.stringify(first.slug))})`);
    expect(filesUnder(s.root).map((f) => [f, readFileSync(join(s.root, f), 'utf8')])).toEqual(before);
  });
});

describe('a seeds folder and an output folder that overlap', () => {
  it.each([
    ['the same folder', (root: string) => ({ seedsDir: join(root, 'site'), outDir: join(root, 'site') }), 'is also the output folder'],
    ['seeds inside the output', (root: string) => ({ seedsDir: join(root, 'out', 'seeds'), outDir: join(root, 'out') }), 'is inside the output folder'],
    ['the output inside the seeds', (root: string) => ({ seedsDir: join(root, 'seeds'), outDir: join(root, 'seeds', 'out') }), 'holds the output folder'],
    ['seeds inside the output through a link', (root: string) => {
      mkdirSync(join(root, 'out', 'drafts'), { recursive: true });
      symlinkSync(join(root, 'out', 'drafts'), join(root, 'seeds-link'));
      return { seedsDir: join(root, 'seeds-link'), outDir: join(root, 'out') };
    }, 'is inside the output folder'],
  ])('stop the run before anything is written (exit 2): %s', async (_what, layout, how) => {
    const root = tempDir();
    const { seedsDir, outDir } = layout(root);
    writeTree(seedsDir, { 'draft.md': '---\ntitle: Not Yet\ndraft: true\n---\nEmbargoed until Monday.\n', ...SEEDS });
    const statePath = join(root, 'state', 'log.json');
    const before = filesUnder(root);
    const run = publish({ seedsDir, outDir, statePath, config: testConfig(), now: NOW, displayRoot: 'seeds' });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(`seeds: the seeds folder ${how} (${outDir}): a web server serving the output would serve the seeds as they are, drafts included. Keep the two apart. Nothing was written`);
    expect(filesUnder(root)).toEqual(before);
    expect(existsSync(join(root, 'state'))).toBe(false);
  });
});
