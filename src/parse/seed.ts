import type { Diagnostic } from '../diagnostics.js';
import { error, warning } from '../diagnostics.js';
import type { Body, Field, Paragraph, SeedFields } from './fields.js';
import { mailboxName, nameKey } from '../text.js';
import { domainToUnicode } from 'node:url';
import { parseSeedDate } from '../dates.js';
import { hasLanguageTagShape } from '../language.js';
import { absoluteHttpUrl } from '../urls.js';

/** Header keys a plain-text seed may start with (any case), and the field each fills. */
const HEADER_KEYS: Record<string, keyof SeedFields | 'source-url'> = {
  categories: 'categories',
  tags: 'categories',
  date: 'date',
  link: 'link',
  url: 'link',
  source: 'source',
  'source-url': 'source-url',
  author: 'author',
  'shared-by': 'sharedBy',
  id: 'id',
  language: 'language',
  draft: 'draft',
};

/**
 * The headers of a mail, left at the top of a seed saved from a mailbox or
 * forwarded: not the story's. Read as headers (so that the headline is found
 * after them) and dropped, with a warning: `From:` and `To:` hold addresses,
 * which are never published. A `Date:` among them is the mail's, not the
 * story's, and is dropped too.
 */
const MAIL_HEADER_KEYS = new Set([
  'from', 'to', 'cc', 'bcc', 'subject', 'sent', 'reply-to', 'sender', 'return-path', 'delivered-to', 'message-id',
  'in-reply-to', 'references', 'mime-version', 'content-type', 'content-transfer-encoding', 'importance', 'organization',
  'thread-topic', 'thread-index', 'user-agent', 'x-mailer',
]);
/** The line a mail program puts above the headers of a forwarded mail (Gmail, Thunderbird, Outlook, Apple Mail). */
const FORWARDED_MARK = /^(?:-{2,}\s*(?:forwarded message|original message)\s*-{2,}|begin forwarded message:)$/i;

const HEADER_LINE = /^([A-Za-z][A-Za-z-]*):[ \t]*(.*)$/;

export interface PlainSeed {
  fields: SeedFields;
  body: Body;
  diagnostics: Diagnostic[];
  /** A headline that is a name and a colon alone (`Asbarez:`): an error or a warning, unless the front matter gives the title. */
  colonAlone?: Diagnostic;
}

/**
 * The plain-text layout of SEED-FORMAT.md: a header block, the headline
 * `<Source>: <Title>`, an optional dek, body paragraphs and the sharer
 * trailer. `lines` are already cleaned; `firstLine` is the file line of
 * `lines[0]` (front matter may sit above it), or `lineNumbers` gives the
 * file line of each (when repairs joined lines). `knownSources` are the
 * configured publication names. `frontMatter` holds the source and sharer
 * the seed's front matter names, which win as a header's would.
 */
