import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build, publish, type PublishReport } from '../src/index.js';
import type { SiteConfig } from '../src/model.js';
import { linksFrom, humanDate, machineDate } from '../src/render/pages.js';
import { rightToLeft } from '../src/language.js';
import { NOW, SAMPLE_SEEDS, tempDir, testConfig, writeTree } from './helpers.js';
import { SaxesParser } from 'saxes';
import { parseXml } from './xml.js';

/** Seeds written for these tests: markup in names, two scripts, a byline, a seed with neither source nor sharer. */
const SEEDS: Record<string, string> = {
  'ferry.txt': [
    'Categories: Transport, Ծովային',
    'Date: 2024-05-02',
    'Link: https://harbour-news.example/ferry-returns',
    '',
    'Harbour Gazette: Night Ferry Returns After a Winter in Dry Dock',
    '',
    'Crews repainted the hull and replaced both engines',
    '',
    'The night ferry between the two islands sailed again on Thursday after five months ashore.',
    '',
    'Passengers said the new engines were quieter & the cabins warmer than before.',
    '',
    'Ani Petrosyan:',
    '',
  ].join('\n'),
  'market.md': [
    '---',
    'title: Market hall <reopens> & expands',
    'source:',
    '  name: Valley Courier',
    '  url: https://courier.example/',
    'date: 2024-05-03T09:30:00+04:00',
    'categories: [R&D <EU>, Transport]',
    'author: Mariam "Mimi" Sargsyan',
    'shared_by: Ani Petrosyan',
    'language: hy',
    'link: https://courier.example/market',
    'summary: Forty new stalls and a roof garden',
    '---',
    'The **market hall** reopened with forty new stalls.<br>',
    '',
    '<script>alert(1)</script>',
    '',
    'Read [the plan](https://courier.example/plan.pdf) or [mail us](mailto:desk@courier.example).',
    '',
  ].join('\n'),
  'notice.txt': ['Categories: Notices', 'Date: 2024-04-01', '', 'Library hours change for the summer', '', 'The reading room will close at six from June to August.', ''].join('\n'),
};

interface Site {
  out: string;
  config: SiteConfig;
  report: PublishReport;
  /** Every file under out/, relative, with `/`. */
  files: string[];
  pages: Map<string, { text: string; root: El }>;
}

async function buildSite(seeds: Record<string, string> | string, overrides: Record<string, unknown> = {}): Promise<Site> {
  const root = tempDir();
  const seedsDir = typeof seeds === 'string' ? seeds : writeTree(join(root, 'seeds'), seeds);
  const out = join(root, 'out');
  const config = testConfig(overrides);
  const report = await publish({ seedsDir, outDir: out, statePath: join(root, 'state', 'log.json'), config, now: NOW });
  const files = listFiles(out);
  const pages = new Map<string, { text: string; root: El }>();
  for (const f of files.filter((f) => f.endsWith('.html'))) {
    const text = readFileSync(join(out, f), 'utf8');
    let root: El | undefined;
    // Parsed when a test first looks, so a page that does not parse fails that test, not the whole file.
    pages.set(f, {
      text,
      get root() {
        return (root ??= parsePage(text));
      },
    });
  }
  return { out, config, report, files, pages };
}

/** An element with its text and child elements in document order. */
interface El {
  name: string;
  attributes: Record<string, string>;
  children: (El | string)[];
}

/**
 * Parses a page as XML, strictly: any well-formedness error (an unclosed or
 * misnested element, an unknown entity, `<` in an attribute) throws.
 */
function parsePage(text: string): El {
  const parser = new SaxesParser();
  const stack: El[] = [];
  let root: El | undefined;
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    const el: El = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [] };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => void (stack.length && stack[stack.length - 1]!.children.push(t)));
  parser.write(text).close();
  if (failure) throw failure;
  if (!root) throw new Error('no root element');
  return root;
}

function elements(el: El): El[] {
  return el.children.filter((c): c is El => typeof c !== 'string');
}

/** Descendants named `name` (all descendants without one), in document order. */
function descendants(el: El, name?: string): El[] {
  return elements(el).flatMap((c) => [...(name === undefined || c.name === name ? [c] : []), ...descendants(c, name)]);
}

