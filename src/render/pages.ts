import type { Item, SiteConfig } from '../model.js';
import type { Topic } from '../topics.js';
import type { Output } from '../build.js';

/** What the HTML pages are made from. */
export interface PagesInput {
  site: SiteConfig;
  /** Every published item, newest first. */
  items: Item[];
  /** Category, source and sharer topics; each has its own feeds under `topic.path`. */
  topics: Topic[];
}

/** Item pages, the home page and one index page per topic. */
export function renderPages(_input: PagesInput): Output[] {
  return [];
}
