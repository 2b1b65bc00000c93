#!/usr/bin/env node
import { Command, InvalidArgumentError, CommanderError } from 'commander';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig, DEFAULT_CONFIG_FILE } from './config.js';
import { summaryLine, noOpReport, DEFAULT_STATE_FILE, type PublishReport } from './report.js';
import { checkFastPath, readBuildStamp, stampPathFor, type SeedListing } from './fastpath.js';
import { EXIT, SeedfeedError, formatDiagnostic, UsageError } from './diagnostics.js';
import { createProgress } from './progress.js';
import type { CheckCommandOptions } from './commands/check.js';
import type { ServeCommandOptions } from './commands/serve.js';

export type Command_ = BuildCommand | CheckCommand | ServeCommand;

export interface CheckCommand extends CheckCommandOptions {
  command: 'check';
}

export interface ServeCommand extends ServeCommandOptions {
  command: 'serve';
}

export interface BuildCommand {
  command: 'build';
  seeds: string;
  out: string;
  state: string;
  config: string;
  baseUrl?: string;
  limit?: number;
  quiet: boolean;
  dryRun: boolean;
  report?: string;
  wait?: number;
  ping: boolean;
}

/** seedfeed's version, from the package.json above this module (dist/ or dist/bin/, the bundle). */
function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 3; up++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'seedfeed' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not here: one folder up.
    }
  }
  return 'unknown';
}

/** Arguments to a typed command; commander does the parsing, nothing runs here. */
export function parseArguments(argv: string[]): Command_ {
  let parsed: Command_ | undefined;
  const program = new Command('seedfeed')
    .description('Publish seed articles as RSS 2.0, Atom 1.0 and JSON Feed 1.1 with source attribution')
    .version(version(), '-V, --version', 'print the version of seedfeed')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const build = program.command('build').description('read the seeds, write the feeds that changed');
  withPaths(build, ['seeds', 'out', 'state', 'config'])
    .option('--base-url <url>', 'site base URL (overrides the config)')
    .option('--limit <n>', 'items in each feed, newest first (overrides the config)', positiveInteger)
    .option('-q, --quiet', 'print nothing unless something is wrong', false)
    .option('--dry-run', 'report what would change, write nothing', false)
    .option('--report <file>', 'write a JSON report of the run')
    .option('--wait <seconds>', 'wait this long for another run to finish', nonNegativeNumber)
    .option('--ping', 'notify the WebSub hub of changed feeds (also: "ping": true in the config)', false)
    .action((opts: Record<string, unknown>) => {
      parsed = {
        command: 'build',
        seeds: opts.seeds as string,
        out: opts.out as string,
        state: opts.state as string,
        config: opts.config as string,
        quiet: Boolean(opts.quiet),
        dryRun: Boolean(opts.dryRun),
        ping: Boolean(opts.ping),
        ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl as string } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit as number } : {}),
        ...(opts.report !== undefined ? { report: opts.report as string } : {}),
        ...(opts.wait !== undefined ? { wait: opts.wait as number } : {}),
      };
    });
  const check = program.command('check').description('report every problem in the seeds; write nothing');
  withPaths(check, ['seeds', 'state', 'config']).action((opts: Record<string, unknown>) => {
    parsed = { command: 'check', seeds: opts.seeds as string, state: opts.state as string, config: opts.config as string };
  });
  const serve = program
    .command('serve')
    .description('serve the output folder on 127.0.0.1 for a preview')
    .option('--port <n>', 'port (1 to 65535)', portNumber, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--watch', 'rebuild when seeds change', false);
  withPaths(serve, ['out']);
  withPaths(serve, ['seeds', 'state', 'config'], 'with --watch: ').action((opts: Record<string, unknown>) => {
    parsed = {
      command: 'serve',
      out: opts.out as string,
      port: opts.port as number,
      host: opts.host as string,
      watch: Boolean(opts.watch),
      seeds: opts.seeds as string,
      state: opts.state as string,
      config: opts.config as string,
    };
  });
  program.parse(argv, { from: 'user' });
  if (!parsed) throw new UsageError('no command given; try "seedfeed build" or "seedfeed --help"');
  return parsed;
}

/** The file and folder options the commands share, with the same defaults everywhere. */
const PATH_OPTIONS = {
  seeds: ['--seeds <dir>', 'folder of seed files', 'seeds'],
  out: ['--out <dir>', 'output folder', 'out'],
  state: ['--state <file>', 'publish log that keeps ids and dates', DEFAULT_STATE_FILE],
  config: ['--config <file>', 'site config', DEFAULT_CONFIG_FILE],
} as const;