/** The text a reader sees, whitespace collapsed. */
function textOf(el: El): string {
  const raw = (e: El): string => e.children.map((c) => (typeof c === 'string' ? c : raw(c))).join('');
  return raw(el).replace(/\s+/g, ' ').trim();
}

function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else found.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

// --- HTML checks -----------------------------------------------------------
// The pages are meant to be HTML5 that is also well-formed XML. Parsing them
// strictly as XML proves they are well-formed; these rules add what an XML
// parser does not know and an HTML parser does: which elements are void,
// which content would make an HTML parser close an element early (a block
// inside <p>), and the conformance rules a validator checks on every page.

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const PHRASING = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'i', 'img', 'ins', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr']);
const FLOW = new Set([...PHRASING, 'address', 'article', 'aside', 'blockquote', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'ul']);
const HEAD = new Set(['meta', 'title', 'link']);
/** Elements whose content model is phrasing only; `a`, `ins` and `del` are transparent and take their parent's. */
const PHRASING_ONLY = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', ...[...PHRASING].filter((n) => !['a', 'ins', 'del'].includes(n))]);

/** Every problem an HTML parser or validator would report on this page; empty when none. */
function htmlProblems(text: string, root: El): string[] {
  const problems: string[] = [];
  if (!text.startsWith('<!DOCTYPE html>\n')) problems.push('does not start with <!DOCTYPE html>');
  // `<div/>` is an open tag to an HTML parser: only void elements may look closed.
  for (const m of text.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\/>/g)) if (!VOID.has(m[1]!.toLowerCase())) problems.push(`<${m[1]}/> is not a void element`);
  if (root.name !== 'html') problems.push(`root is <${root.name}>`);
  if (!root.attributes.lang) problems.push('<html> has no lang');
  const [head, body, ...rest] = elements(root);
  if (head?.name !== 'head' || body?.name !== 'body' || rest.length) problems.push('<html> must hold <head> then <body>');
  if (head) {
    const first = elements(head)[0];
    if (first?.name !== 'meta' || first.attributes.charset?.toLowerCase() !== 'utf-8') problems.push('<meta charset="utf-8"> must come first in <head>');
    const titles = elements(head).filter((c) => c.name === 'title');
    if (titles.length !== 1 || !textOf(titles[0]!)) problems.push('<head> needs exactly one non-empty <title>');
    if (!elements(head).some((c) => c.name === 'meta' && c.attributes.name === 'viewport')) problems.push('no viewport <meta>');
    for (const c of elements(head)) if (!HEAD.has(c.name)) problems.push(`<${c.name}> in <head>`);
  }
  const ids = new Set<string>();
  const walk = (el: El) => {
    for (const c of elements(el)) {
      if (!FLOW.has(c.name)) problems.push(`<${c.name}> is not an element these pages may use`);
      if (VOID.has(c.name) && c.children.length) problems.push(`void <${c.name}> has content`);
      if (PHRASING_ONLY.has(el.name) && !PHRASING.has(c.name)) problems.push(`<${c.name}> inside <${el.name}>, which takes phrasing content only`);
      if ((el.name === 'ul' || el.name === 'ol') && c.name !== 'li') problems.push(`<${c.name}> directly inside <${el.name}>`);
      if (c.name === 'a' && descendants(c, 'a').length) problems.push('<a> inside <a>');
      if (c.name === 'img' && c.attributes.alt === undefined) problems.push('<img> without alt');
      const id = c.attributes.id;
      if (id !== undefined) {
        if (ids.has(id)) problems.push(`duplicate id "${id}"`);
        ids.add(id);
      }
      walk(c);
    }
  };
  if (body) walk(body);
  if (body && descendants(body, 'main').length !== 1) problems.push('not exactly one <main>');
  const firstHeading = body && descendants(body).find((e) => /^h[1-6]$/.test(e.name));
  if (firstHeading?.name !== 'h1') problems.push('the first heading is not an <h1>');
  return problems;
}

// --- Link checking ---------------------------------------------------------

