/**
 * Issue 4: bad input and hostile seeds. One test per class, each on fixture
 * seeds under test/fixtures/hostile/<class>/ built next to three good seeds
 * (test/fixtures/hostile/good/). Each asserts the exact diagnostics (file,
 * line, severity, rule) and reads all three feeds back with a real parser to
 * see that the good seeds are still published.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import type { SiteConfig } from '../src/model.js';
import { NOW, REPO, tempDir, testConfig } from './helpers.js';
import { child, children, descendants, parseXml, type XmlElement } from './xml.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'hostile');
const GOOD_TITLES = ['Saturday Market Moves to the Old Square', 'Stone Bridge Reopens After Winter Repairs', 'Youth Choir Sets Out on a Five-City Tour'];

/** A seeds folder holding the good seeds and every seed of `classes`. */
function seedsWith(...classes: string[]): string {
  const dir = join(tempDir(), 'seeds');
  cpSync(join(FIXTURES, 'good'), dir, { recursive: true });
  for (const c of classes) cpSync(join(FIXTURES, c), dir, { recursive: true });
  return dir;
}

function buildSeeds(seedsDir: string, config: SiteConfig = testConfig()): BuildResult {
  return build({ seedsDir, config, now: NOW, displayRoot: 'seeds' });
}

/** `seeds/x.txt:3 warning rule`, sorted: the exact place, severity and rule of every diagnostic. */
function places(result: BuildResult): string[] {
  return result.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}`).sort();
}

interface JsonItem {
  id: string;
  url: string;
  title: string;
  summary?: string;
  content_html: string;
  tags?: string[];
  date_published: string;
  external_url?: string;
  _source?: { name: string; home_page_url?: string };
}

interface Feeds {
  rss: XmlElement;
  atom: XmlElement;
  json: { version: string; items: JsonItem[] };
}

/** The main feed in each format, parsed strictly: a feed that is not well-formed fails here. */
function readFeeds(result: BuildResult): Feeds {
  const text = (path: string) => {
    const out = result.outputs.find((o) => o.path === path);
    if (!out) throw new Error(`no ${path} in the build`);
    return out.text;
  };
  const json = JSON.parse(text('feed.json')) as Feeds['json'];
  expect(json.version).toBe('https://jsonfeed.org/version/1.1');
  return { rss: parseXml(text('feed.xml')), atom: parseXml(text('atom.xml')), json };
}

function rssItems(feeds: Feeds): XmlElement[] {
  return children(child(feeds.rss, 'channel')!, 'item');
}

function atomEntries(feeds: Feeds): XmlElement[] {
  return children(feeds.atom, 'entry');
}

/** Titles as a reader of each format sees them, sorted. */
function titlesIn(feeds: Feeds): { rss: string[]; atom: string[]; json: string[] } {
  return {
    rss: rssItems(feeds).map((i) => child(i, 'title')!.text).sort(),
    atom: atomEntries(feeds).map((e) => child(e, 'title')!.text).sort(),
    json: feeds.json.items.map((i) => i.title).sort(),
  };
}

/** The good seeds and `extra` titles, and nothing else, in all three feeds. */
function expectPublished(result: BuildResult, extra: string[]): Feeds {
  const feeds = readFeeds(result);
  const expected = [...GOOD_TITLES, ...extra].sort();
  expect(titlesIn(feeds)).toEqual({ rss: expected, atom: expected, json: expected });
  return feeds;
}

/** One item in each format, found by title. */
function itemTitled(feeds: Feeds, title: string): { rss: XmlElement; atom: XmlElement; json: JsonItem } {
  const rss = rssItems(feeds).find((i) => child(i, 'title')!.text === title);
  const atom = atomEntries(feeds).find((e) => child(e, 'title')!.text === title);
  const json = feeds.json.items.find((i) => i.title === title);
  if (!rss || !atom || !json) throw new Error(`"${title}" is missing from a feed`);
  return { rss, atom, json };
}

/** The HTML content each format carries for one item. */
function contents(item: ReturnType<typeof itemTitled>): string[] {
  return [child(item.rss, 'content:encoded')!.text, child(item.atom, 'content')!.text, item.json.content_html];
}

function message(result: BuildResult, file: string, rule: string): string {
  const d = result.diagnostics.find((x) => x.file === file && x.rule === rule);
  if (!d) throw new Error(`no ${rule} for ${file}`);
  return d.message;
}

describe('the good seeds alone', () => {
  it('publish without a diagnostic', () => {
    const result = buildSeeds(seedsWith());
    expect(result.diagnostics).toEqual([]);
    expectPublished(result, []);
  });

  it('leave out a draft (draft: true) without a diagnostic', () => {
    const dir = seedsWith();
    writeFileSync(join(dir, 'draft.md'), '---\ntitle: Not Ready Yet\nsource: Valley Herald\ndraft: true\n---\nStill being written.\n');
    const result = buildSeeds(dir);
    expect(result.diagnostics).toEqual([]);
    expectPublished(result, []);
  });
});

describe('1. code in front matter', () => {
  it('rejects ---js and ---javascript front matter without running it', () => {
    const dir = seedsWith('code');
    const marker = join(tempDir(), 'front-matter-ran');
    for (const name of ['js-front-matter.md', 'javascript-front-matter.md']) {
      const path = join(dir, name);
      writeFileSync(path, readFileSync(path, 'utf8').replace('__MARKER__', marker));
    }
    const result = buildSeeds(dir);
    expect(existsSync(marker)).toBe(false);
    expect(places(result)).toEqual(['seeds/javascript-front-matter.md:1 error front-matter-language', 'seeds/js-front-matter.md:1 error front-matter-language']);
    expect(result.rejected).toEqual(['javascript-front-matter.md', 'js-front-matter.md']);
    expectPublished(result, []);
  });

  it('is a real threat: gray-matter on its own runs the same front matter', () => {
    // The control for the test above: the fixture's code does run when handed to gray-matter's defaults.
    const marker = join(tempDir(), 'gray-matter-ran');
    const text = readFileSync(join(FIXTURES, 'code', 'javascript-front-matter.md'), 'utf8').replace('__MARKER__', marker);
    const parsed = matter(text, { engines: { js: () => ({}) } } as unknown as Parameters<typeof matter>[1]);
    expect(parsed.data).toEqual({ title: 'Ran Some Code' });
    expect(existsSync(marker)).toBe(true);
  });
});

describe('2. YAML abuse', () => {
  it('refuses aliases, wrong types and oversized front matter, naming the line', () => {
    const dir = seedsWith('yaml');
    writeFileSync(join(dir, 'oversized.md'), `---\ntitle: Too Much Metadata\nnotes: "${'n'.repeat(70_000)}"\n---\nBody.\n`);
    const result = buildSeeds(dir);
    expect(places(result)).toEqual([
      'seeds/alias-bomb.md:3 error front-matter-alias',
      'seeds/author-list.md:4 error front-matter-type',
      'seeds/oversized.md:1 error front-matter-size',
      'seeds/title-number.md:2 error front-matter-type',
    ]);
    expect(message(result, 'seeds/title-number.md', 'front-matter-type')).toBe('front matter "title" must be text, found number 1984');
    expect(message(result, 'seeds/author-list.md', 'front-matter-type')).toBe('front matter "author" must be text, found a list');
    expect(message(result, 'seeds/oversized.md', 'front-matter-size')).toMatch(/the limit is 65536 bytes/);
    expectPublished(result, []);
  });
});

describe('3. characters XML forbids, CDATA ends and escaping', () => {
  let result: BuildResult;
  beforeAll(() => {
    result = buildSeeds(seedsWith('chars'));
  });

  it('removes forbidden characters with a warning naming each line', () => {
    expect(places(result)).toEqual([
      'seeds/character-references.md:5 warning xml-forbidden-char',
      'seeds/control-characters.txt:3 warning xml-forbidden-char',
      'seeds/control-characters.txt:5 warning xml-forbidden-char',
      'seeds/control-characters.txt:7 warning xml-forbidden-char',
      'seeds/lone-surrogate.md:2 warning xml-forbidden-char',
    ]);
    const first = result.diagnostics.find((d) => d.file === 'seeds/control-characters.txt')!;
    // "Valley Herald: Bell" is 19 characters; the BEL is the 20th.
    expect([first.column, first.message]).toEqual([20, 'removed 1 character(s) XML 1.0 does not allow (first: U+0007); delete them from the seed to silence this']);
    const feeds = expectPublished(result, ['Bell Tower Clock Runs Again', 'Half a Character Here', 'Markup ]]> Ends ]]> Twice ]]>', 'References to Forbidden Characters']);
    for (const html of contents(itemTitled(feeds, 'References to Forbidden Characters'))) expect(html).toContain('<p>A bell rang, a form fed, and a marker hid, as did a null, a half and a far one.</p>');
    const clock = itemTitled(feeds, 'Bell Tower Clock Runs Again');
    for (const html of contents(clock)) expect(html).toContain('<p>Volunteers oiled the gears and set the hands.</p>');
  });

  it('carries "]]>", "&", "<" and quotes through text and attributes', () => {
    const feeds = readFeeds(result);
    const item = itemTitled(feeds, 'Markup ]]> Ends ]]> Twice ]]>');
    const categories = ['R&D <Labs> "Quarterly" ]]>', 'Towns & Villages'];
    expect(children(item.rss, 'category').map((c) => c.text)).toEqual(categories);
    expect(children(item.atom, 'category').map((c) => c.attributes.term)).toEqual(categories);
    expect(item.json.tags).toEqual(categories);
    const dek = 'A dek with ]]> and ]]>]]> in it';
    // RSS <description> is HTML (RSS Best Practices Profile): the plain-text dek arrives HTML-escaped.
    expect([decodeEntities(child(item.rss, 'description')!.text), child(item.atom, 'summary')!.text, item.json.summary]).toEqual([dek, dek, dek]);
    const original = "https://valley.example/story?a=1&b=2&c=%273%27";
    expect(children(item.atom, 'link').find((l) => l.attributes.rel === 'via')?.attributes.href).toBe(original);
    expect(item.json.external_url).toBe(original);
    for (const html of contents(item)) {
      expect(decodeEntities(html.replace(/<[^>]*>/g, ''))).toContain('Body with ]]> once, ]]> twice');
      expect(decodeEntities(html.replace(/<[^>]*>/g, ''))).toContain('Ampersands & less-than < signs, "double" and \'single\' quotes.');
    }
  });
});

describe('4. encodings', () => {
  let result: BuildResult;
  beforeAll(() => {
    result = buildSeeds(seedsWith('encodings'));
  });

  it('decodes Windows-1252 and UTF-16 with a warning, rejects what is neither, and reads CR-only, CRLF and BOM text', () => {
    expect(places(result)).toEqual([
      'seeds/not-text.txt:3 error encoding-invalid',
      'seeds/utf16-with-nul.txt:1 warning encoding-utf16',
      'seeds/utf16-with-nul.txt:3 warning xml-forbidden-char',
      'seeds/utf16be-no-bom.txt:1 warning encoding-utf16',
      'seeds/utf16le-bom.txt:1 warning encoding-utf16',
      'seeds/windows-1252.txt:3 warning encoding-windows-1252',
    ]);
    expect(result.rejected).toEqual(['not-text.txt']);
    const feeds = expectPublished(result, [
      'Bakery Wins a Regional Prize',
      'Ferry Adds a Winter Crossing',
      'Library Opens Its New Reading Room',
      'Night Bus Returns to the Hill Villages',
      'Orchard Harvest Starts Early',
      'School Roof Mended Before the Rains',
    ]);
    // 0x93 and 0x94 are curly double quotes in Windows-1252, not C1 controls.
    for (const html of contents(itemTitled(feeds, 'Library Opens Its New Reading Room'))) expect(html).toContain('<p>“We waited ten years,” the librarian said.</p>');
    for (const html of contents(itemTitled(feeds, 'Bakery Wins a Regional Prize'))) expect(html).toContain('<p>The jury tasted forty loaves.</p>');
    const night = itemTitled(feeds, 'Night Bus Returns to the Hill Villages');
    expect(night.json.summary).toBe('A driver was found for the late route');
    for (const html of contents(night)) expect(html).toContain('<p>The bus leaves the square at eleven. It stops at every village.</p>');
    expect(night.json.tags).toEqual(['Towns']);
  });
});

describe('5. dates', () => {
  it('rejects impossible and ambiguous dates with the accepted forms, and warns about implausible ones', () => {
    const result = buildSeeds(seedsWith('dates'));
    expect(places(result)).toEqual([
      'seeds/ancient.md:4 error date-invalid',
      'seeds/before-1990.md:3 warning date-implausible',
      'seeds/february-30.md:3 error date-invalid',
      'seeds/future.md:3 warning date-implausible',
      'seeds/slashed.txt:1 error date-ambiguous',
      'seeds/wrong-weekday.txt:2 warning date-weekday',
    ]);
    expect(message(result, 'seeds/february-30.md', 'date-invalid')).toBe('date 2023-02-30 is not a calendar date; use YYYY-MM-DD with a real day of that month');
    expect(message(result, 'seeds/slashed.txt', 'date-ambiguous')).toMatch(/^date "03\/04\/2023" is ambiguous .*use ISO 8601 \(2023-03-02/);
    // 2 March 2023 was a Thursday. The weekday goes with the date as written: Thursday 23:30 at -0500 is Friday in UTC, and right.
    expect(message(result, 'seeds/wrong-weekday.txt', 'date-weekday')).toBe(
      'date "Mon, 02 Mar 2023 10:00:00 +0000" says Mon, but 2 March 2023 is a Thursday; the date is used. Correct the weekday or the date',
    );
    // A year before 1000 is a typo (RFC 822 readers take `0050` for 1950 or refuse it): the story waits for the year in full.
    expect(message(result, 'seeds/ancient.md', 'date-invalid')).toBe('date 0050-06-15 is before the year 1000; write the year in full (RSS readers would take it for another date)');
    expect(result.rejected).toContain('ancient.md');
    const feeds = expectPublished(result, ['An Old Story Reprinted', 'News From Next Year', 'Frost Warning for the Orchards', 'A Late Meeting Runs Past Midnight']);
    expect(child(itemTitled(feeds, 'Frost Warning for the Orchards').rss, 'pubDate')!.text).toBe('Thu, 02 Mar 2023 10:00:00 GMT');
    expect(child(itemTitled(feeds, 'A Late Meeting Runs Past Midnight').rss, 'pubDate')!.text).toBe('Fri, 03 Mar 2023 04:30:00 GMT');
    const future = itemTitled(feeds, 'News From Next Year');
    expect(child(future.rss, 'pubDate')!.text).toBe('Tue, 01 Jun 2027 00:00:00 GMT');
    expect(new Date(child(future.atom, 'published')!.text).toISOString()).toBe('2027-06-01T00:00:00.000Z');
    expect(new Date(future.json.date_published).toISOString()).toBe('2027-06-01T00:00:00.000Z');
  });
});

describe('6. HTML and links', () => {
  let result: BuildResult;
  beforeAll(() => {
    result = buildSeeds(seedsWith('html'));
  });

  it('warns about a script link, rejects a script id', () => {
    expect(places(result)).toEqual(['seeds/prose-tags.md:6 warning html-unclosed', 'seeds/script-id.txt:1 error id-invalid', 'seeds/script-link.md:4 warning link-invalid']);
    expectPublished(result, ['A Link That Is a Script', 'Council <b>Votes</b> & Adjourns', 'How the Council Site Was Defaced']);
  });

  it('shows a tag named in prose and left open as text, and keeps the words after it', () => {
    expect(result.diagnostics.find((d) => d.rule === 'html-unclosed')!.message).toBe('<script>, <style>, <title> with no end tag would hide the rest of the story; shown as text. Write it in backticks (`<script>`) to show a tag, or close it');
    const item = itemTitled(readFeeds(result), 'How the Council Site Was Defaced');
    for (const html of contents(item)) {
      expect(html).toContain('slipped a &lt;script&gt; tag into the council page.');
      expect(html).toContain('through a stray &lt;style&gt; and an odd &lt;title&gt; tag.');
      expect(html).toContain('every word of this sentence stays.');
      // A closed script still goes, with what it holds.
      expect(html).not.toMatch(/<script|alert\(3\)/);
    }
  });

  it('sanitizes the body with an allow-list and resolves relative links against the original article the seed names', () => {
    const feeds = readFeeds(result);
    const item = itemTitled(feeds, 'Council <b>Votes</b> & Adjourns');
    const page = item.json.url;
    expect(page).toMatch(/^https:\/\/seeds\.example\.org\/articles\/[^/]+\.html$/);
    for (const html of contents(item)) {
      expect(html).not.toMatch(/<(script|style|iframe|object|embed)\b/i);
      expect(html).not.toMatch(/\son\w+=/i);
      expect(html).not.toContain('alert(1)');
      expect(html).not.toContain('alert(2)');
      const urls = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => decodeEntities(m[1]!));
      // The body was copied from its original: its relative links are that site's (without a link they resolve against `page`).
      expect(urls).toEqual(['https://valley.example/photo.jpg', 'https://valley.example/minutes.html', 'https://valley.example/council-votes#vote', 'https://valley.example/council-votes']);
    }
  });

  it('keeps titles and summaries plain text in every format', () => {
    const item = itemTitled(readFeeds(result), 'Council <b>Votes</b> & Adjourns');
    expect(child(item.atom, 'title')!.attributes.type).toBe('text');
    expect(child(item.atom, 'summary')!.attributes.type).toBe('text');
    expect(child(item.rss, 'description')!.text).toBe('&lt;i&gt;Not&lt;/i&gt; italic in any feed');
    expect([child(item.atom, 'summary')!.text, item.json.summary]).toEqual(Array(2).fill('<i>Not</i> italic in any feed'));
  });
});

describe('7. sizes', () => {
  it('rejects empty seeds, seeds without a title, too-long titles and too-large files, naming the limit', () => {
    const result = buildSeeds(seedsWith('sizes'), testConfig({ maxSeedBytes: 4096 }));
    expect(places(result)).toEqual([
      'seeds/blank.txt:0 error empty-seed',
      'seeds/empty.txt:0 error empty-seed',
      'seeds/huge.txt:0 error seed-too-large',
      'seeds/invisible-title.md:2 error no-title',
      'seeds/long-title.txt:1 error title-too-long',
      'seeds/longish-title.txt:1 warning title-long',
      'seeds/no-title.md:1 error no-title',
    ]);
    expect(message(result, 'seeds/huge.txt', 'seed-too-large')).toBe('the seed is 5234 bytes; the limit is 4096 (config maxSeedBytes)');
    expect(message(result, 'seeds/long-title.txt', 'title-too-long')).toMatch(/^the title is 318 characters; the limit is 300\./);
    expect(message(result, 'seeds/longish-title.txt', 'title-long')).toMatch(/^the title is 183 characters; readers cut titles longer than about 150/);
    expectPublished(result, [`${'Headline words '.repeat(12).trim()} end`]);
  });
});

describe('7. sizes: a seed with a problem on every line', () => {
  it('lists the first 20 of each rule, counts the rest, and still publishes', () => {
    const dir = seedsWith();
    // About 1.9 MB: 160,000 mojibake runs on 8,000 lines, each repaired.
    const line = 'cafÃ© '.repeat(20).trim();
    writeFileSync(join(dir, 'flood.txt'), `Valley Herald: A Flood of Mojibake\n\n${Array(8000).fill(line).join('\n\n')}\n`);
    const result = buildSeeds(dir);
    const flood = result.diagnostics.filter((d) => d.file === 'seeds/flood.txt');
    expect(flood.filter((d) => d.rule === 'mail-mojibake' && d.line > 0)).toHaveLength(20);
    expect(flood.filter((d) => d.line === 0).map((d) => [d.severity, d.rule, d.message])).toEqual([
      ['warning', 'mail-mojibake', '159980 more [mail-mojibake] problem(s) in this file are not listed (160000 in all); fix the ones above and check again'],
      ['warning', 'repairs-not-listed', '160000 repairs were made; the report lists the first 10000. A file that needs this many is likely not plain text: check its encoding'],
    ]);
    expect(result.repairs).toHaveLength(10_000);
    const feeds = expectPublished(result, ['A Flood of Mojibake']);
    expect(contents(itemTitled(feeds, 'A Flood of Mojibake'))[2]).toContain(`<p>${'café '.repeat(20).trim()}</p>`);
  });
});

describe('7. sizes: seeds near the size cap built to be slow', () => {
  it('rejects HTML nested too deep, naming the limit, and reads the rest', () => {
    const dir = seedsWith();
    const big = {
      'deep-html.md': `---\ntitle: Deep Markup\nsource: Valley Herald\n---\n${'<div>'.repeat(300_000)}x\n`,
      'open-tags.md': `---\ntitle: Tags Never Closed\nsource: Valley Herald\n---\n<div>\n${'<a '.repeat(600_000)}x\n`,
      'spaces.txt': `Valley Herald: One Long Line of Spaces\n\n${' '.repeat(1_900_000)}x\n`,
      // A Source: header of spaces (its name and an address beside it are looked for), and a header folded line after line.
      'source-spaces.txt': `Source: Valley${' '.repeat(1_900_000)}Herald\n\nA Source Made of Spaces\n\nThe body.\n`,
      'folded.txt': `Categories: Notices,\n${' Notices,\n'.repeat(180_000)}\nValley Herald: A Header Folded Many Times\n\nThe body.\n`,
      'soft-breaks.txt': `Valley Herald: Every Line Soft-Broken\n\n${'The garden=E2=80=99s gate opens at nine on Sunday mornings for all visi=\n'.repeat(27_000)}tors.\n`,
    };
    for (const [name, text] of Object.entries(big)) writeFileSync(join(dir, name), text);
    const result = buildSeeds(dir);
    expect(places(result)).toEqual([
      'seeds/deep-html.md:5 error html-too-deep',
      'seeds/soft-breaks.txt:0 warning repairs-not-listed',
      'seeds/soft-breaks.txt:3 warning mail-quoted-printable',
      'seeds/spaces.txt:1 warning no-body',
    ]);
    expect(message(result, 'seeds/deep-html.md', 'html-too-deep')).toBe("the body's HTML nests 300000 elements deep; the limit is 200. Close the tags you open");
    const feeds = expectPublished(result, ['A Header Folded Many Times', 'A Source Made of Spaces', 'Every Line Soft-Broken', 'One Long Line of Spaces', 'Tags Never Closed']);
    // The spaces are trimmed away; the "x" that ends the line is a one-line paragraph after the headline: the dek.
    expect(itemTitled(feeds, 'One Long Line of Spaces').json.summary).toBe('x');
  });
});

describe('9. duplicates', () => {
  it('rejects a second seed with the same id, naming both files; publishes the same story once', () => {
    const result = buildSeeds(seedsWith('duplicates'));
    expect(places(result)).toEqual([
      'seeds/id-second.txt:1 error duplicate-id',
      'seeds/link-again.md:5 warning duplicate-story',
      'seeds/story-again.txt:3 warning duplicate-story',
    ]);
    expect(message(result, 'seeds/id-second.txt', 'duplicate-id')).toContain('id-first.txt');
    expect(message(result, 'seeds/story-again.txt', 'duplicate-story')).toContain('seeds/story-first.txt');
    expect(message(result, 'seeds/link-again.md', 'duplicate-story')).toContain('seeds/link-first.md');
    expectPublished(result, ['Harvest Festival Draws a Crowd', 'Road Signs Go Up in Two Languages', 'Well Water Tested Safe']);
    // What the run reports as new is what it published: a repeat is not counted.
    expect(result.dropped.map((i) => i.file).sort()).toEqual(['link-again.md', 'story-again.txt']);
    expect(result.changes.new.map((i) => i.id).sort()).toEqual(result.items.map((i) => i.id).sort());
  });
});

describe('10. known mail artifacts', () => {
  it('warns with the line, repairs what is certain and counts each repair', () => {
    const result = buildSeeds(seedsWith('mail'));
    expect(places(result)).toEqual([
      'seeds/encoded-word.md:2 warning mail-encoded-word',
      'seeds/encoded-word.md:4 warning mail-encoded-word',
      'seeds/mojibake.txt:1 warning mail-mojibake',
      'seeds/mojibake.txt:1 warning mail-mojibake',
      'seeds/mojibake.txt:3 warning mail-mojibake',
      'seeds/mojibake.txt:3 warning mail-mojibake',
      'seeds/quoted-printable.txt:1 warning mail-quoted-printable',
      'seeds/quoted-printable.txt:3 warning mail-quoted-printable',
      'seeds/quoted-printable.txt:6 warning mail-quoted-printable',
      'seeds/unrepaired.txt:3 warning mail-quoted-printable',
      'seeds/unrepaired.txt:5 warning mail-mojibake',
    ]);
    const counts = new Map<string, number>();
    for (const r of result.repairs) counts.set(`${r.file} ${r.rule}`, (counts.get(`${r.file} ${r.rule}`) ?? 0) + 1);
    expect([...counts].map(([k, n]) => `${k} ${n}`).sort()).toEqual([
      'seeds/encoded-word.md mail-encoded-word 2',
      'seeds/mojibake.txt mail-mojibake 4',
      'seeds/quoted-printable.txt mail-quoted-printable 4',
    ]);
    const feeds = expectPublished(result, ['Café Reopens on the Square', 'Don’t Miss the Café Night', 'Notes From a Mailing List', 'The Mayor’s Garden Opens']);
    for (const html of contents(itemTitled(feeds, 'The Mayor’s Garden Opens'))) {
      expect(html).toContain('<p>The mayor’s garden will open to visitors every Sunday, the council said on Friday.</p>');
      expect(html).toContain('<p>Entry is free; the fee = nothing.</p>');
    }
    expect(contents(itemTitled(feeds, 'Café Reopens on the Square'))[2]).toContain('Shared by Ani Sargsyan.');
    for (const html of contents(itemTitled(feeds, 'Don’t Miss the Café Night'))) expect(html).toContain('<p>The café on the square hosts a music night; don’t be late.</p>');
    for (const html of contents(itemTitled(feeds, 'Notes From a Mailing List'))) expect(html).toContain('<p>The caf=E9 opened, the owner said.</p>');
  });
});

describe('11. never a broken feed', () => {
  it('renders a seed with a byline and nothing but a headline into well-formed feeds, its category feed included', () => {
    // No dek, body, source, sharer or link: the item has no content, only dc:creator in RSS,
    // and in the feed of its own category it is the only item.
    const dir = seedsWith();
    writeFileSync(join(dir, 'headline-only.txt'), 'Categories: Notices\nAuthor: Ani Sargsyan\n\nHeadline Without a Story\n');
    const result = buildSeeds(dir);
    expect(places(result)).toEqual(['seeds/headline-only.txt:4 warning no-body', 'seeds/headline-only.txt:4 warning no-source']);
    const feeds = expectPublished(result, ['Headline Without a Story']);
    expect(child(itemTitled(feeds, 'Headline Without a Story').rss, 'dc:creator')?.text).toBe('Ani Sargsyan');
    for (const out of result.outputs.filter((o) => o.kind === 'xml')) expect(() => parseXml(out.text), out.path).not.toThrow();
  });
});

describe('11. never a broken feed: a story without a source', () => {
  it('publishes it, with a warning that says where a seed of its layout names one', () => {
    const dir = seedsWith();
    writeFileSync(join(dir, 'plain.txt'), 'Categories: Notices\n\nA Headline Without Its Paper\n\nThe body.\n');
    writeFileSync(join(dir, 'bare.md'), '---\ntitle: Front Matter Without a Source\n---\nThe body.\n');
    writeFileSync(join(dir, 'addresses.md'), '---\ntitle: A Source by Its Address Alone\nsource: {url: "https://paper.example/"}\n---\nThe body.\n');
    const result = buildSeeds(dir);
    expect(places(result)).toEqual(['seeds/addresses.md:3 warning no-source', 'seeds/bare.md:2 warning no-source', 'seeds/plain.txt:3 warning no-source']);
    expect(message(result, 'seeds/plain.txt', 'no-source')).toBe('no source publication: start the headline with "Source: ", add a "Source:" header, or set defaultSource in the config');
    expect(message(result, 'seeds/bare.md', 'no-source')).toBe('no source publication: add "source: Name" (or {name, url, feed}) to the front matter, or set defaultSource in the config');
    expect(message(result, 'seeds/addresses.md', 'no-source')).toBe(
      'no source publication (the source\'s url and feed are not published without its name): add "source: Name" (or {name, url, feed}) to the front matter, or set defaultSource in the config',
    );
    const feeds = expectPublished(result, ['A Headline Without Its Paper', 'A Source by Its Address Alone', 'Front Matter Without a Source']);
    expect(itemTitled(feeds, 'A Source by Its Address Alone').json._source).toBeUndefined();
  });
});

describe('all classes at once', () => {
  it('still publishes every good seed in well-formed feeds', () => {
    const dirs = readdirSync(FIXTURES).filter((d) => d !== 'good');
    const result = buildSeeds(seedsWith(...dirs), testConfig({ maxSeedBytes: 4096 }));
    const feeds = readFeeds(result);
    for (const titles of Object.values(titlesIn(feeds))) expect(titles).toEqual(expect.arrayContaining(GOOD_TITLES));
    for (const out of result.outputs) {
      if (out.kind === 'xml') expect(() => parseXml(out.text), out.path).not.toThrow();
      if (out.kind === 'json') expect(() => JSON.parse(out.text), out.path).not.toThrow();
    }
    expect(descendants(feeds.atom, 'entry').length).toBe(feeds.json.items.length);
  });
});

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#39|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", apos: "'" })[e]!);
}