export function parsePlainSeed(
  lines: string[],
  file: string,
  firstLine = 1,
  knownSources: readonly string[] = [],
  lineNumbers: readonly number[] = lines.map((_, i) => firstLine + i),
  frontMatter: { source?: string; sharedBy?: Field<string> } = {},
): PlainSeed {
  const diagnostics: Diagnostic[] = [];
  const fields: SeedFields = {};
  let i = 0;
  const lineNo = (index: number) => lineNumbers[index] ?? firstLine + index;
  const quoted = unquotedMail(lines);
  if (quoted) {
    lines = quoted.lines;
    diagnostics.push(warning('mail-quoted', file, lineNo(quoted.first), `every line of the seed is quoted as a reply quotes a mail ("> "); the quoting was taken off. Save the story without it`));
  }

  // Header block: known "Key: value" lines at the very top, ended by a blank line.
  const headers = readHeaderBlocks(lines);
  const mail = headers.entries.filter((h) => h.mail);
  if (mail.length) diagnostics.push(mailHeaders(file, lineNo(mail[0]!.index), mail));
  for (const h of headers.entries) {
    if (h.mail) continue;
    const before = headerValue(fields, h.key);
    const problem = applyHeader(fields, h.key, h.value, lineNo(h.index), file);
    if (problem) diagnostics.push(problem);
    const after = headerValue(fields, h.key);
    if (before && after && !sameHeaderValue(h.key, before.value, after.value)) diagnostics.push(repeatedHeader(file, lineNo(h.index), h.key, before.line));
  }
  i = headers.end;
  // The source the seed names outright (a Source: header, else the front matter): a publication as a configured one is.
  const named = fields.source?.value.name ?? frontMatter.source;
  const publications = named === undefined ? knownSources : [...knownSources, named];
  const misspelled = misspelledHeader(lines, headers, publications);
  if (misspelled) diagnostics.push(misspelledDiagnostic(file, lineNo(misspelled.index), misspelled));
  else if (headers.entries.length && headers.unterminated) {
    diagnostics.push(warning('header-blank-line', file, lineNo(i), 'the header block should end with a blank line; read the next line as the headline'));
  }

  const signature = mailSignature(lines, i);
  const paragraphs = splitParagraphs(lines, i, signature?.start ?? lines.length, lineNo);
  if (signature) {
    // A sharer's line as the signature's last (`-- ` then `Emma Jilavian:`) is the trailer still.
    const signed = sharerName(lines[signature.last]!) !== undefined;
    if (signed) paragraphs.push({ line: lineNo(signature.last), lines: [{ text: lines[signature.last]!, line: lineNo(signature.last) }] });
    const rest = signed ? '; the last line is read as who shared the story' : '';
    diagnostics.push(warning('mail-signature', file, lineNo(signature.start), `${signature.what} at the end of the seed is a mail's, not the story's; it is not published${rest}. Delete it`));
  }

  // Trailer: the last non-blank line, when it is a bare name and a colon; not the headline's only line.
  const last = paragraphs[paragraphs.length - 1];
  if (last && (paragraphs.length > 1 || last.lines.length > 1)) {
    const lastLine = last.lines[last.lines.length - 1]!;
    const name = sharerName(lastLine.text);
    if (name) {
      // A "Shared-By:" header is explicit and wins, as a "Source:" header does (unless it holds an address alone, which
      // is not published); a trailer naming someone else is warned of.
      const header = fields.sharedBy;
      const named = frontMatter.sharedBy && sharerKey(frontMatter.sharedBy.value) ? frontMatter.sharedBy : undefined;
      if (named) {
        // The front matter's sharer is published (it wins over the text), and a trailer naming someone else warned of.
        if (sharerKey(named.value) !== sharerKey(name)) diagnostics.push(sharerConflict(file, lastLine.line, name, named, "the front matter's shared_by"));
      } else if (!header || !sharerKey(header.value)) fields.sharedBy = { value: name, line: lastLine.line };
      else if (sharerKey(header.value) !== sharerKey(name)) diagnostics.push(sharerConflict(file, lastLine.line, name, header, 'the Shared-By header'));
      last.lines.pop();
      if (!last.lines.length) paragraphs.pop();
    }
  }

  const headline = paragraphs.shift();
  let colonProblem: Diagnostic | undefined;
  if (headline) {
    const text = joinLines(headline.lines);
    // Mail wraps a long headline near the end of a line; a short first line with more under it is a headline and the
    // dek (or the body) with no blank line between them, unless it ends in the colon after a source (`Asbarez:`, the
    // title on the next line).
    const first = headline.lines[0]!.text.trim();
    if (headline.lines.length > 1 && first.length < HEADLINE_WRAP_MIN && !first.endsWith(':') && !misspelled?.certain) {
      diagnostics.push(warning('headline-lines', file, headline.lines[1]!.line, `the headline "${first}" goes on on this line, and the two are published as one title; if this line is the dek or the story, put a blank line above it, and if the two are one headline, write it on one line`));
    }
    const split = splitHeadline(text, publications);
    // A "Source:" header (or the front matter's source) is explicit and wins over the headline's prefix (its Source-URL
    // stays too). The prefix is then taken off only when it names that source: otherwise it is part of the headline
    // (`Pashinyan: We Are Ready`), kept.
    if (split.source && !named) fields.source = { value: { ...fields.source?.value, name: split.source }, line: headline.line };
    const title = split.source && named && nameKey(split.source) !== nameKey(named) ? text.trim() : split.title;
    fields.title = { value: title, line: headline.line };
    // A headline that is a name and a colon alone: certainly a source without its title when the config or the Source:
    // header names that publication (an error); else perhaps a headline of its own ("The Week Ahead:"), published, warned.
    const alone = colonAlone(text);
    if (alone !== undefined) {
      const certain = (split.source && !split.title) || (named && nameKey(alone) === nameKey(named));
      if (certain) colonProblem = untitledHeadline(file, headline.line, text.trim());
      else if (looksLikePublicationName(alone)) colonProblem = colonWarning(file, headline.line, text.trim(), alone);
    }
  }

  const dekCandidate = paragraphs[0];
  if (dekCandidate && dekCandidate.lines.length === 1 && isDek(dekCandidate.lines[0]!.text)) {
    fields.summary = { value: dekCandidate.lines[0]!.text.trim(), line: dekCandidate.line };
    paragraphs.shift();
  }

  // A last paragraph that is a name alone, without the colon that makes it the trailer: most likely the sharer.
  const end = paragraphs[paragraphs.length - 1];
  if (end && paragraphs.length > 1 && end.lines.length === 1 && !fields.sharedBy && !frontMatter.sharedBy) {
    const text = end.lines[0]!.text.trim();
    if (/\s/.test(text) && !/[:.!?]$/.test(text) && sharerName(`${text}:`) && capitalized(text) && !text.split(/\s+/).some((w) => CLOSING_WORDS.has(w.toLowerCase()))) {
      diagnostics.push(warning('trailer-colon', file, end.line, `the last line "${text}" looks like a person's name without its colon; it is published as the story's last paragraph. If it names who shared the story, write "${text}:"`));
    }
  }
  if (headline && !paragraphs.length) {
    const why = fields.summary
      ? `the only line under the headline was read as the dek (it does not end a sentence), and the seed has no body; end it with a full stop to make it the story`
      : 'the seed has a headline but no body: readers get the title alone. Write the story under the headline, after a blank line';
    diagnostics.push(warning('no-body', file, headline.line, why));
  }

  const body: Paragraph[] = paragraphs.map((p) => ({ text: joinLines(p.lines), line: p.line }));
  return { fields, body: { kind: 'paragraphs', paragraphs: body }, diagnostics, ...(colonProblem ? { colonAlone: colonProblem } : {}) };
}

