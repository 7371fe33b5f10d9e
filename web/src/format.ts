/** What people read: amounts with a decimal comma, times in Stockholm time. */
const perMille = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 3 });
const date = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', day: 'numeric', month: 'long', year: 'numeric' });
const time = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' });

export const formatPerMille = (n: number): string => `${perMille.format(n)} promille`;

/** "2 november 2027 kl. 23:59" (Stockholm time). */
export const formatInstant = (iso: string): string => `${date.format(new Date(iso))} kl. ${time.format(new Date(iso))}`;

/** "12 dagar och 3 timmar kvar", "5 timmar och 10 minuter kvar", "Tiden har gått ut". */
export function countdown(targetMs: number, nowMs: number): string {
  const left = targetMs - nowMs;
  if (left <= 0) return 'Tiden har gått ut.';
  const minutes = Math.floor(left / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const unit = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (days > 0) return `${unit(days, 'dag', 'dagar')} och ${unit(hours, 'timme', 'timmar')} kvar`;
  if (hours > 0) return `${unit(hours, 'timme', 'timmar')} och ${unit(mins, 'minut', 'minuter')} kvar`;
  return `${unit(Math.max(1, mins), 'minut', 'minuter')} kvar`;
}
