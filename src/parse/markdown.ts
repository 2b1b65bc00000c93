import MarkdownIt from 'markdown-it';

// CommonMark, raw HTML allowed through the parser: every body is sanitized
// with an allow-list afterwards (see sanitize.ts), so raw HTML is never
// passed through as is.
const markdown = new MarkdownIt('commonmark', { html: true });

/** Renders a CommonMark body to (still unsanitized) HTML. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}