/** A headline's first line shorter than this, with another line under it, was not wrapped by mail (which fills lines to ~72 characters). */
const HEADLINE_WRAP_MIN = 50;

/** A headline that is a source and a colon alone: published, its title would read "Asbarez:". */
function untitledHeadline(file: string, line: number, headline: string): Diagnostic {
  return error('no-title', file, line, `the headline "${headline}" names the source but no title; write the title after the colon, on the same line or the next ("${headline} The title")`);
}

/** A headline that is a name and a colon alone, which is not known to name a publication: published as it is. */
function colonWarning(file: string, line: number, headline: string, name: string): Diagnostic {
  return warning('headline-colon', file, line, `the headline "${headline}" ends in a colon with nothing after it; it is published as the title. If "${name}" is the publication, write the title after the colon, on the same line or the next`);
}

/** `Asbarez` of a headline `Asbarez:` (a colon at the end and no other ": "); undefined for any other headline. */
function colonAlone(headline: string): string | undefined {
  const whole = headline.trim();
  return whole.endsWith(':') && !whole.includes(': ') ? whole.slice(0, -1).trim() || undefined : undefined;
}

/** A sharer as two namings of one person compare: the name without a mail address, as published (`mailboxName`). */
function sharerKey(value: string): string {
  const trimmed = value.trim();
  return nameKey((mailboxName(trimmed) ?? trimmed).replace(/\s+/g, ' '));
}

/** A seed whose trailer names another sharer than its Shared-By header or front matter (`by`): theirs, `kept`, is published. */
function sharerConflict(file: string, line: number, dropped: string, kept: { value: string; line: number }, by: string): Diagnostic {
  return warning('sharer-conflict', file, line, `the sharer is named "${dropped}" here and "${kept.value}" by ${by} (line ${kept.line}); "${kept.value}" is published. Keep one of them`);
}

interface HeaderEntry {
  key: string;
  value: string;
  index: number;
  /** A mail's header (`MAIL_HEADER_KEYS`), or the line above a forwarded mail's headers: dropped. */
  mail?: boolean;
}

/** A header block as read: its entries, the index of the line after it, and whether a blank line ended it. */
export interface HeaderBlock {
  entries: HeaderEntry[];
  end: number;
  unterminated: boolean;
}

/**
 * The header block from line `from` on: known `Key: value` lines at the top,
 * and a mail's headers. A line that starts with a space or tab continues a
 * mail's header, or a header whose value ends in a comma (RFC 5322 folding:
 * `Categories: Politics,` then `  Diaspora`); under any other header it is
 * not a header (an indented headline, left without its blank line).
 */
export function readHeaderBlock(lines: readonly string[], from = 0): HeaderBlock {
  const entries: HeaderEntry[] = [];
  /** The folded lines of each entry, joined once the block ends (joining line by line would be quadratic). */
  const folds: string[][] = [];
  const ended = (end: number, unterminated: boolean): HeaderBlock => {
    folds.forEach((parts, k) => {
      if (parts.length) entries[k]!.value = [entries[k]!.value, ...parts].join(' ');
    });
    return plausibleBlock({ entries, end, unterminated });
  };
  // Blank lines above the block (left by copy and paste) are not the blank line that ends it.
  let i = from;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i === lines.length) return { entries, end: lines.length, unterminated: false };
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') return ended(entries.length ? i + 1 : i, false);
    const previous = entries[entries.length - 1];
    if (previous && /^[ \t]/.test(line)) {
      const parts = folds[folds.length - 1]!;
      const last = parts.length ? parts[parts.length - 1]! : previous.value;
      if (previous.mail || last.endsWith(',')) {
        const part = line.trim();
        if (part) parts.push(part);
        continue;
      }
    }
    if (FORWARDED_MARK.test(line.trim()) && entries.every((e) => e.mail)) {
      entries.push({ key: 'forwarded', value: line.trim(), index: i, mail: true });
      folds.push([]);
      continue;
    }
    const m = HEADER_LINE.exec(line);
    const key = m?.[1]?.toLowerCase();
    const mail = key !== undefined && MAIL_HEADER_KEYS.has(key);
    if (!m || !key || (!mail && !Object.hasOwn(HEADER_KEYS, key))) return ended(i, entries.length > 0);
    entries.push({ key, value: m[2]!.trim(), index: i, ...(mail ? { mail } : {}) });
    folds.push([]);
  }
  return ended(i, false);
}

/**
 * A block that is a headline after all: a mail's header stands for a mail
 * only beside a forward's mark, another mail header, or an address (`To:
 * the Editor` alone is a headline); a `Draft:` line alone whose value says
 * neither yes nor no (`Draft: EU-Armenia Visa Deal Leaked`) is one too. The
 * block is cut where the headline starts.
 */
