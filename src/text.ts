import { warning, error, type Diagnostic } from './diagnostics.js';
import { repairMailArtifacts } from './parse/mail.js';
import { decodeWindows1252, WINDOWS_1252_UNDEFINED } from './parse/windows-1252.js';

/** XML 1.0 (Fifth Edition) production `Char` excludes these: C0 controls but tab/LF/CR, U+FFFE, U+FFFF and lone surrogates. */
const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The same characters without lookarounds, which V8 scans several times faster; any surrogate sends the text on to the exact check. */
const MAYBE_XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * A name as seedfeed matches names (topics, configured sources): without
 * regard to case, nor to how its letters are composed (Unicode NFC: "café"
 * typed as one character or as "e" and a combining accent is one name).
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** A name written as mail writes a sender: `Emma Jilavian <emma@example.org>`, the name in quotes or not, or none. */
const MAILBOX = /^"?([^"<>]*?)"?\s*<[^<>\s@]+@[^<>\s]+>$/;
/** The older form, the name in a comment after the address: `emma@example.org (Emma Jilavian)`. */
const ADDRESS_COMMENT = /^[^\s<>()@]+@[^\s<>()]+\s*\(([^()]*)\)$/;
/** A mail address alone. */
const ADDRESS = /^<?[^\s<>()@]+@[^\s<>()@.]+(?:\.[^\s<>()@.]+)+>?$/;
/** Longer than any mailbox (an address is at most 254 characters): not read as one, and no regex runs over it. */
const MAILBOX_MAX = 400;

/**
 * The name a person written as mail writes a sender goes by: the name of
 * `Name <address>` or `address (Name)`, '' for an address alone, undefined
 * for what is no mailbox (a name as it is).
 */
export function mailboxName(value: string): string | undefined {
  if (!value.includes('@') || value.length > MAILBOX_MAX) return undefined;
  const mailbox = MAILBOX.exec(value) ?? ADDRESS_COMMENT.exec(value);
  return mailbox ? mailbox[1]!.trim() : ADDRESS.test(value) ? '' : undefined;
}

export function hasXmlForbidden(text: string): boolean {
  if (!MAYBE_XML_FORBIDDEN.test(text)) return false;
  XML_FORBIDDEN.lastIndex = 0;
  const found = XML_FORBIDDEN.test(text);
  XML_FORBIDDEN.lastIndex = 0;
  return found;
}

export function stripXmlForbidden(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}

export interface Decoded {
  text?: string;
  encoding: 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';
  diagnostics: Diagnostic[];
}

/**
 * Bytes to text. UTF-8 is decoded strictly; text that is not UTF-8 but decodes
 * cleanly as Windows-1252 (common in reposted mail) is read as such with a
 * warning; UTF-16 (with a BOM, or ASCII text with a NUL in every other byte)
 * is decoded with a warning. Anything else is an error: never NULs into XML.
 */
