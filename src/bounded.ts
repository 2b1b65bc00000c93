/**
 * A map that keeps at most `capacity` entries, dropping the one used least
 * recently. Builds use it for what is worth keeping but not worth keeping
 * for every item of a 100,000-seed corpus: bodies, serialized items.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: moving the entry to the end marks it recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Whether `key` is kept, without marking it used. */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What a bounded memo of text offers: a `BoundedCache` of strings, or a `Utf8Cache`. */
export type TextCache<K> = Pick<BoundedCache<K, string>, 'get' | 'has' | 'set' | 'capacity' | 'size'>;

/**
 * A `BoundedCache` of text kept as UTF-8 bytes. V8 keeps a string with any
 * character past Latin-1 (a curly quote, a dash) at two bytes a character,
 * so news text takes about half as much as UTF-8; each `get` decodes it
 * again, a few microseconds for a body of 10 KB.
 */
export class Utf8Cache<K> implements TextCache<K> {
  private readonly kept: BoundedCache<K, Uint8Array>;

  constructor(readonly capacity: number) {
    this.kept = new BoundedCache(capacity);
  }

  get(key: K): string | undefined {
    const bytes = this.kept.get(key);
    return bytes && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  has(key: K): boolean {
    return this.kept.has(key);
  }

  set(key: K, text: string): void {
    // An encoder's array has a buffer of its own: a slice of Buffer's shared pool would keep the whole pool.
    this.kept.set(key, encoder.encode(text));
  }

  get size(): number {
    return this.kept.size;
  }
}

const encoder = new TextEncoder();
