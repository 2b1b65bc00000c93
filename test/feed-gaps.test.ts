import { describe, expect, it } from 'vitest';
import { appendToAtomEntries, armor, atomTextConstructs, element, textElement, unarmor, upgradeJsonFeed } from '../src/render/feed-gaps.js';
import { renderRss } from '../src/render/rss.js';
import { renderAtom } from '../src/render/atom.js';
import { renderJson } from '../src/render/json.js';
import type { FeedContext } from '../src/render/context.js';
import type { Item, SiteConfig } from '../src/model.js';
import { testConfig } from './helpers.js';
import { child, children, parseXml, type XmlElement } from './xml.js';

/** Texts that break naive XML writers, one per class of character. */
const HOSTILE: [string, string][] = [
  ['ampersand', 'AT&T and R&D'],
  ['a literal entity', 'AT&amp;T'],
  ['literal numeric and named entities', '&#38; &lt;b&gt; &quot; &nbsp;'],
  ['a bare ampersand at the end', 'Fish &'],
  ['markup', '<b>bold</b> <script>alert(1)</script>'],
  ['quotes', `"double" and 'single'`],
  ['greater-than', '5 > 3'],
  ['one CDATA end', 'a ]]> b'],
  ['CDATA ends back to back', ']]>]]>]]>'],
  ['CDATA ends spread out', 'x]]>y]]>z ]]> end]]>'],
  ['a CDATA section as text', '<![CDATA[ inner ]]>'],
  ['brackets', ']] ] [ ]]] ]>'],
  ['Armenian', 'Արցախը կոչ է անում'],
  ['astral characters', '🇦🇲 flag 😀 𝔸'],
  ['right to left', 'مرحبا بالعالم'],
  ['combining marks and no-break space', 'e\u0301\u00a0x'],
  ['line and paragraph separators', 'a\u2028b\u2029c'],
  // XML parsers turn tab and LF in attribute values into spaces unless they are character references.
  ['tab and newline', 'two\twords\nand lines'],
  ['everything at once', `<a href="x?a=1&b=2">]]></a> &amp; "q" 'q' ]]>&`],
];


function config(): SiteConfig {
  return testConfig();
}

function item(overrides: Partial<Item> = {}): Item {
  return {
    id: 'tag:seeds.example.org,2026-11-28:articles/story',
    file: 'story.txt',
    title: 'Story',
    bodyHtml: '<p>Body.</p>',
    categories: [],
    authors: [],
    published: new Date('2026-11-20T10:00:00Z'),
    updated: new Date('2026-11-21T10:00:00Z'),
    link: 'https://seeds.example.org/articles/story.html',
    path: 'articles/story.html',
    language: 'en',
    ...overrides,
  };
}

function context(items: Item[], overrides: Partial<FeedContext> = {}, site: SiteConfig = config()): FeedContext {
  return {
    site,
    id: 'tag:seeds.example.org,2026-11-01:feed',
    title: site.title,
    description: site.description,
    homeUrl: site.baseUrl,
    links: { rss: `${site.baseUrl}feed.xml`, atom: `${site.baseUrl}atom.xml`, json: `${site.baseUrl}feed.json` },
    updated: new Date('2026-11-21T10:00:00Z'),
    items,
    ...overrides,
  };
}

interface Rendered {
  rss: XmlElement;
  atom: XmlElement;
  json: Record<string, any>;
}

function renderAll(ctx: FeedContext): Rendered {
  return { rss: parseXml(renderRss(ctx)), atom: parseXml(renderAtom(ctx)), json: JSON.parse(renderJson(ctx)) };
}

const rssItem = (r: Rendered) => child(child(r.rss, 'channel')!, 'item')!;
const atomEntry = (r: Rendered) => child(r.atom, 'entry')!;
const text = (el: XmlElement | undefined) => el?.text;
/**
 * What a reader shows of an RSS <description>: its text is HTML (RSS Best
 * Practices Profile), so decode it. Plain text escaped for HTML uses only
 * references XML also knows, so the XML parser decodes it.
 */
const htmlText = (el: XmlElement | undefined) => (el ? parseXml(`<x>${el.text}</x>`).text : undefined);

