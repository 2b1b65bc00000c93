import type { Item, Person, SiteConfig, Source } from './model.js';
import type { ParsedSeed, SeedHead } from './parse/index.js';
import type { Field } from './parse/fields.js';
import type { Identity } from './identity.js';
import { error, warning, type Diagnostic } from './diagnostics.js';
import { findSource } from './config.js';
import { FIRST_YEAR, implausibleDate, parseSeedDate } from './dates.js';
import { absoluteHttpUrl, checkedId, tagDateExists } from './urls.js';
import { hasXmlForbidden, mailboxName, stripXmlForbidden } from './text.js';
import { sanitizeBody, unclosedTags } from './sanitize.js';
import { escapeHtml } from './html.js';
import type { TextCache } from './bounded.js';
import type { SeedFile } from './discover.js';
import type { BodyJob } from './parse-pool.js';
import { topicKey } from './topics.js';
import { isLanguageTag, mostlyRightToLeft, rightToLeft } from './language.js';

export const MAX_TITLE_LENGTH = 300;
export const LONG_TITLE = 150;
/**
 * Categories kept of one seed. Each is a topic feed that carries the story
 * with all its categories, so the output grows with their square: one seed
 * naming 5,000 made 20,000 files and 2.2 GB.
 */
export const MAX_CATEGORIES = 50;

