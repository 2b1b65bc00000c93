/**
 * The three renderers, fed hand-made FeedContexts (no disk, no parsing):
 * what a reader of each format sees, per issue 2 and the specs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { renderRss } from '../src/render/rss.js';
import { renderAtom } from '../src/render/atom.js';
import { renderJson } from '../src/render/json.js';
import { FORMATS } from '../src/render/formats.js';
import type { FeedContext } from '../src/render/context.js';
import type { Item } from '../src/model.js';
import { newestUpdate } from '../src/feeds.js';
import { SHARED, tempDir } from './helpers.js';
import { child, children, descendants, parseXml, type XmlElement } from './xml.js';
import { TOOLS, needTools } from './tools.js';
import { ORIGINAL, bareItem, fullItem, site } from './support/items.js';

const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
};
/** RFC 822 as RFC 1123 narrows it: `Sat, 21 Nov 2026 09:30:15 GMT`. */
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
/** RFC 3339 date-time with a zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function context(items: Item[], updated = newestUpdate(items) ?? new Date('2026-11-01T00:00:00Z'), config = site()): FeedContext {
  return {
    site: config,
    id: 'tag:seeds.example.org,2026-11-01:feed',
    title: config.title,
    description: config.description,
    homeUrl: config.baseUrl,
    links: { rss: `${config.baseUrl}feed.xml`, atom: `${config.baseUrl}atom.xml`, json: `${config.baseUrl}feed.json` },
    updated,
    items,
  };
}

const channelOf = (rss: XmlElement) => child(rss, 'channel')!;
const rssItems = (rss: XmlElement) => children(channelOf(rss), 'item');
const textOf = (el: XmlElement | undefined, name: string) => (el ? child(el, name)?.text : undefined);
const relLink = (el: XmlElement, rel: string) => children(el, 'link').find((l) => (l.attributes.rel ?? 'alternate') === rel);

/** The credit line every format's content ends with, written from the issue, not from the code. */
const FULL_CREDIT = `<p>Originally published by <a href="${ORIGINAL.replace(/&/g, '&amp;')}">Asbarez</a>. Shared by Emma Jilavian.</p>`;

