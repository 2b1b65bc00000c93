/** Where a progress bar is drawn: process.stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** `count` more of `total` are done. */
  tick(count?: number): void;
  /** Removes the bar, if one was drawn, so the next line starts clean. */
  done(): void;
}

export interface ProgressOptions {
  /** Word before the bar. */
  label?: string;
  /** Nothing is drawn until the work has taken this long: a quick build shows no flicker. */
  delayMs?: number;
  /** Least time between two redraws, so a big build does not flood the terminal. */
  intervalMs?: number;
  /** The clock, in ms; tests pass their own. */
  now?: () => number;
  /** `TERM=dumb` terminals cannot move the cursor back. */
  env?: Record<string, string | undefined>;
}

export const DEFAULT_PROGRESS_DELAY_MS = 400;
const DEFAULT_INTERVAL_MS = 80;
const NO_PROGRESS: Progress = { tick() {}, done() {} };

/**
 * A one-line progress bar on a terminal, and nothing at all elsewhere: when
 * the stream is not a TTY (cron, CI, a pipe, a log file) not a byte is
 * written, so logs stay clean.
 */
export function createProgress(total: number, stream: ProgressStream, options: ProgressOptions = {}): Progress {
  const env = options.env ?? process.env;
  if (!stream.isTTY || env.TERM === 'dumb' || total <= 0) return NO_PROGRESS;
  const now = options.now ?? (() => performance.now());
  const delayMs = options.delayMs ?? DEFAULT_PROGRESS_DELAY_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const label = options.label ?? 'building';
  const started = now();
  let count = 0;
  let drawnAt: number | undefined;
  let finished = false;

  return {
    tick(step = 1) {
      if (finished) return;
      count = Math.min(total, count + step);
      const t = now();
      if (t - started < delayMs) return;
      // The last tick is always drawn, so the bar never stops short of full.
      if (drawnAt !== undefined && t - drawnAt < intervalMs && count < total) return;
      drawnAt = t;
      stream.write(`\r${progressLine(label, count, total, stream.columns ?? 80)}\x1b[K`);
    },
    done() {
      if (finished) return;
      finished = true;
      if (drawnAt !== undefined) stream.write('\r\x1b[K');
    },
  };
}

/** `building [#######-------------]  35/100`, fitted to `columns`. */
export function progressLine(label: string, count: number, total: number, columns: number): string {
  const counter = `${String(count).padStart(String(total).length)}/${total}`;
  const room = columns - label.length - counter.length - 5;
  const width = Math.max(0, Math.min(40, room));
  if (width < 5) return `${label} ${counter}`;
  const filled = Math.round((count / total) * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counter}`;
}
