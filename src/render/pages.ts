import { OPML_FILE } from './opml.js';
import type { Item, SiteConfig } from '../model.js';
import type { Topic, TopicKind } from '../topics.js';
import { TOPIC_KINDS, topicDescription, topicKey, topicTitle } from '../topics.js';
import { lazyOutput, type Output } from '../output.js';
import { outputFingerprint } from '../fingerprint.js';
import { escapeHtml } from '../html.js';
import { MONTH_NAMES } from '../dates.js';
import { creditHtml } from './content.js';
import { rightToLeft } from '../language.js';
import { ownLanguage } from './context.js';
import { FORMATS, type OutputFormat } from './formats.js';
import { STYLESHEET, STYLESHEET_PATH } from './style.js';

/** What the HTML pages are made from. */
export interface PagesInput {
  site: SiteConfig;
  /** Every published item, newest first. */
  items: Item[];
  /** Category, source and sharer topics; each has its own feeds under `topic.path`. */
  topics: Topic[];
}


const FEED_LABELS: Record<OutputFormat['name'], string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

const KIND_HEADINGS: Record<TopicKind, string> = { category: 'Categories', source: 'Sources', sharer: 'Shared by' };

/**
 * Item pages, the home page, one index page per topic and the stylesheet.
 * Every link between pages is relative, so the output folder works under any
 * base path (and from `seedfeed serve`); only `rel="canonical"` is absolute.
 * The markup is also well-formed XML (void elements closed, only the XML
 * entities), so a strict XML parser can check every page.
 */
export function renderPages(input: PagesInput): Output[] {
  const { site, items, topics } = input;
  const find = topicFinder(topics);

  const outputs: Output[] = [{ path: STYLESHEET_PATH, mediaType: 'text/css', kind: 'text', text: STYLESHEET }];
  const counts = topics.map((topic) => topicCount(topic, topic.items.length));
  outputs.push(homePageOutput(site, items.slice(0, site.limit), counts));
  for (const topic of topics) outputs.push(topicPageOutput(site, topic));
  for (const item of items) outputs.push(itemPageOutput(site, item, find));
  return outputs;
}

/** What the home page shows of a topic: its name, its page and how many stories it has. */
export interface TopicCount {
  kind: TopicKind;
  name: string;
  path: string;
  count: number;
}

export function topicCount(topic: Pick<Topic, 'kind' | 'name' | 'path'>, count: number): TopicCount {
  return { kind: topic.kind, name: topic.name, path: topic.path, count };
}

// Fingerprints: what each page shows besides the site config and its items (see fingerprint.ts).
function topicLine(t: TopicCount): string {
  return `${t.kind}\u0000${t.name}\u0000${t.path}\u0000${t.count}`;
}

/** The home page: the newest stories (`newest`, at most `site.limit`) and every topic with its count. */
export function homePageOutput(site: SiteConfig, newest: readonly Item[], topics: readonly TopicCount[]): Output {
  return homePageOfCards(site, newest.map((item) => homeCard(site, item)), topics, newest);
}

/** A topic's page: its stories (`topic.items`, newest first) and its feeds. */
export function topicPageOutput(site: SiteConfig, topic: Topic): Output {
  return html(topic.path + 'index.html', () => topicPage(site, topic), outputFingerprint(['topic', topicLine(topicCount(topic, topic.items.length))], topic.items));
}

/** Finds a topic among `topics` by kind and name (in any case). */
export type TopicFinder = (kind: TopicKind, name: string) => Pick<Topic, 'path'> | undefined;

export function topicFinder(topics: readonly Pick<Topic, 'kind' | 'name' | 'path'>[]): TopicFinder {
  const topicIndex = new Map<string, Pick<Topic, 'path'>>();
  for (const topic of topics) topicIndex.set(topicKey(topic.kind, topic.name), topic);
  return (kind, name) => topicIndex.get(topicKey(kind, name));
}