/** What can be known of a seed before it has an identity: its checked metadata. */
export interface SeedMeta {
  title: string;
  date?: Date;
  explicitId?: string;
  explicitIdLine?: number;
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** A character that shows: neither a space nor a format character (Unicode Cf, such as U+200B). */
const VISIBLE = /[^\s\p{Cf}]/u;

/** Checks the fields identity depends on: title, date and id. */
export function seedMeta(seed: SeedHead, now: Date): SeedMeta {
  const diagnostics: Diagnostic[] = [];
  const meta: SeedMeta = { title: '', diagnostics, ok: seed.ok };
  const title = cleanField(seed.fields.title, seed.file, 'title', diagnostics);
  // Spaces and format characters alone (a zero-width space, a joiner) show as a blank title.
  if (!title || !VISIBLE.test(title)) {
    // A seed already rejected (unreadable front matter, a title of the wrong type) has its cause reported.
    if (seed.ok) diagnostics.push(error('no-title', seed.file, seed.fields.title?.line ?? 1, seed.layout === 'md' ? 'no title: add "title: ..." to the front matter' : 'no headline: the first paragraph after the header block is the headline ("Source: Title")'));
    meta.ok = false;
  } else if (Array.from(title).length > MAX_TITLE_LENGTH) {
    diagnostics.push(error('title-too-long', seed.file, seed.fields.title!.line, `the title is ${Array.from(title).length} characters; the limit is ${MAX_TITLE_LENGTH}. Is the headline missing its blank line?`));
    meta.ok = false;
  } else if (Array.from(title).length > LONG_TITLE) {
    diagnostics.push(warning('title-long', seed.file, seed.fields.title!.line, `the title is ${Array.from(title).length} characters; readers cut titles longer than about ${LONG_TITLE}`));
  }
  meta.title = title ?? '';

  const dateField = seed.fields.date;
  if (dateField) {
    const parsed = parseSeedDate(dateField.value);
    if ('error' in parsed) {
      diagnostics.push(error(parsed.error.rule, seed.file, dateField.line, parsed.error.message));
      meta.ok = false;
    } else if (parsed.date.getUTCFullYear() < FIRST_YEAR) {
      diagnostics.push(error('date-invalid', seed.file, dateField.line, `date ${parsed.date.toISOString().slice(0, 10)} is before the year ${FIRST_YEAR}; write the year in full (RSS readers would take it for another date)`));
      meta.ok = false;
    } else {
      meta.date = parsed.date;
      if (parsed.warning) diagnostics.push(warning(parsed.warning.rule, seed.file, dateField.line, parsed.warning.message));
      const odd = implausibleDate(parsed.date, now);
      if (odd) diagnostics.push(warning('date-implausible', seed.file, dateField.line, odd));
    }
  }

  const idField = seed.fields.id;
  if (idField) {
    const id = checkedId(idField.value);
    if (!id) {
      diagnostics.push(error('id-invalid', seed.file, idField.line, `id "${idField.value}" must be a tag: URI (tag:example.org,2023-03-02:my-story), a urn:uuid: URN or an absolute http(s) URL`));
      meta.ok = false;
    } else {
      meta.explicitId = id;
      meta.explicitIdLine = idField.line;
      if (!tagDateExists(id)) diagnostics.push(warning('id-invalid', seed.file, idField.line, `id "${id}" names a day the calendar does not have (RFC 4151 wants a real date, YYYY, YYYY-MM or YYYY-MM-DD); it is used as it is, since a published id never changes. Give new seeds' ids a real date`));
    }
  }
  return meta;
}

/**
 * A parsed seed with its identity to an `Item`: the source resolved against
 * the configured publications, the byline (or the publication) as author,
 * dates fixed by the publish log, the body sanitized with links resolved
 * against the item's own page.
 */
export function normalizeSeed(
  seed: SeedHead & { body?: ParsedSeed['body'] },
  meta: SeedMeta,
  identity: Identity,
  config: SiteConfig,
  relativeFile = seed.file,
  lazy?: LazyBody,
): { item: Item; diagnostics: Diagnostic[]; bodyDiagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { file, fields } = seed;
  const text = <T extends string>(field: Field<T> | undefined, name: string) => cleanField(field, file, name, diagnostics);

  const path = `articles/${identity.slug}.html`;
  const link = config.baseUrl + `articles/${encodeURIComponent(identity.slug)}.html`;

  let originalLink: string | undefined;
  if (fields.link) {
    originalLink = absoluteHttpUrl(fields.link.value);
    if (!originalLink) diagnostics.push(warning('link-invalid', file, fields.link.line, `link "${fields.link.value}" is not an absolute http(s) URL; it is left out`));
  }

  const source = resolveSource(seed, config, diagnostics);
  const author = personName(text(fields.author, 'author'), file, fields.author?.line, 'author', diagnostics);
  const authors: Person[] = author ? [{ name: author }] : source ? [{ name: source.name, ...(source.url ? { url: source.url } : {}) }] : [];
  const sharer = personName(text(fields.sharedBy, 'shared_by'), file, fields.sharedBy?.line, 'sharer', diagnostics);

  const categories: string[] = [];
  // A category named twice (in another case, or composed otherwise) is one topic (`topicKey`): listed once, as first written.
  const named = new Set<string>();
  for (const raw of fields.categories?.value ?? []) {
    const name = cleanField({ value: raw, line: fields.categories!.line }, file, 'categories', diagnostics);
    const key = name && topicKey('category', name);
    if (key && !named.has(key)) {
      named.add(key);
      categories.push(name);
    }
  }
  if (categories.length > MAX_CATEGORIES) {
    diagnostics.push(warning('too-many-categories', file, fields.categories!.line, `the seed names ${categories.length} categories; the first ${MAX_CATEGORIES} are kept`));
    categories.length = MAX_CATEGORIES;
  }

  let language = config.language;
  if (fields.language) {
    const lang = fields.language.value.trim();
    if (isLanguageTag(lang)) language = lang;
    else diagnostics.push(warning('language-invalid', file, fields.language.line, `language "${lang}" is not a language tag such as "en" or "hy-AM" (an ISO 639 code, then any subtags); using ${config.language}`));
  }

  const published = meta.date ?? identity.firstPublished;
  const updated = identity.edited && identity.edited > published ? identity.edited : published;

  const fieldsOfItem = { id: identity.id, file: relativeFile, title: meta.title, categories, authors, published, updated, seen: identity.firstPublished, link, path, language };
  const bodyDiagnostics: Diagnostic[] = [];
  const html = seed.body ? bodyHtmlOf(seed.body, linksBase({ link, originalLink }), file, bodyDiagnostics) : undefined;
  let item: Item;
  if (lazy) {
    // The body is kept in the build's bounded memo and read from the seed again when it was dropped.
    item = new LazyBodyItem(fieldsOfItem, lazy, file) as unknown as Item;
    if (html !== undefined) lazy.bodies.memo.set(item, html);
  } else if (html !== undefined) item = { ...fieldsOfItem, bodyHtml: html };
  else throw new Error(`${file}: a seed without its body and no way to read it`);
  const summary = text(fields.summary, 'summary');
  if (summary) item.summary = summary;
  if (source) item.source = source;
  if (sharer) item.sharedBy = { name: sharer };
  if (originalLink) item.originalLink = originalLink;
  const direction = language === config.language ? directionAgainst(config.language, `${meta.title} ${summary ?? ''}`) : undefined;
  if (direction) item.direction = direction;
  return { item, diagnostics: [...diagnostics, ...bodyDiagnostics], bodyDiagnostics };
}

/**
 * An item whose `bodyHtml` is taken from the memo, or read again from the
 * seed when the memo no longer holds it. The getter is on the prototype: one
 * defined on each item is a new function each time, which V8 can only keep
 * in a slow dictionary of properties (~830 bytes an item at 100,000 seeds).
 */
class LazyBodyItem {
  /** The build's, shared by its items; the item's own seed and hash are held here, not in a wrapper each. */
  readonly #bodies: BodySource;
  readonly #seed: SeedFile;
  readonly #hash: string;
  /** The seed as shown in messages. */
  readonly #file: string;

