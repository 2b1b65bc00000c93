/**
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1 written as plain strings, for the feeds
 * whose items recur across many documents: the RFC 5005 archive pages and the
 * topic feeds (per category, source and sharer). An item appears in the main
 * feed, one archive page and several topic feeds; through the `feed` library
 * every appearance costs a full xml-js serialization plus the armor/unarmor
 * passes of feed-gaps.ts, which is most of a build's time. Here each item's
 * fragment is serialized once per format and reused by the feeds that
 * carry it (Items do not change once built), while it is among the last
 * FRAGMENTS_KEPT used.
 *
 * The `feed` library stays the renderer of the main feeds (rss.ts, atom.ts,
 * json.ts) and is the reference: for every FeedContext these functions give
 * its bytes, and test/direct.test.ts holds them to that (edge cases, a
 * property test, whole builds). A change to one renderer is a change to the
 * other.
 *
 * Where the reference's bytes come from, and so what is copied here:
 * - Text the renderers `armor()`: after `unarmor()`, character references
 *   for `& < > "` and tab, LF, CR outside CDATA, `]` as it is (`escapeText`);
 *   inside CDATA the raw text with every `]]>` split (`cdata`).
 * - Values handed to `feed` unarmored (URLs, ids, the language): `feed`
 *   serializes URLs with `new URL()` and writes `&` as `&amp;`; xml-js reads
 *   `&amp;` back as `&` and then escapes `& < >` in text and `"` in
 *   attribute values (`sanitizedUrl`, `xmlJsText`, `xmlJsAttribute`).
 * - Layout: xml-js with 4-space indentation; an element whose value is an
 *   empty string is written `<name/>` (`leaf`).
 * - Order: elements and attributes in the order `feed` builds its objects,
 *   then the gaps layer's additions: in Atom the history links right after
 *   the self link and the `via`/`source` extras at the end of each entry;
 *   in RSS `fh:archive` after the items.
 * Like the gaps layer, this relies on no text holding U+FFFF (normalize and
 * the config check reject it).
 */
import { BoundedCache } from '../bounded.js';
import type { Item, Person, SiteConfig } from '../model.js';
import { HISTORY_NAMESPACE, historyLinks, hubOf, ownLanguage, type FeedContext } from './context.js';
import { contentHtml } from './content.js';
import { GENERATOR } from './rss.js';
import { escapeHtml } from '../html.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const RSS_DOCS = 'https://validator.w3.org/feed/docs/rss2.html';
const DC_NAMESPACE = ' xmlns:dc="http://purl.org/dc/elements/1.1/"';
const CONTENT_NAMESPACE = ' xmlns:content="http://purl.org/rss/1.0/modules/content/"';
const ATOM_NAMESPACE = ' xmlns:atom="http://www.w3.org/2005/Atom"';

// xml-js indents with 4 spaces per level: depth 1 to 3.
const DEPTH1 = '\n    ';
const DEPTH2 = '\n        ';
const DEPTH3 = '\n            ';