function plausibleBlock(block: HeaderBlock): HeaderBlock {
  const mails = block.entries.filter((e) => e.mail);
  const mailLike = mails.some((e) => e.key === 'forwarded') || mails.length >= 2 || mails.some((e) => e.value.includes('@'));
  let cut = mails.length && !mailLike ? block.entries.indexOf(mails[0]!) : -1;
  const [only] = block.entries;
  if (cut === -1 && block.entries.length === 1 && only!.key === 'draft' && DRAFT_VALUES[only!.value.toLowerCase()] === undefined) cut = 0;
  if (cut === -1) return block;
  const entries = block.entries.slice(0, cut);
  return { entries, end: block.entries[cut]!.index, unterminated: entries.length > 0 };
}

/**
 * The header blocks at the top of a seed: a mail's (a forward's mark, with
 * a blank line under it as Apple Mail writes it, then the headers), and the
 * seed's own under them, each ended by a blank line. A `Date:` among a
 * mail's headers is the mail's.
 */
function readHeaderBlocks(lines: readonly string[]): HeaderBlock {
  let block = readHeaderBlock(lines);
  markMailDate(block.entries);
  while (block.entries.length && !block.unterminated && block.entries.every((e) => e.mail)) {
    const next = readHeaderBlock(lines, block.end);
    if (!next.entries.length) break;
    markMailDate(next.entries);
    block = { entries: [...block.entries, ...next.entries], end: next.end, unterminated: next.unterminated };
  }
  return block;
}

/** A header key as it stands, with what it most likely meant. */
interface Misspelled {
  index: number;
  written: string;
  meant: string;
  /** Certainly a header (it stands among others, or lacks only its colon): the seed is not published. */
  certain: boolean;
  /** A known key without its colon. */
  colonless?: boolean;
}

/**
 * A header whose key is misspelled (`Categries:`, `Dat:`) or lacks its colon
 * (`Link https://…`), where the header block stops: read as it is, it would be
 * published as the headline, its key as the source. Only a line whose value
 * is what that header holds (a date under `Dat:`, an address under `Lnk:`, a
 * short list under `Categries:`) is taken for one, and never a key that names
 * a publication the config or the seed names (`TASS: …`). Certain, and an
 * error, when it stands beside a header that is read (above it, or below it
 * without a blank line), lacks only its colon, or holds what no headline
 * does (a date, an address, yes or no, a language tag); a warning for a
 * list or a name alone on the seed's first line.
 */
function misspelledHeader(lines: readonly string[], headers: HeaderBlock, publications: readonly string[]): Misspelled | undefined {
  const index = headers.entries.length ? (headers.unterminated ? headers.end : -1) : lines.findIndex((line) => line.trim() !== '');
  const line = index >= 0 ? lines[index] : undefined;
  if (line === undefined) return undefined;
  const withColon = HEADER_LINE.exec(line);
  if (withColon) {
    const written = withColon[1]!;
    const meant = closestHeaderKey(written);
    if (!meant || !holdsValueOf(meant, withColon[2]!.trim()) || publications.some((p) => nameKey(p) === nameKey(written))) return undefined;
    const next = HEADER_LINE.exec(lines[index + 1] ?? '');
    const beside = headers.entries.length > 0 || (next !== null && Object.hasOwn(HEADER_KEYS, next[1]!.toLowerCase()));
    // A date, an address, yes or no, a language tag: no headline reads so. Names and lists may, so they need a header beside them.
    const plain = ['date', 'link', 'source-url', 'draft', 'language'].includes(HEADER_KEYS[meant]!);
    return { index, written: `${written}:`, meant: `${headerName(meant)}:`, certain: beside || plain };
  }
  const noColon = /^([A-Za-z][A-Za-z-]*)[ \t]+(\S+)$/.exec(line.trim());
  const key = noColon?.[1]!.toLowerCase();
  if (!noColon || !key || !Object.hasOwn(HEADER_KEYS, key) || !['link', 'url', 'source-url', 'date'].includes(key) || !holdsValueOf(key, noColon[2]!)) return undefined;
  return { index, written: noColon[1]!, meant: `${headerName(key)}:`, certain: true, colonless: true };
}

/** Whether `value` is what the header `key` holds: a date, an address, yes or no, a language tag, a short list of names. */
function holdsValueOf(key: string, value: string): boolean {
  switch (HEADER_KEYS[key]) {
    case 'date':
      return 'date' in parseSeedDate(value);
    case 'link':
    case 'source-url':
      return absoluteHttpUrl(value) !== undefined;
    case 'draft':
      return Object.hasOwn(DRAFT_VALUES, value.toLowerCase());
    case 'language':
      return hasLanguageTagShape(value);
    case 'categories':
      // Names of a few words each, none ending a sentence: `Sports, Sevan`, not `Russia and Armenia Sign a Deal`.
      return splitList(value).every((name) => name.split(/\s+/).length <= 3 && !/[.!?…]$/.test(name));
    default:
      // A name (`Source:`, `Author:`, `Shared-By:`) reads as a headline in title case does: no telling them apart.
      return false;
  }
}

