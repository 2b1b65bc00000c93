import type { Item } from '../model.js';
import { escapeHtml } from '../html.js';
import { rightToLeft } from '../language.js';

/**
 * The credit line, in every format's content: many readers ignore RSS
 * `<source>`, Atom `<source>` and JSON `_source`, so attribution must also be
 * visible in the text people read.
 */
export function creditText(item: Item): string {
  const parts: string[] = [];
  if (item.source) parts.push(`Originally published by ${item.source.name}.`);
  if (item.sharedBy) parts.push(`Shared by ${item.sharedBy.name}.`);
  return parts.join(' ');
}

export function creditHtml(item: Item): string {
  const parts: string[] = [];
  if (item.source) {
    const href = item.originalLink ?? item.source.url;
    const name = escapeHtml(item.source.name);
    parts.push(`Originally published by ${href ? `<a href="${escapeHtml(href)}">${name}</a>` : name}.`);
  } else if (item.originalLink) {
    parts.push(`<a href="${escapeHtml(item.originalLink)}">Read the original article</a>.`);
  }
  if (item.sharedBy) parts.push(`Shared by ${escapeHtml(item.sharedBy.name)}.`);
  return parts.length ? `<p${creditLanguage(item)}>${parts.join(' ')}</p>` : '';
}

/**
 * The credit line's words are English, whatever the story's language: in a
 * story of another language (whose item, entry or page says so) they are
 * marked as English, so that speech and hyphenation read them as such, and,
 * after a story written right to left, as running left to right.
 */
function creditLanguage(item: Item): string {
  if (/^en(-|$)/i.test(item.language)) return '';
  return rightToLeft(item.language) ? ' dir="ltr" lang="en"' : ' lang="en"';
}

/**
 * The full HTML every format carries: the dek as a lead paragraph, the body,
 * the credit line. A story with none of them (a headline alone, no source, no
 * sharer) carries its title, so that every item has text to show: an RSS
 * `<description>`, Atom content, JSON Feed `content_html`.
 */
export function contentHtml(item: Item): string {
  const dek = item.summary ? `<p><strong>${escapeHtml(item.summary)}</strong></p>\n` : '';
  const html = inOwnDirection(item, dek + item.bodyHtml) + creditHtml(item);
  return html || inOwnDirection(item, `<p>${escapeHtml(item.title)}</p>`);
}

/**
 * The story's own words, in a `<div dir="rtl" lang>` when its language is
 * written right to left: readers lay a feed's content out left to right
 * whatever its `dc:language` or `xml:lang` says, so Arabic or Hebrew text
 * would otherwise run the wrong way (its punctuation at the wrong end).
 * A story that names no language but runs against the site's direction
 * (`Item.direction`: an Arabic story on an English site, an English one on a
 * Hebrew site) gets a `<div dir>` of its own, its language unknown.
 * The credit line stays outside, in the site's words.
 */
function inOwnDirection(item: Item, html: string): string {
  if (!html) return html;
  if (item.direction) return `<div dir="${item.direction}">${html}</div>`;
  return rightToLeft(item.language) ? `<div dir="rtl" lang="${escapeHtml(item.language)}">${html}</div>` : html;
}
