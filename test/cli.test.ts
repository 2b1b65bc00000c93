import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, parseArguments, type Command_ } from '../src/cli.js';
import { parseLog } from '../src/identity.js';
import { REPO, SAMPLE_SEEDS, tempDir, writeTree } from './helpers.js';
import { child, children, parseXml } from './xml.js';
import { compiledSeedfeed } from './support/dist.js';

const BUILD_DEFAULTS = {
  command: 'build',
  seeds: 'seeds',
  out: 'out',
  state: '.seedfeed/publish-log.json',
  config: 'seedfeed.config.json',
  quiet: false,
  dryRun: false,
  ping: false,
} as const;

describe('parseArguments: argv to a typed command', () => {
  const cases: { argv: string[]; expected: Command_ }[] = [
    { argv: ['build'], expected: { ...BUILD_DEFAULTS } },
    {
      argv: ['build', '--seeds', 'in', '--out', 'public', '--state', 'state/log.json', '--config', 'site.json', '--base-url', 'https://x.example/', '--limit', '10'],
      expected: { ...BUILD_DEFAULTS, seeds: 'in', out: 'public', state: 'state/log.json', config: 'site.json', baseUrl: 'https://x.example/', limit: 10 },
    },
    { argv: ['build', '--limit=5'], expected: { ...BUILD_DEFAULTS, limit: 5 } },
    { argv: ['build', '-q', '--dry-run'], expected: { ...BUILD_DEFAULTS, quiet: true, dryRun: true } },
    { argv: ['build', '--report', 'report.json', '--wait', '2.5'], expected: { ...BUILD_DEFAULTS, report: 'report.json', wait: 2.5 } },
    { argv: ['check'], expected: { command: 'check', seeds: 'seeds', state: '.seedfeed/publish-log.json', config: 'seedfeed.config.json' } },
    { argv: ['check', '--seeds', 'in', '--state', 'log.json', '--config', 'site.json'], expected: { command: 'check', seeds: 'in', state: 'log.json', config: 'site.json' } },
    { argv: ['serve'], expected: { command: 'serve', out: 'out', port: 8080, host: '127.0.0.1', watch: false, seeds: 'seeds', state: '.seedfeed/publish-log.json', config: 'seedfeed.config.json' } },
    {
      argv: ['serve', '--port', '9000', '--watch', '--seeds', 'inbox', '--config', 'site.json', '--state', 'log.json'],
      expected: { command: 'serve', out: 'out', port: 9000, host: '127.0.0.1', watch: true, seeds: 'inbox', state: 'log.json', config: 'site.json' },
    },
  ];
  for (const c of cases) {
    it(c.argv.join(' '), () => {
      expect(parseArguments(c.argv)).toEqual(c.expected);
    });
  }
});

describe('parseArguments: usage errors', () => {
  // What the CLI printed, captured so the test output stays clean.
  let printed = { stderr: '', stdout: '' };
  const quiet = () => {
    printed = { stderr: '', stdout: '' };
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.stderr += String(chunk);
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.stdout += String(chunk);
      return true;
    });
  };
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const cases: { argv: string[]; code: string; says: RegExp }[] = [
    { argv: ['build', '--limit', '0'], code: 'commander.invalidArgument', says: /--limit.*at least 1/ },
    { argv: ['build', '--limit', '-3'], code: 'commander.invalidArgument', says: /--limit.*at least 1/ },
    { argv: ['build', '--limit', 'ten'], code: 'commander.invalidArgument', says: /--limit.*at least 1/ },
    { argv: ['build', '--limit', '2.5'], code: 'commander.invalidArgument', says: /--limit.*at least 1/ },
    { argv: ['build', '--limit'], code: 'commander.optionMissingArgument', says: /--limit/ },
    { argv: ['build', '--wait', 'soon'], code: 'commander.invalidArgument', says: /--wait/ },
    { argv: ['serve', '--port', '99999'], code: 'commander.invalidArgument', says: /--port.*1 to 65535/ },
    { argv: ['serve', '--port', '0'], code: 'commander.invalidArgument', says: /--port.*at least 1/ },
    { argv: ['build', '--bogus'], code: 'commander.unknownOption', says: /--bogus/ },
    { argv: ['publish'], code: 'commander.unknownCommand', says: /publish/ },
  ];
  for (const c of cases) {
    it(`${c.argv.join(' ')}: ${c.code}, exit 2`, async () => {
      quiet();
      let thrown: unknown;
      try {
        parseArguments(c.argv);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(CommanderError);
      expect((thrown as CommanderError).code).toBe(c.code);
      expect(printed.stderr).toMatch(c.says);
      expect(await main(c.argv)).toBe(2);
    });
  }

  it('no command at all is a usage error (exit 2)', async () => {
    quiet();
    expect(await main([])).toBe(2);
  });

  it('--help is not an error (exit 0) and lists the build command', async () => {
    quiet();
    expect(await main(['--help'])).toBe(0);
    expect(printed.stdout).toMatch(/build/);
  });

  it('--version prints the version package.json gives (exit 0)', async () => {
    quiet();
    expect(await main(['--version'])).toBe(0);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(printed.stdout).toBe(`${pkg.version}\n`);
  });
});

// ---------------------------------------------------------------------------
// End to end: the compiled CLI in a child process, in a fresh folder.

let cli: string;
beforeAll(() => {
  // The CLI compiled from the current sources (tsconfig.build.json), into its own folder so that
  // test files running at the same time, or an `npm run build`, never see a half-written copy.
  cli = compiledSeedfeed().cli;
}, 120_000);

