import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HEAP_GROWTH_PERCENT, boundHeapGrowth, heapBoundsHeld } from '../src/heap.js';
import { beginRun } from '../src/build.js';
import { PARALLEL_PARSE_MIN, type ParseJob } from '../src/parse-pool.js';
import { publish } from '../src/publish.js';
import { FORMATS } from '../src/render/formats.js';
import { fragmentsKept } from '../src/render/direct.js';
import { NOW, tempDir, testConfig } from './helpers.js';
import { writeCorpus } from './support/corpus.js';

/** Whether this process was started with the heap sized by hand: then no bound is taken (`boundHeapGrowth`). */
const sizedByHand = /max[-_]old[-_]space|max[-_]heap[-_]size|heap[-_]growing/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '));

describe('bounding the heap of a large run', () => {
  it('sets the growth while bounded and gives it back to V8 once', () => {
    const set: string[] = [];
    const restore = boundHeapGrowth({ setFlags: (f) => set.push(f), nodeOptions: [] });
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`]);
    restore();
    restore();
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`, '--heap-growing-percent=0']);
  });

  it('gives the sizing back only when the last of overlapping runs is done', () => {
    const set: string[] = [];
    const options = { setFlags: (f: string) => set.push(f), nodeOptions: [] };
    const first = boundHeapGrowth(options);
    const second = boundHeapGrowth(options);
    first();
    first();
    expect(set.filter((f) => f.endsWith('=0'))).toEqual([]);
    second();
    expect(set.at(-1)).toBe('--heap-growing-percent=0');
    expect(set.filter((f) => f.endsWith('=0'))).toHaveLength(1);
  });

  it('leaves the heap alone when node was started with its growth or size chosen, however spelled', () => {
    for (const nodeOptions of [['--heap-growing-percent=30'], ['--heap_growing_percent=30'], ['--max-old-space-size=512'], ['', '--trace-gc --max_old_space_size=4096'], ['--max-heap-size', '600']]) {
      const set: string[] = [];
      boundHeapGrowth({ setFlags: (f) => set.push(f), nodeOptions })();
      expect(set, nodeOptions.join(' ')).toEqual([]);
    }
    // Other options, and the flag's name inside a path, are no choice of the heap's.
    for (const nodeOptions of [['--trace-gc'], ['--require', '/opt/heap-growing-percent/hook.js'], ['--max-semi-space-size=64']]) {
      const set: string[] = [];
      boundHeapGrowth({ setFlags: (f) => set.push(f), nodeOptions, percent: 20 })();
      expect(set, nodeOptions.join(' ')).toEqual(['--heap-growing-percent=20', '--heap-growing-percent=0']);
    }
    expect(heapBoundsHeld()).toBe(0);
  });

  it('names a flag this node knows (V8 ignores flags it does not know, silently)', () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(options.status).toBe(0);
    expect(options.stdout).toMatch(/^\s*--heap-growing-percent \(/m);
  });

  it('is taken by a run that parses as many seeds as go to worker threads, not by one that parses a few, and given back when it ends', () => {
    const jobs = (n: number) => Array.from({ length: n }, (_, i): ParseJob => ({ file: { file: `s${i}.txt`, absolute: `/nowhere/s${i}.txt`, layout: 'txt', size: 1, mtimeMs: 0 }, keepBody: true }));
    const few = beginRun(jobs(PARALLEL_PARSE_MIN - 1));
    try {
      expect(heapBoundsHeld()).toBe(0);
    } finally {
      few();
    }
    const many = beginRun(jobs(PARALLEL_PARSE_MIN));
    try {
      expect(heapBoundsHeld()).toBe(sizedByHand ? 0 : 1);
    } finally {
      many();
    }
    expect(heapBoundsHeld()).toBe(0);
  });

  it('is held by a publish of many seeds while it renders, and given back when rendering fails', async () => {
    const dir = tempDir();
    const seeds = join(dir, 'seeds');
    writeCorpus(seeds, PARALLEL_PARSE_MIN, 1);
    const heldWhileRendering: number[] = [];
    for (const f of FORMATS) {
      vi.spyOn(f, 'renderMany').mockImplementation(() => {
        heldWhileRendering.push(heapBoundsHeld());
        throw new Error('a renderer that fails');
      });
    }
    try {
      await expect(publish({ seedsDir: seeds, outDir: join(dir, 'out'), statePath: join(dir, 'state', 'log.json'), config: testConfig({ limit: 5 }), now: NOW })).rejects.toThrow(/failed to render|a renderer that fails/);
    } finally {
      vi.restoreAllMocks();
    }
    expect(heldWhileRendering.length).toBeGreaterThan(0);
    expect(heldWhileRendering[0]).toBe(sizedByHand ? 0 : 1);
    expect(heapBoundsHeld()).toBe(0);
    expect(fragmentsKept()).toBe(0);
  }, 60_000);
});
