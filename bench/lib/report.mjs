/**
 * The results as Markdown: one table of medians per size, the ratios the
 * issue sets targets for, and the machine. `updateResultsFile` replaces only
 * the part of RESULTS.md between the result markers; the notes around them
 * are written by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SCENARIOS = [
  { key: 'full', label: 'seedfeed: full build, empty out/, fresh state' },
  { key: 'noop', label: 'seedfeed: no-op rebuild' },
  { key: 'changed', label: 'seedfeed: rebuild, one seed changed' },
  { key: 'added', label: 'seedfeed: rebuild, one seed added' },
  { key: 'archives', label: 'seedfeed: full build with archive pages' },
  { key: 'hugo', label: 'Hugo: full build, home RSS only' },
  { key: 'hugoSite', label: 'Hugo: the same site (story pages, topic pages, three feeds each)' },
  { key: 'floorReadC', label: 'floor: read every file, C' },
  { key: 'floorRead', label: 'floor: read every file, Node sync loop' },
  { key: 'floorStat', label: 'floor: readdir + stat every file, Node' },
];

export const BEGIN = '<!-- bench:results:begin (written by bench/run.mjs; edit outside the markers) -->';
export const END = '<!-- bench:results:end -->';

const sizeLabel = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
const seconds = (ms) => (ms === undefined ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(3)} s`);
const megabytes = (kb) => (kb === undefined ? '–' : `${Math.round(kb / 1024)} MB`);
const ratio = (a, b) => (a === undefined || b === undefined || !b ? undefined : a / b);
const outputShown = (o) => `${o.files} files, ${Math.round(o.bytes / 2 ** 20)} MiB`;
const showRatio = (r) => (r === undefined ? '–' : r >= 10 ? `${r.toFixed(0)}x` : `${r.toFixed(2)}x`);

/** Checks a ratio against a target: "0.31x ✗ (≤ 0.25x)". */
function judged(r, max) {
  if (r === undefined) return '–';
  if (max === undefined) return showRatio(r);
  return `${showRatio(r)} ${r <= max ? 'meets' : 'misses'} ≤ ${max}x`;
}

