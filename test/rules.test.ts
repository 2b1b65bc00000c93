import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

/**
 * The README's table of rules against the rules the code can report: a rule
 * a user meets is explained there, and the table names no rule that is gone.
 */

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The rule names given where diagnostics and repairs are made: `error('x'`, `warning(\n 'x'`, `refuse('x'`, `rule: 'x'`, `SEEDS_FOLDER_RULE = 'x'` (and `SEED_REPLACED`). */
function rulesInCode(): Set<string> {
  const rules = new Set<string>();
  const shapes = [/\b(?:error|warning|refuse)\(\s*'([a-z0-9-]+)'/g, /\brule: '([a-z0-9-]+)'/g, /\b[A-Z_]*(?:RULE|REPLACED) = '([a-z0-9-]+)'/g];
  for (const file of sources(join(REPO, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const shape of shapes) for (const m of text.matchAll(shape)) rules.add(m[1]!);
  }
  return rules;
}

/** The first column of the README's table of rules. */
function rulesInReadme(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('| rule | kind | what it says; what to do |');
  expect(start).toBeGreaterThan(-1);
  const rows = readme.slice(start).split('\n').slice(2);
  const end = rows.findIndex((row) => !row.startsWith('|'));
  return rows.slice(0, end).map((row) => /^\| `([a-z0-9-]+)` \|/.exec(row)?.[1] ?? `unreadable row: ${row}`);
}

describe("the README's table of rules", () => {
  it('names every rule the code reports, once each, in order, and no other', () => {
    const code = rulesInCode();
    const readme = rulesInReadme();
    // The shapes above find the rules: a sample the table must hold, which a change to the shapes must keep finding.
    for (const known of ['no-title', 'date-invalid', 'mtime-future', 'seed-replaced', 'seeds-folder', 'digest-artifact', 'front-matter-unclosed']) expect(code).toContain(known);
    expect(new Set(readme).size).toBe(readme.length);
    expect([...readme].sort()).toEqual(readme);
    expect(readme.filter((rule) => !code.has(rule))).toEqual([]);
    expect([...code].filter((rule) => !readme.includes(rule)).sort()).toEqual([]);
  });
});