describe('RSS 2.0', () => {
  it('declares the content, Dublin Core and Atom namespaces and links itself (atom:link rel=self)', () => {
    const rss = parseXml(renderRss(context([fullItem()])));
    expect(rss.name).toBe('rss');
    expect(rss.attributes.version).toBe('2.0');
    const self = children(channelOf(rss), 'atom:link').find((l) => l.attributes.rel === 'self')!;
    expect(self.uri).toBe(NS.atom);
    expect(self.attributes).toMatchObject({ href: 'https://seeds.example.org/feed.xml', type: 'application/rss+xml' });
    expect(textOf(channelOf(rss), 'link')).toBe('https://seeds.example.org/');
    expect(textOf(channelOf(rss), 'language')).toBe('en');
  });

  it('an item: guid isPermaLink=false, link, RFC 822 pubDate of publication, content:encoded with dek, body and credit', () => {
    const [item] = rssItems(parseXml(renderRss(context([fullItem()]))));
    const guid = child(item!, 'guid')!;
    expect(guid.attributes.isPermaLink).toBe('false');
    expect(guid.text).toBe('tag:seeds.example.org,2026-11-20:articles/talks');
    expect(textOf(item, 'link')).toBe('https://seeds.example.org/articles/talks.html');
    expect(textOf(item, 'pubDate')).toBe('Fri, 20 Nov 2026 10:00:00 GMT');
    expect(textOf(item, 'pubDate')).toMatch(RFC822);
    expect(textOf(item, 'title')).toBe('Artsakh Calls for Talks');
    expect(textOf(item, 'description')).toBe('The corridor has been blocked since Dec. 12');
    // <description> is HTML: a plain-text dek with markup characters is escaped for HTML.
    const [marked] = rssItems(parseXml(renderRss(context([fullItem({ summary: 'Every stone "<keep>" & rebuilt' })]))));
    expect(textOf(marked, 'description')).toBe('Every stone &quot;&lt;keep&gt;&quot; &amp; rebuilt');
    const content = child(item!, 'content:encoded')!;
    expect(content.uri).toBe(NS.content);
    expect(content.text).toBe(`<p><strong>The corridor has been blocked since Dec. 12</strong></p>\n<p>First paragraph.</p>\n<p>Second paragraph.</p>\n${FULL_CREDIT}`);
  });

  it('names go in dc:creator and dc:contributor; never an <author> without an email', () => {
    const [item] = rssItems(parseXml(renderRss(context([fullItem({ authors: [{ name: 'Lilit Avagyan' }, { name: 'Aram Petrosyan', url: 'https://asbarez.com/aram' }] })]))));
    const creators = children(item!, 'dc:creator');
    expect(creators.map((c) => [c.uri, c.text])).toEqual([
      [NS.dc, 'Lilit Avagyan'],
      [NS.dc, 'Aram Petrosyan'],
    ]);
    expect(children(item!, 'dc:contributor').map((c) => [c.uri, c.text])).toEqual([[NS.dc, 'Emma Jilavian']]);
    expect(children(item!, 'category').map((c) => c.text)).toEqual(['2023', 'Artsakh']);
    expect(children(item!, 'author')).toEqual([]);
  });

  it('<source url> names the source feed when its URL is known, and is left out otherwise (RSS 2.0 requires url)', () => {
    const rss = parseXml(
      renderRss(
        context([
          fullItem(),
          fullItem({ id: 'tag:x.org,2026:b', source: { name: 'Armenian Weekly', url: 'https://armenianweekly.com/' } }),
          bareItem(),
        ]),
      ),
    );
    const sources = rssItems(rss).map((i) => children(i, 'source'));
    expect(sources[0]!.map((s) => [s.attributes.url, s.text])).toEqual([['https://asbarez.com/feed/', 'Asbarez']]);
    expect(sources[1]).toEqual([]);
    expect(sources[2]).toEqual([]);
    // The bare item has no byline and no sharer either.
    expect(children(rssItems(rss)[2]!, 'dc:creator')).toEqual([]);
    expect(children(rssItems(rss)[2]!, 'dc:contributor')).toEqual([]);
  });

  it('lastBuildDate is the newest item’s updated, in RFC 822', () => {
    const items = [fullItem({ updated: new Date('2026-11-21T09:30:15Z') }), bareItem({ updated: new Date('2026-11-25T18:05:00Z') })];
    const channel = channelOf(parseXml(renderRss(context(items))));
    expect(textOf(channel, 'lastBuildDate')).toBe('Wed, 25 Nov 2026 18:05:00 GMT');
    expect(children(channel, 'pubDate')).toEqual([]);
  });
});

