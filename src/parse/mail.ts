import { warning, type Diagnostic } from '../diagnostics.js';
import type { Repair } from '../text.js';
import { decodeWindows1252, windows1252Byte, WINDOWS_1252_HIGH, WINDOWS_1252_UNDEFINED } from './windows-1252.js';

/**
 * Known mail artifacts in reposted seeds (issue class 10): quoted-printable
 * residue, RFC 2047 encoded words and UTF-8 read as Windows-1252. Every one
 * found is a warning naming its line; the text is changed only where the
 * repair is certain, and each change is a `Repair` for the build report.
 */

export interface RepairedLines {
  lines: string[];
  /** The file line of each of `lines`. */
  lineNumbers: number[];
  diagnostics: Diagnostic[];
  repairs: Repair[];
}

export interface RepairedText {
  text: string;
  diagnostics: Diagnostic[];
  repairs: Repair[];
}

/** Body lines (already LF-split and right-trimmed): encoded words, then quoted-printable, then mojibake, then C1 controls. */
export function repairMailArtifacts(lines: readonly string[], lineNumbers: readonly number[], file: string): RepairedLines {
  const diagnostics: Diagnostic[] = [];
  const repairs: Repair[] = [];
  const words = lines.map((line, i) => {
    const r = repairEncodedWords(line, file, lineNumbers[i]!);
    append(diagnostics, r.diagnostics);
    append(repairs, r.repairs);
    return r.text;
  });
  const qp = repairQuotedPrintable(words, lineNumbers, file);
  append(diagnostics, qp.diagnostics);
  append(repairs, qp.repairs);
  const out = qp.lines.map((line, i) => {
    const r = repairMojibake(line, file, qp.lineNumbers[i]!);
    const c1 = repairC1Controls(r.text, file, qp.lineNumbers[i]!);
    append(diagnostics, r.diagnostics);
    append(diagnostics, c1.diagnostics);
    append(repairs, r.repairs);
    append(repairs, c1.repairs);
    return c1.text;
  });
  return { lines: out, lineNumbers: qp.lineNumbers, diagnostics, repairs };
}

/** One value (a front-matter field): encoded words, mojibake and C1 controls. Quoted-printable is a body transfer encoding, not looked for here. */
export function repairMailText(text: string, file: string, line: number): RepairedText {
  const words = repairEncodedWords(text, file, line);
  const moji = repairMojibake(words.text, file, line);
  const c1 = repairC1Controls(moji.text, file, line);
  return { text: c1.text, diagnostics: [...words.diagnostics, ...moji.diagnostics, ...c1.diagnostics], repairs: [...words.repairs, ...moji.repairs, ...c1.repairs] };
}

// ---------------------------------------------------------------------------
// Shared checks

/** C0 and C1 controls (tab aside), noncharacters and lone surrogates: what no repair may produce. */
const NOT_TEXT = /[\x00-\x08\x0A-\x1F\x7F-\x9F\uFFFE\uFFFF\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Decodes in a charset Node knows (undefined when it does not, or the bytes are not valid in it). */
function decodeStrict(bytes: Uint8Array, charset: string): string | undefined {
  try {
    const decoder = new TextDecoder(charset, { fatal: true, ignoreBOM: true });
    // WHATWG reads latin1, ascii and windows-1252 labels all as Windows-1252; see windows-1252.ts.
    return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function quote(text: string, max = 40): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > max ? chars.slice(0, max).join('') + '…' : text);
}

// ---------------------------------------------------------------------------
// RFC 2047 encoded words: =?charset?Q?text?= and =?charset?B?text?=

/** RFC 2047 section 2 (with the RFC 2231 `*language` suffix on the charset). */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[A-Za-z0-9-]*)?\?([QqBb])\?([^?\s]*)\?=/g;
/** The start of an encoded word, for ones left broken (cut off, or missing `?=`). */
const ENCODED_WORD_START = /=\?[^?\s]+\?[QqBb]\?/g;

interface EncodedWord {
  start: number;
  end: number;
  charset: string;
  bytes?: Uint8Array;
}

