import type { Context } from 'aws-lambda';
import type { ZodMiniType } from 'zod/mini';
import { currentTime } from '../../app/clock';
import { instrumented } from '../../platform/invocation';
import { log, logAbout } from '../../platform/logger';

/** One act of the yearly workflow: idempotent, so Step Functions may run it again after any failure. */
export type Act<A, I, R> = (app: A, input: I, now: string) => Promise<R>;

/**
 * The one way a workflow task Lambda runs: parse the state input with the contract's zod
 * schema (extra keys are dropped), run the act at the current time (currentTime(): the
 * local stack's virtual clock, real time in AWS) and return its result. Any failure is
 * logged and thrown, so that the task's Retry runs the act again and, failing that, its
 * Catch records the failure. `app`: the ports the act reaches, as the function gives them. Its
 * log lines carry the year and county of the input, where it has them.
 */
export function taskHandler<A, I, R>(schema: ZodMiniType<I>, act: Act<A, I, R>, app: A): (event: unknown, context?: Context) => Promise<R> {
  return instrumented(async (event: unknown) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
      log.error('task input invalid', { act: act.name, issues });
      throw new TaskInputError(`Invalid input for ${act.name}: ${issues.join('; ')}`);
    }
    const { year, county } = (parsed.data ?? {}) as { year?: unknown; county?: unknown };
    logAbout({ ...(typeof year === 'number' && { year }), ...(typeof county === 'string' && { county }) });
    try {
      const result = await act(app, parsed.data, currentTime());
      // A waiting year is checked again and again: those results are debug noise.
      const waiting = (result as { status?: unknown } | undefined)?.status === 'WAIT';
      (waiting ? log.debug : log.info)('task done', { act: act.name, result: result as unknown });
      return result;
    } catch (error) {
      log.error('task failed', { act: act.name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      throw error;
    }
  });
}

class TaskInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskInputError';
  }
}