/** A site folder like the sample: its config and its seed. */
function site(extraSeeds: Record<string, string> = {}, config?: unknown): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'seeds'));
  for (const name of readdirSync(SAMPLE_SEEDS)) copyFileSync(join(SAMPLE_SEEDS, name), join(dir, 'seeds', name));
  writeTree(dir, Object.fromEntries(Object.entries(extraSeeds).map(([name, text]) => [`seeds/${name}`, text])));
  writeFileSync(join(dir, 'seedfeed.config.json'), config === undefined ? readFileSync(join(REPO, 'seedfeed.config.json')) : JSON.stringify(config));
  return dir;
}

function seedfeed(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  const lines = (s: string) => s.split('\n').filter((l) => l !== '');
  return { status: run.status, stdout: lines(run.stdout), stderr: lines(run.stderr) };
}

const SAMPLE_TITLE = 'Artsakh Calls for ‘Full-Fledged’ Peace Talks Through International Efforts';

function itemTitles(dir: string): { rss: string[]; atom: string[]; json: string[] } {
  const read = (name: string) => readFileSync(join(dir, 'out', name), 'utf8');
  return {
    rss: children(child(parseXml(read('feed.xml')), 'channel')!, 'item').map((i) => child(i, 'title')!.text),
    atom: children(parseXml(read('atom.xml')), 'entry').map((e) => child(e, 'title')!.text),
    json: (JSON.parse(read('feed.json')) as { items: { title: string }[] }).items.map((i) => i.title),
  };
}

describe('seedfeed build (compiled, in a child process)', () => {
  it('publishes the sample with the defaults: one summary line, exit 0, three feeds and the publish log', () => {
    const dir = site();
    const run = seedfeed(dir, 'build');
    expect(run.stderr).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.stdout).toHaveLength(1);
    expect(run.stdout[0]).toMatch(/^1 published \(1 new, 0 updated, 0 removed\), 0 rejected, 1 repaired, \d+ file\(s\) written, \d+\.\d+ s$/);
    expect(itemTitles(dir)).toEqual({ rss: [SAMPLE_TITLE], atom: [SAMPLE_TITLE], json: [SAMPLE_TITLE] });
    const log = parseLog(readFileSync(join(dir, '.seedfeed', 'publish-log.json'), 'utf8'));
    expect(log.entries.map((e) => e.file)).toEqual(['000_9a8b9b698a6b0df3.txt']);
  });

  it('a second run over the same seeds changes nothing: same ids, same bytes', () => {
    const dir = site();
    expect(seedfeed(dir, 'build').status).toBe(0);
    const feeds = ['feed.xml', 'atom.xml', 'feed.json'].map((f) => readFileSync(join(dir, 'out', f), 'utf8'));
    const again = seedfeed(dir, 'build');
    expect(again.status).toBe(0);
    expect(again.stdout).toHaveLength(1);
    expect(again.stdout[0]).toMatch(/^1 published \(0 new, 0 updated, 0 removed\), 0 rejected/);
    expect(['feed.xml', 'atom.xml', 'feed.json'].map((f) => readFileSync(join(dir, 'out', f), 'utf8'))).toEqual(feeds);
  });

  it('a seed with an error: exit 1, "file:line:col error message [rule]" on stderr, the other seeds published', () => {
    const dir = site({ 'broken.txt': 'Date: 2023-02-30\n\nAsbarez: A Story With a Bad Date\n\nThe body.\n' });
    const run = seedfeed(dir, 'build');
    expect(run.status).toBe(1);
    const errors = run.stderr.filter((l) => / error /.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^seeds\/broken\.txt:1:1 error .*2023-02-30.* \[date-invalid\]$/);
    expect(run.stdout).toHaveLength(1);
    expect(run.stdout[0]).toMatch(/^1 published \(1 new, 0 updated, 0 removed\), 1 rejected/);
    expect(itemTitles(dir)).toEqual({ rss: [SAMPLE_TITLE], atom: [SAMPLE_TITLE], json: [SAMPLE_TITLE] });
  });

  it('a bad config: exit 2, the key path named, nothing written', () => {
    const config = JSON.parse(readFileSync(join(REPO, 'seedfeed.config.json'), 'utf8'));
    config.sources.Asbarez.feed = 'asbarez.com/feed/';
    const dir = site({}, config);
    const run = seedfeed(dir, 'build');
    expect(run.status).toBe(2);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toContain('seedfeed.config.json: error sources.Asbarez.feed: expected an absolute http(s) URL, found "asbarez.com/feed/" [config]');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a bad --limit: exit 2 before anything is read', () => {
    const dir = site();
    const run = seedfeed(dir, 'build', '--limit', '0');
    expect(run.status).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/--limit/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('--seeds, --out, --state and --config name other places', () => {
    const dir = site();
    const run = seedfeed(dir, 'build', '--seeds', 'seeds', '--out', 'public', '--state', 'state/log.json', '--config', 'seedfeed.config.json', '--base-url', 'https://mirror.example.net/');
    expect(run.status).toBe(0);
    expect(existsSync(join(dir, 'public', 'atom.xml'))).toBe(true);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const log = parseLog(readFileSync(join(dir, 'state', 'log.json'), 'utf8'));
    expect(log.entries[0]!.id).toMatch(/^tag:mirror\.example\.net,\d{4}-\d{2}-\d{2}:articles\//);
  });
});
