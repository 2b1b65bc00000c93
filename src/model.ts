/** The one model every renderer reads. */

export interface Person {
  name: string;
  url?: string;
  email?: string;
}

/** The publication a story comes from. */
export interface Source {
  name: string;
  /** The publication's home page. */
  url?: string;
  /** The publication's own feed: RSS 2.0 `<source url>` needs it. */
  feedUrl?: string;
}

export interface Item {
  /** Never changes once published: a `tag:` URI (RFC 4151) unless the seed names one. */
  id: string;
  /** The seed file, relative to the seeds folder, with `/` separators. */
  file: string;
  /** Plain text. */
  title: string;
  /** The dek (standfirst), plain text. */
  summary?: string;
  /** The body as sanitized HTML, without the credit line. */
  bodyHtml: string;
  source?: Source;
  categories: string[];
  /** The story's byline when known, else the source publication. */
  authors: Person[];
  /** The curator who shared the story. */
  sharedBy?: Person;
  published: Date;
  updated: Date;
  /**
   * When seedfeed first published the item (the publish log's
   * `firstPublished`), when known: a story added with a date older than
   * its feed's newest still moves the feed's date (`newestUpdate`).
   */
  seen?: Date;
  /** The item's own page on the site. */
  link: string;
  /** The page path under the output folder, e.g. `articles/slug.html`. */
  path: string;
  /** The original article, when known. */
  originalLink?: string;
  language: string;
  /**
   * The direction the story's words run in, when the story names no
   * language of its own (it has the site's) and its title and dek run the
   * other way from the site's language: an Arabic story on an English site.
   */
  direction?: 'rtl' | 'ltr';
}

export interface SiteConfig {
  title: string;
  description: string;
  /** Absolute http(s) URL ending in `/`. */
  baseUrl: string;
  language: string;
  publisher: Person;
  /** How many items the main feeds carry, newest first. */
  limit: number;
  /** Known publications by name. */
  sources: Source[];
  /** The source of seeds that name none. */
  defaultSource?: string;
  /** Largest seed file read, in bytes. */
  maxSeedBytes: number;
  /** Which kinds of topic feed to write. */
  topics: { category: boolean; source: boolean; sharer: boolean };
  /** RFC 5005 archive pages of the main feed: items per page, or off. */
  archive?: { pageSize: number };
  /** WebSub hub announced in every feed. */
  hub?: string;
  /** Notify the hub after a build that changed feeds. */
  ping: boolean;
}
