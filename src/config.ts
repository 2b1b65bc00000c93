import { readFileSync } from 'node:fs';
import type { Person, SiteConfig, Source } from './model.js';
import { UsageError, error, type Diagnostic } from './diagnostics.js';
import { absoluteHttpUrl } from './urls.js';
import { hasXmlForbidden, nameKey } from './text.js';
import { hasLanguageTagShape } from './language.js';

export const DEFAULT_CONFIG_FILE = 'seedfeed.config.json';
export const DEFAULT_LIMIT = 50;
export const DEFAULT_MAX_SEED_BYTES = 2_000_000;

/** What is wrong with the config's `language`. */
export function languageProblem(language: string): string {
  return `expected a language tag such as "en" or "hy-AM" (an ISO 639 code, then any subtags), found ${JSON.stringify(language)}`;
}

/** What a config file may hold; `checkConfig` turns it into a `SiteConfig` or says what is wrong. */
export interface ConfigInput {
  title?: unknown;
  description?: unknown;
  baseUrl?: unknown;
  language?: unknown;
  publisher?: unknown;
  limit?: unknown;
  sources?: unknown;
  defaultSource?: unknown;
  maxSeedBytes?: unknown;
  topics?: unknown;
  archive?: unknown;
  hub?: unknown;
  ping?: unknown;
}

const TOP_KEYS = ['title', 'description', 'baseUrl', 'language', 'publisher', 'limit', 'sources', 'defaultSource', 'maxSeedBytes', 'topics', 'archive', 'hub', 'ping', '$schema'];
const TOPIC_KEYS = { categories: 'category', sources: 'source', sharedBy: 'sharer' } as const;
export const DEFAULT_ARCHIVE_PAGE_SIZE = 100;

/**
 * Checks a parsed config once, at the boundary, and reports every problem with
 * its key path (`sources.Asbarez.feed`), so the core can trust its types.
 */
