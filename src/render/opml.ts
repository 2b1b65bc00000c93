import type { SiteConfig } from '../model.js';
import type { PlannedFeed } from '../feeds.js';
import { escapeHtml } from '../html.js';

/** The OPML list of every feed, beside the home page. */
export const OPML_FILE = 'feeds.opml';

const GROUPS: { group: PlannedFeed['group']; label: string }[] = [
  { group: 'main', label: 'All stories' },
  { group: 'category', label: 'Categories' },
  { group: 'source', label: 'Sources' },
  { group: 'sharer', label: 'Shared by' },
];

/**
 * OPML 2.0 subscription list of every feed a reader would follow (the main
 * feed and the topic feeds; archive pages are history, not subscriptions),
 * grouped. Each outline points at the feed's RSS document (`type="rss"` is
 * what OPML 2.0 defines for subscription lists), so an import subscribes once
 * per feed rather than once per format. The head holds the title alone:
 * OPML 2.0's optional `<docs>` is an error to the W3C validator ("Undefined
 * head element"), which knows only OPML 1.0's head.
 */
export function renderOpml(config: SiteConfig, feeds: readonly PlannedFeed[]): string {
  const attr = (s: string) => escapeHtml(s).replace(/&#39;/g, '&apos;');
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<opml version="2.0">', '    <head>', `        <title>${attr(config.title)}</title>`, '    </head>', '    <body>'];
  for (const { group, label } of GROUPS) {
    const members = feeds.filter((f) => f.group === group);
    if (!members.length) continue;
    lines.push(`        <outline text="${attr(label)}">`);
    for (const f of members) {
      const title = attr(f.ctx.title);
      lines.push(`            <outline type="rss" version="RSS" text="${title}" title="${title}" xmlUrl="${attr(f.ctx.links.rss)}" htmlUrl="${attr(f.ctx.homeUrl)}"/>`);
    }
    lines.push('        </outline>');
  }
  lines.push('    </body>', '</opml>');
  return lines.join('\n') + '\n';
}
