/**
 * Floor: list a folder and stat every file in it (what a no-op rebuild must
 * do at least). Usage: node stat.mjs DIR
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let bytes = 0;
for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size;
process.stdout.write(`${bytes}\n`);
