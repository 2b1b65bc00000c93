import type { Item, SiteConfig } from './model.js';
import { slugify, uniqueSlug } from './slug.js';

export type TopicKind = 'category' | 'source' | 'sharer';

/** Folder of each kind under the output folder. */
export const TOPIC_FOLDERS: Record<TopicKind, string> = { category: 'categories', source: 'sources', sharer: 'shared-by' };

/** A feed of its own for one category, one source publication or one sharer. */
export interface Topic {
  kind: TopicKind;
  name: string;
  slug: string;
  /** Folder under the output folder, ending in `/`: `categories/2023/`. */
  path: string;
  /** Newest first. */
  items: Item[];
}

function namesOf(item: Item, kind: TopicKind): string[] {
  if (kind === 'category') return item.categories;
  if (kind === 'source') return item.source ? [item.source.name] : [];
  return item.sharedBy ? [item.sharedBy.name] : [];
}

/**
 * Groups items (newest first) by category, source and sharer. Names are
 * matched without regard to case; slugs keep every script and never collide:
 * two names that slugify alike get `-2`, `-3` in order of their first
 * appearance by name, so the same names always get the same paths.
 */
export function topicsOf(items: readonly Item[], kinds: readonly TopicKind[] = ['category', 'source', 'sharer']): Topic[] {
  const topics: Topic[] = [];
  for (const kind of kinds) {
    const byKey = new Map<string, Topic>();
    for (const item of items) {
      for (const name of namesOf(item, kind)) {
        const key = name.toLowerCase();
        let topic = byKey.get(key);
        if (!topic) {
          topic = { kind, name, slug: '', path: '', items: [] };
          byKey.set(key, topic);
        }
        topic.items.push(item);
      }
    }
    const ordered = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
    const taken = new Set<string>();
    for (const topic of ordered) {
      topic.slug = uniqueSlug(slugify(topic.name), taken);
      taken.add(topic.slug);
      topic.path = `${TOPIC_FOLDERS[kind]}/${topic.slug}/`;
      topics.push(topic);
    }
  }
  return topics;
}

/** "Asbarez - Site title" */
export function topicTitle(topic: Topic, config: SiteConfig): string {
  const label = topic.kind === 'sharer' ? `Shared by ${topic.name}` : topic.name;
  return `${label} - ${config.title}`;
}