  constructor(fields: Omit<Item, 'bodyHtml'>, lazy: LazyBody, file: string) {
    Object.assign(this, fields);
    this.#bodies = lazy.bodies;
    this.#seed = lazy.seed;
    this.#hash = lazy.hash;
    this.#file = file;
  }

  get bodyHtml(): string {
    const item = this as unknown as Item;
    const memo = this.#bodies.memo;
    let kept = memo.get(item);
    if (kept === undefined) memo.set(item, (kept = bodyHtml(this.#bodies.reread(this.#seed, this.#hash), linksBase(item), this.#file)));
    return kept;
  }

  /** How to read the body again: the seed, the hash of its bytes when listed, and what its links resolve against. */
  get job(): BodyJob {
    return { file: this.#seed, hash: this.#hash, link: linksBase(this as unknown as Item) };
  }
}

/** Whether the build made `item` to read its body again when its memo lets it go (every item of a build is). */
export function readsBodyAgain(item: Item): item is Item & LazyBodyItem {
  return item instanceof LazyBodyItem;
}

/** How to read an item's body again, when the build made it to be read again. */
export function bodyJobOf(item: Item): BodyJob | undefined {
  return readsBodyAgain(item) ? item.job : undefined;
}

/**
 * Where a build's items get their bodies when it does not hold every body:
 * `memo` keeps the bodies used last, `reread` reads and parses a seed again
 * (and throws, naming the seed, when it is gone or changed). One for the
 * whole build.
 */
export interface BodySource {
  memo: TextCache<Item>;
  reread: (seed: SeedFile, hash: string) => ParsedSeed['body'];
}

/** An item's own part: its seed as listed and the hash of the seed's bytes then. */
export interface LazyBody {
  bodies: BodySource;
  seed: SeedFile;
  hash: string;
}

/** The warnings a body gives when normalized (they do not depend on the page its links resolve against). */
export function bodyDiagnostics(body: ParsedSeed['body'], file: string, baseUrl: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Paragraphs of text are escaped, never warned of: only an HTML body has warnings to take.
  if (body.kind === 'paragraphs') return diagnostics;
  // HTML with no numeric character reference and no character XML forbids cannot come out of the sanitizer holding one
  // (no named reference stands for one): its only warning is for the tags left open, found without sanitizing it.
  if (!body.html.includes('&#') && !hasXmlForbidden(body.html)) {
    const tags = unclosedTags(body.html);
    if (tags.length) diagnostics.push(unclosedWarning(tags, file, body.line));
    return diagnostics;
  }
  bodyHtmlOf(body, baseUrl, file, diagnostics);
  return diagnostics;
}

/** An item's body as its outputs show it, read again (its warnings were taken when it was first read). */
export function bodyHtml(body: ParsedSeed['body'], link: string, file: string): string {
  return bodyHtmlOf(body, link, file, []);
}

/** The direction `words` run in, when they have letters and run against the direction of `language` (see `Item.direction`). */
function directionAgainst(language: string, words: string): 'rtl' | 'ltr' | undefined {
  if (!/\p{L}/u.test(words)) return undefined;
  const rtl = mostlyRightToLeft(words);
  return rtl === rightToLeft(language) ? undefined : rtl ? 'rtl' : 'ltr';
}

/**
 * What the relative links of a story's body resolve against: the original
 * article when the seed names it (a body copied from there links within
 * that site), else the story's own page.
 */
function linksBase(item: Pick<Item, 'link' | 'originalLink'>): string {
  return item.originalLink ?? item.link;
}

/** The body as sanitized HTML, relative links resolved against `link` (see `linksBase`). */
function bodyHtmlOf(body: ParsedSeed['body'], link: string, file: string, diagnostics: Diagnostic[]): string {
  if (body.kind === 'paragraphs') return body.paragraphs.map((p) => `<p>${escapeHtml(p.text)}</p>\n`).join('');
  let noCharacter = false;
  const raw = stripXmlForbidden(body.html).replace(CHARACTER_REFERENCE, (ref, hex: string | undefined, dec: string | undefined) => {
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    // HTML reads a reference to NUL, a surrogate or past U+10FFFF as U+FFFD, a character the seed never had: it goes, as the references below do.
    if (cp !== 0 && !(cp >= 0xd800 && cp <= 0xdfff) && cp <= 0x10ffff) return ref;
    noCharacter = true;
    return '';
  });
  const html = sanitizeBody(raw, link, (unclosed) => diagnostics.push(unclosedWarning(unclosed, file, body.line)));
  // Character references in raw HTML ("&#1;", "&#xFFFF;") decode to characters XML forbids.
  if (!noCharacter && !hasXmlForbidden(html)) return html;
  diagnostics.push(warning('xml-forbidden-char', file, body.line, 'removed characters XML 1.0 does not allow that character references in the HTML (such as "&#1;") stand for; delete those references'));
  return stripXmlForbidden(html);
}

/** Start tags of a body left open, written as text (`sanitizeBody`). */
function unclosedWarning(tags: readonly string[], file: string, line: number): Diagnostic {
  const named = [...new Set(tags)].map((t) => `<${t}>`).join(', ');
  return warning('html-unclosed', file, line, `${named} with no end tag would hide the rest of the story; shown as text. Write it in backticks (\`<script>\`) to show a tag, or close it`);
}

/** The keys under which two items are the same story: its source and title, and its original link when it has one. */
export function storyKeys(item: Pick<Item, 'source' | 'title' | 'originalLink'>): string[] {
  const keys = [`t:${(item.source?.name ?? '').toLowerCase()}\u0000${item.title.toLowerCase()}`];
  if (item.originalLink) keys.push(`l:${item.originalLink}`);
  return keys;
}

/** What tells the story of the item a seed gives (its source, title and original link as `normalizeSeed` makes them), before it has an identity. */
export function seedStory(seed: SeedHead, meta: Pick<SeedMeta, 'title'>, config: SiteConfig): Pick<Item, 'source' | 'title' | 'originalLink'> {
  const source = resolveSource(seed, config, []);
  const originalLink = seed.fields.link ? absoluteHttpUrl(seed.fields.link.value) : undefined;
  return { title: meta.title, ...(source ? { source } : {}), ...(originalLink ? { originalLink } : {}) };
}

function resolveSource(seed: SeedHead, config: SiteConfig, diagnostics: Diagnostic[]): Source | undefined {
  const field = seed.fields.source;
  const name = cleanField(field?.value.name !== undefined ? { value: field.value.name, line: field.line } : undefined, seed.file, 'source', diagnostics) ?? config.defaultSource;
  if (!name) {
    const how = seed.layout === 'md' ? 'add "source: Name" (or {name, url, feed}) to the front matter' : 'start the headline with "Source: ", add a "Source:" header';
    // A source given by its addresses alone names no publication: they are not published either.
    const addressesOnly = field && (field.value.url !== undefined || field.value.feed !== undefined) ? ` (the source's url and feed are not published without its name)` : '';
    diagnostics.push(warning('no-source', seed.file, field?.line ?? seed.fields.title?.line ?? 1, `no source publication${addressesOnly}: ${how}, or set defaultSource in the config`));
    return undefined;
  }
  const known = findSource(config, name);
  const source: Source = { name: known?.name ?? name };
  // A configured source's addresses are the config's (checked with it): a seed names them only for a source the config
  // does not know. One seed's own would otherwise stand on the source's page and in every story's <source> while it is the newest.
  for (const [key, value, configured] of [['url', field?.value.url, known?.url], ['feed', field?.value.feed, known?.feedUrl]] as const) {
    const checked = value === undefined ? undefined : absoluteHttpUrl(value);
    const line = (key === 'url' ? field?.value.urlLine : undefined) ?? field?.line ?? 0;
    if (value !== undefined && !checked) {
      diagnostics.push(warning('link-invalid', seed.file, line, `source ${key} "${value}" is not an absolute http(s) URL; ${configured ? `the configured ${configured} is used` : 'it is left out'}`));
    } else if (checked && configured && checked !== configured) {
      diagnostics.push(warning('source-configured', seed.file, line, `source ${key} "${value}" is not the configured ${configured} of ${source.name}; the configured one is used. Change it in the config`));
    }
    const address = configured ?? checked;
    if (address === undefined) continue;
    if (key === 'url') source.url = address;
    else source.feedUrl = address;
  }
  return source;
}

/** A numeric character reference in HTML, its code point in hex or in decimal. */
const CHARACTER_REFERENCE = /&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?/g;

/**
 * A person's name as the feeds show it: from a mailbox (`Name <address>` or
 * `address (Name)`), the name alone, with a warning; an address alone is
 * not published at all. Feeds are public, the validator flags names holding
 * an address, and the same person written with and without it would be two
 * sharers with two topic feeds.
 */
function personName(value: string | undefined, file: string, line: number | undefined, role: string, diagnostics: Diagnostic[]): string | undefined {
  if (!value) return value;
  const name = mailboxName(value);
  if (name === undefined) return value;
  if (!name) {
    diagnostics.push(warning('person-address', file, line ?? 0, `the ${role} "${value}" is a mail address without a name; it is not published. Write the person's name`));
    return undefined;
  }
  diagnostics.push(warning('person-address', file, line ?? 0, `the ${role} "${value}" holds a mail address; only the name "${name}" is published`));
  return name;
}

/** A text field without XML-forbidden characters and surrounding space; a warning names the line when any were removed. */
function cleanField(field: Field<string> | undefined, file: string, name: string, diagnostics: Diagnostic[]): string | undefined {
  if (!field) return undefined;
  let value = field.value;
  if (hasXmlForbidden(value)) {
    diagnostics.push(warning('xml-forbidden-char', file, field.line, `removed character(s) XML 1.0 does not allow from ${name}`));
    value = stripXmlForbidden(value);
  }
  value = value.replace(/\s+/g, ' ').trim();
  return value || undefined;
}
