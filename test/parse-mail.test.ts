import { describe, expect, it } from 'vitest';
import { repairC1Controls, repairEncodedWords, repairMojibake, repairQuotedPrintable } from '../src/parse/mail.js';
import { decodeWindows1252 } from '../src/parse/windows-1252.js';
import { decodeSeed } from '../src/text.js';
import { parseSeed } from '../src/parse/index.js';

/**
 * Known mail artifacts (issue 4, class 10): each is warned with its line;
 * only a certain repair changes the text, and each repair is counted.
 * Expected texts are worked out by hand from the byte values in the comments.
 */

const FILE = 'seeds/mail.txt';

describe('RFC 2047 encoded words', () => {
  const repaired: { name: string; input: string; output: string; repairs: number }[] = [
    // C3 A9 is é in UTF-8; "_" is a space in the Q encoding.
    { name: 'Q encoding, UTF-8', input: 'Re: =?UTF-8?Q?Caf=C3=A9_owners_meet?= today', output: 'Re: Café owners meet today', repairs: 1 },
    // "Q2Fmw6k=" is base64 of 43 61 66 C3 A9.
    { name: 'B encoding, lower-case charset', input: '=?utf-8?B?Q2Fmw6k=?= reopens', output: 'Café reopens', repairs: 1 },
    { name: 'adjacent words lose the space between them (RFC 2047 6.2)', input: '=?UTF-8?Q?Stone_?= =?UTF-8?Q?Bridge?= reopens', output: 'Stone Bridge reopens', repairs: 1 },
    { name: 'a character split across two words', input: '=?UTF-8?Q?Caf=C3?= =?UTF-8?Q?=A9?=', output: 'Café', repairs: 1 },
    // E9 is é in ISO-8859-1; 0x93/0x94 are “ ” in Windows-1252 (not C1 controls).
    { name: 'ISO-8859-1', input: '=?ISO-8859-1?Q?Caf=E9?=', output: 'Café', repairs: 1 },
    { name: 'Windows-1252 smart quotes', input: '=?windows-1252?Q?=93Open=94?=', output: '“Open”', repairs: 1 },
    { name: 'a language suffix (RFC 2231)', input: '=?UTF-8*en?Q?Bridge?=', output: 'Bridge', repairs: 1 },
  ];
  it.each(repaired)('repairs $name', ({ input, output, repairs }) => {
    const r = repairEncodedWords(input, FILE, 7);
    expect(r.text).toBe(output);
    expect(r.repairs).toHaveLength(repairs);
    expect(r.repairs[0]).toMatchObject({ file: FILE, line: 7, rule: 'mail-encoded-word' });
    expect(r.diagnostics.map((d) => [d.severity, d.rule, d.line])).toEqual([['warning', 'mail-encoded-word', 7]]);
    expect(r.diagnostics[0]!.message).toMatch(/decoded to/);
  });

  const refused: { name: string; input: string; why: RegExp }[] = [
    { name: 'an unknown charset', input: '=?x-no-such-charset?Q?abc?=', why: /charset "x-no-such-charset" is unknown/ },
    { name: 'base64 of the wrong length', input: '=?UTF-8?B?Q2Fmw6k?=', why: /malformed/ },
    { name: 'bytes that are not UTF-8', input: '=?UTF-8?Q?Caf=E9?=', why: /not valid utf-8/ },
    { name: 'a control character', input: '=?UTF-8?Q?a=01b?=', why: /control characters/ },
    { name: 'a word cut off before "?="', input: 'Re: =?UTF-8?Q?Caf=C3=A9_owners', why: /cut off/ },
  ];
  it.each(refused)('warns about but does not repair $name', ({ input, why }) => {
    const r = repairEncodedWords(input, FILE, 3);
    expect(r.text).toBe(input);
    expect(r.repairs).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ file: FILE, line: 3, severity: 'warning', rule: 'mail-encoded-word' });
    expect(r.diagnostics[0]!.message).toMatch(why);
    expect(r.diagnostics[0]!.message).toMatch(/not repaired/);
  });

  it('leaves text without encoded words alone', () => {
    expect(repairEncodedWords('What =? means in a formula', FILE, 1)).toEqual({ text: 'What =? means in a formula', diagnostics: [], repairs: [] });
  });
});

