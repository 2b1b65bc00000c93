import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorkers } from './workers.js';
import type { Item } from './model.js';
import type { Output } from './output.js';
import { PARSE_WORKER, type BodyJob, type ParseBatch, type ParseSettings } from './parse-pool.js';

/**
 * The bodies a build does not hold (past `BODIES_KEPT`, build.ts, or pushed
 * out of its memo since), as the build hands them to the run that renders
 * its outputs.
 */
export interface BodyStore {
  /** How to read `item`'s body again, when its memo does not hold it now; a body the memo holds is marked used, so it is kept for the output about to show it. */
  missing(item: Item): BodyJob | undefined;
  /** Whether the memo holds `item`'s body now; unlike `missing`, it does not mark it used. */
  holds(item: Item): boolean;
  /** Puts `item`'s body, read again, in the memo its outputs read it from. */
  put(item: Item, html: string): void;
  /** How many bodies the memo holds: reading further ahead than that would push out bodies about to be used. */
  readonly capacity: number;
}

/** Below this many bodies to read again, starting workers costs more than it saves. */
export const BODIES_AHEAD_MIN = 500;
/** Bodies per message to a worker. */
const BATCH = 16;
/** How far ahead of the output being rendered bodies are asked for: the next outputs that show this many items in all (bodies held or not), and at least the next one. */
const AHEAD = 512;
/** Body workers at most: past a few, the thread that renders is what sets the pace. */
const MAX_THREADS = 4;

/**
 * Reads bodies again on worker threads (the parse workers' script, one per
 * core, `MAX_THREADS` at most): each batch is answered with `runBodyJob`'s results, in order. A
 * worker that fails rejects what it was sent; `close` ends them.
 */
export class BodyReader {
  private readonly waiting: { resolve: (html: (string | null)[]) => void; reject: (e: Error) => void }[][];
  private next = 0;
  /** Set when a worker failed: what it was sent is rejected, and so is every later read, rather than sent to a thread that is gone. */
  private failed: Error | undefined;

  private constructor(
    private readonly workers: Worker[],
    private readonly settings: ParseSettings,
  ) {
    this.waiting = workers.map(() => []);
    workers.forEach((worker, i) => {
      const queue = this.waiting[i]!;
      worker.on('message', (answers: (string | null)[]) => queue.shift()?.resolve(answers));
      const fail = (e: Error) => {
        this.failed ??= e;
        for (const w of queue.splice(0)) w.reject(e);
      };
      worker.on('error', (e) => fail(new Error(`a body worker failed: ${e.message}`)));
      worker.on('exit', (code) => fail(new Error(`a body worker exited (code ${code})`)));
    });
  }

  /** Workers for `settings`; undefined without the compiled worker script (the sources run untranspiled) or without threads. */
  static start(settings: ParseSettings, options: { threads?: number; workerUrl?: URL } = {}): BodyReader | undefined {
    const workers = startWorkers(options.workerUrl ?? PARSE_WORKER, options.threads ?? Math.min(availableParallelism(), MAX_THREADS));
    return workers && new BodyReader(workers, settings);
  }

