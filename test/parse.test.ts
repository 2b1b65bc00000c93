import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeedDate } from '../src/dates.js';
import { describe, expect, it } from 'vitest';
import { parseSeed, type ParsedSeed } from '../src/parse/index.js';
import { splitFrontMatter, MAX_FRONT_MATTER_BYTES } from '../src/parse/frontmatter.js';
import { isDek, looksLikePublicationName, sharerName, splitHeadline } from '../src/parse/seed.js';
import { htmlNestingDepth, MAX_HTML_DEPTH } from '../src/sanitize.js';
import { REPO, SAMPLE_SEEDS } from './helpers.js';

/**
 * Table-driven tests of SEED-FORMAT.md, one block per rule. Every input is
 * bytes as they would sit on disk; every expectation comes from the rule it
 * names, not from running the parser.
 */

const FILE = 'seeds/story.txt';

function txt(text: string | Uint8Array, knownSources: readonly string[] = []): ParsedSeed {
  return parseSeed(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, FILE, 'txt', knownSources);
}

function md(text: string): ParsedSeed {
  return parseSeed(Buffer.from(text, 'utf8'), 'seeds/story.md', 'md');
}

function paragraphs(seed: ParsedSeed): string[] {
  if (seed.body.kind !== 'paragraphs') throw new Error('expected a plain-text body');
  return seed.body.paragraphs.map((p) => p.text);
}

function rules(seed: ParsedSeed): string[] {
  return seed.diagnostics.map((d) => `${d.severity} ${d.rule} ${d.line}`);
}

describe('header block: known "Key: value" lines at the very top, ended by a blank line', () => {
  const cases: { name: string; input: string; expect: Record<string, unknown>; headline: string }[] = [
    {
      name: 'Categories is comma-separated',
      input: 'Categories: 2023, Diaspora ,  Culture\n\nMeridian Post: Choir Tours Five Cities\n\nThe choir left on Monday.\n',
      expect: { categories: ['2023', 'Diaspora', 'Culture'] },
      headline: 'Choir Tours Five Cities',
    },
    {
      name: 'keys in any case; Tags add to Categories',
      input: 'CATEGORIES: Music\ntags: Travel, Youth\n\nMeridian Post: Choir Tours Five Cities\n\nThe choir left on Monday.\n',
      expect: { categories: ['Music', 'Travel', 'Youth'] },
      headline: 'Choir Tours Five Cities',
    },
    {
      name: 'every known key fills its field',
      input: [
        'Date: 2023-03-02',
        'Link: https://meridian.example/choir',
        'Source: Meridian Post',
        'Source-URL: https://meridian.example/',
        'Author: Ani Petrosyan',
        'Shared-By: Garo Tashjian',
        'Id: tag:meridian.example,2023-03-02:choir',
        'Language: hy',
        '',
        'Choir Tours Five Cities',
        '',
        'The choir left on Monday.',
        '',
      ].join('\n'),
      expect: {
        date: '2023-03-02',
        link: 'https://meridian.example/choir',
        source: { name: 'Meridian Post', url: 'https://meridian.example/', urlLine: 4 },
        author: 'Ani Petrosyan',
        sharedBy: 'Garo Tashjian',
        id: 'tag:meridian.example,2023-03-02:choir',
        language: 'hy',
      },
      headline: 'Choir Tours Five Cities',
    },
    {
      name: 'URL is a synonym of Link',
      input: 'URL: https://meridian.example/a\n\nMeridian Post: Choir Tours Five Cities\n\nThe choir left on Monday.\n',
      expect: { link: 'https://meridian.example/a' },
      headline: 'Choir Tours Five Cities',
    },
    {
      name: 'a first line whose key is not known is the headline, not a header',
      input: 'Meridian Post: Choir Tours Five Cities\n\nThe choir left on Monday.\n',
      expect: { source: { name: 'Meridian Post' }, categories: undefined },
      headline: 'Choir Tours Five Cities',
    },
  ];
  it.each(cases)('$name', ({ input, expect: fields, headline }) => {
    const seed = txt(input);
    expect(seed.ok).toBe(true);
    expect(seed.fields.title?.value).toBe(headline);
    for (const [key, value] of Object.entries(fields)) {
      expect(seed.fields[key as keyof typeof seed.fields]?.value, key).toEqual(value);
    }
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.']);
  });

  it('skips blank lines above the header block', () => {
    const seed = txt('\n\n  \nCategories: Music\n\nMeridian Post: Choir Tours\n\nThe choir left on Monday.\n');
    expect(seed.diagnostics).toEqual([]);
    expect(seed.fields.categories).toEqual({ value: ['Music'], line: 4 });
    expect(seed.fields.title).toEqual({ value: 'Choir Tours', line: 6 });
  });

  it.each(['Constructor', 'toString', '__proto__', 'hasOwnProperty'])('does not take "%s:" (a name every object has) for a header key', (key) => {
    const seed = txt(`${key}: The Builders' Guild Meets\n\nThe guild met on Monday.\n`);
    expect(seed.fields.title?.value).toBe("The Builders' Guild Meets");
    expect(seed.fields.source?.value.name).toBe(key);
    expect(Object.keys(seed.fields).sort()).toEqual(['source', 'title']);
  });

  it('gives each header field its own line', () => {
    const seed = txt('Categories: Music\nDate: 2023-03-02\nAuthor: Ani Petrosyan\n\nMeridian Post: Choir Tours\n\nThe choir left.\n');
    expect([seed.fields.categories?.line, seed.fields.date?.line, seed.fields.author?.line, seed.fields.title?.line]).toEqual([1, 2, 3, 5]);
  });

  it('reads a header line with nothing after its key as no value, as an empty front-matter key is', () => {
    const seed = txt('Id:\nDate:   \nCategories: Music\n\nMeridian Post: Choir Tours\n\nThe choir left.\n');
    expect(rules(seed)).toEqual([]);
    expect(Object.keys(seed.fields).sort()).toEqual(['categories', 'source', 'title']);
    expect(seed.fields.title?.line).toBe(5);
    const front = md('---\ntitle: Choir Tours\nid: ""\ndate:\n---\nThe choir left.\n');
    expect(rules(front)).toEqual([]);
    expect(front.fields.id).toBeUndefined();
  });

  it('warns when the block does not end with a blank line, and reads the next line as the headline', () => {
    const seed = txt('Categories: Music\nMeridian Post: Choir Tours Five Cities\n\nThe choir left on Monday.\n');
    expect(rules(seed)).toEqual(['warning header-blank-line 2']);
    expect(seed.fields.categories?.value).toEqual(['Music']);
    expect(seed.fields.title?.value).toBe('Choir Tours Five Cities');
  });
});

