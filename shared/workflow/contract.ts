import * as z from 'zod/mini';
import { CountyCode } from '../schemas/reference';

/**
 * Shape of the machine (JSONPath; top-level state data is `{ year, next?, review? }`):
 *   Plan the year (ResultPath null) → Check the next milestone (ResultPath $.next)
 *   → Is a milestone due? ($.next.status: DONE → Year complete; WAIT → Wait for the
 *     milestone (TimestampPath $.next.waitUntil) → Check …; DUE → Which milestone?)
 *   → Which milestone? ($.next.milestone.kind) → publish | reminder | deadline | deadlineMoved
 *     → the act (Parameters { year, milestone }, ResultPath null) → Check the next milestone;
 *     countyReports → Prepare the county review (ResultPath $.review) → Review each county
 *     (Map over $.review.counties, ResultPath null): Does the county have proposals?
 *       no → Report a county without proposals (end);
 *       yes → Wait for the county report (lambda:invoke.waitForTaskToken, Payload = item +
 *             taskToken $$.Task.Token, TimeoutSecondsPath $.timeoutSeconds, ResultPath null;
 *             the county's report ends it; Catch States.Timeout (ResultPath $.timeout)
 *             → Which county date has come? ($.next: countyWarning → Warn the county of
 *               undecided proposals (ResultPath $) → Wait for the county report (until the
 *               report date); otherwise → Submit the report automatically (ResultPath $)
 *               → Was the report date moved? (status WAIT_AGAIN → Wait for the county report;
 *               else County report submitted))
 *     → Send the county reports → Check …; finalize → Fix the final shares → Check ….
 *   The county warning is thus acted on by each county's own wait, between the deadline
 *   and its report: one county's review is wait (until the warning) → warn → wait (until
 *   the report date) → submit, and a county that reports in time ends its wait at once.
 *   Every Task: Retry States.TaskFailed (interval 2 s, backoff 2, 4 attempts; acts are
 *   idempotent) and Catch States.ALL (ResultPath $.error) → Record the failure → Year failed.
 *
 * The contract between the yearly state machine (infra/constructs/workflow.ts), its task
 * Lambdas (functions/cycle-*) and the local Step Functions endpoint. State names are what
 * an administrator reads in the console graph; the local stack keys its overrides by them.
 */
/** The check function's variable capping one Wait (set by infra/constructs/workflow.ts, read by shared/app/cycle-acts/check.ts). */
export const MAX_WAIT_ENV = 'CYCLE_MAX_WAIT_SECONDS';

/**
 * Longest single Wait before the machine checks the stored calendar again (MAX_WAIT_ENV of
 * the check function, and its default when unset): a milestone moved EARLIER while the
 * execution waits is acted on at most this late.
 *
 * Why 4 hours and not 1: a Standard execution fails when its history reaches 25 000 events
 * (hard quota), and every Wait → Check → Choice round adds 9 events (Wait entered/exited,
 * task entered, Lambda scheduled/started/succeeded, task exited, Choice entered/exited).
 * Hourly rounds add 216 events a day, so the execution would die after ~115 days, and the
 * default year runs ~137 days (schedule 1 August → final shares 15 December). Four-hourly
 * rounds add 54 a day: ~7 400 events for the default year, and even an execution that runs
 * the longest calendar allowed (350 days, shared/domain/calendar-horizon.ts; Standard's
 * maximum duration is a year) stays under ~20 000 with the county review.
 * Cost of the polling, per year: ~820 Wait→Check rounds ≈ 2 500 state transitions
 * (≈ $0.06 at $0.025/1 000) and ~820 check invocations of a few ms (well inside the free
 * tier), i.e. negligible; the limit that matters is the history quota, not money.
 * Milestones moved LATER need no polling: the check step sees them when the Wait ends.
 */
export const MAX_WAIT_SECONDS = 4 * 60 * 60;

/**
 * The name of the year's `attempt`-th execution: `cycle-<year>`, then `cycle-<year>-2`, … for
 * each start after an execution that ended without finishing the year (failed, timed out or
 * aborted): Step Functions refuses a closed execution's name for 90 days, and a name found
 * by counting lets two racing starts ask for the same one (docs/workflow.md "Failures").
 */
export const executionName = (year: number, attempt = 1): string => (attempt === 1 ? `cycle-${year}` : `cycle-${year}-${attempt}`);

/** Which attempt of `year` an execution's ARN (or name) is; undefined if it is none of the year's. */
export function executionAttempt(arnOrName: string, year: number): number | undefined {
  const match = new RegExp(`(?:^|:)cycle-${year}(?:-([1-9]\\d*))?$`).exec(arnOrName);
  if (!match) return undefined;
  return match[1] === undefined ? 1 : Number(match[1]);
}

export const STATES = {
  plan: 'Plan the year',
  check: 'Check the next milestone',
  due: 'Is a milestone due?',
  wait: 'Wait for the milestone',
  which: 'Which milestone?',
  publish: 'Publish preliminary shares',
  remind: 'Send reminders',
  tellDeadlineMoved: 'Tell of the moved deadline',
  close: 'Close the submission window',
  prepareReview: 'Prepare the county review',
  review: 'Review each county',
  hasProposals: 'Does the county have proposals?',
  closeQuiet: 'Report a county without proposals',
  awaitReport: 'Wait for the county report',
  countyDate: 'Which county date has come?',
  warnCounty: 'Warn the county of undecided proposals',
  autoSubmit: 'Submit the report automatically',
  moved: 'Was the report date moved?',
  reported: 'County report submitted',
  sendReports: 'Send the county reports',
  finalize: 'Fix the final shares',
  recordFailure: 'Record the failure',
  failed: 'Year failed',
  complete: 'Year complete',
} as const;