export function decodeSeed(bytes: Uint8Array, file: string): Decoded {
  const diagnostics: Diagnostic[] = [];
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), 'utf-16le', file, 'a UTF-16LE byte-order mark');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), 'utf-16be', file, 'a UTF-16BE byte-order mark');
  const nulPattern = utf16Guess(bytes);
  if (nulPattern) return decodeUtf16(bytes, nulPattern, file, 'a NUL byte in every other position');
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  try {
    return { text: withoutByteOrderMarks(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body)), encoding: 'utf-8', diagnostics };
  } catch {
    const bad = firstInvalidUtf8(body);
    const line = lineOfByte(body, bad);
    const cp1252 = cleanWindows1252(body);
    if ('text' in cp1252) {
      diagnostics.push(
        warning('encoding-windows-1252', file, line, `not valid UTF-8 (byte 0x${hex(body[bad])} at offset ${bad}); read as Windows-1252. Save the file as UTF-8 to silence this`),
      );
      return { text: cp1252.text, encoding: 'windows-1252', diagnostics };
    }
    // The line to fix is the one that rules out Windows-1252 too: a file that is Windows-1252 but for one byte names that byte.
    const other = cp1252.badAt;
    const notWindows = other === bad ? '' : `; not Windows-1252 either: byte 0x${hex(body[other])} at offset ${other} (line ${lineOfByte(body, other)}) is ${body[other] === 0 ? 'a NUL' : 'undefined in Windows-1252'}`;
    diagnostics.push(
      error(
        'encoding-invalid',
        file,
        lineOfByte(body, Math.max(bad, other)),
        `not valid UTF-8 (byte 0x${hex(body[bad])} at offset ${bad}, line ${line})${notWindows || ' and not Windows-1252 either'}; save the file as UTF-8`,
      ),
    );
    return { encoding: 'utf-8', diagnostics };
  }
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be', file: string, why: string): Decoded {
  try {
    const text = withoutByteOrderMarks(new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes));
    return {
      text,
      encoding,
      diagnostics: [warning('encoding-utf16', file, 1, `read as ${encoding.toUpperCase()} (found ${why}); save the file as UTF-8`)],
    };
  } catch {
    return { encoding, diagnostics: [error('encoding-invalid', file, 1, `found ${why} but the text is not valid ${encoding.toUpperCase()}; save the file as UTF-8`)] };
  }
}

/** Text without the byte-order marks left at its start: a file saved twice with one (or copied with one into a file that had one) keeps a second, which would hide the header block. */
function withoutByteOrderMarks(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.replace(/^\uFEFF+/, '') : text;
}

/** ASCII text saved as UTF-16 without a BOM: a NUL in every other byte of the start. */
function utf16Guess(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= pairs * 0.9 && evenNul === 0) return 'utf-16le';
  if (evenNul >= pairs * 0.9 && oddNul === 0) return 'utf-16be';
  return undefined;
}

/**
 * `bytes` read as Windows-1252, or the offset of the first byte that is not
 * Windows-1252 text: one the encoding leaves undefined, or a NUL, which text
 * does not hold and binary files do. Other control characters are read as
 * such (a form feed from a mail digest), for the XML check to remove.
 */
function cleanWindows1252(bytes: Uint8Array): { text: string } | { badAt: number } {
  const badAt = bytes.findIndex((b) => b === 0 || WINDOWS_1252_UNDEFINED.has(b));
  return badAt === -1 ? { text: decodeWindows1252(bytes) } : { badAt };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    if (len > 1) {
      const chunk = bytes.subarray(i, i + len);
      if (chunk.length < len) return i;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(chunk);
      } catch {
        return i;
      }
    }
    i += len;
  }
  return 0;
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).toUpperCase().padStart(2, '0');
}

/** A repair made to the text, counted in the build report. */
export interface Repair {
  file: string;
  line: number;
  rule: string;
  from: string;
  to: string;
}

/**
 * Words that mail-digest sanitizers wrap in underscores to defuse them
 * (the real seed has "free _expression_ of their will"). Restored only where
 * the mangled form is certain: the whole word, underscores on both sides.
 */
const DIGEST_MANGLED = /\b_(expression)_\b/g;

/** `text` with the words a digest sanitizer mangled restored, each restoration pushed to `repairs`. */
export function restoreDigestWords(text: string, file: string, line: number, repairs: Repair[]): string {
  return text.replace(DIGEST_MANGLED, (whole, word: string) => {
    repairs.push({ file, line, rule: 'digest-artifact', from: whole, to: word });
    return word;
  });
}

/** Line endings to LF: CRLF and CR-only text keep every line (and its number). */
export function normalizeLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export interface PreparedText {
  text: string;
  diagnostics: Diagnostic[];
}

/**
 * The whole decoded text, before front matter is split off: LF line endings
 * and no character XML 1.0 forbids, each removal warned with its line. Done
 * once for the whole file so that front matter and body alike are clean and
 * every line number is the file's.
 */
