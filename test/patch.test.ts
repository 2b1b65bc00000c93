import { describe, expect, it, vi } from 'vitest';
import * as parsePool from '../src/parse-pool.js';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publish, type PublishReport } from '../src/publish.js';
import { indexPathFor, placementAt, readPatchIndex, type PatchIndex } from '../src/patch-index.js';
import { cacheKey } from '../src/cache.js';
import { deserialize, serialize } from 'node:v8';
import { PATCH_MAX_EDITED } from '../src/patch.js';
import { foldersUnder, journalPathFor, listSeeds, readBuildStamp, stampPathFor, watchedOutputs } from '../src/fastpath.js';
import * as logFile from '../src/log-file.js';
import { readLogFile } from '../src/log-file.js';
import { OutputError } from '../src/diagnostics.js';
import { fileStamp } from '../src/output-stats.js';
import { NOW, bytesUnder, tempDir, testConfig } from './helpers.js';
import { seedName, seedText, writeCorpus } from './support/corpus.js';
import { child, descendants, parseXml } from './xml.js';

/**
 * Patch runs (src/patch.ts): a rebuild after a few seeds were edited in a
 * way that moves nothing renders only the outputs that show them. The
 * proof that this is safe: the patched output folder and publish log are,
 * byte for byte, what a full run gives from the same state at the same
 * clock (a twin of the site without the stamp, so every twin run is a full
 * one). Every edit that would move an item makes a full run, with the
 * same proof.
 */

const COUNT = 90;
const HOUR = 3_600_000;

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyTree(join(from, entry.name), join(to, entry.name));
    else copyFileSync(join(from, entry.name), join(to, entry.name));
  }
}

