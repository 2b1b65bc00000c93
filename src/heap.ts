import { setFlagsFromString } from 'node:v8';

/**
 * How far a heap may grow past what the last full collection left alive
 * before the next one, in percent, during a run that parses and renders many
 * seeds: V8's `--heap-growing-percent`, which replaces the growth factor V8
 * would choose (the young generation and V8's minimum steps come on top).
 *
 * V8 chooses that factor itself, up to 4 on a machine with much memory. A
 * full build keeps its items and the parse of every seed alive and makes
 * garbage fast (each page it renders is garbage once staged): at 100,000
 * seeds the main heap grew to 2.4 GB around 0.73 GB alive before V8
 * collected it, and the process peaked at 2.7 GB; with 50 % the main heap
 * stayed within 1.4 GB and the process peaked at 1.7 GB in the same time
 * (bench/RESULTS.md, "What changes it"). A run that changes a few seeds
 * gains nothing from it (its peak is what it keeps alive) and spends more
 * time collecting, so it is left to V8's own sizing.
 */
export const HEAP_GROWTH_PERCENT = 50;

/** The V8 flag (`node --v8-options`); 0 lets V8 choose. */
const FLAG = 'heap-growing-percent';

/**
 * Node options with which the heap is left as it is: a growth chosen when
 * node was started (only on its command line: NODE_OPTIONS may not carry
 * it), or a heap sized by hand, near whose limit V8 grows the heap less
 * than the bound would.
 */
const CHOSEN_BY_HAND = /(^|\s)--(heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size|max[-_]heap[-_]size)(=|\s|$)/;

export interface HeapBoundOptions {
  percent?: number;
  /** How flags are set (default `v8.setFlagsFromString`). */
  setFlags?: (flags: string) => void;
  /** Node's own options for this process (default `process.execArgv` and `NODE_OPTIONS`). */
  nodeOptions?: readonly string[];
}

/** Bounds not yet given back: runs in one process (`seedfeed serve`, a library user) may overlap. */
let held = 0;

/** How many bounds are held now (0 once every run that took one has ended). */
export function heapBoundsHeld(): number {
  return held;
}

/**
 * Bounds the growth of every heap of the process between full collections
 * (see `HEAP_GROWTH_PERCENT`) until the returned function is called, which
 * gives the choice back to V8 once no other bound is held. V8 reads the flag
 * each time it sizes a heap after a collection, so it takes effect while the
 * process runs (Node calls flags changed after start-up undefined behaviour
 * in general; test/heap.test.ts checks that this node knows the flag). Left
 * alone when node was started with options that chose the heap's size or
 * growth (`CHOSEN_BY_HAND`). A value set at run time by the program that
 * calls this is replaced by V8's own choice when the bound is given back.
 */
export function boundHeapGrowth(options: HeapBoundOptions = {}): () => void {
  const nodeOptions = options.nodeOptions ?? [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
  if (nodeOptions.some((o) => CHOSEN_BY_HAND.test(o))) return () => {};
  const setFlags = options.setFlags ?? setFlagsFromString;
  setFlags(`--${FLAG}=${options.percent ?? HEAP_GROWTH_PERCENT}`);
  held++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--held === 0) setFlags(`--${FLAG}=0`);
  };
}
