import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWTH_PERCENT, boundHeapGrowth } from '../src/heap.js';
import { boundHeapFor } from '../src/build.js';
import { PARALLEL_PARSE_MIN, type ParseJob } from '../src/parse-pool.js';

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

  it('leaves a bound chosen when node was started alone, however it was spelled', () => {
    for (const nodeOptions of [['--heap-growing-percent=30'], ['--heap_growing_percent=30'], ['--max-old-space-size=512 --heap-growing-percent=10']]) {
      const set: string[] = [];
      boundHeapGrowth({ setFlags: (f) => set.push(f), nodeOptions })();
      expect(set, nodeOptions.join(' ')).toEqual([]);
    }
    const set: string[] = [];
    boundHeapGrowth({ setFlags: (f) => set.push(f), nodeOptions: ['--max-old-space-size=512'], percent: 20 })();
    expect(set).toEqual(['--heap-growing-percent=20', '--heap-growing-percent=0']);
  });

  it('names a flag this node knows (V8 ignores flags it does not know, silently)', () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(options.status).toBe(0);
    expect(options.stdout).toMatch(/^\s*--heap-growing-percent \(/m);
  });

  it('is asked for by a run that parses as many seeds as go to worker threads, not by one that parses a few', () => {
    const jobs = (n: number) => Array.from({ length: n }, (_, i): ParseJob => ({ file: { file: `s${i}.txt`, absolute: `/nowhere/s${i}.txt`, layout: 'txt', size: 1, mtimeMs: 0 }, keepBody: true }));
    expect(boundHeapFor(jobs(PARALLEL_PARSE_MIN - 1))).toBeUndefined();
    const restore = boundHeapFor(jobs(PARALLEL_PARSE_MIN));
    expect(restore).toBeTypeOf('function');
    restore?.();
  });
});
