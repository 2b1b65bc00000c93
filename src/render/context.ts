import type { Item, SiteConfig } from '../model.js';

/** Everything a renderer reads: one feed's metadata and its items, newest first. */
export interface FeedContext {
  site: SiteConfig;
  /** Atom feed id; never changes. */
  id: string;
  title: string;
  description: string;
  /** The HTML page this feed belongs to. */
  homeUrl: string;
  /** Absolute URL of this feed in each format (the `self` links). */
  links: { rss: string; atom: string; json: string };
  /** The newest item's `updated`: no clock in the output. */
  updated: Date;
  items: Item[];
}