describe('Atom 1.0', () => {
  it('the feed: id, RFC 3339 updated, publisher as author, self and alternate links', () => {
    const feed = parseXml(renderAtom(context([fullItem()])));
    expect(feed.uri).toBe(NS.atom);
    expect(textOf(feed, 'id')).toBe('tag:seeds.example.org,2026-11-01:feed');
    expect(textOf(feed, 'updated')).toMatch(RFC3339);
    expect(new Date(textOf(feed, 'updated')!)).toEqual(new Date('2026-11-21T09:30:15Z'));
    const author = child(feed, 'author')!;
    expect(textOf(author, 'name')).toBe('Seedfeed Desk');
    expect(textOf(author, 'uri')).toBe('https://seeds.example.org/about');
    expect(relLink(feed, 'self')!.attributes.href).toBe('https://seeds.example.org/atom.xml');
    expect(relLink(feed, 'alternate')!.attributes.href).toBe('https://seeds.example.org/');
  });

  it('an entry: id, text title and summary, link, RFC 3339 published and updated, html content with the credit', () => {
    const entry = child(parseXml(renderAtom(context([fullItem()]))), 'entry')!;
    expect(textOf(entry, 'id')).toBe('tag:seeds.example.org,2026-11-20:articles/talks');
    expect(child(entry, 'title')).toMatchObject({ attributes: { type: 'text' }, text: 'Artsakh Calls for Talks' });
    expect(child(entry, 'summary')).toMatchObject({ attributes: { type: 'text' }, text: 'The corridor has been blocked since Dec. 12' });
    expect(relLink(entry, 'alternate')!.attributes.href).toBe('https://seeds.example.org/articles/talks.html');
    for (const name of ['published', 'updated']) expect(textOf(entry, name)).toMatch(RFC3339);
    expect(new Date(textOf(entry, 'published')!)).toEqual(new Date('2026-11-20T10:00:00Z'));
    expect(new Date(textOf(entry, 'updated')!)).toEqual(new Date('2026-11-21T09:30:15Z'));
    const content = child(entry, 'content')!;
    expect(content.attributes.type).toBe('html');
    expect(content.text.endsWith(FULL_CREDIT)).toBe(true);
  });

  it('an entry: byline as author, sharer as contributor, categories, original as link rel=via, and <source>', () => {
    const entry = child(parseXml(renderAtom(context([fullItem({ authors: [{ name: 'Lilit Avagyan', url: 'https://asbarez.com/lilit' }] })]))), 'entry')!;
    expect(children(entry, 'author').map((a) => [textOf(a, 'name'), textOf(a, 'uri')])).toEqual([['Lilit Avagyan', 'https://asbarez.com/lilit']]);
    expect(children(entry, 'contributor').map((c) => textOf(c, 'name'))).toEqual(['Emma Jilavian']);
    expect(children(entry, 'category').map((c) => c.attributes.term)).toEqual(['2023', 'Artsakh']);
    expect(relLink(entry, 'via')!.attributes).toMatchObject({ href: ORIGINAL, type: 'text/html' });
    const source = child(entry, 'source')!;
    expect(source.uri).toBe(NS.atom);
    expect(child(source, 'title')).toMatchObject({ attributes: { type: 'text' }, text: 'Asbarez' });
    expect(relLink(source, 'alternate')!.attributes.href).toBe('https://asbarez.com/');
    expect(relLink(source, 'self')!.attributes.href).toBe('https://asbarez.com/feed/');
  });

  it('leaves out what is not known: no via without an original, no source links without URLs, no entry author without a byline', () => {
    const feed = parseXml(renderAtom(context([fullItem({ originalLink: undefined, source: { name: 'Armenian Weekly' } }), bareItem()])));
    const [withSource, bare] = children(feed, 'entry');
    expect(relLink(withSource!, 'via')).toBeUndefined();
    const source = child(withSource!, 'source')!;
    expect(textOf(source, 'title')).toBe('Armenian Weekly');
    expect(children(source, 'link')).toEqual([]);
    expect(child(bare!, 'source')).toBeUndefined();
    expect(children(bare!, 'author')).toEqual([]);
    expect(children(bare!, 'contributor')).toEqual([]);
    expect(child(bare!, 'summary')).toBeUndefined();
    // RFC 4287 4.1.1: an entry without an author relies on the feed's.
    expect(children(feed, 'author')).toHaveLength(1);
  });
});

