import { hash } from 'node:crypto';
import type { Item } from './model.js';
import type { FeedContext } from './render/context.js';

/**
 * Fingerprints of what an output is made from, so that a rebuild renders
 * only the outputs whose inputs moved (see `Output.fingerprint` and
 * publish.ts). An item's fingerprint names everything its fields come from
 * besides the config and seedfeed's own code, which key the whole build
 * cache: the seed's bytes (their hash), its file and its identity (id, page,
 * dates). An output's fingerprint digests its own parts and the fingerprints
 * of the items it shows, in order.
 */
const fingerprints = new WeakMap<Item, string>();

/** Called by the build for each item it makes; items made elsewhere have none, and outputs that show them are always rendered. */
export function fingerprintItem(item: Item, seedHash: string): void {
  // Short (27 characters): a topic page's fingerprint covers every item on it, 500,000 in all at 100,000 seeds.
  const parts = `${seedHash}\u0000${item.id}\u0000${item.file}\u0000${item.path}\u0000${item.published.getTime()}\u0000${item.updated.getTime()}`;
  fingerprints.set(item, hash('sha1', parts, 'base64').slice(0, 27));
}

/** The digest of `parts` and of `items`' fingerprints; undefined when an item has none. */
export function outputFingerprint(parts: readonly string[], items: readonly Item[]): string | undefined {
  const fps: string[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const fp = fingerprints.get(items[i]!);
    if (fp === undefined) return undefined;
    fps[i] = fp;
  }
  // One string, one digest (one-shot `hash`, half the cost of a Hash object): at 100,000 pages the number of hash calls is what costs.
  return hash('sha256', `${parts.join('\u0001')}\u0002${fps.join('\u0001')}`, 'base64');
}

/** A feed document in any format: everything of its context but the site config (which keys the cache), and its items. */
export function feedFingerprint(ctx: FeedContext): string | undefined {
  return outputFingerprint(['feed', ctx.id, ctx.title, ctx.description, ctx.homeUrl, JSON.stringify(ctx.links), JSON.stringify(ctx.history ?? null), String(ctx.updated.getTime())], ctx.items);
}
