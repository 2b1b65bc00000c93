/** Text to HTML text or attribute value. */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape: a test is cheaper than a replace that finds nothing.
  if (!/[&<>"']/.test(text)) return text;
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}