/** A header key (in lower case) as it is written: `Shared-By`, `Id`, `URL`, `Source-URL`, `Message-ID`, `MIME-Version`. */
function headerName(key: string): string {
  return key.replace(/(^|-)([a-z]+)/g, (_, dash: string, word: string) =>
    dash + (word === 'url' || word === 'mime' || (dash && word === 'id') ? word.toUpperCase() : word[0]!.toUpperCase() + word.slice(1)),
  );
}

/** The known header key (in lower case) that `key` misspells: one letter wrong, missing, extra or two swapped; two for longer keys. */
function closestHeaderKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  if (Object.hasOwn(HEADER_KEYS, lower) || MAIL_HEADER_KEYS.has(lower) || lower.length < 3) return undefined;
  return Object.keys(HEADER_KEYS).find((known) => known.length >= 3 && editDistance(lower, known) <= (known.length > 5 ? 2 : 1));
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

function misspelledDiagnostic(file: string, line: number, m: Misspelled): Diagnostic {
  if (m.colonless) return error('header-misspelled', file, line, `the header "${m.written}" has no colon after it; write "${m.meant} …". The story is not published until then (this line would be taken for its headline)`);
  if (m.certain) return error('header-misspelled', file, line, `"${m.written}" is not a header seedfeed reads; did you mean "${m.meant}"? Correct it; if this line is the headline, put a blank line above it. The story is not published until then`);
  return warning('header-misspelled', file, line, `the headline starts with "${m.written}", which looks like the header "${m.meant}" misspelled; it is published as the headline. If it is a header, correct it and end the header block with a blank line`);
}

/** A mail's `Date:` is when the mail was sent: among a mail's headers it is dropped with them. */
function markMailDate(entries: HeaderEntry[]): void {
  if (!entries.some((e) => e.mail)) return;
  for (const e of entries) if (e.key === 'date') e.mail = true;
}

/** The warning for a mail's headers at the top of a seed, which are dropped. */
function mailHeaders(file: string, line: number, entries: readonly HeaderEntry[]): Diagnostic {
  const names = [...new Set(entries.filter((e) => e.key !== 'forwarded').map((e) => headerName(e.key)))];
  const listed = names.length ? ` (${names.join(', ')})` : '';
  return warning('mail-headers', file, line, `the seed starts with a mail's headers${listed}: they are not the story's and are not published (addresses never are); delete them, and write the story's date as a Date: header of its own`);
}

/** A header given twice with different values (`Link:` and `URL:`, two `Date:` lines): the last is used. */
function repeatedHeader(file: string, line: number, key: string, first: number): Diagnostic {
  const target = HEADER_KEYS[key]!;
  const what = target === 'sharedBy' ? 'sharer' : target === 'source-url' ? "source's URL" : target;
  return warning('header-repeated', file, line, `the ${what} is given again here, otherwise than on line ${first}; this line's is used. Keep one of them`);
}

function applyHeader(fields: SeedFields, key: string, value: string, line: number, file: string): Diagnostic | undefined {
  // A header line with nothing after its key ("Id:" left from a template) says nothing, as an empty front-matter value does.
  if (value === '') return undefined;
  const target = HEADER_KEYS[key]!;
  switch (target) {
    case 'categories': {
      const list = splitList(value);
      const merged = [...(fields.categories?.value ?? []), ...list];
      fields.categories = { value: merged, line: fields.categories?.line ?? line };
      return undefined;
    }
    case 'source': {
      // An address beside the name is the source's home page, unless a Source-URL: line gave one.
      const { name, url } = sourceWithUrl(value);
      const had = fields.source?.value;
      fields.source = { value: { ...had, name, ...(url !== undefined && had?.url === undefined ? { url, urlLine: line } : {}) }, line };
      return /^https?:\/\//i.test(value) && name !== value ? sourceAddress(file, line, value, name) : undefined;
    }
    case 'source-url':
      fields.source = { value: { ...fields.source?.value, url: value, urlLine: line }, line: fields.source?.line ?? line };
      return undefined;
    case 'draft': {
      const answer = DRAFT_VALUES[value.toLowerCase()];
      // A draft marked in words seedfeed does not know is kept back all the same: publishing it cannot be taken back.
      fields.draft = { value: answer ?? true, line };
      return answer === undefined ? error('draft-invalid', file, line, `Draft: expected true or false (yes or no), found "${value}"; the story is not published until it says which`) : undefined;
    }
    default:
      (fields as Record<string, Field<string>>)[target] = { value, line };
      return undefined;
  }
}

/**
 * A `Source:` header's name, and the address it gives beside it:
 * `Asbarez (https://asbarez.com/)` or `Asbarez <https://asbarez.com/>` gives
 * both; an address alone (`https://asbarez.com/a-story`) gives its host as the
 * name (`asbarez.com`) and the address of its home page.
 */
