import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkOutputText, isCheckedKind } from './readback.js';

export interface CheckRequest {
  id: number;
  kind: string;
  text: string;
}

export interface CheckAnswer {
  id: number;
  problem: string | undefined;
}

/** The compiled worker beside this module; absent when the sources run untranspiled (the tests), and then every check runs here. */
const WORKER = new URL('./check-worker.js', import.meta.url);

/** Checks done on the calling thread before a worker is started: a run that writes a few feeds never pays for starting one. */
export const CHECKS_BEFORE_WORKER = 32;

/**
 * `checkOutputText` on another core: a full build reads back a few thousand
 * feeds (about a sixth of its time at 10k seeds), and with the check in a
 * worker thread the main thread renders the next outputs meanwhile. The
 * answers are the same: the worker runs the same function on the same text.
 * The first `inlineFirst` checks run on the calling thread; the worker is
 * started after that, when the compiled worker script exists, and is not
 * started at all otherwise. `close` ends it (`Staging.settle` and `abort`
 * call it).
 */
export class CheckPool {
  private worker: Worker | undefined;
  private failed: Error | undefined;
  private readonly waiting = new Map<number, { resolve: (problem: string | undefined) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private inlineLeft: number;

  constructor(
    inlineFirst = CHECKS_BEFORE_WORKER,
    private readonly workerUrl: URL = WORKER,
  ) {
    this.inlineLeft = inlineFirst;
  }

  /** Whether checks now go to the worker thread. */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /** What is wrong with `text` as an output of `kind`, or undefined (see readback.ts). */
  check(kind: string, text: string): Promise<string | undefined> {
    if (!isCheckedKind(kind)) return Promise.resolve(undefined);
    if (this.failed) return Promise.reject(this.failed);
    if (this.inlineLeft > 0 || !this.startWorker()) {
      this.inlineLeft--;
      return Promise.resolve(checkOutputText(kind, text));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker!.postMessage({ id, kind, text } satisfies CheckRequest);
    });
  }

  /** Ends the worker; checks still waiting are rejected. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.failAll(new Error('the read-back worker was closed'));
  }

  private startWorker(): boolean {
    if (this.worker) return true;
    if (!existsSync(fileURLToPath(this.workerUrl))) {
      this.inlineLeft = Infinity;
      return false;
    }
    // Not unref'd: while the caller awaits only the worker's answers, the worker is what keeps the process running.
    const worker = new Worker(this.workerUrl);
    worker.on('message', ({ id, problem }: CheckAnswer) => {
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      waiter?.resolve(problem);
    });
    worker.on('error', (e) => this.failAll(new Error(`the read-back worker failed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.failAll(new Error(`the read-back worker exited (code ${code})`));
    });
    this.worker = worker;
    return true;
  }

  private failAll(e: Error): void {
    this.failed ??= e;
    for (const waiter of this.waiting.values()) waiter.reject(e);
    this.waiting.clear();
  }
}