/** Task Lambdas: route-like names, code in functions/<name>/index.ts. */
export const TASKS = {
  plan: 'cycle-plan',
  check: 'cycle-check',
  publish: 'cycle-publish',
  remind: 'cycle-remind',
  tellDeadlineMoved: 'cycle-deadline-moved',
  close: 'cycle-close',
  prepareReview: 'cycle-prepare-review',
  closeQuiet: 'cycle-report-quiet-county',
  awaitReport: 'cycle-await-report',
  warnCounty: 'cycle-warn-county',
  autoSubmit: 'cycle-auto-submit',
  sendReports: 'cycle-send-reports',
  finalize: 'cycle-finalize',
  recordFailure: 'cycle-record-failure',
  /** Not a state of the machine: the yearly schedule's target, which starts the next year's execution. */
  startNext: 'cycle-start-next',
} as const;

export type TaskName = (typeof TASKS)[keyof typeof TASKS];

/**
 * countyWarning is acted on inside the county review (never DUE at the top level);
 * deadlineMoved is not in the calendar: it is DUE when the deadline the parties were told
 * differs from the stored one.
 */
const MilestoneKind = z.enum(['publish', 'reminder', 'deadlineMoved', 'deadline', 'countyReports', 'countyWarning', 'finalize']);
export const Milestone = z.object({
  kind: MilestoneKind,
  /**
   * Unique within a year: 'publish', 'reminder-0', 'reminder-1', 'deadline', 'countyReports',
   * 'countyWarning', 'finalize'; 'deadline-moved-1', 'deadline-moved-2', … for the notices.
   */
  id: z.string(),
  at: z.string(),
});

/** The execution input, and the state data every top-level task receives as `{ year }`. */
export const YearInput = z.object({ year: z.int() });
export const PlanInput = z.extend(YearInput, { executionId: z.string() });
/** Acts get the milestone they act on (ResultPath null: they return nothing the machine keeps). */
export const ActInput = z.extend(YearInput, { milestone: Milestone });
/**
 * Prepare the county review, Send the county reports, Fix the final shares: their milestone
 * is implied ('countyReports', 'finalize'), so the machine may pass `{ year }`, `{ year, milestone }`
 * or the whole state data (extra keys are ignored).
 */
export const YearActInput = z.extend(YearInput, { milestone: z.optional(Milestone) });

/** Check: DUE → act on `milestone`; WAIT → Wait until `waitUntil` (UTC, Z, whole seconds), check again; DONE → complete. */
export const CheckResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('DUE'), milestone: Milestone }),
  z.object({ status: z.literal('WAIT'), milestone: Milestone, waitUntil: z.string() }),
  z.object({ status: z.literal('DONE') }),
]);

/**
 * One Map item per county: `next` is the county date its wait runs until ('countyWarning':
 * the county warning, 'countyReport': the report date), `timeoutSeconds` the seconds until then.
 */
const CountyStep = z.enum(['countyWarning', 'countyReport']);
export const CountyItem = z.object({
  year: z.int(),
  county: CountyCode,
  hasProposals: z.boolean(),
  next: CountyStep,
  timeoutSeconds: z.int().check(z.gte(1)),
});
export const PrepareReviewResult = z.object({ counties: z.array(CountyItem) });
export const AwaitReportInput = z.extend(CountyItem, { taskToken: z.string() });
/**
 * After a timeout: the county item back (it replaces the iteration's state data) with
 * SUBMITTED, or WAIT_AGAIN and a new `timeoutSeconds` when the report date was moved later.
 */
export const AutoSubmitResult = z.extend(CountyItem, { status: z.enum(['SUBMITTED', 'WAIT_AGAIN']) });
/** After the warning step: the county item back, waiting until the report date (or still until the warning, if it was moved later). */
export const WarnCountyResult = z.extend(CountyItem, { warned: z.boolean() });
export const FailureInput = z.extend(YearInput, { error: z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }) });
/**
 * cycle-start-next (the yearly schedule's target): `year` is the share year to start; without
 * it, the Stockholm calendar year of `scheduledTime` + 1 (the schedule's input: the time the
 * invocation was due, also on its retries), or of now + 1. An empty or missing event is fine.
 */
export const StartNextInput = z.pipe(
  z.transform((value: unknown) => (value === undefined || value === null || value === '' ? {} : value)),
  z.object({ year: z.optional(z.int()), scheduledTime: z.optional(z.iso.datetime({ offset: true })) }),
);
/** What cycle-start-next returns (and logs). */
export const StartNextResult = z.object({ year: z.int(), executionArn: z.string(), alreadyStarted: z.boolean() });

export type Milestone = z.infer<typeof Milestone>;
export type CheckResult = z.infer<typeof CheckResult>;
export type CountyItem = z.infer<typeof CountyItem>;
export type AutoSubmitResult = z.infer<typeof AutoSubmitResult>;
export type WarnCountyResult = z.infer<typeof WarnCountyResult>;
export type AwaitReportInput = z.infer<typeof AwaitReportInput>;
export type ActInput = z.infer<typeof ActInput>;
export type YearActInput = z.infer<typeof YearActInput>;
export type PlanInput = z.infer<typeof PlanInput>;
export type FailureInput = z.infer<typeof FailureInput>;
export type StartNextInput = z.infer<typeof StartNextInput>;
export type StartNextResult = z.infer<typeof StartNextResult>;
export type PrepareReviewResult = z.infer<typeof PrepareReviewResult>;
