import type { FeedContext } from './context.js';
import { renderRss } from './rss.js';
import { renderAtom } from './atom.js';
import { renderJson } from './json.js';
import { renderAtomDirect, renderJsonDirect, renderRssDirect } from './direct.js';

/** An output format is a row of data: its name, media type, file name and renderers. */
export interface OutputFormat {
  name: 'rss' | 'atom' | 'json';
  mediaType: string;
  fileName: string;
  kind: 'xml' | 'json';
  /** Through the `feed` library: the main feed, and the reference `renderMany` is held to. */
  render(ctx: FeedContext): string;
  /**
   * The same bytes written directly, each item serialized once per build
   * (render/direct.ts): for the many feeds that share items, archive pages
   * and topic feeds.
   */
  renderMany(ctx: FeedContext): string;
}

/** Which of a format's two renderers to use. */
export type Renderer = 'render' | 'renderMany';

export const FORMATS: readonly OutputFormat[] = [
  { name: 'rss', mediaType: 'application/rss+xml', fileName: 'feed.xml', kind: 'xml', render: renderRss, renderMany: renderRssDirect },
  { name: 'atom', mediaType: 'application/atom+xml', fileName: 'atom.xml', kind: 'xml', render: renderAtom, renderMany: renderAtomDirect },
  { name: 'json', mediaType: 'application/feed+json', fileName: 'feed.json', kind: 'json', render: renderJson, renderMany: renderJsonDirect },
];