export function resultsMarkdown(all) {
  const sizes = Object.keys(all.sizes ?? {})
    .map(Number)
    .sort((a, b) => a - b);
  const at = (size) => all.sizes[size];
  const cell = (size, key) => at(size).scenarios[key];
  const lines = [];
  const m = all.machine ?? {};
  lines.push(
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGb} GB memory, ${m.os}; node ${m.node}; ${m.hugo ?? 'Hugo not installed'}; ${m.cc ?? 'no C compiler'}. Peak memory: ${m.peak}.`,
    '',
  );
  const header = `| | ${sizes.map(sizeLabel).join(' | ')} |`;
  const rule = `| --- | ${sizes.map(() => '---').join(' | ')} |`;

  const shown = (c) => {
    if (!c) return '–';
    if (!c.runs) return `failed (exit ${c.failed.status}, ${seconds(c.failed.wallMs)} · ${megabytes(c.failed.peakKb)})`;
    return `${seconds(c.wallMs)} · ${megabytes(c.peakKb)}${c.failed ? ' (a run failed)' : ''}`;
  };
  lines.push('Wall time (median) · peak resident memory (median), whole process:', '', header, rule);
  for (const s of SCENARIOS) {
    if (!sizes.some((n) => cell(n, s.key))) continue;
    lines.push(`| ${s.label} | ${sizes.map((n) => shown(cell(n, s.key))).join(' | ')} |`);
  }
  lines.push('');
  const cpuRows = SCENARIOS.filter((s) => sizes.some((n) => cell(n, s.key)?.cpuMs !== undefined));
  if (cpuRows.length) {
    lines.push('CPU time (user + system, median): on a busy machine this moves less than wall time.', '', header, rule);
    for (const s of cpuRows) lines.push(`| ${s.label} | ${sizes.map((n) => seconds(cell(n, s.key)?.cpuMs)).join(' | ')} |`);
    lines.push('');
  }

  const wall = (n, key) => cell(n, key)?.wallMs;
  const target = (n, byTarget) => byTarget(n);
  const rows = [
    ['full build / Hugo', (n) => ratio(wall(n, 'full'), wall(n, 'hugo')), (n) => (n >= 100_000 ? 0.2 : n >= 10_000 ? 0.25 : undefined), '≤ 0.25x at 10k, ≤ 0.2x at 100k (goal 0.1x)'],
    ['full build with archives / Hugo', (n) => ratio(wall(n, 'archives'), wall(n, 'hugo')), () => undefined, 'reported separately'],
    ['full build / Hugo, the same site', (n) => ratio(wall(n, 'full'), wall(n, 'hugoSite')), () => undefined, 'for comparison on equal terms'],
    ['no-op / stat floor', (n) => ratio(wall(n, 'noop'), wall(n, 'floorStat')), () => 1.5, '≤ 1.5x'],
    ['one changed / no-op', (n) => ratio(wall(n, 'changed'), wall(n, 'noop')), (n) => (n >= 100_000 ? 2 : undefined), '≤ 2x at 100k'],
    ['one added / no-op', (n) => ratio(wall(n, 'added'), wall(n, 'noop')), (n) => (n >= 100_000 ? 2 : undefined), '≤ 2x at 100k'],
    ['full build / read floor, Node', (n) => ratio(wall(n, 'full'), wall(n, 'floorRead')), () => undefined, ''],
    ['full build / read floor, C', (n) => ratio(wall(n, 'full'), wall(n, 'floorReadC')), () => undefined, ''],
    ['no-op / read floor, Node', (n) => ratio(wall(n, 'noop'), wall(n, 'floorRead')), () => undefined, ''],
  ];
  lines.push('Ratios of medians, same machine, same run:', '', `| ratio | ${sizes.map(sizeLabel).join(' | ')} | target |`, `| --- | ${sizes.map(() => '---').join(' | ')} | --- |`);
  for (const [label, compute, max, text] of rows) {
    if (!sizes.some((n) => compute(n) !== undefined)) continue;
    lines.push(`| ${label} | ${sizes.map((n) => judged(compute(n), target(n, max))).join(' | ')} | ${text} |`);
  }
  const peak = (n, key) => cell(n, key)?.maxPeakKb;
  lines.push(
    `| peak memory, full build (largest run) | ${sizes.map((n) => {
      const kb = peak(n, 'full');
      if (kb === undefined) return '–';
      return n >= 100_000 ? `${megabytes(kb)} ${kb <= 150 * 1024 ? 'meets' : 'misses'} ≤ 150 MB` : megabytes(kb);
    }).join(' | ')} | ≤ 150 MB at 100k |`,
  );
  lines.push(`| files written by the no-op (most in any run) | ${sizes.map((n) => String(at(n).notes?.filesWritten?.noop ?? '–')).join(' | ')} | 0 |`);
  lines.push('');

  lines.push('Per size: runs, spread (min–max wall) and conditions:', '');
  for (const n of sizes) {
    const r = at(n);
    const spread = SCENARIOS.filter((s) => r.scenarios[s.key]?.runs)
      .map((s) => `${s.key} ${seconds(r.scenarios[s.key].minMs)}–${seconds(r.scenarios[s.key].maxMs)}`)
      .join(', ');
    const failed = SCENARIOS.filter((s) => r.scenarios[s.key]?.failed).map((s) => `${s.key}: exit ${r.scenarios[s.key].failed.status}, "${r.scenarios[s.key].failed.message}"`);
    lines.push(
      `- ${sizeLabel(n)}: ${r.seeds.files} seeds (${r.seeds.markdown} Markdown), ${(r.seeds.bytes / 2 ** 20).toFixed(1)} MiB; ${r.runs} round${r.runs === 1 ? '' : 's'} on ${r.date.slice(0, 16).replace('T', ' ')} UTC; load average ${r.load.before.toFixed(2)} before, ${r.load.after.toFixed(2)} after. Items in the main feed: seedfeed ${r.notes.items.seedfeed ?? '–'}, Hugo ${r.notes.items.hugo ?? '–'}.${r.notes.output?.seedfeed ? ` Full build's output: seedfeed ${outputShown(r.notes.output.seedfeed)}${r.notes.output.hugoSite ? `, Hugo's same site ${outputShown(r.notes.output.hugoSite)}` : ''}.` : ''} Files written: changed ${r.notes.filesWritten.changed ?? '–'}, added ${r.notes.filesWritten.added ?? '–'}.${r.notes.runs ? ` Runs (the report's \`run\`): changed ${r.notes.runs.changed?.join('/') ?? '–'}, added ${r.notes.runs.added?.join('/') ?? '–'}.` : ''} Spread: ${spread}.${failed.length ? ` Failed runs: ${failed.join('; ')}.` : ''}`,
    );
  }
  return lines.join('\n');
}

const SKELETON = `# seedfeed benchmark results

Rerun with \`npm run bench\` (see bench/run.mjs --help).

${BEGIN}
${END}
`;

export function updateResultsFile(path, all) {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const base = begin >= 0 && end > begin ? current : `${current.trimEnd()}\n\n${BEGIN}\n${END}\n`;
  const b = base.indexOf(BEGIN);
  const e = base.indexOf(END);
  writeFileSync(path, `${base.slice(0, b + BEGIN.length)}\n${resultsMarkdown(all)}\n${base.slice(e)}`);
}
