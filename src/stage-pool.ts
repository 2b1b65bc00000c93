import type { Worker } from 'node:worker_threads';
import { startWorkers } from './workers.js';
import { stageFile, type StageJob, type StageOutcome } from './stage-file.js';

/** To a worker: one file to stage, with its text (encoded there). */
export interface StageRequest {
  id: number;
  job: StageJob;
}

export type StageAnswer = StageOutcome & { id: number };

/** The compiled worker beside this module; absent when the sources run untranspiled (the tests), and then every file is staged here. */
const WORKER = new URL('./stage-worker.js', import.meta.url);

/** Files staged on the calling thread before workers are started: a run that writes a few files never pays for starting them. */
export const STAGED_BEFORE_WORKERS = 32;

/** Workers: staging is mostly the file system's work (creating and writing each file, and fsyncing those not left to one flush: see `Durability` in write.ts), so two keep it going while the main thread renders. */
export const STAGE_WORKERS = 2;

/**
 * `stageFile` off the calling thread: a full build compares, reads back
 * and writes thousands of files (12.7k at 10k seeds), and with that
 * on worker threads the main thread renders the next outputs meanwhile. The
 * outcomes are the same: the workers run the same function on the same
 * text. The first `inlineFirst` files are staged on the calling thread;
 * the workers are started after that, when the compiled worker script
 * exists, and not at all otherwise. `close` ends them (`Staging.settle` and
 * `abort` call it).
 */
export class StagePool {
  private workers: Worker[] | undefined;
  private failed: Error | undefined;
  private readonly waiting = new Map<number, { resolve: (outcome: StageOutcome) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private inlineLeft: number;
  private started = false;

  constructor(
    inlineFirst = STAGED_BEFORE_WORKERS,
    private readonly workerUrl: URL = WORKER,
    private readonly threads = STAGE_WORKERS,
  ) {
    this.inlineLeft = inlineFirst;
  }

  /** Whether files have gone to worker threads. */
  get threaded(): boolean {
    return this.started;
  }

  /**
   * Stages `job` (see `stageFile`). Sent to a worker, the text goes as it
   * is and the worker encodes it: a string is copied into the message at
   * half the cost of encoding it here and moving the bytes (a 10 KB page:
   * 12 against 22 µs), and the encoding leaves the calling thread.
   */
  stage(job: StageJob): Promise<StageOutcome> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.inlineLeft > 0 || !this.startWorkers()) {
      this.inlineLeft--;
      return Promise.resolve(stageFile(job));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers![id % this.workers!.length]!.postMessage({ id, job } satisfies StageRequest);
    });
  }

  /** Ends the workers; files still waiting are rejected. */
  async close(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
    this.failAll(new Error('the staging workers were closed'));
  }

  private startWorkers(): boolean {
    if (this.workers) return true;
    const workers = startWorkers(this.workerUrl, this.threads);
    if (!workers) {
      // No script or no thread to be had: every file is staged here.
      this.inlineLeft = Infinity;
      return false;
    }
    for (const worker of workers) {
      worker.on('message', ({ id, ...outcome }: StageAnswer) => {
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        waiter?.resolve(outcome);
      });
      worker.on('error', (e) => this.failAll(new Error(`a staging worker failed: ${e.message}`)));
      worker.on('exit', (code) => {
        if (this.workers?.includes(worker)) this.failAll(new Error(`a staging worker exited (code ${code})`));
      });
    }
    this.workers = workers;
    this.started = true;
    return true;
  }

  private failAll(e: Error): void {
    this.failed ??= e;
    for (const waiter of this.waiting.values()) waiter.reject(e);
    this.waiting.clear();
  }
}
