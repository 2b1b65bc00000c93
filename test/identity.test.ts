import { createHash } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignIdentities, emptyLog, parseLog, serializeLog, type PublishLog, type SeedIdentityInput } from '../src/identity.js';
import { build } from '../src/build.js';
import { absoluteHttpUrl, checkedId, isTagUri, tagDateExists } from '../src/urls.js';
import { tempDir, testConfig, writeTree } from './helpers.js';
import { child, children, parseXml, type XmlElement } from './xml.js';

const HOST = 'seeds.example.org';
const BASE = `https://${HOST}/`;
const DAY1 = new Date('2026-11-28T12:00:00Z');
const DAY2 = new Date('2026-12-03T08:30:00Z');
const DAY3 = new Date('2026-12-10T17:45:00Z');

/** A seed as identity sees it: the hash stands for the file's bytes. */
function seed(file: string, title: string, text = `${title}\n\nA body.`, extra: Partial<SeedIdentityInput> = {}): SeedIdentityInput {
  return { file, title, hash: createHash('sha256').update(text).digest('hex'), ...extra };
}

function freshLog(now = DAY1): PublishLog {
  return emptyLog(`tag:${HOST},${now.toISOString().slice(0, 10)}:feed`, now);
}

function run(seeds: SeedIdentityInput[], log: PublishLog, now: Date, present?: string[]) {
  return assignIdentities(seeds, log, BASE, now, present ? new Set(present) : undefined);
}

function permutations<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list];
  return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('assignIdentities: a new seed', () => {
  const cases = [
    { title: 'Peace Talks Resume', now: DAY1, id: 'tag:seeds.example.org,2026-11-28:articles/peace-talks-resume', slug: 'peace-talks-resume' },
    // RFC 4151 dates are calendar days; the day is UTC, whatever the offset of the clock.
    { title: 'Late Night News', now: new Date('2026-11-28T23:30:00-05:00'), id: 'tag:seeds.example.org,2026-11-29:articles/late-night-news', slug: 'late-night-news' },
    // Armenian titles keep their letters in the slug; the id is percent-encoded ASCII.
    { title: 'Արցախ', now: DAY1, id: `tag:seeds.example.org,2026-11-28:articles/${encodeURIComponent('արցախ')}`, slug: 'արցախ' },
  ];
  for (const c of cases) {
    it(`gets a tag: URI on the site host dated the day of first publication: ${c.title}`, () => {
      const result = run([seed('a.txt', c.title)], freshLog(c.now), c.now);
      const identity = result.identities.get('a.txt')!;
      expect(identity.id).toBe(c.id);
      expect(isTagUri(identity.id)).toBe(true);
      expect(identity.slug).toBe(c.slug);
      expect(identity.status).toBe('new');
      expect(identity.firstPublished).toEqual(c.now);
      expect(identity.edited).toBeUndefined();
      expect(result.log.entries).toEqual([{ id: c.id, slug: c.slug, file: 'a.txt', hash: seed('a.txt', c.title).hash, firstPublished: c.now.toISOString() }]);
      expect(result.diagnostics).toEqual([]);
    });
  }

  it('does not change the previous log it was given', () => {
    const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
    const before = structuredClone(first.log);
    run([seed('a.txt', 'One', 'edited'), seed('b.txt', 'Two')], first.log, DAY2, ['a.txt', 'b.txt']);
    expect(first.log).toEqual(before);
  });
});

describe('assignIdentities: ids and dates that never move', () => {
  it('keeps id and first-published date of an unchanged seed, and the log stays the same', () => {
    const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
    const second = run([seed('a.txt', 'One')], first.log, DAY2);
    expect(second.identities.get('a.txt')).toEqual({ ...first.identities.get('a.txt')!, status: 'unchanged' });
    expect(second.log).toEqual(first.log);
    expect(second.removed).toEqual([]);
  });

  it('keeps id and first-published date when the text is edited; records when', () => {
    const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
    const original = first.identities.get('a.txt')!;
    const edited = seed('a.txt', 'One, corrected', 'One, corrected\n\nA better body.');
    const second = run([edited], first.log, DAY2);
    const identity = second.identities.get('a.txt')!;
    expect(identity).toEqual({ id: original.id, slug: original.slug, firstPublished: DAY1, edited: DAY2, status: 'updated' });
    expect(second.log.entries).toEqual([{ ...first.log.entries[0]!, hash: edited.hash, edited: DAY2.toISOString() }]);

    // A later run over the same text: nothing new to record.
    const third = run([edited], second.log, DAY3);
    expect(third.identities.get('a.txt')).toEqual({ ...identity, status: 'unchanged' });
    expect(third.log).toEqual(second.log);
  });

  it('keeps id and dates when the file is renamed (matched by content hash)', () => {
    const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
    const second = run([seed('moved/b.txt', 'One')], first.log, DAY2);
    expect(second.identities.get('moved/b.txt')).toEqual({ ...first.identities.get('a.txt')!, status: 'unchanged' });
    expect(second.log.entries).toEqual([{ ...first.log.entries[0]!, file: 'moved/b.txt' }]);
    expect(second.removed).toEqual([]);
  });

  it('gives a new id to a seed renamed and edited in one run; the old id is removed and stays reserved', () => {
    // Neither the file nor the bytes match any more: nothing ties the seed to
    // its entry, so it is published as a new item.
    const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
    const old = first.identities.get('a.txt')!;
    const second = run([seed('b.txt', 'One', 'One\n\nAn edited body.')], first.log, DAY2);
    const now = second.identities.get('b.txt')!;
    expect(now.status).toBe('new');
    expect(now.id).toBe('tag:seeds.example.org,2026-12-03:articles/one-2');
    expect(now.slug).toBe('one-2');
    expect(now.firstPublished).toEqual(DAY2);
    expect(second.removed.map((e) => e.id)).toEqual([old.id]);
    expect(second.log.entries.find((e) => e.id === old.id)).toMatchObject({ file: 'a.txt', removed: DAY2.toISOString() });
  });
});

