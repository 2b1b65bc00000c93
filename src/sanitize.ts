import sanitizeHtml from 'sanitize-html';
import { parseFragment, serialize } from 'parse5';
import { resolveContentUrl } from './urls.js';
import { escapeHtml } from './html.js';

/**
 * An allow-list modelled on the Universal Feed Parser's sanitizer: text,
 * structure and links survive; script, style, iframe, object, embed, forms,
 * `on*` attributes and `javascript:`/`data:` URLs do not. Relative links are
 * resolved (against the original article, or the item's page: see
 * `linksBase` in normalize.ts), so they work in every reader.
 */
const ALLOWED_TAGS = [
  'a', 'abbr', 'acronym', 'address', 'b', 'big', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em',
  'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp',
  'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'tt', 'u', 'ul', 'var',
];

/**
 * Elements whose content a browser reads as text up to their end tag
 * (script, style, textarea, title, ...), or that the allow-list drops with
 * everything in them (object, template, option): one left open holds the
 * rest of the story, which would be lost.
 */
const SWALLOWING = ['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext', 'template', 'object', 'option'];
const SWALLOWING_START = new RegExp(`<(${SWALLOWING.join('|')})(?=[\\s/>])[^>]*>`, 'gi');

/**
 * `html` (a Markdown story as HTML) with each start tag of a `SWALLOWING`
 * element that its paragraph does not close written as text: "injected a
 * <script> tag" is prose about a tag, and the words after it stay, where a
 * browser would take them all, up to an end tag paragraphs later if there is
 * one, into the element. One closed before its paragraph ends (or in a block
 * of raw HTML) is left to the allow-list, which drops it with its content.
 * Writing markup as text is always safe. `tags` names those written as text, in order.
 */
function escapeUnclosed(html: string): { html: string; tags: string[] } {
  const tags: string[] = [];
  let out = '';
  let last = 0;
  const start = new RegExp(SWALLOWING_START);
  for (let m = start.exec(html); m; m = start.exec(html)) {
    const name = m[1]!.toLowerCase();
    const rest = html.slice(start.lastIndex);
    // No element of these nests another start tag before its end (a browser reads theirs as text), so the next end tag closes it.
    const end = name === 'plaintext' ? -1 : rest.search(new RegExp(`</${name}[\\s/>]`, 'i'));
    const paragraphEnd = rest.search(/<\/p>/i);
    if (end >= 0 && (paragraphEnd < 0 || end < paragraphEnd)) {
      start.lastIndex += end;
      continue;
    }
    tags.push(name);
    out += html.slice(last, m.index) + escapeHtml(m[0]);
    last = start.lastIndex;
  }
  return { html: tags.length ? out + html.slice(last) : html, tags };
}

/** The start tags `sanitizeBody` would write as text in `html` (`escapeUnclosed`), without sanitizing it. */
export function unclosedTags(html: string): string[] {
  return escapeUnclosed(html).tags;
}

/** `html` as readers get it; `unclosed` hears of the start tags written as text (`escapeUnclosed`), if any. */
export function sanitizeBody(html: string, baseUrl: string, unclosed?: (tags: string[]) => void): string {
  const escaped = escapeUnclosed(html);
  if (escaped.tags.length) unclosed?.(escaped.tags);
  // An HTML5 tree builder first: sanitize-html keeps markup as written, so a
  // <div> inside an unclosed <p><b> would reach readers nested where no
  // browser puts it. parse5 builds the tree a browser builds, and its
  // serialization is what the allow-list then filters.
  return sanitizeHtml(serialize(parseFragment(escaped.html)), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'hreflang'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      abbr: ['title'],
      acronym: ['title'],
      blockquote: ['cite'],
      q: ['cite'],
      del: ['datetime'],
      ins: ['datetime'],
      time: ['datetime'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      ol: ['start'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'embed'],
    transformTags: {
      a: (tagName, attribs) => withUrl(tagName, attribs, 'href', baseUrl),
      img: (tagName, attribs) => withUrl(tagName, attribs, 'src', baseUrl),
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
}

function withUrl(tagName: string, attribs: Record<string, string>, key: string, base: string) {
  const out = { ...attribs };
  const value = attribs[key];
  if (value !== undefined) {
    const resolved = resolveContentUrl(value, base);
    if (resolved) out[key] = resolved;
    else delete out[key];
  }
  return { tagName, attribs: out };
}

/** Deeper raw HTML than this is refused: no article needs it, and the HTML parser's time grows with the square of the depth. */
export const MAX_HTML_DEPTH = 200;

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * How deep the elements of `html` nest, counted from its tags alone (an upper
 * bound: an unclosed `<p>` that HTML would close implicitly still counts).
 */
export function htmlNestingDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(\/?)>/g)) {
    const name = m[2]!.toLowerCase();
    if (VOID_ELEMENTS.has(name) || m[3]) continue;
    if (m[1]) depth = Math.max(0, depth - 1);
    else max = Math.max(max, ++depth);
  }
  return max;
}
