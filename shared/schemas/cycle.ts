import * as z from 'zod/mini';

const CalendarSchema = z.object({
  publishAt: z.string(),
  reminders: z.array(z.string()),
  deadline: z.string(),
  countyReportAt: z.string(),
  finalizeAt: z.string(),
});

/** Why the year's workflow failed, as its Catch handed it over (Step Functions' Error and Cause). */
const CycleFailureSchema = z.object({
  /** Identifies the failure (execution, Error, Cause): recording it again changes nothing. */
  id: z.string(),
  at: z.string(),
  error: z.string(),
  cause: z.string(),
  /** What the workflow was doing when it failed, as last recorded. */
  state: z.optional(z.nullable(z.string())),
});

/** A share year's stored cycle: its calendar and what the workflow last reported. */
export const CycleRecordSchema = z.object({
  year: z.int(),
  calendar: CalendarSchema,
  /** Optimistic-concurrency version of this item. */
  version: z.int().check(z.nonnegative()),
  startedAt: z.optional(z.string()),
  /**
   * The reminders were set by an administrator (at the start or by a calendar PATCH that named
   * `reminders`): they stay where they are when the deadline moves. Otherwise (the default)
   * they follow the deadline: 14 and 3 days before it at 09:00, on working days.
   */
  remindersExplicit: z.optional(z.boolean()),
  /**
   * The deadline the municipalities and counties were last told: set by publication (the one
   * it announces), then by each "deadline moved" notice. While it differs from the calendar's
   * deadline a notice is pending: the table stream's follower sends it within seconds of the
   * write, or else the workflow's next check does.
   */
  toldDeadline: z.optional(z.object({ deadline: z.string(), moves: z.int().check(z.nonnegative()) })),
  /**
   * A "deadline moved" notice being sent, and by whom: the table stream's follower (within
   * seconds of the move) or the workflow's check (the safety net). Until `until` (real time)
   * the other one leaves that move to the holder, so that nobody is told twice; the holder
   * clears it when it records the move told (or gives up). A lease outlasts its holder's
   * Lambda timeout, so an expired one is a holder that is gone: anyone may take it over.
   */
  tellingDeadline: z.optional(z.object({ move: z.int().check(z.positive()), to: z.string(), by: z.enum(['stream', 'workflow']), until: z.string() })),
  /**
   * Milestone id ('publish', 'reminder-0', …, 'finalize') → when its act completed (UTC).
   * Written last by each act, so a milestone here is complete; the check skips it, which is
   * how a restarted execution passes over what its year has already done.
   */
  done: z.optional(z.record(z.string(), z.string())),
  /** The last failure recorded by the workflow's Catch; cleared when a new execution plans the year. */
  failure: z.optional(CycleFailureSchema),
  /**
   * The year's execution and what it does now, as its tasks record it: `status` RUNNING |
   * SUCCEEDED | FAILED (GET /cycle asks Step Functions for the live status when it can),
   * `state` a readable sentence in Swedish.
   */
  workflow: z.optional(
    z.object({
      executionArn: z.optional(z.string()),
      status: z.string(),
      state: z.nullable(z.string()),
    }),
  ),
});

export type CycleRecord = z.infer<typeof CycleRecordSchema>;