describe('quoted-printable residue', () => {
  const qp = (lines: string[], first = 10) => repairQuotedPrintable(lines, lines.map((_, i) => first + i), FILE);

  it('decodes escapes when every "=" is quoted-printable', () => {
    // E2 80 99 is ’; 3D is "=".
    const r = qp(['The mayor=E2=80=99s office said 2+2 =3D 4.']);
    expect(r.lines).toEqual(['The mayor’s office said 2+2 = 4.']);
    expect(r.repairs.map((x) => [x.from, x.to, x.line])).toEqual([
      ['=E2=80=99', '’', 10],
      ['=3D', '=', 10],
    ]);
    expect(r.diagnostics.map((d) => [d.rule, d.line])).toEqual([['mail-quoted-printable', 10]]);
  });

  it('joins soft line breaks, keeping the number of the first line', () => {
    const r = qp(['The council=E2=80=99s vote came af=', 'ter a long debate.', '', 'Next paragraph.']);
    expect(r.lines).toEqual(['The council’s vote came after a long debate.', '', 'Next paragraph.']);
    expect(r.lineNumbers).toEqual([10, 12, 13]);
    expect(r.repairs).toHaveLength(2);
  });

  it('decodes a character whose escapes are split by a soft break', () => {
    const r = qp(['The mayor=E2=80=', '=99s office.']);
    expect(r.lines).toEqual(['The mayor’s office.']);
    expect(r.lineNumbers).toEqual([10]);
  });

  const refused: { name: string; lines: string[]; warned: number[]; why: RegExp }[] = [
    { name: 'a plain "=" elsewhere', lines: ['The mayor=E2=80=99s office.', 'Then x = y held.'], warned: [10], why: /line 11 has an "=" that is not quoted-printable/ },
    { name: 'a Latin-1 escape (charset unknown)', lines: ['Caf=E9 reopens.'], warned: [10], why: /not UTF-8/ },
    { name: 'an escaped letter, which no encoder writes', lines: ['Item =41 was sold.'], warned: [10], why: /not UTF-8|not quoted-printable/ },
    { name: 'lower-case hex', lines: ['The mayor=e2=80=99s office.'], warned: [10], why: /not quoted-printable/ },
    { name: 'a soft break and no escape', lines: ['A line that ends in =', 'the next one.'], warned: [10], why: /no "=XX" escape/ },
  ];
  it.each(refused)('warns about but does not repair $name', ({ lines, warned, why }) => {
    const r = qp(lines);
    expect(r.lines).toEqual(lines);
    expect(r.repairs).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.rule, d.line])).toEqual(warned.map((l) => ['warning', 'mail-quoted-printable', l]));
    for (const d of r.diagnostics) expect(d.message).toMatch(why);
  });

  it.each([
    ['a URL query', ['Read it at https://meridian.example/story?id=3D12&page=2F.']],
    ['a Markdown underline', ['Heading', '=======']],
    ['an equation', ['Then x = y held.']],
  ])('ignores %s', (_name, lines) => {
    expect(qp(lines)).toEqual({ lines, lineNumbers: lines.map((_, i) => 10 + i), diagnostics: [], repairs: [] });
  });
});

