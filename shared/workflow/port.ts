/**
 * The port to the yearly state machine (Step Functions in the cloud; the local stack's thin
 * Step Functions endpoint on one machine). The application starts a year's execution, reads
 * its status and resumes a county's waiting task; nothing else about the machine leaks out.
 */
export interface Workflow {
  /**
   * Starts the year's `attempt`-th execution (default the first), named
   * `executionName(year, attempt)` with input `{ year }`. Asked again while that execution
   * runs, Step Functions answers with the same one (two racing starts make one execution); a
   * name used by a closed execution comes back with `alreadyStarted` true.
   */
  start(year: number, attempt?: number): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** The year's `attempt`-th execution and its status, or undefined when there is none (never started, or closed over 90 days ago). */
  execution(year: number, attempt: number): Promise<{ executionArn: string; status: string } | undefined>;
  /** The execution's status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE. */
  describe(executionArn: string): Promise<{ status: string }>;
  /** Resumes a task waiting for this token; throws StaleTaskTokenError if it no longer waits. */
  sendTaskSuccess(token: string, output: unknown): Promise<void>;
  sendTaskFailure(token: string, error: string, cause: string): Promise<void>;
}

/** The state machine is not configured for this function (STATE_MACHINE_ARN unset). */
export class WorkflowNotConfiguredError extends Error {
  constructor(message = 'The yearly state machine is not configured: environment variable STATE_MACHINE_ARN is not set') {
    super(message);
    this.name = 'WorkflowNotConfiguredError';
  }
}

/** The task no longer waits for the token (timed out, already resumed, or its execution ended). */
export class StaleTaskTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StaleTaskTokenError';
  }
}
