/** Language tags (BCP 47, RFC 5646): which the feeds may carry, and which way their text runs. */

/** A tag's shape: a primary language subtag of 2 or 3 letters (ISO 639), then subtags of 1 to 8 letters or digits. */
const TAG_SHAPE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** Language names as this Node's ICU knows them; `of()` gives undefined for a code that names no language. Made when first asked: loading them takes 15 to 30 ms, a tenth of a no-op run. */
let names: Intl.DisplayNames | undefined;

/**
 * Whether ICU knows the language `code`: one whose likely script and region
 * it knows (`en` becomes `en-Latn-US`, a few milliseconds), else one it has
 * a name for.
 */
function knownLanguage(code: string): boolean {
  if (new Intl.Locale(code).maximize().baseName !== code) return true;
  names ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
  return names.of(code) !== undefined;
}

/**
 * Whether `tag` is a language tag the feeds may carry: shaped as BCP 47
 * says, with a primary subtag that names a language (ISO 639: `en`, `hy`,
 * `eng`, `ckb`). Words such as `english` or `armenian` have a shape BCP 47
 * reserves for languages registered later, but none is registered, and the
 * W3C validator calls them invalid (RSS `language`, `xml:lang`). The
 * registry checked is the ICU data Node carries, which knows the ISO 639
 * languages; private-use (`qaa`-`qtz`) and made-up (`zz`) codes name none.
 */
export function isLanguageTag(tag: string): boolean {
  if (!hasLanguageTagShape(tag)) return false;
  const primary = tag.split('-', 1)[0]!.toLowerCase();
  try {
    return knownLanguage(primary);
  } catch {
    return false;
  }
}

/** Whether `tag` is shaped as a language tag (`isLanguageTag` without asking ICU): `english` is not. */
export function hasLanguageTagShape(tag: string): boolean {
  return TAG_SHAPE.test(tag);
}

/** Scripts written right to left (ISO 15924), and languages written in one of them unless their tag names another script. */
const RTL_SCRIPTS = new Set(['arab', 'hebr', 'syrc', 'thaa', 'nkoo', 'adlm', 'rohg', 'mand', 'samr']);
const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'pnb', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);

/** Whether text in the language `tag` (BCP 47) runs right to left: by its script subtag when it has one, else by its language. */
export function rightToLeft(tag: string): boolean {
  const [language = '', ...rest] = tag.toLowerCase().split('-');
  const script = rest.find((s) => s.length === 4 && /^[a-z]{4}$/.test(s));
  return script ? RTL_SCRIPTS.has(script) : RTL_LANGUAGES.has(language);
}

/** A letter of a script written right to left (those of RTL_SCRIPTS). */
const RTL_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Mandaic}\p{Script=Samaritan}]/u;

/** The blocks of those scripts: text with none of their characters (nearly all text here) is answered at once. */
const RTL_BLOCKS = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u{10D00}-\u{10D3F}\u{1E900}-\u{1E95F}]/u;

/** Whether most letters of `text` are of scripts written right to left (false for text without letters). */
export function mostlyRightToLeft(text: string): boolean {
  if (!RTL_BLOCKS.test(text)) return false;
  let rtl = 0;
  let letters = 0;
  for (const [letter] of text.matchAll(/\p{L}/gu)) {
    letters++;
    if (RTL_LETTER.test(letter)) rtl++;
  }
  return rtl * 2 > letters;
}