function sourceWithUrl(value: string): { name: string; url?: string } {
  const close = value.endsWith(')') ? '(' : value.endsWith('>') ? '<' : undefined;
  const open = close ? value.lastIndexOf(close) : -1;
  if (open > 0) {
    const address = value.slice(open + 1, -1).trim();
    const name = value.slice(0, open).trim();
    if (name && /^https?:\/\/[^\s()<>]+$/i.test(address)) return { name, url: address };
  }
  if (!/^https?:\/\/\S+$/i.test(value)) return { name: value };
  try {
    const url = new URL(value);
    const host = domainToUnicode(url.hostname).replace(/^www\./i, '');
    return host ? { name: host, url: url.origin + '/' } : { name: value };
  } catch {
    return { name: value };
  }
}

/** A `Source:` header that is an address (or a name and an address): the name taken, `name`. */
function sourceAddress(file: string, line: number, value: string, name: string): Diagnostic {
  return warning('source-address', file, line, `Source: "${value}" is read as the publication "${name}" and its home page; write its name (and the address on a Source-URL: line), or list it in the config's sources`);
}

/** Two values of one header that say the same: names in any case, one instant written two ways. */
function sameHeaderValue(key: string, a: string, b: string): boolean {
  if (a === b) return true;
  const target = HEADER_KEYS[key]!;
  if (target === 'source' || target === 'sharedBy' || target === 'author') return nameKey(a) === nameKey(b);
  if (target === 'date') {
    const [x, y] = [parseSeedDate(a), parseSeedDate(b)];
    return 'date' in x && 'date' in y && x.date.getTime() === y.date.getTime();
  }
  return false;
}

/** The values of a `Draft:` header. */
const DRAFT_VALUES: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

/** A header's value as another line of the same field would replace it; undefined for the headers whose lines add up. */
function headerValue(fields: SeedFields, key: string): { value: string; line: number } | undefined {
  const target = HEADER_KEYS[key]!;
  if (target === 'categories') return undefined;
  if (target === 'source') return fields.source?.value.name !== undefined ? { value: fields.source.value.name, line: fields.source.line } : undefined;
  if (target === 'source-url') return fields.source?.value.url !== undefined ? { value: fields.source.value.url, line: fields.source.value.urlLine ?? fields.source.line } : undefined;
  const field = fields[target] as Field<unknown> | undefined;
  return field ? { value: String(field.value), line: field.line } : undefined;
}

/**
 * A comma-separated list (`Categories:`, `Tags:`). A name with a comma in it
 * is quoted (`"Politics, Armenia", Diaspora`); quotes around a name and
 * brackets around the list (`[Politics, Armenia]`, as YAML writes one) are
 * not part of the names.
 */
export function splitList(value: string): string[] {
  const whole = value.trim();
  const list = whole.startsWith('[') && whole.endsWith(']') ? whole.slice(1, -1) : whole;
  const names: string[] = [];
  let current = '';
  let closing: string | undefined;
  for (const c of list) {
    if (closing !== undefined) {
      if (c === closing) closing = undefined;
      current += c;
    } else if (c === ',') {
      names.push(current);
      current = '';
    } else {
      // A quote opens only at the start of a name: the apostrophe of "Women's Rights" does not.
      if (current.trim() === '' && Object.hasOwn(QUOTE_PAIRS, c)) closing = QUOTE_PAIRS[c];
      current += c;
    }
  }
  names.push(current);
  // A quote never closed quotes nothing: the list is split at every comma.
  return (closing === undefined ? names : list.split(',')).map(unquoted).filter(Boolean);
}

/** The quotes a name in a list may stand in, each with the quote that closes it. */
const QUOTE_PAIRS: Record<string, string> = { '"': '"', "'": "'", '“': '”', '„': '“', '«': '»', '‘': '’' };

/** A name without the quotes around it, when they pair. */
function unquoted(name: string): string {
  const text = name.trim();
  const close = QUOTE_PAIRS[text[0] ?? ''];
  return close !== undefined && text.length > 1 && text.endsWith(close) ? text.slice(1, -1).trim() : text;
}

/**
 * A seed saved from a reply: every non-blank line quoted (`> `, or `>` alone
 * for a blank line), perhaps more than once. The lines with the quoting taken
 * off, and the index of the first; undefined when any line is not quoted (a
 * quoted paragraph inside a story is the story's).
 */
function unquotedMail(lines: readonly string[]): { lines: string[]; first: number } | undefined {
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first === -1 || !lines.every((line) => line.trim() === '' || /^[ \t]*>/.test(line))) return undefined;
  let out = [...lines];
  while (out.some((line) => line.trim() !== '') && out.every((line) => line.trim() === '' || /^[ \t]*>/.test(line))) {
    out = out.map((line) => line.replace(/^[ \t]*> ?/, ''));
  }
  return { lines: out, first };
}

