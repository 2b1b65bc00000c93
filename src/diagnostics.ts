/**
 * Every problem seedfeed reports is a value with a place: the file, the line
 * and column (1-based; 0 when the problem is about the whole file), a
 * severity and a rule name. An `error` rejects the seed it is about (the other
 * seeds still publish); a `warning` publishes the seed repaired.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  rule: string;
  message: string;
}

export function diagnostic(
  severity: Severity,
  rule: string,
  file: string,
  line: number,
  message: string,
  column = line > 0 ? 1 : 0,
): Diagnostic {
  return { file, line, column, severity, rule, message };
}

export const error = (rule: string, file: string, line: number, message: string, column?: number): Diagnostic =>
  diagnostic('error', rule, file, line, message, column);

export const warning = (rule: string, file: string, line: number, message: string, column?: number): Diagnostic =>
  diagnostic('warning', rule, file, line, message, column);

/**
 * `seeds/x.txt:3:1 error reason [rule]`, the format of compilers and
 * linters (`seeds/x.txt: error reason [rule]` for the file as a whole): one
 * line each, whatever a file name or a quoted value holds (a newline in a
 * file name would otherwise forge a line of its own), and a message cut at
 * `MESSAGE_SHOWN` characters (a 500 KB `Date:` line quoted whole).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const message = d.message.length > MESSAGE_SHOWN ? `${d.message.slice(0, MESSAGE_SHOWN)}… (${d.message.length - MESSAGE_SHOWN} more characters)` : d.message;
  // Line 0 is the file as a whole (one that cannot be read, a config key): no line to point at.
  const where = d.line > 0 ? `${oneLine(d.file)}:${d.line}:${d.column}` : `${oneLine(d.file)}:`;
  return `${where} ${d.severity} ${oneLine(message)} [${d.rule}]`;
}

/** Characters of a message a diagnostic line shows. */
const MESSAGE_SHOWN = 1000;

/** Control characters and line separators written as escapes (`\n`, `\u001b`). */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order for reports: by file, then line, column and rule. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column || compareStrings(a.rule, b.rule),
  );
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The few kinds of failure that end a whole run, each with its exit code.
 * Problems with single seeds are diagnostics, never exceptions.
 */
export class SeedfeedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export const EXIT = {
  ok: 0,
  rejected: 1,
  usage: 2,
  locked: 3,
  output: 4,
  state: 5,
  internal: 70,
} as const;

/** Bad arguments or a bad config file. */
export class UsageError extends SeedfeedError {
  constructor(message: string, diagnostics: Diagnostic[] = []) {
    super(message, EXIT.usage, diagnostics);
  }
}

/** Another run holds the lock. */
export class LockedError extends SeedfeedError {
  constructor(message: string) {
    super(message, EXIT.locked);
  }
}

/** The publish log cannot be read: never replaced by a fresh one, or every id would move. */
export class StateError extends SeedfeedError {
  constructor(message: string) {
    super(message, EXIT.state);
  }
}

/** An output failed to render or to read back; nothing was replaced. */
export class OutputError extends SeedfeedError {
  constructor(message: string) {
    super(message, EXIT.output);
  }
}
