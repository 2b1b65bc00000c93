import type { Diagnostic } from '../diagnostics.js';
import { error, warning } from '../diagnostics.js';
import type { Body, Field, Paragraph, SeedFields } from './fields.js';
import { mailboxName, nameKey } from '../text.js';

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
};

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
 * configured publication names.
 */
export function parsePlainSeed(
  lines: string[],
  file: string,
  firstLine = 1,
  knownSources: readonly string[] = [],
  lineNumbers: readonly number[] = lines.map((_, i) => firstLine + i),
): PlainSeed {
  const diagnostics: Diagnostic[] = [];
  const fields: SeedFields = {};
  let i = 0;
  const lineNo = (index: number) => lineNumbers[index] ?? firstLine + index;

  // Header block: known "Key: value" lines at the very top, ended by a blank line.
  const headers = readHeaderBlock(lines);
  for (const h of headers.entries) applyHeader(fields, h.key, h.value, lineNo(h.index));
  i = headers.end;
  if (headers.entries.length && headers.unterminated) {
    diagnostics.push(warning('header-blank-line', file, lineNo(i), 'the header block should end with a blank line; read the next line as the headline'));
  }

  const paragraphs = splitParagraphs(lines, i, lineNo);

  // Trailer: the last non-blank line, when it is a bare name and a colon; not the headline's only line.
  const last = paragraphs[paragraphs.length - 1];
  if (last && (paragraphs.length > 1 || last.lines.length > 1)) {
    const lastLine = last.lines[last.lines.length - 1]!;
    const name = sharerName(lastLine.text);
    if (name) {
      // A "Shared-By:" header is explicit and wins, as a "Source:" header does (unless it holds an address alone, which
      // is not published); a trailer naming someone else is warned of.
      const header = fields.sharedBy;
      if (!header || !sharerKey(header.value)) fields.sharedBy = { value: name, line: lastLine.line };
      else if (sharerKey(header.value) !== sharerKey(name)) diagnostics.push(sharerConflict(file, lastLine.line, name, header));
      last.lines.pop();
      if (!last.lines.length) paragraphs.pop();
    }
  }

  const headline = paragraphs.shift();
  let colonProblem: Diagnostic | undefined;
  if (headline) {
    const text = joinLines(headline.lines);
    const split = splitHeadline(text, knownSources);
    const named = fields.source?.value.name;
    // A "Source:" header is explicit and wins over the headline's prefix (its Source-URL stays too). The prefix is then
    // taken off only when it names that source: otherwise it is part of the headline (`Pashinyan: We Are Ready`), kept.
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

  const body: Paragraph[] = paragraphs.map((p) => ({ text: joinLines(p.lines), line: p.line }));
  return { fields, body: { kind: 'paragraphs', paragraphs: body }, diagnostics, ...(colonProblem ? { colonAlone: colonProblem } : {}) };
}

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

/** A seed whose trailer names another sharer than its Shared-By header: the header's, `kept`, is published. */
function sharerConflict(file: string, line: number, dropped: string, kept: { value: string; line: number }): Diagnostic {
  return warning('sharer-conflict', file, line, `the sharer is named "${dropped}" here and "${kept.value}" by the Shared-By header (line ${kept.line}); "${kept.value}" is published. Keep one of them`);
}

interface HeaderEntry {
  key: string;
  value: string;
  index: number;
}

export function readHeaderBlock(lines: string[]): { entries: HeaderEntry[]; end: number; unterminated: boolean } {
  const entries: HeaderEntry[] = [];
  // Blank lines above the block (left by copy and paste) are not the blank line that ends it.
  let i = lines.findIndex((line) => line.trim() !== '');
  if (i === -1) return { entries, end: lines.length, unterminated: false };
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      return { entries, end: entries.length ? i + 1 : i, unterminated: false };
    }
    const m = HEADER_LINE.exec(line);
    const key = m?.[1]?.toLowerCase();
    if (!m || !key || !Object.hasOwn(HEADER_KEYS, key)) return { entries, end: i, unterminated: entries.length > 0 };
    entries.push({ key, value: m[2]!.trim(), index: i });
  }
  return { entries, end: i, unterminated: false };
}

function applyHeader(fields: SeedFields, key: string, value: string, line: number): void {
  // A header line with nothing after its key ("Id:" left from a template) says nothing, as an empty front-matter value does.
  if (value === '') return;
  const target = HEADER_KEYS[key]!;
  switch (target) {
    case 'categories': {
      const list = splitList(value);
      const merged = [...(fields.categories?.value ?? []), ...list];
      fields.categories = { value: merged, line: fields.categories?.line ?? line };
      return;
    }
    case 'source':
      fields.source = { value: { ...fields.source?.value, name: value }, line };
      return;
    case 'source-url':
      fields.source = { value: { ...fields.source?.value, url: value, urlLine: line }, line: fields.source?.line ?? line };
      return;
    case 'draft':
      return;
    default:
      (fields as Record<string, Field<string>>)[target] = { value, line };
  }
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface RawParagraph {
  line: number;
  lines: { text: string; line: number }[];
}

function splitParagraphs(lines: string[], start: number, lineNo: (index: number) => number): RawParagraph[] {
  const out: RawParagraph[] = [];
  let current: RawParagraph | undefined;
  for (let i = start; i < lines.length; i++) {
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

/** The publication a headline's prefix names: a configured source (as configured), or a prefix that looks like a name. */
function sourceNamed(prefix: string, knownSources: readonly string[]): string | undefined {
  return configuredSource(prefix, knownSources) ?? (looksLikePublicationName(prefix) ? prefix : undefined);
}

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
  return name;
}
