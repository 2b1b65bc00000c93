import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers.js';

/**
 * Set up before every test file (vitest.config.ts): the temporary folders
 * it made are removed when it is done. A hook on the process's exit would
 * not do: vitest ends its workers without one.
 */
afterAll(removeTempDirs);
