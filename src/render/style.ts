/** Where the one stylesheet lives under the output folder. */
export const STYLESHEET_PATH = 'style.css';

/**
 * The site's only stylesheet. Pages are complete without it (and without
 * JavaScript, which they have none of): it sets a readable measure, follows
 * the reader's light or dark preference and lets long words wrap on phones.
 */
export const STYLESHEET = `:root {
  color-scheme: light dark;
  --text: #1d1d1f;
  --muted: #5b5b61;
  --link: #0b57a4;
  --rule: #d6d6db;
  --page: #fdfdfb;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e8e8ea;
    --muted: #a6a6ad;
    --link: #8cc2ff;
    --rule: #3a3a40;
    --page: #16161a;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0 auto;
  padding: 1rem;
  max-width: 42rem;
  background: var(--page);
  color: var(--text);
  font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Armenian", sans-serif;
  overflow-wrap: break-word;
}
a { color: var(--link); }
a:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
img { max-width: 100%; height: auto; }
pre { overflow-x: auto; }
.skip { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.skip:focus { position: static; width: auto; height: auto; overflow: visible; clip-path: none; white-space: normal; }
.site-header { border-bottom: 1px solid var(--rule); margin-bottom: 1.5rem; padding-bottom: 0.5rem; }
.site-name { font-size: 1.25rem; font-weight: 700; margin: 0; }
.site-name a { color: inherit; text-decoration: none; }
.site-description { color: var(--muted); margin: 0.25rem 0 0; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 0.5rem; }
h2 { font-size: 1.3rem; line-height: 1.3; margin: 0 0 0.25rem; }
.dek { font-size: 1.15rem; color: var(--muted); margin: 0 0 0.75rem; }
.meta, .credit { color: var(--muted); font-size: 0.95rem; }
.credit p { margin: 0.25rem 0; }
.items { list-style: none; margin: 0; padding: 0; }
.items > li { border-bottom: 1px solid var(--rule); padding: 1rem 0; }
.items .dek { font-size: 1rem; margin: 0.25rem 0; }
.items .meta { margin: 0; }
.topics h2 { font-size: 1.1rem; margin-top: 1.5rem; }
.topics ul, .tags ul, .subscribe ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0; }
.story-footer { border-top: 1px solid var(--rule); margin-top: 2rem; padding-top: 0.75rem; }
.story-footer h2 { font-size: 1rem; display: inline; margin-right: 0.5rem; }
.tags { margin-bottom: 0.5rem; }
.site-footer { border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.95rem; margin-top: 2rem; padding-top: 0.75rem; }
.site-footer h2 { font-size: 1rem; margin: 0 0 0.25rem; }
@media (max-width: 30rem) {
  body { padding: 0.75rem; font-size: 1rem; }
  h1 { font-size: 1.5rem; }
}
@media print {
  .site-footer, .story-footer { display: none; }
  a { color: inherit; }
}
`;