describe('headline: "<Source>: <Title>" when the prefix names a publication', () => {
  const cases: { headline: string; known?: string[]; source: string | undefined; title: string }[] = [
    { headline: 'Asbarez: Pashinyan: "We Are Ready"', source: 'Asbarez', title: 'Pashinyan: "We Are Ready"' },
    { headline: 'RFE/RL: Bridge Reopens After Repairs', source: 'RFE/RL', title: 'Bridge Reopens After Repairs' },
    { headline: 'news.am: Bridge Reopens After Repairs', source: 'news.am', title: 'Bridge Reopens After Repairs' },
    { headline: 'The Armenian Weekly: Bridge Reopens', source: 'The Armenian Weekly', title: 'Bridge Reopens' },
    { headline: 'One Two Three Four Five Six: Bridge Reopens', source: 'One Two Three Four Five Six', title: 'Bridge Reopens' },
    { headline: 'One Two Three Four Five Six Seven: Bridge Reopens', source: undefined, title: 'One Two Three Four Five Six Seven: Bridge Reopens' },
    { headline: 'The mayor said: the bridge reopens.', source: 'The mayor said', title: 'the bridge reopens.' },
    { headline: 'Dr. Sarkisian Says: Bridge Reopens', source: undefined, title: 'Dr. Sarkisian Says: Bridge Reopens' },
    { headline: 'Why now? Officials explain: Bridge Reopens', source: undefined, title: 'Why now? Officials explain: Bridge Reopens' },
    { headline: 'Yes, Really: Bridge Reopens', source: undefined, title: 'Yes, Really: Bridge Reopens' },
    { headline: 'Yes, Really: Bridge Reopens', known: ['Yes, Really'], source: 'Yes, Really', title: 'Bridge Reopens' },
    { headline: 'asbarez: Bridge Reopens', known: ['Asbarez'], source: 'Asbarez', title: 'Bridge Reopens' },
    { headline: 'Bridge Reopens After Repairs', source: undefined, title: 'Bridge Reopens After Repairs' },
    { headline: 'Asbarez:Bridge Reopens', source: undefined, title: 'Asbarez:Bridge Reopens' },
    { headline: '2023: Bridge Reopens', source: undefined, title: '2023: Bridge Reopens' },
    // A configured source and a colon alone: the source, and no title (an error, below), not the title "Asbarez:".
    { headline: 'asbarez:', known: ['Asbarez'], source: 'Asbarez', title: '' },
    // Another name and a colon alone may be a headline of its own: the title (with a warning, below).
    { headline: 'Asbarez:', source: undefined, title: 'Asbarez:' },
    { headline: 'The Week Ahead:', known: ['Asbarez'], source: undefined, title: 'The Week Ahead:' },
    { headline: 'Dr. Sarkisian Says:', source: undefined, title: 'Dr. Sarkisian Says:' },
    // The labels newspapers put before a headline are part of its title, unless the config names such a publication.
    { headline: 'Exclusive: Bridge Reopens', source: undefined, title: 'Exclusive: Bridge Reopens' },
    { headline: 'LIVE UPDATES: Bridge Reopens', source: undefined, title: 'LIVE UPDATES: Bridge Reopens' },
    { headline: 'Q&A: Why the Bridge Reopens', source: undefined, title: 'Q&A: Why the Bridge Reopens' },
    { headline: 'Analysis: Bridge Reopens', known: ['Analysis'], source: 'Analysis', title: 'Bridge Reopens' },
  ];
  it.each(cases)('$headline', ({ headline, known, source, title }) => {
    expect(splitHeadline(headline, known)).toEqual(source === undefined ? { title } : { source, title });
    const seed = txt(`${headline}\n\nThe bridge carried traffic again on Friday.\n`, known);
    expect(seed.fields.source?.value.name).toBe(source);
    expect(seed.fields.title?.value).toBe(title);
  });

  it('rejects a headline that is its configured source and a colon, naming its line, unless the front matter gives the title', () => {
    const seed = txt('Categories: 2023\n\nAsbarez:\n\nThe bridge carried traffic again on Friday.\n\nEmma Jilavian:\n', ['Asbarez']);
    expect(seed.ok).toBe(false);
    expect(rules(seed)).toEqual(['error no-title 3']);
    expect(seed.diagnostics[0]!.message).toContain('"Asbarez:" names the source but no title');
    const titled = txt('---\ntitle: Bridge Reopens\n---\nAsbarez:\n\nThe bridge carried traffic again on Friday.\n', ['Asbarez']);
    expect(titled.ok).toBe(true);
    expect(titled.fields.title?.value).toBe('Bridge Reopens');
    expect(titled.fields.source?.value.name).toBe('Asbarez');
    // The title on the headline's next line is one hard-wrapped headline.
    const wrapped = txt('Asbarez:\nBridge Reopens\n\nThe bridge carried traffic again on Friday.\n');
    expect(wrapped.ok).toBe(true);
    expect(rules(wrapped)).toEqual([]);
    expect([wrapped.fields.source?.value.name, wrapped.fields.title?.value]).toEqual(['Asbarez', 'Bridge Reopens']);
  });

  it('rejects a headline that is the source of its Source: header and a colon, and warns of any other name and a colon, published as the title', () => {
    expect(rules(txt('Source: Asbarez\n\nASBAREZ:\n\nThe bridge carried traffic again on Friday.\n'))).toEqual(['error no-title 3']);
    for (const [input, line] of [
      ['The Week Ahead:\n\nThe bridge carried traffic again on Friday.\n', 1],
      ['Source: Azatutyun\n\nAsbarez:\n\nThe bridge carried traffic again on Friday.\n', 3],
    ] as const) {
      const seed = txt(input);
      expect(seed.ok).toBe(true);
      expect(rules(seed)).toEqual([`warning headline-colon ${line}`]);
      expect(seed.fields.title?.value).toMatch(/:$/);
    }
    // Nor when the front matter gives the title.
    expect(rules(txt('---\ntitle: Bridge Reopens\n---\nThe Week Ahead:\n\nThe bridge carried traffic again on Friday.\n'))).toEqual([]);
    // A headline with a colon of its own, or a sentence, is not warned of.
    expect(rules(txt('Asbarez: Bridge Reopens:\n\nThe bridge carried traffic again on Friday.\n'))).toEqual([]);
    expect(rules(txt('Why did the bridge close? Here is what we know:\n\nThe bridge carried traffic again on Friday.\n'))).toEqual([]);
  });

  it('joins a hard-wrapped headline before splitting it', () => {
    const seed = txt('Meridian Post: Choir Tours Five\nCities This Spring\n\nThe choir left on Monday.\n');
    expect(seed.fields.source?.value.name).toBe('Meridian Post');
    expect(seed.fields.title).toEqual({ value: 'Choir Tours Five Cities This Spring', line: 1 });
  });

  it('lets a Source: header win over the prefix, keeping its Source-URL; a prefix naming another is kept in the title', () => {
    const seed = txt('Source: Meridian Daily\nSource-URL: https://meridian.example/\n\nMeridian Post: Choir Tours\n\nThe choir left.\n');
    expect(seed.fields.source?.value).toEqual({ name: 'Meridian Daily', url: 'https://meridian.example/', urlLine: 2 });
    expect(seed.fields.title?.value).toBe('Meridian Post: Choir Tours');
    // A prefix naming the header's source, in any case, is taken off.
    expect(txt('Source: Meridian Daily\n\nMERIDIAN DAILY: Choir Tours\n\nThe choir left.\n').fields.title?.value).toBe('Choir Tours');
  });

  it.each([
    ['Asbarez', true],
    ['The Armenian Weekly', true],
    ['RFE/RL', true],
    ['news.am', true],
    ['Azatutyun.am', true],
    ['Reuters; AP', false],
    ['He said, then', false],
    ['Mr. Smith', false],
    ['“Quoted”', false],
    ['1915', false],
  ])('looksLikePublicationName(%j) is %s', (prefix, expected) => {
    expect(looksLikePublicationName(prefix)).toBe(expected);
  });
});

describe('dek: the paragraph after the headline when it is one short line without sentence punctuation', () => {
  const dek = (candidate: string, rest = '\n\nThe body begins here.\n') => txt(`Meridian Post: Choir Tours\n\n${candidate}${rest}`);
  it.each([
    ['The Lachin Corridor has been blocked since Dec. 12', true],
    ['A standfirst with no final stop', true],
    ['A standfirst that ends a sentence.', false],
    ['Does it end a sentence?', false],
    ['It does!', false],
    ['He said: “We are ready.”', false],
    ['He said: “We are ready!’', false],
    ['She asked “why?”', false],
    // Sentence punctuation of other scripts: Armenian (its full stop, or the colon often typed for it), Arabic, Hindi, Japanese.
    ['Թանգարանը բացվեց երեկ։', false],
    ['Թանգարանը բացվեց երեկ:', false],
    ['Թանգարանը բացվեց երեկ', true],
    ['هل افتتح المتحف؟', false],
    ['संग्रहालय कल खुला।', false],
    ['博物館が昨日開館した。', false],
    ['«Պատրաստ ենք»։', false],
    ['Yerevan Museum Reopens: the Details', true],
    // Closing quotes of other typographies: German „…“, French « … » with its no-break spaces, a bracket.
    ['Er sagte „ja.“', false],
    ['Il a dit « oui.\u00a0»', false],
    ['A dek (with parens.)', false],
    ['Er sagte „ja“', true],
    ['A ' + 'x'.repeat(198), true],
    ['A ' + 'x'.repeat(199), false],
  ])('%j is a dek: %s', (candidate, isOne) => {
    expect(isDek(candidate)).toBe(isOne);
    const seed = dek(candidate);
    expect(seed.fields.summary?.value).toBe(isOne ? candidate : undefined);
    expect(paragraphs(seed)).toEqual(isOne ? ['The body begins here.'] : [candidate, 'The body begins here.']);
  });

  it('is not a dek when it spans two lines', () => {
    const seed = dek('A standfirst wrapped\nover two lines');
    expect(seed.fields.summary).toBeUndefined();
    expect(paragraphs(seed)).toEqual(['A standfirst wrapped over two lines', 'The body begins here.']);
  });

  it('records the line of the dek', () => {
    expect(dek('A standfirst').fields.summary).toEqual({ value: 'A standfirst', line: 3 });
  });
});

