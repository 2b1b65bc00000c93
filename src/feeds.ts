import type { Item, SiteConfig } from './model.js';
import type { FeedContext, FormatLinks } from './render/context.js';
import type { PublishLog } from './identity.js';
import { FORMATS, type Renderer } from './render/formats.js';
import { topicDescription, topicTitle, type Topic, type TopicKind } from './topics.js';

/** One feed document to render in every format, under `prefix` in the output folder. */
export interface PlannedFeed {
  /** Folder under the output folder, '' for the main feed, ending in `/` otherwise. */
  prefix: string;
  group: 'main' | 'archive' | TopicKind;
  ctx: FeedContext;
  /** A topic feed's topic. */
  topic?: Topic;
  /** An archive page's number, from 1. */
  page?: number;
}

/**
 * The main feed goes through the `feed` library; archive pages and topic
 * feeds, whose items recur across many documents, through the direct
 * renderers, which give the same bytes from per-item fragments
 * (render/direct.ts).
 */
export function rendererOf(feed: PlannedFeed): Renderer {
  return feed.group === 'main' ? 'render' : 'renderMany';
}

export function formatLinks(config: SiteConfig, prefix: string): FormatLinks {
  return Object.fromEntries(FORMATS.map((f) => [f.name, config.baseUrl + prefix + f.fileName])) as unknown as FormatLinks;
}

/**
 * A feed's date (Atom `updated`, RSS `lastBuildDate`): the last time its
 * content changed, as its items tell it, never the clock. Each item counts
 * its last edit, and (`seen`, true but for archive pages) the moment
 * seedfeed first published it: a story added with its original, older date
 * changes the feed when it joins it (RSS 2.0: "the last time the content
 * of the channel changed"; RFC 4287 4.2.15). An archive page is dated by
 * its items' own dates alone, so that it changes only when one of them
 * does (RFC 5005), whatever the publish log says of when they came.
 */
export function newestUpdate(items: readonly Item[], seen = true): Date | undefined {
  let newest: Date | undefined;
  for (const item of items) {
    if (!newest || item.updated > newest) newest = item.updated;
    if (seen && item.seen && item.seen > newest) newest = item.seen;
  }
  return newest;
}

/** The main feed's id without its last word, `feed`: the stem of every other feed id (`tag:host,date:` and the site's folder, `siteTag`). */
function tagStem(feedId: string): string {
  return feedId.replace(/feed$/, '');
}

/** The main feed: the newest `limit` items. */
export function mainFeed(config: SiteConfig, log: Pick<PublishLog, 'feedId' | 'created'>, items: readonly Item[]): FeedContext {
  const shown = items.slice(0, config.limit);
  return {
    site: config,
    id: log.feedId,
    title: config.title,
    description: config.description,
    homeUrl: config.baseUrl,
    links: formatLinks(config, ''),
    updated: newestUpdate(shown) ?? new Date(log.created),
    items: shown,
  };
}

export function archivePrefix(page: number): string {
  return `archive/${page}/`;
}

/**
 * RFC 5005 archived feeds. Page membership comes from the publish log's
 * order of first publication (entries of removed items included), so it is
 * append-only. Only full pages are published: RFC 5005 section 4 asks that
 * the entries of an archive document not change once it is published
 * (readers may fetch it once and never again), so the entries after the
 * last full page wait, in the main feed while they are among its newest,
 * until there are enough of them to fill the next page, which then appears
 * whole. After that an edit or a deletion changes only its own page, and a
 * page is not rewritten again except once, when the page after it appears
 * and it gains its `next-archive` link.
 */
export function archiveFeeds(config: SiteConfig, log: PublishLog, items: readonly Item[], main: FeedContext): PlannedFeed[] {
  if (!config.archive) return [];
  const size = config.archive.pageSize;
  const byId = new Map(items.map((i) => [i.id, i]));
  const pages = archivePages(config, log.entries.length);
  const planned: PlannedFeed[] = [];
  for (let page = 1; page <= pages; page++) {
    const pageItems = log.entries
      .slice((page - 1) * size, page * size)
      .map((e) => byId.get(e.id))
      .filter((i): i is Item => i !== undefined);
    planned.push(archivePage(config, log, page, pages, pageItems, main));
  }
  linkArchives(config, main, pages);
  return planned;
}

/** The main feed's link to the newest of `pages` archive pages (RFC 5005), when there are any. */
export function linkArchives(config: SiteConfig, main: FeedContext, pages: number): void {
  if (pages > 0) main.history = { archive: false, prevArchive: formatLinks(config, archivePrefix(pages)) };
}

/** How many archive pages a log of `entries` entries makes: full ones only; 0 with archives off. */
export function archivePages(config: SiteConfig, entries: number): number {
  return config.archive ? Math.floor(entries / config.archive.pageSize) : 0;
}

/** Archive page `page` of `pages`, showing `pageItems` (the published items of its entries, in any order). */
export function archivePage(config: SiteConfig, log: Pick<PublishLog, 'feedId' | 'created'>, page: number, pages: number, pageItems: Item[], main: Pick<FeedContext, 'links'>): PlannedFeed {
  pageItems.sort((a, b) => b.published.getTime() - a.published.getTime() || (a.id < b.id ? -1 : 1));
  const prefix = archivePrefix(page);
  return {
    prefix,
    group: 'archive',
    page,
    ctx: {
      site: config,
      id: `${tagStem(log.feedId)}${prefix}feed`,
      title: `${config.title} (archive, page ${page})`,
      description: config.description,
      homeUrl: config.baseUrl,
      links: formatLinks(config, prefix),
      updated: newestUpdate(pageItems, false) ?? new Date(log.created),
      items: pageItems,
      history: {
        archive: true,
        current: main.links,
        ...(page > 1 ? { prevArchive: formatLinks(config, archivePrefix(page - 1)) } : {}),
        ...(page < pages ? { nextArchive: formatLinks(config, archivePrefix(page + 1)) } : {}),
      },
    },
  };
}

/** A feed per topic: its newest `limit` items, its own title, self and alternate links. */
export function topicFeeds(config: SiteConfig, log: Pick<PublishLog, 'feedId' | 'created'>, topics: readonly Topic[]): PlannedFeed[] {
  return topics.map((topic) => {
    const shown = topic.items.slice(0, config.limit);
    const urlPath = topic.path.split('/').map(encodeURIComponent).join('/');
    return {
      prefix: topic.path,
      group: topic.kind,
      topic,
      ctx: {
        site: config,
        id: `${tagStem(log.feedId)}${urlPath}feed`,
        title: topicTitle(topic, config),
        description: topicDescription(topic, config),
        homeUrl: config.baseUrl + urlPath,
        links: formatLinks(config, urlPath),
        updated: newestUpdate(shown) ?? new Date(log.created),
        items: shown,
      },
    };
  });
}
