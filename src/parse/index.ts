import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics.js';
import { error } from '../diagnostics.js';
import { cleanLines, decodeSeed, type Repair } from '../text.js';
import type { Body, SeedFields } from './fields.js';
import { frontMatterFields, splitFrontMatter } from './frontmatter.js';
import { renderMarkdown } from './markdown.js';
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

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
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
  const diagnostics = [...decoded.diagnostics];
  if (decoded.text.trim() === '') {
    return { ...empty, diagnostics: [...diagnostics, error('empty-seed', file, 0, 'the seed is empty; write a headline and a body, or delete the file')] };
  }
  const fm = splitFrontMatter(decoded.text, file);
  diagnostics.push(...fm.diagnostics);
  if (!fm.ok) return { ...empty, diagnostics };
  const fromFrontMatter = frontMatterFields(fm, file);
  diagnostics.push(...fromFrontMatter.diagnostics);
  const cleaned = cleanLines(fm.body, file, fm.bodyFirstLine);
  diagnostics.push(...cleaned.diagnostics);

  let fields: SeedFields;
  let body: Body;
  if (layout === 'txt') {
    const plain = parsePlainSeed(cleaned.lines, file, fm.bodyFirstLine, knownSources);
    diagnostics.push(...plain.diagnostics);
    fields = mergeFields(plain.fields, fromFrontMatter.fields);
    body = plain.body;
  } else {
    fields = fromFrontMatter.fields;
    body = { kind: 'html', html: renderMarkdown(cleaned.lines.join('\n')), line: fm.bodyFirstLine };
  }
  return { file, layout, hash, fields, body, diagnostics, repairs: cleaned.repairs, ok: !diagnostics.some((d) => d.severity === 'error') };
}

/** Front matter wins, key by key; a front-matter source object is merged over the text's. */
export function mergeFields(fromText: SeedFields, fromFrontMatter: SeedFields): SeedFields {
  const merged: SeedFields = { ...fromText, ...fromFrontMatter };
  if (fromText.source && fromFrontMatter.source) {
    merged.source = { value: { ...fromText.source.value, ...fromFrontMatter.source.value }, line: fromFrontMatter.source.line };
  }
  return merged;
}