describe('body: paragraphs split by blank lines, hard-wrapped lines joined with a space', () => {
  const cases: { name: string; body: string; expected: string[] }[] = [
    { name: 'one paragraph per blank line', body: 'First paragraph.\n\nSecond paragraph.\n', expected: ['First paragraph.', 'Second paragraph.'] },
    { name: 'several blank lines are one break', body: 'First paragraph.\n\n\n\nSecond paragraph.\n', expected: ['First paragraph.', 'Second paragraph.'] },
    { name: 'wrapped lines are joined with one space', body: 'A paragraph that was\nwrapped by a mail\n  client at forty.\n', expected: ['A paragraph that was wrapped by a mail client at forty.'] },
    { name: 'blank lines holding spaces still break', body: 'First paragraph.\n   \t\nSecond paragraph.\n', expected: ['First paragraph.', 'Second paragraph.'] },
    { name: 'typos are kept as written', body: 'Teh council met on Tusday.\n', expected: ['Teh council met on Tusday.'] },
    { name: 'non-breaking spaces used as indentation become spaces', body: '\u00A0\u00A0Indented paragraph.\n', expected: ['Indented paragraph.'] },
  ];
  it.each(cases)('$name', ({ body, expected }) => {
    const seed = txt(`Meridian Post: Choir Tours\n\nA standfirst that ends.\n\n${body}`);
    expect(paragraphs(seed)).toEqual(['A standfirst that ends.', ...expected]);
  });

  it('gives each paragraph the line it starts on', () => {
    const seed = txt('Meridian Post: Choir Tours\n\nStandfirst\n\nFirst line\nsecond line.\n\n\nLast paragraph.\n');
    expect(seed.body).toEqual({
      kind: 'paragraphs',
      paragraphs: [
        { text: 'First line second line.', line: 5 },
        { text: 'Last paragraph.', line: 9 },
      ],
    });
  });
});

describe('trailer: a bare name and a colon on the last non-blank line is who shared it', () => {
  const cases: { trailer: string; sharedBy: string | undefined }[] = [
    { trailer: 'Emma Jilavian:', sharedBy: 'Emma Jilavian' },
    { trailer: 'Նարինե Մելքոնյան:', sharedBy: 'Նարինե Մելքոնյան' },
    { trailer: "Mary O'Neil-Hayes Jr.:", sharedBy: "Mary O'Neil-Hayes Jr." },
    { trailer: 'Anna Maria de la Cruz:', sharedBy: 'Anna Maria de la Cruz' },
    { trailer: 'One Two Three Four Five Six:', sharedBy: undefined },
    { trailer: 'Call 555-0100:', sharedBy: undefined },
    { trailer: 'Contact: the editor', sharedBy: undefined },
    { trailer: 'Emma Jilavian', sharedBy: undefined },
    // Labels and phrases a story may end with are not names; a name typed in lower case is.
    { trailer: 'Read more:', sharedBy: undefined },
    { trailer: 'The demands:', sharedBy: undefined },
    { trailer: 'Related:', sharedBy: undefined },
    { trailer: 'See also:', sharedBy: undefined },
    { trailer: 'emma jilavian:', sharedBy: 'emma jilavian' },
    { trailer: 'Ludwig van Beethoven:', sharedBy: 'Ludwig van Beethoven' },
    { trailer: 'Mohammed al-Fayed:', sharedBy: 'Mohammed al-Fayed' },
    { trailer: "D'Arcy o'Brien:", sharedBy: "D'Arcy o'Brien" },
    { trailer: "Lorenzo de' Medici:", sharedBy: "Lorenzo de' Medici" },
    { trailer: 'Carlos de los Santos:', sharedBy: 'Carlos de los Santos' },
    { trailer: 'Aisha binti Ahmad:', sharedBy: 'Aisha binti Ahmad' },
  ];
  it.each(cases)('$trailer', ({ trailer, sharedBy }) => {
    expect(sharerName(trailer)).toBe(sharedBy);
    const seed = txt(`Meridian Post: Choir Tours\n\nThe choir left on Monday.\n\n${trailer}\n\n`);
    expect(seed.fields.sharedBy?.value).toBe(sharedBy);
    expect(paragraphs(seed)).toEqual(sharedBy ? ['The choir left on Monday.'] : ['The choir left on Monday.', trailer]);
    // The sharer is not the story's author.
    expect(seed.fields.author).toBeUndefined();
  });

  it('takes the trailer off the end of the last paragraph when no blank line precedes it', () => {
    const seed = txt('Meridian Post: Choir Tours\n\nThe choir left on Monday.\nEmma Jilavian:\n');
    expect(seed.fields.sharedBy).toEqual({ value: 'Emma Jilavian', line: 4 });
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.']);
  });

  it('takes it off a seed that is one paragraph, the headline above it, and not off a headline alone', () => {
    const seed = txt('Meridian Post: Choir Tours\nEmma Jilavian:\n');
    expect(seed.fields.title?.value).toBe('Choir Tours');
    expect(seed.fields.sharedBy).toEqual({ value: 'Emma Jilavian', line: 2 });
    expect(paragraphs(seed)).toEqual([]);
    expect(txt('Meridian Post: Choir Tours\n').fields.sharedBy).toBeUndefined();
    expect(txt('Emma Jilavian:\n').fields.sharedBy).toBeUndefined();
  });

  it('yields to a Shared-By header, which is explicit, and warns when the two name different people', () => {
    const seed = txt('Shared-By: Garo Tashjian\n\nMeridian Post: Choir Tours\n\nThe choir left on Monday.\n\nEmma Jilavian:\n');
    expect(seed.fields.sharedBy).toEqual({ value: 'Garo Tashjian', line: 1 });
    // The trailer is still a sharer line, not the body's last words.
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.']);
    expect(rules(seed)).toEqual(['warning sharer-conflict 7']);
    expect(seed.diagnostics[0]!.message).toBe('the sharer is named "Emma Jilavian" here and "Garo Tashjian" by the Shared-By header (line 1); "Garo Tashjian" is published. Keep one of them');
    // The same person, in another case or with an address (which is not published), is no conflict.
    for (const header of ['emma jilavian', 'Emma Jilavian <emma@example.org>', 'emma@example.org (Emma Jilavian)']) {
      const same = txt(`Shared-By: ${header}\n\nMeridian Post: Choir Tours\n\nThe choir left on Monday.\n\nEmma Jilavian:\n`);
      expect(same.fields.sharedBy?.value, header).toBe(header);
      expect(rules(same), header).toEqual([]);
    }
    // A header with an address alone publishes no one: the trailer's name is the sharer.
    const addressOnly = txt('Shared-By: emma@example.org\n\nMeridian Post: Choir Tours\n\nThe choir left on Monday.\n\nEmma Jilavian:\n');
    expect(addressOnly.fields.sharedBy).toEqual({ value: 'Emma Jilavian', line: 7 });
    expect(rules(addressOnly)).toEqual([]);
  });

  it('leaves a name-like line that is not the last one in the body', () => {
    const seed = txt('Meridian Post: Choir Tours\n\nThe choir left on Monday.\n\nEmma Jilavian:\n\nA closing paragraph.\n');
    expect(seed.fields.sharedBy).toBeUndefined();
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.', 'Emma Jilavian:', 'A closing paragraph.']);
  });
});