export function checkConfig(input: unknown, file = DEFAULT_CONFIG_FILE): { config?: SiteConfig; diagnostics: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const problem = (path: string, message: string) => problems.push(error('config', file, 0, `${path}: ${message}`));
  if (!isRecord(input)) {
    problem('(top)', 'expected a JSON object');
    return { diagnostics: problems };
  }
  for (const key of Object.keys(input)) {
    if (!TOP_KEYS.includes(key)) problem(key, `unknown key; expected one of ${TOP_KEYS.filter((k) => k !== '$schema').join(', ')}`);
  }
  const text = (path: string, value: unknown, fallback?: string): string => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value.trim() === '') {
      problem(path, `expected a non-empty string, found ${describe(value)}`);
      return '';
    }
    // Every text here ends up in the XML feeds, which could not be parsed with these in them.
    if (hasXmlForbidden(value)) {
      problem(path, `contains a control character that XML 1.0 does not allow, found ${JSON.stringify(value)}; remove it`);
      return '';
    }
    return value.trim();
  };
  const url = (path: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    const checked = typeof value === 'string' ? absoluteHttpUrl(value) : undefined;
    if (!checked) problem(path, `expected an absolute http(s) URL, found ${describe(value)}`);
    return checked;
  };
  const integer = (path: string, value: unknown, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      problem(path, `expected a whole number of at least ${min}, found ${describe(value)}`);
      return fallback;
    }
    return value;
  };

  const title = text('title', input.title);
  const description = text('description', input.description, title);
  let baseUrl = url('baseUrl', input.baseUrl ?? missing(problem, 'baseUrl')) ?? '';
  // Feed and page URLs are the base URL plus a path: a query or fragment would swallow them.
  if (/[?#]/.test(baseUrl)) {
    problem('baseUrl', `expected the site's folder URL without "?" or "#", found ${JSON.stringify(baseUrl)}`);
    baseUrl = '';
  } else if (baseUrl && (new URL(baseUrl).username || new URL(baseUrl).password)) {
    // Written into every self link and page: a password would be published.
    problem('baseUrl', `expected the site's public URL, without a user name or password, found ${JSON.stringify(baseUrl)}`);
    baseUrl = '';
  } else if (baseUrl && new URL(baseUrl).hostname.startsWith('[')) {
    // Ids are tag: URIs on the site's host (RFC 4151), which names a domain, never an IP address in brackets.
    problem('baseUrl', `expected a host name, not an IPv6 address: ids are tag: URIs that name the site's domain, found ${JSON.stringify(baseUrl)}`);
    baseUrl = '';
  } else if (baseUrl && new URL(baseUrl).hostname.endsWith('.')) {
    // The root's dot (`example.org.`) has no place in a tag: URI's domain (RFC 4151: DNScomp *("." DNScomp)).
    problem('baseUrl', `expected the host name without a dot at its end: ids are tag: URIs that name the site's domain, found ${JSON.stringify(baseUrl)}`);
    baseUrl = '';
  }
  if (baseUrl && !baseUrl.endsWith('/')) baseUrl += '/';
  const language = text('language', input.language, 'en');
  // Its shape only: whether ICU knows the language is asked by the run that builds (`build`), so that a no-op, which
  // follows a run that built with the same config, never loads ICU's data.
  if (language && !hasLanguageTagShape(language)) problem('language', languageProblem(language));

  let publisher: Person = { name: title };
  if (input.publisher !== undefined) {
    if (typeof input.publisher === 'string') publisher = { name: text('publisher', input.publisher) };
    else if (isRecord(input.publisher)) {
      for (const key of Object.keys(input.publisher)) if (!['name', 'url', 'email'].includes(key)) problem(`publisher.${key}`, 'unknown key; expected name, url or email');
      publisher = { name: text('publisher.name', input.publisher.name) };
      const purl = url('publisher.url', input.publisher.url);
      if (purl) publisher.url = purl;
      if (input.publisher.email !== undefined) {
        const email = text('publisher.email', input.publisher.email);
        if (email && !/^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/.test(email)) problem('publisher.email', `expected an email address, found ${JSON.stringify(email)}`);
        else if (email) publisher.email = email;
      }
    } else problem('publisher', `expected a name or {name, url, email}, found ${describe(input.publisher)}`);
  }

  const sources: Source[] = [];
  if (input.sources !== undefined) {
    if (!isRecord(input.sources)) problem('sources', `expected an object of name -> {url, feed}, found ${describe(input.sources)}`);
    else {
      const seen = new Map<string, string>();
      for (const [name, value] of Object.entries(input.sources)) {
        const path = `sources${/^[\p{L}\p{N}_-]+$/u.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}`;
        if (!isRecord(value)) {
          problem(path, `expected {url, feed}, found ${describe(value)}`);
          continue;
        }
        if (!text(path, name)) continue;
        // Seeds name sources in any case (findSource), so two names that differ only in case are one source.
        const earlier = seen.get(name.trim().toLowerCase());
        if (earlier !== undefined) {
          problem(path, `the same source as ${earlier} (names are matched ignoring case); keep one`);
          continue;
        }
        seen.set(name.trim().toLowerCase(), path);
        for (const key of Object.keys(value)) if (key !== 'url' && key !== 'feed') problem(`${path}.${key}`, 'unknown key; expected url or feed');
        const source: Source = { name: name.trim() };
        const home = url(`${path}.url`, value.url);
        const feed = url(`${path}.feed`, value.feed);
        if (home) source.url = home;
        if (feed) source.feedUrl = feed;
        sources.push(source);
      }
    }
  }
  let defaultSource: string | undefined;
  if (input.defaultSource !== undefined) defaultSource = text('defaultSource', input.defaultSource);

  const topics = { category: true, source: true, sharer: true };
  if (input.topics !== undefined) {
    if (!isRecord(input.topics)) problem('topics', `expected {categories, sources, sharedBy} of true/false, found ${describe(input.topics)}`);
    else {
      for (const [key, value] of Object.entries(input.topics)) {
        const kind = TOPIC_KEYS[key as keyof typeof TOPIC_KEYS];
        if (!kind) problem(`topics.${key}`, `unknown key; expected one of ${Object.keys(TOPIC_KEYS).join(', ')}`);
        else if (typeof value !== 'boolean') problem(`topics.${key}`, `expected true or false, found ${describe(value)}`);
        else topics[kind] = value;
      }
    }
  }
  let archive: { pageSize: number } | undefined = { pageSize: DEFAULT_ARCHIVE_PAGE_SIZE };
  if (input.archive === false) archive = undefined;
  else if (input.archive !== undefined) {
    if (!isRecord(input.archive)) problem('archive', `expected {pageSize} or false, found ${describe(input.archive)}`);
    else {
      for (const key of Object.keys(input.archive)) if (key !== 'pageSize') problem(`archive.${key}`, 'unknown key; expected pageSize');
      archive = { pageSize: integer('archive.pageSize', input.archive.pageSize, DEFAULT_ARCHIVE_PAGE_SIZE, 1) };
    }
  }
  const hub = url('hub', input.hub);
  let ping = false;
  if (input.ping !== undefined) {
    if (typeof input.ping !== 'boolean') problem('ping', `expected true or false, found ${describe(input.ping)}`);
    else ping = input.ping;
  }
  if (ping && !hub) problem('ping', 'ping needs a hub URL in "hub"');

  const config: SiteConfig = {
    title,
    description,
    baseUrl,
    language,
    publisher,
    limit: integer('limit', input.limit, DEFAULT_LIMIT, 1),
    sources,
    maxSeedBytes: integer('maxSeedBytes', input.maxSeedBytes, DEFAULT_MAX_SEED_BYTES, 1),
    topics,
    ping,
  };
  if (archive) config.archive = archive;
  if (hub) config.hub = hub;
  if (defaultSource) config.defaultSource = defaultSource;
  return problems.length ? { diagnostics: problems } : { config, diagnostics: [] };
}

/** Reads and checks a config file; any problem is a usage error (exit 2). */
export function loadConfig(file: string, overrides: ConfigInput = {}): SiteConfig {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? e}); create it or pass --config FILE`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const given = definedOnly(overrides);
  const merged = isRecord(parsed) ? { ...parsed, ...given } : parsed;
  const { config, diagnostics } = checkConfig(merged, file);
  if (!config) {
    // A value given on the command line (--base-url, --limit) is named as such, not as the file's.
    const named = diagnostics.map((d) => {
      const key = Object.keys(given).find((k) => d.message.startsWith(`${k}: `));
      return key ? { ...d, file: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` } : d;
    });
    const fromFile = named.filter((d) => d.file === file).length;
    throw new UsageError(fromFile ? `${file}: the config has ${diagnostics.length} problem(s)` : `${named.map((d) => d.file).join(', ')}: not a usable value`, named);
  }
  return config;
}

function missing(problem: (path: string, message: string) => void, path: string): undefined {
  problem(path, 'required');
  return undefined;
}

function definedOnly(o: ConfigInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Finds a configured source by name, as names are matched (`nameKey`: case and composition aside). */
export function findSource(config: SiteConfig, name: string): Source | undefined {
  const key = nameKey(name.trim());
  return config.sources.find((s) => nameKey(s.name) === key);
}