/** An item's own page, linking the topics `find` knows of. */
export function itemPageOutput(site: SiteConfig, item: Item, find: TopicFinder): Output {
  const linked = [...item.categories.map((c) => find('category', c)), item.source && find('source', item.source.name), item.sharedBy && find('sharer', item.sharedBy.name)];
  return html(item.path, () => itemPage(site, item, find), outputFingerprint(['item', ...linked.map((t) => t?.path ?? '')], [item]), [item]);
}

function html(path: string, render: () => string, fingerprint: string | undefined, shows?: readonly Item[]): Output {
  return lazyOutput(path, 'text/html', 'html', render, fingerprint, shows);
}

/**
 * The links of the page at `from`: each `target` (a path under the output
 * folder; '' or a path ending in `/` for a folder's index) as a relative
 * URL. The way to each target's folder is worked out once per folder: a
 * topic page at 100,000 seeds links thousands of item pages, all in one
 * folder.
 */
export function linksFrom(from: string): (target: string) => string {
  const fromFolders = from.split('/').slice(0, -1);
  const toFolder = new Map<string, string>();
  return (target) => {
    const cut = target.lastIndexOf('/') + 1;
    const folder = target.slice(0, cut);
    let way = toFolder.get(folder);
    if (way === undefined) {
      const parts = folder.split('/').slice(0, -1);
      let shared = 0;
      while (shared < fromFolders.length && shared < parts.length && fromFolders[shared] === parts[shared]) shared++;
      way = '../'.repeat(fromFolders.length - shared) + parts.slice(shared).map((p) => `${encodeURIComponent(p)}/`).join('');
      toFolder.set(folder, way);
    }
    const href = way + encodeURIComponent(target.slice(cut));
    return href === '' ? './' : href;
  };
}

/** RFC 3339 in UTC, whole seconds, as `<time datetime>` wants it. */
export function machineDate(date: Date): string {
  const iso = date.toISOString();
  // Without the milliseconds (".sssZ" at the end of every toISOString).
  return `${iso.slice(0, -5)}Z`;
}

