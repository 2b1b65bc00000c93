import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/bounded.js';

describe('BoundedCache', () => {
  it('keeps at most its capacity, dropping the entry used least recently', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // drops b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
    cache.set('a', 10); // replacing keeps the size
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe(10);
  });
});
