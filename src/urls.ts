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
    return url.href;
  } catch {
    return undefined;
  }
}

/** RFC 4151: `tag:` authority `,` date `:` specific. */
const TAG_URI = /^tag:[A-Za-z0-9.@_-]+,\d{4}(-\d{2}(-\d{2})?)?:[\x21-\x7e]+$/;

export function isTagUri(value: string): boolean {
  return TAG_URI.test(value);
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