export function prepareText(text: string, file: string): PreparedText {
  const diagnostics: Diagnostic[] = [];
  // Nearly every seed is clean: one scan of the whole text instead of one per line.
  if (!hasXmlForbidden(text)) return { text: text.includes('\r') ? normalizeLineEndings(text) : text, diagnostics };
  const lines = normalizeLineEndings(text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!hasXmlForbidden(line)) continue;
    XML_FORBIDDEN.lastIndex = 0;
    const m = XML_FORBIDDEN.exec(line)!;
    XML_FORBIDDEN.lastIndex = 0;
    const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    const count = line.match(XML_FORBIDDEN)!.length;
    diagnostics.push(
      warning('xml-forbidden-char', file, i + 1, `removed ${count} character(s) XML 1.0 does not allow (first: U+${code}); delete them from the seed to silence this`, m.index + 1),
    );
    lines[i] = stripXmlForbidden(line);
  }
  return { text: lines.join('\n'), diagnostics };
}

export interface CleanLines {
  lines: string[];
  /** The file line of each of `lines` (a quoted-printable soft line break joins two file lines into one). */
  lineNumbers: number[];
  diagnostics: Diagnostic[];
  repairs: Repair[];
}

/**
 * Line-level repairs of SEED-FORMAT.md "Repairs" of text `prepareText` gave
 * (LF line endings, no character XML forbids), or a part of it: trailing
 * spaces, non-breaking spaces used as indentation, known mail artifacts (see
 * parse/mail.ts) and digest artifacts. `firstLine` is the file line of
 * `text`'s first line.
 */
export function cleanLines(text: string, file: string, firstLine = 1): CleanLines {
  const diagnostics: Diagnostic[] = [];
  const repairs: Repair[] = [];
  // trimEnd, not /\s+$/: that regex takes quadratic time on a long run of spaces that does not end the line.
  const trimmed = text.split('\n').map((line) => line.trimEnd());
  const lineNumbers = trimmed.map((_, i) => firstLine + i);
  // Most seeds hold no character any mail repair starts from: their lines are as repairMailArtifacts would leave them.
  const mail = MAIL_ARTIFACT_START.test(text) ? repairMailArtifacts(trimmed, lineNumbers, file) : { lines: trimmed, lineNumbers, diagnostics: [], repairs: [] };
  append(diagnostics, mail.diagnostics);
  append(repairs, mail.repairs);
  // The same for the indentation and digest repairs, whose regexes would otherwise run on every line (the mail repairs
  // can make what they look for: `=C2=A0` is a no-break space).
  const repaired = mail.lines !== trimmed;
  const indented = repaired || NBSP_LIKE.test(text);
  const digest = repaired || text.includes(DIGEST_MARK);
  const lines = mail.lines.map((raw, i) => {
    const line = indented ? raw.replace(INDENTATION, (lead) => lead.replace(NBSP_LIKE_ALL, ' ')).trimEnd() : raw.trimEnd();
    return digest ? restoreDigestWords(line, file, mail.lineNumbers[i]!, repairs) : line;
  });
  return { lines, lineNumbers: mail.lineNumbers, diagnostics, repairs };
}

/**
 * Characters every repair of parse/mail.ts starts from: `=` (encoded words,
 * quoted-printable), C1 controls and DEL, and the first characters of UTF-8
 * read as Windows-1252 (`repairMojibake`). Text without any is left as it is.
 */
const MAIL_ARTIFACT_START = /[=\x7F-\x9F\u00C2-\u00F4]/;
/** Spaces that do not break, which indentation may be made of. */
const NBSP_LIKE_CHARS = '\u00A0\u2007\u202F';
const NBSP_LIKE = new RegExp(`[${NBSP_LIKE_CHARS}]`);
const NBSP_LIKE_ALL = new RegExp(`[${NBSP_LIKE_CHARS}]`, 'g');
/** A line's indentation: spaces, tabs and those. */
const INDENTATION = new RegExp(`^[${NBSP_LIKE_CHARS}\\t ]+`);
/** What every mangled word of `DIGEST_MANGLED` holds. */
const DIGEST_MARK = '_expression_';

/** Appends without spreading: a seed can carry more diagnostics or repairs than a call's argument limit. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