describe("a mail's traces around the story: headers, quoting, signature", () => {
  it('drops the headers of a mail saved with the story, its Date: among them, and warns once', () => {
    const seed = txt(
      [
        'From: Anna Petrosyan <anna@example.org>',
        'Date: Thu, 02 Mar 2023 10:00:00 +0400',
        'Subject: Fwd: Meridian Post: Choir Tours',
        'To: list@example.org,',
        '  board@example.org',
        '',
        'Meridian Post: Choir Tours Five Cities',
        '',
        'The choir left on Monday.',
      ].join('\n'),
    );
    expect(rules(seed)).toEqual(['warning mail-headers 1']);
    expect(seed.diagnostics[0]!.message).toContain('(From, Date, Subject, To)');
    expect(seed.fields.title?.value).toBe('Choir Tours Five Cities');
    expect(seed.fields.source?.value.name).toBe('Meridian Post');
    expect(seed.fields.date).toBeUndefined();
    // No address anywhere in what is published.
    expect(JSON.stringify([seed.fields, paragraphs(seed)])).not.toContain('@');
  });

  it('drops a forwarded mail\'s mark and headers, and keeps a header of the seed\'s own among them', () => {
    const seed = txt(
      [
        '---------- Forwarded message ---------',
        'From: Anna Petrosyan <anna@example.org>',
        'Subject: Choir Tours',
        'Categories: Music',
        '',
        'Meridian Post: Choir Tours Five Cities',
        '',
        'The choir left on Monday.',
      ].join('\n'),
    );
    expect(rules(seed)).toEqual(['warning mail-headers 1']);
    expect(seed.fields.categories?.value).toEqual(['Music']);
    expect(seed.fields.title?.value).toBe('Choir Tours Five Cities');
  });

  it('keeps a Date: header that no mail header stands beside', () => {
    const seed = txt('Date: 2023-03-02\n\nMeridian Post: Choir Tours\n\nThe choir left.\n');
    expect(seed.fields.date).toEqual({ value: '2023-03-02', line: 1 });
    expect(seed.diagnostics).toEqual([]);
  });

  it('takes the quoting off a seed saved from a reply, every line quoted, blank lines too', () => {
    const seed = txt('> Meridian Post: Choir Tours\n>\n> A standfirst\n>\n> The choir left\n> on Monday.\n>\n> Second paragraph.\n>\n> Emma Jilavian:\n');
    expect(rules(seed)).toEqual(['warning mail-quoted 1']);
    expect(seed.fields.source?.value.name).toBe('Meridian Post');
    expect(seed.fields.title?.value).toBe('Choir Tours');
    expect(seed.fields.summary?.value).toBe('A standfirst');
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.', 'Second paragraph.']);
    expect(seed.fields.sharedBy).toEqual({ value: 'Emma Jilavian', line: 10 });
  });

  it('leaves a quoted paragraph inside a story as the story wrote it', () => {
    const seed = txt('Meridian Post: Choir Tours\n\nThe conductor wrote to the choir.\n\n> We sang.\n');
    expect(paragraphs(seed)).toEqual(['The conductor wrote to the choir.', '> We sang.']);
    expect(seed.diagnostics).toEqual([]);
  });

  it('drops a signature under "-- " and a "Sent from" line, and finds the sharer above them', () => {
    const signed = txt('Meridian Post: Choir Tours\n\nThe choir left on Monday.\n\nAnna Petrosyan:\n-- \nAnna P.\nSent from my phone\n');
    expect(rules(signed)).toEqual(['warning mail-signature 6']);
    expect(signed.fields.sharedBy).toEqual({ value: 'Anna Petrosyan', line: 5 });
    expect(paragraphs(signed)).toEqual(['The choir left on Monday.']);
    const sent = txt('Meridian Post: Choir Tours\n\nThe choir left on Monday.\n\nSent from my iPhone\n');
    expect(rules(sent)).toEqual(['warning mail-signature 5']);
    expect(paragraphs(sent)).toEqual(['The choir left on Monday.']);
  });

  it("reads a sharer's line that ends the signature as who shared the story", () => {
    const seed = txt('Meridian Post: Choir Tours\n\nThe choir left on Monday.\n\n-- \nEmma Jilavian:\n');
    expect(rules(seed)).toEqual(['warning mail-signature 5']);
    expect(seed.diagnostics[0]!.message).toContain('the last line is read as who shared the story');
    expect(seed.fields.sharedBy).toEqual({ value: 'Emma Jilavian', line: 6 });
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.']);
  });

  it('keeps a "--" that is not a signature separator: long lines under it, no blank line above it, or no story above it', () => {
    const long = `In other news, the parliament met on Tuesday to discuss the budget for next year, which many deputies called too small.`;
    const longUnder = txt(`Asbarez: Talks Resume\n\nThe talks resumed on Monday.\n\n--\n\n${long}\n\nThe opposition walked out.\n\nEmma Jilavian:\n`);
    expect(longUnder.diagnostics).toEqual([]);
    expect(paragraphs(longUnder)).toEqual(['The talks resumed on Monday.', '--', long, 'The opposition walked out.']);
    expect(longUnder.fields.sharedBy?.value).toBe('Emma Jilavian');
    const wrapped = txt('Asbarez: Talks Resume\n\nThe talks went on\n--\nuntil late.\n');
    expect(paragraphs(wrapped)).toEqual(['The talks went on -- until late.']);
    const onlyDek = txt('Asbarez: Talks Resume\n\nA dek line\n\n--\n\nThe talks resumed.\n');
    expect(onlyDek.fields.summary?.value).toBe('A dek line');
    expect(paragraphs(onlyDek)).toEqual(['--', 'The talks resumed.']);
  });

  it('reads a forward whose mark has a blank line under it, and the seed\'s own headers under the mail\'s', () => {
    const apple = txt('Begin forwarded message:\n\nFrom: Anna <anna@example.org>\nSubject: Talks\n\nAsbarez: Talks Resume\n\nThe talks resumed.\n');
    expect(rules(apple)).toEqual(['warning mail-headers 1']);
    expect(apple.fields.title?.value).toBe('Talks Resume');
    const own = txt('From: Anna <anna@example.org>\nDate: Mon, 3 Apr 2023 09:00:00 +0000\nSubject: Talks\n\nDate: 2023-04-01\nSource: Asbarez\n\nTalks Resume in Vienna\n\nThe talks resumed.\n');
    expect(rules(own)).toEqual(['warning mail-headers 1']);
    expect(own.fields.date).toEqual({ value: '2023-04-01', line: 5 });
    expect(own.fields.source?.value.name).toBe('Asbarez');
    expect(own.fields.title?.value).toBe('Talks Resume in Vienna');
  });

  it('reads a headline that starts like a mail header, alone and with no address, as the headline', () => {
    for (const headline of ['To: the Editor of Asbarez', 'Sent: Armenia\'s Letter to the UN', 'Organization: OSCE Minsk Group Disbanded']) {
      const seed = txt(`${headline}\n\nThe letter was published on Monday.\n`);
      expect(seed.diagnostics, headline).toEqual([]);
      expect(seed.fields.title?.value, headline).toBe(headline.slice(headline.indexOf(': ') + 2));
    }
  });

  it('keeps "--" followed by more than a signature\'s few lines: a part of the story', () => {
    const story = ['Meridian Post: Choir Tours', '', 'First part.', '', '--', '', ...Array.from({ length: 9 }, (_, i) => `Paragraph ${i + 1}.\n`)].join('\n');
    const seed = txt(story);
    expect(seed.diagnostics).toEqual([]);
    expect(paragraphs(seed)).toHaveLength(11);
  });
});