describe('UTF-8 read as Windows-1252 (mojibake)', () => {
  const repaired: { name: string; input: string; output: string; repairs: number }[] = [
    // ’ is E2 80 99: â € ™ in Windows-1252.
    { name: 'a right single quote', input: 'The mayorâ€™s office', output: 'The mayor’s office', repairs: 1 },
    // é is C3 A9: Ã ©.
    { name: 'é', input: 'The cafÃ© reopens', output: 'The café reopens', repairs: 1 },
    // Հայաստան: D5 80, D5 A1, D5 B5, D5 A1, D5 BD, D5 BF, D5 A1, D5 B6.
    { name: 'Armenian', input: 'News from Õ€Õ¡ÕµÕ¡Õ½Õ¿Õ¡Õ¶ today', output: 'News from Հայաստան today', repairs: 1 },
    // Read as Windows-1252 twice: â is C3 A2 (Ã¢), € is E2 82 AC (â‚¬), ™ is E2 84 A2 (â„¢).
    { name: 'mojibake of mojibake', input: 'donÃ¢â‚¬â„¢t', output: 'don’t', repairs: 2 },
    // ” is E2 80 9D; 0x9D is undefined in Windows-1252, so Latin-1 shows it as U+009D.
    { name: 'a right double quote read as Latin-1', input: 'he said.â€\u009d', output: 'he said.”', repairs: 1 },
    // A non-breaking space is C2 A0: Â and a no-break space.
    { name: 'a non-breaking space', input: 'Price:Â\u00A010', output: 'Price:\u00A010', repairs: 1 },
    // և (the Armenian word "and") is D6 87: Ö ‡. Alone it would be taken as text; beside Armenian words it is theirs.
    { name: 'a lone Armenian letter beside Armenian words', input: 'Õ€Õ¡ÕµÕ¥Ö€ Ö‡ Õ¡ÕµÕ¬Õ¶', output: 'Հայեր և այլն', repairs: 3 },
    // An emoji: F0 9F 98 80.
    { name: 'an emoji', input: 'Well done ðŸ˜€', output: 'Well done 😀', repairs: 1 },
    // Letters and signs past Latin Extended-A, from bytes that do not read as a word and the punctuation after it.
    { name: 'Romanian ș (C8 99)', input: 'BucureÈ™ti', output: 'București', repairs: 1 },
    { name: 'Azerbaijani ə (C9 99)', input: 'AzÉ™rbaycan', output: 'Azərbaycan', repairs: 1 },
    { name: 'Vietnamese ế and ệ (E1 BA BF, E1 BB 87)', input: 'Tiáº¿ng Viá»‡t', output: 'Tiếng Việt', repairs: 2 },
    { name: 'an arrow, a minus sign and a check mark', input: 'A â†’ B, 5 âˆ’ 3, âœ“', output: 'A → B, 5 − 3, ✓', repairs: 3 },
  ];
  it.each(repaired)('repairs $name', ({ input, output, repairs }) => {
    const r = repairMojibake(input, FILE, 4);
    expect(r.text).toBe(output);
    expect(r.repairs).toHaveLength(repairs);
    expect(r.repairs.every((x) => x.rule === 'mail-mojibake' && x.line === 4)).toBe(true);
    expect(r.diagnostics.every((d) => d.rule === 'mail-mojibake' && d.line === 4 && d.severity === 'warning')).toBe(true);
    expect(r.diagnostics).toHaveLength(repairs);
  });

  const refused: { name: string; input: string; why: RegExp }[] = [
    // Portuguese IRMÃ and a closing quote: C3 94 would be Ô, but this is a word and its quote.
    { name: 'a capital Ã before a closing quote', input: 'The banner read “IRMÃ”', why: /does not decode to text that fits/ },
    // MAÇÃ and an ellipsis: C3 85 would be Å.
    { name: 'a capital Ã before an ellipsis', input: 'The crate read MAÇÃ… and more', why: /does not decode to text that fits/ },
    { name: 'a quote whose last byte was lost', input: 'he said.â€\uFFFD Then', why: /bytes lost/ },
  ];
  it.each(refused)('warns about but does not repair $name', ({ input, why }) => {
    const r = repairMojibake(input, FILE, 9);
    expect(r.text).toBe(input);
    expect(r.repairs).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ file: FILE, line: 9, severity: 'warning', rule: 'mail-mojibake' });
    expect(r.diagnostics[0]!.message).toMatch(why);
  });

  it.each([
    'Crème brûlée à São Paulo; naïve façade; Învățământ; Ærøskøbing',
    'Ελληνικά, Русский, Հայերեն, 中文 and “quotes” — dashes… ellipses',
    'ÂGE in capitals; Ãgua is not a word',
    // French typography: a no-break space inside guillemets. à, a no-break space and » would be E0 A0 BB, a Samaritan letter.
    'Il a dit\u00a0: «\u00a0Je suis là\u00a0». Voilà\u00a0!',
    // é ” … would be E9 94 85, the CJK character U+9505; é, a no-break space and » E9 A0 BB, another: one rare character, not even a doubt.
    '“Our café”… she said',
    'C’était l’été\u00a0», le café\u00a0» et «\u00a0où\u00a0»; tout est prêt\u00a0»',
    // É and … would be C9 85 (Ʌ); É and – or — would be IPA letters; Ø and ° an Arabic letter.
    'The sign read CAFÉ… and nothing else; CAFÉ–BAR, ÉTÉ—HIVER, Ø° on the dial',
  ])('leaves correct text alone: %s', (text) => {
    expect(repairMojibake(text, FILE, 1)).toEqual({ text, diagnostics: [], repairs: [] });
  });
});

