/**
 * Deterministic synthetic corpora in the seed layout (SEED-FORMAT.md): plain
 * text seeds with a header block, a `Source: Title` headline, a dek, body
 * paragraphs and a sharer trailer, plus some Markdown seeds with YAML front
 * matter. Seed `i` of every corpus is the same text, drawn from a PRNG seeded
 * by `i` alone, so one seed can be regenerated (or varied) without the rest.
 * The same articles are also written as a Hugo content folder.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ADJECTIVES,
  ARMENIAN_CATEGORIES,
  ARMENIAN_NAMES,
  DOMAINS,
  FIRST_NAMES,
  FUNCTION_WORDS,
  LAST_NAMES,
  NOUNS,
  PAPER_WORDS,
  PLACES,
  VERBS,
} from './words.mjs';
import { hugoConfig, hugoSiteConfig, hugoSiteLayouts } from './hugo-site.mjs';

/** Bumped whenever the text of a seed changes, so cached corpora are regenerated. */
export const CORPUS_VERSION = 3;

const SOURCE_COUNT = 160;
const CATEGORY_COUNT = 300;
const SHARER_COUNT = 220;
/** Share of seeds written as Markdown with front matter. */
const MARKDOWN_SHARE = 0.15;
/**
 * The mtime of every seed of a corpus as generated or restored: a fixed time
 * long past, as for seeds a cron run has seen before. (A seed modified within
 * seconds of a build is rightly not trusted by seedfeed's no-op check, which
 * would turn the no-op measured after it into a full build.)
 */
export const CORPUS_MTIME = new Date(Date.UTC(2025, 0, 1));
/** Seeds spread over ten years, the newest at the highest index. */
const FIRST_DAY = Date.UTC(2015, 0, 1);
const SPAN_MS = 10 * 365 * 86_400_000;

/** mulberry32: a small PRNG with a 32-bit state, good enough for text. */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash32(...parts) {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x2c, 0x01000193);
  }
  return h >>> 0;
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
/** Skewed towards the start of the list, as real sources and topics are. */
const pickSkewed = (rand, list) => list[Math.floor(rand() * rand() * list.length)];
const capitalize = (s) => s[0].toUpperCase() + s.slice(1);

/** The publications, categories and sharers every corpus draws from. */
export const NAMES = (() => {
  const rand = prng(hash32('names', CORPUS_VERSION));
  const sources = new Set();
  while (sources.size < SOURCE_COUNT) {
    const form = rand();
    if (form < 0.35) sources.add(`The ${pick(rand, PLACES)} ${pick(rand, PAPER_WORDS)}`);
    else if (form < 0.7) sources.add(`${pick(rand, PLACES)} ${pick(rand, PAPER_WORDS)}`);
    else if (form < 0.9) sources.add(`${pick(rand, PLACES).toLowerCase()}.${pick(rand, DOMAINS)}`);
    else sources.add(`${capitalize(pick(rand, ADJECTIVES))} ${capitalize(pick(rand, NOUNS))} ${pick(rand, PAPER_WORDS)}`);
  }
  const categories = new Set(ARMENIAN_CATEGORIES);
  for (let year = 2015; year <= 2024; year++) categories.add(String(year));
  while (categories.size < CATEGORY_COUNT) {
    categories.add(rand() < 0.6 ? capitalize(pick(rand, NOUNS)) : `${capitalize(pick(rand, ADJECTIVES))} ${pick(rand, NOUNS)}`);
  }
  const sharers = new Set(ARMENIAN_NAMES);
  while (sharers.size < SHARER_COUNT) sharers.add(`${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`);
  return { sources: [...sources], categories: [...categories], sharers: [...sharers] };
})();

export function sourceHost(name) {
  const host = name.toLowerCase().replace(/^the /, '').replace(/[^a-z0-9.]+/g, '');
  return host.includes('.') ? host : `${host}.example.com`;
}