describe('JSON Feed 1.1', () => {
  it('the feed: version, title, links, language, authors with the deprecated author', () => {
    const json = JSON.parse(renderJson(context([fullItem()])));
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.title).toBe('Test feed');
    expect(json.home_page_url).toBe('https://seeds.example.org/');
    expect(json.feed_url).toBe('https://seeds.example.org/feed.json');
    expect(json.language).toBe('en');
    expect(json.authors).toEqual([{ name: 'Seedfeed Desk', url: 'https://seeds.example.org/about' }]);
    expect(json.author).toEqual({ name: 'Seedfeed Desk', url: 'https://seeds.example.org/about' });
  });

  it('an item: id, url, external_url, title, summary, content with the credit, dates, tags, authors, _source, _shared_by', () => {
    const [item] = JSON.parse(renderJson(context([fullItem()]))).items;
    expect(item).toMatchObject({
      id: 'tag:seeds.example.org,2026-11-20:articles/talks',
      url: 'https://seeds.example.org/articles/talks.html',
      external_url: ORIGINAL,
      title: 'Artsakh Calls for Talks',
      summary: 'The corridor has been blocked since Dec. 12',
      tags: ['2023', 'Artsakh'],
      authors: [{ name: 'Lilit Avagyan' }],
      author: { name: 'Lilit Avagyan' },
      _source: { name: 'Asbarez', home_page_url: 'https://asbarez.com/', feed_url: 'https://asbarez.com/feed/' },
      _shared_by: { name: 'Emma Jilavian' },
    });
    expect(item.content_html.endsWith(FULL_CREDIT)).toBe(true);
    for (const key of ['date_published', 'date_modified']) expect(item[key]).toMatch(RFC3339);
    expect(new Date(item.date_published)).toEqual(new Date('2026-11-20T10:00:00Z'));
    expect(new Date(item.date_modified)).toEqual(new Date('2026-11-21T09:30:15Z'));
    expect(item.language).toBeUndefined();
  });

  it('an item in another language says so; unknown fields are left out', () => {
    const [item] = JSON.parse(renderJson(context([bareItem({ language: 'hy' })]))).items;
    expect(item.language).toBe('hy');
    for (const key of ['external_url', '_source', '_shared_by', 'authors', 'author', 'summary']) expect(item).not.toHaveProperty(key);
    expect(item.tags ?? []).toEqual([]);
  });

  it('matches the JSON Feed 1.1 schema, full and empty', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(SHARED, 'schemas', 'jsonfeed-1.1.schema.json'), 'utf8')));
    for (const items of [[fullItem(), bareItem({ language: 'hy' })], []]) {
      validate(JSON.parse(renderJson(context(items))));
      expect(validate.errors ?? []).toEqual([]);
    }
  });
});

describe('the credit line, in every format', () => {
  const cases: { what: string; item: Item; credit: string }[] = [
    { what: 'source and original link', item: fullItem(), credit: FULL_CREDIT },
    {
      what: 'source with a home page, no original',
      item: fullItem({ originalLink: undefined }),
      credit: '<p>Originally published by <a href="https://asbarez.com/">Asbarez</a>. Shared by Emma Jilavian.</p>',
    },
    { what: 'source without any URL', item: fullItem({ originalLink: undefined, source: { name: 'Azatutyun' }, sharedBy: undefined }), credit: '<p>Originally published by Azatutyun.</p>' },
    { what: 'an original but no source', item: bareItem({ originalLink: ORIGINAL }), credit: `<p><a href="${ORIGINAL.replace(/&/g, '&amp;')}">Read the original article</a>.</p>` },
    { what: 'names with markup', item: fullItem({ originalLink: undefined, source: { name: 'R&D <News>' }, sharedBy: { name: 'Ann "Q" Lee' } }), credit: '<p>Originally published by R&amp;D &lt;News&gt;. Shared by Ann &quot;Q&quot; Lee.</p>' },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const ctx = context([c.item]);
      const rss = textOf(rssItems(parseXml(renderRss(ctx)))[0], 'content:encoded')!;
      const atom = textOf(child(parseXml(renderAtom(ctx)), 'entry'), 'content')!;
      const json = JSON.parse(renderJson(ctx)).items[0].content_html as string;
      expect(rss.endsWith(c.credit)).toBe(true);
      expect(atom).toBe(rss);
      expect(json).toBe(rss);
    });
  }

  it('no source, no original, no sharer: no credit paragraph', () => {
    const ctx = context([bareItem()]);
    expect(textOf(rssItems(parseXml(renderRss(ctx)))[0], 'content:encoded')).toBe('<p>Only a body.</p>\n');
  });

  it('a headline alone (no dek, body, source or sharer) carries its title as its text in every format', () => {
    const ctx = context([bareItem({ title: 'Fish & <Chips>', bodyHtml: '' })]);
    const rssItem = rssItems(parseXml(renderRss(ctx)))[0];
    const atomEntry = child(parseXml(renderAtom(ctx)), 'entry');
    const text = '<p>Fish &amp; &lt;Chips&gt;</p>';
    expect(textOf(rssItem, 'description')).toBe(text);
    expect(textOf(rssItem, 'content:encoded')).toBe(text);
    expect(textOf(atomEntry, 'content')).toBe(text);
    expect(JSON.parse(renderJson(ctx)).items[0].content_html).toBe(text);
  });
});