function encodedWordBytes(encoding: string, payload: string): Uint8Array | undefined {
  if (encoding === 'B' || encoding === 'b') {
    // RFC 2047 4.1: the base64 alphabet, padded to a multiple of 4.
    if (payload.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return undefined;
    const bytes = Buffer.from(payload, 'base64');
    return bytes.toString('base64') === payload ? bytes : undefined;
  }
  // RFC 2047 4.2: "_" is a space, "=XX" a byte, other printable ASCII stands for itself.
  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    if (c === 0x5f) bytes.push(0x20);
    else if (c === 0x3d) {
      const hex = payload.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c > 0x20 && c < 0x7f) bytes.push(c);
    else return undefined;
  }
  return Uint8Array.from(bytes);
}

/**
 * Decodes encoded words when certain: a charset Node knows, a well-formed
 * payload, bytes that decode strictly in that charset, and text without
 * controls. Adjacent words separated only by white space are one run and
 * lose that white space (RFC 2047 6.2); a character split across two words
 * of the same charset is joined before decoding.
 */
export function repairEncodedWords(text: string, file: string, line: number): RepairedText {
  const diagnostics: Diagnostic[] = [];
  const repairs: Repair[] = [];
  if (!text.includes('=?')) return { text, diagnostics, repairs };
  const words: EncodedWord[] = [];
  for (const m of text.matchAll(ENCODED_WORD)) {
    const bytes = encodedWordBytes(m[2]!, m[3]!);
    words.push({ start: m.index, end: m.index + m[0].length, charset: m[1]!.toLowerCase(), ...(bytes ? { bytes } : {}) });
  }
  let out = '';
  let last = 0;
  for (let i = 0; i < words.length; ) {
    let j = i;
    while (j + 1 < words.length && /^[ \t]*$/.test(text.slice(words[j]!.end, words[j + 1]!.start))) j++;
    const run = words.slice(i, j + 1);
    const from = text.slice(run[0]!.start, run[run.length - 1]!.end);
    const decoded = decodeWordRun(run);
    out += text.slice(last, run[0]!.start);
    if (typeof decoded === 'string') {
      out += decoded;
      repairs.push({ file, line, rule: 'mail-encoded-word', from, to: decoded });
      diagnostics.push(warning('mail-encoded-word', file, line, `RFC 2047 encoded word ${quote(from)} decoded to ${quote(decoded)}; write the text itself in the seed to silence this`, run[0]!.start + 1));
    } else {
      out += from;
      diagnostics.push(warning('mail-encoded-word', file, line, `${quote(from)} looks like an RFC 2047 encoded word but is not repaired: ${decoded.why}. Replace it with the text it stands for`, run[0]!.start + 1));
    }
    last = run[run.length - 1]!.end;
    i = j + 1;
  }
  out += text.slice(last);
  let w = 0;
  for (const m of text.matchAll(ENCODED_WORD_START)) {
    while (w < words.length && words[w]!.end <= m.index) w++;
    if (w < words.length && words[w]!.start <= m.index) continue;
    diagnostics.push(warning('mail-encoded-word', file, line, `${quote(text.slice(m.index, m.index + 30))} looks like the start of an RFC 2047 encoded word that is cut off (no closing "?="); not repaired. Replace it with the text it stands for`, m.index + 1));
  }
  return { text: out, diagnostics, repairs };
}

function decodeWordRun(run: readonly EncodedWord[]): string | { why: string } {
  let text = '';
  for (let i = 0; i < run.length; ) {
    const charset = run[i]!.charset;
    let j = i;
    while (j + 1 < run.length && run[j + 1]!.charset === charset) j++;
    const parts = run.slice(i, j + 1);
    if (parts.some((w) => !w.bytes)) return { why: 'its encoded text is malformed' };
    try {
      new TextDecoder(charset);
    } catch {
      return { why: `the charset "${charset}" is unknown` };
    }
    const bytes = Buffer.concat(parts.map((w) => w.bytes!));
    const decoded = decodeStrict(bytes, charset);
    if (decoded === undefined) return { why: `its bytes are not valid ${charset}` };
    if (NOT_TEXT.test(decoded)) return { why: 'it decodes to control characters' };
    text += decoded;
    i = j + 1;
  }
  return text;
}

// ---------------------------------------------------------------------------
// Quoted-printable residue (RFC 2045 6.7): "=XX" escapes and "=" soft line breaks

