import { isValid } from 'date-fns/isValid';

export type DateResult = { date: Date; warning?: { rule: string; message: string } } | { error: { rule: string; message: string } };

const ACCEPTED = 'use ISO 8601 (2023-03-02, 2023-03-02T10:00:00Z, 2023-03-02T10:00:00+04:00) or RFC 822 (Thu, 02 Mar 2023 10:00:00 +0000)';
export const MONTH_NAMES: readonly string[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** As RFC 822 abbreviates them, in lower case. */
const MONTHS = MONTH_NAMES.map((m) => m.slice(0, 3).toLowerCase());
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

/**
 * ISO 8601 extended format: an offset may be hours alone (`+04`), a fraction
 * may follow a comma (`10:00:00,5`). As RFC 3339 allows, a space may stand for
 * the `T`; and, as YAML's timestamps and Jekyll's and Hugo's front matter
 * write them, one space may come before the offset (`2023-06-02 10:00:00 +0400`),
 * and after that space YAML's offset of one digit (`-5`, `+5:30`).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)? ?(Z|[+-]\d{2}(?::?\d{2})?|(?<= )[+-]\d(?::\d{2})?)?)?$/i;
/** RFC 822 and 5322, with the zone's name in a comment after the offset as mail writes it (`+0400 (AMT)`), which is ignored. */
const RFC822 = /^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2}|\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|[A-Za-z]{1,3})(?:\s*\([^()]{0,64}\))?$/i;

/**
 * A seed's date: ISO 8601 or RFC 822, checked against the calendar
 * (`2023-02-30` is an error, not March 2). A date-only value is midnight UTC.
 * Slash dates like `03/04/2023` are refused as ambiguous.
 */
export function parseSeedDate(text: string): DateResult {
  const value = text.trim();
  const iso = ISO.exec(value);
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = iso;
    const date = buildDate(+y!, +mo!, +d!, +h, +mi, +s, frac, zone && zone.toUpperCase() !== 'Z' ? zoneMinutes(zone) : 0);
    if ('error' in date) return date;
    if (iso[4] !== undefined && zone === undefined) {
      return { date: date.date, warning: { rule: 'date-no-zone', message: `date "${value}" has a time but no zone; read as UTC. Add "Z" or an offset such as +04:00` } };
    }
    return date;
  }
  const rfc = RFC822.exec(value);
  if (rfc) {
    const [, weekday, d, mon, y, h, mi, s = '00', zone] = rfc;
    const month = MONTHS.indexOf(mon!.toLowerCase()) + 1;
    if (!month) return invalid(value);
    let offset: number | undefined;
    if (/^[+-]\d{4}$/.test(zone!)) offset = zoneMinutes(zone!);
    else offset = ZONES[zone!.toUpperCase()];
    if (offset === undefined) return { error: { rule: 'date-invalid', message: `date "${value}" has an unknown zone "${zone}"; ${ACCEPTED}` } };
    // RFC 2822 4.3: a two-digit year 00-49 is 20xx, 50-99 is 19xx.
    const year = y!.length === 2 ? (+y! < 50 ? 2000 : 1900) + +y! : +y!;
    const date = buildDate(year, month, +d!, +h!, +mi!, +s, '', offset);
    // The weekday names the day as written (before the zone is applied); one that disagrees points at a typo in the date.
    if ('date' in date && weekday) {
      const actual = WEEKDAYS[new Date(date.date.getTime() + offset * 60_000).getUTCDay()]!;
      if (actual.slice(0, 3).toLowerCase() !== weekday.toLowerCase()) {
        return { date: date.date, warning: { rule: 'date-weekday', message: `date "${value}" says ${weekday}, but ${+d!} ${MONTH_NAMES[month - 1]} ${year} is a ${actual}; the date is used. Correct the weekday or the date` } };
      }
    }
    return date;
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(value)) {
    return { error: { rule: 'date-ambiguous', message: `date "${value}" is ambiguous (day/month or month/day?); ${ACCEPTED}` } };
  }
  return invalid(value);
}

