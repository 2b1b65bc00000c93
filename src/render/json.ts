import { Feed, type Extension } from 'feed';
import { hubOf, ownLanguage, type FeedContext } from './context.js';
import type { Item } from '../model.js';
import { contentHtml } from './content.js';
import { upgradeJsonFeed } from './feed-gaps.js';

/**
 * JSON Feed 1.1. Custom fields start with `_` (JSON Feed 1.1, "Extensions"):
 * `_source` names the publication the story comes from, `_shared_by` the
 * curator. The original article is `external_url`.
 */
export function renderJson(ctx: FeedContext): string {
  const publisher = ctx.site.publisher;
  const feed = new Feed({
    title: ctx.title,
    description: ctx.description,
    link: ctx.homeUrl,
    id: ctx.id,
    updated: ctx.updated,
    feedLinks: { json: ctx.links.json },
  });
  for (const item of ctx.items) {
    feed.addItem({
      title: item.title,
      id: item.id,
      link: item.link,
      date: item.updated,
      published: item.published,
      ...(item.summary ? { description: item.summary } : {}),
      content: contentHtml(item),
      category: item.categories.map((name) => ({ name })),
      extensions: jsonExtensions(item),
    });
  }
  const upgraded = upgradeJsonFeed(feed.json1(), {
    language: ctx.site.language,
    authors: [{ name: publisher.name, ...(publisher.url ? { url: publisher.url } : {}) }],
    items: ctx.items.map((item) => {
      const language = ownLanguage(item, ctx.site);
      return { authors: item.authors.map((a) => ({ name: a.name, ...(a.url ? { url: a.url } : {}) })), ...(language ? { language } : {}) };
    }),
  });
  // JSON Feed 1.1: next_url pages through older items (the archive chain);
  // hubs lists the WebSub hub.
  const { items, ...head } = upgraded;
  const older = ctx.history?.prevArchive?.json;
  const hub = hubOf(ctx);
  const document = { ...head, ...(older ? { next_url: older } : {}), ...(hub ? { hubs: [{ type: 'WebSub', url: hub }] } : {}), items };
  return JSON.stringify(document, null, 2) + '\n';
}

function jsonExtensions(item: Item): Extension[] {
  const extensions: Extension[] = [];
  if (item.originalLink) extensions.push({ name: 'external_url', objects: item.originalLink as unknown as Record<string, unknown> });
  if (item.source) {
    const source: Record<string, unknown> = { name: item.source.name };
    if (item.source.url) source.home_page_url = item.source.url;
    if (item.source.feedUrl) source.feed_url = item.source.feedUrl;
    extensions.push({ name: '_source', objects: source });
  }
  if (item.sharedBy) extensions.push({ name: '_shared_by', objects: { name: item.sharedBy.name } });
  return extensions;
}