describe('assignIdentities: two seeds never share an id or a slug', () => {
  it('two new seeds with the same title', () => {
    const result = run([seed('a.txt', 'Same Title', 'first'), seed('b.txt', 'Same Title', 'second')], freshLog(), DAY1);
    const a = result.identities.get('a.txt')!;
    const b = result.identities.get('b.txt')!;
    expect(a.slug).toBe('same-title');
    expect(b.slug).toBe('same-title-2');
    expect(a.id).not.toBe(b.id);
  });

  it('two new seeds with the same bytes', () => {
    const result = run([seed('a.txt', 'Twin', 'same'), seed('b.txt', 'Twin', 'same')], freshLog(), DAY1);
    expect(result.identities.get('a.txt')!.id).not.toBe(result.identities.get('b.txt')!.id);
    expect(new Set(result.log.entries.map((e) => e.slug)).size).toBe(2);
  });

  it('a new seed with the title of a removed one gets its own id and slug', () => {
    const first = run([seed('old.txt', 'Same Title', 'old story')], freshLog(), DAY1);
    const gone = run([], first.log, DAY2);
    expect(gone.removed.map((e) => e.file)).toEqual(['old.txt']);
    const third = run([seed('new.txt', 'Same Title', 'another story')], gone.log, DAY2);
    const fresh = third.identities.get('new.txt')!;
    expect(fresh.status).toBe('new');
    expect(fresh.slug).toBe('same-title-2');
    // Same day, same title: the ids must still differ.
    expect(fresh.id).not.toBe(first.identities.get('old.txt')!.id);
    expect(third.log.entries.map((e) => e.id).sort()).toEqual([first.identities.get('old.txt')!.id, fresh.id].sort());
  });

  it('a generated id never equals an id a seed named for itself', () => {
    const taken = 'tag:seeds.example.org,2026-11-28:articles/one';
    const result = run([seed('a.txt', 'Mine', 'a', { explicitId: taken }), seed('b.txt', 'One', 'b')], freshLog(), DAY1);
    expect(result.identities.get('a.txt')!.id).toBe(taken);
    expect(result.identities.get('b.txt')!.id).not.toBe(taken);
    expect(isTagUri(result.identities.get('b.txt')!.id)).toBe(true);
  });
});

describe('assignIdentities: deleted and restored seeds', () => {
  it('marks a deleted seed removed once; its id and slug stay reserved', () => {
    const first = run([seed('a.txt', 'One'), seed('b.txt', 'Two')], freshLog(), DAY1);
    const second = run([seed('b.txt', 'Two')], first.log, DAY2);
    expect(second.removed.map((e) => e.id)).toEqual([first.identities.get('a.txt')!.id]);
    const entry = second.log.entries.find((e) => e.file === 'a.txt')!;
    expect(entry).toEqual({ ...first.log.entries.find((e) => e.file === 'a.txt')!, removed: DAY2.toISOString() });

    // Still gone later: not reported again, removal date kept.
    const third = run([seed('b.txt', 'Two')], second.log, DAY3);
    expect(third.removed).toEqual([]);
    expect(third.log).toEqual(second.log);
  });

  for (const restoredAs of ['a.txt', 'restored/a-again.txt']) {
    it(`revives the same id when the same bytes come back (${restoredAs})`, () => {
      const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
      const gone = run([], first.log, DAY2);
      const back = run([seed(restoredAs, 'One')], gone.log, DAY3);
      const identity = back.identities.get(restoredAs)!;
      expect(identity).toEqual({ ...first.identities.get('a.txt')!, status: 'new' });
      expect(back.log.entries).toEqual([{ ...first.log.entries[0]!, file: restoredAs }]);
    });
  }

  it('a different seed under a removed file name is a new item', () => {
    const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
    const gone = run([], first.log, DAY2);
    const other = run([seed('a.txt', 'Another', 'Another\n\nbody')], gone.log, DAY3);
    const identity = other.identities.get('a.txt')!;
    expect(identity.status).toBe('new');
    expect(identity.id).not.toBe(first.identities.get('a.txt')!.id);
    expect(identity.firstPublished).toEqual(DAY3);
  });
});

