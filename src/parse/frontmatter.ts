import matter from 'gray-matter';
import { parseDocument, LineCounter, visit, isMap, isPair, isScalar, type Document, type YAMLError } from 'yaml';
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { SeedFields, SourceField } from './fields.js';
import { describe, isRecord } from '../config.js';
import { splitList } from './seed.js';

/** Front matter larger than this is refused: it is metadata, not a payload. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;

export interface FrontMatter {
  /** The parsed YAML mapping; empty when the seed has none. */
  data: Record<string, unknown>;
  /** File line of each top-level key. */
  lines: Record<string, number>;
  /** The text after the closing delimiter. */
  body: string;
  /** File line of the body's first line. */
  bodyFirstLine: number;
  diagnostics: Diagnostic[];
  /** False when the front matter was refused: the seed must not publish. */
  ok: boolean;
}

const OPEN = /^---[ \t]*([^\s-][^\n]*)?\n/;

/** `key: value` whose value, not in quotes nor a list or mapping, holds another `: ` (or ends in `:`). */
const BARE_COLON_VALUE = /^\s*[^\s:#][^:]*:[ \t]+[^\s"'[{|>#][^#]*:(?:\s|$)/;

/**
 * Where a YAML error is to be looked for. A quote never closed is reported
 * where the text it takes in ends (the end of the front matter); the line
 * to fix is the one that opens it.
 */
function errorStart(document: Document.Parsed, e: YAMLError): number {
  const at = e.pos[0];
  if (e.code !== 'MISSING_CHAR' || !/quote/i.test(e.message)) return at;
  let start = at;
  visit(document, {
    Scalar(_, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[0] < at && node.range[1] >= at) start = node.range[0];
    },
  });
  return start;
}

/**
 * Splits YAML front matter off a seed whose line endings are already LF
 * (`prepareText`). Only YAML is accepted: gray-matter would run `---js` /
 * `---javascript` front matter as code (and its `engines: {js: false}` does
 * not stop the `javascript` alias), so the language is checked here before
 * gray-matter sees the text, and its non-YAML engines are replaced by ones
 * that refuse. Anchors and aliases are refused before the YAML is turned
 * into values: a few hundred bytes of nested aliases can expand to gigabytes.
 */
