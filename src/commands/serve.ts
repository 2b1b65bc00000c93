import { watch, type FSWatcher } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config.js';
import { publish } from '../publish.js';
import { DEFAULT_STATE_FILE, summaryLine } from '../report.js';
import { EXIT, LockedError, SeedfeedError, UsageError, formatDiagnostic } from '../diagnostics.js';
import { startServer } from '../serve.js';
import { isFolder } from '../discover.js';

export interface ServeCommandOptions {
  out: string;
  /** 0 picks a free port (tests); the CLI asks for 1 or more. */
  port: number;
  host: string;
  watch: boolean;
  /** With `watch`: the seeds, config and publish log to rebuild from; the defaults of `seedfeed build`. */
  seeds?: string;
  config?: string;
  state?: string;
}

interface Writable {
  write(text: string): unknown;
}

/** Where `runServe` talks and how it is stopped; the defaults are the process's own. */
export interface ServeIo {
  stdout?: Writable;
  stderr?: Writable;
  /** Stops the server, like SIGINT or SIGTERM do. */
  signal?: AbortSignal;
  /** Called once the server listens, with its address. */
  onListening?: (server: Server) => void;
  /** Quiet time after the last seed change before a rebuild, in ms. */
  debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 200;
/** Another `seedfeed build` holds the lock: try again after this long. */
const LOCKED_RETRY_MS = 1000;

/**
 * `seedfeed serve`: the output folder over HTTP, on 127.0.0.1 unless told
 * otherwise. With `watch`, builds once, then rebuilds whenever a seed or the
 * config changes; the writer replaces files by atomic rename, so a request
 * gets a complete old file or a complete new one. Resolves with the exit code
 * when the server stops.
 */
export async function runServe(options: ServeCommandOptions, io: ServeIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const outDir = resolve(options.out);
  const stopWatching: (() => Promise<void>)[] = [];

  if (options.watch) {
    stopWatching.push(await watchAndRebuild(options, stdout, stderr, io.debounceMs ?? DEFAULT_DEBOUNCE_MS));
  } else if (!isFolder(outDir)) {
    throw new UsageError(`${options.out}: no such folder; run "seedfeed build" first, pass --out DIR, or use --watch to build and serve`);
  }

  let server: Server;
  try {
    server = await startServer({ root: outDir, host: options.host, port: options.port });
  } catch (e) {
    await Promise.all(stopWatching.map((stop) => stop()));
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${options.port} on ${options.host} is in use; pass --port N`);
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on port ${options.port}; pass --port N (1024 or more)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${options.host}: no such address on this machine; pass --host ADDR`);
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  stdout.write(`seedfeed: serving ${options.out.replace(/\/?$/, '/')} at ${httpUrl(options.host, port)} (Ctrl-C stops)\n`);
  if (!isLoopback(options.host)) stderr.write(`seedfeed: listening on ${options.host}, not only on this machine: anyone who can reach it can read ${options.out}\n`);
  io.onListening?.(server);

  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop, { once: true });
  });
  await Promise.all(stopWatching.map((stop) => stop()));
  await new Promise<void>((closed) => {
    server.close(() => closed());
    server.closeAllConnections();
  });
  return EXIT.ok;
}

/**
 * Builds once, then again after each burst of changes to the seeds folder
 * (any depth) or the config file. A failed rebuild is reported and the old
 * output keeps being served. Returns the function that stops watching and
 * waits for a rebuild under way.
 */
async function watchAndRebuild(options: ServeCommandOptions, stdout: Writable, stderr: Writable, debounceMs: number): Promise<() => Promise<void>> {
  const seeds = options.seeds ?? 'seeds';
  const configFile = options.config ?? DEFAULT_CONFIG_FILE;
  const statePath = options.state ?? DEFAULT_STATE_FILE;
  if (!isFolder(seeds)) throw new UsageError(`${seeds}: no such folder to watch; pass the seeds folder`);
  // A bad config is a usage error before anything listens; later edits are reported and retried.
  loadConfig(configFile);

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** The rebuild under way, which stopping waits for. */
  let running: Promise<void> | undefined;
  let pending = false;
  const rebuild = (): Promise<void> => {
    timer = undefined;
    if (stopped) return Promise.resolve();
    // One rebuild at a time: changes seen during a rebuild are picked up by one more after it.
    if (running) {
      pending = true;
      return running;
    }
    running = rebuildOnce().finally(() => {
      running = undefined;
      if (pending) {
        pending = false;
        schedule();
      }
    });
    return running;
  };
  const rebuildOnce = async (): Promise<void> => {
    try {
      const report = await publish({ seedsDir: seeds, outDir: options.out, statePath, config: loadConfig(configFile) });
      for (const d of report.diagnostics) stderr.write(formatDiagnostic(d) + '\n');
      stdout.write(summaryLine(report) + '\n');
    } catch (e) {
      if (e instanceof LockedError) {
        schedule(LOCKED_RETRY_MS);
        return;
      }
      if (e instanceof SeedfeedError) {
        stderr.write(`seedfeed: ${e.message}; still serving the last build\n`);
        for (const d of e.diagnostics) stderr.write(formatDiagnostic(d) + '\n');
        return;
      }
      stderr.write(`seedfeed: internal error while rebuilding: ${(e as Error)?.stack ?? e}\n`);
    }
  };
  const schedule = (delay = debounceMs) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), delay);
  };

  await rebuild();
  const watchers: FSWatcher[] = [];
  const onError = (what: string) => (e: Error) => stderr.write(`seedfeed: stopped watching ${what}: ${e.message}\n`);
  watchers.push(watch(seeds, { recursive: true }, () => schedule()).on('error', onError(seeds)));
  // The folder, not the file: editors save by replacing the file, which ends a watch on the file itself.
  const configName = basename(configFile);
  watchers.push(watch(dirname(resolve(configFile)), (_event, name) => name === configName && schedule()).on('error', onError(configFile)));
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    watchers.forEach((w) => w.close());
    await running;
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