/** At most this many lines under a signature's `-- ` line, none longer than a signature's line, not more text in all: more is the story's. */
const SIGNATURE_MAX_LINES = 8;
const SIGNATURE_MAX_LINE = 80;
const SIGNATURE_MAX_CHARS = 400;
/** The line a phone or mail program adds to every mail. */
const SENT_FROM = /^(?:sent from my [\p{L}\p{N} .'-]{1,40}|sent from (?:yahoo )?mail for [\p{L}\p{N} .'-]{1,20}|get outlook for [\p{L}\p{N} .'-]{1,20})$/iu;

/**
 * A mail's signature at the end of a seed, from `start` on: the lines from a
 * `--` line (the signature separator, `-- `, its space trimmed) under a
 * blank line or a sharer's line, with a few short lines under it, after at
 * least a headline and a paragraph of the story; or a last line such as
 * "Sent from my phone". Where it starts, its last non-blank line and what it
 * is, for the warning; undefined when there is none.
 */
function mailSignature(lines: readonly string[], start: number): { start: number; last: number; what: string } | undefined {
  let last = lines.length - 1;
  while (last >= start && lines[last]!.trim() === '') last--;
  if (last < start) return undefined;
  let nonBlank = 0;
  let chars = 0;
  for (let j = last; j >= start; j--) {
    const text = lines[j]!.trim();
    if (text === '--') {
      const above = lines[j - 1]?.trim() ?? '';
      const separated = above === '' || sharerName(above) !== undefined;
      return separated && storyAbove(lines, start, j) ? { start: j, last, what: 'the signature under "-- "' } : undefined;
    }
    if (text === '') continue;
    if (++nonBlank > SIGNATURE_MAX_LINES || text.length > SIGNATURE_MAX_LINE || (chars += text.length) > SIGNATURE_MAX_CHARS) break;
  }
  return last > start && SENT_FROM.test(lines[last]!.trim()) ? { start: last, last, what: `the line "${lines[last]!.trim()}"` } : undefined;
}

/** Whether lines `from` to `to` hold a headline and a paragraph of the story: a signature never takes the whole body. */
function storyAbove(lines: readonly string[], from: number, to: number): boolean {
  const starts: number[] = [];
  for (let j = from; j < to; j++) if (lines[j]!.trim() !== '' && (j === from || lines[j - 1]!.trim() === '')) starts.push(j);
  if (starts.length !== 2) return starts.length > 2;
  // A headline and one paragraph: the story only if that paragraph is not the dek (one line that could be one).
  const second = starts[1]!;
  const oneLine = second + 1 >= to || lines[second + 1]!.trim() === '';
  return !(oneLine && isDek(lines[second]!));
}

interface RawParagraph {
  line: number;
  lines: { text: string; line: number }[];
}

function splitParagraphs(lines: string[], start: number, end: number, lineNo: (index: number) => number): RawParagraph[] {
  const out: RawParagraph[] = [];
  let current: RawParagraph | undefined;
  for (let i = start; i < end; i++) {
    const text = lines[i]!;
    if (text.trim() === '') {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { line: lineNo(i), lines: [] };
      out.push(current);
    }
    current.lines.push({ text, line: lineNo(i) });
  }
  return out;
}

/** Hard-wrapped mail text: the lines of a paragraph are joined with a space. */
function joinLines(lines: { text: string }[]): string {
  return lines
    .map((l) => l.text.trim())
    .join(' ')
    .replace(/[ \t]{2,}/g, ' ');
}

/**
 * `<Source>: <Title>`: the part before the first `: ` is the source when it is
 * a configured source or looks like a publication's name (1 to 6 words, no
 * sentence punctuation). The title may itself contain colons.
 */
export function splitHeadline(headline: string, knownSources: readonly string[] = []): { source?: string; title: string } {
  // A configured source and a colon alone (`Asbarez:`): that source, its title missing (parsePlainSeed reports it).
  const alone = colonAlone(headline);
  const configured = alone !== undefined ? configuredSource(alone, knownSources) : undefined;
  if (configured) return { source: configured, title: '' };
  const at = headline.indexOf(': ');
  if (at <= 0) return { title: headline.trim() };
  const prefix = headline.slice(0, at).trim();
  const title = headline.slice(at + 2).trim();
  if (!title) return { title: headline.trim() };
  const source = sourceNamed(prefix, knownSources);
  return source ? { source, title } : { title: headline.trim() };
}

/**
 * The publication a headline's prefix names: a configured source (as
 * configured), or a prefix that looks like a name and is not one of the
 * labels newspapers put before a headline (`Exclusive:`, `Analysis:`).
 */
function sourceNamed(prefix: string, knownSources: readonly string[]): string | undefined {
  return configuredSource(prefix, knownSources) ?? (looksLikePublicationName(prefix) && !HEADLINE_LABELS.has(nameKey(prefix)) ? prefix : undefined);
}

/** Labels (kickers) newspapers put before a headline and a colon: part of the title, not a publication's name. */
const HEADLINE_LABELS = new Set([
  'exclusive', 'analysis', 'news analysis', 'opinion', 'op-ed', 'editorial', 'commentary', 'column', 'guest column', 'essay',
  'perspective', 'explainer', 'explained', 'interview', 'q&a', 'update', 'updated', 'breaking', 'breaking news', 'just in',
  'developing', 'alert', 'watch', 'video', 'photos', 'in pictures', 'podcast', 'listen', 'live', 'live updates', 'review',
  'factbox', 'fact check', 'fact-check', 'timeline', 'obituary', 'profile', 'feature', 'special report', 'insight',
  'correction', 'letter', 'letters', 'poll', 'quiz', 'report',
]);

/** The configured source `prefix` names, in any case, as configured. */
function configuredSource(prefix: string, knownSources: readonly string[]): string | undefined {
  return knownSources.find((s) => s.toLowerCase() === prefix.toLowerCase());
}

export function looksLikePublicationName(prefix: string): boolean {
  const words = prefix.split(/\s+/).filter(Boolean);
  if (words.length < 1 || words.length > 6) return false;
  // Sentence punctuation: ! ? ; , quotes, or a period that ends a word ("Dr. Smith said" is a sentence; "news.am" is a name).
  if (/[!?;,"“”«»„]/.test(prefix)) return false;
  if (/\.(\s|$)/.test(prefix)) return false;
  if (!/\p{L}/u.test(prefix)) return false;
  return true;
}

/**
 * What ends a sentence, before any closing quotes or brackets: `.`, `!`, `?`,
 * `…`, and the full stops and question marks of other scripts (Unicode's
 * Sentence_Terminal: Armenian `։`, Arabic `؟` and `۔`, Devanagari `।`, CJK
 * `。`, …). Armenian text is often typed with a colon for its full stop, so a
 * colon after an Armenian letter ends a sentence too. Any quotes or
 * brackets may close after it, German `“` and French ` »` (after its space)
 * among them.
 */
const SENTENCE_END = /(?:[\p{Sentence_Terminal}…]|(?<=\p{Script=Armenian}):)["'\p{Pi}\p{Pf}\p{Pe}\s]*$/u;

/** A dek: one line of at most about 200 characters that does not end a sentence. */
export function isDek(line: string): boolean {
  const text = line.trim();
  if (!text || text.length > 200) return false;
  return !SENTENCE_END.test(text);
}

/** `Emma Jilavian:`: 1 to 5 words of letters in any script, with `.`, `'` and `-` allowed. */
export function sharerName(line: string): string | undefined {
  // No regex over the whole line: /^\s*(.+?):\s*$/ is quadratic on a long run of spaces.
  const text = line.trim();
  if (!text.endsWith(':') || text.length > 200) return undefined;
  const name = text.slice(0, -1).trim();
  if (!name) return undefined;
  const words = name.split(/\s+/);
  if (words.length < 1 || words.length > 5) return undefined;
  if (!words.every((w) => /^[\p{L}\p{M}][\p{L}\p{M}.'’-]*$/u.test(w))) return undefined;
  if (TRAILER_LABELS.has(nameKey(name)) || readsAsWords(words)) return undefined;
  return name;
}

/** Words of a story's closing line that is not a person's name (`Staff Reporter`, `Associated Press`, `All Rights Reserved`). */
const CLOSING_WORDS = new Set([
  'staff', 'reporter', 'reporters', 'correspondent', 'press', 'news', 'agency', 'service', 'desk', 'editor', 'editors', 'team',
  'bureau', 'wire', 'online', 'media', 'times', 'daily', 'weekly', 'post', 'herald', 'rights', 'reserved', 'related', 'articles',
  'video', 'photo', 'photos', 'gallery', 'end', 'points', 'watch', 'key', 'all', 'the', 'more', 'read', 'copyright', 'source',
]);

/** Labels a story may end with before a colon: not a person's name. */
const TRAILER_LABELS = new Set([
  'note', 'notes', 'update', 'updates', 'source', 'sources', 'related', 'contact', 'contacts', 'photo', 'photos', 'video',
  'link', 'links', 'via', 'credit', 'credits', 'tags', 'categories', 'see also', 'disclaimer', 'subscribe', 'share',
  'correction', 'corrections', 'addendum', 'references', 'footnotes', 'more',
]);

/** Words of a name that start in lower case but do not begin the name: `van`, `de la`, `bin`. */
const NAME_PARTICLES = new Set([
  'van', 'von', 'vom', 'zum', 'zu', 'der', 'den', 'op', 'de', 'da', 'di', 'do', 'del', 'della', 'dos', 'das', 'du', 'des', 'la', 'le',
  'lo', 'los', 'las', 'al', 'el', 'bin', 'binti', 'bint', 'ibn', 'ben', 'ould', 'ap', 'ferch', 'ter', 'ten', 'y', 'e', 'and', 'und', 'et',
]);

/** A word of a name that starts in lower case: a particle (`van`, `de'`, `d'`), or one with a capital after its hyphen or apostrophe (`al-Fayed`, `o'Brien`). */
function nameWord(word: string): boolean {
  return NAME_PARTICLES.has(word.split(/[-'’]/)[0]!.toLowerCase()) || /[-'’]\p{Lu}/u.test(word);
}

/** Every word starts with a capital (or is in a script without case, or a name particle): as a name is written. */
function capitalized(text: string): boolean {
  return text.split(/\s+/).every((w) => !/^\p{Ll}/u.test(w) || nameWord(w));
}

/**
 * Words after a capital that go on in lower case (`Read more`, `The demands`):
 * a phrase, not a name. A name written all in lower case (`emma jilavian`)
 * and scripts without case are names as they stand.
 */
function readsAsWords(words: readonly string[]): boolean {
  if (!/^\p{Lu}/u.test(words[0]!)) return false;
  return words.slice(1).some((w) => /^\p{Ll}/u.test(w) && !nameWord(w));
}
