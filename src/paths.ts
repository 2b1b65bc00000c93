import { realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Whether `path` is `folder` or inside it (both absolute and resolved alike). */
export function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/**
 * The nearest folder of `path` (itself included) that exists, and where it
 * leads with every link resolved: what a folder not made yet will be
 * inside. A folder that cannot be resolved is taken as one that does not exist.
 */
export function nearestReal(path: string): { existing: string; real: string } {
  for (let probe = resolve(path); ; ) {
    try {
      return { existing: probe, real: realpathSync(probe) };
    } catch {
      const parent = dirname(probe);
      if (parent === probe) return { existing: probe, real: probe };
      probe = parent;
    }
  }
}

/** `path` with its links resolved, as far as it exists (`nearestReal`), and the rest of it as written. */
export function realOrResolved(path: string): string {
  const { existing, real } = nearestReal(path);
  return join(real, relative(existing, resolve(path)));
}
