import type { Item, SiteConfig } from './model.js';
import { slugify, uniqueSlug } from './slug.js';
import { nameKey } from './text.js';

export type TopicKind = 'category' | 'source' | 'sharer';

export const TOPIC_KINDS: readonly TopicKind[] = ['category', 'source', 'sharer'];

/** Folder of each kind under the output folder. */
export const TOPIC_FOLDERS: Record<TopicKind, string> = { category: 'categories', source: 'sources', sharer: 'shared-by' };

/** A feed of its own for one category, one source publication or one sharer. */
export interface Topic {
  kind: TopicKind;
  name: string;
  slug: string;
  /** Folder under the output folder, ending in `/`: `categories/2023/`. */
  path: string;
  /** Newest first; empty for a topic whose last item was removed (its feed stays, empty). */
  items: Item[];
}

/** The names under which `item` belongs to topics of `kind`. */
export function namesOf(item: Item, kind: TopicKind): string[] {
  if (kind === 'category') return item.categories;
  if (kind === 'source') return item.source ? [item.source.name] : [];
  return item.sharedBy ? [item.sharedBy.name] : [];
}

/** A topic's key: its kind and its name as names are matched (`nameKey`). */
export function topicKey(kind: TopicKind, name: string): string {
  return `${kind}:${nameKey(name)}`;
}

/**
 * A map of the publish log keyed by topic (`topics`: slugs, `topicNames`:
 * names) under the keys `topicKey` now makes: a key written before names
 * were composed alike keeps its value under the composed key, so a topic's
 * feed stays where it is; of two keys that are now one, the one that was
 * composed already keeps its value.
 */
function composedKeys(known: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, slug] of Object.entries(known)) {
    const composed = key.normalize('NFC');
    if (composed === key || !(composed in out)) out[composed] = slug;
  }
  return out;
}

/**
 * Groups items (newest first) by category, source and sharer. Names are
 * matched without regard to case. Slugs keep every script and never collide:
 * two names that slugify alike get `-2`, `-3`. A slug, once given, is kept in
 * `known` (the publish log's `topics`) so a topic's feed URL never moves; a
 * known topic with no items left keeps an empty feed, so its subscribers are
 * not left with a dead URL, and the name it had (`names`, the log's
 * `topicNames`; its key, in lower case, for a topic emptied before names
 * were kept).
 * Returns the topics and the updated `known` and `names` maps.
 */
export function topicsOf(
  items: readonly Item[],
  kinds: readonly TopicKind[] = TOPIC_KINDS,
  known: Readonly<Record<string, string>> = {},
  names: Readonly<Record<string, string>> = {},
): { topics: Topic[]; known: Record<string, string>; names: Record<string, string> } {
  const nextKnown = composedKeys(known);
  const nextNames = composedKeys(names);
  const topics: Topic[] = [];
  for (const kind of kinds) {
    const byKey = new Map<string, Topic>();
    for (const item of items) {
      for (const name of namesOf(item, kind)) {
        const key = topicKey(kind, name);
        let topic = byKey.get(key);
        if (!topic) {
          topic = { kind, name, slug: '', path: '', items: [] };
          byKey.set(key, topic);
        }
        topic.items.push(item);
      }
    }
    const prefix = `${kind}:`;
    const taken = new Set(Object.entries(nextKnown).filter(([k]) => k.startsWith(prefix)).map(([, slug]) => slug));
    // Known topics that lost their items: an empty feed under the same slug.
    for (const [key, slug] of Object.entries(nextKnown)) {
      if (key.startsWith(prefix) && !byKey.has(key)) byKey.set(key, { kind, name: nextNames[key] ?? key.slice(prefix.length), slug, path: '', items: [] });
    }
    const ordered = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, topic] of ordered) {
      let slug = nextKnown[key];
      if (!slug) {
        slug = uniqueSlug(slugify(topic.name), taken);
        taken.add(slug);
        nextKnown[key] = slug;
      }
      topic.slug = slug;
      topic.path = `${TOPIC_FOLDERS[kind]}/${slug}/`;
      nextNames[key] = topic.name;
      topics.push(topic);
    }
  }
  return { topics, known: sortKeys(nextKnown), names: sortKeys(nextNames) };
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** "Asbarez - Site title", "Shared by Emma Jilavian - Site title" */
export function topicTitle(topic: Topic, config: SiteConfig): string {
  const label = topic.kind === 'sharer' ? `Shared by ${topic.name}` : topic.kind === 'category' ? `${topic.name}` : topic.name;
  return `${label} - ${config.title}`;
}

export function topicDescription(topic: Topic, config: SiteConfig): string {
  if (topic.kind === 'source') return `Stories first published by ${topic.name}, from ${config.title}`;
  if (topic.kind === 'sharer') return `Stories shared by ${topic.name}, from ${config.title}`;
  return `Stories in the category ${topic.name}, from ${config.title}`;
}
