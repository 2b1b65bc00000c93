/**
 * The one layer that fills the gaps of the `feed` library (v6), so that each
 * renderer can still hand its document to `feed`. Each gap, where it is filled:
 *
 * 1. Escaping. `feed` serializes through xml-js, which escapes `&` in text only
 *    when it does not already look like an entity (so the title "AT&amp;T"
 *    reaches readers as "AT&T"), never escapes `<` or `&` in attribute values
 *    (a category "R&D <EU>" is not well-formed XML), and splits only the first
 *    `]]>` inside CDATA (a second one ends the section early). Fix: `armor()`
 *    every text handed to `feed` so it holds none of `& < > " ]` (nor tab, LF,
 *    CR, which attribute values would turn into spaces), and
 *    `unarmor()` the serialized XML, escaping for the place each character
 *    lands: entities outside CDATA, raw characters inside it with every `]]>`
 *    split. The markers are U+FFFF plus a letter; U+FFFF is not an XML
 *    character, and `prepareText`/normalize remove it from all input, so a
 *    marker can only come from `armor()`.
 * 2. Atom text constructs. `feed` writes entry titles and summaries as
 *    `type="html"` CDATA; seedfeed's titles and deks are plain text, so they
 *    become `type="text"` (`atomTextConstructs`).
 * 3. Atom entries have no `<source>` (RFC 4287 4.2.7 / 4.2.11) and no
 *    `link rel="via"` in `feed`: `appendToAtomEntries` adds them. Atom feeds
 *    take no extensions in `feed`, so the RFC 5005 history links and
 *    `fh:archive` go in with `appendToAtomHead`.
 * 4. JSON Feed: `feed` writes version 1.0 (`author`, no `authors`, no
 *    `language`): `upgradeJsonFeed` makes it 1.1, keeping `author` for older
 *    readers as the spec suggests.
 * 5. `feed` stamps the current time when a feed has no `updated`; the
 *    renderers always pass the date its items give (`newestUpdate`; no
 *    clock in the output).
 * 6. RSS: `feed` declares `xmlns:dc` only when some item has content, and
 *    writes item titles as CDATA, which readers that guess take for HTML:
 *    `declareDublinCore` and `rssPlainTitles`.
 * 7. Atom language. `feed` writes no `xml:lang` in Atom (its `language`
 *    option reaches only RSS), so readers took every entry for unmarked
 *    text: `atomLanguages` puts the site's language on `<feed>` and a
 *    story's own on its `<entry>` (XML 1.0 2.12; RFC 4287 2). RSS 2.0 has
 *    no item language at all; rss.ts writes a story's own as `dc:language`
 *    (an extension `feed` does take).
 */

const MARK = '\uFFFF';
// Tab, LF and CR are armored too: XML parsers turn them into spaces in
// attribute values (XML 1.0, 3.3.3), so outside CDATA they are written as
// character references, which survive.
const ARMOR: Record<string, string> = { '&': 'a', '<': 'l', '>': 'g', '"': 'q', ']': 'r', '\t': 't', '\n': 'n', '\r': 'c' };
// Character references rather than named entities: the RSS Best Practices
// Profile recommends &#x26; and &#x3C; so that plain text which looks like
// markup ("&amp;", "<b>") is not taken for HTML by readers that guess.
const ESCAPED: Record<string, string> = { a: '&#x26;', l: '&#x3C;', g: '&#x3E;', q: '&#x22;', r: ']', t: '&#9;', n: '&#10;', c: '&#13;' };
const RAW: Record<string, string> = { a: '&', l: '<', g: '>', q: '"', r: ']', t: '\t', n: '\n', c: '\r' };

export function armor(text: string): string {
  return text.replace(/[&<>"\]\t\n\r]/g, (c) => MARK + ARMOR[c]);
}

const CDATA = /<!\[CDATA\[([^\]]*)\]\]>/g;
const MARKED = /\uFFFF([algqrtnc])/g;

/** Serialized, armored XML to the final bytes' text. */
export function unarmor(xml: string): string {
  let out = '';
  let last = 0;
  for (const m of xml.matchAll(CDATA)) {
    out += xml.slice(last, m.index).replace(MARKED, (_, code: string) => ESCAPED[code]!);
    const raw = m[1]!.replace(MARKED, (_, code: string) => RAW[code]!);
    out += '<![CDATA[' + raw.split(']]>').join(']]]]><![CDATA[>') + ']]>';
    last = m.index + m[0].length;
  }
  out += xml.slice(last).replace(MARKED, (_, code: string) => ESCAPED[code]!);
  if (out.includes(MARK)) throw new Error('unarmor: a marker survived; some text was not armored');
  return out;
}

/** dc:creator and dc:contributor need the Dublin Core namespace whether or not an item has content. */
export function declareDublinCore(xml: string): string {
  const start = xml.indexOf('<rss');
  const rootTag = xml.slice(start, xml.indexOf('>', start));
  return rootTag.includes('xmlns:dc=') ? xml : xml.replace('<rss version="2.0"', '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"');
}

/** RSS item titles are plain text: `feed` puts them in CDATA, which readers that guess take for HTML. */
export function rssPlainTitles(armoredXml: string): string {
  return armoredXml.replace(/<title><!\[CDATA\[([^\]]*)\]\]><\/title>/g, '<title>$1</title>');
}