describe('assignIdentities: explicit ids', () => {
  const EXPLICIT = 'tag:example.org,2023-03-02:my-story';

  it('an id the seed names wins over a generated one', () => {
    const result = run([seed('a.txt', 'One', 'a', { explicitId: EXPLICIT, explicitIdLine: 4 })], freshLog(), DAY1);
    expect(result.identities.get('a.txt')).toMatchObject({ id: EXPLICIT, slug: 'one', status: 'new', firstPublished: DAY1 });
  });

  it('a seed that starts naming an id takes it; its old id is removed and reserved', () => {
    const first = run([seed('a.txt', 'One', 'before')], freshLog(), DAY1);
    const oldId = first.identities.get('a.txt')!.id;
    const second = run([seed('a.txt', 'One', 'after', { explicitId: EXPLICIT })], first.log, DAY2);
    expect(second.identities.get('a.txt')!.id).toBe(EXPLICIT);
    expect(second.identities.get('a.txt')!.slug).toBe('one-2');
    expect(second.removed.map((e) => e.id)).toEqual([oldId]);
    expect(second.log.entries.find((e) => e.id === oldId)!.removed).toBe(DAY2.toISOString());
  });

  it('a duplicate explicit id is an error naming both files; the other seeds keep theirs', () => {
    const seeds = [
      seed('a.txt', 'One', 'a', { explicitId: EXPLICIT, explicitIdLine: 2 }),
      seed('b.txt', 'Two', 'b', { explicitId: EXPLICIT, explicitIdLine: 3 }),
      seed('c.txt', 'Three', 'c'),
    ];
    const result = run(seeds, freshLog(), DAY1);
    expect(result.identities.get('a.txt')!.id).toBe(EXPLICIT);
    expect(result.identities.has('b.txt')).toBe(false);
    expect(result.identities.get('c.txt')!.status).toBe('new');
    expect(result.diagnostics).toHaveLength(1);
    const d = result.diagnostics[0]!;
    expect(d).toMatchObject({ file: 'b.txt', line: 3, severity: 'error', rule: 'duplicate-id' });
    expect(d.message).toContain(EXPLICIT);
    expect(d.message).toContain('a.txt');
  });

  it('names the other file as the caller shows it', () => {
    const seeds = [seed('a.txt', 'One', 'a', { explicitId: EXPLICIT }), seed('b.txt', 'Two', 'b', { explicitId: EXPLICIT })];
    const result = assignIdentities(seeds, freshLog(), BASE, DAY1, undefined, (file) => `seeds/${file}`);
    expect(result.diagnostics.map((d) => [d.file, d.message])).toEqual([['b.txt', `id "${EXPLICIT}" is already used by seeds/a.txt; every seed needs its own id`]]);
  });

  it('the seed that already had the id keeps it when a copy names it too, in any order', () => {
    const first = run([seed('m.txt', 'One', 'm', { explicitId: EXPLICIT })], freshLog(), DAY1);
    for (const order of permutations([seed('m.txt', 'One', 'm', { explicitId: EXPLICIT }), seed('a-copy.txt', 'One copy', 'copy', { explicitId: EXPLICIT })])) {
      const result = run(order, first.log, DAY2);
      expect(result.identities.get('m.txt')).toMatchObject({ id: EXPLICIT, status: 'unchanged' });
      expect(result.diagnostics.map((d) => [d.file, d.rule])).toEqual([['a-copy.txt', 'duplicate-id']]);
      expect(result.diagnostics[0]!.message).toContain('m.txt');
    }
  });
});

describe('assignIdentities: an id named by a seed that did not have it', () => {
  const EXPLICIT = 'tag:example.org,2023-03-02:my-story';

  it('a published story keeps its id and slug when a new seed names that id; the new seed is rejected naming the holder', () => {
    const first = run([seed('a.txt', 'Story A')], freshLog(), DAY1);
    const held = first.identities.get('a.txt')!;
    const second = assignIdentities([seed('a.txt', 'Story A'), seed('b.txt', 'Story B', 'b', { explicitId: held.id, explicitIdLine: 2 })], first.log, BASE, DAY2, undefined, (file) => `seeds/${file}`);
    expect(second.identities.get('a.txt')).toMatchObject({ id: held.id, slug: held.slug, status: 'unchanged' });
    expect(second.identities.has('b.txt')).toBe(false);
    expect(second.removed).toEqual([]);
    expect(second.diagnostics.map((d) => [d.file, d.line, d.severity, d.rule, d.message])).toEqual([
      ['b.txt', 2, 'error', 'duplicate-id', `id "${held.id}" is already used by seeds/a.txt; every seed needs its own id`],
    ]);
    expect(second.log.entries.map((e) => [e.id, e.file])).toEqual([[held.id, 'a.txt']]);
  });

  it('a story broken for a while keeps its id from a seed that names it', () => {
    const first = run([seed('a.txt', 'Story A')], freshLog(), DAY1);
    const held = first.identities.get('a.txt')!;
    const second = run([seed('b.txt', 'Story B', 'b', { explicitId: held.id })], first.log, DAY2, ['a.txt', 'b.txt']);
    expect(second.identities.has('b.txt')).toBe(false);
    expect(second.diagnostics.map((d) => [d.file, d.rule])).toEqual([['b.txt', 'duplicate-id']]);
    const fixed = run([seed('a.txt', 'Story A', 'mended'), seed('b.txt', 'Story B', 'b', { explicitId: held.id })], second.log, DAY3);
    expect(fixed.identities.get('a.txt')).toMatchObject({ id: held.id, slug: held.slug, status: 'updated' });
  });

  it('a seed renamed while naming its id keeps it, as does a removed story named again', () => {
    const first = run([seed('a.txt', 'Story A', 'a', { explicitId: EXPLICIT }), seed('c.txt', 'Story C')], freshLog(), DAY1);
    const renamed = run([seed('b.txt', 'Story A', 'a, renamed', { explicitId: EXPLICIT }), seed('c.txt', 'Story C')], first.log, DAY2);
    expect(renamed.identities.get('b.txt')).toMatchObject({ id: EXPLICIT, status: 'updated' });
    expect(renamed.diagnostics).toEqual([]);
    const cId = first.identities.get('c.txt')!.id;
    const gone = run([seed('b.txt', 'Story A', 'a, renamed', { explicitId: EXPLICIT })], renamed.log, DAY2);
    expect(gone.removed.map((e) => e.id)).toEqual([cId]);
    const back = run([seed('b.txt', 'Story A', 'a, renamed', { explicitId: EXPLICIT }), seed('d.txt', 'Story C again', 'c again', { explicitId: cId })], gone.log, DAY3);
    expect(back.identities.get('d.txt')).toMatchObject({ id: cId, status: 'new' });
    expect(back.diagnostics).toEqual([]);
  });
});