describe("a hurried curator's slips: a misspelled header, a missing blank line or colon, no body", () => {
  it.each([
    ['Categries: Sports, Sevan\nDate: 2024-06-18\n\nValley Times: Rowing Club Wins\n\nThe club won.\n', 'error header-misspelled 1', '"Categries:" is not a header seedfeed reads; did you mean "Categories:"?'],
    ['Categories: Sports\nDat: 2024-06-18\n\nValley Times: Rowing Club Wins\n\nThe club won.\n', 'error header-misspelled 2', 'did you mean "Date:"?'],
    ['Catgeories: Sports\nLink: https://a.example/x\n\nValley Times: Rowing Club Wins\n\nThe club won.\n', 'error header-misspelled 1', 'did you mean "Categories:"?'],
    ['Link https://valleytimes.example.org/x\n\nValley Times: Rowing Club Wins\n\nThe club won.\n', 'error header-misspelled 1', 'the header "Link" has no colon after it'],
    ['Date 2024-06-18\n\nValley Times: Rowing Club Wins\n\nThe club won.\n', 'error header-misspelled 1', 'write "Date: …"'],
  ])('rejects %j, naming the key it most likely meant', (text, rule, message) => {
    const seed = txt(text);
    expect(seed.ok).toBe(false);
    expect(rules(seed)).toEqual([rule]);
    expect(seed.diagnostics[0]!.message).toContain(message);
  });

  it('rejects a first line alone whose value no headline holds, and only warns of one that may be a headline', () => {
    const date = txt('Dat: 2024-06-18\nAsbarez: Rowing Club Wins\n\nThe club won.\n');
    expect(rules(date)).toEqual(['error header-misspelled 1']);
    const maybe = txt('Categries: Sports, Sevan\n\nThe club won the regatta.\n');
    expect(maybe.ok).toBe(true);
    expect(rules(maybe)).toEqual(['warning header-misspelled 1']);
    expect(maybe.fields.title?.value).toBe('Sports, Sevan');
  });

  it('says nothing of a headline whose prefix is near a header key but whose words are a headline\'s, or a publication\'s', () => {
    const headlines = ['TASS: Russia and Armenia Sign a Grain Deal', 'Sources: Pashinyan to Meet Aliyev', 'Data: Exports Rose', 'Dates: The Festival Programme', 'Autor: Why I Wrote It', 'Links: The Week in Reading'];
    for (const headline of headlines) {
      for (const text of [`${headline}\n\nThe talks went on for six hours.\n`, `Date: 2024-06-18\n${headline}\n\nThe talks went on for six hours.\n`]) {
        const seed = txt(text);
        expect(rules(seed).filter((r) => r.includes('header-misspelled')), text).toEqual([]);
        expect(seed.ok, text).toBe(true);
      }
    }
    // A prefix that names a configured publication, or the one the Source: header names, is never a header misspelled.
    const configured = txt('Categories: Politics\nTags: Armenia, Russia\n\nThe talks went on.\n'.replace('Tags:', 'Tag:'), ['Tag']);
    expect(rules(configured).filter((r) => r.includes('header-misspelled'))).toEqual([]);
    const sourced = txt('Source: Tag\nTag: Armenia, Russia\n\nThe talks went on.\n');
    expect(rules(sourced).filter((r) => r.includes('header-misspelled'))).toEqual([]);
  });

  it('warns of a short headline with a line under it (the dek, no blank line between), not of a headline mail wrapped', () => {
    const run = txt('Valley Times: Rowing Club Six\nThe dek without a blank line\n\nThe club won.\n');
    expect(rules(run)).toEqual(['warning headline-lines 2']);
    expect(run.fields.title?.value).toBe('Rowing Club Six The dek without a blank line');
    const wrapped = txt('Valley Times: The Rowing Club of the Lake Wins the Regional Regatta on\nIts Home Water\n\nThe club won.\n');
    expect(wrapped.diagnostics).toEqual([]);
    const colon = txt('Valley Times:\nRowing Club Wins\n\nThe club won.\n');
    expect(colon.diagnostics).toEqual([]);
  });

  it('warns of a last line that is a name without its colon, and not of a closing phrase', () => {
    const seed = txt('Valley Times: Rowing Club Wins\n\nThe club won.\n\nDavit Hakobyan\n');
    expect(rules(seed)).toEqual(['warning trailer-colon 5']);
    expect(seed.fields.sharedBy).toBeUndefined();
    for (const end of ['The end', 'more to come', 'Davit Hakobyan.', 'Hakobyan', 'Staff Reporter', 'Associated Press', 'All Rights Reserved', 'Armenian Weekly Staff']) {
      expect(rules(txt(`Valley Times: Rowing Club Wins\n\nThe club won.\n\n${end}\n`)), end).toEqual([]);
    }
  });

  it('warns of a headline with no story under it', () => {
    expect(rules(txt('new story\n'))).toEqual(['warning no-body 1']);
    const dekOnly = txt('Valley Times: Rowing Club Wins\n\nA dek alone\n');
    expect(rules(dekOnly)).toEqual(['warning no-body 1']);
    expect(dekOnly.diagnostics[0]!.message).toContain('was read as the dek (it does not end a sentence)');
  });
});

describe('header block: folded lines, quoted names, repeated and draft headers', () => {
  it('reads a line that starts with a space as the header above it continued, after a comma', () => {
    const seed = txt('Categories: Politics, Armenia,\n  Diaspora, Economy\nDate: 2023-03-02\n\nHetq: Folded Header Story\n\nBody.\n');
    expect(seed.fields.categories).toEqual({ value: ['Politics', 'Armenia', 'Diaspora', 'Economy'], line: 1 });
    expect(seed.fields.title?.value).toBe('Folded Header Story');
    expect(seed.diagnostics).toEqual([]);
  });

  it('reads an indented line under a header that does not end in a comma as the headline, left without its blank line', () => {
    const seed = txt('Categories: Politics\n  Asbarez: Talks Resume\n\nThe talks resumed.\n');
    expect(seed.fields.categories?.value).toEqual(['Politics']);
    expect(seed.fields.title?.value).toBe('Talks Resume');
    expect(rules(seed)).toEqual(['warning header-blank-line 2']);
  });

  it('takes a headline label off when the Source: header names that publication', () => {
    const seed = txt('Source: Insight\n\nInsight: Talks Resume\n\nThe talks resumed.\n');
    expect(seed.fields.source?.value.name).toBe('Insight');
    expect(seed.fields.title?.value).toBe('Talks Resume');
  });

  it.each([
    ['"Politics, Armenia", Diaspora', ['Politics, Armenia', 'Diaspora']],
    ['[Politics, Armenia]', ['Politics', 'Armenia']],
    ['"Politics"', ['Politics']],
    ["Women's Rights, 'Culture'", ["Women's Rights", 'Culture']],
    ['“Arts, Crafts”, «Ինչ, որ»', ['Arts, Crafts', 'Ինչ, որ']],
    // A quote never closed quotes nothing: split at every comma, the stray quote left for the curator to see.
    ['"Unclosed, Quote', ['"Unclosed', 'Quote']],
  ])('Categories: %s', (value, names) => {
    const seed = txt(`Categories: ${value}\n\nHetq: A Story\n\nBody.\n`);
    expect(seed.fields.categories?.value).toEqual(names);
  });

  it('does not warn of a header given twice that says the same twice: a name in another case, one instant', () => {
    const seed = txt('Source: Asbarez\nSource: ASBAREZ\nDate: 2023-03-02T10:00:00Z\nDate: 2023-03-02T14:00:00+04:00\n\nTalks Resume\n\nBody.\n');
    expect(seed.diagnostics).toEqual([]);
  });

  it('keeps a Source-URL: over the address a Source: header gives beside its name', () => {
    const seed = txt('Source-URL: https://asbarez.com/home\nSource: Asbarez (https://asbarez.com/)\n\nTalks Resume\n\nBody.\n');
    expect(seed.fields.source?.value).toEqual({ name: 'Asbarez', url: 'https://asbarez.com/home', urlLine: 1 });
  });

  it('warns of a header given twice with two values, and uses the last', () => {
    const seed = txt('Link: https://a.example/one\nURL: https://a.example/two\nDate: 2023-03-02\nDate: 2023-03-02\n\nHetq: A Story\n\nBody.\n');
    expect(rules(seed)).toEqual(['warning header-repeated 2']);
    expect(seed.diagnostics[0]!.message).toContain('link is given again here, otherwise than on line 1');
    expect(seed.fields.link?.value).toBe('https://a.example/two');
  });

  it.each([
    ['true', true, []],
    ['Yes', true, []],
    ['no', false, []],
    ['maybe', true, ['error draft-invalid 2']],
  ])('Draft: %s', (value, draft, expected) => {
    const seed = txt(`Categories: Politics\nDraft: ${value}\n\nHetq: Secret Story\n\nBody.\n`);
    expect(seed.fields.draft?.value).toBe(draft);
    expect(seed.fields.title?.value).toBe('Secret Story');
    expect(rules(seed)).toEqual(expected);
  });

  it('reads a "Draft:" line alone that says neither yes nor no as the headline it is', () => {
    const seed = txt('Draft: EU-Armenia Visa Deal Text Leaked\n\nThe text was published on Monday.\n');
    expect(seed.fields.draft).toBeUndefined();
    expect(seed.fields.title?.value).toBe('EU-Armenia Visa Deal Text Leaked');
    expect(seed.ok).toBe(true);
  });

  it('reads a Source: that is an address as its host, with a warning, and a name beside an address as both', () => {
    const idn = txt('Source: https://լրահոս.հայ/news/1\n\nArtsakh Calls for Talks\n\nBody.\n');
    expect(idn.fields.source?.value.name).toBe('լրահոս.հայ');
    const address = txt('Source: https://www.asbarez.com/artsakh-calls/\n\nArtsakh Calls for Talks\n\nBody.\n');
    expect(address.fields.source?.value).toEqual({ name: 'asbarez.com', url: 'https://www.asbarez.com/', urlLine: 1 });
    expect(rules(address)).toEqual(['warning source-address 1']);
    const beside = txt('Source: Asbarez (https://asbarez.com/)\n\nArtsakh Calls for Talks\n\nBody.\n', ['Asbarez']);
    expect(beside.fields.source?.value).toEqual({ name: 'Asbarez', url: 'https://asbarez.com/', urlLine: 1 });
    expect(beside.diagnostics).toEqual([]);
  });
});