describe('armor and unarmor', () => {
  it('armored text holds none of & < > " ] tab LF CR', () => {
    for (const [, s] of HOSTILE) expect(armor(s)).not.toMatch(/[&<>"\]\t\n\r]/);
  });

  it('text outside CDATA gets character references; inside CDATA the raw text with every ]]> split', () => {
    expect(unarmor(`<t>${armor('&<>"]')}</t>`)).toBe('<t>&#x26;&#x3C;&#x3E;&#x22;]</t>');
    expect(unarmor(`<t a="${armor('&<>"]')}"/>`)).toBe('<t a="&#x26;&#x3C;&#x3E;&#x22;]"/>');
    expect(unarmor(`<t a="${armor('\t\n\r')}"/>`)).toBe('<t a="&#9;&#10;&#13;"/>');
    expect(unarmor(`<t><![CDATA[${armor('\t\n')}]]></t>`)).toBe('<t><![CDATA[\t\n]]></t>');
    expect(unarmor(`<t><![CDATA[${armor('a&b<c>"d"]')}]]></t>`)).toBe('<t><![CDATA[a&b<c>"d"]]]></t>');
    expect(unarmor(`<t><![CDATA[${armor(']]>]]>')}]]></t>`)).toBe('<t><![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]></t>');
  });

  for (const [what, s] of HOSTILE) {
    it(`round-trips through an XML parser: ${what}`, () => {
      const xml = unarmor(`<r><t>${armor(s)}</t><a v="${armor(s)}"/><c><![CDATA[${armor(s)}]]></c></r>`);
      const root = parseXml(xml);
      expect(child(root, 't')!.text).toBe(s);
      expect(child(root, 'a')!.attributes.v).toBe(s);
      expect(child(root, 'c')!.text).toBe(s);
    });
  }

  it('keeps a carriage return outside CDATA as a character reference', () => {
    const root = parseXml(unarmor(`<r a="${armor('x\r\ny')}">${armor('x\ry')}</r>`));
    expect(root.attributes.a).toBe('x\r\ny');
    expect(root.text).toBe('x\ry');
  });

  it('leaves text without armored characters alone', () => {
    expect(unarmor('<t>plain Արցախ</t>')).toBe('<t>plain Արցախ</t>');
  });

  it('refuses XML where a marker survives (text that was not armored by armor())', () => {
    expect(() => unarmor('<t>\uFFFFz</t>')).toThrow(/marker/);
  });
});

describe('Atom helpers', () => {
  it('turns html title and summary CDATA into type="text" with the same text', () => {
    const armored = `<entry><title type="html"><![CDATA[${armor('A & <B> ]]>')}]]></title><summary type="html"><![CDATA[${armor('"s"')}]]></summary><content type="html"><![CDATA[<p>c</p>]]></content></entry>`;
    const entry = parseXml(unarmor(atomTextConstructs(armored)));
    expect(child(entry, 'title')).toMatchObject({ attributes: { type: 'text' }, text: 'A & <B> ]]>' });
    expect(child(entry, 'summary')).toMatchObject({ attributes: { type: 'text' }, text: '"s"' });
    // Content stays HTML.
    expect(child(entry, 'content')).toMatchObject({ attributes: { type: 'html' }, text: '<p>c</p>' });
  });

  it('appends extras to each entry in order, and refuses a count that does not match', () => {
    const xml = '<feed><entry><id>1</id></entry><entry><id>2</id></entry></feed>';
    const out = parseXml(unarmor(appendToAtomEntries(xml, [element('x', { n: 'one&' }), ''])));
    const entries = children(out, 'entry');
    expect(entries.map((e) => e.children.map((c) => c.name))).toEqual([['id', 'x'], ['id']]);
    expect(child(entries[0]!, 'x')!.attributes.n).toBe('one&');
    expect(() => appendToAtomEntries(xml, [''])).toThrow(/2 entries, 1 extras/);
  });

  it('element and textElement escape attribute values and text; undefined attributes are left out', () => {
    const xml = unarmor(element('source', { a: 'x"&<y', skip: undefined }, [textElement('title', 'T & <U>', { type: 'text' })]));
    const el = parseXml(xml);
    expect(el.attributes).toEqual({ a: 'x"&<y' });
    expect(child(el, 'title')).toMatchObject({ attributes: { type: 'text' }, text: 'T & <U>' });
    expect(element('link', { href: 'https://e.org/' })).toBe('<link href="https://e.org/"/>');
  });
});

describe('upgradeJsonFeed', () => {
  const json1 = JSON.stringify({
    version: 'https://jsonfeed.org/version/1',
    title: 'T',
    home_page_url: 'https://e.org/',
    feed_url: 'https://e.org/feed.json',
    description: 'D',
    author: { name: 'Old' },
    items: [
      { id: '1', content_html: '<p>a</p>', author: { name: 'From feed' } },
      { id: '2', content_html: '<p>b</p>' },
      { id: '3', content_html: '<p>c</p>', author: { name: 'Kept' } },
    ],
  });
  const upgraded = () =>
    upgradeJsonFeed(json1, {
      language: 'hy',
      authors: [{ name: 'Publisher', url: 'https://e.org/' }],
      items: [{ authors: [{ name: 'A' }, { name: 'B', url: 'https://b.org/' }] }, { language: 'en' }, {}],
    });

  it('says version 1.1 and adds language and authors at the top', () => {
    const feed = upgraded();
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.language).toBe('hy');
    expect(feed.authors).toEqual([{ name: 'Publisher', url: 'https://e.org/' }]);
    // JSON Feed 1.1: feeds may keep the deprecated "author" for older readers.
    expect(feed.author).toEqual({ name: 'Publisher', url: 'https://e.org/' });
    expect(Object.keys(feed)[0]).toBe('version');
  });

  it('gives items authors, keeps the deprecated author, and adds item language', () => {
    const items = upgraded().items as Record<string, unknown>[];
    expect(items[0]).toEqual({ id: '1', content_html: '<p>a</p>', authors: [{ name: 'A' }, { name: 'B', url: 'https://b.org/' }], author: { name: 'A' } });
    expect(items[1]).toEqual({ id: '2', content_html: '<p>b</p>', language: 'en' });
    expect(items[2]).toEqual({ id: '3', content_html: '<p>c</p>', author: { name: 'Kept' } });
  });
});

describe('hostile text reaches readers of all three formats unchanged', () => {
  for (const [what, s] of HOSTILE) {
    it(`title and summary: ${what}`, () => {
      const r = renderAll(context([item({ title: s, summary: s })]));
      expect(text(child(rssItem(r), 'title'))).toBe(s);
      expect(htmlText(child(rssItem(r), 'description'))).toBe(s);
      expect(child(atomEntry(r), 'title')).toMatchObject({ attributes: { type: 'text' }, text: s });
      expect(child(atomEntry(r), 'summary')).toMatchObject({ attributes: { type: 'text' }, text: s });
      expect(r.json.items[0].title).toBe(s);
      expect(r.json.items[0].summary).toBe(s);
    });

    it(`content: ${what}`, () => {
      // No dek, source or sharer: the content is exactly the body.
      const bodyHtml = `<p>${s}</p>\n<p>${s}</p>`;
      const r = renderAll(context([item({ bodyHtml })]));
      expect(text(child(rssItem(r), 'content:encoded'))).toBe(bodyHtml);
      expect(child(atomEntry(r), 'content')).toMatchObject({ attributes: { type: 'html' }, text: bodyHtml });
      expect(r.json.items[0].content_html).toBe(bodyHtml);
    });

    it(`source, author and sharer names: ${what}`, () => {
      const r = renderAll(context([item({ source: { name: s, url: 'https://source.example/', feedUrl: 'https://source.example/feed/' }, authors: [{ name: s }], sharedBy: { name: s } })]));
      expect(text(child(rssItem(r), 'source'))).toBe(s);
      expect(text(child(rssItem(r), 'dc:creator'))).toBe(s);
      expect(text(child(rssItem(r), 'dc:contributor'))).toBe(s);
      expect(text(child(child(atomEntry(r), 'source')!, 'title'))).toBe(s);
      expect(text(child(child(atomEntry(r), 'author')!, 'name'))).toBe(s);
      expect(text(child(child(atomEntry(r), 'contributor')!, 'name'))).toBe(s);
      expect(r.json.items[0]._source.name).toBe(s);
      expect(r.json.items[0].authors[0].name).toBe(s);
      expect(r.json.items[0].author.name).toBe(s);
      expect(r.json.items[0]._shared_by.name).toBe(s);
    });

    it(`feed title, description and publisher: ${what}`, () => {
      const site = config();
      const ctx = context([item()], { title: s, description: s }, { ...site, publisher: { name: s } });
      const r = renderAll(ctx);
      const channel = child(r.rss, 'channel')!;
      expect(text(child(channel, 'title'))).toBe(s);
      expect(htmlText(child(channel, 'description'))).toBe(s);
      expect(text(child(r.atom, 'title'))).toBe(s);
      expect(text(child(r.atom, 'subtitle'))).toBe(s);
      expect(text(child(child(r.atom, 'author')!, 'name'))).toBe(s);
      expect(r.json.title).toBe(s);
      expect(r.json.description).toBe(s);
      expect(r.json.authors[0].name).toBe(s);
    });
  }

  for (const [what, s] of HOSTILE) {
    it(`category names, as text and as attribute values: ${what}`, () => {
      const r = renderAll(context([item({ categories: [s, 'plain'] })]));
      expect(children(rssItem(r), 'category').map((c) => c.text)).toEqual([s, 'plain']);
      expect(children(atomEntry(r), 'category').map((c) => c.attributes.term)).toEqual([s, 'plain']);
      expect(r.json.items[0].tags).toEqual([s, 'plain']);
    });
  }

  it('a title that says "&amp;" reaches the reader as "&amp;", not "&"', () => {
    const r = renderAll(context([item({ title: 'Q&amp;A: AT&amp;T', summary: '&amp;' })]));
    expect(text(child(rssItem(r), 'title'))).toBe('Q&amp;A: AT&amp;T');
    expect(text(child(atomEntry(r), 'title'))).toBe('Q&amp;A: AT&amp;T');
    expect(text(child(atomEntry(r), 'summary'))).toBe('&amp;');
    expect(r.json.items[0].title).toBe('Q&amp;A: AT&amp;T');
  });
});

describe('URLs with query strings in attribute values and text', () => {
  const q = (path: string) => `https://source.example/${path}?a=1&b=2&c="x"`.replace(/"/g, '%22');

  it('links, original links, source links and author links keep their & in every format', () => {
    const site = config();
    const it0 = item({
      link: `${site.baseUrl}articles/story.html?ref=feed&x=1`,
      originalLink: q('story'),
      source: { name: 'Source', url: q(''), feedUrl: q('feed/') },
      authors: [{ name: 'Writer', url: q('writer') }],
    });
    const ctx = context([it0], { links: { rss: `${site.baseUrl}feed.xml?a=1&b=2`, atom: `${site.baseUrl}atom.xml?a=1&b=2`, json: `${site.baseUrl}feed.json?a=1&b=2` }, homeUrl: `${site.baseUrl}?home=1&x=2` });
    const r = renderAll(ctx);

    const channel = child(r.rss, 'channel')!;
    expect(text(child(channel, 'link'))).toBe(ctx.homeUrl);
    expect(child(channel, 'atom:link')!.attributes).toMatchObject({ rel: 'self', href: ctx.links.rss });
    expect(text(child(rssItem(r), 'link'))).toBe(it0.link);
    expect(child(rssItem(r), 'source')!.attributes.url).toBe(q('feed/'));

    const links = children(atomEntry(r), 'link');
    expect(links.find((l) => !l.attributes.rel || l.attributes.rel === 'alternate')!.attributes.href).toBe(it0.link);
    expect(links.find((l) => l.attributes.rel === 'via')!.attributes.href).toBe(q('story'));
    const sourceLinks = children(child(atomEntry(r), 'source')!, 'link');
    expect(sourceLinks.find((l) => l.attributes.rel === 'alternate')!.attributes.href).toBe(q(''));
    expect(sourceLinks.find((l) => l.attributes.rel === 'self')!.attributes.href).toBe(q('feed/'));
    expect(text(child(child(atomEntry(r), 'author')!, 'uri'))).toBe(q('writer'));
    expect(children(r.atom, 'link').find((l) => l.attributes.rel === 'self')!.attributes.href).toBe(ctx.links.atom);
    expect(children(r.atom, 'link').find((l) => l.attributes.rel === 'alternate')!.attributes.href).toBe(ctx.homeUrl);

    expect(r.json.home_page_url).toBe(ctx.homeUrl);
    expect(r.json.feed_url).toBe(ctx.links.json);
    expect(r.json.items[0].url).toBe(it0.link);
    expect(r.json.items[0].external_url).toBe(q('story'));
    expect(r.json.items[0]._source).toEqual({ name: 'Source', home_page_url: q(''), feed_url: q('feed/') });
  });

  it('the credit line links to the original with its query string intact', () => {
    const it0 = item({ originalLink: q('story'), source: { name: 'Source & Co' } });
    const r = renderAll(context([it0]));
    const content = text(child(atomEntry(r), 'content'))!;
    // The content is HTML: the & of the URL is escaped once, for HTML.
    expect(content).toContain(`<a href="${q('story').replace(/&/g, '&amp;')}">Source &amp; Co</a>`);
    expect(text(child(rssItem(r), 'content:encoded'))).toBe(content);
    expect(r.json.items[0].content_html).toBe(content);
  });
});