describe('assignIdentities: a seed rejected for a while (presentFiles)', () => {
  it('keeps its entry while broken, then its id and date when fixed', () => {
    const first = run([seed('a.txt', 'One'), seed('b.txt', 'Two')], freshLog(), DAY1);
    const id = first.identities.get('a.txt')!.id;
    // a.txt is on disk but rejected this run: only b.txt reaches identity.
    const broken = run([seed('b.txt', 'Two')], first.log, DAY2, ['a.txt', 'b.txt']);
    expect(broken.removed).toEqual([]);
    expect(broken.log).toEqual(first.log);
    const fixed = run([seed('a.txt', 'One', 'One\n\nfixed'), seed('b.txt', 'Two')], broken.log, DAY3);
    expect(fixed.identities.get('a.txt')).toEqual({ id, slug: 'one', firstPublished: DAY1, edited: DAY3, status: 'updated' });
  });

  it('a new file with the broken seed’s old bytes does not take its id', () => {
    const first = run([seed('a.txt', 'One')], freshLog(), DAY1);
    const result = run([seed('copy.txt', 'One')], first.log, DAY2, ['a.txt', 'copy.txt']);
    expect(result.identities.get('copy.txt')!.id).not.toBe(first.identities.get('a.txt')!.id);
    expect(result.removed).toEqual([]);
  });
});

describe('assignIdentities: deterministic', () => {
  function history() {
    const first = run([seed('a.txt', 'One'), seed('b.txt', 'Same'), seed('twin.txt', 'Twin', 'twin')], freshLog(), DAY1);
    return run([seed('a.txt', 'One, edited', 'edited')], first.log, DAY2, ['a.txt']).log;
  }
  const today = () => [
    seed('a.txt', 'One, edited', 'edited'),
    seed('c.txt', 'Same', 'c'),
    seed('d.txt', 'Same', 'd'),
    seed('twin-1.txt', 'Twin', 'twin'),
    seed('twin-2.txt', 'Twin', 'twin'),
    seed('x.txt', 'Named', 'x', { explicitId: 'tag:example.org,2023:x' }),
    seed('y.txt', 'Named too', 'y', { explicitId: 'tag:example.org,2023:x' }),
  ];

  it('the same seeds and log give the same result', () => {
    const log = history();
    expect(run(today(), log, DAY3)).toEqual(run(today(), log, DAY3));
  });

  it('seeds in any order get the same ids, slugs and log', () => {
    const log = history();
    const expected = run(today(), log, DAY3);
    const ids = (r: typeof expected) => Object.fromEntries([...r.identities].sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const order of [[...today()].reverse(), [6, 0, 3, 5, 1, 4, 2].map((i) => today()[i]!), [4, 3, 2, 1, 0, 6, 5].map((i) => today()[i]!)]) {
      const result = run(order, log, DAY3);
      expect(ids(result)).toEqual(ids(expected));
      expect(result.log).toEqual(expected.log);
      expect(result.diagnostics).toEqual(expected.diagnostics);
    }
  });
});

describe('the publish log on disk', () => {
  it('serializes and parses back to the same log', () => {
    const log = run([seed('a.txt', 'One')], freshLog(), DAY1).log;
    expect(parseLog(serializeLog(log))).toEqual(log);
  });

  for (const [what, text] of [
    ['not JSON', '{'],
    ['another version', JSON.stringify({ version: 2, feedId: 'x', entries: [] })],
    ['no entries', JSON.stringify({ version: 1, feedId: 'x' })],
  ] as const) {
    it(`refuses a log that is ${what}`, () => {
      expect(() => parseLog(text)).toThrow();
    });
  }
});

// ---------------------------------------------------------------------------
// The same guarantees through build(), on disk, read back from the feeds.

function plainSeed(title: string, body = 'The body of the story.', header = ''): string {
  return `${header}Asbarez: ${title}\n\nA dek without a full stop\n\n${body}\n\nEmma Jilavian:\n`;
}

interface Seen {
  id: string;
  published: string;
  updated: string;
}

/** What a reader sees of each entry in all three feeds, by title; the three formats must agree. */
function readFeeds(result: ReturnType<typeof build>): Map<string, Seen> {
  const text = (path: string) => result.outputs.find((o) => o.path === path)!.text;
  const atom = parseXml(text('atom.xml'));
  const rss = parseXml(text('feed.xml'));
  const json = JSON.parse(text('feed.json')) as { items: { id: string; title: string; date_published: string; date_modified: string }[] };
  const byTitle = new Map<string, Seen>();
  for (const entry of children(atom, 'entry')) {
    const t = (name: string) => child(entry, name)!.text;
    byTitle.set(t('title'), { id: t('id'), published: t('published'), updated: t('updated') });
  }
  const rssItems = children(child(rss, 'channel')!, 'item');
  expect(rssItems).toHaveLength(byTitle.size);
  expect(json.items).toHaveLength(byTitle.size);
  for (const item of rssItems) {
    const seen = byTitle.get(child(item, 'title')!.text)!;
    expect(child(item, 'guid')!.text).toBe(seen.id);
    expect(new Date(child(item, 'pubDate')!.text).toISOString()).toBe(seen.published);
  }
  for (const item of json.items) {
    const seen = byTitle.get(item.title)!;
    expect({ id: item.id, published: item.date_published, updated: item.date_modified }).toEqual(seen);
  }
  return byTitle;
}

function entryOf(result: ReturnType<typeof build>, title: string): XmlElement {
  const atom = parseXml(result.outputs.find((o) => o.path === 'atom.xml')!.text);
  return children(atom, 'entry').find((e) => child(e, 'title')!.text === title)!;
}