describe('repairs', () => {
  it.each([
    ['the free _expression_ of their will', 'the free expression of their will', 1],
    ['_expression_ at the start', 'expression at the start', 1],
    ['two: _expression_ and _expression_', 'two: expression and expression', 2],
    ['not a mangled word: _expressions_', 'not a mangled word: _expressions_', 0],
    ['not a mangled word: my_expression_', 'not a mangled word: my_expression_', 0],
  ])('digest artifact: %j', (line, repaired, count) => {
    const seed = txt(`Meridian Post: Choir Tours\n\nA standfirst that ends.\n\n${line}\n`);
    expect(paragraphs(seed)[1]).toBe(repaired);
    expect(seed.repairs).toHaveLength(count);
    expect(seed.repairs.every((r) => r.rule === 'digest-artifact' && r.line === 5 && r.to === 'expression')).toBe(true);
    expect(seed.diagnostics).toEqual([]);
  });

  it('removes trailing spaces and tabs', () => {
    const seed = txt('Meridian Post: Choir Tours   \n\nThe choir left on Monday. \t \n');
    expect(seed.fields.title?.value).toBe('Choir Tours');
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.']);
  });

  it('restores _expression_ in front matter as in the text: title, dek, categories', () => {
    const seed = md('---\ntitle: Free _expression_ Week\nsummary: A week of _expression_\ncategories: [_expression_]\n---\nBody of _expression_.\n');
    expect(seed.fields.title?.value).toBe('Free expression Week');
    expect(seed.fields.summary?.value).toBe('A week of expression');
    expect(seed.fields.categories?.value).toEqual(['expression']);
    expect(seed.repairs.filter((r) => r.rule === 'digest-artifact').map((r) => r.line)).toEqual([2, 3, 4, 6]);
  });
});

describe('line endings and byte-order mark', () => {
  const lines = ['Categories: Music', '', 'Meridian Post: Choir Tours', '', 'A standfirst', '', 'The choir left', 'on Monday.', '', 'Emma Jilavian:'];
  const variants: [string, Uint8Array][] = [
    ['LF', Buffer.from(lines.join('\n'))],
    ['CRLF', Buffer.from(lines.join('\r\n'))],
    ['CR only', Buffer.from(lines.join('\r'))],
    ['UTF-8 BOM and CRLF', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n'))])],
    ['two UTF-8 BOMs (a file saved twice with one)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\n'))])],
    ['mixed endings', Buffer.from('Categories: Music\r\n\rMeridian Post: Choir Tours\n\r\nA standfirst\r\rThe choir left\ron Monday.\n\nEmma Jilavian:')],
  ];
  it.each(variants)('%s reads the same fields, body and line numbers', (_name, bytes) => {
    const seed = txt(bytes);
    expect(seed.ok).toBe(true);
    expect(seed.diagnostics).toEqual([]);
    expect(seed.fields).toEqual({
      categories: { value: ['Music'], line: 1 },
      source: { value: { name: 'Meridian Post' }, line: 3 },
      title: { value: 'Choir Tours', line: 3 },
      summary: { value: 'A standfirst', line: 5 },
      sharedBy: { value: 'Emma Jilavian', line: 10 },
    });
    expect(seed.body).toEqual({ kind: 'paragraphs', paragraphs: [{ text: 'The choir left on Monday.', line: 7 }] });
  });

  it('reads CR-only front matter (it must not make the article vanish)', () => {
    const seed = md('---\rtitle: Choir Tours\rcategories: [Music]\r---\rThe choir left on Monday.\r');
    expect(seed.ok).toBe(true);
    expect(seed.fields.title).toEqual({ value: 'Choir Tours', line: 2 });
    expect(seed.fields.categories).toEqual({ value: ['Music'], line: 3 });
    expect(seed.body).toEqual({ kind: 'html', html: '<p>The choir left on Monday.</p>\n', line: 5 });
  });
});

describe('front matter wins over anything read from the text', () => {
  it('replaces the headline, dek, categories and trailer key by key', () => {
    const seed = txt(
      [
        '---',
        'title: Choir Tours Six Cities',
        'summary: A corrected standfirst',
        'categories: [Music, Travel]',
        'shared_by: Garo Tashjian',
        '---',
        'Categories: Culture',
        '',
        'Meridian Post: Choir Tours Five Cities',
        '',
        'A standfirst',
        '',
        'The choir left on Monday.',
        '',
        'Emma Jilavian:',
      ].join('\n'),
    );
    // The trailer names another sharer than the front matter: its own is published, the other warned of, as beside a Shared-By header.
    expect(rules(seed)).toEqual(['warning sharer-conflict 15']);
    expect(seed.diagnostics[0]!.message).toContain('"Emma Jilavian" here and "Garo Tashjian" by the front matter\'s shared_by (line 5)');
    expect(seed.fields).toEqual({
      title: { value: 'Choir Tours Six Cities', line: 2 },
      summary: { value: 'A corrected standfirst', line: 3 },
      categories: { value: ['Music', 'Travel'], line: 4 },
      sharedBy: { value: 'Garo Tashjian', line: 5 },
      source: { value: { name: 'Meridian Post' }, line: 9 },
    });
    expect(paragraphs(seed)).toEqual(['The choir left on Monday.']);
  });

  it("takes the headline's prefix off only when it names the front matter's source, as beside a Source: header", () => {
    const other = txt('---\nsource: Hetq\n---\nPashinyan: We Are Ready\n\nThe talks resumed.\n');
    expect(other.fields.source?.value.name).toBe('Hetq');
    expect(other.fields.title?.value).toBe('Pashinyan: We Are Ready');
    const same = txt('---\nsource: Hetq\n---\nHETQ: Bridge Reopens\n\nThe bridge carried traffic.\n');
    expect(same.fields.source?.value.name).toBe('Hetq');
    expect(same.fields.title?.value).toBe('Bridge Reopens');
  });

  it('merges a source object over the source read from the headline', () => {
    const seed = txt('---\nsource: {url: "https://meridian.example/"}\n---\nMeridian Post: Choir Tours\n\nThe choir left.\n');
    expect(seed.fields.source).toEqual({ value: { name: 'Meridian Post', url: 'https://meridian.example/' }, line: 2 });
  });
});