/**
 * Text a quoted-printable scan leaves alone: URIs (query strings are full of
 * "=") and encoded words that stayed undecoded.
 */
const PROTECTED = /\b(?:https?|ftp|mailto|tag|urn|file):\S+|\bwww\.\S+|=\?[^?\s]+\?[QqBb]\?[^?\s]*(?:\?=)?/gi;

/**
 * ASCII bytes an encoder escapes: "=" must be (RFC 2045 rule 1), space and
 * tab are at a line end (rule 3), and "!\"#$@[\]^`{|}~" may be for EBCDIC
 * gateways. An escaped letter or digit is never produced, so "=41" is not
 * quoted-printable.
 */
const ESCAPABLE_ASCII = new Set([0x09, 0x20, 0x3d, ...Array.from('!"#$@[\\]^`{|}~', (c) => c.charCodeAt(0))]);

interface QpScan {
  /** `=` signs that are neither an escape nor a soft line break: the text is not quoted-printable. */
  strays: number;
  escapes: number;
  softBreak: boolean;
  /** The first escape-looking token, for the message. */
  sample?: string;
  column: number;
}

function scanQuotedPrintable(line: string): QpScan {
  const scan: QpScan = { strays: 0, escapes: 0, softBreak: false, column: 0 };
  if (!line.includes('=')) return scan;
  const masked = line.replace(PROTECTED, (m) => ' '.repeat(m.length));
  for (let i = masked.indexOf('='); i !== -1; i = masked.indexOf('=', i + 1)) {
    const hex = masked.slice(i + 1, i + 3);
    if (i === masked.length - 1) {
      // A soft line break: "=" ends the line. "===" (a Markdown underline) is not one.
      if (i > 0 && masked[i - 1] !== '=') {
        scan.softBreak = true;
        scan.column ||= i + 1;
      } else scan.strays++;
    } else if (/^[0-9A-F]{2}$/.test(hex)) {
      scan.escapes++;
      scan.sample ??= /^(?:=[0-9A-F]{2})+/.exec(masked.slice(i))![0];
      scan.column ||= i + 1;
      i += 2;
    } else if (/^[0-9a-f]{2}$/i.test(hex)) {
      // Lower-case hex: RFC 2045 requires upper case, so it is suspicious but not certain.
      scan.strays++;
      scan.sample ??= masked.slice(i, i + 3);
      scan.column ||= i + 1;
      i += 2;
    } else scan.strays++;
  }
  return scan;
}

/** Decodes one run of escapes when certain: complete UTF-8 sequences, or ASCII an encoder escapes. */
function decodeEscapeRun(run: string): string | undefined {
  const bytes = Uint8Array.from(run.slice(1).split('='), (h) => parseInt(h, 16));
  const text = decodeStrict(bytes, 'utf-8');
  if (text === undefined || NOT_TEXT.test(text)) return undefined;
  if (bytes.some((b) => b < 0x80 && !ESCAPABLE_ASCII.has(b))) return undefined;
  return text;
}

/**
 * Quoted-printable residue is decoded only when the whole body is certainly
 * quoted-printable: at least one escape, every "=" outside URIs an escape or
 * a soft line break, and every run of escapes (soft breaks joined first, as
 * an encoder may split a character's bytes across lines) decoding to
 * complete UTF-8 characters or to ASCII an encoder escapes. "=E9" alone is
 * Latin-1 or Windows-1252 or another charset: not certain. Otherwise each
 * line that looks like residue is warned and left as written.
 */
