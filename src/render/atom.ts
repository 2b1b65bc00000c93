import { Feed } from 'feed';
import { HISTORY_NAMESPACE, historyLinks, hubOf, ownLanguage, type FeedContext } from './context.js';
import type { Item } from '../model.js';
import { contentHtml } from './content.js';
import { GENERATOR } from './rss.js';
import { appendToAtomEntries, appendToAtomHead, armor, atomLanguages, atomTextConstructs, element, textElement, unarmor } from './feed-gaps.js';

/** Atom 1.0 (RFC 4287): plain-text titles, the sharer as contributor, `<source>` and `link rel="via"` for the original, `xml:lang` for the feed and for a story in another language. */
export function renderAtom(ctx: FeedContext): string {
  const publisher = ctx.site.publisher;
  const hub = hubOf(ctx);
  const feed = new Feed({
    id: ctx.id,
    title: armor(ctx.title),
    description: armor(ctx.description),
    link: ctx.homeUrl,
    updated: ctx.updated,
    generator: GENERATOR,
    feedLinks: { atom: ctx.links.atom },
    ...(hub ? { hub } : {}),
    author: { name: armor(publisher.name), ...(publisher.email ? { email: armor(publisher.email) } : {}), ...(publisher.url ? { link: publisher.url } : {}) },
  });
  for (const item of ctx.items) {
    feed.addItem({
      title: armor(item.title),
      id: item.id,
      link: item.link,
      date: item.updated,
      published: item.published,
      ...(item.summary ? { description: armor(item.summary) } : {}),
      content: armor(contentHtml(item)),
      author: item.authors.map((a) => ({ name: armor(a.name), ...(a.url ? { link: a.url } : {}) })),
      ...(item.sharedBy ? { contributor: [{ name: armor(item.sharedBy.name) }] } : {}),
      category: item.categories.map((name) => ({ term: armor(name) })),
    });
  }
  const head = historyLinks(ctx.history, 'atom').map((l) => element('link', { rel: l.rel, type: 'application/atom+xml', href: l.href }));
  if (ctx.history?.archive) head.push(element('fh:archive', { 'xmlns:fh': HISTORY_NAMESPACE }));
  const entries = appendToAtomEntries(appendToAtomHead(atomTextConstructs(feed.atom1()), head), ctx.items.map(atomEntryExtras));
  const xml = atomLanguages(entries, ctx.site.language, ctx.items.map((item) => ownLanguage(item, ctx.site)));
  return unarmor(xml) + '\n';
}

/** What `feed` cannot write into an Atom entry: the original as `link rel="via"`, and `<source>` (RFC 4287 4.2.11). */
function atomEntryExtras(item: Item): string {
  const extras: string[] = [];
  if (item.originalLink) extras.push(element('link', { rel: 'via', type: 'text/html', href: item.originalLink }));
  if (item.source) {
    // RFC 4287 4.2.11: atom:source SHOULD carry the source feed's id and
    // updated. Its id is unknown; the source's feed (or home page) URL stands
    // for it, and the item's own date for when the source had it.
    const sourceId = item.source.feedUrl ?? item.source.url;
    const children = [...(sourceId ? [textElement('id', sourceId)] : []), textElement('title', item.source.name, { type: 'text' }), textElement('updated', item.published.toISOString())];
    if (item.source.url) children.push(element('link', { rel: 'alternate', type: 'text/html', href: item.source.url }));
    if (item.source.feedUrl) children.push(element('link', { rel: 'self', href: item.source.feedUrl }));
    extras.push(element('source', {}, children));
  }
  return extras.join('\n        ');
}