const REFERENCES: Record<string, string> = { '&': '&#x26;', '<': '&#x3C;', '>': '&#x3E;', '"': '&#x22;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
const NEEDS_REFERENCE = /[&<>"\t\n\r]/g;

/** Armored text or attribute value as `unarmor()` leaves it outside CDATA. */
function escapeText(text: string): string {
  return text.replace(NEEDS_REFERENCE, (c) => REFERENCES[c]!);
}

/** Armored text as `unarmor()` leaves it inside CDATA: raw, every `]]>` split across two sections. */
function cdata(text: string): string {
  return '<![CDATA[' + text.replaceAll(']]>', ']]]]><![CDATA[>') + ']]>';
}

/** xml-js's text escaping, which `feed`'s unarmored values get: `&amp;` is taken for `&` first. */
function xmlJsText(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** xml-js's attribute escaping: only `"`. */
function xmlJsAttribute(value: string): string {
  return value.replace(/"/g, '&quot;');
}

/** `feed`'s sanitizeUrl: the WHATWG serialization with `&` as `&amp;`; throws on what is not a URL, as `feed` does. */
function sanitizedUrl(url: string): string {
  return new URL(url).toString().replace(/&/g, '&amp;');
}

/** A leaf element as xml-js writes a string value: an empty one is self-closed. */
function leaf(name: string, escaped: string): string {
  return escaped ? `<${name}>${escaped}</${name}>` : `<${name}/>`;
}

// ---- RSS 2.0 (rss.ts) ----

/**
 * Serialized items kept per format, the ones used last: an item recurs in
 * the topic feeds it belongs to, but a 100,000-item build must not keep every
 * item serialized three times. With its body an item is ~15 KB per format in
 * memory: 4,000 kept took ~190 MB of a 10k full build's peak, and keeping
 * 1,000 cost it ~0.5 s of CPU (bench/RESULTS.md, "What changes it").
 */
export const FRAGMENTS_KEPT = 1000;

/**
 * Lets go of the serialized items kept, once a run has rendered its outputs:
 * a process that lives on (`seedfeed serve`) would otherwise keep the last
 * build's items, and through them the bodies that build kept, until another
 * build pushed them out. Items of a build still rendering are serialized
 * again, to the same bytes.
 */
export function forgetFragments(): void {
  for (const memo of fragmentMemos()) memo.clear();
}

/** How many serialized items are kept, in all formats. */
export function fragmentsKept(): number {
  return fragmentMemos().reduce((kept, memo) => kept + memo.size, 0);
}

/** The memos of serialized items, one per format (defined below, each beside its renderer). */
function fragmentMemos(): BoundedCache<Item, unknown>[] {
  return [rssFragments, atomFragments, jsonFragments];
}

/** Each item's XML up to its closing tag: what follows depends on the feed (`rssItemIn`). */
const rssFragments = new BoundedCache<Item, string>(FRAGMENTS_KEPT);
/** An item's `content:encoded`, where it starts: in an item's text only there (its text is escaped or in CDATA, on one line). */
const RSS_CONTENT = `${DEPTH3}<content:encoded>`;

export function renderRssDirect(ctx: FeedContext): string {
  return rssDocument(ctx, ctx.items.map((item) => rssItemIn(ctx.site, item)));
}

/** An RSS document of `ctx` showing `items`, each as `rssItem` serializes it. */
function rssDocument(ctx: FeedContext, items: readonly string[]): string {
  const hasContent = items.some((xml) => xml.includes(RSS_CONTENT));
  const selfLinked = Boolean(ctx.links.rss);
  // `feed` serializes its own self link before the atom:link extension replaces it, and so throws on one that is not a URL.
  if (selfLinked) sanitizedUrl(ctx.links.rss);
  const hub = hubOf(ctx);
  const atomLinks = [
    { href: ctx.links.rss, rel: 'self', type: 'application/rss+xml' },
    ...(hub ? [{ href: hub, rel: 'hub' }] : []),
    ...historyLinks(ctx.history, 'rss').map((l) => ({ ...l, type: 'application/rss+xml' })),
  ]
    .map((attributes) => `${DEPTH2}<atom:link${Object.entries(attributes).map(([k, v]) => ` ${k}="${escapeText(v)}"`).join('')}/>`)
    .join('');
  let channel =
    `${DEPTH2}<title>${escapeText(ctx.title)}</title>` +
    `${DEPTH2}<link>${xmlJsText(sanitizedUrl(ctx.homeUrl))}</link>` +
    `${DEPTH2}<description>${escapeText(escapeHtml(ctx.description))}</description>` +
    `${DEPTH2}<lastBuildDate>${ctx.updated.toUTCString()}</lastBuildDate>` +
    `${DEPTH2}<docs>${RSS_DOCS}</docs>` +
    `${DEPTH2}<generator>${xmlJsText(GENERATOR)}</generator>`;
  if (ctx.site.language) channel += `${DEPTH2}<language>${xmlJsText(ctx.site.language)}</language>`;
  // `feed` places atom:link where its own self link goes, before the items;
  // without a self link the extension is a new key, after them.
  if (selfLinked) channel += atomLinks;
  for (const xml of items) channel += xml;
  if (!selfLinked) channel += atomLinks;
  if (ctx.history?.archive) channel += `${DEPTH2}<fh:archive xmlns:fh="${escapeText(HISTORY_NAMESPACE)}"/>`;
  // `feed` declares xmlns:dc with the content namespace; rss.ts adds it otherwise. Either way it is there.
  const root = '<rss version="2.0"' + DC_NAMESPACE + (hasContent ? CONTENT_NAMESPACE : '') + (selfLinked ? ATOM_NAMESPACE : '') + '>';
  return `${XML_DECLARATION}\n${root}${DEPTH1}<channel>${channel}${DEPTH1}</channel>\n</rss>\n`;
}

/** An item as it stands in a feed of `site`: the `dc:language` of a story in another language depends on the site. */
function rssItemIn(site: SiteConfig, item: Item): string {
  const language = ownLanguage(item, site);
  return rssItem(item) + (language ? `${DEPTH3}<dc:language>${escapeText(language)}</dc:language>` : '') + `${DEPTH2}</item>`;
}

function rssItem(item: Item): string {
  const cached = rssFragments.get(item);
  if (cached !== undefined) return cached;
  const content = contentHtml(item);
  const description = item.summary ? escapeHtml(item.summary) : content;
  const link = item.link ? xmlJsText(sanitizedUrl(item.link)) : undefined;
  let xml = `${DEPTH2}<item>`;
  if (item.title) xml += `${DEPTH3}<title>${escapeText(item.title)}</title>`;
  if (link !== undefined) xml += `${DEPTH3}<link>${link}</link>`;
  if (item.id) xml += `${DEPTH3}<guid isPermaLink="false">${escapeText(item.id)}</guid>`;
  else if (link !== undefined) xml += `${DEPTH3}<guid isPermaLink="true">${link}</guid>`;
  xml += `${DEPTH3}<pubDate>${item.published.toUTCString()}</pubDate>`;
  if (description) xml += `${DEPTH3}<description>${cdata(description)}</description>`;
  if (content) xml += `${RSS_CONTENT}${cdata(content)}</content:encoded>`;
  for (const name of item.categories) xml += `${DEPTH3}<category>${escapeText(name)}</category>`;
  for (const author of item.authors) xml += `${DEPTH3}<dc:creator>${escapeText(author.name)}</dc:creator>`;
  if (item.sharedBy) xml += `${DEPTH3}<dc:contributor>${escapeText(item.sharedBy.name)}</dc:contributor>`;
  if (item.source?.feedUrl) xml += `${DEPTH3}<source url="${escapeText(item.source.feedUrl)}">${escapeText(item.source.name)}</source>`;
  rssFragments.set(item, xml);
  return xml;
}

// ---- Atom 1.0 (atom.ts) ----

const atomFragments = new BoundedCache<Item, string>(FRAGMENTS_KEPT);

export function renderAtomDirect(ctx: FeedContext): string {
  return atomDocument(ctx, ctx.items.map((item) => atomEntryIn(ctx.site, item)));
}

/** An Atom document of `ctx` showing `entries`, each as `atomEntry` serializes it. */
function atomDocument(ctx: FeedContext, entries: readonly string[]): string {
  const publisher = ctx.site.publisher;
  let xml = `${XML_DECLARATION}\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeText(ctx.site.language)}">`;
  xml += DEPTH1 + leaf('id', xmlJsText(ctx.id));
  xml += DEPTH1 + leaf('title', escapeText(ctx.title));
  xml += `${DEPTH1}<updated>${ctx.updated.toISOString()}</updated>`;
  xml += `${DEPTH1}<generator>${xmlJsText(GENERATOR)}</generator>`;
  xml += `${DEPTH1}<author>${atomPerson(publisher, DEPTH2)}${DEPTH1}</author>`;
  if (ctx.homeUrl) xml += `${DEPTH1}<link rel="alternate" href="${xmlJsAttribute(sanitizedUrl(ctx.homeUrl))}"/>`;
  const history = historyLinks(ctx.history, 'atom').map((l) => `${DEPTH1}<link rel="${escapeText(l.rel)}" type="application/atom+xml" href="${escapeText(l.href)}"/>`);
  if (ctx.history?.archive) history.push(`${DEPTH1}<fh:archive xmlns:fh="${escapeText(HISTORY_NAMESPACE)}"/>`);
  // appendToAtomHead puts the history right after the self link, so before the hub link, and fails without one.
  if (ctx.links.atom) xml += `${DEPTH1}<link rel="self" href="${xmlJsAttribute(sanitizedUrl(ctx.links.atom))}"/>` + history.join('');
  else if (history.length) throw new Error('renderAtomDirect: history links need the feed\'s self link to follow');
  const hub = hubOf(ctx);
  if (hub) xml += `${DEPTH1}<link rel="hub" href="${xmlJsAttribute(sanitizedUrl(hub))}"/>`;
  if (ctx.description) xml += `${DEPTH1}<subtitle>${escapeText(ctx.description)}</subtitle>`;
  for (const entry of entries) xml += entry;
  return xml + '\n</feed>\n';
}

/** The children of an Atom person construct, as `feed` writes them: name, email, uri. */
function atomPerson(person: Person, indent: string): string {
  let xml = indent + leaf('name', escapeText(person.name));
  if (person.email) xml += `${indent}<email>${escapeText(person.email)}</email>`;
  if (person.url) xml += `${indent}<uri>${xmlJsText(sanitizedUrl(person.url))}</uri>`;
  return xml;
}

/** An entry as it stands in a feed of `site`: the `xml:lang` of a story in another language depends on the site. */
function atomEntryIn(site: SiteConfig, item: Item): string {
  const language = ownLanguage(item, site);
  return (language ? `${DEPTH1}<entry xml:lang="${escapeText(language)}">` : `${DEPTH1}<entry>`) + atomEntry(item);
}

/** An entry's children and closing tag. */
function atomEntry(item: Item): string {
  const cached = atomFragments.get(item);
  if (cached !== undefined) return cached;
  const content = contentHtml(item);
  let xml = `${DEPTH2}<title type="text">${escapeText(item.title)}</title>`;
  xml += `${DEPTH2}<id>${xmlJsText(sanitizedUrl(item.id))}</id>`;
  xml += `${DEPTH2}<link href="${xmlJsAttribute(sanitizedUrl(item.link))}"/>`;
  xml += `${DEPTH2}<updated>${item.updated.toISOString()}</updated>`;
  if (item.summary) xml += `${DEPTH2}<summary type="text">${escapeText(item.summary)}</summary>`;
  if (content) xml += `${DEPTH2}<content type="html">${cdata(content)}</content>`;
  // atom.ts gives `feed` a byline's name and page, never its email.
  for (const author of item.authors) xml += `${DEPTH2}<author>${atomPerson({ name: author.name, ...(author.url ? { url: author.url } : {}) }, DEPTH3)}${DEPTH2}</author>`;
  for (const name of item.categories) xml += `${DEPTH2}<category term="${escapeText(name)}"/>`;
  if (item.sharedBy) xml += `${DEPTH2}<contributor>${DEPTH3}${leaf('name', escapeText(item.sharedBy.name))}${DEPTH2}</contributor>`;
  xml += `${DEPTH2}<published>${item.published.toISOString()}</published>`;
  const extras = atomEntryExtras(item);
  if (extras) xml += DEPTH2 + extras;
  xml += `${DEPTH1}</entry>`;
  atomFragments.set(item, xml);
  return xml;
}

/** atom.ts's `atomEntryExtras`: the original as `link rel="via"`, and `<source>` with its children on one line. */
function atomEntryExtras(item: Item): string {
  const extras: string[] = [];
  if (item.originalLink) extras.push(`<link rel="via" type="text/html" href="${escapeText(item.originalLink)}"/>`);
  if (item.source) {
    const sourceId = item.source.feedUrl ?? item.source.url;
    let source = '<source>';
    if (sourceId) source += `<id>${escapeText(sourceId)}</id>`;
    source += item.source.name ? `<title type="text">${escapeText(item.source.name)}</title>` : '<title type="text"/>';
    source += `<updated>${item.published.toISOString()}</updated>`;
    if (item.source.url) source += `<link rel="alternate" type="text/html" href="${escapeText(item.source.url)}"/>`;
    if (item.source.feedUrl) source += `<link rel="self" href="${escapeText(item.source.feedUrl)}"/>`;
    extras.push(source + '</source>');
  }
  return extras.join(DEPTH2);
}

// ---- JSON Feed 1.1 (json.ts) ----

/** Each item's JSON, indented for its place in `items`, without its closing brace: the `language` key depends on the feed. */
const jsonFragments = new BoundedCache<Item, string>(FRAGMENTS_KEPT);
const ITEM_INDENT = '    ';
const ITEM_CLOSE = `\n${ITEM_INDENT}}`;
const JSON_ITEMS = '\n  "items": ';

export function renderJsonDirect(ctx: FeedContext): string {
  return jsonDocument(ctx, ctx.items.map((item) => jsonItemIn(ctx, item)));
}

/** An item as it stands in the `items` of a feed of `ctx`: the `language` key depends on the feed. */
function jsonItemIn(ctx: FeedContext, item: Item): string {
  const own = ownLanguage(item, ctx.site);
  const language = own ? `,\n${ITEM_INDENT}  "language": ${JSON.stringify(own)}` : '';
  return jsonItem(item) + language + ITEM_CLOSE;
}

/** A JSON Feed document of `ctx` showing `items`, each as `jsonItemIn` serializes it. */
function jsonDocument(ctx: FeedContext, items: readonly string[]): string {
  const publisher = ctx.site.publisher;
  const author = { name: publisher.name, ...(publisher.url ? { url: publisher.url } : {}) };
  const head: Record<string, unknown> = { version: 'https://jsonfeed.org/version/1.1', title: ctx.title };
  if (ctx.homeUrl) head.home_page_url = ctx.homeUrl;
  if (ctx.links.json) head.feed_url = ctx.links.json;
  if (ctx.description) head.description = ctx.description;
  if (ctx.site.language) head.language = ctx.site.language;
  head.authors = [author];
  head.author = author;
  const older = ctx.history?.prevArchive?.json;
  if (older) head.next_url = older;
  const hub = hubOf(ctx);
  if (hub) head.hubs = [{ type: 'WebSub', url: hub }];
  // The head without its closing "\n}", then the items as JSON.stringify(…, null, 2) would place them.
  const open = JSON.stringify(head, null, 2).slice(0, -2);
  return `${open},${JSON_ITEMS}${items.length ? `[\n${items.join(',\n')}\n  ]` : '[]'}\n}\n`;
}

function jsonItem(item: Item): string {
  const cached = jsonFragments.get(item);
  if (cached !== undefined) return cached;
  const content = contentHtml(item);
  // Key order: `feed`'s JSON Feed 1.0 item, then what upgradeJsonFeed adds.
  const fields: Record<string, unknown> = { id: item.id, content_html: content };
  if (item.link) fields.url = item.link;
  if (item.title) fields.title = item.title;
  if (item.summary && content) fields.summary = item.summary;
  fields.date_modified = item.updated.toISOString();
  fields.date_published = item.published.toISOString();
  // `feed` leaves out empty tags.
  fields.tags = item.categories.filter((name) => name);
  if (item.originalLink) fields.external_url = item.originalLink;
  if (item.source) {
    const source: Record<string, unknown> = { name: item.source.name };
    if (item.source.url) source.home_page_url = item.source.url;
    if (item.source.feedUrl) source.feed_url = item.source.feedUrl;
    fields._source = source;
  }
  if (item.sharedBy) fields._shared_by = { name: item.sharedBy.name };
  if (item.authors.length) {
    const authors = item.authors.map((a) => ({ name: a.name, ...(a.url ? { url: a.url } : {}) }));
    fields.authors = authors;
    fields.author = authors[0];
  }
  // JSON.stringify puts no raw newline inside a string, so every newline is layout.
  const json = ITEM_INDENT + JSON.stringify(fields, null, 2).replaceAll('\n', '\n' + ITEM_INDENT);
  const fragment = json.slice(0, -ITEM_CLOSE.length);
  jsonFragments.set(item, fragment);
  return fragment;
}

// ---- Documents from the items of a document ----

/**
 * A format's document as pieces: its items as serialized, found again in a
 * document this module wrote, and a document made of such pieces. A patch
 * run (patch.ts) renders a feed whose items it did not change from their
 * texts in the feed's file as the last run left it, instead of from the
 * seeds: an item's text depends only on the item (and the config, which
 * keys the patch), so it is what rendering it again would give.
 */
export interface FeedPieces {
  /** `item` as it stands in a document of `ctx`. */
  item(ctx: FeedContext, item: Item): string;
  /** The document of `ctx` showing `items`, each as `item` gives it: the bytes of the renderer of this format. */
  document(ctx: FeedContext, items: readonly string[]): string;
  /** Each item of `text` (a document of this format written by this module), by its id as written; undefined when `text` is not laid out so, or two items have one id. */
  items(text: string): Map<string, string> | undefined;
  /** An item's id as written in its text. */
  key(id: string): string;
}

/**
 * The texts from `open` (after its first `skip` characters) to `close`, by
 * the text after `idOpen` up to `idClose` in each: an item's id as written.
 * An item's text holds no newline but its layout's (its text is escaped, or
 * HTML in CDATA, where a tag such as `</item>` cannot be: the body is
 * sanitized), so `open` and `close`, a newline and an indent, are found only
 * where an item starts and ends. Undefined when two items have one id.
 */
function itemsBetween(text: string, from: number, open: string, skip: number, close: string, idOpen: string, idClose: string): Map<string, string> | undefined {
  const items = new Map<string, string>();
  if (from < 0) return undefined;
  for (let at = text.indexOf(open, from); at >= 0; at = text.indexOf(open, at)) {
    const end = text.indexOf(close, at);
    const idAt = text.indexOf(idOpen, at);
    if (end < 0 || idAt < 0 || idAt > end) return undefined;
    const id = text.slice(idAt + idOpen.length, text.indexOf(idClose, idAt + idOpen.length));
    if (items.has(id)) return undefined;
    items.set(id, text.slice(at + skip, end + close.length));
    at = end + close.length;
  }
  return items;
}

export const FEED_PIECES: Record<'rss' | 'atom' | 'json', FeedPieces> = {
  rss: {
    item: (ctx, item) => rssItemIn(ctx.site, item),
    document: rssDocument,
    items: (text) => itemsBetween(text, 0, `${DEPTH2}<item>`, 0, `${DEPTH2}</item>`, `${DEPTH3}<guid isPermaLink="false">`, '</guid>'),
    key: escapeText,
  },
  atom: {
    item: (ctx, item) => atomEntryIn(ctx.site, item),
    document: atomDocument,
    // `<entry>`, or `<entry xml:lang="…">` for a story in another language.
    items: (text) => itemsBetween(text, 0, `${DEPTH1}<entry`, 0, `${DEPTH1}</entry>`, `${DEPTH2}<id>`, '</id>'),
    key: (id) => xmlJsText(sanitizedUrl(id)),
  },
  json: {
    item: jsonItemIn,
    document: jsonDocument,
    // After the head, whose `authors` are laid out as items are.
    items: (text) => itemsBetween(text, text.lastIndexOf(JSON_ITEMS), `\n${ITEM_INDENT}{\n`, 1, ITEM_CLOSE, `${ITEM_INDENT}  "id": `, ',\n'),
    key: (id) => JSON.stringify(id),
  },
};