export function repairQuotedPrintable(lines: readonly string[], lineNumbers: readonly number[], file: string): RepairedLines {
  const scans = lines.map(scanQuotedPrintable);
  const suspicious = scans.map((s) => s.escapes > 0 || s.softBreak || s.sample !== undefined);
  const unchanged: RepairedLines = { lines: [...lines], lineNumbers: [...lineNumbers], diagnostics: [], repairs: [] };
  if (!suspicious.some(Boolean)) return unchanged;

  let why: string | undefined;
  const strayAt = scans.findIndex((s) => s.strays > 0);
  if (!scans.some((s) => s.escapes > 0)) why = 'there is no "=XX" escape, only a line ending in "="';
  else if (strayAt !== -1) why = `line ${lineNumbers[strayAt]} has an "=" that is not quoted-printable`;

  // Join soft line breaks; a chain of joined lines keeps the number of its first line.
  const chains: { parts: string[]; line: number; softBreaks: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const chain = i > 0 && scans[i - 1]!.softBreak ? chains[chains.length - 1]! : undefined;
    if (chain) {
      chain.parts[chain.parts.length - 1] = chain.parts[chain.parts.length - 1]!.slice(0, -1);
      chain.parts.push(lines[i]!);
    } else chains.push({ parts: [lines[i]!], line: lineNumbers[i]!, softBreaks: 0 });
    if (scans[i]!.softBreak) chains[chains.length - 1]!.softBreaks++;
  }
  const joined = chains.map((c) => ({ text: c.parts.join(''), line: c.line, softBreaks: c.softBreaks }));
  const decodedLines: string[] = [];
  const repairs: Repair[] = [];
  const decodedDiagnostics: Diagnostic[] = [];
  if (!why) {
    for (const chain of joined) {
      // A soft break on the last line joins it to nothing.
      let text = scans[lines.length - 1]!.softBreak && chain === joined[joined.length - 1] ? chain.text.slice(0, -1) : chain.text;
      const masked = text.replace(PROTECTED, (m) => '\u0000'.repeat(m.length));
      const found: { from: string; to: string }[] = [];
      let out = '';
      let last = 0;
      for (const m of masked.matchAll(/(?:=[0-9A-F]{2})+/g)) {
        const run = text.slice(m.index, m.index + m[0].length);
        const to = decodeEscapeRun(run);
        if (to === undefined) {
          why = `${quote(run)} on line ${chain.line} is not UTF-8 (the mail's charset is unknown)`;
          break;
        }
        out += text.slice(last, m.index) + to;
        last = m.index + m[0].length;
        found.push({ from: run, to });
      }
      if (why) break;
      text = out + text.slice(last);
      decodedLines.push(text);
      for (const f of found) repairs.push({ file, line: chain.line, rule: 'mail-quoted-printable', ...f });
      for (let k = 0; k < chain.softBreaks; k++) repairs.push({ file, line: chain.line, rule: 'mail-quoted-printable', from: '=\n', to: '' });
      if (found.length || chain.softBreaks) {
        const parts: string[] = [];
        if (found.length) parts.push(`${found.length} escape(s) such as ${quote(found[0]!.from)} -> ${quote(found[0]!.to)}`);
        if (chain.softBreaks) parts.push(`${chain.softBreaks} soft line break(s) joined`);
        decodedDiagnostics.push(warning('mail-quoted-printable', file, chain.line, `quoted-printable residue decoded (${parts.join(', ')}); save the mail text decoded to silence this`));
      }
    }
  }
  if (!why) return { lines: decodedLines, lineNumbers: joined.map((c) => c.line), diagnostics: decodedDiagnostics, repairs };

  for (let i = 0; i < lines.length; i++) {
    if (!suspicious[i]) continue;
    const s = scans[i]!;
    const what = s.sample ? quote(s.sample) : 'a line ending in "="';
    unchanged.diagnostics.push(
      warning('mail-quoted-printable', file, lineNumbers[i]!, `${what} looks like quoted-printable residue but is not repaired: ${why}. Replace the escapes with the characters they stand for`, s.column || 1),
    );
  }
  return unchanged;
}

// ---------------------------------------------------------------------------
// Mojibake: UTF-8 bytes read as Windows-1252 (or Latin-1), e.g. "â€™" for "’"

/** A UTF-8 continuation byte (0x80-0xBF) as Windows-1252 or Latin-1 shows it. */
const CONT = `[\\u0080-\\u00BF${String.fromCharCode(...WINDOWS_1252_HIGH.filter((c) => c > 0xff))}]`;
/** A lead byte (0xC2-0xF4) and its continuation bytes, repeated: one run of mojibake. */
const MOJIBAKE = new RegExp(`(?:[\\u00C2-\\u00DF]${CONT}|[\\u00E0-\\u00EF]${CONT}{2}|[\\u00F0-\\u00F4]${CONT}{3})+`, 'g');
/** Traces of mojibake whose bytes were lost or replaced, e.g. "â€" + U+FFFD for a right double quote. */
const MOJIBAKE_TRACE = new RegExp(`â€(?!${CONT})|[ÂÃâ]\\uFFFD`, 'g');
/** What may follow a word: a closing quote, an ellipsis, a dash. */
const CLOSING_PUNCTUATION = /[’”»›…–—]/;