function invalid(value: string): DateResult {
  return { error: { rule: 'date-invalid', message: `date "${value}" is not a date seedfeed reads; ${ACCEPTED}` } };
}

/** An offset such as +04:00 in minutes; NaN when it is not one (hours over 23 or minutes over 59). */
function zoneMinutes(zone: string): number {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone)!;
  const [hours, minutes] = [+m[2]!, +(m[3] ?? 0)];
  if (hours > 23 || minutes > 59) return NaN;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function buildDate(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, offsetMinutes: number): DateResult {
  if (Number.isNaN(offsetMinutes)) {
    return { error: { rule: 'date-invalid', message: `the time zone offset is not one; use Z or +HH:MM with hours up to 23 and minutes up to 59` } };
  }
  if (!isCalendarDate(y, mo, d)) {
    return { error: { rule: 'date-invalid', message: `date ${pad(y, 4)}-${pad(mo)}-${pad(d)} is not a calendar date; use YYYY-MM-DD with a real day of that month` } };
  }
  if (h > 23 || mi > 59 || s > 60) {
    return { error: { rule: 'date-invalid', message: `time ${pad(h)}:${pad(mi)}:${pad(s)} is not a time of day; use HH:MM:SS from 00:00:00 to 23:59:59` } };
  }
  const ms = frac ? Math.floor(+`0.${frac}` * 1000) : 0;
  // A leap second (RFC 3339 5.7, RFC 5322 3.3) has no place on the timeline of a Date, which counts none: 23:59:60 UTC is read as 23:59:59.
  const leap = s === 60;
  const utc = new Date(Date.UTC(2000, mo - 1, d, h, mi, leap ? 59 : s, ms));
  // Date.UTC reads years 0-99 as 1900-1999; set the year itself.
  utc.setUTCFullYear(y, mo - 1, d);
  const date = new Date(utc.getTime() - offsetMinutes * 60_000);
  if (!isValid(date)) return invalid(`${y}-${mo}-${d}`);
  if (leap && (date.getUTCHours() !== 23 || date.getUTCMinutes() !== 59)) {
    return { error: { rule: 'date-invalid', message: `time ${pad(h)}:${pad(mi)}:${pad(s)} is not a time of day; a leap second (:60) ends a UTC day only, as 23:59:60Z or its time in another zone` } };
  }
  // RFC 3339 (Atom, JSON Feed) writes four-digit years only.
  if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    return { error: { rule: 'date-invalid', message: `date ${pad(y, 4)}-${pad(mo)}-${pad(d)} is out of range in UTC; use a year from 0001 to 9999` } };
  }
  return { date };
}

/**
 * Whether day `d` of month `mo` (1 to 12) of year `y` exists in the
 * proleptic Gregorian calendar. date-fns' `isExists` builds a local `Date`,
 * which reads years 0 to 99 as 1900 to 1999 and so calls 0050-06-15 no date.
 */
export function isCalendarDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * The first year a seed's date may have: RSS writes dates as RFC 822 does,
 * whose readers take a year written `0099` for 1999 (or reject it), so a
 * story dated before it would be shown at another date than Atom's and
 * JSON Feed's. Such a year is a typo (`0023` for `2023`): an error.
 */
export const FIRST_YEAR = 1000;

/** Dates far from now are likely typos: a warning, not an error. */
export function implausibleDate(date: Date, now: Date): string | undefined {
  // More than a day ahead (24 hours, whatever the machine's time zone).
  if (date.getTime() - now.getTime() > 86_400_000) return `date ${date.toISOString()} is more than a day in the future; the item will sort above newer ones. Check the year and the time zone`;
  if (date.getUTCFullYear() < 1990) return `date ${date.toISOString()} is before 1990; check the year`;
  return undefined;
}
