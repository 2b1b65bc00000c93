import { setFlagsFromString } from 'node:v8';

/**
 * How far the main heap may grow past what the last full collection left
 * alive, in percent, during a run that parses and renders many seeds.
 *
 * V8 sizes that headroom itself, up to four times the live heap on a machine
 * with much memory. A full build keeps its items and the parse of every seed
 * alive and makes garbage fast (each page it renders is garbage once staged):
 * at 100,000 seeds the main heap grew to 2.4 GB around 0.73 GB alive before V8
 * collected it, and the process peaked at 2.7 GB. With 50 % it peaked at
 * 1.7 GB in the same time (bench/RESULTS.md, "What changes it"). A run that
 * changes a few seeds gains nothing from it (its peak is what it keeps
 * alive) and spends more time collecting, so it is left to V8's own sizing.
 */
export const HEAP_GROWTH_PERCENT = 50;

/** The V8 flag (`node --v8-options`): the heap may grow by this percent between full collections; 0 lets V8 decide. */
const FLAG = 'heap-growing-percent';

export interface HeapBoundOptions {
  percent?: number;
  /** How flags are set (default `v8.setFlagsFromString`). */
  setFlags?: (flags: string) => void;
  /** Node's own options for this process (default `process.execArgv` and `NODE_OPTIONS`): a bound chosen there is left alone. */
  nodeOptions?: readonly string[];
}

/** Bounds not yet given back: runs in one process (`seedfeed serve`, a library user) may overlap. */
let held = 0;

/**
 * Bounds the heap's growth between full collections (see
 * `HEAP_GROWTH_PERCENT`) until the returned function is called, which gives
 * the sizing back to V8 once no other bound is held. The flag is read each
 * time V8 sizes the heap after a collection, so it can change while the
 * process runs; it is the process's, so worker threads started meanwhile are
 * bounded too. When node was started with its own `--heap-growing-percent`,
 * that is kept and nothing is changed.
 */
export function boundHeapGrowth(options: HeapBoundOptions = {}): () => void {
  const nodeOptions = options.nodeOptions ?? [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
  // V8 takes the flag with dashes or underscores.
  if (nodeOptions.some((o) => o.replace(/_/g, '-').includes(FLAG))) return () => {};
  const setFlags = options.setFlags ?? setFlagsFromString;
  held++;
  setFlags(`--${FLAG}=${options.percent ?? HEAP_GROWTH_PERCENT}`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--held === 0) setFlags(`--${FLAG}=0`);
  };
}