/** The file under out/ an internal link names, or undefined for an external link. */
function linkTarget(site: Site, page: string, href: string): string | undefined {
  const pageUrl = new URL(page, site.config.baseUrl);
  const url = new URL(href, pageUrl);
  if (!url.href.startsWith(site.config.baseUrl)) return undefined;
  const path = decodeURIComponent(url.pathname.slice(new URL(site.config.baseUrl).pathname.length));
  return path === '' || path.endsWith('/') ? path + 'index.html' : path;
}

/** Every internal href and src that does not resolve: `page -> href`. */
function brokenLinks(site: Site): string[] {
  const broken: string[] = [];
  for (const [page, { root }] of site.pages) {
    const ids = new Set([root, ...descendants(root)].map((e) => e.attributes.id).filter(Boolean));
    for (const el of descendants(root)) {
      for (const attr of ['href', 'src']) {
        const href = el.attributes[attr];
        if (href === undefined) continue;
        if (href.startsWith('#')) {
          if (!ids.has(href.slice(1))) broken.push(`${page} -> ${href} (no such id)`);
          continue;
        }
        if (/^mailto:/i.test(href)) continue;
        const target = linkTarget(site, page, href);
        if (target !== undefined && !(existsSync(join(site.out, target)) && statSync(join(site.out, target)).isFile())) broken.push(`${page} -> ${href}`);
      }
    }
  }
  return broken;
}

function byAttr(root: El, name: string, attr: string, value: string): El[] {
  return descendants(root, name).filter((e) => e.attributes[attr] === value);
}

function alternates(root: El): Record<string, string> {
  const head = elements(root).find((c) => c.name === 'head')!;
  return Object.fromEntries(elements(head).filter((c) => c.name === 'link' && c.attributes.rel === 'alternate').map((c) => [c.attributes.type!, c.attributes.href!]));
}

