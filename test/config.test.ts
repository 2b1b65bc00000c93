import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT, checkConfig, findSource, loadConfig } from '../src/config.js';
import { EXIT, UsageError } from '../src/diagnostics.js';
import { REPO, tempDir, writeTree } from './helpers.js';

const MINIMAL = { title: 'News', baseUrl: 'https://news.example.org' };

/** The key path a config message starts with: `sources.Asbarez.feed: expected ...`. */
function paths(input: unknown): string[] {
  const { config, diagnostics } = checkConfig(input, 'site.json');
  if (diagnostics.length) expect(config).toBeUndefined();
  for (const d of diagnostics) expect(d).toMatchObject({ file: 'site.json', severity: 'error', rule: 'config' });
  return diagnostics.map((d) => d.message.slice(0, d.message.indexOf(': '))).sort();
}

describe('checkConfig: good configs', () => {
  it('fills in the defaults: limit 50, language en, description and publisher from the title', () => {
    const { config, diagnostics } = checkConfig(MINIMAL);
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      title: 'News',
      description: 'News',
      baseUrl: 'https://news.example.org/',
      language: 'en',
      publisher: { name: 'News' },
      limit: 50,
      sources: [],
    });
    expect(DEFAULT_LIMIT).toBe(50);
    expect(config).toMatchObject({ topics: { category: true, source: true, sharer: true }, archive: { pageSize: 100 }, ping: false });
    expect(config!.hub).toBeUndefined();
    expect(config!.defaultSource).toBeUndefined();
  });

  it('reads the sample config: the Asbarez source with its home page and feed', () => {
    const { config, diagnostics } = checkConfig(JSON.parse(readFileSync(join(REPO, 'seedfeed.config.json'), 'utf8')));
    expect(diagnostics).toEqual([]);
    expect(config!.sources).toEqual([{ name: 'Asbarez', url: 'https://asbarez.com/', feedUrl: 'https://asbarez.com/feed/' }]);
    expect(findSource(config!, 'ASBAREZ')).toEqual(config!.sources[0]);
  });

  it('finds a configured source by a name written in another case or composed otherwise (NFC, NFD)', () => {
    const { config } = checkConfig({ ...MINIMAL, sources: { 'Caf\u00e9 Courier': { url: 'https://cafe.example/' } } });
    for (const name of ['Caf\u00e9 Courier', 'Cafe\u0301 Courier', 'CAFE\u0301 COURIER', ' caf\u00e9 courier ']) expect(findSource(config!, name)?.url, name).toBe('https://cafe.example/');
    expect(findSource(config!, 'Cafe Courier')).toBeUndefined();
  });

  const cases: { what: string; input: Record<string, unknown>; expected: Record<string, unknown> }[] = [
    { what: 'a base URL with a path gets its trailing slash', input: { ...MINIMAL, baseUrl: 'https://example.org/news' }, expected: { baseUrl: 'https://example.org/news/' } },
    { what: 'strings are trimmed', input: { ...MINIMAL, title: '  News  ', description: ' About ' }, expected: { title: 'News', description: 'About' } },
    { what: 'a region subtag', input: { ...MINIMAL, language: 'hy-AM' }, expected: { language: 'hy-AM' } },
    { what: 'a limit', input: { ...MINIMAL, limit: 10 }, expected: { limit: 10 } },
    { what: 'a publisher by name', input: { ...MINIMAL, publisher: 'The Desk' }, expected: { publisher: { name: 'The Desk' } } },
    {
      what: 'a publisher with url and email',
      input: { ...MINIMAL, publisher: { name: 'The Desk', url: 'https://news.example.org/about', email: 'desk@news.example.org' } },
      expected: { publisher: { name: 'The Desk', url: 'https://news.example.org/about', email: 'desk@news.example.org' } },
    },
    {
      what: 'sources with and without URLs, and a default',
      input: { ...MINIMAL, sources: { 'The Armenian Weekly': { url: 'https://armenianweekly.com/' }, 'news.am': {} }, defaultSource: 'news.am' },
      expected: { sources: [{ name: 'The Armenian Weekly', url: 'https://armenianweekly.com/' }, { name: 'news.am' }], defaultSource: 'news.am' },
    },
    { what: 'topic feeds switched off, no archive, a hub with ping', input: { ...MINIMAL, topics: { sharedBy: false }, archive: false, hub: 'https://hub.example/', ping: true }, expected: { topics: { category: true, source: true, sharer: false }, hub: 'https://hub.example/', ping: true } },
    { what: 'a $schema key', input: { ...MINIMAL, $schema: './seedfeed.schema.json' }, expected: { title: 'News' } },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const { config, diagnostics } = checkConfig(c.input);
      expect(diagnostics).toEqual([]);
      expect(config).toMatchObject(c.expected);
    });
  }
});

