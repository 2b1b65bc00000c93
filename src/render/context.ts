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
  links: FormatLinks;
  /** RFC 5005 archived-feed links; absent when the feed has no archive. */
  history?: FeedHistory;
  /** When the feed's content last changed, as its items tell it (`newestUpdate`): no clock in the output. */
  updated: Date;
  items: Item[];
}

/** One document's URL in each format. */
export interface FormatLinks {
  rss: string;
  atom: string;
  json: string;
}

/**
 * RFC 5005 (Feed Paging and Archiving), section 4: the current (subscription)
 * document links `prev-archive` to the newest archive document; each archive
 * document is marked `fh:archive`, links `current` and its neighbours.
 * JSON Feed has no archive links: `next_url` walks the same chain.
 */
export interface FeedHistory {
  /** True for an archive document, false for the current feed. */
  archive: boolean;
  current?: FormatLinks;
  prevArchive?: FormatLinks;
  nextArchive?: FormatLinks;
}

/**
 * The WebSub hub a feed names (`rel="hub"`, JSON Feed `hubs`): the site's,
 * except on archive documents. Those are not subscribed to (RFC 5005 keeps
 * their entries still), and the hub is told of changes to the subscription
 * feeds only (websub.ts), so a hub named on them would promise notices that
 * never come (WebSub 6: the publisher informs the hubs it names).
 */
export function hubOf(ctx: Pick<FeedContext, 'site' | 'history'>): string | undefined {
  return ctx.history?.archive ? undefined : ctx.site.hub;
}

/**
 * The story's own language when it is not the site's (language tags compare
 * ignoring case, BCP 47 2.1.1): what each format marks on the item, since the
 * feed as a whole is in the site's language.
 */
export function ownLanguage(item: Item, site: SiteConfig): string | undefined {
  return item.language && item.language.toLowerCase() !== site.language.toLowerCase() ? item.language : undefined;
}

export const HISTORY_NAMESPACE = 'http://purl.org/syndication/history/1.0';

/** The `rel` links of the history, in one format. */
export function historyLinks(history: FeedHistory | undefined, format: keyof FormatLinks): { rel: string; href: string }[] {
  if (!history) return [];
  const links: { rel: string; href: string }[] = [];
  if (history.current) links.push({ rel: 'current', href: history.current[format] });
  if (history.prevArchive) links.push({ rel: 'prev-archive', href: history.prevArchive[format] });
  if (history.nextArchive) links.push({ rel: 'next-archive', href: history.nextArchive[format] });
  return links;
}
