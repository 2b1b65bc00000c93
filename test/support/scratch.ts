import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tempDir } from '../helpers.js';

const made: string[] = [];

/**
 * A fresh temporary folder, removed when the test file is done (the exit
 * hook of `tempDir` does not run when vitest ends its worker). Kept when
 * SEEDFEED_KEEP_TEMP is set, to look at after a failure.
 */
export function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
}

afterAll(() => {
  if (process.env.SEEDFEED_KEEP_TEMP) return;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
