import { describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { JOURNAL_MAX_RECORDS, readLogFile, writeLogSplices, writeLogWhole, type Splice } from '../src/log-file.js';
import { journalPathFor } from '../src/fastpath.js';
import { publish } from '../src/publish.js';
import { parseLog } from '../src/identity.js';
import { EXIT, StateError } from '../src/diagnostics.js';
import { NOW, tempDir, testConfig } from './helpers.js';
import { seedName, writeCorpus } from './support/corpus.js';

/**
 * The publish log's journal (src/log-file.ts): patch runs append their
 * changes to it instead of writing the whole log, and everything reads the
 * log with them made.
 */

/** `text` with `splices` made, the plain way. */
function splicedText(text: string, splices: Splice[]): string {
  const bytes = Buffer.from(text);
  let out = Buffer.alloc(0);
  let from = 0;
  for (const s of [...splices].sort((a, b) => a.span[0] - b.span[0])) {
    out = Buffer.concat([out, bytes.subarray(from, s.span[0]), Buffer.from(s.text)]);
    from = s.span[1];
  }
  return Buffer.concat([out, bytes.subarray(from)]).toString('utf8');
}

function logAt(text: string): string {
  const path = join(tempDir('seedfeed-log-file-'), 'log.json');
  writeFileSync(path, text);
  return path;
}

/** The fold line a run appends to the journal before it writes the log whole as `text` (`Fold` in log-file.ts). */
function foldLine(text: string): string {
  return JSON.stringify({ folded: Buffer.byteLength(text), digest: createHash('sha1').update(text).digest('hex') });
}

/** Makes `splices` through the journal and checks the log reads as `splicedText` says. */
function change(path: string, splices: Splice[]): string {
  const before = readLogFile(path)!;
  writeLogSplices(path, before, splices);
  const expected = splicedText(before.bytes.toString('utf8'), splices);
  expect(readLogFile(path)!.bytes.toString('utf8')).toBe(expected);
  return expected;
}

/** The ids of a log's entries, from its JSON. */
const ids = (text: string) => (JSON.parse(text) as { entries: { id: string }[] }).entries.map((e) => e.id);

const LOG = '{\n "entries": [\n{"id":"a","slug":"élan"},\n{"id":"b","slug":"b"}\n ]\n}\n';
const ENTRY_B = LOG.indexOf('{"id":"b"');
const ENTRIES_END = Buffer.byteLength(LOG.slice(0, LOG.indexOf('\n ]')));

describe('the publish log journal', () => {
  it('takes the changes of a run in one line, and leaves the log file as it was', () => {
    const path = logAt(LOG);
    const mtime = statSync(path).mtimeMs;
    const b = Buffer.byteLength(LOG.slice(0, ENTRY_B));
    const text = change(path, [
      { span: [b, b + Buffer.byteLength('{"id":"b","slug":"b"}')], text: '{"id":"b","slug":"b","hash":"1"}' },
      { span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"ç"}' },
    ]);
    expect(readFileSync(path, 'utf8')).toBe(LOG);
    expect(statSync(path).mtimeMs).toBe(mtime);
    const lines = readFileSync(journalPathFor(path), 'utf8').split('\n');
    expect(lines).toHaveLength(3); // header, one record, the empty string after the last newline
    expect(JSON.parse(lines[0]!)).toEqual({ journal: 1, base: Buffer.byteLength(LOG), ends: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(ids(text)).toEqual(['a', 'b', 'c']);

    // The next run's changes are in the coordinates of the log as the journal left it (after a multi-byte slug).
    const end = Buffer.byteLength(text.slice(0, text.indexOf('\n ]')));
    const again = change(path, [{ span: [end, end], text: ',\n{"id":"d","slug":"d"}' }]);
    expect(ids(again)).toEqual(['a', 'b', 'c', 'd']);
    expect(readLogFile(path)!.journal).toMatchObject({ records: 2 });

    // A run that shortens an early entry and lengthens a later one: the log's bytes move both ways when it is read.
    const a = Buffer.byteLength(again.slice(0, again.indexOf('{"id":"a"')));
    const aEnd = a + Buffer.byteLength('{"id":"a","slug":"élan"}');
    const c = Buffer.byteLength(again.slice(0, again.indexOf('{"id":"c"')));
    const third = change(path, [
      { span: [a, aEnd], text: '{"id":"a"}' },
      { span: [c, c + Buffer.byteLength('{"id":"c","slug":"ç"}')], text: '{"id":"c","slug":"ç","note":"a longer entry than it was"}' },
    ]);
    expect(ids(third)).toEqual(['a', 'b', 'c', 'd']);
    expect(readLogFile(path)!.journal).toMatchObject({ records: 3 });
  });

  it('reads a journal whose first line has no digest of the ends of the log (as c8dd20d wrote them)', () => {
    const path = logAt(LOG);
    const text = change(path, [{ span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"c"}' }]);
    const [, ...rest] = readFileSync(journalPathFor(path), 'utf8').split('\n');
    writeFileSync(journalPathFor(path), [JSON.stringify({ journal: 1, base: Buffer.byteLength(LOG) }), ...rest].join('\n'));
    expect(readLogFile(path)!.bytes.toString('utf8')).toBe(text);
    writeFileSync(path, LOG.replace('"slug":"b"', '"slug":"x"'));
    expect(() => readLogFile(path)).toThrow(/do not fit the log/);
  });

  it('ignores a line cut short by a run that died while appending, and cuts it off before the next append', () => {
    const path = logAt(LOG);
    const first = change(path, [{ span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"c"}' }]);
    appendFileSync(journalPathFor(path), '[[40,40,",\\n{\\"id\\":\\"cut');
    expect(readLogFile(path)!.bytes.toString('utf8')).toBe(first);
    const end = Buffer.byteLength(first.slice(0, first.indexOf('\n ]')));
    const second = change(path, [{ span: [end, end], text: ',\n{"id":"d","slug":"d"}' }]);
    expect(readFileSync(journalPathFor(path), 'utf8')).not.toContain('cut');
    expect(readFileSync(journalPathFor(path), 'utf8').endsWith('\n')).toBe(true);
    expect(ids(second)).toEqual(['a', 'b', 'c', 'd']);
  });

  it(`writes the log whole, and removes the journal, once ${JOURNAL_MAX_RECORDS} runs are in it`, () => {
    const path = logAt(LOG);
    let text = LOG;
    for (let i = 0; i <= JOURNAL_MAX_RECORDS; i++) {
      const end = Buffer.byteLength(text.slice(0, text.indexOf('\n ]')));
      text = change(path, [{ span: [end, end], text: `,\n{"id":"n${i}","slug":"n${i}"}` }]);
    }
    expect(existsSync(journalPathFor(path))).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(ids(text)).toHaveLength(JOURNAL_MAX_RECORDS + 3);
  });

  it('ignores a journal that names the log beside it as written whole: a run died after writing the log and before removing the journal', () => {
    const path = logAt(LOG);
    const text = change(path, [{ span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"c"}' }]);
    const journal = readFileSync(journalPathFor(path));
    writeLogWhole(path, text);
    expect(existsSync(journalPathFor(path))).toBe(false);
    // What the run appended before it renamed the log into place: a fold line naming the log it was writing.
    writeFileSync(journalPathFor(path), Buffer.concat([journal, Buffer.from(`${foldLine(text)}\n`)]));
    expect(readLogFile(path)!.folded).toBe(true);
    expect(readLogFile(path)!.journal).toBeUndefined();
    expect(readLogFile(path)!.bytes.toString('utf8')).toBe(text);
    // The next change starts a journal of its own.
    const end = Buffer.byteLength(text.slice(0, text.indexOf('\n ]')));
    const next = change(path, [{ span: [end, end], text: ',\n{"id":"d","slug":"d"}' }]);
    expect(ids(next)).toEqual(['a', 'b', 'c', 'd']);
    expect(readFileSync(journalPathFor(path), 'utf8').split('\n')).toHaveLength(3);
  });

  it('applies the journal past a fold line that does not name the log: a run died before writing the log whole', () => {
    const path = logAt(LOG);
    const text = change(path, [{ span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"c"}' }]);
    appendFileSync(journalPathFor(path), `${foldLine(`${text}and more`)}\n`);
    expect(readLogFile(path)!.bytes.toString('utf8')).toBe(text);
    const end = Buffer.byteLength(text.slice(0, text.indexOf('\n ]')));
    expect(ids(change(path, [{ span: [end, end], text: ',\n{"id":"d","slug":"d"}' }]))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores a last line that does not read (its block lost with the power) and cuts it off before the next append', () => {
    const path = logAt(LOG);
    const text = change(path, [{ span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"c"}' }]);
    appendFileSync(journalPathFor(path), Buffer.concat([Buffer.from('[[12,12,"'), Buffer.alloc(20), Buffer.from('\n')]));
    expect(readLogFile(path)!.bytes.toString('utf8')).toBe(text);
    const end = Buffer.byteLength(text.slice(0, text.indexOf('\n ]')));
    change(path, [{ span: [end, end], text: ',\n{"id":"d","slug":"d"}' }]);
    expect(readFileSync(journalPathFor(path)).includes(0)).toBe(false);
  });

  it('stops when the log was changed beside its journal, or the journal is damaged, and names the journal', () => {
    for (const byHand of [LOG.replace('"b"}', '"b","note":"by hand"}'), LOG.replace('"slug":"b"', '"slug":"x"')]) {
      const edited = logAt(LOG);
      change(edited, [{ span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"c"}' }]);
      writeFileSync(edited, byHand);
      expect(() => readLogFile(edited)).toThrow(StateError);
      expect(() => readLogFile(edited)).toThrow(/log\.json\.journal: the publish log was changed since its journal was written/);
    }

    const damaged = logAt(LOG);
    change(damaged, [{ span: [ENTRIES_END, ENTRIES_END], text: ',\n{"id":"c","slug":"c"}' }]);
    appendFileSync(journalPathFor(damaged), 'not a record\n[]\n');
    expect(() => readLogFile(damaged)).toThrow(/log\.json\.journal: the publish log's journal is damaged \(line 3 is not JSON\)/);
  });
});

describe('patch runs and the journal', () => {
  const config = testConfig({ limit: 10 });
  function site() {
    const root = tempDir('seedfeed-journal-');
    const seeds = join(root, 'seeds');
    let clock = Date.UTC(2025, 0, 1);
    for (const name of writeCorpus(seeds, 30)) utimesSync(join(seeds, name), new Date((clock += 60_000)), new Date(clock));
    const statePath = join(root, 'state', 'log.json');
    let runs = 0;
    const run = () => publish({ seedsDir: seeds, outDir: join(root, 'out'), statePath, config, now: new Date(NOW.getTime() + ++runs * 3_600_000) });
    const edit = (n: number) => {
      const path = join(seeds, seedName(n));
      writeFileSync(path, readFileSync(path, 'utf8').replace(/\n\n([^\n]+:\n)$/, ' One more sentence.\n\n$1'));
      utimesSync(path, new Date((clock += 60_000)), new Date(clock));
    };
    /** Seed `n` given a date that does not parse: rejected, which a patch leaves to a full run. */
    const breakSeed = (n: number) => {
      const path = join(seeds, seedName(n));
      writeFileSync(path, readFileSync(path, 'utf8').replace(/Date: \S+/, 'Date: someday'));
      utimesSync(path, new Date((clock += 60_000)), new Date(clock));
    };
    return { seeds, statePath, run, edit, breakSeed };
  }

  it('append to the journal; the no-op check sees the journal change; a full run folds it into the log', async () => {
    const s = site();
    expect((await s.run()).run).toBe('full');
    const logBytes = readFileSync(s.statePath);
    s.edit(29);
    const patched = await s.run();
    expect(patched.run).toBe('patch');
    expect(patched.counts.updated).toBe(1);
    // The log file is as the full run left it; the edit's new hash is in the journal, and in the log as read.
    expect(readFileSync(s.statePath).equals(logBytes)).toBe(true);
    const read = parseLog(readLogFile(s.statePath)!.bytes.toString('utf8'));
    const entry = read.entries.find((e) => e.file === seedName(29))!;
    expect(readFileSync(journalPathFor(s.statePath), 'utf8')).toContain(entry.hash);
    expect(readFileSync(s.statePath, 'utf8')).not.toContain(entry.hash);
    expect((await s.run()).run).toBe('no-op');

    // A journal changed behind seedfeed's back is a changed log: no no-op, no patch.
    appendFileSync(journalPathFor(s.statePath), '[[0,0,"cut');
    const after = await s.run();
    expect(after.run).toBe('full');
    expect(after.written).toEqual([]);

    // A seed broken declines the patch; the full run writes the log whole, with the journal's change, and removes the journal.
    s.breakSeed(3);
    const full = await s.run();
    expect(full.run).toBe('full');
    expect(existsSync(journalPathFor(s.statePath))).toBe(false);
    expect(parseLog(readFileSync(s.statePath, 'utf8')).entries.find((e) => e.file === seedName(29))!.hash).toBe(entry.hash);
  });

  it('a journal left by a run that died after writing the log whole is removed by the next run, which changes nothing', async () => {
    const s = site();
    await s.run();
    s.edit(27);
    expect((await s.run()).run).toBe('patch');
    const journal = readFileSync(journalPathFor(s.statePath));
    s.breakSeed(4);
    expect((await s.run()).run).toBe('full');
    const log = readFileSync(s.statePath, 'utf8');
    writeFileSync(journalPathFor(s.statePath), Buffer.concat([journal, Buffer.from(`${foldLine(log)}\n`)]));
    const next = await s.run();
    expect(next.run).toBe('full');
    expect(next.written).toEqual([]);
    expect(existsSync(journalPathFor(s.statePath))).toBe(false);
    expect(readFileSync(s.statePath, 'utf8')).toBe(log);
    expect((await s.run()).run).toBe('no-op');
  });

  it('a log edited by hand beside a journal stops the run (exit 5) and is left as it is', async () => {
    const s = site();
    await s.run();
    s.edit(28);
    expect((await s.run()).run).toBe('patch');
    const edited = readFileSync(s.statePath, 'utf8').replace('"version": 1', '"version": 1 ');
    writeFileSync(s.statePath, edited);
    await expect(s.run()).rejects.toMatchObject({ exitCode: EXIT.state });
    expect(readFileSync(s.statePath, 'utf8')).toBe(edited);
    expect(existsSync(journalPathFor(s.statePath))).toBe(true);
  });

  it('a journal whose log is gone stops the run (exit 5) and is kept; with both gone the site starts over', async () => {
    const s = site();
    await s.run();
    s.edit(26);
    expect((await s.run()).run).toBe('patch');
    const journal = readFileSync(journalPathFor(s.statePath));
    unlinkSync(s.statePath);
    await expect(s.run()).rejects.toMatchObject({ exitCode: EXIT.state, message: expect.stringMatching(/the publish log is missing, but its journal .*log\.json\.journal is there/) });
    expect(readFileSync(journalPathFor(s.statePath)).equals(journal)).toBe(true);
    expect(existsSync(s.statePath)).toBe(false);
    unlinkSync(journalPathFor(s.statePath));
    const over = await s.run();
    expect(over.run).toBe('full');
    expect(over.counts.new).toBe(30);
  });
});