/** "2 March 2023", in UTC, the same on every machine (no locale data involved). */
export function humanDate(date: Date): string {
  return `${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function time(date: Date): string {
  return `<time datetime="${machineDate(date)}">${humanDate(date)}</time>`;
}

/** The feeds a page announces: the main ones (folder '') or a topic's. */
interface PageFeeds {
  title: string;
  folder: string;
}

interface PageParts {
  site: SiteConfig;
  /** This page's links (`linksFrom` its path under the output folder). */
  link: (target: string) => string;
  title: string;
  description: string;
  canonical: string;
  feeds: PageFeeds;
  /** The heading of the subscribe links in the footer. */
  subscribeHeading: string;
  main: string;
}

function page(p: PageParts): string {
  const to = (target: string) => escapeHtml(p.link(target));
  const alternates = FORMATS.map(
    (f) => `<link rel="alternate" type="${f.mediaType}" title="${escapeHtml(`${p.feeds.title} (${FEED_LABELS[f.name]})`)}" href="${to(p.feeds.folder + f.fileName)}" />`,
  );
  const subscribe = [
    ...FORMATS.map((f) => `<li><a href="${to(p.feeds.folder + f.fileName)}" type="${f.mediaType}">${FEED_LABELS[f.name]}</a></li>`),
    `<li><a href="${to(OPML_FILE)}" type="text/x-opml">All feeds (OPML)</a></li>`,
  ];
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(p.site.language)}"${rightToLeft(p.site.language) ? ' dir="rtl"' : ''}>`,
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<title>${escapeHtml(p.title)}</title>`,
    `<meta name="description" content="${escapeHtml(p.description)}" />`,
    '<meta name="generator" content="seedfeed" />',
    `<link rel="canonical" href="${escapeHtml(p.canonical)}" />`,
    `<link rel="stylesheet" href="${to(STYLESHEET_PATH)}" />`,
    ...alternates,
    '</head>',
    '<body>',
    '<a class="skip" href="#content">Skip to the content</a>',
    '<header class="site-header">',
    `<p class="site-name"><a href="${to('')}" rel="home">${escapeHtml(p.site.title)}</a></p>`,
    `<p class="site-description">${escapeHtml(p.site.description)}</p>`,
    '</header>',
    '<main id="content">',
    p.main,
    '</main>',
    '<footer class="site-footer">',
    '<nav class="subscribe" aria-labelledby="subscribe">',
    `<h2 id="subscribe">${escapeHtml(p.subscribeHeading)}</h2>`,
    '<ul>',
    ...subscribe,
    '</ul>',
    '</nav>',
    '</footer>',
    '</body>',
    '</html>',
  ]
    .join('\n')
    .concat('\n');
}

/**
 * `lang` for the story's own words (title, dek, body) when the story is in
 * another language than the site; the words around them (dates, "Shared by")
 * are in the site's language, so the attribute is not put on the whole article.
 */
function langAttribute(item: Item, site: SiteConfig): string {
  const language = ownLanguage(item, site);
  // A story in the site's language as far as it says, whose title and dek run the other way: its own direction, its language unknown.
  if (!language) return item.direction ? ` dir="${item.direction}"` : '';
  // A story written right to left on a left-to-right site (or the other way round) is laid out in its own direction.
  const rtl = rightToLeft(language);
  return ` lang="${escapeHtml(language)}"${rtl !== rightToLeft(site.language) ? ` dir="${rtl ? 'rtl' : 'ltr'}"` : ''}`;
}

/** One entry of a list of stories, linking to the story's page. */
function storyCard(site: SiteConfig, link: (target: string) => string, item: Item): string {
  const lang = langAttribute(item, site);
  const meta = [time(item.published)];
  if (item.source) meta.push(escapeHtml(item.source.name));
  if (item.sharedBy) meta.push(`shared by ${escapeHtml(item.sharedBy.name)}`);
  return [
    '<li><article>',
    `<h2${lang}><a href="${escapeHtml(link(item.path))}">${escapeHtml(item.title)}</a></h2>`,
    item.summary ? `<p class="dek"${lang}>${escapeHtml(item.summary)}</p>` : '',
    `<p class="meta">${meta.join(' · ')}</p>`,
    '</article></li>',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A topic page's text (as `topicPage` renders it) with `item`'s card put in
 * after the card of the story whose page is `afterPath`, or first: the page
 * `topicPage` renders once the item is among the topic's stories there.
 * Undefined when the text does not hold the list as `topicPage` writes it.
 */
export function withCardAdded(site: SiteConfig, topicPath: string, text: string, item: Item, afterPath: string | undefined): string | undefined {
  const link = linksFrom(topicPath + 'index.html');
  let at: number | undefined;
  if (afterPath === undefined) {
    const list = uniqueIndex(text, `\n${LIST_START}\n`);
    at = list === undefined ? undefined : list + LIST_START.length + 2;
  } else {
    const end = cardAround(text, link(afterPath))?.[1];
    at = end === undefined ? undefined : end + CARD_END.length;
  }
  return at === undefined ? undefined : `${text.slice(0, at)}${storyCard(site, link, item)}\n${text.slice(at)}`;
}

/**
 * A topic page's text with `item`'s card as `storyCard` renders it now, in
 * place of the card there that links its page: the page `topicPage` renders
 * once the item shows so. Undefined when the text does not hold one such card.
 */
export function withCardReplaced(site: SiteConfig, topicPath: string, text: string, item: Item): string | undefined {
  const link = linksFrom(topicPath + 'index.html');
  const card = cardAround(text, link(item.path));
  return card && `${text.slice(0, card[0])}${storyCard(site, link, item)}\n${text.slice(card[1] + CARD_END.length)}`;
}

/**
 * A topic page's text without the card that links the page at `itemPath`:
 * the page `topicPage` renders once that story is gone from the topic (which
 * keeps others). Undefined when the text does not hold one such card.
 */
export function withCardRemoved(topicPath: string, text: string, itemPath: string): string | undefined {
  const card = cardAround(text, linksFrom(topicPath + 'index.html')(itemPath));
  return card && text.slice(0, card[0]) + text.slice(card[1] + CARD_END.length);
}

/** Where the one card linking `href` starts, and where its `CARD_END` does. */
function cardAround(text: string, href: string): [number, number] | undefined {
  const anchor = uniqueIndex(text, `<a href="${escapeHtml(href)}">`);
  if (anchor === undefined) return undefined;
  const start = text.lastIndexOf(CARD_START, anchor);
  const end = text.indexOf(CARD_END, anchor);
  return start < 0 || end < 0 ? undefined : [start, end];
}

/** Where `needle` is in `text`, when it is there once. */
function uniqueIndex(text: string, needle: string): number | undefined {
  const at = text.indexOf(needle);
  return at >= 0 && text.indexOf(needle, at + 1) < 0 ? at : undefined;
}

const LIST_START = '<ol class="items">';
const CARD_START = '<li><article>\n';
const CARD_END = '</article></li>\n';

function storyList(site: SiteConfig, link: (target: string) => string, items: readonly Item[]): string {
  return listOf(items.map((item) => storyCard(site, link, item)));
}

function listOf(cards: readonly string[]): string {
  if (!cards.length) return '<p>No stories at the moment.</p>';
  return [LIST_START, ...cards, '</ol>'].join('\n');
}

/**
 * The home page with the cards of the newest stories (`cards`, at most
 * `site.limit`): each the card of an item on the home page, as
 * `homeCard` gives it, or as found in the home page's text (`homeCardIn`).
 * `shows`: the items of the cards, for the page's fingerprint.
 */
export function homePageOfCards(site: SiteConfig, cards: readonly string[], topics: readonly TopicCount[], shows: readonly Item[]): Output {
  return html('index.html', () => homePage(site, cards, topics), outputFingerprint(['home', ...topics.map(topicLine)], shows));
}

/** `item`'s card on the home page. */
export function homeCard(site: SiteConfig, item: Item): string {
  return storyCard(site, linksFrom('index.html'), item);
}

/** The card on the home page (its `text`) of the story whose page is `itemPath`, when there is one. */
export function homeCardIn(text: string, itemPath: string): string | undefined {
  const card = cardAround(text, linksFrom('index.html')(itemPath));
  return card && text.slice(card[0], card[1] + CARD_END.length - 1);
}

/** `cards`: the newest stories' cards (`homePageOutput`, `homePageOfCards`). */
function homePage(site: SiteConfig, cards: readonly string[], topics: readonly TopicCount[]): string {
  const path = 'index.html';
  const link = linksFrom(path);
  const browse: string[] = [];
  for (const kind of TOPIC_KINDS) {
    const ofKind = topics.filter((t) => t.kind === kind && t.count > 0);
    if (!ofKind.length) continue;
    browse.push(
      `<h2>${KIND_HEADINGS[kind]}</h2>`,
      '<ul>',
      ...ofKind.map((t) => `<li><a href="${escapeHtml(link(t.path))}">${escapeHtml(t.name)}</a> (${t.count})</li>`),
      '</ul>',
    );
  }
  const main = [
    '<h1>Latest stories</h1>',
    listOf(cards),
    browse.length ? ['<nav class="topics" aria-label="Browse by topic">', ...browse, '</nav>'].join('\n') : '',
  ]
    .filter(Boolean)
    .join('\n');
  return page({
    site,
    link,
    title: site.title,
    description: site.description,
    canonical: site.baseUrl,
    feeds: { title: site.title, folder: '' },
    subscribeHeading: 'Subscribe',
    main,
  });
}

/** A topic page's heading (plain text) and lead line (HTML: a source's name links to its home page). */
function topicHeading(topic: Topic): { heading: string; leadHtml: string } {
  const name = escapeHtml(topic.name);
  if (topic.kind === 'source') {
    const home = topic.items.find((i) => i.source?.url)?.source?.url;
    return { heading: topic.name, leadHtml: `Stories first published by ${home ? `<a href="${escapeHtml(home)}">${name}</a>` : name}.` };
  }
  if (topic.kind === 'sharer') return { heading: `Shared by ${topic.name}`, leadHtml: `Stories that ${name} shared.` };
  return { heading: topic.name, leadHtml: `Stories in the category ${name}.` };
}

function topicPage(site: SiteConfig, topic: Topic): string {
  const path = topic.path + 'index.html';
  const link = linksFrom(path);
  const { heading, leadHtml } = topicHeading(topic);
  const title = topicTitle(topic, site);
  const label = topic.kind === 'sharer' ? `stories shared by ${topic.name}` : topic.name;
  return page({
    site,
    link,
    title,
    description: topicDescription(topic, site),
    canonical: site.baseUrl + topic.path.split('/').map(encodeURIComponent).join('/'),
    feeds: { title, folder: topic.path },
    subscribeHeading: `Subscribe to ${label}`,
    main: [`<h1>${escapeHtml(heading)}</h1>`, `<p class="meta">${leadHtml}</p>`, storyList(site, link, topic.items)].join('\n'),
  });
}

function itemPage(site: SiteConfig, item: Item, find: TopicFinder): string {
  const path = item.path;
  const link = linksFrom(path);
  const to = (target: string) => escapeHtml(link(target));
  const byline = item.authors.filter((a) => a.name !== item.source?.name).map((a) => escapeHtml(a.name));
  const meta = [...(byline.length ? [`By ${byline.join(', ')}`] : []), time(item.published)];
  if (item.updated.getTime() !== item.published.getTime()) meta.push(`updated ${time(item.updated)}`);
  const credit = creditHtml(item);

  const categoryLinks = item.categories.map((name) => {
    const topic = find('category', name);
    return `<li>${topic ? `<a href="${to(topic.path)}" rel="tag">${escapeHtml(name)}</a>` : escapeHtml(name)}</li>`;
  });
  const more: string[] = [];
  const sourceTopic = item.source && find('source', item.source.name);
  if (item.source && sourceTopic) more.push(`More from <a href="${to(sourceTopic.path)}">${escapeHtml(item.source.name)}</a>`);
  const sharerTopic = item.sharedBy && find('sharer', item.sharedBy.name);
  if (item.sharedBy && sharerTopic) more.push(`More shared by <a href="${to(sharerTopic.path)}">${escapeHtml(item.sharedBy.name)}</a>`);
  const footer = [
    categoryLinks.length ? ['<nav class="tags" aria-labelledby="categories">', '<h2 id="categories">Categories</h2>', '<ul>', ...categoryLinks, '</ul>', '</nav>'].join('\n') : '',
    more.length ? `<p>${more.join(' · ')}</p>` : '',
  ].filter(Boolean);

  const lang = langAttribute(item, site);
  const main = [
    '<article>',
    '<header>',
    `<h1${lang}>${escapeHtml(item.title)}</h1>`,
    item.summary ? `<p class="dek"${lang}>${escapeHtml(item.summary)}</p>` : '',
    `<p class="meta">${meta.join(' · ')}</p>`,
    credit ? `<div class="credit">${credit}</div>` : '',
    '</header>',
    `<div class="story"${lang}>`,
    item.bodyHtml.trim(),
    '</div>',
    footer.length ? ['<footer class="story-footer">', ...footer, '</footer>'].join('\n') : '',
    '</article>',
  ]
    .filter(Boolean)
    .join('\n');
  return page({
    site,
    link,
    title: `${item.title} - ${site.title}`,
    description: item.summary ?? item.title,
    canonical: item.link,
    feeds: { title: site.title, folder: '' },
    subscribeHeading: 'Subscribe',
    main,
  });
}