/** The byte behind a character of a mojibake run: Windows-1252, or Latin-1 for the C1 controls. */
function mojibakeByte(ch: string): number {
  return windows1252Byte(ch) ?? ch.charCodeAt(0);
}

/**
 * What one character of mojibake most often stands for: Latin-1 and Latin
 * Extended-A letters and signs, punctuation (’ “ ” – — …), currency (€),
 * letterlike symbols (™ №) and emoji. One character outside these, made of
 * a letter and punctuation that follows words (`AFTER_A_WORD`), is more
 * likely real text that looks like mojibake: French `à »` (with its no-break
 * space) would decode to a Samaritan mark, `CAFÉ…` to `CAFɅ`, `Ø°` to an
 * Arabic letter.
 */
const COMMON_ALONE = /^[\u00A0-\u017F\u2010-\u205F\u20A0-\u20CF\u2100-\u214F\u{1F000}-\u{1FAFF}]$/u;

/** What follows a word in text as written: a no-break space, quotes, an ellipsis, dashes, a degree sign, a bullet. */
const AFTER_A_WORD = /^[\u00A0\u202F«»‹›‘’“”…–—°·•]$/;

/** Scripts whose letters mojibake runs decode to, as far as one is told apart from another here. */
const SCRIPTS = ['Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Georgian', 'Devanagari', 'Bengali', 'Thai', 'Han', 'Hiragana', 'Katakana', 'Hangul'].map(
  (name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const,
);

/** The scripts of the letters of `text`; `other` for letters of a script not listed. */
function scriptsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    found.add(SCRIPTS.find(([, re]) => re.test(ch))?.[0] ?? 'other');
  }
  return found;
}

/**
 * How a run reads: `{ to }` when it is certainly mojibake, repaired to
 * `to`; `uncertain` when it may be (warned, not repaired); `{ alone }` when
 * it decodes to one character that is not a common one (repaired only when
 * a longer run of the same text decodes to letters of that character's
 * script, as Armenian `և` beside Armenian words, else taken as the text it
 * is).
 *
 * A run is certain when its bytes decode strictly as UTF-8 to text without
 * controls that fits its place: letters of one script, no letter of another
 * script glued to Latin letters (a Latin word's accented letters and
 * punctuation decoding to Greek or CJK letters), nor a single letter whose
 * last byte is a closing quote, an ellipsis or a dash at the end of a word
 * ("IRMÃ”" and "MAÇÃ…" are Portuguese, not "IRMÔ" and "MAÇÅ").
 */
function readRun(text: string, start: number, run: string): { to: string } | { alone: string } | 'uncertain' {
  const chars = Array.from(run);
  const decoded = decodeStrict(Uint8Array.from(chars, mojibakeByte), 'utf-8');
  if (decoded === undefined || NOT_TEXT.test(decoded)) return 'uncertain';
  // One rare character from a letter and punctuation that follows words is the text as written (French `été »` would
  // be a CJK character, `CAFÉ…` `CAFɅ`): not even a doubt. From other bytes (`È™`, `âˆ’`) it is mojibake of `ș`, `−`.
  const alone = Array.from(decoded).length === 1;
  if (alone && !COMMON_ALONE.test(decoded) && chars.slice(1).every((ch) => AFTER_A_WORD.test(ch))) return { alone: decoded };
  const before = text.slice(Math.max(0, start - 2), start);
  const after = text.slice(start + run.length, start + run.length + 2);
  const latinBefore = /\p{Script=Latin}$/u.test(before);
  const latinAfter = /^\p{Script=Latin}/u.test(after);
  if ((latinBefore || latinAfter) && /[\p{L}](?<!\p{Script=Latin})/u.test(decoded)) return 'uncertain';
  if (chars.length === 2 && CLOSING_PUNCTUATION.test(run.slice(-1)) && !/^[\p{L}\p{N}]/u.test(after)) return 'uncertain';
  return alone || scriptsOf(decoded).size <= 1 ? { to: decoded } : 'uncertain';
}