function withPaths(command: Command, names: (keyof typeof PATH_OPTIONS)[], note = ''): Command {
  for (const name of names) {
    const [flags, description, fallback] = PATH_OPTIONS[name];
    command.option(flags, note + description, fallback);
  }
  return command;
}

function positiveInteger(value: string): number {
  // Digits only: Number() would also take "0x10" and "1e2".
  if (!/^[1-9]\d*$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number of at least 1');
  return Number(value);
}

function portNumber(value: string): number {
  const port = positiveInteger(value);
  if (port > 65535) throw new InvalidArgumentError('expected a port number from 1 to 65535');
  return port;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

export async function runBuild(cmd: BuildCommand): Promise<PublishReport> {
  const config = loadConfig(cmd.config, { baseUrl: cmd.baseUrl, limit: cmd.limit });
  if (cmd.ping && !config.hub) throw new UsageError('--ping needs a hub: set "hub" in the config');
  // Cron's usual case, nothing changed, is decided from readdir and stat
  // alone, before the parse and render modules are even loaded.
  let listing: SeedListing | undefined;
  if (!cmd.dryRun) {
    const started = performance.now();
    const decision = checkFastPath({ seedsDir: cmd.seeds, outDir: cmd.out, statePath: cmd.state, config, stamp: readBuildStamp(stampPathFor(cmd.state)) });
    if (decision.unchanged) return noOpReport(decision.stamp, [], performance.now() - started);
    listing = decision.listing;
  }
  const { publish } = await import('./publish.js');
  const report = await publish({
    seedsDir: cmd.seeds,
    outDir: cmd.out,
    statePath: cmd.state,
    config,
    dryRun: cmd.dryRun,
    // Checked just above; a change found then is still a change under the lock.
    checkUnchanged: false,
    // The seeds as that check listed them, so a large folder is not listed twice.
    ...(listing ? { listing } : {}),
    ...(cmd.quiet ? {} : { progress: (total: number) => createProgress(total, process.stderr, { label: 'seeds' }) }),
    ...(cmd.wait !== undefined ? { waitSeconds: cmd.wait } : {}),
  });
  if ((cmd.ping || config.ping) && config.hub && !cmd.dryRun) {
    const { changedFeedUrls, pingHub } = await import('./websub.js');
    const topics = changedFeedUrls(config.baseUrl, report.written);
    if (topics.length) {
      const ping = await pingHub(config.hub, topics);
      report.pinged = ping.pinged;
      report.diagnostics.push(...ping.diagnostics);
    }
  }
  return report;
}

/** The one place that prints and decides the exit code. */
export async function main(argv: string[]): Promise<number> {
  let cmd: Command_;
  try {
    cmd = parseArguments(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return fail(e);
  }
  if (cmd.command === 'check') {
    try {
      const { runCheck } = await import('./commands/check.js');
      const result = await runCheck(cmd);
      for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
      return result.exitCode;
    } catch (e) {
      return fail(e);
    }
  }
  if (cmd.command === 'serve') {
    try {
      const { runServe } = await import('./commands/serve.js');
      return await runServe(cmd);
    } catch (e) {
      return fail(e);
    }
  }
  try {
    const report = await runBuild(cmd);
    const problems = report.diagnostics;
    if (!cmd.quiet || report.exitCode !== EXIT.ok) {
      for (const d of problems) if (!cmd.quiet || d.severity === 'error') process.stderr.write(formatDiagnostic(d) + '\n');
      process.stdout.write(summaryLine(report) + '\n');
    }
    if (cmd.report) {
      const { writeFileAtomically } = await import('./write.js');
      writeFileAtomically(resolve(cmd.report), JSON.stringify(report, null, 2) + '\n');
    }
    return report.exitCode;
  } catch (e) {
    return fail(e);
  }
}

function fail(e: unknown): number {
  if (e instanceof SeedfeedError) {
    process.stderr.write(`seedfeed: ${e.message}\n`);
    for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    return e.exitCode;
  }
  process.stderr.write(`seedfeed: internal error: ${(e as Error)?.stack ?? e}\n`);
  return EXIT.internal;
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) process.exitCode = await main(process.argv.slice(2));