/** `<title type="html"><![CDATA[x]]></title>` (armored) becomes `<title type="text">x</title>`, likewise summary. */
export function atomTextConstructs(armoredXml: string): string {
  return armoredXml.replace(/<(title|summary) type="html"><!\[CDATA\[([^\]]*)\]\]><\/\1>/g, '<$1 type="text">$2</$1>');
}

/**
 * Appends armored XML to each `<entry>`, in order: `extras[i]` goes before the
 * i-th `</entry>`. In armored XML every `<` is markup, so `</entry>` can only
 * be the end of an entry.
 */
export function appendToAtomEntries(armoredXml: string, extras: readonly string[]): string {
  const parts = armoredXml.split('</entry>');
  if (parts.length - 1 !== extras.length) throw new Error(`appendToAtomEntries: ${parts.length - 1} entries, ${extras.length} extras`);
  let out = parts[0]!;
  for (let i = 0; i < extras.length; i++) {
    const extra = extras[i]!;
    out += (extra ? '    ' + extra + '\n    ' : '') + '</entry>' + parts[i + 1]!;
  }
  return out;
}

/** `xml:lang` on the root of an Atom feed `feed` serialized, and on each entry whose language `entryLanguages` gives (in document order). */
export function atomLanguages(xml: string, language: string, entryLanguages: readonly (string | undefined)[]): string {
  const root = '<feed xmlns="http://www.w3.org/2005/Atom">';
  if (!xml.includes(root)) throw new Error('atomLanguages: no Atom feed element');
  const parts = xml.replace(root, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${armor(language)}">`).split('<entry>');
  if (parts.length - 1 !== entryLanguages.length) throw new Error(`atomLanguages: ${parts.length - 1} entries, ${entryLanguages.length} languages`);
  let out = parts[0]!;
  for (let i = 0; i < entryLanguages.length; i++) {
    const own = entryLanguages[i];
    out += (own ? `<entry xml:lang="${armor(own)}">` : '<entry>') + parts[i + 1]!;
  }
  return out;
}

/** Inserts armored elements into the Atom feed's head, right after its `self` link. */
export function appendToAtomHead(armoredXml: string, elements: readonly string[]): string {
  if (!elements.length) return armoredXml;
  const self = /<link rel="self" href="[^"]*"\/>/.exec(armoredXml);
  if (!self) throw new Error('appendToAtomHead: the feed has no self link');
  const at = self.index + self[0].length;
  return armoredXml.slice(0, at) + elements.map((e) => '\n    ' + e).join('') + armoredXml.slice(at);
}

/** An element with armored text and attributes, for `appendToAtomEntries`. */
export function element(name: string, attributes: Record<string, string | undefined>, children: string | string[] = ''): string {
  const attrs = Object.entries(attributes)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${armor(v)}"`)
    .join('');
  const inner = Array.isArray(children) ? children.join('') : children;
  return inner ? `<${name}${attrs}>${inner}</${name}>` : `<${name}${attrs}/>`;
}

export function textElement(name: string, text: string, attributes: Record<string, string | undefined> = {}): string {
  return element(name, attributes, armor(text));
}

export interface JsonFeedAdditions {
  language?: string;
  authors?: { name: string; url?: string }[];
  items: { authors?: { name: string; url?: string }[]; language?: string }[];
}

/** JSON Feed 1.0 text from `feed.json1()` to a JSON Feed 1.1 object. */
export function upgradeJsonFeed(json1: string, additions: JsonFeedAdditions): Record<string, unknown> {
  const parsed = JSON.parse(json1) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const { version: _old, title, home_page_url, feed_url, description, author: _author, items, ...rest } = parsed;
  const upgraded: Record<string, unknown> = { version: 'https://jsonfeed.org/version/1.1', title };
  if (home_page_url !== undefined) upgraded.home_page_url = home_page_url;
  if (feed_url !== undefined) upgraded.feed_url = feed_url;
  if (description !== undefined) upgraded.description = description;
  if (additions.language) upgraded.language = additions.language;
  if (additions.authors?.length) {
    upgraded.authors = additions.authors;
    // JSON Feed 1.1: "author" is deprecated; feeds may keep it for readers of 1.0.
    upgraded.author = additions.authors[0];
  }
  Object.assign(upgraded, rest);
  upgraded.items = items.map((item, i) => {
    const add = additions.items[i];
    const { author, ...fields } = item;
    const out: Record<string, unknown> = { ...fields };
    if (add?.authors?.length) {
      out.authors = add.authors;
      // JSON Feed 1.1: "author" is deprecated but kept for readers of 1.0.
      out.author = add.authors[0];
    } else if (author !== undefined) out.author = author;
    if (add?.language) out.language = add.language;
    return out;
  });
  return upgraded;
}