/** Repairs certain mojibake runs (twice over for text that was mis-decoded twice); warns for the rest. */
export function repairMojibake(text: string, file: string, line: number): RepairedText {
  const diagnostics: Diagnostic[] = [];
  const repairs: Repair[] = [];
  if (!/[\u00C2-\u00F4]/.test(text)) return { text, diagnostics, repairs };
  let current = text;
  const uncertain: { run: string; column: number }[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const runs = Array.from(current.matchAll(MOJIBAKE), (m) => ({ index: m.index, run: m[0], read: readRun(current, m.index, m[0]) }));
    // The scripts the longer runs of this text decode to: a lone letter of one of them is repaired with them.
    const scripts = new Set<string>();
    for (const { read } of runs) if (typeof read === 'object' && 'to' in read && Array.from(read.to).length > 1) for (const s of scriptsOf(read.to)) scripts.add(s);
    let changed = false;
    let out = '';
    let last = 0;
    for (const { index, run, read } of runs) {
      let to: string | undefined;
      if (read === 'uncertain') {
        if (pass === 0) uncertain.push({ run, column: index + 1 });
      } else if ('to' in read) to = read.to;
      else if ([...scriptsOf(read.alone)].some((script) => scripts.has(script))) to = read.alone;
      if (to === undefined) continue;
      out += current.slice(last, index) + to;
      last = index + run.length;
      repairs.push({ file, line, rule: 'mail-mojibake', from: run, to });
      diagnostics.push(warning('mail-mojibake', file, line, `${quote(run)} is UTF-8 read as Windows-1252; repaired to ${quote(to)}. Save the text as UTF-8 to silence this`, pass === 0 ? index + 1 : 1));
      changed = true;
    }
    if (!changed) break;
    current = out + current.slice(last);
  }
  for (const u of uncertain) {
    diagnostics.push(warning('mail-mojibake', file, line, `${quote(u.run)} may be UTF-8 read as Windows-1252 but is not repaired: it does not decode to text that fits here. Check the line and fix it by hand`, u.column));
  }
  for (const m of current.matchAll(MOJIBAKE_TRACE)) {
    diagnostics.push(warning('mail-mojibake', file, line, `${quote(current.slice(m.index, m.index + 4))} is what is left of UTF-8 read as Windows-1252, with bytes lost; not repaired. Replace it with the character meant (often ’ “ ” – —)`, m.index + 1));
  }
  return { text: current, diagnostics, repairs };
}

// ---------------------------------------------------------------------------
// C1 controls: Windows-1252 text read as Latin-1

const C1_RUN = /[\x7F-\x9F]+/g;

/**
 * U+0080 to U+009F are C1 control characters, which no one types and XML
 * 1.0 (2.2) asks documents to avoid, and U+007F is DEL. In a seed they are
 * Windows-1252 bytes that a mail program decoded as Latin-1: 0x93 and 0x94
 * were curly quotes, 0x96 a dash, 0x85 an ellipsis. Each becomes the
 * Windows-1252 character; the five bytes Windows-1252 leaves undefined, and
 * DEL, are removed.
 */
export function repairC1Controls(text: string, file: string, line: number): RepairedText {
  const diagnostics: Diagnostic[] = [];
  const repairs: Repair[] = [];
  C1_RUN.lastIndex = 0;
  if (!C1_RUN.test(text)) return { text, diagnostics, repairs };
  const repaired = text.replace(C1_RUN, (run: string, at: number) => {
    const to = Array.from(run, (ch) => {
      const code = ch.charCodeAt(0);
      return code === 0x7f || WINDOWS_1252_UNDEFINED.has(code) ? '' : String.fromCharCode(WINDOWS_1252_HIGH[code - 0x80]!);
    }).join('');
    const codes = Array.from(run, (ch) => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
    repairs.push({ file, line, rule: 'mail-c1-control', from: run, to });
    diagnostics.push(
      warning('mail-c1-control', file, line, `control character(s) ${codes}: Windows-1252 read as Latin-1; ${to ? `repaired to ${quote(to)}` : 'removed'}. Save the text as UTF-8 to silence this`, at + 1),
    );
    return to;
  });
  return { text: repaired, diagnostics, repairs };
}

/** Appends without spreading: a seed can carry more diagnostics or repairs than a call's argument limit. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
