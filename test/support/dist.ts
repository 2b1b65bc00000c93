import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from '../helpers.js';

/**
 * The CLI and library compiled from the current `src/`, for tests that run
 * seedfeed in child processes (plain node cannot run TypeScript). Each
 * version of the sources is compiled once into its own folder under
 * `test-artifacts/`, named by a hash of the sources, and moved into place
 * whole: test files that ask at the same time, or a `npm run build` into
 * `dist/` meanwhile, never see a half-written copy.
 */
export function compiledSeedfeed(): { dir: string; cli: string; module: (name: string) => string } {
  const hash = sourceHash();
  const root = join(REPO, 'test-artifacts');
  const dir = join(root, `dist-${hash}`);
  if (!existsSync(join(dir, 'cli.js'))) {
    mkdirSync(root, { recursive: true });
    const staging = `${dir}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    compile(staging);
    try {
      renameSync(staging, dir);
    } catch {
      // Another test file compiled the same sources first.
      rmSync(staging, { recursive: true, force: true });
    }
    removeOldCopies(root, dir);
  }
  return { dir, cli: join(dir, 'cli.js'), module: (name) => join(dir, name) };
}

function compile(outDir: string): void {
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(REPO, 'tsconfig.build.json'), '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false'], { cwd: REPO, stdio: 'pipe' });
  } catch (e) {
    // Exit status 2: type errors, JavaScript emitted all the same. The type check is `npm test`'s job.
    const err = e as { status?: number; stdout?: Buffer };
    if (err.status !== 2 || !existsSync(join(outDir, 'cli.js'))) throw new Error(`tsc failed (status ${err.status}): ${err.stdout?.toString() ?? e}`);
  }
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    hash.update(relative(REPO, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) add(p);
    }
  };
  walk(join(REPO, 'src'));
  add(join(REPO, 'tsconfig.json'));
  add(join(REPO, 'tsconfig.build.json'));
  return hash.digest('hex').slice(0, 16);
}

/** Copies of older sources, an hour old or more. */
function removeOldCopies(root: string, keep: string): void {
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (p === keep || !name.startsWith('dist-')) continue;
    try {
      if (Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    } catch {
      /* removed by another test file */
    }
  }
}
