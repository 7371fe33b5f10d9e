import { toUtcIso, type Calendar } from './calendar';

const LABELS: Record<Exclude<keyof Calendar, 'reminders'>, string> = {
  publishAt: 'Publiceringstidpunkten (publishAt)',
  deadline: 'Sista svarsdag (deadline)',
  countyReportAt: 'Länsrapporten (countyReportAt)',
  finalizeAt: 'Fastställandet (finalizeAt)',
};

/**
 * Why moving from one calendar to another is not allowed at `now`, in Swedish (empty: allowed).
 * A milestone that has passed (now ≥ its time) stays where it is, and nothing may be moved
 * to a time that has already passed: the workflow has acted, or would never act, on it.
 * Reminders are a set: passed ones must remain, added ones must lie ahead. Unchanged
 * fields are always fine. Values that are not instants are skipped: calendarProblems
 * reports them, and this check runs first so that "already passed" is the answer even
 * when the move would also break the calendar's order.
 */
export function passedMilestoneProblems(before: Calendar, after: Calendar, now: string): string[] {
  const t = Date.parse(now);
  const passed = (instant: string | undefined) => instant !== undefined && Date.parse(instant) <= t;
  const problems: string[] = [];
  for (const field of Object.keys(LABELS) as (keyof typeof LABELS)[]) {
    const [old, next] = [utc(before[field]), utc(after[field])];
    if (old === next || next === undefined) continue;
    if (passed(old)) problems.push(`${LABELS[field]} har redan passerats och kan inte flyttas.`);
    else if (passed(next)) problems.push(`${LABELS[field]} kan inte flyttas till en tidpunkt som redan har passerats.`);
  }
  const [old, next] = [before.reminders.map(utc), Array.isArray(after.reminders) ? after.reminders.map(utc) : []];
  for (const r of old.filter((r) => passed(r) && !next.includes(r))) {
    problems.push(`Påminnelsen ${r} har redan skickats och kan inte flyttas eller tas bort.`);
  }
  for (const r of next.filter((r) => passed(r) && !old.includes(r))) {
    problems.push(`En påminnelse kan inte läggas till en tidpunkt som redan har passerats (${r}).`);
  }
  return problems;
}

function utc(instant: string): string | undefined {
  try {
    return toUtcIso(instant);
  } catch {
    return undefined;
  }
}
