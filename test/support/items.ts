import type { Item, SiteConfig } from '../../src/model.js';
import { testConfig } from '../helpers.js';

/** Items and a site for renderer tests, built fresh on every call. */
export const ORIGINAL = 'https://asbarez.com/2023/03/02/talks/?utm=x&lang=en';

export function site(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { ...testConfig({ publisher: { name: 'Seedfeed Desk', url: 'https://seeds.example.org/about' } }), ...overrides };
}

/** A fully attributed item: byline, source with home page and feed, original link, sharer, two categories. */
export function fullItem(overrides: Partial<Item> = {}): Item {
  return {
    id: 'tag:seeds.example.org,2026-11-20:articles/talks',
    file: 'talks.txt',
    title: 'Artsakh Calls for Talks',
    summary: 'The corridor has been blocked since Dec. 12',
    bodyHtml: '<p>First paragraph.</p>\n<p>Second paragraph.</p>\n',
    source: { name: 'Asbarez', url: 'https://asbarez.com/', feedUrl: 'https://asbarez.com/feed/' },
    categories: ['2023', 'Artsakh'],
    authors: [{ name: 'Lilit Avagyan' }],
    sharedBy: { name: 'Emma Jilavian' },
    published: new Date('2026-11-20T10:00:00Z'),
    updated: new Date('2026-11-21T09:30:15Z'),
    link: 'https://seeds.example.org/articles/talks.html',
    path: 'articles/talks.html',
    originalLink: ORIGINAL,
    language: 'en',
    ...overrides,
  };
}

/** An item with nothing optional. */
export function bareItem(overrides: Partial<Item> = {}): Item {
  return {
    id: 'tag:seeds.example.org,2026-11-10:articles/bare',
    file: 'bare.txt',
    title: 'Bare',
    bodyHtml: '<p>Only a body.</p>\n',
    categories: [],
    authors: [],
    published: new Date('2026-11-10T00:00:00Z'),
    updated: new Date('2026-11-10T00:00:00Z'),
    link: 'https://seeds.example.org/articles/bare.html',
    path: 'articles/bare.html',
    language: 'en',
    ...overrides,
  };
}