function sentence(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) {
    const r = rand();
    out.push(r < 0.4 ? pick(rand, FUNCTION_WORDS) : r < 0.75 ? pick(rand, NOUNS) : r < 0.88 ? pick(rand, ADJECTIVES) : pick(rand, VERBS));
  }
  if (rand() < 0.25) out.splice(1 + Math.floor(rand() * (out.length - 1)), 0, pick(rand, PLACES));
  let text = capitalize(out.join(' '));
  if (rand() < 0.12) text = text.replace(/ (\w{4,})s /, ' $1’s ');
  return text + (rand() < 0.08 ? '?' : '.');
}

function paragraph(rand) {
  const sentences = [];
  const count = 3 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) sentences.push(sentence(rand, 10 + Math.floor(rand() * 14)));
  // Quoted speech with curly quotes, as in reposted news.
  if (rand() < 0.35) {
    const at = Math.floor(rand() * sentences.length);
    sentences[at] = `“${sentences[at]}” ${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)} ${pick(rand, VERBS)}.`;
  }
  return sentences.join(' ');
}

/** Hard-wraps a paragraph at about 72 columns, as mailed text is. */
function wrap(text) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > 72) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/**
 * The article behind seed `i` of a corpus of `size`: every field a seed or a
 * Hugo page is written from. `revision` > 0 gives an edited version of the
 * same article (one sentence added), for "one seed changed" runs.
 */
export function article(i, size, revision = 0) {
  const rand = prng(hash32('seed', CORPUS_VERSION, i));
  const source = pickSkewed(rand, NAMES.sources);
  const categories = new Set();
  const topicCount = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < topicCount; k++) categories.add(pickSkewed(rand, NAMES.categories));
  const sharer = rand() < 0.95 ? pickSkewed(rand, NAMES.sharers) : undefined;
  const when = FIRST_DAY + Math.floor(((i + rand()) / Math.max(size, 1)) * SPAN_MS);
  const date = rand() < 0.95 ? new Date(Math.floor(when / 1000) * 1000) : undefined;
  if (date) categories.add(String(date.getUTCFullYear()));
  const titleWords = [];
  const titleLength = 5 + Math.floor(rand() * 6);
  for (let k = 0; k < titleLength; k++) titleWords.push(k % 3 === 1 ? pick(rand, VERBS) : k % 3 === 2 ? pick(rand, FUNCTION_WORDS) : pick(rand, NOUNS));
  let title = capitalize(titleWords.join(' ')).replace(/^(\w+) (\w+)/, (_, a, b) => `${pick(rand, PLACES)} ${a} ${b}`);
  if (rand() < 0.15) title = `${title}: ‘${capitalize(pick(rand, ADJECTIVES))} ${pick(rand, NOUNS)}’`;
  const dek = rand() < 0.7 ? `${capitalize(pick(rand, ADJECTIVES))} ${pick(rand, NOUNS)} ${pick(rand, VERBS)} ${pick(rand, FUNCTION_WORDS)} ${pick(rand, NOUNS)} in ${pick(rand, PLACES)}` : undefined;
  const link = rand() < 0.5 ? `https://${sourceHost(source)}/${date ? date.toISOString().slice(0, 7).replace('-', '/') : 'news'}/${i.toString(36)}-${title.toLowerCase().replace(/[^a-z]+/g, '-').slice(0, 40)}/` : undefined;
  const markdown = rand() < MARKDOWN_SHARE;
  // ~4.5 KB per seed on average: bodies between 2 and 5.8 KB.
  const target = 2000 + Math.floor(rand() * 3800);
  const paragraphs = [];
  let length = 0;
  while (length < target) {
    const p = paragraph(rand);
    paragraphs.push(p);
    length += p.length + 2;
  }
  if (rand() < 0.1) paragraphs[0] = paragraphs[0].replace(/ (\w+) /, ' _expression_ ');
  if (revision > 0) paragraphs.push(`Updated (revision ${revision}): ${sentence(prng(hash32('revision', i, revision)), 14)}`);
  return { index: i, source, title, dek, date, categories: [...categories], sharer, link, markdown, paragraphs, seed: hash32('name', i) };
}

