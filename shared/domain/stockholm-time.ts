/**
 * Stockholm wall-clock time and UTC instants: by the EU summer-time rule Sweden has kept since
 * 1996, and through the platform's tz database (Intl) before it. Pure, and free of the
 * calendar's holiday rules, so the web app can use it too.
 */

export const TIME_ZONE = 'Europe/Stockholm';

export const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 86_400 * SECOND;

/**
 * An Intl.DateTimeFormat in Stockholm time, built at its first use: building the first one
 * loads the time zone data, about 17 ms, which a cold start that formats no time (most of
 * them: a refusal, a read) should not pay (npm run bench:cold).
 */
export function stockholmFormat(locale: string, options: Intl.DateTimeFormatOptions): () => Intl.DateTimeFormat {
  let format: Intl.DateTimeFormat | undefined;
  return () => (format ??= new Intl.DateTimeFormat(locale, { ...options, timeZone: TIME_ZONE }));
}

const wallClock = stockholmFormat('en-US', {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Epoch ms of a wall time read as if it were UTC (setUTCFullYear avoids Date.UTC's 0–99 → 19xx quirk). */
export function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** 1996-01-01 00:00 in Stockholm: the EU rule holds from then on. */
const EU_RULE_FROM = Date.UTC(1995, 11, 31, 23);

/**
 * Stockholm's UTC offset (ms) at a whole-second instant. From 1996 by the rule, which the tz
 * database says for every instant from then (test/unit/stockholm-time.test.ts holds them
 * together): computed, not asked of Intl, whose first zone lookup costs a cold start about
 * 17 ms. Before 1996 (other end of summer time, no summer time before 1980), as Intl reports it.
 */
export function offsetAt(utc: number): number {
  if (utc < EU_RULE_FROM) return intlOffsetAt(utc);
  return summerTime(utc) ? 2 * HOUR : HOUR;
}

/**
 * Central European Summer Time: from the last Sunday of March to the last Sunday of October,
 * 01:00 UTC both (Directive 2000/84/EC). The transitions lie months from New Year, so the
 * instant's UTC year is its Stockholm year for this purpose.
 */
function summerTime(utc: number): boolean {
  const year = new Date(utc).getUTCFullYear();
  return utc >= lastSunday(year, 3) + HOUR && utc < lastSunday(year, 10) + HOUR;
}

/** 00:00 UTC of the month's last Sunday (month 1–12). */
function lastSunday(year: number, month: number): number {
  const last = wallMs(year, month + 1, 0);
  return last - new Date(last).getUTCDay() * DAY;
}

/** The offset as the tz database gives it. */
export function intlOffsetAt(utc: number): number {
  const parts = wallClock().formatToParts(utc);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return wallMs(part('year'), part('month'), part('day'), part('hour'), part('minute'), part('second')) - utc;
}

function daysInMonth(year: number, month: number): number {
  return new Date(wallMs(year, month + 1, 0)).getUTCDate();
}

export function isValidDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const inRange = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  return inRange(y, 0, 9999) && inRange(mo, 1, 12) && inRange(d, 1, daysInMonth(y, mo)) &&
    inRange(h, 0, 23) && inRange(mi, 0, 59) && inRange(s, 0, 59);
}

/** Whole-second UTC ISO string; throws if the year leaves 0000–9999 (keeps the fixed format). */
export function formatUtc(ms: number): string {
  const iso = new Date(Math.floor(ms / SECOND) * SECOND).toISOString();
  if (!/^\d{4}-/.test(iso)) throw new RangeError(`Instant out of range: ${iso}`);
  return `${iso.slice(0, 19)}Z`;
}

export function stockholmToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number): string {
  // Year ≥ 1000 keeps Intl probes (±1 day) clear of year 0 / BC era formatting.
  if (year < 1000 || !isValidDateTime(year, month, day, hour, minute, second)) {
    throw new RangeError(`Invalid local date-time: ${year}-${month}-${day} ${hour}:${minute}:${second}`);
  }
  const wall = wallMs(year, month, day, hour, minute, second);
  // Offsets in force a day either side cover both sides of any single DST transition.
  const candidates = [...new Set([offsetAt(wall - DAY), offsetAt(wall + DAY)])].map((o) => wall - o);
  const valid = candidates.filter((utc) => utc + offsetAt(utc) === wall);
  // Overlap (fall back): the earlier instant, i.e. the first occurrence (summer time).
  // Gap (spring forward, nonexistent time): the later instant, i.e. the wall time moved forward by
  // the gap (02:30 → 03:30 CEST), as java.time and Temporal's 'compatible' do.
  return formatUtc(valid.length > 0 ? Math.min(...valid) : Math.max(...candidates));
}