export function splitFrontMatter(text: string, file: string): FrontMatter {
  const none: FrontMatter = { data: {}, lines: {}, body: text, bodyFirstLine: 1, diagnostics: [], ok: true };
  if (!text.startsWith('---')) return none;
  const open = OPEN.exec(text);
  // "----" is not a delimiter, nor is "--- Some words ---": a language is one word, as in gray-matter's "---js".
  if (!open || (open[1] !== undefined && !/^[A-Za-z][\w+.-]*[ \t]*$/.test(open[1]))) return none;
  const language = (open[1] ?? '').trim().toLowerCase();
  const refuse = (rule: string, line: number, message: string): FrontMatter => ({ ...none, body: '', diagnostics: [error(rule, file, line, message)], ok: false });
  if (language !== '' && language !== 'yaml' && language !== 'yml') {
    return refuse('front-matter-language', 1, `front matter in "${open[1]!.trim()}" is not accepted; only YAML front matter ("---" on its own line) is read, and no code in a seed ever runs`);
  }
  // gray-matter ends the front matter at the first line that starts with "---"; it must be "---" alone.
  const lines = text.split('\n');
  const closeIndex = lines.findIndex((line, i) => i > 0 && line.startsWith('---'));
  if (closeIndex === -1) return refuse('front-matter-unclosed', 1, 'front matter opened with "---" on line 1 is never closed; end it with a line "---"');
  if (!/^---[ \t]*$/.test(lines[closeIndex]!)) {
    return refuse('front-matter-unclosed', closeIndex + 1, `the line that ends the front matter must be "---" alone, found ${JSON.stringify(lines[closeIndex]!.slice(0, 40))}`);
  }
  const size = Buffer.byteLength(lines.slice(1, closeIndex).join('\n'), 'utf8');
  if (size > MAX_FRONT_MATTER_BYTES) {
    return refuse('front-matter-size', 1, `front matter is ${size} bytes; the limit is ${MAX_FRONT_MATTER_BYTES} bytes. Keep front matter to metadata and move long text into the body`);
  }

  const lineCounter = new LineCounter();
  let document: Document.Parsed | undefined;
  const diagnostics: Diagnostic[] = [];
  const refuseCode = (): never => {
    throw new Error('only YAML front matter is read');
  };
  try {
    matter(text, {
      language: 'yaml',
      excerpt: false,
      engines: {
        yaml: (source: string) => {
          document = parseDocument(source, { lineCounter, schema: 'core', uniqueKeys: true, prettyErrors: false });
          return {};
        },
        js: refuseCode,
        javascript: refuseCode,
        coffee: refuseCode,
        coffeescript: refuseCode,
        cson: refuseCode,
        json: refuseCode,
        toml: refuseCode,
      },
    } as unknown as Parameters<typeof matter>[1]);
  } catch (e) {
    return refuse('front-matter-yaml', 1, `front matter cannot be read: ${(e as Error).message}`);
  }

  // The YAML source gray-matter hands over starts with the rest of line 1, so its line n is file line n.
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const body = lines.slice(closeIndex + 1).join('\n');
  const bodyFirstLine = closeIndex + 2;
  if (!document) return { ...none, body, bodyFirstLine };

  const reported = new Set<string>();
  for (const e of document.errors) {
    let reason = /call stack/i.test(e.message) ? 'it nests too deeply' : e.message.split('\n')[0]!;
    const line = lineOf(errorStart(document, e));
    // Most often a title with a colon in it, written bare.
    if (/nested mappings/i.test(reason) && BARE_COLON_VALUE.test(lines[line - 1] ?? '')) reason += '; a value that holds ": " goes in quotes (title: "Asbarez: Talks Resume")';
    const found = error('front-matter-yaml', file, line, `front matter is not valid YAML: ${reason}`);
    // The parser can report one problem twice, at one place.
    const key = `${found.line}\u0000${found.message}`;
    if (!reported.has(key)) diagnostics.push(found);
    reported.add(key);
  }
  if (diagnostics.length) return { ...none, body, bodyFirstLine, diagnostics, ok: false };

  let aliasLine: number | undefined;
  visit(document, {
    Alias(_, node) {
      aliasLine ??= lineOf(node.range?.[0]);
      return visit.BREAK;
    },
    Node(_, node) {
      if ((node as { anchor?: string }).anchor) {
        aliasLine ??= lineOf(node.range?.[0]);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (aliasLine !== undefined) {
    return { ...none, body, bodyFirstLine, diagnostics: [error('front-matter-alias', file, aliasLine, 'YAML anchors and aliases (&name, *name) are not accepted in front matter; write each value out')], ok: false };
  }

  const contents = document.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    return { ...none, body, bodyFirstLine };
  }
  if (!isMap(contents)) {
    return { ...none, body, bodyFirstLine, diagnostics: [error('front-matter-type', file, 2, 'front matter must be a mapping of keys to values (key: value)')], ok: false };
  }
  // No prototype: a key named "__proto__" must be a key like any other.
  const keyLines: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const pair of contents.items) {
    if (isPair(pair) && isScalar(pair.key)) keyLines[String(pair.key.value)] = lineOf(pair.key.range?.[0]);
  }
  const data = document.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
  return { data, lines: keyLines, body, bodyFirstLine, diagnostics, ok: true };
}

const FRONT_MATTER_KEYS = ['title', 'date', 'source', 'categories', 'tags', 'author', 'shared_by', 'link', 'summary', 'id', 'language', 'draft'];

/**
 * A category's name as YAML gives it: text, or a whole number, as YAML reads
 * a year (`categories: 2023`, `[Politics, 2023]`), which names the category
 * as written. A number written otherwise (`2023.10`, which YAML reads as
 * 2023.1) would not, and is to be quoted.
 */
function isCategoryName(x: unknown): boolean {
  return typeof x === 'string' || (typeof x === 'number' && Number.isSafeInteger(x));
}

/**
 * Type-checks the known front-matter keys once, here, so the rest of the
 * pipeline trusts its types. `title: 1984` is a number, not a title: the seed
 * is rejected with the key's line and what was expected.
 */
export function frontMatterFields(fm: FrontMatter, file: string): { fields: SeedFields; diagnostics: Diagnostic[] } {
  const fields: SeedFields = {};
  const diagnostics: Diagnostic[] = [];
  const { data, lines } = fm;
  const lineOf = (key: string) => lines[key] ?? 1;
  const bad = (key: string, expected: string) =>
    diagnostics.push(error('front-matter-type', file, lineOf(key), `front matter "${key}" must be ${expected}, found ${describe(data[key])}`));
  const str = (key: string): string | undefined => {
    const v = data[key];
    if (v === undefined || v === null) return undefined;
    // A date tagged `!!timestamp` reaches here as a Date: the instant it names.
    if (key === 'date' && v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
    if (typeof v !== 'string') {
      bad(key, key === 'date' ? 'a date such as 2023-03-02, 2023-03-02T10:00:00Z or Thu, 02 Mar 2023 10:00:00 +0000' : 'text');
      return undefined;
    }
    return v.trim() || undefined;
  };

  for (const key of Object.keys(data)) {
    if (!FRONT_MATTER_KEYS.includes(key)) {
      diagnostics.push(warning('front-matter-unknown-key', file, lineOf(key), `unknown front-matter key "${key}" is ignored; known keys: ${FRONT_MATTER_KEYS.join(', ')}`));
    }
  }
  const set = <K extends keyof SeedFields>(field: K, key: string, value: NonNullable<SeedFields[K]>['value'] | undefined) => {
    if (value !== undefined) (fields as Record<string, unknown>)[field] = { value, line: lineOf(key) };
  };
  set('title', 'title', str('title'));
  set('summary', 'summary', str('summary'));
  set('date', 'date', str('date'));
  set('link', 'link', str('link'));
  set('author', 'author', str('author'));
  set('sharedBy', 'shared_by', str('shared_by'));
  set('id', 'id', str('id'));
  set('language', 'language', str('language'));

  if (data.draft !== undefined && data.draft !== null) {
    if (typeof data.draft === 'boolean') set('draft', 'draft', data.draft);
    else bad('draft', 'true or false');
  }

  for (const key of ['categories', 'tags']) {
    const v = data[key];
    if (v === undefined || v === null) continue;
    let list: string[] | undefined;
    if (typeof v === 'string') list = splitList(v);
    else if (typeof v === 'number' && isCategoryName(v)) list = [String(v)];
    else if (Array.isArray(v) && v.every(isCategoryName)) list = v.map((x) => String(x).trim()).filter(Boolean);
    else if (Array.isArray(v)) {
      // Name the entry that is not a name, not the list.
      const at = v.findIndex((x) => !isCategoryName(x));
      const entry = v[at];
      diagnostics.push(
        error('front-matter-type', file, lineOf(key), `front matter "${key}": entry ${at + 1} is not a name, found ${describe(entry)}; write each entry as text${typeof entry === 'number' ? ' (a name that YAML reads as a number other than a whole one, such as 2023.10, in quotes)' : ''}`),
      );
    } else bad(key, 'a list of names or a comma-separated string (a name that YAML reads as a number other than a whole one, such as 2023.10, in quotes)');
    if (list) {
      const merged = [...(fields.categories?.value ?? []), ...list];
      fields.categories = { value: merged, line: fields.categories?.line ?? lineOf(key) };
    }
  }

  const source = data.source;
  if (source !== undefined && source !== null) {
    if (typeof source === 'string') set('source', 'source', { name: source.trim() });
    else if (isRecord(source)) {
      const value: SourceField = {};
      for (const [k, v] of Object.entries(source)) {
        if (!['name', 'url', 'feed'].includes(k)) {
          diagnostics.push(warning('front-matter-unknown-key', file, lineOf('source'), `unknown key "source.${k}" is ignored; known: name, url, feed`));
        } else if (typeof v !== 'string') {
          diagnostics.push(error('front-matter-type', file, lineOf('source'), `front matter "source.${k}" must be text, found ${describe(v)}`));
        } else value[k as 'name' | 'url' | 'feed'] = v.trim();
      }
      set('source', 'source', value);
    } else bad('source', 'a name or {name, url, feed}');
  }
  return { fields, diagnostics };
}
