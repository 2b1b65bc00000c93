import { hash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics.js';
import { error, warning } from '../diagnostics.js';
import { cleanLines, decodeSeed, prepareText, restoreDigestWords, type Repair } from '../text.js';
import { repairMailText } from './mail.js';
import type { Body, SeedFields } from './fields.js';
import { frontMatterFields, splitFrontMatter } from './frontmatter.js';
import { renderMarkdown } from './markdown.js';
import { htmlNestingDepth, MAX_HTML_DEPTH } from '../sanitize.js';
import { parsePlainSeed } from './seed.js';

export interface ParsedSeed {
  file: string;
  layout: 'txt' | 'md';
  /** SHA-256 of the file's bytes. */
  hash: string;
  fields: SeedFields;
  body: Body;
  diagnostics: Diagnostic[];
  repairs: Repair[];
  /** False when an error means this seed must not publish. */
  ok: boolean;
}

/** What is kept of a parsed seed without its body (the build cache holds these). */
export type SeedHead = Omit<ParsedSeed, 'body'>;

export function hashBytes(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}

/**
 * One seed's bytes to its fields. Pure: no disk, no clock. Front matter wins
 * over anything read from the text.
 */
export function parseSeed(bytes: Uint8Array, file: string, layout: 'txt' | 'md', knownSources: readonly string[] = []): ParsedSeed {
  const hash = hashBytes(bytes);
  const empty: ParsedSeed = { file, layout, hash, fields: {}, body: { kind: 'paragraphs', paragraphs: [] }, diagnostics: [], repairs: [], ok: false };
  const decoded = decodeSeed(bytes, file);
  if (decoded.text === undefined) return { ...empty, diagnostics: decoded.diagnostics };
  const prepared = prepareText(decoded.text, file);
  const diagnostics = [...decoded.diagnostics, ...prepared.diagnostics];
  if (prepared.text.trim() === '') {
    return { ...empty, diagnostics: [...diagnostics, error('empty-seed', file, 0, 'the seed is empty; write a headline and a body, or delete the file')] };
  }
  const fm = splitFrontMatter(prepared.text, file);
  append(diagnostics, fm.diagnostics);
  if (!fm.ok) return { ...empty, diagnostics };
  const fromFrontMatter = frontMatterFields(fm, file);
  append(diagnostics, fromFrontMatter.diagnostics);
  const repairs: Repair[] = [];
  const frontMatter = repairFieldText(fromFrontMatter.fields, file);
  append(diagnostics, frontMatter.diagnostics);
  append(repairs, frontMatter.repairs);
  // The body is a part of the prepared text: cleanLines does not prepare it again.
  const cleaned = cleanLines(fm.body, file, fm.bodyFirstLine);
  append(diagnostics, cleaned.diagnostics);
  append(repairs, cleaned.repairs);

  let fields: SeedFields;
  let body: Body;
  if (layout === 'txt') {
    const named = frontMatter.fields;
    const plain = parsePlainSeed(cleaned.lines, file, fm.bodyFirstLine, knownSources, cleaned.lineNumbers, {
      ...(named.source?.value.name !== undefined ? { source: named.source.value.name } : {}),
      ...(named.sharedBy ? { sharedBy: named.sharedBy } : {}),
    });
    append(diagnostics, plain.diagnostics);
    if (plain.colonAlone && !frontMatter.fields.title) diagnostics.push(plain.colonAlone);
    fields = mergeFields(plain.fields, frontMatter.fields);
    body = plain.body;
  } else {
    fields = frontMatter.fields;
    const html = renderMarkdown(cleaned.lines.join('\n'));
    const depth = htmlNestingDepth(html);
    if (depth > MAX_HTML_DEPTH) {
      diagnostics.push(error('html-too-deep', file, fm.bodyFirstLine, `the body's HTML nests ${depth} elements deep; the limit is ${MAX_HTML_DEPTH}. Close the tags you open`));
    }
    body = { kind: 'html', html: depth > MAX_HTML_DEPTH ? '' : html, line: fm.bodyFirstLine };
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  const listed = limitRepairs(repairs, file);
  return { file, layout, hash, fields, body, diagnostics: limitDiagnostics([...diagnostics, ...listed.diagnostics], file), repairs: listed.repairs, ok };
}

/** At most this many diagnostics of one rule are listed per seed; one more diagnostic counts the rest. */
export const MAX_DIAGNOSTICS_PER_RULE = 20;
/** At most this many repairs are listed per seed; a warning counts the rest. */
export const MAX_REPAIRS_LISTED = 10_000;

/**
 * A hostile or badly broken seed can hold a problem on every line: list the
 * first few of each rule, which is what a person fixing the file needs, and
 * count the rest, rather than flooding the report.
 */
function limitDiagnostics(diagnostics: readonly Diagnostic[], file: string): Diagnostic[] {
  const byRule = new Map<string, { count: number; error: boolean }>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const seen = byRule.get(d.rule) ?? { count: 0, error: false };
    seen.count++;
    if (seen.count <= MAX_DIAGNOSTICS_PER_RULE) out.push(d);
    else seen.error ||= d.severity === 'error';
    byRule.set(d.rule, seen);
  }
  for (const [rule, { count, error: isError }] of byRule) {
    if (count <= MAX_DIAGNOSTICS_PER_RULE) continue;
    const message = `${count - MAX_DIAGNOSTICS_PER_RULE} more [${rule}] problem(s) in this file are not listed (${count} in all); fix the ones above and check again`;
    out.push(isError ? error(rule, file, 0, message) : warning(rule, file, 0, message));
  }
  return out;
}

function limitRepairs(repairs: Repair[], file: string): { repairs: Repair[]; diagnostics: Diagnostic[] } {
  if (repairs.length <= MAX_REPAIRS_LISTED) return { repairs, diagnostics: [] };
  return {
    repairs: repairs.slice(0, MAX_REPAIRS_LISTED),
    diagnostics: [warning('repairs-not-listed', file, 0, `${repairs.length} repairs were made; the report lists the first ${MAX_REPAIRS_LISTED}. A file that needs this many is likely not plain text: check its encoding`)],
  };
}

/** Mail artifacts in front-matter text values (encoded words, mojibake), repaired where certain, and digest artifacts (`_expression_`). */
function repairFieldText(fields: SeedFields, file: string): { fields: SeedFields; diagnostics: Diagnostic[]; repairs: Repair[] } {
  const diagnostics: Diagnostic[] = [];
  const repairs: Repair[] = [];
  const fix = (text: string, line: number): string => {
    const r = repairMailText(text, file, line);
    append(diagnostics, r.diagnostics);
    append(repairs, r.repairs);
    return restoreDigestWords(r.text, file, line, repairs);
  };
  const out: SeedFields = { ...fields };
  for (const key of ['title', 'summary', 'author', 'sharedBy'] as const) {
    const field = fields[key];
    if (field) out[key] = { value: fix(field.value, field.line), line: field.line };
  }
  if (fields.source?.value.name !== undefined) {
    out.source = { value: { ...fields.source.value, name: fix(fields.source.value.name, fields.source.line) }, line: fields.source.line };
  }
  if (fields.categories) out.categories = { value: fields.categories.value.map((c) => fix(c, fields.categories!.line)), line: fields.categories.line };
  return { fields: out, diagnostics, repairs };
}

/** Front matter wins, key by key; a front-matter source object is merged over the text's. */
export function mergeFields(fromText: SeedFields, fromFrontMatter: SeedFields): SeedFields {
  const merged: SeedFields = { ...fromText, ...fromFrontMatter };
  if (fromText.source && fromFrontMatter.source) {
    merged.source = { value: { ...fromText.source.value, ...fromFrontMatter.source.value }, line: fromFrontMatter.source.line };
  }
  return merged;
}

/** Appends without spreading: a seed can carry more diagnostics or repairs than a call's argument limit. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