describe('HTML pages', () => {
  let site: Site;
  let itemsByTitle: Map<string, string>;
  beforeAll(async () => {
    site = await buildSite(SEEDS, { limit: 2 });
    // Item URLs from every JSON feed: the main feed holds only the newest `limit`.
    itemsByTitle = new Map<string, string>(
      site.files
        .filter((f) => f.endsWith('feed.json'))
        .flatMap((f) => JSON.parse(readFileSync(join(site.out, f), 'utf8')).items.map((i: { title: string; url: string }) => [i.title, i.url] as [string, string])),
    );
  });
  const pageOf = (title: string) => {
    const url = itemsByTitle.get(title);
    expect(url, `a feed has "${title}"`).toBeDefined();
    const path = decodeURIComponent(new URL(url!).pathname.slice(1));
    return { path, ...site.pages.get(path)! };
  };

  it('writes an item page per item, the home page, a page per topic and the stylesheet', async () => {
    expect(site.report.exitCode).toBe(0);
    const html = [...site.pages.keys()];
    expect(html).toContain('index.html');
    expect(html.filter((p) => p.startsWith('articles/'))).toHaveLength(3);
    for (const topic of ['categories/transport/', 'categories/ծովային/', 'categories/r-d-eu/', 'categories/notices/', 'sources/harbour-gazette/', 'sources/valley-courier/', 'shared-by/ani-petrosyan/']) {
      expect(html).toContain(topic + 'index.html');
    }
    expect(site.files).toContain('style.css');
  });

  it('parses every page strictly, and finds nothing an HTML parser or validator would object to', async () => {
    expect(site.pages.size).toBeGreaterThan(5);
    for (const [path, page] of site.pages) {
      expect(() => page.root, path).not.toThrow();
      expect(htmlProblems(page.text, page.root), path).toEqual([]);
    }
  });

  it('has no broken internal link on any page', async () => {
    expect(brokenLinks(site)).toEqual([]);
  });

  it('announces its own feeds on every page and links the subscriptions, the OPML included', async () => {
    for (const [path, { root }] of site.pages) {
      const topic = /^((?:categories|sources|shared-by)\/[^/]+\/)index\.html$/.exec(path)?.[1] ?? '';
      const links = alternates(root);
      expect(Object.keys(links).sort(), path).toEqual(['application/atom+xml', 'application/feed+json', 'application/rss+xml']);
      const targets = Object.values(links).map((href) => linkTarget(site, path, href));
      expect(targets.sort(), path).toEqual([topic + 'atom.xml', topic + 'feed.json', topic + 'feed.xml'].sort());
      const footer = descendants(root, 'footer').find((f) => f.attributes.class === 'site-footer')!;
      const hrefs = descendants(footer, 'a').map((a) => linkTarget(site, path, a.attributes.href!));
      expect(hrefs, path).toEqual(expect.arrayContaining([topic + 'feed.xml', topic + 'atom.xml', topic + 'feed.json', 'feeds.opml']));
      expect(byAttr(root, 'link', 'rel', 'stylesheet').map((l) => linkTarget(site, path, l.attributes.href!)), path).toEqual(['style.css']);
    }
    // What the autodiscovery links point at is the feed in that format.
    const home = site.pages.get('index.html')!.root;
    expect(readFileSync(join(site.out, linkTarget(site, 'index.html', alternates(home)['application/rss+xml']!)!), 'utf8')).toMatch(/<rss\b/);
    expect(readFileSync(join(site.out, linkTarget(site, 'index.html', alternates(home)['application/atom+xml']!)!), 'utf8')).toMatch(/<feed\b/);
  });

  it('shows the newest items on the home page, no more than the limit', async () => {
    const home = site.pages.get('index.html')!.root;
    const main = descendants(home, 'main')[0]!;
    const titles = descendants(main, 'article').map((a) => textOf(descendants(a, 'h2')[0]!));
    expect(titles).toEqual(['Market hall <reopens> & expands', 'Night Ferry Returns After a Winter in Dry Dock']);
  });

  it('gives an item page the full story with its credit line, date, byline and category links', async () => {
    const { path, root } = pageOf('Market hall <reopens> & expands');
    const article = descendants(root, 'article')[0]!;
    // The story's words are marked as Armenian; the page around them is in the site's language.
    expect(root.attributes.lang).toBe('en');
    const h1 = descendants(article, 'h1')[0]!;
    expect([textOf(h1), h1.attributes.lang]).toEqual(['Market hall <reopens> & expands', 'hy']);
    const dek = byAttr(article, 'p', 'class', 'dek')[0]!;
    expect([textOf(dek), dek.attributes.lang]).toEqual(['Forty new stalls and a roof garden', 'hy']);
    expect(byAttr(article, 'div', 'class', 'story')[0]?.attributes.lang).toBe('hy');
    expect(byAttr(article, 'div', 'class', 'credit')[0]?.attributes.lang).toBeUndefined();
    const credit = byAttr(article, 'div', 'class', 'credit')[0]!;
    expect(textOf(credit)).toBe('Originally published by Valley Courier. Shared by Ani Petrosyan.');
    expect(descendants(credit, 'a').map((a) => [textOf(a), a.attributes.href])).toEqual([['Valley Courier', 'https://courier.example/market']]);
    const time = descendants(article, 'time')[0]!;
    expect(time.attributes.datetime).toBe('2024-05-03T05:30:00Z');
    expect(textOf(time)).toBe('3 May 2024');
    expect(textOf(byAttr(article, 'p', 'class', 'meta')[0]!)).toContain('By Mariam "Mimi" Sargsyan');
    // The body is the sanitized body: the script is gone, the links stay.
    expect(descendants(article, 'script')).toEqual([]);
    expect(descendants(article, 'strong').map(textOf)).toEqual(['market hall']);
    const tags = byAttr(article, 'nav', 'class', 'tags')[0]!;
    const categoryLinks = descendants(tags, 'a').map((a) => [textOf(a), linkTarget(site, path, a.attributes.href!)]);
    expect(categoryLinks).toEqual([
      ['R&D <EU>', 'categories/r-d-eu/index.html'],
      ['Transport', 'categories/transport/index.html'],
    ]);
    // Each category link leads to the page of that category.
    for (const [name, target] of categoryLinks) expect(textOf(descendants(site.pages.get(target!)!.root, 'h1')[0]!)).toBe(name);
    expect(descendants(root, 'link').find((l) => l.attributes.rel === 'canonical')?.attributes.href).toBe(itemsByTitle.get('Market hall <reopens> & expands'));
  });

  it('credits a story from a plain-text seed and leaves out what the seed does not say', async () => {
    const ferry = pageOf('Night Ferry Returns After a Winter in Dry Dock').root;
    const credit = byAttr(ferry, 'div', 'class', 'credit')[0]!;
    expect(textOf(credit)).toBe('Originally published by Harbour Gazette. Shared by Ani Petrosyan.');
    expect(descendants(credit, 'a')[0]?.attributes.href).toBe('https://harbour-news.example/ferry-returns');
    expect(textOf(byAttr(ferry, 'p', 'class', 'meta')[0]!)).not.toContain('By ');

    const notice = pageOf('Library hours change for the summer').root;
    expect(byAttr(notice, 'div', 'class', 'credit')).toEqual([]);
    expect(byAttr(notice, 'p', 'class', 'dek')).toEqual([]);
  });

  it('lists a topic’s items on its page, headed by its name', async () => {
    const page = site.pages.get('shared-by/ani-petrosyan/index.html')!.root;
    expect(textOf(descendants(page, 'h1')[0]!)).toBe('Shared by Ani Petrosyan');
    const titles = descendants(descendants(page, 'main')[0]!, 'h2').map(textOf);
    expect(titles).toEqual(['Market hall <reopens> & expands', 'Night Ferry Returns After a Winter in Dry Dock']);
    const source = site.pages.get('sources/valley-courier/index.html')!.root;
    expect(descendants(descendants(source, 'main')[0]!, 'a').map((a) => a.attributes.href)).toContain('https://courier.example/');
  });

  it('rewrites nothing when nothing changed', async () => {
    const root = tempDir();
    const seedsDir = writeTree(join(root, 'seeds'), SEEDS);
    const run = () => publish({ seedsDir, outDir: join(root, 'out'), statePath: join(root, 'log.json'), config: testConfig(), now: NOW });
    const first = await run();
    expect(first.written).toContain('index.html');
    const second = await run();
    expect(second.written).toEqual([]);
  });
});

