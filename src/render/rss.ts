import { Feed, type Extension } from 'feed';
import { HISTORY_NAMESPACE, historyLinks, hubOf, ownLanguage, type FeedContext } from './context.js';
import { contentHtml } from './content.js';
import { armor, declareDublinCore, rssPlainTitles, unarmor } from './feed-gaps.js';
import { escapeHtml } from '../html.js';

export const GENERATOR = 'seedfeed';

/**
 * RSS 2.0 with the content module (`content:encoded`) and Dublin Core:
 * `<author>` must be an email address in RSS 2.0, so names go in
 * `dc:creator` (the byline) and `dc:contributor` (the curator who shared it).
 * `<description>` holds HTML (RSS Best Practices Profile; readers decode it as
 * such), so the plain-text dek and channel description are HTML-escaped
 * there; titles are plain character data and go as they are.
 */
export function renderRss(ctx: FeedContext): string {
  const feed = new Feed({
    title: armor(ctx.title),
    description: armor(escapeHtml(ctx.description)),
    link: ctx.homeUrl,
    id: ctx.homeUrl,
    language: ctx.site.language,
    updated: ctx.updated,
    generator: GENERATOR,
    feedLinks: { rss: ctx.links.rss },
  });
  // One atom:link list: self, the WebSub hub (W3C WebSub 4: rel="hub" with
  // rel="self") and the RFC 5005 history links. `feed` writes only self and
  // hub, and an extension of the same name replaces its list, so all go here.
  const hub = hubOf(ctx);
  const atomLinks = [{ href: ctx.links.rss, rel: 'self', type: 'application/rss+xml' }, ...(hub ? [{ href: hub, rel: 'hub' }] : []), ...historyLinks(ctx.history, 'rss').map((l) => ({ ...l, type: 'application/rss+xml' }))];
  feed.addExtension({ name: 'atom:link', objects: atomLinks.map((l) => ({ _attributes: Object.fromEntries(Object.entries(l).map(([k, v]) => [k, armor(v)])) })) as unknown as Record<string, unknown> });
  if (ctx.history?.archive) feed.addExtension({ name: 'fh:archive', objects: { _attributes: { 'xmlns:fh': HISTORY_NAMESPACE } } });
  for (const item of ctx.items) {
    const extensions: Extension[] = [];
    if (item.authors.length) extensions.push({ name: 'dc:creator', objects: item.authors.map((a) => ({ _text: armor(a.name) })) as unknown as Record<string, unknown> });
    if (item.sharedBy) extensions.push({ name: 'dc:contributor', objects: { _text: armor(item.sharedBy.name) } });
    // RSS 2.0: <source> requires a url attribute, the source's own feed.
    if (item.source?.feedUrl) extensions.push({ name: 'source', objects: { _attributes: { url: armor(item.source.feedUrl) }, _text: armor(item.source.name) } });
    // RSS 2.0 has a channel's language only: a story in another language says so in Dublin Core.
    const language = ownLanguage(item, ctx.site);
    if (language) extensions.push({ name: 'dc:language', objects: { _text: armor(language) } });
    feed.addItem({
      title: armor(item.title),
      id: armor(item.id),
      link: item.link,
      date: item.updated,
      published: item.published,
      // RSS Best Practices Profile: an item with content:encoded should also
      // have a description; without a dek, the description is the content.
      description: armor(item.summary ? escapeHtml(item.summary) : contentHtml(item)),
      content: armor(contentHtml(item)),
      category: item.categories.map((name) => ({ name: armor(name) })),
      extensions,
    });
  }
  return unarmor(rssPlainTitles(declareDublinCore(feed.rss2()))) + '\n';
}
