import { isCalendarDate } from './dates.js';
/**
 * Links and ids in the output are absolute http(s) URLs, `tag:` URIs or (ids
 * only) `urn:uuid:` URNs:
 * a `javascript:` or relative link in a feed is at best dead, at worst unsafe.
 */
export function absoluteHttpUrl(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^https?:\/\//i.test(trimmed)) return undefined;
  try {
    const url = new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (!url.hostname) return undefined;
    return uriEscaped(url.href);
  } catch {
    return undefined;
  }
}

/**
 * A WHATWG URL serialization as RFC 3986 allows it: the serializer leaves
 * `[ ] { } | ^ \` and the backtick as written in a path or query
 * (`?tags[]=x`), where RFC 3986 (and so Atom's IRIs, and the W3C validator)
 * allows none of them. They are percent-encoded after the host, which may
 * itself hold brackets (`[::1]`); the URL means the same.
 */
function uriEscaped(href: string): string {
  const path = href.indexOf('/', href.indexOf('//') + 2);
  if (path < 0) return href;
  return href.slice(0, path) + href.slice(path).replace(/[[\]{}|^`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * RFC 4151: `tag:` authority `,` date `:` specific, where the specific part
 * is URI path and query characters (`pchar`, `/`, `?`, percent-encodings),
 * with an optional fragment of the same. Whether the date is one the
 * calendar has is `tagDateExists`'s question.
 */
const TAG_URI = /^tag:[A-Za-z0-9.@_-]+,(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})+(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$/;

export function isTagUri(value: string): boolean {
  return TAG_URI.test(value);
}

/**
 * Whether a `tag:` URI's date is a day the calendar has (RFC 4151 2.1: a
 * month 01 to 12, a day of that month); true for any other id. An id that
 * fails it is still taken (it may be published already, and an id never
 * changes): the seed is warned of.
 */
export function tagDateExists(id: string): boolean {
  const m = TAG_URI.exec(id);
  if (!m) return true;
  return isCalendarDate(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]));
}

/** RFC 4122 section 3: a UUID URN, which Atom publishers often use as an id (RFC 4287 4.2.6). */
const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id a seed may name: a `tag:` URI, a `urn:uuid:` URN (in lower case, as RFC 4122 writes it) or an absolute http(s) URL. */
export function checkedId(value: string): string | undefined {
  const trimmed = value.trim();
  if (isTagUri(trimmed)) return trimmed;
  if (UUID_URN.test(trimmed)) return trimmed.toLowerCase();
  return absoluteHttpUrl(trimmed);
}

/**
 * Resolves a link in content against the item's page, fragments included (a
 * bare "#notes" in a feed reader would point into the reader's own page);
 * only http(s) and mailto links survive.
 */
export function resolveContentUrl(href: string, base: string): string | undefined {
  const trimmed = href.trim();
  try {
    const url = new URL(trimmed, base);
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:') return url.href;
  } catch {
    return undefined;
  }
  return undefined;
}
