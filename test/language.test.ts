/**
 * Language tags: a seed's `Language:` and the config's `language` reach the
 * feeds (RSS `dc:language`, Atom `xml:lang`, JSON Feed `language`) only when
 * they name a language, as the W3C validator requires of each.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publish } from '../src/publish.js';
import { UsageError } from '../src/diagnostics.js';
import { build } from '../src/build.js';
import { checkConfig } from '../src/config.js';
import { isLanguageTag } from '../src/language.js';
import { NOW, tempDir, testConfig, writeTree } from './helpers.js';
import { child, children, parseXml } from './xml.js';

describe('isLanguageTag', () => {
  it('takes an ISO 639 code, two letters or three, with any subtags', () => {
    for (const tag of ['en', 'hy', 'hy-AM', 'EN-gb', 'eng', 'ckb', 'yue', 'zh-Hant-TW', 'sr-Latn', 'de-CH-1996', 'ar']) expect(isLanguageTag(tag), tag).toBe(true);
  });
  it('refuses words, made-up and private codes, and what is not shaped as a tag', () => {
    for (const tag of ['english', 'armenian', 'Russian', 'zz', 'xx', 'qaa', 'x', 'e1', 'en_US', 'en-', '-en', 'en--US', 'en-toolongsubtag', '']) expect(isLanguageTag(tag), tag).toBe(false);
  });
});

describe('a seed whose Language: names no language', () => {
  const seedsDir = writeTree(tempDir(), {
    'spelled-out.txt': 'Language: english\nShared-By: Lena Varga\n\nAsbarez: A Language Written Out in Full\n\nThe body of the story, in the site\'s language after all.\n',
    'coded.txt': 'Language: hy\n\nAsbarez: A Story Marked as Armenian\n\nIts body.\n',
  });
  const result = build({ seedsDir, config: testConfig(), now: NOW, displayRoot: 'seeds' });
  const text = (path: string) => result.outputs.find((o) => o.path === path)!.text;

  it('is a warning naming the file, the line and the rule; the story is published in the site\'s language', () => {
    expect(result.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}`)).toEqual(['seeds/spelled-out.txt:1 warning language-invalid']);
    expect(result.diagnostics[0]!.message).toBe('language "english" is not a language tag such as "en" or "hy-AM" (an ISO 639 code, then any subtags); using en');
    expect(result.items.map((i) => [i.title, i.language]).sort()).toEqual([
      ['A Language Written Out in Full', 'en'],
      ['A Story Marked as Armenian', 'hy'],
    ]);
  });

  it('leaves the word out of every format; the other story keeps its own language', () => {
    for (const path of ['feed.xml', 'atom.xml', 'feed.json']) expect(text(path), path).not.toContain('english');
    const rss = children(child(parseXml(text('feed.xml')), 'channel')!, 'item');
    expect(rss.map((i) => child(i, 'dc:language')?.text ?? null).sort()).toEqual(['hy', null]);
    const atom = children(parseXml(text('atom.xml')), 'entry');
    expect(atom.map((e) => e.attributes['xml:lang'] ?? null).sort()).toEqual(['hy', null]);
    const json = JSON.parse(text('feed.json')) as { items: { language?: string }[] };
    expect(json.items.map((i) => i.language ?? null).sort()).toEqual(['hy', null]);
  });
});

describe('a config whose language names no language', () => {
  it('is refused, naming the key, when it is not shaped as a tag', () => {
    const { config, diagnostics } = checkConfig({ title: 'T', baseUrl: 'https://seeds.example.org/', language: 'english' });
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => d.message)).toEqual(['language: expected a language tag such as "en" or "hy-AM" (an ISO 639 code, then any subtags), found "english"']);
  });

  it('stops the run that would build with it (exit 2) when it is shaped as one, and nothing is written', async () => {
    const seedsDir = writeTree(tempDir(), { 'a.txt': 'Asbarez: A Story\n\nIts body.\n' });
    const outDir = join(tempDir(), 'out');
    const run = publish({ seedsDir, outDir, statePath: join(tempDir(), 'log.json'), config: testConfig({ language: 'zz' }), now: NOW });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow('the config\'s language: expected a language tag such as "en" or "hy-AM" (an ISO 639 code, then any subtags), found "zz". Nothing was written');
    expect(existsSync(outDir)).toBe(false);
  });
});
