/**
 * Floor: read every file of a folder with a synchronous loop, decoding
 * nothing. Usage: node read.mjs DIR
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let bytes = 0;
for (const name of readdirSync(dir)) bytes += readFileSync(join(dir, name)).length;
process.stdout.write(`${bytes}\n`);