describe('checkConfig: every problem names its key path', () => {
  const cases: { what: string; input: unknown; paths: string[] }[] = [
    { what: 'not an object', input: ['title'], paths: ['(top)'] },
    { what: 'null', input: null, paths: ['(top)'] },
    { what: 'nothing in it', input: {}, paths: ['baseUrl', 'title'] },
    { what: 'a title that is not a string', input: { ...MINIMAL, title: 5 }, paths: ['title'] },
    { what: 'a blank title', input: { ...MINIMAL, title: '   ' }, paths: ['title'] },
    { what: 'an unknown top-level key', input: { ...MINIMAL, titel: 'News' }, paths: ['titel'] },
    { what: 'a base URL without a scheme', input: { ...MINIMAL, baseUrl: 'news.example.org' }, paths: ['baseUrl'] },
    { what: 'a base URL that is not http(s)', input: { ...MINIMAL, baseUrl: 'ftp://news.example.org/' }, paths: ['baseUrl'] },
    { what: 'a javascript: base URL', input: { ...MINIMAL, baseUrl: 'javascript:alert(1)' }, paths: ['baseUrl'] },
    { what: 'a base URL with a query (feed URLs would be appended to it)', input: { ...MINIMAL, baseUrl: 'https://news.example.org/?lang=en' }, paths: ['baseUrl'] },
    { what: 'a base URL with a fragment', input: { ...MINIMAL, baseUrl: 'https://news.example.org/#top' }, paths: ['baseUrl'] },
    { what: 'a base URL with a user name and password (every self link would publish them)', input: { ...MINIMAL, baseUrl: 'https://editor:secret@news.example.org/' }, paths: ['baseUrl'] },
    { what: 'a base URL on an IPv6 address (no tag: URI can name it)', input: { ...MINIMAL, baseUrl: 'https://[::1]:8080/' }, paths: ['baseUrl'] },
    { what: 'a base URL whose host ends in the root\'s dot (no tag: URI can name it)', input: { ...MINIMAL, baseUrl: 'https://seeds.example.org./news/' }, paths: ['baseUrl'] },
    { what: 'a language that is not a tag', input: { ...MINIMAL, language: 'English!' }, paths: ['language'] },
    { what: 'a language that is not a string', input: { ...MINIMAL, language: 7 }, paths: ['language'] },
    { what: 'a zero limit', input: { ...MINIMAL, limit: 0 }, paths: ['limit'] },
    { what: 'a fractional limit', input: { ...MINIMAL, limit: 2.5 }, paths: ['limit'] },
    { what: 'a limit in quotes', input: { ...MINIMAL, limit: '50' }, paths: ['limit'] },
    { what: 'a zero maxSeedBytes', input: { ...MINIMAL, maxSeedBytes: 0 }, paths: ['maxSeedBytes'] },
    { what: 'a publisher that is a number', input: { ...MINIMAL, publisher: 5 }, paths: ['publisher'] },
    { what: 'a publisher without a name', input: { ...MINIMAL, publisher: { url: 'https://news.example.org/' } }, paths: ['publisher.name'] },
    { what: 'a publisher email that is not one', input: { ...MINIMAL, publisher: { name: 'D', email: 'desk at example' } }, paths: ['publisher.email'] },
    { what: 'a publisher url that is not one', input: { ...MINIMAL, publisher: { name: 'D', url: 'about.html' } }, paths: ['publisher.url'] },
    { what: 'an unknown publisher key', input: { ...MINIMAL, publisher: { name: 'D', website: 'https://d.example/' } }, paths: ['publisher.website'] },
    { what: 'sources as a list', input: { ...MINIMAL, sources: [{ name: 'Asbarez' }] }, paths: ['sources'] },
    { what: 'a source that is a string', input: { ...MINIMAL, sources: { Asbarez: 'https://asbarez.com/' } }, paths: ['sources.Asbarez'] },
    { what: 'a source feed without a scheme', input: { ...MINIMAL, sources: { Asbarez: { url: 'https://asbarez.com/', feed: 'asbarez.com/feed/' } } }, paths: ['sources.Asbarez.feed'] },
    { what: 'a source home page that is not a URL', input: { ...MINIMAL, sources: { Asbarez: { url: 'Asbarez' } } }, paths: ['sources.Asbarez.url'] },
    { what: 'an unknown source key', input: { ...MINIMAL, sources: { Asbarez: { homepage: 'https://asbarez.com/' } } }, paths: ['sources.Asbarez.homepage'] },
    { what: 'a source name with dots and spaces is quoted in the path', input: { ...MINIMAL, sources: { 'news.am': { feed: 'x' }, 'The Weekly': { feed: 'y' } } }, paths: ['sources["The Weekly"].feed', 'sources["news.am"].feed'] },
    { what: 'a blank source name', input: { ...MINIMAL, sources: { ' ': {} } }, paths: ['sources[" "]'] },
    { what: 'two sources whose names differ only in case', input: { ...MINIMAL, sources: { Asbarez: {}, ASBAREZ: {} } }, paths: ['sources.ASBAREZ'] },
    { what: 'a blank default source', input: { ...MINIMAL, defaultSource: '' }, paths: ['defaultSource'] },
    { what: 'topics that are not an object', input: { ...MINIMAL, topics: true }, paths: ['topics'] },
    { what: 'an unknown topic kind', input: { ...MINIMAL, topics: { tags: true } }, paths: ['topics.tags'] },
    { what: 'a topic switch that is not a boolean', input: { ...MINIMAL, topics: { categories: 'yes' } }, paths: ['topics.categories'] },
    { what: 'an archive that is a number', input: { ...MINIMAL, archive: 5 }, paths: ['archive'] },
    { what: 'a zero archive page size', input: { ...MINIMAL, archive: { pageSize: 0 } }, paths: ['archive.pageSize'] },
    { what: 'an unknown archive key', input: { ...MINIMAL, archive: { size: 5 } }, paths: ['archive.size'] },
    { what: 'a hub that is not a URL', input: { ...MINIMAL, hub: 'pubsubhubbub' }, paths: ['hub'] },
    { what: 'ping without a hub', input: { ...MINIMAL, ping: true }, paths: ['ping'] },
    { what: 'ping that is not a boolean', input: { ...MINIMAL, ping: 'yes', hub: 'https://hub.example/' }, paths: ['ping'] },
    { what: 'a character XML 1.0 forbids in the title', input: { ...MINIMAL, title: 'News\u0001' }, paths: ['title'] },
    { what: 'a character XML 1.0 forbids in the description', input: { ...MINIMAL, description: 'About\uFFFF' }, paths: ['description'] },
    { what: 'a character XML 1.0 forbids in the publisher name', input: { ...MINIMAL, publisher: { name: 'Desk\u0008' } }, paths: ['publisher.name'] },
    { what: 'a character XML 1.0 forbids in a source name', input: { ...MINIMAL, sources: { 'Asbarez\u001b': {} } }, paths: ['sources["Asbarez\\u001b"]'] },
    {
      what: 'several problems at once: all are reported',
      input: { title: '', baseUrl: 'x', limit: -1, extra: 1, sources: { Asbarez: { feed: 'nope', rss: 'x' } } },
      paths: ['baseUrl', 'extra', 'limit', 'sources.Asbarez.feed', 'sources.Asbarez.rss', 'title'],
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      expect(paths(c.input)).toEqual([...c.paths].sort());
    });
  }

  it('messages say what was expected and what was found', () => {
    const { diagnostics } = checkConfig({ ...MINIMAL, limit: '50', sources: { Asbarez: { feed: 'asbarez.com/feed/' } }, titel: 'x' });
    const messages = diagnostics.map((d) => d.message);
    expect(messages).toContain('limit: expected a whole number of at least 1, found "50"');
    expect(messages).toContain('sources.Asbarez.feed: expected an absolute http(s) URL, found "asbarez.com/feed/"');
    expect(messages.find((m) => m.startsWith('titel: unknown key'))).toMatch(/expected one of .*title/);
  });
});