describe('front matter: YAML only, checked once', () => {
  it('reads a date tagged !!timestamp as the instant it names', () => {
    const seed = md('---\ntitle: Tagged\ndate: !!timestamp 2023-01-12\n---\nBody\n');
    expect(seed.diagnostics).toEqual([]);
    expect(seed.fields.date).toEqual({ value: '2023-01-12T00:00:00.000Z', line: 3 });
  });

  it('gives each key the line it is on', () => {
    const fm = splitFrontMatter('---\ntitle: Choir Tours\n\ndate: 2023-03-02\nsource:\n  name: Meridian Post\n---\nBody\n', 'x.md');
    expect(fm.ok).toBe(true);
    expect(fm.lines).toEqual({ title: 2, date: 4, source: 5 });
    expect(fm.bodyFirstLine).toBe(8);
    expect(fm.body).toBe('Body\n');
  });

  const refused: { name: string; input: string; rule: string; line: number; message: RegExp }[] = [
    { name: '---js', input: '---js\n{ title: "x" }\n---\nBody\n', rule: 'front-matter-language', line: 1, message: /only YAML/ },
    { name: '---javascript', input: '---javascript\n{ title: "x" }\n---\nBody\n', rule: 'front-matter-language', line: 1, message: /only YAML/ },
    { name: '--- js (with a space)', input: '--- js\n{ title: "x" }\n---\nBody\n', rule: 'front-matter-language', line: 1, message: /only YAML/ },
    { name: '---coffee', input: '---coffee\ntitle: "x"\n---\nBody\n', rule: 'front-matter-language', line: 1, message: /only YAML/ },
    { name: '---json', input: '---json\n{"title": "x"}\n---\nBody\n', rule: 'front-matter-language', line: 1, message: /only YAML/ },
    { name: 'never closed', input: '---\ntitle: x\nBody\n', rule: 'front-matter-unclosed', line: 1, message: /never closed/ },
    { name: 'closed by "---" with text after it', input: '---\ntitle: x\n--- more\nBody\n', rule: 'front-matter-unclosed', line: 3, message: /"---" alone/ },
    { name: 'an anchor and alias', input: '---\ntitle: x\nbase: &b [1, 2]\nmore: *b\n---\nBody\n', rule: 'front-matter-alias', line: 3, message: /anchors and aliases/ },
    { name: 'a duplicate key', input: '---\ntitle: x\ntitle: y\n---\nBody\n', rule: 'front-matter-yaml', line: 3, message: /not valid YAML/ },
    // The parser finds the quote missing where the front matter ends: the line named is the one that opens it.
    { name: 'a quote never closed', input: '---\ntitle: "Choir Tours\nsource: Asbarez\ndate: 2023-03-02\n---\nBody\n', rule: 'front-matter-yaml', line: 2, message: /Missing closing "quote/ },
    { name: 'a single quote never closed', input: "---\nsource: Asbarez\ntitle: 'Choir Tours\ndate: 2023-03-02\n---\nBody\n", rule: 'front-matter-yaml', line: 3, message: /Missing closing 'quote/ },
    // Reported twice by the parser, at one place: listed once.
    { name: 'a colon in a value', input: '---\ntitle: Asbarez: Talks: resume\n---\nBody\n', rule: 'front-matter-yaml', line: 2, message: /Nested mappings .*; a value that holds ": " goes in quotes/ },
    { name: 'not a mapping', input: '---\n- a\n- b\n---\nBody\n', rule: 'front-matter-type', line: 2, message: /mapping/ },
    { name: 'over the size cap', input: `---\ntitle: x\nsummary: "${'y'.repeat(MAX_FRONT_MATTER_BYTES)}"\n---\nBody\n`, rule: 'front-matter-size', line: 1, message: new RegExp(`limit is ${MAX_FRONT_MATTER_BYTES} bytes`) },
  ];
  it.each(refused)('refuses $name', ({ input, rule, line, message }) => {
    const seed = md(input);
    expect(seed.ok).toBe(false);
    expect(seed.diagnostics).toHaveLength(1);
    expect(seed.diagnostics[0]).toMatchObject({ file: 'seeds/story.md', severity: 'error', rule, line });
    expect(seed.diagnostics[0]!.message).toMatch(message);
  });

  it('gives no hint about quotes for a key indented under a value, which the parser reports as the same error', () => {
    const seed = md('---\ntitle: Talks\n  source: Asbarez\n---\nBody\n');
    expect(seed.ok).toBe(false);
    expect(seed.diagnostics.map((d) => d.message)).toContain('front matter is not valid YAML: Nested mappings are not allowed in compact mappings');
    expect(seed.diagnostics.every((d) => d.rule === 'front-matter-yaml' && !d.message.includes('quotes'))).toBe(true);
  });

  it('does not take a first line "--- Some words ---" for front matter', () => {
    const seed = txt('--- Special Report ---\n\nThe choir left on Monday.\n');
    expect(seed.ok).toBe(true);
    expect(seed.fields.title?.value).toBe('--- Special Report ---');
  });

  const typed: { name: string; yaml: string; line: number; message: RegExp }[] = [
    { name: 'title: 1984 is a number', yaml: 'title: 1984', line: 2, message: /"title" must be text, found number 1984/ },
    { name: 'a list where text belongs', yaml: 'title: Choir\nauthor: [Ani, Garo]', line: 3, message: /"author" must be text, found a list/ },
    { name: 'draft: "yes" is text', yaml: 'title: Choir\ndraft: "yes"', line: 3, message: /"draft" must be true or false/ },
    { name: 'a date that is a number', yaml: 'title: Choir\ndate: 20230302', line: 3, message: /"date" must be a date such as 2023-03-02/ },
    { name: 'categories of objects', yaml: 'title: Choir\ncategories: [Music, {a: 1}]', line: 3, message: /^front matter "categories": entry 2 is not a name, found an object; write each entry as text$/ },
    { name: 'categories as an object', yaml: 'title: Choir\ncategories: {a: 1}', line: 3, message: /"categories" must be a list of names/ },
    { name: 'source as a number', yaml: 'title: Choir\nsource: 7', line: 3, message: /"source" must be a name or \{name, url, feed\}/ },
    { name: 'source.url as a list', yaml: 'title: Choir\nsource: {name: M, url: [a]}', line: 3, message: /"source.url" must be text/ },
  ];
  it.each(typed)('type-checks: $name', ({ yaml, line, message }) => {
    const seed = md(`---\n${yaml}\n---\nBody\n`);
    expect(seed.ok).toBe(false);
    const errors = seed.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'front-matter-type', line });
    expect(errors[0]!.message).toMatch(message);
  });

  it('takes a lone year, which YAML reads as a number, as one category', () => {
    const seed = md('---\ntitle: Choir\ncategories: 2023\ntags: [Music, 1915]\n---\nBody\n');
    expect(seed.ok).toBe(true);
    expect(seed.fields.categories?.value).toEqual(['2023', 'Music', '1915']);
  });

  it('refuses a category YAML reads as a number other than a whole one, which would not be the name as written', () => {
    for (const yaml of ['categories: 2023.10', 'tags: [Music, 2023.10]']) {
      const seed = md(`---\ntitle: Choir\n${yaml}\n---\nBody\n`);
      expect(seed.ok, yaml).toBe(false);
      expect(seed.diagnostics.find((d) => d.severity === 'error')!.message).toMatch(/such as 2023\.10, in quotes/);
      // In a list, the entry is named.
      if (yaml.startsWith('tags')) expect(seed.diagnostics.find((d) => d.severity === 'error')!.message).toMatch(/^front matter "tags": entry 2 is not a name, found number 2023\.1;/);
    }
  });

  it('warns about an unknown key with its line, and still publishes', () => {
    const seed = md('---\ntitle: Choir\nsubtitle: extra\n---\nBody\n');
    expect(seed.ok).toBe(true);
    expect(rules(seed)).toEqual(['warning front-matter-unknown-key 3']);
  });
});

describe('Markdown seeds', () => {
  it('reads every front-matter key', () => {
    const seed = md(
      [
        '---',
        'title: Choir Tours Five Cities',
        'date: 2023-03-02',
        'source: {name: Meridian Post, url: "https://meridian.example/", feed: "https://meridian.example/feed"}',
        'tags: [Music, Travel]',
        'author: Ani Petrosyan',
        'shared_by: Garo Tashjian',
        'link: https://meridian.example/choir',
        'summary: Five cities in ten days',
        'id: tag:meridian.example,2023-03-02:choir',
        'language: hy',
        'draft: false',
        '---',
        'The choir *left* on Monday.',
      ].join('\n'),
    );
    expect(seed.diagnostics).toEqual([]);
    const values = Object.fromEntries(Object.entries(seed.fields).map(([k, f]) => [k, f.value]));
    expect(values).toEqual({
      title: 'Choir Tours Five Cities',
      date: '2023-03-02',
      source: { name: 'Meridian Post', url: 'https://meridian.example/', feed: 'https://meridian.example/feed' },
      categories: ['Music', 'Travel'],
      author: 'Ani Petrosyan',
      sharedBy: 'Garo Tashjian',
      link: 'https://meridian.example/choir',
      summary: 'Five cities in ten days',
      id: 'tag:meridian.example,2023-03-02:choir',
      language: 'hy',
      draft: false,
    });
    expect(seed.body).toEqual({ kind: 'html', html: '<p>The choir <em>left</em> on Monday.</p>\n', line: 14 });
  });

  it('reads draft: true (the seed is not published)', () => {
    expect(md('---\ntitle: Choir\ndraft: true\n---\nBody\n').fields.draft).toEqual({ value: true, line: 3 });
  });

  it('is CommonMark; raw HTML is left for the sanitizer, never trusted here', () => {
    const seed = md('---\ntitle: Choir\n---\n# Heading\n\n<script>alert(1)</script>\n');
    expect(seed.body.kind).toBe('html');
    expect(seed.body.kind === 'html' && seed.body.html).toContain('<h1>Heading</h1>');
  });
});

describe('raw HTML nesting in Markdown bodies', () => {
  it.each([
    ['<p>a</p>', 1],
    ['<div><div><br>x<img src="a.png"></div></div>', 2],
    ['<div/><hr/>', 0],
    ['</div></div><p>a', 1],
    ['<a <a <a x', 0],
  ])('htmlNestingDepth(%j) is %i', (html, depth) => {
    expect(htmlNestingDepth(html)).toBe(depth);
  });

  it(`rejects a body nested deeper than ${MAX_HTML_DEPTH} elements`, () => {
    const seed = md(`---\ntitle: Deep\n---\n${'<div>'.repeat(MAX_HTML_DEPTH + 1)}x\n`);
    expect(seed.ok).toBe(false);
    expect(rules(seed)).toEqual(['error html-too-deep 4']);
  });

  it(`accepts a body nested ${MAX_HTML_DEPTH} elements deep`, () => {
    expect(md(`---\ntitle: Deep\n---\n${'<div>'.repeat(MAX_HTML_DEPTH)}x\n`).ok).toBe(true);
  });
});