describe('the direction of the words', () => {
  /** The `<html>` start tag and the `<h1>` of the page of the story titled `title`. */
  const h1Of = (result: ReturnType<typeof build>, title: string) => {
    const page = result.outputs.find((o) => o.path.startsWith('articles/') && o.text.includes(`>${title}</h1>`))!.text;
    return { html: /<html[^>]*>/.exec(page)![0], h1: new RegExp(`<h1[^>]*>${title}</h1>`).exec(page)![0] };
  };

  it('knows the right-to-left languages and scripts', () => {
    const cases: [string, boolean][] = [['ar', true], ['he-IL', true], ['fa', true], ['az-Arab', true], ['ar-Latn', false], ['en', false], ['hy', false], ['EN-gb', false], ['ur-PK', true]];
    expect(cases.map(([tag]) => [tag, rightToLeft(tag)])).toEqual(cases);
  });

  it('lays out a story in its own direction: right to left on a left-to-right site, and the other way round', () => {
    const seeds = writeTree(tempDir(), {
      'ar.md': '---\ntitle: "عنوان القصة"\nlanguage: ar\nsource: Valley Courier\ndate: 2024-05-01\n---\nنص القصة.\n',
      'hy.md': '---\ntitle: Պատմություն\nlanguage: hy\nsource: Valley Courier\ndate: 2024-05-02\n---\nՏեքստ։\n',
      'en.md': '---\ntitle: A story in English\nlanguage: en\nsource: Valley Courier\ndate: 2024-05-03\n---\nSome words.\n',
    });
    const en = build({ seedsDir: seeds, config: testConfig({ language: 'en' }), now: NOW });
    expect(h1Of(en, 'عنوان القصة')).toEqual({ html: '<html lang="en">', h1: '<h1 lang="ar" dir="rtl">عنوان القصة</h1>' });
    expect(h1Of(en, 'Պատմություն').h1).toBe('<h1 lang="hy">Պատմություն</h1>');
    const home = en.outputs.find((o) => o.path === 'index.html')!.text;
    expect(home).toContain('<h2 lang="ar" dir="rtl">');
    const he = build({ seedsDir: seeds, config: testConfig({ language: 'he' }), now: NOW });
    expect(h1Of(he, 'A story in English')).toEqual({ html: '<html lang="he" dir="rtl">', h1: '<h1 lang="en" dir="ltr">A story in English</h1>' });
    expect(h1Of(he, 'عنوان القصة').h1).toBe('<h1 lang="ar">عنوان القصة</h1>');
  });

  it('lays out a story that names no language in the direction most letters of its title and dek run', () => {
    const seeds = writeTree(tempDir(), {
      'ar.txt': 'Date: 2024-05-01\n\nValley Courier: عنوان بلا لغة\n\nنص القصة بالعربية، دون لغة مذكورة!\n',
      'en.txt': 'Date: 2024-05-02\n\nValley Courier: A Story That Names No Language\n\nSome words.\n',
      'digits.txt': 'Date: 2024-05-03\n\nValley Courier: 2024\n\nSome words.\n',
    });
    const contentOf = (result: ReturnType<typeof build>, title: string) => {
      const json = JSON.parse(result.outputs.find((o) => o.path === 'feed.json')!.text) as { items: { title: string; content_html: string }[] };
      return json.items.find((i) => i.title === title)!.content_html;
    };
    const en = build({ seedsDir: seeds, config: testConfig({ language: 'en' }), now: NOW });
    expect(h1Of(en, 'عنوان بلا لغة').h1).toBe('<h1 dir="rtl">عنوان بلا لغة</h1>');
    expect(contentOf(en, 'عنوان بلا لغة')).toMatch(/^<div dir="rtl"><p>نص القصة بالعربية، دون لغة مذكورة!<\/p>\n<\/div><p>Originally published by/);
    expect(h1Of(en, 'A Story That Names No Language').h1).toBe('<h1>A Story That Names No Language</h1>');
    expect(contentOf(en, 'A Story That Names No Language')).toMatch(/^<p>Some words\.<\/p>/);
    expect(h1Of(en, '2024').h1).toBe('<h1>2024</h1>');
    const he = build({ seedsDir: seeds, config: testConfig({ language: 'he' }), now: NOW });
    expect(h1Of(he, 'A Story That Names No Language').h1).toBe('<h1 dir="ltr">A Story That Names No Language</h1>');
    // The feeds lay its words out as its page does.
    // On a Hebrew site the credit line is English, left to right, as said.
    expect(contentOf(he, 'A Story That Names No Language')).toMatch(/^<div dir="ltr"><p>Some words\.<\/p>\n<\/div><p dir="ltr" lang="en">Originally published by/);
    expect(contentOf(he, 'عنوان بلا لغة')).toMatch(/^<div dir="rtl" lang="he"><p>/);
    expect(h1Of(he, 'عنوان بلا لغة').h1).toBe('<h1>عنوان بلا لغة</h1>');
    expect(h1Of(he, '2024').h1).toBe('<h1>2024</h1>');
  });
});