  /** The bodies of `jobs`, in order (null for one that cannot be read). */
  read(jobs: BodyJob[]): Promise<(string | null)[]> {
    if (this.failed) return Promise.reject(this.failed);
    const i = this.next++ % this.workers.length;
    return new Promise((resolve, reject) => {
      this.waiting[i]!.push({ resolve, reject });
      this.workers[i]!.postMessage({ settings: this.settings, bodies: jobs } satisfies ParseBatch);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Reads, on worker threads, the bodies that `outputs` show and the build let
 * go, a little ahead of the output being rendered. At 100,000 seeds a full
 * build lets 80,000 bodies go, and reading them again on the thread that
 * renders took a third of its time. The text is the same either way: a
 * body the workers read is put in the memo the outputs read it from, and one
 * they could not read (a seed edited meanwhile, say) is read by the
 * renderer as before, which then fails with the reason.
 */
export class BodiesAhead {
  /** Outputs rendered (or about to be): those before `from`. */
  private from = 0;
  /** Outputs whose bodies were asked for, or found in the memo and marked used: those before `asked`. */
  private asked = 0;
  /** Items the outputs from `from` to `asked` show. */
  private inWindow = 0;
  /** Bodies asked for and not yet used, with the answer they wait on. */
  private readonly pending = new Map<Item, Promise<void>>();
  private readonly ahead: number;
  private readonly batch: number;

  constructor(
    private readonly outputs: readonly Output[],
    private readonly store: Omit<BodyStore, 'holds'>,
    private readonly reader: Pick<BodyReader, 'read'>,
  ) {
    // Well within the memo: a body read ahead, or found there and marked used, is still there when its output is rendered.
    this.ahead = Math.max(1, Math.min(AHEAD, Math.floor(store.capacity / 4)));
    this.batch = Math.min(BATCH, this.ahead);
  }

  /** How many bodies `outputs` would read again, counted up to `enough`; the memo is only looked at, none of its bodies is marked used. */
  static count(outputs: readonly Output[], store: Pick<BodyStore, 'holds'>, enough: number): number {
    const seen = new Set<Item>();
    for (const o of outputs) {
      for (const item of o.shows ?? []) {
        if (seen.has(item) || store.holds(item)) continue;
        seen.add(item);
        if (seen.size >= enough) return seen.size;
      }
    }
    return seen.size;
  }

  /** Waits until the bodies output `index` shows have been read ahead (or could not be), asking for those of the outputs after it. Call in order. */
  async ready(index: number): Promise<void> {
    // Every output before `index` was asked for (`askAhead` always asks past the one being rendered): it leaves the window.
    for (; this.from < index; this.from++) this.inWindow -= this.shown(this.from);
    this.askAhead();
    const waits: Promise<void>[] = [];
    for (const item of this.outputs[index]?.shows ?? []) {
      const wait = this.pending.get(item);
      if (!wait) continue;
      waits.push(wait);
      this.pending.delete(item);
    }
    await Promise.all(waits);
  }

  private shown(index: number): number {
    return this.outputs[index]?.shows?.length ?? 0;
  }

  /**
   * Asks for the bodies of the next outputs, as many as show `ahead` items
   * in all (and at least the next one); only once the window has fallen to
   * half of that, so that what is asked for goes in full batches. Topped up
   * after every output, an article page asked for one body per message:
   * 89,000 messages at 100,000 seeds, 1.7 s of the rendering thread's time.
   */
  private askAhead(): void {
    if (this.asked > this.from && this.inWindow >= this.ahead / 2) return;
    let batch: { item: Item; job: BodyJob }[] = [];
    const send = () => {
      if (!batch.length) return;
      const sent = batch;
      batch = [];
      const answered = this.reader.read(sent.map((b) => b.job)).then(
        (html) => sent.forEach((b, i) => html[i] != null && this.store.put(b.item, html[i]!)),
        // Not read ahead: the renderer reads them itself.
        () => undefined,
      );
      for (const b of sent) this.pending.set(b.item, answered);
    };
    while (this.asked < this.outputs.length && (this.asked === this.from || this.inWindow < this.ahead)) {
      for (const item of this.outputs[this.asked]!.shows ?? []) {
        if (this.pending.has(item) || batch.some((b) => b.item === item)) continue;
        const job = this.store.missing(item);
        if (!job) continue;
        batch.push({ item, job });
        if (batch.length === this.batch) send();
      }
      this.inWindow += this.shown(this.asked);
      this.asked++;
    }
    send();
  }
}

/**
 * `outputs` in an order that reads fewer bodies again: first those
 * whose bodies the memo holds now (every body they show), then the others,
 * each in its own order. The first ones read none, so they push none out of
 * the memo before it is used. In a full build of 100,000 seeds the bodies
 * the build kept (the first 20,000 parsed) were otherwise pushed out by the
 * topic feeds' bodies before their item pages came: 104,700 bodies were read
 * again, 86,300 in this order.
 */
export function heldFirst(outputs: readonly Output[], store: Pick<BodyStore, 'holds'>): Output[] {
  const held: Output[] = [];
  const rest: Output[] = [];
  for (const output of outputs) ((output.shows ?? []).every((item) => store.holds(item)) ? held : rest).push(output);
  return held.concat(rest);
}

/**
 * Calls `use` on each of `outputs`, in the order of `heldFirst`, the bodies
 * each shows read ahead on worker threads when at least `min` of them would
 * be read again (see `BodiesAhead`); the workers are ended however it ends.
 */
export async function eachWithBodiesAhead(unordered: readonly Output[], store: BodyStore, settings: ParseSettings, min: number, use: (output: Output) => unknown): Promise<void> {
  const outputs = heldFirst(unordered, store);
  let reader: BodyReader | undefined;
  try {
    reader = BodiesAhead.count(outputs, store, min) >= min ? BodyReader.start(settings) : undefined;
    const ahead = reader && new BodiesAhead(outputs, store, reader);
    for (const [i, output] of outputs.entries()) {
      await ahead?.ready(i);
      await use(output);
    }
  } finally {
    await reader?.close();
  }
}