describe('loadConfig', () => {
  it('reads a file and applies the command-line overrides that are given', () => {
    const dir = writeTree(tempDir(), { 'site.json': JSON.stringify({ ...MINIMAL, limit: 20 }) });
    const config = loadConfig(join(dir, 'site.json'), { baseUrl: 'https://other.example/', limit: 5 });
    expect(config.baseUrl).toBe('https://other.example/');
    expect(config.limit).toBe(5);
    expect(loadConfig(join(dir, 'site.json'), { baseUrl: undefined, limit: undefined }).limit).toBe(20);
  });

  it('names a bad value given on the command line by its option, not by the config file', () => {
    const dir = writeTree(tempDir(), { 'site.json': JSON.stringify({ ...MINIMAL, limit: 20 }) });
    const refused = (overrides: Parameters<typeof loadConfig>[1]) => {
      try {
        loadConfig(join(dir, 'site.json'), overrides);
      } catch (e) {
        return e as UsageError;
      }
      throw new Error('not refused');
    };
    const url = refused({ baseUrl: 'ftp://files.example/' });
    expect(url.message).toBe('--base-url: not a usable value');
    expect(url.diagnostics.map((d) => [d.file, d.message])).toEqual([['--base-url', 'baseUrl: expected an absolute http(s) URL, found "ftp://files.example/"']]);
    // With the file's own problem beside it, each is named where it comes from.
    writeFileSync(join(dir, 'site.json'), JSON.stringify({ ...MINIMAL, language: 'not a language' }));
    const both = refused({ baseUrl: 'ftp://files.example/' });
    expect(both.message).toMatch(/site\.json: the config has 2 problem/);
    expect(both.diagnostics.map((d) => d.file).sort()).toEqual(['--base-url', join(dir, 'site.json')].sort());
  });

  const bad: { what: string; files: Record<string, string>; message: RegExp; diagnostics?: string[] }[] = [
    { what: 'a missing file', files: {}, message: /site\.json: cannot read the config file \(ENOENT\)/ },
    { what: 'a file that is not JSON', files: { 'site.json': '{ "title": ' }, message: /site\.json: not valid JSON/ },
    { what: 'a config with problems', files: { 'site.json': JSON.stringify({ ...MINIMAL, sources: { Asbarez: { feed: 'nope' } } }) }, message: /site\.json: the config has 1 problem/, diagnostics: ['sources.Asbarez.feed: expected an absolute http(s) URL, found "nope"'] },
  ];
  for (const c of bad) {
    it(`refuses ${c.what} with a usage error (exit 2)`, () => {
      const dir = writeTree(tempDir(), c.files);
      let thrown: unknown;
      try {
        loadConfig(join(dir, 'site.json'));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      const e = thrown as UsageError;
      expect(e.exitCode).toBe(EXIT.usage);
      expect(e.message).toMatch(c.message);
      expect(e.diagnostics.map((d) => d.message)).toEqual(c.diagnostics ?? []);
    });
  }
});