describe('the real seed’s page', () => {
  it('carries the credit line of the seed format', async () => {
    const site = await buildSite(SAMPLE_SEEDS);
    const [path] = [...site.pages.keys()].filter((p) => p.startsWith('articles/'));
    const { text, root } = site.pages.get(path!)!;
    expect(htmlProblems(text, root)).toEqual([]);
    expect(textOf(byAttr(root, 'div', 'class', 'credit')[0]!)).toBe('Originally published by Asbarez. Shared by Emma Jilavian.');
    // The body's six paragraphs, as the seed format counts them.
    const body = elements(byAttr(root, 'div', 'class', 'story')[0]!);
    expect(body.every((e) => e.name === 'p')).toBe(true);
    expect(body).toHaveLength(6);
    expect(textOf(body[0]!)).toMatch(/^The Artsakh Foreign Ministry said on Thursday/);
    expect(textOf(body[5]!)).toMatch(/the Artsakh foreign ministry said\.$/);
    expect(brokenLinks(site)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('find what a browser would parse differently and links that lead nowhere', async () => {
    const bad = '<!DOCTYPE html>\n<html><head><title>t</title></head><body><main><h2>x</h2><p>a <div>b</div></p><span/><ul><p>c</p></ul></main></body></html>';
    const problems = htmlProblems(bad, parsePage(bad));
    expect(problems).toEqual(
      expect.arrayContaining([
        '<span/> is not a void element',
        '<html> has no lang',
        '<meta charset="utf-8"> must come first in <head>',
        '<div> inside <p>, which takes phrasing content only',
        '<p> directly inside <ul>',
        'the first heading is not an <h1>',
      ]),
    );
    const site = await buildSite(SAMPLE_SEEDS);
    const page = 'index.html';
    site.pages.set(page, { text: '', root: parsePage('<html><body><a href="articles/missing.html">x</a><a href="#nowhere">y</a><a href="https://elsewhere.example/">z</a></body></html>') });
    expect(brokenLinks(site)).toEqual(['index.html -> articles/missing.html', 'index.html -> #nowhere (no such id)']);
  });

  it('a Markdown seed with a raw <div> inside an unclosed paragraph gets the body a browser would build', async () => {
    const seeds = writeTree(tempDir(), {
      'nested.md': '---\ntitle: Nested markup\nsource: Asbarez\n---\n<p>Unclosed <b>bold and <i>italic\n<div>a block inside</div>\n',
    });
    const result = build({ seedsDir: seeds, config: testConfig(), now: NOW });
    const body = result.items[0]!.bodyHtml;
    // The <div> is no longer inside the <p>: the paragraph closes first, as the HTML5 parsing algorithm says.
    expect(body).toContain('</p><div>');
    expect(body).not.toMatch(/<p>[^]*<div>[^]*<\/p>/);
    const page = result.outputs.find((o) => o.path === result.items[0]!.path)!.text;
    expect(() => parseXml(page)).not.toThrow();
  });
});

describe('page helpers', () => {
  it.each([
    ['index.html', '', './'],
    ['index.html', 'feed.xml', 'feed.xml'],
    ['index.html', 'categories/2023/', 'categories/2023/'],
    ['articles/a.html', '', '../'],
    ['articles/a.html', 'articles/b.html', 'b.html'],
    ['articles/a.html', 'categories/2023/', '../categories/2023/'],
    ['categories/2023/index.html', 'categories/2023/feed.xml', 'feed.xml'],
    ['categories/2023/index.html', 'categories/2023/', './'],
    ['categories/2023/index.html', 'articles/a.html', '../../articles/a.html'],
    ['sources/x/index.html', 'categories/ծով/', '../../categories/%D5%AE%D5%B8%D5%BE/'],
  ])('from %s to %j is %j', (from, target, href) => {
    expect(linksFrom(from)(target)).toBe(href);
  });

  it('links one page to many targets as the plain path arithmetic does, whatever folder came before', () => {
    // The reference: split both paths, drop the shared folders, climb out of the rest of `from`'s.
    const reference = (from: string, target: string) => {
      const fromFolders = from.split('/').slice(0, -1);
      const parts = target.split('/');
      let shared = 0;
      while (shared < fromFolders.length && shared < parts.length - 1 && fromFolders[shared] === parts[shared]) shared++;
      const href = '../'.repeat(fromFolders.length - shared) + parts.slice(shared).map(encodeURIComponent).join('/');
      return href === '' ? './' : href;
    };
    const targets = ['articles/a.html', '', 'categories/2023/', 'articles/b c.html', 'categories/2023/feed.xml', 'feed.xml', 'categories/ծով/', 'articles/', 'categories/2024/atom.xml', 'sources/x/', 'a//b.html'];
    for (const from of ['index.html', 'articles/a.html', 'categories/2023/index.html', 'sources/x/index.html', 'categories/2023/', 'a/b/c/d.html']) {
      const link = linksFrom(from);
      for (const target of [...targets, ...[...targets].reverse()]) expect(link(target), `${from} -> ${target}`).toBe(reference(from, target));
    }
    expect(linksFrom('categories/2023/index.html')('articles/b c.html')).toBe('../../articles/b%20c.html');
  });

  it('writes dates the same way on every machine', async () => {
    const date = new Date('2024-05-03T05:30:00.000Z');
    expect(machineDate(date)).toBe('2024-05-03T05:30:00Z');
    expect(humanDate(date)).toBe('3 May 2024');
    expect(humanDate(new Date('2023-12-31T23:59:59Z'))).toBe('31 December 2023');
  });
});