function site(config = testConfig({ limit: 15, archive: { pageSize: 20 } })) {
  const root = tempDir('seedfeed-patch-');
  const seeds = join(root, 'seeds');
  let clock = Date.UTC(2025, 0, 1);
  /** Every write gets its own mtime, well in the past (seeds cron finds have settled). */
  const settle = (path: string) => {
    clock += 60_000;
    utimesSync(path, new Date(clock), new Date(clock));
  };
  for (const name of writeCorpus(seeds, COUNT)) settle(join(seeds, name));
  const out = join(root, 'out');
  const statePath = join(root, 'state', 'log.json');
  let runs = 0;
  const publishAt = (outDir: string, state: string, at: number) => publish({ seedsDir: seeds, outDir, statePath: state, config, now: new Date(NOW.getTime() + at * HOUR) });
  const run = () => publishAt(out, statePath, ++runs);
  /**
   * Runs this site, and a twin of it (same output folder and publish log,
   * no stamp, cache or index) at the same clock; checks that both leave the
   * same bytes, and returns both reports.
   */
  const runBesideTwin = async (): Promise<{ mine: PublishReport; twin: PublishReport }> => {
    const twin = join(tempDir('seedfeed-patch-twin-'), 'site');
    copyTree(out, join(twin, 'out'));
    mkdirSync(join(twin, 'state'));
    copyFileSync(statePath, join(twin, 'state', 'log.json'));
    if (existsSync(journalPathFor(statePath))) copyFileSync(journalPathFor(statePath), journalPathFor(join(twin, 'state', 'log.json')));
    const mine = await run();
    const theirs = await publishAt(join(twin, 'out'), join(twin, 'state', 'log.json'), runs);
    expect(theirs.run).toBe('full');
    // The log as read: a patch run's changes are in its journal (log-file.ts), a full run's in the file.
    expect(readLogFile(statePath)!.bytes.toString('utf8')).toBe(readLogFile(join(twin, 'state', 'log.json'))!.bytes.toString('utf8'));
    const a = bytesUnder(out);
    const b = bytesUnder(join(twin, 'out'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [path, bytes] of b) expect(a.get(path)?.toString('utf8'), path).toBe(bytes.toString('utf8'));
    expect(mine.written).toEqual(theirs.written);
    expect(mine.updated).toEqual(theirs.updated);
    expect(mine.counts.updated).toBe(theirs.counts.updated);
    expect(mine.exitCode).toBe(theirs.exitCode);
    expect(mine.new).toEqual(theirs.new);
    expect(mine.removed).toEqual(theirs.removed);
    expect(mine.deleted).toEqual(theirs.deleted);
    expect(mine.counts.published).toBe(theirs.counts.published);
    expect(mine.counts.removed).toBe(theirs.counts.removed);
    // The index a patch leaves is the one a full run makes of the same state.
    if (mine.run === 'patch') {
      const a = readPatchIndex(indexPathFor(statePath), cacheKey(config, seeds, out))!;
      const b = readPatchIndex(indexPathFor(join(twin, 'state', 'log.json')), cacheKey(config, seeds, join(twin, 'out')))!;
      // Apart from what names this site's own files: its key (the output folder), the log's, pages' and feeds' stamps.
      const unstamped = (index: PatchIndex) => {
        const { key: _k, logDigest: _l, topicPages: _p, homePage: _h, feeds, ...rest } = index;
        return { ...rest, feeds: feeds.map(({ files: _f, ...feed }) => feed) };
      };
      expect(unstamped(a)).toEqual(unstamped(b));
      // Property for property in the same order: the index's bytes are the same however it was made.
      expect(a.feeds.map((f) => Object.keys(f))).toEqual(b.feeds.map((f) => Object.keys(f)));
      // Its own stamps are of its files as they are.
      expect(a.topicPages).toEqual(a.topics.map((t) => fileStamp(join(out, t.path, 'index.html'))));
      expect(a.homePage).toBe(fileStamp(join(out, 'index.html')));
      for (const f of a.feeds) expect(f.files).toEqual(['feed.xml', 'atom.xml', 'feed.json'].map((name) => fileStamp(join(out, f.prefix + name))));
      // The stamp names every folder of the output folder, and watches every output but the stories' pages, as a full run's does.
      expect(readBuildStamp(stampPathFor(statePath))?.outputDirs).toEqual(foldersUnder(out));
      expect(readBuildStamp(stampPathFor(statePath))?.watched).toEqual(watchedOutputs(bytesUnder(out).keys()));
      expect(readBuildStamp(stampPathFor(join(twin, 'state', 'log.json')))?.watched).toEqual(watchedOutputs(bytesUnder(join(twin, 'out')).keys()));
    }
    return { mine, twin: theirs };
  };
  const edit = (n: number, change: (text: string) => string) => {
    const path = join(seeds, seedName(n));
    writeFileSync(path, change(readFileSync(path, 'utf8')));
    settle(path);
  };
  /** Adds seed `n`, its text changed by `change`. */
  const add = (n: number, change: (text: string) => string = (t) => t) => {
    const path = join(seeds, seedName(n));
    writeFileSync(path, change(seedText(n)));
    settle(path);
  };
  /** Adds a sentence to the end of the body, before the sharer trailer. */
  const addSentence = (n: number, sentence = 'A sentence added later.') => edit(n, (t) => t.replace(/\n\n([^\n]+:\n)$/, ` ${sentence}\n\n$1`));
  /** A full run (the stamp removed) after patches finds every output as it should be. */
  const expectFullRunWritesNothing = async () => {
    rmSync(`${statePath}.stamp`);
    const full = await run();
    expect(full.run).toBe('full');
    expect(full.written).toEqual([]);
  };
  return { root, seeds, out, statePath, config, run, runBesideTwin, expectFullRunWritesNothing, edit, add, addSentence, settle };
}

const keyOf = (s: { seeds: string; out: string; config: ReturnType<typeof testConfig> }) => cacheKey(s.config, s.seeds, s.out);

type Site = ReturnType<typeof site>;

/** For each case: after a first run, `change` makes the next run a full one, for `reason`, with the bytes the twin's full run gives. */
function itMakesAFullRun(when: string, cases: readonly [string, (s: Site) => void, RegExp][], makeSite: () => Site): void {
  for (const [what, change, reason] of cases) {
    it(`makes a full run, with the same bytes, ${when} ${what}`, async () => {
      const s = makeSite();
      await s.run();
      change(s);
      const { mine } = await s.runBesideTwin();
      expect(mine.run).toBe('full');
      expect(mine.patchDeclined).toMatch(reason);
    });
  }
}

const atom = (s: { out: string }, path: string) => parseXml(readFileSync(join(s.out, path), 'utf8'));

/** The title of corpus seed `n`, after its source in the headline. */
const titleOf = (n: number) => seedText(n).split('\n')[3]!.replace(/^[^:]+: /, '');

/** The cards of a topic or home page, as a reader sees them: each story's title and dek. */
const cards = (s: { out: string }, path: string) =>
  [...readFileSync(join(s.out, path), 'utf8').matchAll(/<li><article>\n<h2[^>]*><a href="[^"]*">([^<]*)<\/a><\/h2>\n(?:<p class="dek"[^>]*>([^<]*)<\/p>\n)?/g)].map((m) => ({ title: m[1]!, dek: m[2] }));

describe('patch runs', () => {
  it('publishes a body edit of the newest item by rendering only what shows it, with the bytes of a full run', async () => {
    const s = site();
    expect((await s.run()).run).toBe('full');
    s.addSentence(COUNT - 1, 'A correction added by the curator.');
    const { mine, twin } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.patchDeclined).toBeUndefined();
    expect(mine.counts.updated).toBe(1);
    // Its page, the main feed and its topics' feeds: nothing else was even rendered. It is among the 10 entries after
    // the last full archive page (90, pages of 20), which wait for the next one: no archive page shows it.
    expect(mine.written).toEqual(twin.written);
    expect(mine.written).toContain('feed.xml');
    expect(mine.written.some((p) => p.startsWith('archive/'))).toBe(false);
    expect(mine.counts.written + mine.counts.unchanged).toBeLessThan(40);
    // As a reader sees it: the new sentence in the item's content, and the item updated at the run's clock.
    const doc = atom(s, 'atom.xml');
    const entry = doc.children.find((c) => c.local === 'entry')!;
    const child = (name: string) => entry.children.find((c) => c.local === name)!.text;
    expect(child('content')).toContain('A correction added by the curator.');
    expect(child('updated')).toBe(new Date(NOW.getTime() + 2 * HOUR).toISOString());
    // The stamp was written: the next run has nothing to do.
    const again = await s.run();
    expect(again.run).toBe('no-op');
    expect(again.counts.written).toBe(0);
  });

  it('patches an old item shown only by its page and a topic feed, two edits at once, and a seed touched without a change', async () => {
    const s = site();
    await s.run();
    s.addSentence(3);
    s.addSentence(40, 'Another late addition.');
    s.edit(10, (t) => t);
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.updated.map((u) => u.file).sort()).toEqual([seedName(3), seedName(40)]);
    expect(mine.written).not.toContain('feed.xml');
    expect(mine.written.some((p) => p.startsWith('articles/'))).toBe(true);
    // Touched only: nothing about it was written.
    s.edit(11, (t) => t);
    const touched = await s.runBesideTwin();
    expect(touched.mine.run).toBe('patch');
    expect(touched.mine.written).toEqual([]);
    expect(touched.mine.counts.updated).toBe(0);
  });

  it('keeps patching run after run, and a full run after them changes nothing', async () => {
    const s = site();
    await s.run();
    for (const n of [COUNT - 1, 7, COUNT - 1, 55]) {
      s.addSentence(n, `Revision for ${n}.`);
      expect((await s.runBesideTwin()).mine.run).toBe('patch');
    }
    rmSync(indexPathFor(s.statePath));
    await s.expectFullRunWritesNothing();
  });

  it('counts the warnings and repairs of an edited seed as a full run does', async () => {
    const s = site();
    await s.run();
    // A character XML forbids: removed, with a warning; a byline: shown in the item's page and feeds only.
    s.edit(COUNT - 2, (t) => t.replace('Date:', 'Author: Ani Keshishian\nDate:').replace(/\n\n([^\n]+:\n)$/, ' A stray \u0001 character.\n\n$1'));
    const { mine, twin } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.diagnostics.map((d) => d.rule)).toEqual(twin.diagnostics.filter((d) => d.file.endsWith(seedName(COUNT - 2))).map((d) => d.rule));
    expect(mine.diagnostics.length).toBeGreaterThan(0);
    expect(mine.counts.repairs).toBe(twin.counts.repairs);
    const page = readFileSync(join(s.out, mine.written.find((p) => p.startsWith('articles/'))!), 'utf8');
    expect(page).toContain('By Ani Keshishian');
  });

  const moves: [string, (s: Site) => void, RegExp][] = [
    ['a title another story of its source has', (s) => s.edit(11, (t) => t.replace(/^Hetq: .*$/m, `Hetq: ${titleOf(5)}`)), /may now be a story published already/],
    ['a category written in another case on the newest story of its topic, which names the topic', (s) => s.edit(COUNT - 1, (t) => t.replace(/^Categories: (\w)/m, (_, c: string) => `Categories: ${c.toUpperCase()}`)), /rename a topic/],
    ["a source's home page on the newest story of its source, which its page links", (s) => s.edit(COUNT - 1, (t) => `Source-URL: https://hetq.example/\n${t}`), /home page a topic's page links/],
    // Seed 45, the next story of "talks" after 89, writes it "Talks".
    ['a new date that takes the newest story of a topic down, whose next story writes its name otherwise', (s) => {
      s.edit(45, (t) => t.replace(/^Categories: talks/m, 'Categories: Talks'));
      s.edit(COUNT - 1, (t) => t.replace(/Date: \S+/, 'Date: 2024-01-01T10:30:00Z'));
    }, /next story would rename it/],
    ['a category taken from the newest story of its topic, whose next story writes its name otherwise', (s) => {
      s.edit(45, (t) => t.replace(/^Categories: talks/m, 'Categories: Talks'));
      s.edit(COUNT - 1, (t) => t.replace('Categories: talks, ', 'Categories: '));
    }, /next story would rename it/],
    ['an id of its own', (s) => s.edit(5, (t) => `Id: tag:seeds.example.org,2024-01-01:own\n${t}`), /moves its item/],
    ['a seed broken', (s) => s.edit(6, (t) => t.replace(/Date: \S+/, 'Date: the day after')), /rejected or a draft/],
    ['the patch index gone', (s) => {
      s.addSentence(8);
      rmSync(indexPathFor(s.statePath));
    }, /no patch index/],
    ['the patch index damaged', (s) => {
      s.addSentence(8);
      writeFileSync(indexPathFor(s.statePath), 'not an index');
    }, /no patch index/],
    ['too many seeds edited', (s) => {
      for (let n = 0; n <= PATCH_MAX_EDITED; n++) s.addSentence(n % COUNT);
    }, /more than/],
  ];
  itMakesAFullRun('after', moves, () => site(testConfig({ limit: 15, archive: { pageSize: 20 }, sources: {} })));

  it('patches a new title, a new dek and a category written in another case: the cards on the topic and home pages change, with the bytes of a full run', async () => {
    const s = site();
    await s.run();
    // The newest story, first in the main feed and in each of its topics.
    s.edit(COUNT - 1, (t) => t.replace(`number ${COUNT - 1}`, `number ${COUNT - 1}, corrected`));
    const titled = await s.runBesideTwin();
    expect(titled.mine.run).toBe('patch');
    expect(titled.mine.counts.updated).toBe(1);
    // Its page, the feeds that carry it, the home page and its four topics' pages (two categories, its source, its sharer).
    expect(titled.mine.written).toContain('index.html');
    expect(titled.mine.written.filter((p) => p.endsWith('/index.html')).length).toBe(4);
    const title = `${titleOf(COUNT - 1)}, corrected`;
    expect(cards(s, 'index.html')[0]).toEqual({ title, dek: `A short standfirst about item ${COUNT - 1}` });
    expect(cards(s, 'categories/corpus/index.html')[0]!.title).toBe(title);
    expect(cards(s, 'categories/corpus/index.html')).toHaveLength(COUNT);
    const entry = atom(s, 'atom.xml').children.find((c) => c.local === 'entry')!;
    expect(entry.children.find((c) => c.local === 'title')!.text).toBe(title);

    // An older story, in no feed but its topics' and archive page's: its cards change, the home page does not.
    s.edit(20, (t) => t.replace('A short standfirst about item 20', 'A standfirst rewritten for item 20'));
    const dek = await s.runBesideTwin();
    expect(dek.mine.run).toBe('patch');
    expect(dek.mine.written).not.toContain('index.html');
    expect(dek.mine.written).not.toContain('feed.xml');
    expect(dek.mine.written).toContain('categories/corpus/index.html');
    expect(cards(s, 'categories/corpus/index.html').find((c) => c.title === titleOf(20))!.dek).toBe('A standfirst rewritten for item 20');

    // A story in another language: its cards say so, on the home page too.
    s.edit(COUNT - 3, (t) => `Language: hy\n${t}`);
    const language = await s.runBesideTwin();
    expect(language.mine.run).toBe('patch');
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).toMatch(new RegExp(`<h2 lang="hy"><a href="[^"]+">${titleOf(COUNT - 3)}</a>`));

    // The topic keeps the name its newest story gives it; the story's page shows the category as the story writes it.
    s.edit(20, (t) => t.replace(', corpus\n', ', Corpus\n'));
    const cased = await s.runBesideTwin();
    expect(cased.mine.run).toBe('patch');
    expect(cased.mine.written.filter((p) => p.endsWith('index.html'))).toEqual([]);
    expect(readFileSync(join(s.out, 'categories/corpus/index.html'), 'utf8')).toContain('<h1>corpus</h1>');
    const page = readFileSync(join(s.out, cased.mine.written.find((p) => p.startsWith('articles/'))!), 'utf8');
    expect(page).toContain('rel="tag">Corpus</a>');
    await s.expectFullRunWritesNothing();
  });

  it('patches a story given another category or source of the site, its date kept: it joins and leaves topics as added and removed stories do', async () => {
    const s = site();
    await s.run();
    const talks = () => cards(s, 'categories/talks/index.html').map((c) => c.title);
    // Seed 20 joins "talks" (seeds 89, 45 and 1), between 45 and 1 by date.
    s.edit(20, (t) => t.replace(/^Categories: (\w+), corpus$/m, 'Categories: $1, talks, corpus'));
    const joined = await s.runBesideTwin();
    expect(joined.mine.run).toBe('patch');
    expect(talks()).toEqual([titleOf(89), titleOf(45), titleOf(20), titleOf(1)]);
    expect(joined.mine.written).toContain('categories/talks/feed.xml');
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).toContain('>talks</a> (4)');
    // And leaves it again, and moves from its source (Azatutyun) to another the site has (Civilnet).
    s.edit(20, (t) => t.replace(', talks', '').replace(/^Azatutyun:/m, 'Civilnet:'));
    const left = await s.runBesideTwin();
    expect(left.mine.run).toBe('patch');
    expect(talks()).toEqual([titleOf(89), titleOf(45), titleOf(1)]);
    expect(cards(s, 'sources/civilnet/index.html').map((c) => c.title)).toContain(titleOf(20));
    expect(cards(s, 'sources/azatutyun/index.html').map((c) => c.title)).not.toContain(titleOf(20));
    // A story of the main feed (82) given another sharer (Lena Hakobyan's to Aram Petrosyan's): its card on the home page says so.
    s.edit(82, (t) => t.replace(/\n([^\n]+):\n$/, '\nAram Petrosyan:\n'));
    const shared = await s.runBesideTwin();
    expect(shared.mine.run).toBe('patch');
    const card = cards(s, 'index.html').findIndex((c) => c.title === titleOf(82));
    expect(readFileSync(join(s.out, 'index.html'), 'utf8').split('<li><article>')[card + 1]).toContain('shared by Aram Petrosyan');
    // Seed 80 to Lena Hakobyan's stories, before the one whose source's home page the index keeps as theirs (78, Asbarez).
    s.edit(80, (t) => t.replace(/\n([^\n]+):\n$/, '\nLena Hakobyan:\n'));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    // Asbarez stories (their source's home page configured) joining "talks", whose stories have none: 72, then 84 before it.
    for (const n of [72, 84]) {
      s.edit(n, (t) => t.replace(/^Categories: (\w+), corpus$/m, 'Categories: $1, talks, corpus'));
      expect((await s.runBesideTwin()).mine.run).toBe('patch');
    }
    expect(talks()).toEqual([titleOf(89), titleOf(84), titleOf(72), titleOf(45), titleOf(1)]);
    // Topics no story had: a new category for seed 30, a new source for seed 33 (which leaves news.am).
    s.edit(30, (t) => t.replace(/^Categories: /m, 'Categories: Harbour Lights, '));
    s.edit(33, (t) => t.replace(/^news\.am:/m, 'Lantern Post:'));
    const started = await s.runBesideTwin();
    expect(started.mine.run).toBe('patch');
    expect(cards(s, 'categories/harbour-lights/index.html').map((c) => c.title)).toEqual([titleOf(30)]);
    expect(cards(s, 'sources/lantern-post/index.html').map((c) => c.title)).toEqual([titleOf(33)]);
    expect(readFileSync(join(s.out, 'feeds.opml'), 'utf8')).toContain('xmlUrl="https://seeds.example.org/sources/lantern-post/feed.xml"');
    // Its only story leaving a topic: the topic is kept, empty, under the name it had (as a full run keeps it, from the
    // log's topicNames), in its feeds and the OPML.
    s.edit(30, (t) => t.replace('Harbour Lights, ', ''));
    const emptied = await s.runBesideTwin();
    expect(emptied.mine.run).toBe('patch');
    expect(cards(s, 'categories/harbour-lights/index.html')).toEqual([]);
    const emptiedFeed = atom(s, 'categories/harbour-lights/atom.xml');
    expect(emptiedFeed.children.filter((c) => c.local === 'entry')).toEqual([]);
    expect(emptiedFeed.children.find((c) => c.local === 'title')!.text).toBe('Harbour Lights - Test feed');
    expect(readFileSync(join(s.out, 'feeds.opml'), 'utf8')).toContain('text="Harbour Lights - Test feed"');
    expect(emptied.mine.written).not.toContain('feeds.opml');
    // A story joining that empty topic, writing it as it was: its page made whole again.
    s.edit(31, (t) => t.replace(/^Categories: /m, 'Categories: Harbour Lights, '));
    const refilled = await s.runBesideTwin();
    expect(refilled.mine.run).toBe('patch');
    expect(cards(s, 'categories/harbour-lights/index.html').map((c) => c.title)).toEqual([titleOf(31)]);
    await s.expectFullRunWritesNothing();
  });

  it('patches a new date: the story moves in the main feed, its topics\' pages and feeds and its archive page, with the bytes of a full run', async () => {
    const s = site();
    await s.run();
    const at = (hours: number) => `Date: ${new Date(Date.UTC(2024, 0, 1) + hours * HOUR).toISOString()}`;
    const mainTitles = () => descendants(parseXml(readFileSync(join(s.out, 'feed.xml'), 'utf8')), 'item').map((i) => child(i, 'title')?.text);
    const school = () => cards(s, 'categories/school/index.html').map((c) => c.title);
    expect(school()).toEqual([titleOf(50), titleOf(6)]);
    // An old Asbarez story (6) dated after every other: first in the main feed, on the home page and in each of its
    // topics ("school", "corpus", Asbarez, Lena Hakobyan's), whose home page it now gives; its archive page lists it first.
    s.edit(6, (t) => t.replace(/Date: \S+/, at(COUNT + 1)));
    const up = await s.runBesideTwin();
    expect(up.mine.run).toBe('patch');
    expect(up.mine.updated.map((i) => i.file)).toEqual([seedName(6)]);
    expect(mainTitles()[0]).toBe(titleOf(6));
    expect(mainTitles()).toHaveLength(15);
    expect(cards(s, 'index.html')[0]!.title).toBe(titleOf(6));
    expect(school()).toEqual([titleOf(6), titleOf(50)]);
    expect(cards(s, 'sources/asbarez/index.html')[0]!.title).toBe(titleOf(6));
    expect(up.mine.written).toEqual(expect.arrayContaining(['archive/1/feed.xml', 'categories/school/feed.xml', 'sources/asbarez/atom.xml', 'shared-by/lena-hakobyan/feed.json']));
    // A story of the main feed (80) moved within it, between 77 and 78; then one (79) moved to the date of another (78),
    // listed beside it by id.
    s.edit(80, (t) => t.replace(/Date: \S+/, at(77.5)));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    s.edit(79, (t) => t.replace(/Date: \S+/, at(78)));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    await s.expectFullRunWritesNothing();
  });

  it('patches a story leaving the top of a topic, or the place whose source\'s home page the topic takes: the next story names it and gives its home, as in a full run', async () => {
    const s = site();
    await s.run();
    // The newest story (89, Hetq) leaves "corpus": 88 names it now.
    s.edit(COUNT - 1, (t) => t.replace(', corpus\n', '\n'));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    expect(cards(s, 'categories/corpus/index.html')[0]!.title).toBe(titleOf(COUNT - 2));
    // And its source for another, which it starts: Hetq's next story (83) names Hetq.
    s.edit(COUNT - 1, (t) => t.replace(/^Hetq:/m, 'Hetq Online:'));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    expect(cards(s, 'sources/hetq/index.html')[0]!.title).toBe(titleOf(83));
    // The newest Asbarez story (84), its source's first and the first with its source's home page in "corpus" and in
    // Emma Jilavian's stories (the newest of which, 88, has none), dated after 70: 78 and 72 come before it.
    s.edit(84, (t) => t.replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + 70.5 * HOUR).toISOString()}`));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    expect(cards(s, 'sources/asbarez/index.html').map((c) => c.title).slice(0, 3)).toEqual([titleOf(78), titleOf(72), titleOf(84)]);
    expect(readFileSync(join(s.out, 'sources/asbarez/index.html'), 'utf8')).toContain('<a href="https://asbarez.com/">Asbarez</a>');
    // 89 dated back to the first day: "talks" is named by 45 now, as it writes it.
    s.edit(COUNT - 1, (t) => t.replace(/Date: \S+/, 'Date: 2024-01-01T10:30:00Z'));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    expect(cards(s, 'categories/talks/index.html').map((c) => c.title)).toEqual([titleOf(45), titleOf(89), titleOf(1)]);
    await s.expectFullRunWritesNothing();
  });

  itMakesAFullRun(
    'after',
    [['a story taken out of a topic whose home page it gave, the next one with a home page not in the feed', (s) => s.edit(84, (t) => t.replace(', corpus\n', '\n')), /home page a topic's page links/]],
    // The feeds show 3 stories: in "corpus", 89, 88 and 87; 84 (Asbarez) is the first with its source's home page.
    () => site(testConfig({ limit: 3, archive: { pageSize: 20 } })),
  );

  it('patches a new date that takes a story out of the main feed, which the newest story it did not show takes', async () => {
    // Only categories: story 86 is the newest of "season" (42 and 86), and stays so when dated just after 42.
    const s = site(testConfig({ limit: 15, archive: { pageSize: 20 }, topics: { sources: false, sharedBy: false } }));
    await s.run();
    const mainTitles = () => descendants(parseXml(readFileSync(join(s.out, 'feed.xml'), 'utf8')), 'item').map((i) => child(i, 'title')?.text);
    expect(mainTitles()).toContain(titleOf(86));
    expect(mainTitles()).not.toContain(titleOf(74));
    s.edit(86, (t) => t.replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + 42.5 * HOUR).toISOString()}`));
    const down = await s.runBesideTwin();
    expect(down.mine.run).toBe('patch');
    expect(mainTitles()).not.toContain(titleOf(86));
    expect(mainTitles()[14]).toBe(titleOf(74));
    expect(cards(s, 'index.html').map((c) => c.title)).toEqual(mainTitles());
    const corpus = cards(s, 'categories/corpus/index.html').map((c) => c.title);
    expect(corpus.indexOf(titleOf(86))).toBe(corpus.indexOf(titleOf(43)) + 1);
    // And back into it, at its old date.
    s.edit(86, (t) => t.replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + 86 * HOUR).toISOString()}`));
    const back = await s.runBesideTwin();
    expect(back.mine.run).toBe('patch');
    expect(mainTitles()).toContain(titleOf(86));
    await s.expectFullRunWritesNothing();
  });

  it("patches a source's home page given by a story while source pages are off: the index's topic homes as a full run makes them", async () => {
    const s = site(testConfig({ limit: 15, archive: { pageSize: 20 }, sources: {}, topics: { sources: false } }));
    await s.run();
    // No story has one yet; the newest one of its categories now does, then an older one, then the newest one another.
    for (const [n, url] of [[COUNT - 1, 'https://hetq.example/'], [40, 'https://news.example/'], [COUNT - 1, 'https://hetq.example/home']] as const) {
      s.edit(n, (t) => `Source-URL: ${url}\n${t.replace(/^Source-URL: .*\n/, '')}`);
      const { mine } = await s.runBesideTwin();
      expect(mine.run).toBe('patch');
    }
    // Taking it away from the story whose home a topic keeps: a full run finds the next one.
    s.edit(COUNT - 1, (t) => t.replace(/^Source-URL: .*\n/, ''));
    const gone = await s.runBesideTwin();
    expect(gone.mine.run).toBe('full');
    expect(gone.mine.patchDeclined).toMatch(/home page a topic's page links/);
  });

  it('makes a full run when a new title may publish a story dropped as its repeat', async () => {
    const s = site();
    // The same story as seed 30 (same source and title), shared again later: published once, under the first.
    writeFileSync(join(s.seeds, 'zz-again.txt'), seedText(30).replace(/Date: \S+/, 'Date: 2025-12-01T00:00:00Z'));
    s.settle(join(s.seeds, 'zz-again.txt'));
    await s.run();
    s.edit(30, (t) => t.replace(`number 30`, 'number 30, told again'));
    const { mine, twin } = await s.runBesideTwin();
    expect(mine.run).toBe('full');
    expect(mine.patchDeclined).toMatch(/may no longer be the story another seed repeats/);
    // Now two stories: both published.
    expect(twin.counts.published).toBe(COUNT + 1);
    expect(cards(s, 'categories/corpus/index.html').filter((c) => c.title.startsWith(titleOf(30)))).toHaveLength(2);
  });

  it('publishes seeds removed: their pages deleted, the feeds that showed them filled with the next stories, their cards and counts gone, with the bytes of a full run', async () => {
    const s = site();
    // Seeds 73 and 72 have the date of seed 74: the main feed takes them in the order of their ids, as a full run.
    const dated = (n: number) => seedText(n).match(/Date: \S+/)![0];
    for (const n of [73, 72]) s.edit(n, (t) => t.replace(/Date: \S+/, dated(74)));
    // The oldest story, whose file is listed last: first in the log.
    writeFileSync(join(s.seeds, 'zz-old.txt'), seedText(COUNT + 5).replace(/Date: \S+/, 'Date: 2023-03-01T00:00:00Z'));
    s.settle(join(s.seeds, 'zz-old.txt'));
    await s.run();
    const page = (n: number) => `articles/${readdirSync(join(s.out, 'articles')).find((f) => f.endsWith(`-number-${n}.html`))}`;
    const entryTitles = () => atom(s, 'atom.xml').children.filter((c) => c.local === 'entry').map((e) => e.children.find((c) => c.local === 'title')!.text);
    const newest = page(COUNT - 1);
    // The newest story: first in the main feed (seeds 89 to 75) and in each of its topics.
    unlinkSync(join(s.seeds, seedName(COUNT - 1)));
    const first = await s.runBesideTwin();
    expect(first.mine.run).toBe('patch');
    expect(first.mine.removed.map((r) => r.file)).toEqual([seedName(COUNT - 1)]);
    expect(first.mine.deleted).toEqual([newest]);
    expect(existsSync(join(s.out, newest))).toBe(false);
    const titles = entryTitles();
    expect(titles).toHaveLength(15);
    expect(titles[0]).toBe(titleOf(COUNT - 2));
    expect([titleOf(74), titleOf(73), titleOf(72)]).toContain(titles[14]);
    expect(cards(s, 'index.html').map((c) => c.title)).toEqual(titles);
    expect(cards(s, 'categories/corpus/index.html')).toHaveLength(COUNT);
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).toContain(`>corpus</a> (${COUNT})`);

    // Four at once: two the main feed shows, which takes the other two of that date; two old ones, on the same archive page.
    for (const n of [85, 86, 20, 26]) unlinkSync(join(s.seeds, seedName(n)));
    const four = await s.runBesideTwin();
    expect(four.mine.run).toBe('patch');
    expect(four.mine.counts.removed).toBe(4);
    expect(entryTitles().slice(12).sort()).toEqual([titleOf(74), titleOf(73), titleOf(72)].sort());
    expect(cards(s, 'categories/corpus/index.html').map((c) => c.title)).not.toContain(titleOf(20));
    // Reported in the log's order, which is not the listing's.
    unlinkSync(join(s.seeds, 'zz-old.txt'));
    unlinkSync(join(s.seeds, seedName(5)));
    const order = await s.runBesideTwin();
    expect(order.mine.patchDeclined).toBeUndefined();
    expect(order.mine.run).toBe('patch');
    expect(order.mine.removed.map((r) => r.file)).toEqual(['zz-old.txt', seedName(5)]);
    // The newest Asbarez story, whose home page its source's page and its categories' homes take: the next one's.
    unlinkSync(join(s.seeds, seedName(84)));
    const home = await s.runBesideTwin();
    expect(home.mine.patchDeclined).toBeUndefined();
    expect(home.mine.run).toBe('patch');
    expect(readFileSync(join(s.out, 'sources/asbarez/index.html'), 'utf8')).toContain('<a href="https://asbarez.com/">Asbarez</a>');
    // An old story alone: the main feed stays as it is.
    unlinkSync(join(s.seeds, seedName(30)));
    const old = await s.runBesideTwin();
    expect(old.mine.run).toBe('patch');
    expect(old.mine.written).not.toContain('feed.xml');
    // Removed, a story's seed may come back: a full run revives its entry.
    s.add(20);
    const back = await s.runBesideTwin();
    expect(back.mine.run).toBe('full');
    await s.expectFullRunWritesNothing();
  });

  it('deletes nothing when a patch run that removes a seed cannot write the log: the page stays until a run succeeds', async () => {
    const s = site();
    await s.run();
    expect((await s.run()).run).toBe('no-op');
    const page = `articles/${readdirSync(join(s.out, 'articles')).find((f) => f.endsWith(`-number-${COUNT - 1}.html`))}`;
    unlinkSync(join(s.seeds, seedName(COUNT - 1)));
    const before = bytesUnder(s.out);
    // The journal cannot be written (a full disk, a folder that became read-only), as log-file.ts says when it fails.
    const write = vi.spyOn(logFile, 'writeLogSplices').mockImplementation(() => {
      throw new OutputError(`${journalPathFor(s.statePath)} not written, the old file is unchanged: ENOSPC: no space left on device, write`);
    });
    // The run fails as the CLI reports with exit code 4 (nothing written).
    await expect(s.run()).rejects.toThrow(/journal not written, the old file is unchanged/);
    expect(write).toHaveBeenCalledTimes(1);
    write.mockRestore();
    const after = bytesUnder(s.out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, bytes] of before) expect(after.get(path)?.equals(bytes), path).toBe(true);
    // Once the log can be written, the removal is made, and the page goes.
    const next = await s.run();
    expect(next.exitCode).toBe(0);
    expect(next.deleted).toEqual([page]);
    expect(existsSync(join(s.out, page))).toBe(false);
    expect(readdirSync(join(s.out, 'articles')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('patches seeds removed and others edited in one run: the removals first, then the edits among the stories they left, with the bytes of a full run', async () => {
    const s = site();
    await s.run();
    // The newest story removed, an old one edited.
    unlinkSync(join(s.seeds, seedName(COUNT - 1)));
    s.addSentence(3);
    const first = await s.runBesideTwin();
    expect(first.mine.run).toBe('patch');
    expect(first.mine.removed.map((r) => r.file)).toEqual([seedName(COUNT - 1)]);
    expect(first.mine.updated.map((i) => i.file)).toEqual([seedName(3)]);
    // The newest Asbarez story (84) removed, and the next one (78), which takes its place as the source's newest story
    // and home, given a new title: its source's page shows it as edited.
    unlinkSync(join(s.seeds, seedName(84)));
    s.edit(78, (t) => t.replace(titleOf(78), 'Asbarez story that now leads its source'));
    const home = await s.runBesideTwin();
    expect(home.mine.run).toBe('patch');
    expect(cards(s, 'sources/asbarez/index.html')[0]!.title).toBe('Asbarez story that now leads its source');
    expect(readFileSync(join(s.out, 'sources/asbarez/index.html'), 'utf8')).toContain('<a href="https://asbarez.com/">Asbarez</a>');
    // A story of "question" (82) removed, which leaves 38 there, and another (60) joining it ahead of 38.
    const question = () => cards(s, 'categories/question/index.html').map((c) => c.title);
    expect(question()).toEqual([titleOf(82), titleOf(38)]);
    unlinkSync(join(s.seeds, seedName(82)));
    s.edit(60, (t) => t.replace(/^Categories: /m, 'Categories: question, '));
    const joined = await s.runBesideTwin();
    expect(joined.mine.run).toBe('patch');
    expect(question()).toEqual([titleOf(60), titleOf(38)]);
    // A story of the main feed removed, and an old one dated into it.
    unlinkSync(join(s.seeds, seedName(80)));
    s.edit(10, (t) => t.replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + 79.5 * HOUR).toISOString()}`));
    const dated = await s.runBesideTwin();
    expect(dated.mine.run).toBe('patch');
    expect(cards(s, 'index.html').map((c) => c.title)).toContain(titleOf(10));
    await s.expectFullRunWritesNothing();
    // The removals' checks come before the edits: "school" (50, then 6) loses its home story (6, Asbarez, with its
    // source's home page), which no other story has, while 50 is given one. The index's topic homes are a full run's.
    const t = site(testConfig({ limit: 15, archive: { pageSize: 20 }, topics: { sources: false } }));
    await t.run();
    unlinkSync(join(t.seeds, seedName(6)));
    t.edit(50, (text) => `Source-URL: https://azatutyun.example/\n${text}`);
    expect((await t.runBesideTwin()).mine.run).toBe('patch');
    // A removal and an edit that starts a topic listed before all others: the removal's checks set the homes of the
    // topics where they were ("school" loses its home story, 6), before the new topic moves their places.
    const u = site();
    await u.run();
    unlinkSync(join(u.seeds, seedName(6)));
    u.edit(20, (text) => text.replace(/^Categories: /m, 'Categories: Aardvarks, '));
    expect((await u.runBesideTwin()).mine.run).toBe('patch');
    // The story the main feed takes in a removed one's place (74) given an older date, just after 30, the other story
    // of its category: the main feed takes the next one (73) instead.
    const mainTitles = () => descendants(parseXml(readFileSync(join(u.out, 'feed.xml'), 'utf8')), 'item').map((i) => child(i, 'title')?.text);
    unlinkSync(join(u.seeds, seedName(88)));
    u.edit(74, (text) => text.replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + 30.5 * HOUR).toISOString()}`));
    const refilled = await u.runBesideTwin();
    expect(refilled.mine.run).toBe('patch');
    expect(mainTitles().at(-1)).toBe(titleOf(73));
    expect(mainTitles()).not.toContain(titleOf(74));
    await u.expectFullRunWritesNothing();
  });

  it('patches seeds removed and others added in one run, the listing walked in its own order', async () => {
    const s = site();
    await s.run();
    // An old story removed, a new one added.
    unlinkSync(join(s.seeds, seedName(4)));
    s.add(COUNT);
    const first = await s.runBesideTwin();
    expect(first.mine.run).toBe('patch');
    expect(first.mine.removed.map((r) => r.file)).toEqual([seedName(4)]);
    expect(first.mine.new.map((i) => i.title)).toEqual([titleOf(COUNT)]);
    // A story of the main feed removed, and an old one added, which it does not show: the main feed takes the next story.
    unlinkSync(join(s.seeds, seedName(88)));
    s.add(COUNT + 1, (t) => t.replace(/Date: \S+/, 'Date: 2023-05-01T00:00:00Z'));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    // A story removed, and a seed of another name telling it (its source and title, not its bytes): the story renamed
    // and edited in one go, which keeps its id and page. A full run decides that (the build cache has the removed
    // seed's story); the patch declines.
    const idOf12 = (JSON.parse(readLogFile(s.statePath)!.bytes.toString('utf8')).entries as { id: string; file: string }[]).find((e) => e.file === seedName(12))!.id;
    unlinkSync(join(s.seeds, seedName(12)));
    writeFileSync(join(s.seeds, 'zz-again.txt'), seedText(12).replace(/Date: \S+/, 'Date: 2025-02-01T00:00:00Z'));
    s.settle(join(s.seeds, 'zz-again.txt'));
    const again = await s.runBesideTwin();
    expect(again.mine.run).toBe('full');
    expect([again.mine.new, again.mine.removed]).toEqual([[], []]);
    expect(again.mine.updated).toEqual([{ id: idOf12, file: 'zz-again.txt', title: titleOf(12) }]);
    // A seed in a folder named as a seed is without its ending ("00006_seed/"), which the listing puts before
    // "00006_seed.txt" (a path compared as a whole would come after it), and a seed after it removed.
    mkdirSync(join(s.seeds, '00006_seed'));
    writeFileSync(join(s.seeds, '00006_seed', 'inside.txt'), seedText(COUNT + 2));
    s.settle(join(s.seeds, '00006_seed', 'inside.txt'));
    unlinkSync(join(s.seeds, seedName(7)));
    const folder = await s.runBesideTwin();
    expect(folder.mine.run).toBe('patch');
    expect(folder.mine.removed.map((r) => r.file)).toEqual([seedName(7)]);
    expect(folder.mine.new.map((i) => i.file)).toEqual(['00006_seed/inside.txt']);
    await s.expectFullRunWritesNothing();
  });

  it('patches seeds renamed: each keeps its entry (found by its bytes), its id, its date and its places, and nothing else changes', async () => {
    const s = site();
    await s.run();
    const feedBefore = readFileSync(join(s.out, 'feed.xml'), 'utf8');
    // The newest story into a folder, and an old one to a name listed elsewhere, besides an edit.
    const rename = (from: string, to: string) => {
      mkdirSync(join(s.seeds, to, '..'), { recursive: true });
      copyFileSync(join(s.seeds, from), join(s.seeds, to));
      s.settle(join(s.seeds, to));
      unlinkSync(join(s.seeds, from));
    };
    rename(seedName(COUNT - 1), 'kept/newest.txt');
    rename(seedName(8), 'zz-eight.txt');
    const renamed = await s.runBesideTwin();
    expect(renamed.mine.run).toBe('patch');
    expect(renamed.mine.written).toEqual([]);
    expect(renamed.mine.new).toEqual([]);
    expect(renamed.mine.removed).toEqual([]);
    expect(readFileSync(join(s.out, 'feed.xml'), 'utf8')).toBe(feedBefore);
    const entries = (JSON.parse(readLogFile(s.statePath)!.bytes.toString('utf8')) as { entries: { file: string; removed?: string }[] }).entries;
    expect(entries.map((e) => e.file)).toEqual(expect.arrayContaining(['kept/newest.txt', 'zz-eight.txt']));
    expect(entries.filter((e) => e.removed)).toEqual([]);
    // A renamed seed edited in the next run, and one renamed beside an edit, an addition and a removal.
    s.addSentence(2);
    s.edit(0, (t) => t);
    writeFileSync(join(s.seeds, 'kept/newest.txt'), readFileSync(join(s.seeds, 'kept/newest.txt'), 'utf8').replace('A short standfirst', 'A longer standfirst'));
    s.settle(join(s.seeds, 'kept/newest.txt'));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    rename(seedName(20), 'kept/twenty.txt');
    s.addSentence(30);
    s.add(COUNT);
    unlinkSync(join(s.seeds, seedName(40)));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    // A seed copied and its original removed in one run is a rename too; a copy beside its original is not.
    copyFileSync(join(s.seeds, seedName(50)), join(s.seeds, 'copy-of-fifty.txt'));
    s.settle(join(s.seeds, 'copy-of-fifty.txt'));
    const copy = await s.runBesideTwin();
    expect(copy.mine.run).toBe('full');
    // A plain-text seed renamed to Markdown is read another way: a full run reads it.
    copyFileSync(join(s.seeds, seedName(70)), join(s.seeds, 'seventy.md'));
    s.settle(join(s.seeds, 'seventy.md'));
    unlinkSync(join(s.seeds, seedName(70)));
    const markdown = await s.runBesideTwin();
    expect(markdown.mine.run).toBe('full');
    expect(markdown.mine.patchDeclined).toMatch(/read another way/);
    // A seed removed, then its bytes back under another name while another is removed: a full run revives its entry.
    unlinkSync(join(s.seeds, seedName(60)));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    writeFileSync(join(s.seeds, 'back-sixty.txt'), seedText(60));
    s.settle(join(s.seeds, 'back-sixty.txt'));
    unlinkSync(join(s.seeds, seedName(61)));
    const back = await s.runBesideTwin();
    expect(back.mine.run).toBe('full');
    expect(back.mine.patchDeclined).toMatch(/bytes of an entry/);
    await s.expectFullRunWritesNothing();
  });

  const removalSite = () => {
    const s = site(testConfig({ limit: 15, archive: { pageSize: 20 }, sources: {} }));
    // Topic "talks" is named by seed 89; seed 45 writes it "Talks".
    s.edit(45, (t) => t.replace(/^Categories: talks/m, 'Categories: Talks'));
    // The newest Civilnet story has the source's home page, which its page links; no other has.
    s.edit(COUNT - 2, (t) => `Source-URL: https://civilnet.example/\n${t}`);
    // A story of its own category.
    s.add(COUNT, (t) => t.replace(/^Categories: .*$/m, 'Categories: solitary'));
    // The same story as seed 30, shared again later.
    writeFileSync(join(s.seeds, 'zz-again.txt'), seedText(30).replace(/Date: \S+/, 'Date: 2025-12-01T00:00:00Z'));
    s.settle(join(s.seeds, 'zz-again.txt'));
    return s;
  };
  it('makes a full run when a seed that names its own id is removed or renamed while another names it too, and patches one that stops naming it', async () => {
    for (const change of ['edit', 'remove', 'rename'] as const) {
      const s = site();
      const own = (t: string) => `Id: tag:seeds.example.org,2024-01-01:own-id\n${t}`;
      s.edit(12, own);
      await s.run();
      // Another seed names the same id: rejected, as seed 12 has it.
      s.edit(13, own);
      const rejected = await s.run();
      expect(rejected.diagnostics.map((d) => d.rule)).toContain('duplicate-id');
      // Seed 12 stops naming the id: its story keeps it, as published ids never move, and seed 13 is still rejected.
      // Seed 12 removed, or renamed past seed 13: the full run gives the id to seed 13.
      if (change === 'edit') s.edit(12, (t) => t.replace(/^Id: .*\n/, ''));
      else if (change === 'remove') unlinkSync(join(s.seeds, seedName(12)));
      else {
        // Renamed past seed 13: neither holds the id under its name in the log, and path order gives it to 13.
        copyFileSync(join(s.seeds, seedName(12)), join(s.seeds, 'zz-twelve.txt'));
        s.settle(join(s.seeds, 'zz-twelve.txt'));
        unlinkSync(join(s.seeds, seedName(12)));
      }
      const { mine, twin } = await s.runBesideTwin();
      // Seed 12 keeps the id whether or not it names it (a story on disk keeps its id): the edit is patched.
      expect(mine.run).toBe(change === 'edit' ? 'patch' : 'full');
      if (change !== 'edit') expect(mine.patchDeclined).toMatch(/names an id another seed has/);
      expect(mine.diagnostics.filter((d) => d.rule === 'duplicate-id').map((d) => d.file)).toEqual(twin.diagnostics.filter((d) => d.rule === 'duplicate-id').map((d) => d.file));
      // Renamed, seed 12 is the one rejected now.
      expect(twin.rejected).toEqual(change === 'rename' ? ['zz-twelve.txt'] : change === 'edit' ? [seedName(13)] : []);
      // The story that has the id is published under it, at the page of its entry.
      const entries = readdirSync(join(s.out, 'archive')).flatMap((n) => atom(s, `archive/${n}/atom.xml`).children.filter((c) => c.local === 'entry'));
      const entry = entries.find((c) => c.children.some((e) => e.local === 'id' && e.text === 'tag:seeds.example.org,2024-01-01:own-id'))!;
      expect(entry.children.find((c) => c.local === 'title')!.text).toBe(titleOf(change === 'edit' ? 12 : 13));
    }
  });

  const removals: [string, (s: Site) => void, RegExp][] = [
    ['the newest story of a topic another story writes in another case', (s) => unlinkSync(join(s.seeds, seedName(COUNT - 1))), /its topic would be renamed/],
    ["the story whose source's home page a topic's page links", (s) => unlinkSync(join(s.seeds, seedName(COUNT - 2))), /home page a topic's page links/],
    ['a story another seed repeats', (s) => unlinkSync(join(s.seeds, seedName(30))), /dropped as its repeat/],
    ['a story dropped as a repeat', (s) => unlinkSync(join(s.seeds, 'zz-again.txt')), /had published no item/],
    [`more than 16 seeds`, (s) => {
      for (let n = 0; n <= 16; n++) unlinkSync(join(s.seeds, seedName(n)));
    }, /more than 16 seeds removed/],
  ];
  it('patches the only story of a topic removed: the topic kept, empty, as a full run keeps it', async () => {
    const s = removalSite();
    await s.run();
    expect(cards(s, 'categories/solitary/index.html').map((c) => c.title)).toEqual([titleOf(COUNT)]);
    unlinkSync(join(s.seeds, seedName(COUNT)));
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(cards(s, 'categories/solitary/index.html')).toEqual([]);
    // The home page lists topics with stories only.
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).not.toContain('>solitary</a>');
    await s.expectFullRunWritesNothing();
    // A topic emptied by a removal and an edit in one run: its page changed by both.
    const t = removalSite();
    await t.run();
    const talks = () => cards(t, 'categories/talks/index.html').map((x) => x.title);
    expect(talks()).toHaveLength(3);
    t.edit(COUNT - 1, (text) => text.replace(/^Categories: talks, /m, 'Categories: '));
    t.edit(45, (text) => text.replace(/^Categories: Talks, /m, 'Categories: '));
    unlinkSync(join(t.seeds, seedName(1)));
    const emptied = await t.runBesideTwin();
    expect(emptied.mine.run).toBe('patch');
    expect(talks()).toEqual([]);
  });

  itMakesAFullRun('after removing', removals, removalSite);

  it('publishes an added seed by rendering only what shows it, with the bytes of a full run, then keeps going', async () => {
    const s = site();
    await s.run();
    s.add(COUNT);
    const { mine, twin } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.counts.new).toBe(1);
    expect(mine.new).toEqual(twin.new);
    expect(mine.written).toContain('index.html');
    expect(mine.written).toContain('feed.xml');
    expect(mine.written.some((p) => p.startsWith('categories/corpus/index.html'))).toBe(true);
    // As a reader sees it: the new story first in the main feed, and counted on the home page.
    const doc = atom(s, 'atom.xml');
    const first = doc.children.find((c) => c.local === 'entry')!;
    expect(first.children.find((c) => c.local === 'title')!.text).toContain(`number ${COUNT}`);
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).toContain(`>corpus</a> (${COUNT + 1})`);
    expect((await s.run()).run).toBe('no-op');
    // Only the changed seed is read: the other items of the feeds and the home page come from their texts there.
    const parses = vi.spyOn(parsePool, 'runParseJob');
    s.addSentence(COUNT);
    expect((await s.run()).run).toBe('patch');
    expect(parses.mock.calls.map(([job]) => job.file.file)).toEqual([seedName(COUNT)]);
    parses.mockRestore();
    // An edit of it, another addition, an older story added: each patched, each the bytes of a full run.
    s.addSentence(COUNT, 'Another sentence.');
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    s.add(COUNT + 1);
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    s.add(COUNT + 2, (t) => t.replace(/Date: \S+/, 'Date: 2024-01-02T07:30:00Z'));
    const older = await s.runBesideTwin();
    expect(older.mine.run).toBe('patch');
    expect(older.mine.written).not.toContain('feed.xml');
    // A topic feed and the home page edited by hand: the no-op check sees them changed (fastpath.ts `watchedOutputs`), so a full run puts them right.
    for (const path of ['categories/corpus/atom.xml', 'index.html']) {
      writeFileSync(join(s.out, path), readFileSync(join(s.out, path), 'utf8').replace(`number ${COUNT - 3}<`, `number ${COUNT - 3}, edited by hand<`));
    }
    s.add(COUNT + 3);
    const repaired = await s.runBesideTwin();
    expect(repaired.mine.run).toBe('full');
    expect(readFileSync(join(s.out, 'categories/corpus/atom.xml'), 'utf8')).not.toContain('edited by hand');
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).not.toContain('edited by hand');
    await s.expectFullRunWritesNothing();
  });

  it('patches several seeds added at once, one undated, one whose title another story has', async () => {
    const s = site();
    await s.run();
    s.add(COUNT);
    s.add(COUNT + 1, (t) => t.replace(/Date: \S+\n/, ''));
    // The title of seed 7 from another source: not the same story, but the same slug, so this one gets "-2".
    s.add(COUNT + 2, () => seedText(7).replace(/^The Armenian Weekly:/m, 'Hetq:').replace(/Date: \S+/, 'Date: 2025-03-03T03:03:03Z'));
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.counts.new).toBe(3);
    expect(mine.new.some((n) => n.id.endsWith('-2'))).toBe(true);
  });

  it('finds the slug a full run gives a title published three times already', async () => {
    const s = site();
    const same = (source: string, hours: number) => (t: string) =>
      t.replace(/^.+: .+ number \d+$/m, `${source}: A headline shared by many stories`).replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2025, 0, 1) + hours * 3_600_000).toISOString()}`);
    s.add(COUNT, same('Asbarez', 1));
    s.add(COUNT + 1, same('Civilnet', 2));
    s.add(COUNT + 2, same('Hetq', 3));
    await s.run();
    s.add(COUNT + 3, same('Azatutyun', 4));
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.new.map((n) => n.id)).toEqual([expect.stringMatching(/a-headline-shared-by-many-stories-4$/)]);
  });

  it('patches seeds added with the date of stories published already, listed beside them by id as a full run lists them', async () => {
    const s = site();
    await s.run();
    /** Seed `n` under another title (so another slug and id), dated as seed `as` is. */
    const datedAs = (n: number, as: number, title: string) =>
      s.add(n, (t) => t.replace(/^(.+?): .+ number \d+$/m, `$1: ${title}`).replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + as * 3_600_000).toISOString()}`));
    // Beside an old story, one before it by id and one after it, in one run; then beside the newest story.
    datedAs(COUNT, 40, 'Aardvarks counted in the valley again');
    datedAs(COUNT + 1, 40, 'Zebra crossings painted on the bridge');
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.counts.new).toBe(2);
    // Beside the newest story, one before it and one after it: in the main feed and the corpus feed (the entries after the last full archive page wait for the next).
    datedAs(COUNT + 2, COUNT - 1, 'Aardvarks seen near the station');
    datedAs(COUNT + 3, COUNT - 1, 'Zebras seen near the station');
    const newest = await s.runBesideTwin();
    expect(newest.mine.run).toBe('patch');
    expect(newest.mine.written).toContain('feed.xml');
    const titles = descendants(parseXml(readFileSync(join(s.out, 'feed.xml'), 'utf8')), 'item')
      .slice(0, 3)
      .map((i) => child(i, 'title')?.text);
    expect(titles[0]).toBe('Aardvarks seen near the station');
    expect(titles[2]).toBe('Zebras seen near the station');
    // A category written in another case names its topic only as the topic's newest story: tied with the newest and
    // sorting after it, it is not, and the topic keeps its name.
    s.add(COUNT + 4, (t) => t.replace(/^(.+?): .+ number \d+$/m, '$1: Zebras counted at the corpus border').replace('Categories: ', 'Categories: CORPUS, ').replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + (COUNT - 1) * 3_600_000).toISOString()}`));
    const cased = await s.runBesideTwin();
    expect(cased.mine.run).toBe('patch');
  });

  const addsMore: [string, (s: Site) => void, RegExp][] = [
    ['two new categories a full run might name in another order', (s) => s.add(COUNT, (t) => t.replace('Categories: ', 'Categories: Brand New, brand-new, ')), /names alike/],
    ['a story published already', (s) => s.add(COUNT, () => seedText(12).replace(/Date: \S+/, 'Date: 2025-06-01T00:00:00Z')), /published already/],
    ['a copy of a seed', (s) => s.add(COUNT, () => readFileSync(join(s.seeds, seedName(12)), 'utf8')), /bytes of an entry/],
    ['an id of its own', (s) => s.add(COUNT, (t) => `Id: tag:seeds.example.org,2024-01-01:new-own\n${t}`), /names its own id/],
    ['an error', (s) => s.add(COUNT, (t) => t.replace(/Date: \S+/, 'Date: someday')), /rejected, or a draft/],
    ['a category in another case, newest of its topic', (s) => s.add(COUNT, (t) => t.replace('Categories: ', 'Categories: CORPUS, ')), /rename a topic/],
    ['a link to its source that the page of the source would take', (s) => s.add(COUNT, (t) => `Source: Hetq\nSource-URL: https://hetq.example.org/\n${t}`), /home page a source's page links/],
    ['an edit besides that starts a topic whose name a full run might give the other way round', (s) => {
      // The edit's is started first, and would take the bare slug, which a full run gives "brand new" (it sorts first).
      s.add(COUNT, (t) => t.replace('Categories: ', 'Categories: Brand New, '));
      s.edit(3, (t) => t.replace(/^Categories: /m, 'Categories: brand-new, '));
    }, /names alike/],
  ];
  itMakesAFullRun('after a seed added with', addsMore, () => site());

  it('patches seeds edited and added in one run, each placed where the other left the stories and pages, with the bytes of a full run', async () => {
    const s = site();
    await s.run();
    // A body edit of an old story and a new story.
    s.addSentence(3);
    s.add(COUNT);
    const first = await s.runBesideTwin();
    expect(first.mine.run).toBe('patch');
    expect(first.mine.new.map((i) => i.title)).toEqual([titleOf(COUNT)]);
    expect(first.mine.updated.map((i) => i.file)).toEqual([seedName(3)]);
    // A new title for a story of "ministry" (88) and a new story in "ministry": the edit's card changed and the
    // addition's put in, on one page.
    const ministry = () => cards(s, 'categories/ministry/index.html').map((c) => c.title);
    const before = ministry();
    s.edit(88, (t) => t.replace(titleOf(88), 'Ministry answers the valley at last'));
    s.add(COUNT + 1, (t) => t.replace('Categories: ', 'Categories: ministry, '));
    const second = await s.runBesideTwin();
    expect(second.mine.run).toBe('patch');
    expect(ministry()).toEqual([titleOf(COUNT + 1), ...before.map((t) => (t === titleOf(88) ? 'Ministry answers the valley at last' : t))]);
    expect(cards(s, 'index.html').map((c) => c.title).slice(0, 4)).toEqual([titleOf(COUNT + 1), titleOf(COUNT), titleOf(89), 'Ministry answers the valley at last']);
    // An edit that starts a category, and a new story in it (written in lowercase): the page the edit made whole
    // takes the new story's card, and the topic is named as its newest story writes it.
    s.edit(30, (t) => t.replace(/^Categories: /m, 'Categories: Harbour Lights, '));
    s.add(COUNT + 2, (t) => t.replace('Categories: ', 'Categories: harbour lights, ').replace(/Date: \S+/, 'Date: 2023-06-01T00:00:00Z'));
    const third = await s.runBesideTwin();
    expect(third.mine.run).toBe('patch');
    expect(cards(s, 'categories/harbour-lights/index.html').map((c) => c.title)).toEqual([titleOf(30), titleOf(COUNT + 2)]);
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).toContain('>Harbour Lights</a> (2)');
    // A new story that starts the category listed first, which moves every other topic's place in the index, and a
    // new title for a story of a later one (85, "budget") and a new category for another (60): the stamps of their
    // pages go to their topics' new places (the twin check compares them with the files).
    s.add(COUNT + 3, (t) => t.replace('Categories: ', 'Categories: Aardvarks, '));
    s.edit(85, (t) => t.replace(titleOf(85), 'Budget ends early in the orchard'));
    s.edit(60, (t) => t.replace(/^Categories: /m, 'Categories: Zither Makers, '));
    const fourth = await s.runBesideTwin();
    expect(fourth.mine.run).toBe('patch');
    expect(cards(s, 'categories/aardvarks/index.html').map((c) => c.title)).toEqual([titleOf(COUNT + 3)]);
    expect(cards(s, 'categories/zither-makers/index.html').map((c) => c.title)).toEqual([titleOf(60)]);
    expect(cards(s, 'categories/budget/index.html').map((c) => c.title)).toContain('Budget ends early in the orchard');
    // And the run after it patches again, from the stamps it left.
    s.addSentence(85);
    s.add(COUNT + 4, (t) => t.replace('Categories: ', 'Categories: budget, '));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    await s.expectFullRunWritesNothing();
  });

  it('patches edits and additions that meet: the last entry edited, a title given up and taken, one date in one topic, a story pushed out of the feeds', async () => {
    const s = site();
    await s.run();
    // The log's last entry (89) edited while entries are appended after it.
    s.addSentence(89);
    s.add(COUNT);
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    // Seed 87 (news.am) gives up its title, and a new news.am story takes it: not the same story any more (the edit
    // is placed first, with its new title).
    const old87 = titleOf(87);
    expect(seedText(87)).toContain(`news.am: ${old87}`);
    s.edit(87, (t) => t.replace(old87, 'news.am renames its own story'));
    s.add(COUNT + 1, (t) => t.replace(/^(.+?): .+ number \d+$/m, `news.am: ${old87}`));
    const taken = await s.runBesideTwin();
    expect(taken.mine.run).toBe('patch');
    expect(taken.mine.new.map((i) => i.title)).toEqual([old87]);
    // An Asbarez story (84) with a new title, and a new Asbarez story of its date: listed beside it by id, on the
    // source's page whose home page both link.
    s.edit(84, (t) => t.replace(titleOf(84), 'Asbarez story under a new title'));
    s.add(COUNT + 2, (t) => t.replace(/^(.+?): .+ number \d+$/m, 'Asbarez: Another Asbarez story that day').replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + 84 * HOUR).toISOString()}`));
    const beside = await s.runBesideTwin();
    expect(beside.mine.run).toBe('patch');
    const asbarez = cards(s, 'sources/asbarez/index.html').map((c) => c.title);
    expect(asbarez.indexOf('Another Asbarez story that day') - asbarez.indexOf('Asbarez story under a new title')).toBe(-1);
    // A body edit of the last story of the main feed (15 items), which the new stories push out of it.
    const main = () => descendants(parseXml(readFileSync(join(s.out, 'feed.xml'), 'utf8')), 'item').map((i) => child(i, 'title')?.text);
    const last = main()[14]!;
    const lastSeed = [...Array(COUNT).keys()].find((n) => titleOf(n) === last)!;
    s.addSentence(lastSeed);
    s.add(COUNT + 3);
    const pushed = await s.runBesideTwin();
    expect(pushed.mine.run).toBe('patch');
    expect(main()).not.toContain(last);
    expect(pushed.mine.updated.map((i) => i.file)).toEqual([seedName(lastSeed)]);
    await s.expectFullRunWritesNothing();
  });

  it('patches seeds added with new topics: their pages, feeds, lines on the home page and in the OPML, and slugs in the log, as a full run makes them', async () => {
    const s = site();
    await s.run();
    // Two new categories and a new source at once.
    s.add(COUNT, (t) => t.replace('Categories: ', 'Categories: Night Trains, Ծով, ').replace(/^(Asbarez|The Armenian Weekly|Azatutyun|news\.am|Civilnet|Hetq):/m, 'Unheard Of Daily:'));
    const first = await s.runBesideTwin();
    expect(first.mine.run).toBe('patch');
    for (const path of ['categories/night-trains/', 'categories/ծով/', 'sources/unheard-of-daily/']) {
      expect(first.mine.written).toEqual(expect.arrayContaining([`${path}index.html`, `${path}feed.xml`, `${path}atom.xml`, `${path}feed.json`]));
    }
    expect(first.mine.written).toContain('feeds.opml');
    // As a reader finds them: the story in the new topic's page and feed, the feed in the OPML, the topic on the home page.
    expect(cards(s, 'categories/night-trains/index.html').map((c) => c.title)).toEqual([titleOf(COUNT)]);
    const feed = atom(s, 'categories/night-trains/atom.xml');
    expect(feed.children.find((c) => c.local === 'title')!.text).toBe('Night Trains - Test feed');
    expect(feed.children.filter((c) => c.local === 'entry')).toHaveLength(1);
    expect(readFileSync(join(s.out, 'feeds.opml'), 'utf8')).toContain('xmlUrl="https://seeds.example.org/categories/night-trains/feed.xml"');
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).toContain('>Night Trains</a> (1)');
    // A second story in it, older: patched too, the topic named as before.
    s.add(COUNT + 1, (t) => t.replace('Categories: ', 'Categories: night trains, ').replace(/Date: \S+/, 'Date: 2024-01-02T00:00:00Z'));
    const second = await s.runBesideTwin();
    expect(second.mine.run).toBe('patch');
    expect(cards(s, 'categories/night-trains/index.html').map((c) => c.title)).toEqual([titleOf(COUNT), titleOf(COUNT + 1)]);
    // A topic listed before all others: the feeds after it still take their items from their files.
    const parses = vi.spyOn(parsePool, 'runParseJob');
    s.add(COUNT + 2, (t) => t.replace('Categories: ', 'Categories: Aardvarks, '));
    expect((await s.run()).run).toBe('patch');
    expect(parses.mock.calls.map(([job]) => job.file.file)).toEqual([seedName(COUNT + 2)]);
    parses.mockRestore();
    await s.expectFullRunWritesNothing();
  });

  it('patches a seed added, and one edited, that start the first topic of their kinds: the kind\'s folder made, its section on the home page', async () => {
    const s = site();
    // No story has a sharer: there is no shared-by folder.
    for (let n = 0; n < COUNT; n++) s.edit(n, (t) => t.replace(/\n\n[^\n]+:\n$/, '\n'));
    await s.run();
    expect(existsSync(join(s.out, 'shared-by'))).toBe(false);
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).not.toContain('Lena Hakobyan');
    s.add(COUNT);
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(existsSync(join(s.out, 'shared-by', 'lena-hakobyan', 'feed.xml'))).toBe(true);
    expect(cards(s, 'shared-by/lena-hakobyan/index.html').map((c) => c.title)).toEqual([titleOf(COUNT)]);
    expect(readFileSync(join(s.out, 'index.html'), 'utf8')).toContain('>Lena Hakobyan</a> (1)');
    expect(readFileSync(join(s.out, 'feeds.opml'), 'utf8')).toContain('xmlUrl="https://seeds.example.org/shared-by/lena-hakobyan/feed.xml"');
    // The same by an edit: an old story given the site's first sharer.
    const t = site();
    for (let n = 0; n < COUNT; n++) t.edit(n, (text) => text.replace(/\n\n[^\n]+:\n$/, '\n'));
    await t.run();
    t.edit(5, (text) => `${text}\nAram Petrosyan:\n`);
    const edited = await t.runBesideTwin();
    expect(edited.mine.run).toBe('patch');
    expect(cards(t, 'shared-by/aram-petrosyan/index.html').map((c) => c.title)).toEqual([titleOf(5)]);
    await t.expectFullRunWritesNothing();
  });

  it('patches seeds added after the last full archive page, which no archive page shows yet, and the one that fills the next, which appears whole (RFC 5005)', async () => {
    const s = site(testConfig({ limit: 15, archive: { pageSize: 30 } }));
    await s.run();
    const links = (path: string) =>
      Object.fromEntries(
        atom(s, path)
          .children.filter((c) => c.local === 'link')
          .map((l) => [l.attributes.rel, l.attributes.href]),
      );
    const pages = () => readdirSync(join(s.out, 'archive')).sort();
    expect(pages()).toEqual(['1', '2', '3']);
    expect(links('archive/3/atom.xml')['next-archive']).toBeUndefined();
    // The log has 90 entries, three full pages: the 91st waits for the fourth. It is an old story, which the main feed
    // does not show either: no feed of the archive changes.
    s.add(COUNT, (t) => t.replace(/Date: \S+/, 'Date: 2023-05-01T00:00:00Z'));
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.written.filter((p) => p.startsWith('archive/') || p === 'atom.xml')).toEqual([]);
    // 28 more, up to one short of a full page (16 at most in one patch): patched, no archive page written.
    for (let n = COUNT + 1; n < COUNT + 17; n++) s.add(n);
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    for (let n = COUNT + 17; n < COUNT + 29; n++) s.add(n);
    const short = await s.runBesideTwin();
    expect(short.mine.run).toBe('patch');
    expect(short.mine.written.filter((p) => p.startsWith('archive/'))).toEqual([]);
    expect(pages()).toEqual(['1', '2', '3']);
    // The 120th entry fills page 4, which the patch publishes whole, linked from page 3 and from the main feed.
    s.add(COUNT + 29);
    const filled = await s.runBesideTwin();
    expect(filled.mine.run).toBe('patch');
    expect(filled.mine.written.filter((p) => p.startsWith('archive/')).sort()).toEqual(['archive/3/atom.xml', 'archive/3/feed.xml', 'archive/4/atom.xml', 'archive/4/feed.json', 'archive/4/feed.xml']);
    expect(pages()).toEqual(['1', '2', '3', '4']);
    expect(atom(s, 'archive/4/atom.xml').children.filter((c) => c.local === 'entry')).toHaveLength(30);
    expect(links('archive/3/atom.xml')['next-archive']).toBe('https://seeds.example.org/archive/4/atom.xml');
    expect(links('atom.xml')['prev-archive']).toBe('https://seeds.example.org/archive/4/atom.xml');
    expect(links('archive/4/atom.xml')['prev-archive']).toBe('https://seeds.example.org/archive/3/atom.xml');
    // Then 31 at once (16 at most in one patch): the fifth page fills midway, beside entries after it.
    for (let n = COUNT + 30; n < COUNT + 46; n++) s.add(n);
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    for (let n = COUNT + 46; n < COUNT + 61; n++) s.add(n);
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    expect(pages()).toEqual(['1', '2', '3', '4', '5']);
    await s.expectFullRunWritesNothing();
  });

  it('patches an addition that fills the first archive page', async () => {
    const s = site(testConfig({ limit: 15, archive: { pageSize: 91 } }));
    await s.run();
    expect(existsSync(join(s.out, 'archive'))).toBe(false);
    s.add(COUNT);
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(atom(s, 'archive/1/atom.xml').children.filter((c) => c.local === 'entry')).toHaveLength(91);
    await s.expectFullRunWritesNothing();
  });

  // The CLI checks for a no-op before it takes the lock, and hands its listing over: under the lock, the rest is checked again.
  const besidesSeeds: [string, (s: Site) => void, RegExp][] = [
    ['an output deleted', (s) => unlinkSync(join(s.out, 'categories', 'corpus', 'feed.json')), /output folder changed/],
    ['the publish log edited by hand', (s) => writeFileSync(s.statePath, readFileSync(s.statePath, 'utf8') + '\n'), /publish log changed/],
    ['the config changed', (s) => {
      s.config.title = 'Another title';
    }, /config changed/],
  ];
  for (const [what, change, reason] of besidesSeeds) {
    it(`makes a full run when, besides a seed edited, ${what} after the listing`, async () => {
      const s = site();
      await s.run();
      s.addSentence(8);
      const listing = listSeeds(s.seeds);
      change(s);
      const report = await publish({ seedsDir: s.seeds, outDir: s.out, statePath: s.statePath, config: s.config, now: new Date(NOW.getTime() + 5 * HOUR), checkUnchanged: false, listing });
      expect(report.run).toBe('full');
      expect(report.patchDeclined).toMatch(reason);
      expect(existsSync(join(s.out, 'categories', 'corpus', 'feed.json'))).toBe(true);
    });
  }
  it('makes a full run, not a patch, when the no-op check finds more than seeds changed', async () => {
    const s = site();
    await s.run();
    s.addSentence(8);
    unlinkSync(join(s.out, 'categories', 'corpus', 'feed.json'));
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('full');
    expect(mine.patchDeclined).toBeUndefined();
  });

  it('patches a Markdown seed edited, and makes a full run when it becomes a draft', async () => {
    const s = site();
    const md = join(s.seeds, 'zz-front-matter.md');
    const text = (body: string, draft = false) =>
      ['---', 'title: A story in Markdown', 'date: 2024-03-01T08:00:00Z', 'source: Asbarez', 'categories: [corpus, markdown]', 'shared_by: Lena Hakobyan', ...(draft ? ['draft: true'] : []), '---', '', body, ''].join('\n');
    writeFileSync(md, text('The first version, with *emphasis*.'));
    s.settle(md);
    await s.run();
    writeFileSync(md, text('The second version, with a [link](https://example.org/story).'));
    s.settle(md);
    const edited = await s.runBesideTwin();
    expect(edited.mine.run).toBe('patch');
    expect(edited.mine.written).toContain('categories/markdown/feed.xml');
    writeFileSync(md, text('The second version, with a [link](https://example.org/story).', true));
    s.settle(md);
    const drafted = await s.runBesideTwin();
    expect(drafted.mine.run).toBe('full');
    expect(drafted.mine.patchDeclined).toMatch(/rejected or a draft/);
  });

  it('patches a seed that names its own id, beside a duplicate story, a draft and a rejected seed; the duplicate itself is not patched', async () => {
    const s = site();
    s.edit(12, (t) => `Id: tag:seeds.example.org,2024-01-01:own-id\n${t}`);
    // The same story as seed 30 (same source and title), shared again later: published once, under the first.
    writeFileSync(join(s.seeds, 'zz-again.txt'), seedText(30).replace(/Date: \S+/, 'Date: 2025-12-01T00:00:00Z'));
    s.settle(join(s.seeds, 'zz-again.txt'));
    writeFileSync(join(s.seeds, 'zz-draft.md'), '---\ntitle: Not yet\ndraft: true\n---\n\nA draft.\n');
    s.settle(join(s.seeds, 'zz-draft.md'));
    s.edit(50, (t) => t.replace(/Date: \S+/, 'Date: not a date'));
    const first = await s.run();
    expect(first.exitCode).toBe(1);
    expect(first.diagnostics.map((d) => d.rule)).toContain('duplicate-story');
    s.addSentence(12);
    s.addSentence(30);
    const { mine, twin } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.updated.map((u) => u.id)).toContain('tag:seeds.example.org,2024-01-01:own-id');
    expect(mine.rejected).toEqual(twin.rejected);
    expect(mine.rejected).toEqual([seedName(50)]);
    expect(mine.counts.rejected).toBe(1);
    // The story dropped as a duplicate shows nowhere: an edit of it is for a full run to judge.
    writeFileSync(join(s.seeds, 'zz-again.txt'), seedText(30).replace(/Date: \S+/, 'Date: 2025-12-01T00:00:00Z') + 'More.\n');
    s.settle(join(s.seeds, 'zz-again.txt'));
    const dropped = await s.runBesideTwin();
    expect(dropped.mine.run).toBe('full');
    expect(dropped.mine.patchDeclined).toMatch(/published no item/);
  });

  it('patches through the path the command line takes: the listing of its no-op check, handed over', async () => {
    const s = site();
    await s.run();
    s.addSentence(COUNT - 1);
    const listing = listSeeds(s.seeds);
    const report = await publish({ seedsDir: s.seeds, outDir: s.out, statePath: s.statePath, config: s.config, now: new Date(NOW.getTime() + 5 * HOUR), checkUnchanged: false, listing });
    expect(report.run).toBe('patch');
    expect(report.counts.updated).toBe(1);
  });

  it('declines an index that reads but does not hold together, and replaces it with a good one', async () => {
    const s = site();
    await s.run();
    const index = deserialize(readFileSync(indexPathFor(s.statePath))) as PatchIndex;
    writeFileSync(indexPathFor(s.statePath), serialize({ ...index, feeds: index.feeds.map((f) => ({ ...f, shown: null })) }));
    s.addSentence(COUNT - 1);
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('full');
    expect(mine.patchDeclined).toMatch(/could not be planned/);
    s.addSentence(COUNT - 1, 'Once more.');
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
  });

  it('takes the placements of seeds unchanged since the last index, and makes those of the others again', async () => {
    const s = site();
    await s.run();
    const before = readPatchIndex(indexPathFor(s.statePath), keyOf(s))!;
    // A full run (the stamp gone) after a seed moved: its placement is made again, the others are kept.
    s.edit(COUNT - 1, (t) => t.replace(/number \d+/, 'a new title'));
    rmSync(`${s.statePath}.stamp`);
    await s.run();
    const after = readPatchIndex(indexPathFor(s.statePath), keyOf(s))!;
    const changed = [...Array(after.count).keys()].filter((i) => placementAt(after, i) !== placementAt(before, i));
    expect(changed).toEqual([COUNT - 1]);
    // And each kept placement is the one a fresh digest gives: a run without the index makes the same index.
    rmSync(indexPathFor(s.statePath));
    rmSync(`${s.statePath}.stamp`);
    await s.run();
    const fresh = readPatchIndex(indexPathFor(s.statePath), keyOf(s))!;
    expect(fresh.placement).toBe(after.placement);
  });

  it('does not trust an index another run wrote', async () => {
    const s = site();
    await s.run();
    const older = readFileSync(indexPathFor(s.statePath));
    s.addSentence(COUNT - 1);
    expect((await s.run()).run).toBe('patch');
    writeFileSync(indexPathFor(s.statePath), older);
    s.addSentence(20);
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('full');
    expect(mine.patchDeclined).toMatch(/not of the last run/);
  });

  it('patches a site without archive pages or topic feeds', async () => {
    const s = site(testConfig({ limit: 10, archive: false, topics: { categories: false, sources: false, sharedBy: false } }));
    await s.run();
    s.addSentence(COUNT - 3);
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('patch');
    expect(mine.written.filter((p) => !p.startsWith('articles/')).sort()).toEqual(['atom.xml', 'feed.json', 'feed.xml']);
    s.add(COUNT);
    const added = await s.runBesideTwin();
    expect(added.mine.run).toBe('patch');
    expect(added.mine.written.filter((p) => !p.startsWith('articles/')).sort()).toEqual(['atom.xml', 'feed.json', 'feed.xml', 'index.html']);
  });

  it('adds a seed just inside and just outside the main feed, and after a removed seed', async () => {
    const s = site();
    await s.run();
    // Seed n is dated n hours into 2024: the main feed (15) shows seeds 89 to 75.
    const at = (hours: number) => (t: string) => t.replace(/Date: \S+/, `Date: ${new Date(Date.UTC(2024, 0, 1) + hours * 3_600_000).toISOString()}`);
    s.add(COUNT, at(74.5));
    const outside = await s.runBesideTwin();
    expect(outside.mine.run).toBe('patch');
    expect(outside.mine.written).not.toContain('feed.xml');
    s.add(COUNT + 1, at(75.5));
    const inside = await s.runBesideTwin();
    expect(inside.mine.run).toBe('patch');
    expect(inside.mine.written).toContain('feed.xml');
    // The log's last entry now removed: an added seed's entry goes after it.
    unlinkSync(join(s.seeds, seedName(COUNT + 1)));
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
    s.add(COUNT + 2);
    expect((await s.runBesideTwin()).mine.run).toBe('patch');
  });

  it('makes a full run, not a patch, when a topic page it would put a card into was changed by hand', async () => {
    const s = site();
    await s.run();
    const page = join(s.out, 'categories', 'corpus', 'index.html');
    writeFileSync(page, readFileSync(page, 'utf8').replace('</h1>', '</h1>\n<p>A note added by hand.</p>'));
    s.add(COUNT);
    const { mine } = await s.runBesideTwin();
    expect(mine.run).toBe('full');
    // The no-op check sees the page changed (fastpath.ts `watchedOutputs`): no patch is tried.
    expect(mine.patchDeclined).toBeUndefined();
    expect(readFileSync(page, 'utf8')).not.toContain('A note added by hand.');
  });

  it('is not tried by a dry run', async () => {
    const s = site();
    await s.run();
    s.addSentence(COUNT - 1);
    const dry = await publish({ seedsDir: s.seeds, outDir: s.out, statePath: s.statePath, config: s.config, dryRun: true, now: new Date(NOW.getTime() + 5 * HOUR) });
    expect(dry.run).toBe('full');
    expect(dry.patchDeclined).toBeUndefined();
    expect((await s.run()).run).toBe('patch');
  });
});
