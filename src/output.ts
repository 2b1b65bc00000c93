import { OutputError } from './diagnostics.js';
import type { Item } from './model.js';

/** One file of the build, relative to the output folder. */
export interface Output {
  path: string;
  mediaType: string;
  kind: 'xml' | 'json' | 'html' | 'text';
  text: string;
  /**
   * A digest of everything the text is made from (fingerprint.ts), when
   * known: a run that finds the same fingerprint recorded for this path by the
   * run that last wrote it leaves the file alone without rendering it.
   */
  fingerprint?: string;
  /** The items whose bodies the text shows, when known: a run reads the bodies it let go ahead of rendering (body-pool.ts). */
  shows?: readonly Item[];
}

/**
 * An output whose text is rendered when it is read. The writer takes outputs
 * one at a time, so a build of 100,000 pages never holds them all in memory;
 * a renderer that fails is an `OutputError` (exit 4), and nothing is replaced.
 */
export function lazyOutput(path: string, mediaType: string, kind: Output['kind'], render: () => string, fingerprint?: string, shows?: readonly Item[]): Output {
  return {
    path,
    mediaType,
    kind,
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    ...(shows ? { shows } : {}),
    get text() {
      try {
        return render();
      } catch (e) {
        if (e instanceof OutputError) throw e;
        throw new OutputError(`${path} failed to render, nothing was written: ${(e as Error).message}`);
      }
    },
  };
}
