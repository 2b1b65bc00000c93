import { spawnSync } from 'node:child_process';
import type { TestContext } from 'vitest';

/**
 * The external programs the conformance suite checks the output with. Each is
 * probed once, by running it. A missing tool skips the tests that need it,
 * with a note saying what is missing and how to install it; under
 * `SEEDFEED_REQUIRE_TOOLS=1` (set by `.ci/run`) it fails them instead, so CI
 * can never pass by skipping.
 */
export interface Tool {
  name: string;
  /** The Debian package that provides it. */
  apt: string;
  /** Undefined when the tool works; else what went wrong. */
  missing: string | undefined;
}

/**
 * Debian's interpreter, not the first `python3` on PATH: that may be a pyenv
 * or venv interpreter without the Debian packages `python3-feedparser` sees.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export const REQUIRE_TOOLS = process.env.SEEDFEED_REQUIRE_TOOLS === '1';

export const NGINX = '/usr/sbin/nginx';
export const CHROMIUM = '/usr/bin/chromium';

/** Runs `command args`; undefined when it exits 0, else a short reason. */
function probe(command: string, args: string[]): string | undefined {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${command} not found` : `${command} could not run (${code ?? run.error.message})`;
  }
  if (run.status !== 0) {
    const said = (run.stderr || run.stdout).trim().split('\n').pop() ?? '';
    return `\`${[command, ...args].join(' ')}\` exited with ${run.status ?? run.signal}${said ? `: ${said}` : ''}`;
  }
  return undefined;
}

function tool(name: string, apt: string, check: () => string | undefined): Tool {
  return { name, apt, missing: check() };
}

export const TOOLS = {
  xmllint: tool('xmllint', 'libxml2-utils', () => probe('xmllint', ['--version'])),
  // jing has no --version: run without arguments it prints "Jing version ..." and its usage, and exits 2.
  jing: tool('jing', 'jing', () => {
    const run = spawnSync('jing', [], { encoding: 'utf8', timeout: 30_000 });
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'jing not found';
    return /Jing version/.test(run.stdout + run.stderr) ? undefined : `jing did not start: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`;
  }),
  feedparser: tool('feedparser', 'python3-feedparser', () => probe(SYSTEM_PYTHON, ['-c', 'import feedparser'])),
  newsboat: tool('newsboat', 'newsboat', () => probe('newsboat', ['--version'])),
  nginx: tool('nginx', 'nginx', () => probe(NGINX, ['-v'])),
  chromium: tool('chromium', 'chromium', () => probe(CHROMIUM, ['--version'])),
  // Reading newsboat's cache needs SQLite; Python's standard library has it, the sqlite3 CLI may be absent.
  sqlite: tool('python3 sqlite3', 'python3', () => probe(SYSTEM_PYTHON, ['-c', 'import sqlite3'])),
} satisfies Record<string, Tool>;

const announced = new Set<string>();

/**
 * Call first in a test that runs `tools`: returns when all work; otherwise
 * skips the test with a note, or fails it when tools are required.
 */
export function needTools(ctx: TestContext, ...tools: Tool[]): void {
  const missing = tools.filter((t) => t.missing);
  if (!missing.length) return;
  const message = missingMessage(missing);
  if (REQUIRE_TOOLS) throw new Error(`${message}. SEEDFEED_REQUIRE_TOOLS=1 makes a missing tool a failure.`);
  for (const t of missing) {
    if (announced.has(t.name)) continue;
    announced.add(t.name);
    console.warn(`conformance: skipping the ${t.name} checks: ${t.missing}; install it with: apt-get install -y ${t.apt}`);
  }
  ctx.skip(message);
}

function missingMessage(missing: Tool[]): string {
  return missing.map((t) => `${t.name} is missing (${t.missing}); install it with: apt-get install -y ${t.apt}`).join('; ');
}

/**
 * For a whole `describe` block: true (skip it, with a note) when a tool is
 * missing and tools are not required. Under SEEDFEED_REQUIRE_TOOLS=1 it is
 * false, and `assertTools` in the block's `beforeAll` fails it.
 */
export function skipWithout(...tools: Tool[]): boolean {
  const missing = tools.filter((t) => t.missing);
  if (!missing.length || REQUIRE_TOOLS) return false;
  console.warn(`skipping: ${missingMessage(missing)}`);
  return true;
}

export function assertTools(...tools: Tool[]): void {
  const missing = tools.filter((t) => t.missing);
  if (missing.length) throw new Error(`${missingMessage(missing)}. SEEDFEED_REQUIRE_TOOLS=1 makes a missing tool a failure.`);
}