describe('build(): identity on disk', () => {
  const config = () => testConfig();

  it("a story added with a date older than the feed's newest moves the feed's date to when it was added, and no run after moves it again", () => {
    const feedDates = (result: ReturnType<typeof build>) => {
      const text = (path: string) => result.outputs.find((o) => o.path === path)!.text;
      const atom = child(parseXml(text('atom.xml')), 'updated')!.text;
      const rss = new Date(child(child(parseXml(text('feed.xml')), 'channel')!, 'lastBuildDate')!.text).toISOString();
      return { atom, rss };
    };
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume', 'The body of the story.', 'Date: 2024-06-20T10:00:00Z\n\n') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    // A story reposted with its original date: the feed first shows it at DAY1, the feed's date says so.
    expect(feedDates(first)).toEqual({ atom: DAY1.toISOString(), rss: DAY1.toISOString() });
    writeFileSync(join(seeds, 'b.txt'), plainSeed('Border Reopens', 'The body of the story.', 'Date: 2024-06-18T10:00:00Z\n\n'));
    const second = build({ seedsDir: seeds, config: config(), log: first.log, now: DAY2 });
    // The older story joins the feed at DAY2: its content changed then (RSS 2.0 lastBuildDate, RFC 4287 4.2.15), though its newest story is as before.
    expect(feedDates(second)).toEqual({ atom: DAY2.toISOString(), rss: DAY2.toISOString() });
    expect([...readFeeds(second).values()].map((s) => s.published)).toEqual(['2024-06-20T10:00:00.000Z', '2024-06-18T10:00:00.000Z']);
    const again = build({ seedsDir: seeds, config: config(), log: second.log, now: DAY3 });
    expect(feedDates(again)).toEqual(feedDates(second));
  });

  it("dates an archive page by its stories' own dates alone, whenever they were added (RFC 5005: a page changes only with its items)", () => {
    const paged = () => testConfig({ archive: { pageSize: 2 } });
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume', 'The body of the story.', 'Date: 2024-06-20T10:00:00Z\n\n') });
    const first = build({ seedsDir: seeds, config: paged(), now: DAY1 });
    writeFileSync(join(seeds, 'b.txt'), plainSeed('Border Reopens', 'The body of the story.', 'Date: 2024-06-18T10:00:00Z\n\n'));
    const second = build({ seedsDir: seeds, config: paged(), log: first.log, now: DAY2 });
    const page = parseXml(second.outputs.find((o) => o.path === 'archive/1/atom.xml')!.text);
    expect(child(page, 'updated')!.text).toBe('2024-06-20T10:00:00.000Z');
    // The main feed, which the reader polls, says when its content last changed.
    expect(child(parseXml(second.outputs.find((o) => o.path === 'atom.xml')!.text), 'updated')!.text).toBe(DAY2.toISOString());
  });

  it('an edit keeps id and published; updated moves; a rename keeps all three', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume'), 'b.txt': plainSeed('Border Reopens') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const before = readFeeds(first);
    expect(before.get('Talks Resume')).toEqual({
      id: 'tag:seeds.example.org,2026-11-28:articles/talks-resume',
      published: DAY1.toISOString(),
      updated: DAY1.toISOString(),
    });

    writeFileSync(join(seeds, 'a.txt'), plainSeed('Talks Resume', 'The body, with a correction.'));
    renameSync(join(seeds, 'b.txt'), join(seeds, 'renamed.txt'));
    const second = build({ seedsDir: seeds, config: config(), log: first.log, now: DAY2 });
    const after = readFeeds(second);
    expect(after.get('Talks Resume')).toEqual({ ...before.get('Talks Resume')!, updated: DAY2.toISOString() });
    expect(after.get('Border Reopens')).toEqual(before.get('Border Reopens'));
    expect(second.changes.updated.map((i) => i.file)).toEqual(['a.txt']);
    expect(second.changes.new).toEqual([]);
    expect(second.changes.removed).toEqual([]);
  });

  /** The log as on disk after a run: with the outputs it published. */
  const onDisk = (result: ReturnType<typeof build>) => ({ ...result.log, outputs: result.outputs.map((o) => o.path).sort() });

  it('a seed renamed and edited in one go keeps its id, page and date: its entry is found by the story it told', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume'), 'b.txt': plainSeed('Border Reopens') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const before = readFeeds(first).get('Talks Resume')!;
    const link = child(entryOf(first, 'Talks Resume'), 'link')!.attributes.href;
    // The log records the story each entry tells.
    expect(first.log.entries.map((e) => e.story)).toEqual([expect.stringMatching(/^[A-Za-z0-9+/]{16}-{16}$/), expect.stringMatching(/^[A-Za-z0-9+/]{16}-{16}$/)]);
    // Moved into a folder, corrected, and saved with Windows line endings: neither its name nor its bytes are the same.
    rmSync(join(seeds, 'a.txt'));
    writeTree(seeds, { 'politics/talks.txt': plainSeed('Talks Resume', 'The body, corrected as it moved.').replace(/\n/g, '\r\n') });
    const second = build({ seedsDir: seeds, config: config(), log: onDisk(first), now: DAY2 });
    expect(readFeeds(second).get('Talks Resume')).toEqual({ ...before, updated: DAY2.toISOString() });
    expect(child(entryOf(second, 'Talks Resume'), 'link')!.attributes.href).toBe(link);
    expect([second.changes.new, second.changes.removed]).toEqual([[], []]);
    expect(second.changes.updated.map((i) => i.file)).toEqual(['politics/talks.txt']);
    // Another story under a new name is new, as before; so is one whose entry told no story (a log of an older seedfeed).
    rmSync(join(seeds, 'b.txt'));
    writeTree(seeds, { 'c.txt': plainSeed('Border Reopens at Dawn') });
    const third = build({ seedsDir: seeds, config: config(), log: onDisk(second), now: DAY3 });
    expect(third.changes.new.map((i) => i.file)).toEqual(['c.txt']);
    expect(third.changes.removed.map((e) => e.file)).toEqual(['b.txt']);
    const older = onDisk(first);
    older.entries = older.entries.map(({ story: _s, ...e }) => e);
    expect(build({ seedsDir: seeds, config: config(), log: older, now: DAY2 }).changes.new.map((i) => i.file)).toEqual(['c.txt', 'politics/talks.txt']);
  });

  it('a seed takes a gone story\'s entry only when it tells that story whole (source, title and link), and never from a story still there', () => {
    const linked = (title: string, link: string, date: string, body = 'The body of the story.') => plainSeed(title, body, `Date: ${date}\nLink: ${link}\n\n`);
    const seeds = writeTree(tempDir(), {
      'r.txt': linked('Talks Resume', 'https://example.org/talks', '2024-01-01'),
      'p.txt': linked('Daily Roundup', 'https://example.org/roundup', '2024-02-01'),
      'w.txt': plainSeed('Weekly Notes', 'The first week.'),
    });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const ids = new Map([...readFeeds(first)].map(([title, seen]) => [title, seen.id]));
    // R renamed and retitled as P's story, keeping R's link: it tells neither story whole. P, still there, keeps its id
    // and stays published; the newcomer is P's repeat, dropped; R is removed.
    rmSync(join(seeds, 'r.txt'));
    writeTree(seeds, { 'x.txt': linked('Daily Roundup', 'https://example.org/talks', '2024-01-01', 'Edited as it moved.') });
    // The weekly notes removed, and the next week's, under another name and with another link: a new story.
    rmSync(join(seeds, 'w.txt'));
    writeTree(seeds, { 'w2.txt': plainSeed('Weekly Notes', 'The second week.', 'Link: https://example.org/week-2\n\n') });
    const second = build({ seedsDir: seeds, config: config(), log: onDisk(first), now: DAY2 });
    const after = readFeeds(second);
    expect(after.get('Daily Roundup')!.id).toBe(ids.get('Daily Roundup'));
    expect(after.has('Talks Resume')).toBe(false);
    expect(second.changes.removed.map((e) => e.id).sort()).toEqual([ids.get('Talks Resume'), ids.get('Weekly Notes')].sort());
    expect(second.changes.new.map((i) => i.file)).toEqual(['w2.txt']);
    expect(after.get('Weekly Notes')!.id).not.toBe(ids.get('Weekly Notes'));
    expect(second.diagnostics.filter((d) => d.rule === 'duplicate-story').map((d) => d.file)).toEqual([expect.stringMatching(/x\.txt$/)]);
  });

  it('a story moved by a copy made one run and the original deleted the next keeps its id, page and date', () => {
    const seeds = writeTree(tempDir(), { 'story.txt': plainSeed('Talks Resume') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const before = readFeeds(first).get('Talks Resume')!;
    const link = child(entryOf(first, 'Talks Resume'), 'link')!.attributes.href;
    writeTree(seeds, { 'archive/story.txt': plainSeed('Talks Resume') });
    const second = build({ seedsDir: seeds, config: config(), log: onDisk(first), now: DAY2 });
    expect(second.diagnostics.filter((d) => d.rule === 'duplicate-story').map((d) => d.file)).toEqual([expect.stringMatching(/archive\/story\.txt$/)]);
    rmSync(join(seeds, 'story.txt'));
    const third = build({ seedsDir: seeds, config: config(), log: onDisk(second), now: DAY3 });
    expect(readFeeds(third).get('Talks Resume')).toEqual(before);
    expect(child(entryOf(third, 'Talks Resume'), 'link')!.attributes.href).toBe(link);
    // Nothing new, and nothing removed that readers saw.
    expect([third.changes.new, third.changes.removed]).toEqual([[], []]);
    // The copy's own entry, never published, is let go and stays reserved.
    expect(third.log.entries.filter((e) => !e.removed).map((e) => [e.id, e.file])).toEqual([[before.id, 'archive/story.txt']]);
  });

  it('a copy of a published story made while the clock is behind is the dropped repeat: the story keeps its id, page and date', () => {
    for (const header of ['', 'Date: 2023-04-02\n\n']) {
      const seeds = writeTree(tempDir(), { 'z.txt': plainSeed('Talks Resume', 'The body of the story.', header) });
      const first = build({ seedsDir: seeds, config: config(), now: DAY2 });
      const before = readFeeds(first).get('Talks Resume')!;
      const link = child(entryOf(first, 'Talks Resume'), 'link')!.attributes.href;
      // The copy sorts first by name, and the clock went back: its new id would be dated before the story's.
      writeFileSync(join(seeds, 'a.txt'), plainSeed('Talks Resume', 'The body of the story.', header));
      // The log as on disk after the first run: with the outputs it published.
      const second = build({ seedsDir: seeds, config: config(), log: { ...first.log, outputs: first.outputs.map((o) => o.path).sort() }, now: DAY1 });
      expect(readFeeds(second).get('Talks Resume'), header).toEqual(before);
      expect(child(entryOf(second, 'Talks Resume'), 'link')!.attributes.href).toBe(link);
      expect(second.diagnostics.filter((d) => d.rule === 'duplicate-story').map((d) => d.file)).toEqual([expect.stringMatching(/a\.txt$/)]);
    }
  });

  it('a copy of a published story dated earlier is the dropped repeat, in the run that finds it and in every run after', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume', 'The body of the story.', 'Date: 2023-01-05\n\n') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const before = readFeeds(first).get('Talks Resume')!;
    writeFileSync(join(seeds, 'b.txt'), plainSeed('Talks Resume', 'The same story, dated earlier.', 'Date: 2023-01-01\n\n'));
    let log = first.log;
    for (const now of [DAY2, DAY3]) {
      // As the log on disk is after a run: with the outputs it published.
      const run = build({ seedsDir: seeds, config: config(), log: { ...log, outputs: first.outputs.map((o) => o.path).sort() }, now });
      expect(readFeeds(run).get('Talks Resume')).toEqual(before);
      expect(run.diagnostics.filter((d) => d.rule === 'duplicate-story').map((d) => d.file)).toEqual([expect.stringMatching(/b\.txt$/)]);
      log = run.log;
    }
  });

  it('a deleted seed leaves the feeds; restored with the same bytes it comes back with the same id and date', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume'), 'b.txt': plainSeed('Border Reopens') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const before = readFeeds(first).get('Talks Resume')!;

    rmSync(join(seeds, 'a.txt'));
    const second = build({ seedsDir: seeds, config: config(), log: first.log, now: DAY2 });
    expect([...readFeeds(second).keys()]).toEqual(['Border Reopens']);
    expect(second.changes.removed.map((e) => e.id)).toEqual([before.id]);

    writeFileSync(join(seeds, 'a.txt'), plainSeed('Talks Resume'));
    const third = build({ seedsDir: seeds, config: config(), log: second.log, now: DAY3 });
    expect(readFeeds(third).get('Talks Resume')).toEqual(before);
  });

  it('a new seed naming a published story\'s id is rejected; the story keeps its id, link and date in every feed', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const before = readFeeds(first).get('Talks Resume')!;
    const link = child(entryOf(first, 'Talks Resume'), 'link')!.attributes.href;
    writeFileSync(join(seeds, 'b.txt'), plainSeed('Border Reopens', 'Another story.', `Date: 2023-04-02\nId: ${before.id}\n\n`));
    const second = build({ seedsDir: seeds, config: config(), log: first.log, now: DAY2 });
    expect(second.rejected).toEqual(['b.txt']);
    const errors = second.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.rule, d.file, d.line])).toEqual([['duplicate-id', `${seeds}/b.txt`, 2]]);
    expect(errors[0]!.message).toMatch(/already used by \S*a\.txt/);
    expect([...readFeeds(second)]).toEqual([['Talks Resume', before]]);
    expect(child(entryOf(second, 'Talks Resume'), 'link')!.attributes.href).toBe(link);
    expect(second.changes.new).toEqual([]);
    expect(second.changes.removed).toEqual([]);
  });

  it('feed and item ids carry the site\'s folder, so two sites under one host never share one; a log\'s feed id keeps its form', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume', 'Body.', 'Categories: Peace\n\n') });
    const idsOf = (result: ReturnType<typeof build>) => {
      const id = (path: string) => child(parseXml(result.outputs.find((o) => o.path === path)!.text), 'id')!.text;
      return { main: id('atom.xml'), topic: id('categories/peace/atom.xml'), item: child(entryOf(result, 'Talks Resume'), 'id')!.text };
    };
    const atRoot = idsOf(build({ seedsDir: seeds, config: config(), now: DAY1 }));
    expect(atRoot).toEqual({
      main: 'tag:seeds.example.org,2026-11-28:feed',
      topic: 'tag:seeds.example.org,2026-11-28:categories/peace/feed',
      item: 'tag:seeds.example.org,2026-11-28:articles/talks-resume',
    });
    const news = testConfig({ baseUrl: 'https://seeds.example.org/news/' });
    const inFolder = build({ seedsDir: seeds, config: news, now: DAY1 });
    expect(idsOf(inFolder)).toEqual({
      main: 'tag:seeds.example.org,2026-11-28:news/feed',
      topic: 'tag:seeds.example.org,2026-11-28:news/categories/peace/feed',
      item: 'tag:seeds.example.org,2026-11-28:news/articles/talks-resume',
    });
    for (const id of Object.values(idsOf(inFolder))) expect(isTagUri(id), id).toBe(true);
    // A site whose log began with a feed id of the other form keeps every id it gives: nothing published moves.
    const older = { ...inFolder.log, feedId: 'tag:seeds.example.org,2026-11-28:feed', entries: inFolder.log.entries.map((e) => ({ ...e, id: atRoot.item })) };
    expect(idsOf(build({ seedsDir: seeds, config: news, log: older, now: DAY2 }))).toEqual(atRoot);
  });

  it('an id named as a urn:uuid URN is the id in every format, in lower case; an Id: of another scheme is rejected', () => {
    const seeds = writeTree(tempDir(), {
      'a.txt': plainSeed('Talks Resume', 'Body.', 'Id: urn:uuid:6E8BC430-9C3A-11D9-9669-0800200C9A66\n\n'),
      'b.txt': plainSeed('Border Reopens', 'Body.', 'Id: urn:isbn:0451450523\n\n'),
    });
    const result = build({ seedsDir: seeds, config: config(), now: DAY1 });
    expect(readFeeds(result).get('Talks Resume')!.id).toBe('urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66');
    expect(result.rejected).toEqual(['b.txt']);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.rule, d.line])).toEqual([['id-invalid', 1]]);
  });

  it('a tag: id with a day the calendar lacks is published under that id, with a warning', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume', 'Body.', 'Id: tag:seeds.example.org,2023-13-45:talks\n\n') });
    const result = build({ seedsDir: seeds, config: config(), now: DAY1 });
    expect(result.rejected).toEqual([]);
    expect(readFeeds(result).get('Talks Resume')!.id).toBe('tag:seeds.example.org,2023-13-45:talks');
    expect(result.diagnostics.map((d) => [d.severity, d.rule, d.line])).toEqual([['warning', 'id-invalid', 1]]);
  });

  it('a seed rejected for a run keeps its id and date when fixed', () => {
    const seeds = writeTree(tempDir(), { 'a.txt': plainSeed('Talks Resume'), 'b.txt': plainSeed('Border Reopens') });
    const first = build({ seedsDir: seeds, config: config(), now: DAY1 });
    const before = readFeeds(first).get('Talks Resume')!;

    writeFileSync(join(seeds, 'a.txt'), plainSeed('Talks Resume', 'The body of the story.', 'Date: 2023-02-30\n\n'));
    const broken = build({ seedsDir: seeds, config: config(), log: first.log, now: DAY2 });
    expect(broken.rejected).toEqual(['a.txt']);
    expect([...readFeeds(broken).keys()]).toEqual(['Border Reopens']);
    expect(broken.changes.removed).toEqual([]);

    writeFileSync(join(seeds, 'a.txt'), plainSeed('Talks Resume', 'The body of the story, fixed.'));
    const fixed = build({ seedsDir: seeds, config: config(), log: broken.log, now: DAY3 });
    expect(readFeeds(fixed).get('Talks Resume')).toEqual({ ...before, updated: DAY3.toISOString() });
  });

  it('two seeds with the same title get different ids and links', () => {
    const seeds = writeTree(tempDir(), {
      'a.txt': plainSeed('Same Title'),
      'b.txt': plainSeed('Same Title').replace('Asbarez:', 'The Armenian Weekly:'),
    });
    const result = build({ seedsDir: seeds, config: config(), now: DAY1 });
    expect(result.items).toHaveLength(2);
    const ids = result.items.map((i) => i.id);
    const links = result.items.map((i) => i.link);
    expect(new Set(ids).size).toBe(2);
    expect(new Set(links).size).toBe(2);
    const atom = parseXml(result.outputs.find((o) => o.path === 'atom.xml')!.text);
    expect(children(atom, 'entry').map((e) => child(e, 'id')!.text).sort()).toEqual([...ids].sort());
  });

  it('an Id: header is the id in every format; a second seed naming it is rejected with both files named', () => {
    const id = 'tag:example.org,2023-03-02:my-story';
    const seeds = writeTree(tempDir(), {
      'a.txt': plainSeed('Talks Resume', 'Body.', `Id: ${id}\n\n`),
      'b.txt': plainSeed('Border Reopens', 'Body.', `Id: ${id}\n\n`),
    });
    const result = build({ seedsDir: seeds, config: config(), now: DAY1 });
    expect(readFeeds(result).get('Talks Resume')!.id).toBe(id);
    expect(child(entryOf(result, 'Talks Resume'), 'id')!.text).toBe(id);
    expect(result.rejected).toEqual(['b.txt']);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'duplicate-id', file: `${seeds}/b.txt`, line: 1 });
    expect(errors[0]!.message).toMatch(/already used by \S*a\.txt/);
  });
});