describe('no clock in the output', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const items of [[fullItem(), bareItem()], []]) {
    it(`the same context renders the same bytes at any time (${items.length} items)`, () => {
      const ctx = () => context(items.map((i) => ({ ...i })), items.length ? undefined : new Date('2026-11-01T00:00:00Z'));
      vi.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z'), toFake: ['Date'] });
      const early = FORMATS.map((f) => f.render(ctx()));
      vi.setSystemTime(new Date('2031-06-15T12:34:56Z'));
      const late = FORMATS.map((f) => f.render(ctx()));
      expect(late).toEqual(early);
      for (const text of early) {
        expect(text).not.toContain('2027');
        expect(text).not.toContain('2031');
      }
    });
  }

  it('the feed-level date is the newest item’s updated, not its published', () => {
    const items = [fullItem({ published: new Date('2026-11-26T00:00:00Z'), updated: new Date('2026-11-26T00:00:00Z') }), bareItem({ published: new Date('2026-11-10T00:00:00Z'), updated: new Date('2026-11-27T08:00:00Z') })];
    const ctx = context(items);
    expect(ctx.updated).toEqual(new Date('2026-11-27T08:00:00Z'));
    expect(textOf(channelOf(parseXml(renderRss(ctx))), 'lastBuildDate')).toBe('Fri, 27 Nov 2026 08:00:00 GMT');
    expect(new Date(textOf(parseXml(renderAtom(ctx)), 'updated')!)).toEqual(new Date('2026-11-27T08:00:00Z'));
  });
});

describe('an empty feed', () => {
  const ctx = () => context([], new Date('2026-11-01T00:00:00Z'));

  it('RSS: a channel with title, link, description and date, and no items', () => {
    const channel = channelOf(parseXml(renderRss(ctx())));
    expect(textOf(channel, 'title')).toBe('Test feed');
    expect(textOf(channel, 'link')).toBe('https://seeds.example.org/');
    expect(textOf(channel, 'description')).toBe('Stories for tests');
    expect(textOf(channel, 'lastBuildDate')).toBe('Sun, 01 Nov 2026 00:00:00 GMT');
    expect(children(channel, 'item')).toEqual([]);
  });

  it('Atom: id, title, updated and author, no entries', () => {
    const feed = parseXml(renderAtom(ctx()));
    expect(textOf(feed, 'id')).toBe('tag:seeds.example.org,2026-11-01:feed');
    expect(textOf(feed, 'title')).toBe('Test feed');
    expect(new Date(textOf(feed, 'updated')!)).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(textOf(child(feed, 'author'), 'name')).toBe('Seedfeed Desk');
    expect(children(feed, 'entry')).toEqual([]);
  });

  it('JSON: a feed with an empty items list', () => {
    const json = JSON.parse(renderJson(ctx()));
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items).toEqual([]);
  });

  it('Atom, empty and full, is valid against the RFC 4287 schema (jing)', (testCtx) => {
    needTools(testCtx, TOOLS.jing);
    const dir = tempDir();
    const files = [
      ['empty.xml', renderAtom(ctx())],
      ['full.xml', renderAtom(context([fullItem(), fullItem({ id: 'tag:x.org,2026:2', originalLink: undefined, source: { name: 'Azatutyun' } }), bareItem()]))],
    ].map(([name, text]) => {
      writeFileSync(join(dir, name!), text!);
      return join(dir, name!);
    });
    const run = spawnSync('jing', ['-c', join(SHARED, 'schemas', 'atom.rnc'), ...files], { encoding: 'utf8' });
    // jing starts each message with the file's path; its launcher may add unrelated [warning] lines.
    expect((run.stdout + run.stderr).split('\n').filter((l) => l.startsWith(dir))).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('all three formats are well-formed with nothing in them but the feed', () => {
    for (const f of FORMATS) {
      const text = f.render(ctx());
      if (f.kind === 'xml') expect(descendants(parseXml(text), 'item').length + descendants(parseXml(text), 'entry').length).toBe(0);
      else expect(JSON.parse(text).items).toEqual([]);
    }
  });
});
