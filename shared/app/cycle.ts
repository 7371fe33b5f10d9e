import { defaultCalendar } from '../domain/calendar';
import { passedMilestoneProblems } from '../domain/calendar-change';
import { countyReports, phaseOf } from '../domain/phase';
import { HttpError } from '../http/errors';
import type { CalendarPatch, CycleView } from '../schemas/api';
import type { CycleRecord } from '../schemas/cycle';
import { asAdmin } from './access';
import { mergeCalendar } from './calendar';
import type { CommandInput } from './command';

type Input = Pick<CommandInput, 'app' | 'user' | 'year' | 'now'>;

/** Where the year stands: phase (from every county's ledger view, the calendar and the clock), reports, workflow. */
export async function getCycle({ app, year, now }: Input): Promise<CycleView> {
  const [record, views] = await Promise.all([app.cycles.get(year), app.ledgers.views(year)]);
  const calendar = record?.calendar ?? defaultCalendar(year);
  return {
    year,
    phase: phaseOf(views, calendar, now),
    calendar,
    counties: countyReports(views),
    workflow: record?.workflow ? { status: record.workflow.status, state: record.workflow.state } : { status: 'NOT_STARTED', state: null },
  };
}

/**
 * An administrator starts the year, optionally with its own calendar. Starting twice is
 * harmless: a started year is returned as it is (created false → 200). A calendar stored
 * by an earlier PATCH, before the start, is the base the given fields are laid over.
 */
export async function startCycle(input: Input, body: { calendar?: CalendarPatch }): Promise<{ created: boolean; cycle: CycleView }> {
  const { app, user, year, now } = input;
  asAdmin(user);
  const existing = await app.cycles.get(year);
  if (existing?.startedAt) return { created: false, cycle: await getCycle(input) };
  const calendar = mergeCalendar(existing?.calendar ?? defaultCalendar(year), body.calendar);
  const saved = await app.cycles.save({ ...existing, year, calendar, version: (existing?.version ?? 0) + 1, startedAt: now });
  if (!saved && !(await app.cycles.get(year))?.startedAt) throw conflict();
  // Lost a race with another start: that one stands, and this answer says so (200).
  return { created: saved, cycle: await getCycle(input) };
}

/** An administrator moves milestones that have not passed, also while the workflow runs. */
export async function moveCalendar(input: Input, patch: CalendarPatch): Promise<CycleView> {
  const { app, user, year, now } = input;
  asAdmin(user);
  const existing = await app.cycles.get(year);
  const before = existing?.calendar ?? defaultCalendar(year);
  const passed = passedMilestoneProblems(before, { ...before, ...patch }, now);
  if (passed.length > 0) throw new HttpError(409, 'MILESTONE_PASSED', 'En tidpunkt som redan har passerats kan inte ändras.', passed);
  const calendar = mergeCalendar(before, patch);
  const record: CycleRecord = { ...existing, year, calendar, version: (existing?.version ?? 0) + 1 };
  if (!(await app.cycles.save(record))) throw conflict();
  return getCycle(input);
}

const conflict = () =>
  new HttpError(409, 'CONFLICT', 'Årets kalender ändrades samtidigt av någon annan. Hämta den på nytt och försök igen.');
