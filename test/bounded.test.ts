import { describe, expect, it } from 'vitest';
import { BoundedCache, Utf8Cache } from '../src/bounded.js';

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

describe('Utf8Cache', () => {
  it('gives back the very text it was given, whatever its characters, as a BoundedCache of strings would', () => {
    const texts = ['', 'plain', '“Curly” quotes — and dashes', 'Հայերեն տեքստ', 'emoji 😀 and a lone \u00e9', '<p>a body</p>\n'.repeat(2000)];
    const cache = new Utf8Cache<number>(texts.length);
    texts.forEach((t, i) => cache.set(i, t));
    expect(texts.map((_, i) => cache.get(i))).toEqual(texts);
    expect(cache.has(0)).toBe(true);
    expect(cache.get(texts.length)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the entry used least recently', () => {
    const cache = new Utf8Cache<string>(2);
    cache.set('a', 'first');
    cache.set('b', 'second');
    expect(cache.get('a')).toBe('first');
    cache.set('c', 'third'); // drops b
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c'), cache.size, cache.capacity]).toEqual(['first', 'third', 2, 2]);
  });
});
