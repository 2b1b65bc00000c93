import type { FeedContext } from './context.js';
import { renderRss } from './rss.js';
import { renderAtom } from './atom.js';
import { renderJson } from './json.js';

/** An output format is a row of data: its name, media type, file name and renderer. */
export interface OutputFormat {
  name: 'rss' | 'atom' | 'json';
  mediaType: string;
  fileName: string;
  kind: 'xml' | 'json';
  render(ctx: FeedContext): string;
}

export const FORMATS: readonly OutputFormat[] = [
  { name: 'rss', mediaType: 'application/rss+xml', fileName: 'feed.xml', kind: 'xml', render: renderRss },
  { name: 'atom', mediaType: 'application/atom+xml', fileName: 'atom.xml', kind: 'xml', render: renderAtom },
  { name: 'json', mediaType: 'application/feed+json', fileName: 'feed.json', kind: 'json', render: renderJson },
];