describe('ids and links as RFC 3986 and RFC 4151 allow them', () => {
  it('takes a tag: URI whose specific part is URI characters, and refuses one holding others', () => {
    for (const id of ['tag:seeds.example.org,2023:a/b?c=d', "tag:example.org,2023-03-02:x!$&'()*+,;=:@~._-", 'tag:example.org,2023:caf%C3%A9', 'tag:example.org,2023:a#frag']) expect(checkedId(id), id).toBe(id);
    for (const id of ['tag:seeds.example.org,2023:]]>', 'tag:seeds.example.org,2023:articles/a<script>', 'tag:example.org,2023:a[1]', 'tag:example.org,2023:100%', 'tag:example.org,2023:a b', 'tag:example.org,2023:']) expect(checkedId(id), id).toBeUndefined();
  });

  it("tells a tag: URI's date the calendar has (RFC 4151 2.1: a month 01 to 12, a day of that month) from one it has not, and keeps both", () => {
    for (const id of ['tag:example.org,2024-02-29:x', 'tag:example.org,2023-12:x', 'tag:example.org,2023-01-31:x', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66']) expect(tagDateExists(id), id).toBe(true);
    for (const id of ['tag:example.org,2023-13-45:x', 'tag:example.org,2023-00:x', 'tag:example.org,2023-02-29:x', 'tag:example.org,2023-04-31:x', 'tag:example.org,2023-01-00:x']) {
      expect(tagDateExists(id), id).toBe(false);
      // Such an id may be published already: it is taken as it is, and the seed warned of.
      expect(checkedId(id), id).toBe(id);
    }
  });

  it('percent-encodes in a link what RFC 3986 allows nowhere in a path or query, and leaves the host alone', () => {
    expect(absoluteHttpUrl('https://news.example/search?tags[]=politics&id=5')).toBe('https://news.example/search?tags%5B%5D=politics&id=5');
    expect(absoluteHttpUrl('https://news.example/a|b/{c}^d`e')).toBe('https://news.example/a%7Cb/%7Bc%7D%5Ed%60e');
    expect(absoluteHttpUrl('http://[::1]:8080/x[1]')).toBe('http://[::1]:8080/x%5B1%5D');
    expect(absoluteHttpUrl('https://news.example/plain?q=1#top')).toBe('https://news.example/plain?q=1#top');
  });

  it('gives a seed with such a link a via link the W3C validator takes as a URI', () => {
    const seedsDir = writeTree(tempDir(), { 'a.txt': 'Link: https://news.example/search?tags[]=politics&id=5\n\nAsbarez: A Link With Brackets\n\nThe body.\n' });
    const result = build({ seedsDir, config: testConfig(), now: new Date('2026-11-28T12:00:00Z') });
    const entry = children(parseXml(result.outputs.find((o) => o.path === 'atom.xml')!.text), 'entry')[0]!;
    const via = children(entry, 'link').find((l) => l.attributes.rel === 'via')!;
    expect(via.attributes.href).toBe('https://news.example/search?tags%5B%5D=politics&id=5');
  });
});
