/** Date and time fields in Stockholm time, as the forms take them, to and from instants. */
import { offsetAt, stockholmToUtc } from '../../shared/domain/stockholm-time';

/** "2027-11-09" and "23:59" in Stockholm time → "2027-11-09T23:59:59+01:00" (23:59 means through 23:59:59); undefined when not a time. */
export function stockholmInstant(date: string, time: string): string | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2})[:.](\d{2})$/.exec(time.trim());
  if (!d || !t) return undefined;
  const [y, mo, da, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  let utc: number;
  try {
    utc = Date.parse(stockholmToUtc(y, mo, da, h, mi, h === 23 && mi === 59 ? 59 : 0));
  } catch {
    return undefined; // not a date and time (30 February, 24:00, …)
  }
  const offset = offsetAt(utc) / 60_000;
  const local = new Date(utc + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** An instant as the form's Stockholm date and time. */
export function stockholmFields(iso: string): { date: string; time: string } {
  const ms = Math.floor(Date.parse(iso) / 1000) * 1000;
  const wall = new Date(ms + offsetAt(ms)).toISOString();
  return { date: wall.slice(0, 10), time: wall.slice(11, 16) };
}
