import { defaultCalendar, type Calendar } from '../domain/calendar';
import { passedMilestoneProblems } from '../domain/calendar-change';
import { beyondHorizonProblems } from '../domain/calendar-horizon';
import { cycleMilestones } from '../domain/cycle';
import { countyReports, phaseOf } from '../domain/phase';
import { ENDED_UNFINISHED, failureMessage } from '../domain/workflow-failure';
import { log } from '../platform/logger';
import type { CalendarPatch, CycleView } from '../schemas/api';
import type { CycleRecord } from '../schemas/cycle';
import { executionAttempt } from '../workflow/contract';
import { WorkflowNotConfiguredError } from '../workflow/port';
import { asAdmin } from './access';
import { Conflict, Invalid, Unavailable } from './errors';
import { CALENDAR_MAX_AGE_MS, patchCalendar } from './calendar';
import type { CommandInput } from './command';
import type { AppContext } from './context';

/** The year's record, its ledgers and its execution. */
type CycleContext = Pick<AppContext, 'cycles' | 'ledgers' | 'workflow'>;

type Input = Pick<CommandInput<CycleContext>, 'app' | 'user' | 'year' | 'now'>;

/**
 * Where the year stands: phase (from every county's ledger view, the calendar and the clock),
 * reports, and the workflow: its status from Step Functions when an execution is recorded
 * (the stored status when Step Functions cannot be asked), and its current state as the
 * workflow's tasks recorded it.
 */
export async function getCycle({ app, year, now }: Input): Promise<CycleView> {
  const [record, views] = await Promise.all([app.cycles.get(year), app.ledgers.views(year)]);
  const calendar = record?.calendar ?? defaultCalendar(year);
  return {
    year,
    phase: phaseOf(views, calendar, now),
    calendar,
    remindersFollowDeadline: !record?.remindersExplicit,
    counties: countyReports(views),
    workflow: await workflowView(app, record),
    milestones: cycleMilestones(calendar).map((m) => ({ ...m, doneAt: record?.done?.[m.id] ?? null })),
    failure: failureView(record),
  };
}

/** The failure the workflow last recorded, until a new execution plans the year. */
function failureView(record: CycleRecord | undefined): CycleView['failure'] {
  const failure = record?.failure;
  return failure ? { at: failure.at, error: failure.error, message: failureMessage(failure.error, failure.cause), step: failure.state ?? null } : null;
}

async function workflowView(app: CycleContext, record: CycleRecord | undefined): Promise<CycleView['workflow']> {
  const workflow = record?.workflow;
  if (!workflow) return { status: 'NOT_STARTED', state: null };
  if (!workflow.executionArn) return { status: workflow.status, state: workflow.state };
  try {
    const { status } = await app.workflow.describe(workflow.executionArn);
    return { status, state: workflow.state };
  } catch (error) {
    log.warn('execution status unavailable; showing the recorded one', { year: record.year, executionArn: workflow.executionArn, error: describe(error) });
    return { status: workflow.status, state: workflow.state };
  }
}

/**
 * An administrator starts the year, optionally with its own calendar, and with it the year's
 * execution (`cycle-<year>`). Starting twice is harmless: a started year keeps its calendar
 * (created false → 200), and starting its execution again is a no-op while it runs or once it
 * has finished the year; a start whose execution could not be started (Step Functions
 * unavailable) is completed by the next POST, and a year whose execution failed, timed out or
 * was aborted is continued by a new one (startExecution). A calendar stored by an earlier
 * PATCH, before the start, is the base the given fields are laid over. A calendar reaching
 * beyond what the execution can wait is refused (CALENDAR_TOO_FAR_AHEAD), nothing written.
 */
export async function startCycle(input: Input, body: { calendar?: CalendarPatch }): Promise<{ created: boolean; cycle: CycleView }> {
  const { app, user, year, now } = input;
  asAdmin(user);
  let created = false;
  await updateCycleRecord(app, year, (existing) => {
    // Started already (perhaps by a request racing this one): that start stands, and this answer says so (200).
    created = !existing.startedAt;
    if (!created) return undefined;
    const patched = patchCalendar(existing, body.calendar);
    assertWithinHorizon(patched.calendar, now);
    return { ...existing, ...patched, startedAt: now };
  });
  try {
    await startExecution(app, year);
  } catch (error) {
    if (!(error instanceof WorkflowNotConfiguredError)) {
      log.error('execution not started', { year, error: describe(error) });
      throw new Unavailable('WORKFLOW_UNAVAILABLE', 'Året är registrerat som startat, men arbetsflödet kunde inte startas just nu. Försök igen om en stund.', [{ year }]);
    }
    // A deployment always sets STATE_MACHINE_ARN; without it (a test, a bare local run) the
    // year is recorded as started, loudly, and a POST once it is configured starts the execution.
    log.error('execution not started: the state machine is not configured', { year, error: error.message });
  }
  return { created, cycle: await getCycle(input) };
}

/**
 * Starts the year's execution (the yearly schedule's target, and POST /cycle): the cycle
 * record is created with the default calendar if the year has none, marked started, and
 * given the execution's ARN unless a running execution (its plan step) has recorded its own.
 */
export async function launchYear(app: CycleContext, year: number, now: string): Promise<{ executionArn: string; alreadyStarted: boolean }> {
  await updateCycleRecord(app, year, (record) => {
    if (record.startedAt) return undefined;
    assertWithinHorizon(record.calendar, now);
    return { ...record, startedAt: now };
  });
  return startExecution(app, year);
}

/** A bound on the search, far above any real year's restarts. */
const MAX_ATTEMPTS = 100;

