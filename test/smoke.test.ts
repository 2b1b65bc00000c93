import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { NOW, SAMPLE_SEEDS, testConfig } from './helpers.js';

describe('the sample seed', () => {
  it('builds into three feeds with one item', () => {
    const result = build({ seedsDir: SAMPLE_SEEDS, config: testConfig(), now: NOW });
    expect(result.outputs.map((o) => o.path).slice(0, 3)).toEqual(['feed.xml', 'atom.xml', 'feed.json']);
    expect(result.items).toHaveLength(1);
    const item = result.items[0]!;
    expect(item.title).toBe('Artsakh Calls for ‘Full-Fledged’ Peace Talks Through International Efforts');
    expect(item.source?.name).toBe('Asbarez');
    expect(item.summary).toBe('The Lachin Corridor has been blocked by Azerbaijan since Dec. 12');
    expect(item.categories).toEqual(['2023']);
    expect(item.sharedBy?.name).toBe('Emma Jilavian');
    const paragraphs = item.bodyHtml.match(/<p>[^]*?<\/p>/g) ?? [];
    expect(paragraphs).toHaveLength(6);
    expect(paragraphs[0]).toMatch(/^<p>The Artsakh Foreign Ministry said on Thursday/);
    expect(paragraphs[5]).toMatch(/the Artsakh foreign ministry said.<\/p>$/);
    expect(item.bodyHtml).toContain('free expression of their will');
    expect(result.repairs).toHaveLength(1);
    expect(result.diagnostics).toEqual([]);
  });
});
