import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORDS = (
  'ministry talks corridor peace council village school harvest river bridge election court ' +
  'festival museum archive border winter spring market railway hospital library parliament ' +
  'community church choir orchard vineyard mountain valley teacher student doctor farmer ' +
  'reporter delegation agreement statement question answer report budget season journey'
).split(' ');
const SOURCES = ['Asbarez', 'The Armenian Weekly', 'Azatutyun', 'news.am', 'Civilnet', 'Hetq'];
const SHARERS = ['Emma Jilavian', 'Aram Petrosyan', 'Lena Hakobyan', 'Davit Sargsyan'];

/** A small deterministic generator, so every corpus is the same from run to run. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]!);
  const text = out.join(' ');
  return text[0]!.toUpperCase() + text.slice(1) + '.';
}

/**
 * The text of plain-text seed number `n`: a header block with a date and a
 * category, a `Source: Title` headline, a dek, `paragraphs` body paragraphs
 * and a sharer trailer. Titles are unique per `n`.
 */
export function seedText(n: number, paragraphs = 4): string {
  const next = generator(n + 1);
  const day = new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString();
  const title = `${sentence(next, 5).slice(0, -1)} number ${n}`;
  const body: string[] = [];
  for (let p = 0; p < paragraphs; p++) {
    const sentences: string[] = [];
    for (let s = 0; s < 5; s++) sentences.push(sentence(next, 8 + Math.floor(next() * 10)));
    body.push(sentences.join(' '));
  }
  return [
    `Categories: ${WORDS[n % WORDS.length]}, corpus`,
    `Date: ${day}`,
    '',
    `${SOURCES[n % SOURCES.length]}: ${title}`,
    '',
    `A short standfirst about item ${n}`,
    '',
    body.join('\n\n'),
    '',
    `${SHARERS[n % SHARERS.length]}:`,
    '',
  ].join('\n');
}

/** The file name of seed number `n`. */
export function seedName(n: number): string {
  return `${String(n).padStart(5, '0')}_seed.txt`;
}

/** Writes seeds 0 … count-1 into `dir` and returns their file names. */
export function writeCorpus(dir: string, count: number, paragraphs = 4): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    const name = seedName(n);
    writeFileSync(join(dir, name), seedText(n, paragraphs));
    names.push(name);
  }
  return names;
}

/** A site config file like the sample's; `limit` decides how many items the main feeds carry. */
export function writeSiteConfig(path: string, overrides: Record<string, unknown> = {}): string {
  const config = {
    title: 'Cron test feed',
    description: 'Stories for the cron tests',
    baseUrl: 'https://seeds.example.org/',
    language: 'en',
    publisher: { name: 'Cron test publisher', url: 'https://seeds.example.org/' },
    limit: 50,
    sources: { Asbarez: { url: 'https://asbarez.com/', feed: 'https://asbarez.com/feed/' } },
    ...overrides,
  };
  writeFileSync(path, JSON.stringify(config, null, 2) + '\n');
  return path;
}