describe('Windows-1252 decoding', () => {
  it('maps 0x80-0x9F to their characters, not to C1 controls', () => {
    expect(decodeWindows1252(Uint8Array.from([0x93, 0x61, 0x94, 0x20, 0x80, 0x92, 0x96, 0x97]))).toBe('“a” €’–—');
  });

  it('reads a seed with smart quotes 0x93/0x94 as Windows-1252, with a warning naming the line', () => {
    const bytes = Buffer.concat([Buffer.from('Meridian Post: Choir Tours\n\n'), Uint8Array.from([0x93, 0x57, 0x65, 0x20, 0x73, 0x61, 0x6e, 0x67, 0x2e, 0x94]), Buffer.from('\n')]);
    const decoded = decodeSeed(bytes, FILE);
    expect(decoded.text).toBe('Meridian Post: Choir Tours\n\n“We sang.”\n');
    expect(decoded.diagnostics).toHaveLength(1);
    expect(decoded.diagnostics[0]).toMatchObject({ file: FILE, line: 3, severity: 'warning', rule: 'encoding-windows-1252' });
  });
});

describe('Windows-1252 with control characters, and bytes that are neither UTF-8 nor Windows-1252', () => {
  const bytesOf = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Uint8Array.from(p))));

  it('reads a form feed in Windows-1252 text as a character for the XML check to remove, not as a reason to reject the seed', () => {
    const decoded = decodeSeed(bytesOf('Asbarez: Caf', [0xe9], '\n\nDek\n\nBody here.\n', [0x0c], '\nMore.\n'), FILE);
    expect(decoded.text).toBe('Asbarez: Café\n\nDek\n\nBody here.\n\f\nMore.\n');
    expect(decoded.diagnostics.map((d) => [d.rule, d.line])).toEqual([['encoding-windows-1252', 1]]);
  });

  it('names the line of the byte that rules out Windows-1252 too, when it comes after the first that rules out UTF-8', () => {
    const decoded = decodeSeed(bytesOf('Asbarez: Caf', [0xe9], '\n\nDek\n\nOne.\n\nTwo ', [0x81], ' bytes.\n'), FILE);
    expect(decoded.text).toBeUndefined();
    expect(decoded.diagnostics).toHaveLength(1);
    expect(decoded.diagnostics[0]).toMatchObject({ severity: 'error', rule: 'encoding-invalid', line: 7 });
    expect(decoded.diagnostics[0]!.message).toBe(
      'not valid UTF-8 (byte 0xE9 at offset 12, line 1); not Windows-1252 either: byte 0x81 at offset 30 (line 7) is undefined in Windows-1252; save the file as UTF-8',
    );
  });

  it('takes a NUL for a sign of a binary file, not of text', () => {
    const decoded = decodeSeed(bytesOf('Asbarez: Caf', [0xe9], '\n', [0x00], '\n'), FILE);
    expect(decoded.text).toBeUndefined();
    expect(decoded.diagnostics[0]!.message).toMatch(/byte 0x00 at offset 14 \(line 2\) is a NUL/);
  });
});

