/**
 * A year's execution that ended without finishing the year, and why: what the workflow
 * recorded and the web app shows.
 */

/** Statuses of an execution that ended without finishing the year: the next start makes a new one. */
export const ENDED_UNFINISHED: ReadonlySet<string> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** The message of a Lambda error's Cause (`{"errorType", "errorMessage", "trace"}`), or the Cause as it is. */
export function failureMessage(name: string, cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: a States.* error's Cause is plain text.
  }
  return cause || name;
}
