import { availableParallelism } from 'node:os';
import { startWorkers } from './workers.js';
import { joinDisplay, readSeed, type SeedFile } from './discover.js';
import { parseSeed, type ParsedSeed, type SeedHead } from './parse/index.js';
import { bodyDiagnostics, bodyHtml } from './normalize.js';
import type { Body } from './parse/fields.js';
import type { Diagnostic } from './diagnostics.js';
import type { Progress } from './progress.js';

/** How a build reads and parses seeds: the same for every seed of a run. */
export interface ParseSettings {
  /** How seed paths are shown in diagnostics. */
  displayRoot: string;
  maxSeedBytes: number;
  /** Publication names of the config, which the plain-text layout recognizes in headlines. */
  knownSources: readonly string[];
  /** What body links resolve against, for the body's warnings. */
  baseUrl: string;
}

/** One seed to read and parse; `keepBody` false lets the body go once its warnings are taken. */
export interface ParseJob {
  file: SeedFile;
  keepBody: boolean;
}

/** A seed that could not be read or parsed at all, a parse with its body, or a parse whose body was let go. */
export type ParseResult = { diagnostic: Diagnostic } | { parsed: ParsedSeed } | { head: SeedHead; bodyDiagnostics: Diagnostic[] };

/** Reads and parses one seed (readSeed, then parseSeed): the one way a build does it, on any thread. */
export function readAndParseSeed(file: SeedFile, settings: ParseSettings): { diagnostic: Diagnostic } | ParsedSeed {
  const display = joinDisplay(settings.displayRoot, file.file);
  const read = readSeed(file, display, settings.maxSeedBytes);
  return 'diagnostic' in read ? read : parseSeed(read.bytes, display, file.layout, settings.knownSources);
}

export function runParseJob(job: ParseJob, settings: ParseSettings): ParseResult {
  const parsed = readAndParseSeed(job.file, settings);
  if ('diagnostic' in parsed) return parsed;
  if (job.keepBody) return { parsed };
  const { body, ...head } = parsed;
  return { head, bodyDiagnostics: bodyDiagnostics(body, head.file, settings.baseUrl) };
}

/**
 * A body the build let go, to read again: the seed as listed, the hash of
 * its bytes then, and the link its body's relative links resolve against.
 */
export interface BodyJob {
  file: SeedFile;
  hash: string;
  link: string;
}

/** A seed's body read again, with the seed's path as shown; or why it cannot be (the seed is gone, unreadable, or changed since it was listed). */
export function rereadBody(file: SeedFile, hash: string, settings: ParseSettings): { body: Body; shownAs: string } | { error: string } {
  const parsed = readAndParseSeed(file, settings);
  if ('diagnostic' in parsed) return { error: `${parsed.diagnostic.file}: ${parsed.diagnostic.message}` };
  if (parsed.hash !== hash) return { error: `${parsed.file}: changed while this run was publishing it; nothing was written, run again` };
  return { body: parsed.body, shownAs: parsed.file };
}

/** The body of `job` as its outputs show it; null when it cannot be read (the thread that renders then reads it and fails with the reason). */
export function runBodyJob(job: BodyJob, settings: ParseSettings): string | null {
  const read = rereadBody(job.file, job.hash, settings);
  return 'body' in read ? bodyHtml(read.body, job.link, read.shownAs) : null;
}

/** To a parse worker: seeds to parse (answered with `ParseResult`s), or bodies to read again (answered with `runBodyJob`'s). */
export type ParseBatch = { settings: ParseSettings; jobs: ParseJob[] } | { settings: ParseSettings; bodies: BodyJob[] };

export const PARSE_WORKER = new URL('./parse-worker.js', import.meta.url);

/** Seeds per message: enough to make the messaging cheap, few enough to share the work evenly. */
const BATCH = 64;

/** Below this many seeds to parse, starting workers costs more than it saves. */
export const PARALLEL_PARSE_MIN = 2000;

/**
 * `runParseJob` for many seeds on worker threads, one per core: reading and
 * parsing is most of a full build's first phase, and each seed is parsed on
 * its own. The results are what the calling thread would get (the same
 * function on the same files), by seed path. Resolves to undefined when the
 * compiled worker script is not there (the sources run untranspiled, as in
 * the tests) or a worker fails (out of memory, say); the caller then parses
 * on its own thread, as it would have without workers.
 */
export async function parseInWorkers(
  jobs: readonly ParseJob[],
  settings: ParseSettings,
  options: { threads?: number; progress?: Progress; workerUrl?: URL } = {},
): Promise<Map<string, ParseResult> | undefined> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), Math.ceil(jobs.length / BATCH)));
  const workers = startWorkers(options.workerUrl ?? PARSE_WORKER, threads);
  if (!workers) return undefined;
  const results = new Map<string, ParseResult>();
  let next = 0;
  try {
    await Promise.all(
      workers.map((worker) => {
        return new Promise<void>((resolve, reject) => {
          let sent: ParseJob[] = [];
          const send = () => {
            if (next >= jobs.length) return resolve();
            sent = jobs.slice(next, next + BATCH);
            next += sent.length;
            worker.postMessage({ settings, jobs: sent } satisfies ParseBatch);
          };
          worker.on('message', (answers: ParseResult[]) => {
            sent.forEach((job, i) => results.set(job.file.file, answers[i]!));
            options.progress?.tick(sent.length);
            send();
          });
          worker.on('error', (e) => reject(new Error(`a parse worker failed: ${e.message}`)));
          worker.on('exit', (code) => reject(new Error(`a parse worker exited (code ${code})`)));
          send();
        });
      }),
    );
  } catch {
    return undefined;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
