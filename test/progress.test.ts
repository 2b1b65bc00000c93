import { describe, expect, it } from 'vitest';
import { createProgress, progressLine, type ProgressStream } from '../src/progress.js';

/** A stream that records what was written; `isTTY` as a terminal or a pipe would say. */
function fakeStream(isTTY: boolean, columns = 60): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) };
}

/** A clock the test moves by hand. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** What a terminal would show on the bar's line after all the writes: carriage return and erase-to-end applied. */
function screenLine(writes: string[]): string {
  let line = '';
  for (const chunk of writes) {
    for (const part of chunk.split(/(\r|\x1b\[K)/)) {
      if (part === '\r') line = '';
      else if (part !== '\x1b[K') line += part;
    }
  }
  return line;
}

describe('progress bar', () => {
  it('writes nothing at all when the stream is not a terminal (cron, CI, a pipe)', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const progress = createProgress(10, stream, { now: clock.now, delayMs: 0, env: {} });
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      progress.tick();
    }
    progress.done();
    expect(stream.written).toEqual([]);
  });

  it('writes nothing on a dumb terminal, which cannot return to the start of the line', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress(3, stream, { now: clock.now, delayMs: 0, env: { TERM: 'dumb' } });
    clock.advance(1000);
    progress.tick(3);
    progress.done();
    expect(stream.written).toEqual([]);
  });

  it('stays silent for a quick build, even on a terminal', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress(5, stream, { now: clock.now, delayMs: 400, env: {} });
    for (let i = 0; i < 5; i++) {
      clock.advance(50);
      progress.tick();
    }
    progress.done();
    expect(stream.written).toEqual([]);
  });

  it('draws the bar once the build takes a while, and clears it when done', () => {
    const stream = fakeStream(true, 60);
    const clock = fakeClock();
    const progress = createProgress(4, stream, { now: clock.now, delayMs: 400, intervalMs: 0, env: {} });
    clock.advance(100);
    progress.tick();
    expect(stream.written).toEqual([]);
    clock.advance(400);
    progress.tick();
    expect(screenLine(stream.written)).toBe(`building [${'#'.repeat(20)}${'-'.repeat(20)}] 2/4`);
    clock.advance(100);
    progress.tick(2);
    expect(screenLine(stream.written)).toBe(`building [${'#'.repeat(40)}] 4/4`);
    progress.done();
    expect(screenLine(stream.written)).toBe('');
    const count = stream.written.length;
    progress.tick();
    progress.done();
    expect(stream.written).toHaveLength(count);
  });

  it('redraws at most once per interval, but always draws the last step', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress(100, stream, { now: clock.now, delayMs: 0, intervalMs: 100, env: {} });
    for (let i = 0; i < 100; i++) {
      clock.advance(10);
      progress.tick();
    }
    // 1 s of work at one redraw per 100 ms: about ten redraws, not a hundred.
    expect(stream.written.length).toBeLessThanOrEqual(11);
    expect(screenLine(stream.written)).toMatch(/ 100\/100$/);
  });

  it('fits the line to the terminal width', () => {
    expect(progressLine('seeds', 3, 12, 40)).toBe(`seeds [${'#'.repeat(6)}${'-'.repeat(19)}]  3/12`);
    expect(progressLine('seeds', 3, 12, 40).length).toBeLessThanOrEqual(40);
    expect(progressLine('seeds', 0, 12, 200)).toBe(`seeds [${'-'.repeat(40)}]  0/12`);
    expect(progressLine('seeds', 7, 12, 12)).toBe('seeds  7/12');
  });
});