export function seedFileName(a) {
  return `${String(a.index).padStart(6, '0')}_${a.seed.toString(16).padStart(8, '0')}${a.markdown ? '.md' : '.txt'}`;
}

/** The plain-text layout of the real seed. */
function plainSeed(a) {
  const header = [`Categories: ${a.categories.join(', ')}`];
  if (a.date) header.push(`Date: ${a.date.toISOString().replace('.000Z', 'Z')}`);
  if (a.link) header.push(`Link: ${a.link}`);
  const parts = [header.join('\n'), `${a.source}: ${a.title}`];
  if (a.dek) parts.push(a.dek);
  parts.push(...a.paragraphs.map(wrap));
  if (a.sharer) parts.push(`${a.sharer}:`);
  return parts.join('\n\n') + '\n';
}

/** Markdown with YAML front matter; strings as JSON, which YAML reads as is. */
function markdownSeed(a, rand) {
  const fm = [`title: ${JSON.stringify(a.title)}`];
  if (a.date) fm.push(`date: ${JSON.stringify(a.date.toISOString().replace('.000Z', 'Z'))}`);
  fm.push(a.link ? `source:\n  name: ${JSON.stringify(a.source)}\n  url: ${JSON.stringify(`https://${sourceHost(a.source)}/`)}` : `source: ${JSON.stringify(a.source)}`);
  fm.push(`categories: [${a.categories.map((c) => JSON.stringify(c)).join(', ')}]`);
  if (a.sharer) fm.push(`shared_by: ${JSON.stringify(a.sharer)}`);
  if (a.link) fm.push(`link: ${JSON.stringify(a.link)}`);
  if (a.dek) fm.push(`summary: ${JSON.stringify(a.dek)}`);
  const body = a.paragraphs.map((p, k) => {
    if (k === 1 && rand() < 0.5) return `> ${p}`;
    if (k === 2 && rand() < 0.4) return p.split('. ').slice(0, 4).map((s) => `- ${s.replace(/\.$/, '')}`).join('\n');
    return p.replace(/ (\w{6,}) /, ' *$1* ').replace(/ (\w{7,}) (\w+) /, (_, w, x) => ` [${w} ${x}](https://${sourceHost(a.source)}/${w.toLowerCase()}) `);
  });
  return `---\n${fm.join('\n')}\n---\n\n${body.join('\n\n')}\n`;
}

export function seedText(a) {
  return a.markdown ? markdownSeed(a, prng(hash32('markdown', a.index))) : plainSeed(a);
}

/** The same article as a Hugo content page. */
export function hugoPage(a) {
  const fm = [`title: ${JSON.stringify(a.title)}`];
  if (a.date) fm.push(`date: ${a.date.toISOString().replace('.000Z', 'Z')}`);
  fm.push(`categories: [${a.categories.map((c) => JSON.stringify(c)).join(', ')}]`);
  if (a.dek) fm.push(`summary: ${JSON.stringify(a.dek)}`);
  fm.push(`source: ${JSON.stringify(a.source)}`);
  if (a.sharer) fm.push(`shared_by: ${JSON.stringify(a.sharer)}`);
  if (a.link) fm.push(`link: ${JSON.stringify(a.link)}`);
  return `---\n${fm.join('\n')}\n---\n\n${a.paragraphs.join('\n\n')}\n`;
}

/**
 * Makes sure `dir` holds corpus `size`: `seeds/` and, with `hugo`, a Hugo
 * site in `hugo/` (`config.toml`: the home RSS only; `site.toml`: what
 * seedfeed builds, see hugo-site.mjs). A corpus made by this version is
 * reused; an interrupted or older one is made again. Returns the corpus
 * description.
 */
export function ensureCorpus(dir, size, { hugo = true, limit = 50, log = () => {} } = {}) {
  const markerPath = join(dir, 'corpus.json');
  let marker;
  try {
    marker = JSON.parse(readFileSync(markerPath, 'utf8'));
  } catch {
    marker = undefined;
  }
  const seedsDir = join(dir, 'seeds');
  const hugoDir = join(dir, 'hugo');
  if (!marker || marker.version !== CORPUS_VERSION || marker.size !== size) {
    log(`generating ${size} seeds in ${seedsDir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(seedsDir, { recursive: true });
    let bytes = 0;
    let markdown = 0;
    for (let i = 0; i < size; i++) {
      const a = article(i, size);
      const text = seedText(a);
      const path = join(seedsDir, seedFileName(a));
      writeFileSync(path, text);
      utimesSync(path, CORPUS_MTIME, CORPUS_MTIME);
      bytes += Buffer.byteLength(text);
      if (a.markdown) markdown++;
    }
    marker = { version: CORPUS_VERSION, size, bytes, markdown, hugo: false };
    writeFileSync(markerPath, JSON.stringify(marker, null, 2) + '\n');
  } else {
    restoreCorpus(dir, size);
  }
  if (hugo && !marker.hugo) {
    log(`writing the same ${size} articles as a Hugo site in ${hugoDir}`);
    rmSync(hugoDir, { recursive: true, force: true });
    mkdirSync(join(hugoDir, 'content'), { recursive: true });
    for (let i = 0; i < size; i++) {
      const a = article(i, size);
      writeFileSync(join(hugoDir, 'content', seedFileName(a).replace(/\.txt$/, '.md')), hugoPage(a));
    }
    marker = { ...marker, hugo: true };
    writeFileSync(markerPath, JSON.stringify(marker, null, 2) + '\n');
  }
  if (hugo) {
    writeFileSync(join(hugoDir, 'config.toml'), hugoConfig(limit));
    writeFileSync(join(hugoDir, 'site.toml'), hugoSiteConfig(limit));
    rmSync(join(hugoDir, 'layouts-site'), { recursive: true, force: true });
    for (const [path, text] of Object.entries(hugoSiteLayouts(limit))) {
      mkdirSync(dirname(join(hugoDir, 'layouts-site', path)), { recursive: true });
      writeFileSync(join(hugoDir, 'layouts-site', path), text);
    }
  }
  return { dir, size, seedsDir, hugoDir, bytes: marker.bytes, markdown: marker.markdown };
}

/** The seed edited by "one seed changed" runs: one of the newest, so the main feed changes too. */
export function changedIndex(size) {
  return Math.max(0, size - 10);
}

/**
 * When an edit or addition of the bench was made: after the corpus, in the
 * past, and each at its own time. A cron run finds edits made minutes
 * before; one made within seconds of a build is one seedfeed rightly does
 * not trust yet (see `RACY_WINDOW_MS`), and the run after it would rebuild.
 */
function settledAt(minutes) {
  return new Date(CORPUS_MTIME.getTime() + minutes * 60_000);
}

/** Writes revision `revision` of the changed seed (0: the original). */
export function writeChangedSeed(corpus, revision) {
  const a = article(changedIndex(corpus.size), corpus.size, revision);
  const path = join(corpus.seedsDir, seedFileName(a));
  writeFileSync(path, seedText(a));
  utimesSync(path, settledAt(revision), settledAt(revision));
}

/** Adds seed number `size + k`: a new story, newer than every other. */
export function addSeed(corpus, k = 0) {
  const a = article(corpus.size + k, corpus.size);
  const path = join(corpus.seedsDir, seedFileName(a));
  writeFileSync(path, seedText(a));
  utimesSync(path, settledAt(100_000 + k), settledAt(100_000 + k));
  return path;
}

/** Undoes `writeChangedSeed` and `addSeed`, also after a run that was interrupted. */
export function restoreCorpus(dir, size) {
  const seedsDir = join(dir, 'seeds');
  if (!existsSync(seedsDir)) return;
  for (const name of readdirSync(seedsDir)) {
    const index = Number.parseInt(name.split('_')[0] ?? '', 10);
    if (index >= size) rmSync(join(seedsDir, name), { force: true });
  }
  const a = article(changedIndex(size), size);
  const path = join(seedsDir, seedFileName(a));
  const text = seedText(a);
  let current;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) {
    writeFileSync(path, text);
    utimesSync(path, CORPUS_MTIME, CORPUS_MTIME);
  }
}