describe('C1 controls: Windows-1252 read as Latin-1', () => {
  it('become the Windows-1252 characters they were; undefined bytes and DEL are removed; each run is warned with its column', () => {
    const r = repairC1Controls('Talks \u0093constructive\u0094 \u0096 at last\u0085 \u0081\u007F!', FILE, 4);
    expect(r.text).toBe('Talks “constructive” – at last… !');
    expect(r.repairs.map((x) => [x.rule, x.line, x.from, x.to])).toEqual([
      ['mail-c1-control', 4, '\u0093', '“'],
      ['mail-c1-control', 4, '\u0094', '”'],
      ['mail-c1-control', 4, '\u0096', '–'],
      ['mail-c1-control', 4, '\u0085', '…'],
      ['mail-c1-control', 4, '\u0081\u007F', ''],
    ]);
    expect(r.diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([
      ['mail-c1-control', 4, 7],
      ['mail-c1-control', 4, 20],
      ['mail-c1-control', 4, 22],
      ['mail-c1-control', 4, 31],
      ['mail-c1-control', 4, 33],
    ]);
    expect(r.diagnostics[0]!.message).toContain('U+0093');
  });

  it('leave other text alone, Latin-1 letters included', () => {
    const text = 'Café, naïve, Ærø and “quotes” stay';
    expect(repairC1Controls(text, FILE, 1)).toEqual({ text, diagnostics: [], repairs: [] });
  });

  it('are repaired in a seed\'s headline, dek, body and front matter, so no output carries them', () => {
    const plain = parseSeed(Buffer.from('Date: 2023-04-07\n\nMeridian Post: Minister calls talks \u0093constructive\u0094\n\nA dek \u0096 short\n\nThe body\u0085\n'), FILE, 'txt');
    expect(plain.ok).toBe(true);
    expect(JSON.stringify([plain.fields, plain.body])).not.toMatch(/[\u007F-\u009F]/);
    expect(plain.fields.title?.value).toBe('Minister calls talks “constructive”');
    expect(plain.repairs.map((r) => [r.rule, r.line])).toEqual([
      ['mail-c1-control', 3],
      ['mail-c1-control', 3],
      ['mail-c1-control', 5],
      ['mail-c1-control', 7],
    ]);
    const front = parseSeed(Buffer.from('---\ntitle: "A \u0093quoted\u0094 title"\n---\nBody.\n'), FILE, 'md');
    expect(front.fields.title).toEqual({ value: 'A “quoted” title', line: 2 });
    expect(front.repairs.map((r) => [r.rule, r.line])).toEqual([
      ['mail-c1-control', 2],
      ['mail-c1-control', 2],
    ]);
  });
});

describe('in a whole seed', () => {
  it('repairs the body and the front matter, counts every repair and keeps line numbers', () => {
    const seed = parseSeed(
      Buffer.from(
        [
          '---',
          'title: "=?UTF-8?Q?Caf=C3=A9_Reopens?="',
          '---',
          'Meridian Post: ignored headline',
          '',
          'The owner=E2=80=99s plan was appro=',
          'ved on Monday.',
          '',
          'A second paragraph.',
        ].join('\n'),
      ),
      FILE,
      'txt',
    );
    expect(seed.ok).toBe(true);
    expect(seed.fields.title).toEqual({ value: 'Café Reopens', line: 2 });
    expect(seed.body).toEqual({
      kind: 'paragraphs',
      paragraphs: [
        { text: 'The owner’s plan was approved on Monday.', line: 6 },
        { text: 'A second paragraph.', line: 9 },
      ],
    });
    expect(seed.repairs.map((r) => [r.rule, r.line])).toEqual([
      ['mail-encoded-word', 2],
      ['mail-quoted-printable', 6],
      ['mail-quoted-printable', 6],
    ]);
    expect(seed.diagnostics.map((d) => [d.severity, d.rule, d.line])).toEqual([
      ['warning', 'mail-encoded-word', 2],
      ['warning', 'mail-quoted-printable', 6],
    ]);
  });
});
