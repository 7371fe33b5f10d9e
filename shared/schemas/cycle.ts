import { z } from 'zod';

export const CalendarSchema = z.object({
  publishAt: z.string(),
  reminders: z.array(z.string()),
  deadline: z.string(),
  countyReportAt: z.string(),
  finalizeAt: z.string(),
});

/** A share year's stored cycle: its calendar and what the workflow last reported. */
export const CycleRecordSchema = z.object({
  year: z.number().int(),
  calendar: CalendarSchema,
  /** Optimistic-concurrency version of this item. */
  version: z.number().int().nonnegative(),
  startedAt: z.string().optional(),
  workflow: z
    .object({
      executionArn: z.string().optional(),
      status: z.string(),
      state: z.string().nullable(),
    })
    .optional(),
});

export type CycleRecord = z.infer<typeof CycleRecordSchema>;
