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
  return new LazyOutput(path, mediaType, kind, render, fingerprint, shows);
}

/**
 * A class, not an object literal with its own getter: an own getter is a new
 * function for each of 100,000 outputs, which V8 can only hold in a slow
 * dictionary of properties (~450 bytes each at 100,000 seeds); the getter on
 * the prototype leaves each output a small object of data properties.
 */
class LazyOutput implements Output {
  readonly #render: () => string;
  readonly fingerprint?: string;
  readonly shows?: readonly Item[];

  constructor(
    readonly path: string,
    readonly mediaType: string,
    readonly kind: Output['kind'],
    render: () => string,
    fingerprint?: string,
    shows?: readonly Item[],
  ) {
    this.#render = render;
    if (fingerprint !== undefined) this.fingerprint = fingerprint;
    if (shows) this.shows = shows;
  }

  get text(): string {
    try {
      return this.#render();
    } catch (e) {
      if (e instanceof OutputError) throw e;
      throw new OutputError(`${this.path} failed to render, nothing was written: ${(e as Error).message}`);
    }
  }
}
