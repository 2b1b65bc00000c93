/**
 * `seedfeed check [--seeds DIR] [--state FILE] [--config FILE]`: every diagnostic, nothing
 * written, exit 1 when a seed would be rejected.
 */
import { cpSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../src/commands/check.js';
import { main } from '../src/cli.js';
import { EXIT, UsageError } from '../src/diagnostics.js';
import { loadConfig } from '../src/config.js';
import { NOW, REPO, tempDir } from './helpers.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'hostile');

/** A working folder with `seeds/` (the good seeds plus `classes`) and a config file. */
function workspace(...classes: string[]): { root: string; seeds: string; config: string } {
  const root = tempDir();
  const seeds = join(root, 'seeds');
  cpSync(join(FIXTURES, 'good'), seeds, { recursive: true });
  for (const c of classes) cpSync(join(FIXTURES, c), seeds, { recursive: true });
  const config = join(root, 'seedfeed.config.json');
  writeFileSync(config, JSON.stringify({ title: 'Check test', baseUrl: 'https://seeds.example.org/', sources: { 'Valley Herald': { url: 'https://valley.example/' } } }));
  return { root, seeds, config };
}

/** Every path under `dir` with its size and mtime: what "writes nothing" is checked against. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      out.push(`${relative(dir, p)} ${st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('runCheck', () => {
  it('reports every diagnostic and exits 1 when a seed is rejected, writing nothing', async () => {
    const ws = workspace('dates', 'duplicates');
    const before = snapshot(ws.root);
    const result = await runCheck({ seeds: ws.seeds, config: ws.config, now: NOW });
    expect(snapshot(ws.root)).toEqual(before);
    expect(result.exitCode).toBe(EXIT.rejected);
    expect(result.diagnostics.map((d) => `${relative(ws.root, d.file)}:${d.line} ${d.severity} ${d.rule}`)).toEqual([
      'seeds/ancient.md:4 error date-invalid',
      'seeds/before-1990.md:3 warning date-implausible',
      'seeds/february-30.md:3 error date-invalid',
      'seeds/future.md:3 warning date-implausible',
      'seeds/id-second.txt:1 error duplicate-id',
      'seeds/link-again.md:5 warning duplicate-story',
      'seeds/slashed.txt:1 error date-ambiguous',
      'seeds/story-again.txt:3 warning duplicate-story',
      'seeds/wrong-weekday.txt:2 warning date-weekday',
    ]);
  });

  it('exits 0 when there are only warnings', async () => {
    const ws = workspace('mail');
    const result = await runCheck({ seeds: ws.seeds, config: ws.config, now: NOW });
    expect(result.exitCode).toBe(EXIT.ok);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('exits 0 with no diagnostics for good seeds', async () => {
    const ws = workspace();
    expect(await runCheck({ seeds: ws.seeds, config: ws.config, now: NOW })).toEqual({ diagnostics: [], exitCode: EXIT.ok });
  });

  it('throws a usage error (exit 2, as a build gives) for a missing seeds folder, naming it', async () => {
    const ws = workspace();
    const missing = join(ws.root, 'no-such-folder');
    const thrown = await runCheck({ seeds: missing, config: ws.config, now: NOW }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).exitCode).toBe(EXIT.usage);
    expect((thrown as UsageError).message).toContain(`${missing}: cannot read the seeds folder (ENOENT)`);
    expect((thrown as UsageError).diagnostics.map((d) => [d.severity, d.rule])).toEqual([['error', 'seeds-folder']]);
  });

  it('throws a usage error for a config that cannot be read', async () => {
    const ws = workspace();
    await expect(runCheck({ seeds: ws.seeds, config: join(ws.root, 'missing.json') })).rejects.toThrow(UsageError);
  });
});

describe('runCheck with the publish log (--state)', () => {
  it('lays a problem between two seeds at the one a build would blame, not at the one already published', async () => {
    const { publish } = await import('../src/publish.js');
    const ws = workspace();
    const state = join(ws.root, 'state', 'publish-log.json');
    const config = loadConfig(ws.config);
    // Published first under its own id, and a story of its own.
    writeFileSync(join(ws.seeds, 'zz-first.txt'), 'Id: tag:seeds.example.org,2024:keep-me\n\nValley Herald: The Original Owner of an Id\n\nBody one.\n');
    writeFileSync(join(ws.seeds, 'zz-story.txt'), 'Valley Herald: A Story Told Once\n\nBody one.\n');
    await publish({ seedsDir: ws.seeds, outDir: join(ws.root, 'out'), statePath: state, config, now: NOW });
    // Then two newcomers, whose names come first: one claims the id, one tells the story again.
    writeFileSync(join(ws.seeds, 'aa-claim.txt'), 'Id: tag:seeds.example.org,2024:keep-me\n\nValley Herald: A Newcomer Claiming the Id\n\nBody two.\n');
    writeFileSync(join(ws.seeds, 'aa-story.txt'), 'Valley Herald: A Story Told Once\n\nBody two.\n');
    const blamed = (diagnostics: { file: string; rule: string }[]) => diagnostics.filter((d) => ['duplicate-id', 'duplicate-story'].includes(d.rule)).map((d) => `${d.file.split('/').pop()} ${d.rule}`);

    const build = await publish({ seedsDir: ws.seeds, outDir: join(ws.root, 'out'), statePath: state, config, now: NOW, dryRun: true });
    expect(blamed(build.diagnostics)).toEqual(['aa-claim.txt duplicate-id', 'aa-story.txt duplicate-story']);
    const checked = await runCheck({ seeds: ws.seeds, config: ws.config, state, now: NOW });
    expect(blamed(checked.diagnostics)).toEqual(blamed(build.diagnostics));
    // Without the log, check cannot know which is published: the first in path order keeps them.
    expect(blamed((await runCheck({ seeds: ws.seeds, config: ws.config, now: NOW })).diagnostics)).toEqual(['zz-first.txt duplicate-id', 'zz-story.txt duplicate-story']);
    // A missing log is no log.
    expect(blamed((await runCheck({ seeds: ws.seeds, config: ws.config, state: join(ws.root, 'none.json'), now: NOW })).diagnostics)).toEqual(['zz-first.txt duplicate-id', 'zz-story.txt duplicate-story']);
  });
});

describe('seedfeed check (CLI)', () => {
  afterEach(() => vi.restoreAllMocks());

  function run(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
    let stderr = '';
    let stdout = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    return main(argv).then((code) => ({ code, stderr, stdout }));
  }

  it('prints each diagnostic as file:line:col severity message [rule] and exits 1', async () => {
    const ws = workspace('code');
    const { code, stderr, stdout } = await run(['check', '--seeds', ws.seeds, '--config', ws.config]);
    expect(code).toBe(EXIT.rejected);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      `${ws.seeds}/javascript-front-matter.md:1:1 error front matter in "javascript" is not accepted; only YAML front matter ("---" on its own line) is read, and no code in a seed ever runs [front-matter-language]`,
      `${ws.seeds}/js-front-matter.md:1:1 error front matter in "js" is not accepted; only YAML front matter ("---" on its own line) is read, and no code in a seed ever runs [front-matter-language]`,
    ]);
  });

  it('exits 2 for a config that is not valid', async () => {
    const ws = workspace();
    writeFileSync(ws.config, JSON.stringify({ title: 'No base URL' }));
    const { code, stderr } = await run(['check', '--seeds', ws.seeds, '--config', ws.config]);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('baseUrl: required');
  });
});
