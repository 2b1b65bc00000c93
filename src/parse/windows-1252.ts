/**
 * Windows-1252 as the WHATWG Encoding Standard defines it (index-windows-1252).
 * Node's own `TextDecoder('windows-1252')` reads 0x80-0x9F as Latin-1 C1
 * controls in Node 20.18.3 and later (nodejs/node#60888), so smart quotes
 * 0x93/0x94 would come out as invisible controls: seedfeed maps them itself.
 */
export const WINDOWS_1252_HIGH: readonly number[] = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

/** Bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D: Windows-1252 itself leaves them undefined. */
export const WINDOWS_1252_UNDEFINED: ReadonlySet<number> = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...Array.from(chunk, (b) => (b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80]! : b)));
  }
  return out;
}

/** The Windows-1252 byte of a character, or undefined when it has none. */
export function windows1252Byte(ch: string): number | undefined {
  const code = ch.charCodeAt(0);
  if (ch.length !== 1) return undefined;
  if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
  const at = WINDOWS_1252_HIGH.indexOf(code);
  return at === -1 ? undefined : 0x80 + at;
}