/**
 * The year's execution, started unless one runs or has finished the year. The attempts are
 * counted from the one the record names (cycle-<year>, cycle-<year>-2, …): the first that
 * does not exist is started, so two racing starts ask Step Functions for the same name, and
 * it answers the second with the execution the first started. A new execution resumes the
 * year where it stopped: its check passes over the milestones the record has done.
 */
async function startExecution(app: CycleContext, year: number): Promise<{ executionArn: string; alreadyStarted: boolean }> {
  const recorded = (await app.cycles.get(year))?.workflow?.executionArn;
  let attempt = (recorded && executionAttempt(recorded, year)) || 1;
  for (; ; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new Error(`The year ${year} has more than ${MAX_ATTEMPTS} executions that ended without finishing it`);
    const existing = await app.workflow.execution(year, attempt);
    if (!existing) break;
    if (!ENDED_UNFINISHED.has(existing.status)) return recordExecution(app, year, attempt, { executionArn: existing.executionArn, alreadyStarted: true });
    log.info('execution ended without finishing the year', { year, ...existing });
  }
  return recordExecution(app, year, attempt, await app.workflow.start(year, attempt));
}

/** The record names the execution, unless it names this or a later one already (the plan step of a running one writes its own). */
async function recordExecution(app: CycleContext, year: number, attempt: number, started: { executionArn: string; alreadyStarted: boolean }) {
  await updateCycleRecord(app, year, (record) => {
    const recorded = record.workflow?.executionArn;
    if (recorded && (recorded === started.executionArn || (executionAttempt(recorded, year) ?? 0) >= attempt)) return undefined;
    const state = attempt === 1 ? 'Startat: planerar året.' : 'Startat igen efter ett avbrott: fortsätter där året stannade.';
    return { ...record, workflow: { executionArn: started.executionArn, status: 'RUNNING', state } };
  });
  log.info('execution started', { year, attempt, ...started });
  return started;
}

/** 400 CALENDAR_TOO_FAR_AHEAD when a milestone lies beyond what an execution started at `start` can wait. */
function assertWithinHorizon(calendar: Calendar, start: string): void {
  const problems = beyondHorizonProblems(calendar, start);
  if (problems.length > 0) throw new Invalid('CALENDAR_TOO_FAR_AHEAD', 'Kalendern sträcker sig längre fram än årets arbetsflöde kan vänta.', problems);
}

/**
 * An administrator moves milestones that have not passed, also while the workflow runs. The
 * workflow's tasks write the same record (its state), so the change is applied to the latest
 * record, and the "already passed" check with it.
 *
 * Reminders that follow the deadline (not set explicitly) are recomputed when it moves; those
 * sent stay (patchCalendar). Once publication has told everyone the deadline, moving it leaves
 * the stored calendar differing from the record's `toldDeadline`. No route sends e-mail
 * (docs/workflow.md "The moved deadline"): the record's write reaches the table's stream, whose follower sends the
 * "deadline moved" notice within seconds (shared/app/follow-cycle.ts); the workflow's next
 * check sends it if the follower has not (the safety net), so a move answered here is never
 * lost, even if the follower or the execution is down. The two claim the move on the record,
 * so nobody is told twice (cycle-acts/deadline-moved.ts).
 */
export async function moveCalendar(input: Input, patch: CalendarPatch): Promise<CycleView> {
  const { app, user, year, now } = input;
  asAdmin(user);
  await updateCycleRecord(app, year, (existing) => {
    const before = existing.calendar;
    // Instants less than CALENDAR_MAX_AGE_MS ahead count as passed: commands decide on calendars that old.
    const passedBy = new Date(Date.parse(now) + CALENDAR_MAX_AGE_MS).toISOString();
    const passed = passedMilestoneProblems(before, { ...before, ...patch }, passedBy);
    if (passed.length > 0) throw new Conflict('MILESTONE_PASSED', 'En tidpunkt som redan har passerats kan inte ändras.', passed);
    const next = patchCalendar(existing, patch, passedBy);
    // The recomputed reminders keep the sent ones and add only ones ahead; checked all the same.
    const recomputed = passedMilestoneProblems(before, next.calendar, passedBy);
    if (recomputed.length > 0) throw new Conflict('MILESTONE_PASSED', 'En tidpunkt som redan har passerats kan inte ändras.', recomputed);
    // A started year's execution must live to the last milestone; a year not started yet is checked by its start.
    if (existing.startedAt) assertWithinHorizon(next.calendar, existing.startedAt);
    return { ...existing, ...next };
  });
  return getCycle(input);
}

export interface RecordRetry {
  attempts: number;
  sleep: (ms: number) => Promise<void>;
}

const defaultRecordRetry: RecordRetry = { attempts: 25, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Changes the year's cycle record with a versioned save, re-reading and re-applying `change`
 * when another writer got there first (the workflow's tasks, an administrator's PATCH). A
 * missing record starts from the default calendar. `change` returns undefined to write
 * nothing; the record as stored afterwards is returned.
 */
export async function updateCycleRecord(
  app: Pick<AppContext, 'cycles'>,
  year: number,
  change: (record: CycleRecord) => CycleRecord | undefined,
  retry: RecordRetry = defaultRecordRetry,
): Promise<CycleRecord> {
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    const current = (await app.cycles.get(year)) ?? { year, calendar: defaultCalendar(year), version: 0 };
    const next = change(current);
    if (!next) return current;
    const record = { ...next, year, version: current.version + 1 };
    if (await app.cycles.save(record)) return record;
    await retry.sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
  }
  throw new Error(`The cycle record of ${year} is still contended after ${retry.attempts} attempts`);
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