describe('the real seed, normalized (SEED-FORMAT.md table)', () => {
  const bytes = readFileSync(join(SAMPLE_SEEDS, '000_9a8b9b698a6b0df3.txt'));
  const seed = txt(bytes);
  it('has the fields of the table', () => {
    expect(seed.ok).toBe(true);
    expect(seed.diagnostics).toEqual([]);
    expect(seed.fields.title?.value).toBe('Artsakh Calls for ‘Full-Fledged’ Peace Talks Through International Efforts');
    expect(seed.fields.source?.value).toEqual({ name: 'Asbarez' });
    expect(seed.fields.summary?.value).toBe('The Lachin Corridor has been blocked by Azerbaijan since Dec. 12');
    expect(seed.fields.categories?.value).toEqual(['2023']);
    expect(seed.fields.sharedBy?.value).toBe('Emma Jilavian');
    expect(seed.fields.date).toBeUndefined();
    const body = paragraphs(seed);
    expect(body).toHaveLength(6);
    expect(body[0]).toMatch(/^The Artsakh Foreign Ministry said on Thursday/);
    expect(body[5]).toMatch(/the Artsakh foreign ministry said\.$/);
    expect(seed.repairs).toEqual([{ file: FILE, line: 15, rule: 'digest-artifact', from: '_expression_', to: 'expression' }]);
  });
});

describe("the README's example seeds", () => {
  // The seeds "Writing a seed" shows, as a reader of the README would copy them into a file.
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const example = (after: string, fence: string) => {
    const start = readme.indexOf('```' + fence + '\n', readme.indexOf(after)) + fence.length + 4;
    return readme.slice(start, readme.indexOf('```', start));
  };

  it('plain text: header block, headline, dek, body, trailer, each as the text around it says', () => {
    const seed = txt(example('**Plain text**', ''));
    expect(seed.diagnostics).toEqual([]);
    expect(seed.fields.categories?.value).toEqual(['Politics', '2023']);
    expect(seed.fields.date?.value).toBe('2023-03-02');
    expect(seed.fields.link?.value).toBe('https://example.org/original-story');
    expect(seed.fields.source?.value.name).toBe('Asbarez');
    expect(seed.fields.title?.value).toBe('The headline of the story, after its source');
    expect(seed.fields.summary?.value).toBe('The dek: one short line that does not end a sentence');
    expect(paragraphs(seed)).toEqual(['The body. Paragraphs are separated by blank lines; the lines of a paragraph are joined, so hard-wrapped mail text is fine.', 'Another paragraph.']);
    expect(seed.fields.sharedBy?.value).toBe('Emma Jilavian');
  });

  it('Markdown: every front-matter key it shows', () => {
    const seed = md(example('**Markdown**', 'markdown'));
    expect(seed.diagnostics).toEqual([]);
    expect(seed.fields).toMatchObject({
      title: { value: 'The headline' },
      date: { value: '2023-03-02' },
      source: { value: { name: 'Asbarez', url: 'https://asbarez.com/', feed: 'https://asbarez.com/feed/' } },
      categories: { value: ['Politics', '2023'] },
      author: { value: "The story's byline" },
      sharedBy: { value: 'Emma Jilavian' },
      link: { value: 'https://example.org/original-story' },
      summary: { value: 'The dek' },
    });
    expect(seed.body).toMatchObject({ kind: 'html', html: '<p>The body, in <strong>Markdown</strong>. Raw HTML is sanitized.</p>\n' });
  });
});

/** A seed date as read: the instant in RFC 3339, or the error's message. */
function dateRead(text: string): string {
  const r = parseSeedDate(text);
  return 'date' in r ? r.date.toISOString() : r.error.message;
}

describe('seed dates against the calendar', () => {
  it('knows leap years, in every century, years before 100 included', () => {
    const day = dateRead;
    expect(day('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(day('2000-02-29')).toBe('2000-02-29T00:00:00.000Z');
    expect(day('0400-02-29')).toBe('0400-02-29T00:00:00.000Z');
    expect(day('0050-06-15')).toBe('0050-06-15T00:00:00.000Z');
    expect(day('1900-02-29')).toBe('date 1900-02-29 is not a calendar date; use YYYY-MM-DD with a real day of that month');
    expect(day('0100-02-29')).toBe('date 0100-02-29 is not a calendar date; use YYYY-MM-DD with a real day of that month');
    expect(day('2023-04-31')).toBe('date 2023-04-31 is not a calendar date; use YYYY-MM-DD with a real day of that month');
    expect(day('0000-06-15')).toBe('date 0000-06-15 is out of range in UTC; use a year from 0001 to 9999');
  });
});

describe('date forms mail and ISO 8601 allow', () => {
  it('read an RFC 822 date with the zone named in a comment after it, as mail clients write it', () => {
    expect(dateRead('Thu, 2 Mar 2023 10:00:00 +0400 (AMT)')).toBe('2023-03-02T06:00:00.000Z');
    expect(dateRead('Thu, 02 Mar 2023 10:00:00 +0000 (UTC)')).toBe('2023-03-02T10:00:00.000Z');
    expect(dateRead('Thu, 02 Mar 2023 10:00:00 +0000 (UTC')).toMatch(/is not a date seedfeed reads/);
  });
  it('read an offset of hours alone and a fraction after a comma', () => {
    expect(dateRead('2023-03-02T10:00:00+04')).toBe('2023-03-02T06:00:00.000Z');
    expect(dateRead('2023-03-02T10:00:00,5Z')).toBe('2023-03-02T10:00:00.500Z');
    expect(dateRead('2023-03-02T10:00:00+24')).toMatch(/the time zone offset is not one/);
  });
  it("read YAML's offset of one digit after a space (a YAML timestamp), and only there", () => {
    expect(dateRead('2023-03-02 10:00:00 -5')).toBe('2023-03-02T15:00:00.000Z');
    expect(dateRead('2023-03-02 10:00:00 +5:30')).toBe('2023-03-02T04:30:00.000Z');
    expect(dateRead('2023-03-02T10:00:00-5')).toMatch(/is not a date seedfeed reads/);
    expect(dateRead('2023-03-02 10:00:00 +530')).toMatch(/is not a date seedfeed reads/);
  });
  it('read a date and time as YAML timestamps and Jekyll front matter write them: a space before the offset', () => {
    expect(dateRead('2023-06-02 10:00:00 +04:00')).toBe('2023-06-02T06:00:00.000Z');
    expect(dateRead('2023-06-02 10:00:00 +0400')).toBe('2023-06-02T06:00:00.000Z');
    expect(dateRead('2023-06-02 10:00:00 -05')).toBe('2023-06-02T15:00:00.000Z');
    expect(dateRead('2023-06-02 10:00 Z')).toBe('2023-06-02T10:00:00.000Z');
    // One space, between a time and its offset only.
    expect(dateRead('2023-06-02 10:00:00  +04:00')).toMatch(/is not a date seedfeed reads/);
    expect(dateRead('2023-06-02 +04:00')).toMatch(/is not a date seedfeed reads/);
  });
});

describe('leap seconds (RFC 3339 5.7, RFC 5322 3.3)', () => {
  const read = dateRead;
  it('take 23:59:60 UTC, in any zone, as 23:59:59, the last second a date can name', () => {
    expect(read('2016-12-31T23:59:60Z')).toBe('2016-12-31T23:59:59.000Z');
    expect(read('1990-12-31T15:59:60-08:00')).toBe('1990-12-31T23:59:59.000Z');
    expect(read('2016-12-31T23:59:60.5Z')).toBe('2016-12-31T23:59:59.500Z');
    expect(read('Sat, 31 Dec 2016 23:59:60 +0000')).toBe('2016-12-31T23:59:59.000Z');
  });
  it('refuse :60 anywhere but the end of a UTC day', () => {
    expect(read('2016-12-31T12:00:60Z')).toMatch(/^time 12:00:60 is not a time of day; a leap second \(:60\) ends a UTC day only/);
    expect(read('2016-12-31T23:59:60+01:00')).toMatch(/a leap second \(:60\) ends a UTC day only/);
    expect(read('2016-12-31T23:59:61Z')).toMatch(/^time 23:59:61 is not a time of day; use HH:MM:SS/);
  });
});
