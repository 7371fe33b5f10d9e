/**
 * Executions of the template's state machine on aws-local-stepfunctions, with the Step
 * Functions API the endpoint exposes (StartExecution, DescribeExecution, SendTask*).
 *
 * How the local run differs from AWS (besides the ASL copy, see definition.ts):
 *  - Every Task runs in-process: the handler of the entry the template names, called like
 *    Lambda calls it (lambda.ts). `lambda:invoke` results are wrapped as AWS wraps them.
 *  - Wait states sleep `waitPollMs` (real time) instead of until their timestamp: the check
 *    task after the Wait decides on the VIRTUAL clock whether the milestone is due and sends
 *    the machine back to the Wait if not. Moving the clock thus acts within ~one poll.
 *  - Retry intervals are `retryIntervalMs` each (no backoff), so retries take seconds, not minutes.
 *  - `.waitForTaskToken`: the runner issues the token, invokes the function, and waits for
 *    SendTaskSuccess/SendTaskFailure or for the VIRTUAL clock to pass entry + timeout, then
 *    fails with the emulator's own States.Timeout (matched by Catch/Retry exactly as AWS does).
 *  - Dates (startDate, stopDate) are on the virtual clock; the execution history is not kept
 *    (the emulator's event log is drained as it goes; only counters and the current state are
 *    kept), so an execution polling for months uses constant memory.
 *  - Executions are kept in a JSON file in the data directory. On start, each RUNNING one is
 *    started again from the beginning with the same name and input (its acts are idempotent
 *    and its plan/check steps skip the milestones the year has passed); task tokens are not
 *    kept, so a task waiting for one runs again and issues a new one.
 *  - StartExecution follows AWS for a Standard machine: the same name and input as a RUNNING
 *    execution returns that execution; a name used before otherwise → ExecutionAlreadyExists.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { LOCAL_PARAMETERS, LOCAL_TIMEOUT_SECONDS, TASK_TOKEN_PLACEHOLDER, withTaskToken, type LocalDefinition, type LocalTask } from './definition';
import { SfnError } from './errors';
import { ExecutionsFile, type ExecutionRecord, type ExecutionStatus } from './executions-file';
import { InvocationCounter, type InvocationStats, type StepFunctionsMetrics } from '../metrics';
import { invokeLocally, type LocalFunction, type TaskHandler } from './lambda';
import { TaskTokens, type TokenOutcome } from './task-tokens';

type Emulator = typeof import('aws-local-stepfunctions');
type EmulatorMachine = InstanceType<Emulator['StateMachine']>;
type RunOptions = NonNullable<Parameters<EmulatorMachine['run']>[1]>;
type JsonInput = Parameters<EmulatorMachine['run']>[0];
type EmulatorDefinition = ConstructorParameters<Emulator['StateMachine']>[0];

export type LogLevel = 'info' | 'warn' | 'error';

export interface RunnerOptions {
  definition: LocalDefinition;
  /** The executions file (executions-file.ts). */
  file: string;
  clock: Pick<Clock, 'now' | 'onChange'>;
  /** The handler exported by a project-relative entry (cached by the caller, like a warm Lambda). */
  loadHandler(entry: string): Promise<TaskHandler>;
  region: string;
  accountId: string;
  /** Real milliseconds a Wait state sleeps before the machine checks again. Default 1000. */
  waitPollMs?: number;
  /** Real milliseconds before each retry. Default 200. */
  retryIntervalMs?: number;
  log?: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;
}

/** An execution as DescribeExecution and the local tooling see it. */
export interface ExecutionInfo extends ExecutionRecord {
  /** Local only: the state entered last (in any Map iteration) by its run in this process. */
  currentState?: string;
  /** Local only: task tokens being waited for. */
  waitingForTokens: number;
  /** Local only, its run in this process: retries per state name. */
  retries: Record<string, number>;
  /** Local only, its run in this process: events the emulator reported (drained, not kept). */
  events: number;
}

/** What is kept of a run's event log: constant size. */
interface RunStats {
  currentState?: string;
  retries: Map<string, number>;
  events: number;
}

interface Live {
  record: ExecutionRecord;
  /** Set when the stack stops: no new handler starts, and the record stays RUNNING. */
  stopped: boolean;
  abort: () => void;
  done: Promise<void>;
  inFlight: Set<Promise<unknown>>;
  stats: RunStats;
}

const DEFAULT_WAIT_POLL_MS = 1000;
const DEFAULT_RETRY_INTERVAL_MS = 200;
/** How long stop() waits for handlers that are running. */
const STOP_GRACE_MS = 10_000;
/** setTimeout's limit; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_INPUT_BYTES = 256 * 1024;
/** AWS: 1–80 characters, no whitespace, brackets, wildcards, special or control characters. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/**
 * A States.Runtime error: neither retried nor caught (as in AWS), so the execution fails.
 * `isRetryable`/`isCatchable` are what the emulator asks of its own runtime errors.
 */
class StatesRuntimeError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
}

/** SendTaskFailure's error and cause, as the task's error (matched by name, like AWS). */
class TaskFailureError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

export class WorkflowRunner {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly live = new Map<string, Live>();
  /** Of each execution's run in this process, by name (one entry per execution: bounded). */
  private readonly stats = new Map<string, RunStats>();
  private readonly tokens = new TaskTokens();
  private readonly file: ExecutionsFile;
  private readonly waitPollMs: number;
  private readonly retryIntervalMs: number;
  private readonly log: NonNullable<RunnerOptions['log']>;
  private stopping: Promise<void> | undefined;
  /**
   * Totals of every run in this process, for cost benchmarks (metrics()): states entered by
   * name (from the drained event logs, Map iterations' states included), retries, and the
   * Task Lambdas' invocations with their handler time.
   */
  private readonly totals = { entered: new Map<string, number>(), retries: 0, invocations: new InvocationCounter() };

  private constructor(
    private readonly options: RunnerOptions,
    private readonly machine: EmulatorMachine,
    private readonly timeoutError: () => Error,
  ) {
    this.file = new ExecutionsFile(options.file);
    this.waitPollMs = options.waitPollMs ?? DEFAULT_WAIT_POLL_MS;
    this.retryIntervalMs = options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
    this.log = options.log ?? (() => {});
    for (const record of this.file.load((message) => this.log('warn', message))) this.records.set(record.name, record);
  }

  /**
   * Loads the emulator and reads the executions file (nothing runs yet: see resume()). The
   * emulator does not validate the definition again: compiling its validator's schemas took
   * ~0.45 s of every start, and the tests hold the synthesized definition, and the local one
   * made of it, to the same asl-validator with the same options (test/infra/workflow.test.ts,
   * test/local/local-workflow.test.ts); what the emulator cannot run is refused before this
   * (definition.ts, UnsupportedDefinitionError).
   */
  static async create(options: RunnerOptions): Promise<WorkflowRunner> {
    const emulator = await loadEmulator();
    const machine = new emulator.StateMachine(structuredClone(options.definition.local) as EmulatorDefinition, { validationOptions: { noValidate: true } });
    return new WorkflowRunner(options, machine, await emulatorTimeoutError(emulator));
  }

  get definition(): LocalDefinition {
    return this.options.definition;
  }

  /** Starts every RUNNING execution of the file again, from the beginning (same name and input). */
  resume(): string[] {
    const resumed: string[] = [];
    for (const record of this.records.values()) {
      if (record.status !== 'RUNNING' || this.live.has(record.name)) continue;
      record.restarts = (record.restarts ?? 0) + 1;
      this.launch(record);
      resumed.push(record.name);
    }
    if (resumed.length > 0) this.persist();
    return resumed;
  }

  // ---- The Step Functions API ------------------------------------------------------------

  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): { executionArn: string; startDate: number } {
    this.assertRunning();
    const def = this.definition;
    if (typeof request.stateMachineArn !== 'string' || request.stateMachineArn === '') throw new SfnError('ValidationException', 'stateMachineArn is required');
    if (!request.stateMachineArn.startsWith('arn:')) throw new SfnError('InvalidArn', `Invalid Arn: '${request.stateMachineArn}'`);
    if (request.stateMachineArn !== def.stateMachineArn) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name === undefined ? randomUUID() : request.name;
    if (typeof name !== 'string' || !EXECUTION_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${String(name)}'`);
    const input = request.input === undefined ? '{}' : request.input;
    if (typeof input !== 'string' || Buffer.byteLength(input) > MAX_INPUT_BYTES || !isJson(input)) {
      throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input must be a JSON text of at most 256 KiB');
    }
    const executionArn = `${def.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.records.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input && existing.stateMachineArn === def.stateMachineArn) {
        return { executionArn: existing.executionArn, startDate: existing.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    }
    const record: ExecutionRecord = { name, executionArn, stateMachineArn: def.stateMachineArn, input, status: 'RUNNING', startDate: this.options.clock.now() };
    this.records.set(name, record);
    this.persist();
    this.launch(record);
    this.log('info', 'local workflow: execution started', { executionArn });
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(executionArn: unknown): ExecutionInfo {
    if (typeof executionArn !== 'string' || executionArn === '') throw new SfnError('ValidationException', 'executionArn is required');
    const match = /^arn:[\w-]+:states:[\w-]+:\d{12}:execution:[^:]+:([^:]+)$/.exec(executionArn);
    if (!match) throw new SfnError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const record = this.records.get(match[1]!);
    if (!record || record.executionArn !== executionArn) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return this.info(record);
  }

  sendTaskSuccess(taskToken: unknown, output: unknown): void {
    const token = requiredToken(taskToken);
    if (typeof output !== 'string' || !isJson(output)) throw new SfnError('InvalidOutput', 'Invalid Output: the output must be a JSON text');
    this.answer(token, this.tokens.settle(token, { kind: 'success', output: JSON.parse(output) as unknown }));
  }

  sendTaskFailure(taskToken: unknown, error: unknown, cause: unknown): void {
    const token = requiredToken(taskToken);
    this.answer(token, this.tokens.settle(token, { kind: 'failure', error: typeof error === 'string' ? error : '', cause: typeof cause === 'string' ? cause : '' }));
  }

  sendTaskHeartbeat(taskToken: unknown): void {
    const token = requiredToken(taskToken);
    this.answer(token, this.tokens.check(token));
  }

  /** Every execution, newest first (local tooling and tests). */
  executions(): ExecutionInfo[] {
    return [...this.records.values()].sort((a, b) => b.startDate - a.startDate).map((r) => this.info(r));
  }

  /** What AWS would bill (state transitions: states entered plus retries) and the Task Lambdas' invocations, since the runner started. */
  metrics(): StepFunctionsMetrics & { invocations: Record<string, InvocationStats> } {
    const entered = Object.fromEntries(this.totals.entered);
    const states = [...this.totals.entered.values()].reduce((a, b) => a + b, 0);
    return { transitions: states + this.totals.retries, entered, retries: this.totals.retries, invocations: this.totals.invocations.snapshot() };
  }

  /** Stops every execution where it is (they stay RUNNING in the file, to resume at the next start). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const lives = [...this.live.values()];
      for (const live of lives) {
        live.stopped = true;
        live.abort();
        this.tokens.cancelOwner(live.record.executionArn);
      }
      const pending = lives.flatMap((live) => [live.done, ...live.inFlight]);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
      await Promise.race([Promise.allSettled(pending), grace]);
      clearTimeout(timer);
      this.live.clear();
    })();
    return this.stopping;
  }

  // ---- Running -----------------------------------------------------------------------------

  private launch(record: ExecutionRecord): void {
    const def = this.definition;
    const live: Live = { record, stopped: false, abort: () => {}, done: Promise.resolve(), inFlight: new Set(), stats: { retries: new Map(), events: 0 } };
    this.live.set(record.name, live);
    this.stats.set(record.name, live.stats);
    const overrides: NonNullable<RunOptions['overrides']> = {
      taskResourceLocalHandlers: Object.fromEntries(
        Object.values(def.tasks).map((task) => [task.state, (input: unknown) => this.runTask(live, task, input) as Promise<JsonInput>]),
      ),
      waitTimeOverrides: Object.fromEntries(def.waits.map((name) => [name, this.waitPollMs])),
      retryIntervalOverrides: Object.fromEntries(def.retrying.map((name) => [name, this.retryIntervalMs])),
    };
    const context = {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        RoleArn: `arn:aws:iam::${this.options.accountId}:role/local-state-machine`,
        StartTime: new Date(record.startDate).toISOString(),
      },
      StateMachine: { Id: def.stateMachineArn, Name: def.stateMachineName },
      Task: { Token: TASK_TOKEN_PLACEHOLDER },
    };
    const execution = this.machine.run(JSON.parse(record.input) as JsonInput, { overrides, noThrowOnAbort: true, context });
    live.abort = execution.abort;
    void this.drain(live, execution.eventLogs);
    live.done = execution.result.then(
      (output) => this.finish(live, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
      (error: unknown) => this.finish(live, failureOf(error)),
    );
  }

  /** Consumes the emulator's event log as it is written (it would otherwise keep every event), keeping counters only. */
  private async drain(live: Live, events: AsyncIterable<{ type: string; state?: { name: string } }>): Promise<void> {
    const stats = live.stats;
    try {
      for await (const event of events) {
        stats.events++;
        const state = event.state?.name;
        if (event.type === 'StateEntered') {
          stats.currentState = state;
          if (state) this.totals.entered.set(state, (this.totals.entered.get(state) ?? 0) + 1);
        } else if (event.type === 'StateRetried' && state) {
          this.totals.retries++;
          stats.retries.set(state, (stats.retries.get(state) ?? 0) + 1);
          this.log('warn', 'local workflow: retrying a step', { execution: live.record.name, state, retries: stats.retries.get(state) });
        }
      }
    } catch (error) {
      this.log('error', 'local workflow: event log failed', { execution: live.record.name, error: String(error) });
    }
  }

  private finish(live: Live, outcome: { status: ExecutionStatus; output?: string; error?: string; cause?: string }): void {
    if (live.stopped) return;
    const record = live.record;
    Object.assign(record, outcome, { stopDate: this.options.clock.now() });
    this.tokens.cancelOwner(record.executionArn);
    this.live.delete(record.name);
    this.persist();
    const level = outcome.status === 'SUCCEEDED' ? 'info' : 'error';
    this.log(level, `local workflow: execution ${outcome.status}`, { executionArn: record.executionArn, ...(outcome.error !== undefined && { error: outcome.error, cause: outcome.cause }) });
  }

  private async runTask(live: Live, task: LocalTask, input: unknown): Promise<unknown> {
    if (live.stopped) throw new StatesRuntimeError('The local stack is stopping');
    const handler = await this.options.loadHandler(task.entry);
    const fn: LocalFunction = { functionId: task.functionId, timeoutSeconds: task.lambdaTimeoutSeconds, region: this.options.region, accountId: this.options.accountId };
    switch (task.integration) {
      case 'function':
        return this.invoke(live, handler, fn, input);
      case 'invoke': {
        const payload = await this.invoke(live, handler, fn, (input as { Payload?: unknown } | null)?.Payload ?? {});
        return lambdaInvokeResult(payload);
      }
      case 'waitForTaskToken':
        return this.waitForTaskToken(live, handler, fn, input);
    }
  }

  private invoke(live: Live, handler: TaskHandler, fn: LocalFunction, event: unknown): Promise<unknown> {
    if (live.stopped) return Promise.reject(new StatesRuntimeError('The local stack is stopping'));
    const started = performance.now();
    const call = invokeLocally(handler, fn, event);
    live.inFlight.add(call);
    const settled = () => {
      live.inFlight.delete(call);
      this.totals.invocations.record(fn.functionId, performance.now() - started);
    };
    call.then(settled, settled);
    return call;
  }

  /** `lambda:invoke.waitForTaskToken` (deviation 1 of definition.ts). */
  private async waitForTaskToken(live: Live, handler: TaskHandler, fn: LocalFunction, input: unknown): Promise<unknown> {
    const local = (input ?? {}) as Record<string, unknown>;
    const timeoutSeconds = local[LOCAL_TIMEOUT_SECONDS];
    if (typeof timeoutSeconds !== 'number' || !Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
      throw new StatesRuntimeError(`The task timeout must be a positive integer, got ${JSON.stringify(timeoutSeconds)}`);
    }
    const enteredAt = this.options.clock.now();
    const { token, outcome } = this.tokens.issue(live.record.executionArn);
    const parameters = withTaskToken(local[LOCAL_PARAMETERS], token) as { Payload?: unknown } | null;
    try {
      await this.invoke(live, handler, fn, parameters?.Payload ?? {});
    } catch (error) {
      this.tokens.expire(token);
      throw error;
    }
    const result = await this.untilSettled(token, outcome, enteredAt + timeoutSeconds * 1000);
    switch (result.kind) {
      case 'success':
        return result.output;
      case 'failure':
        throw new TaskFailureError(result.error, result.cause);
      case 'timeout':
        throw this.timeoutError();
      case 'cancelled':
        throw new StatesRuntimeError('The execution ended while the task waited for its token');
    }
  }

  /** The token's outcome, or 'timeout' once the virtual clock reaches `deadline` (checked at every clock move, too). */
  private untilSettled(token: string, outcome: Promise<TokenOutcome>, deadline: number): Promise<TokenOutcome | { kind: 'timeout' }> {
    const clock = this.options.clock;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      let unsubscribe = () => {};
      const done = (value: TokenOutcome | { kind: 'timeout' }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      };
      const check = () => {
        if (settled) return;
        const left = deadline - clock.now();
        if (left <= 0) {
          // false: answered just now; the outcome is on its way.
          if (this.tokens.expire(token)) done({ kind: 'timeout' });
          return;
        }
        clearTimeout(timer);
        timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
      };
      unsubscribe = clock.onChange(check);
      void outcome.then(done);
      check();
    });
  }

  // ---- Helpers -------------------------------------------------------------------------------

  private answer(token: string, result: 'ok' | 'invalid' | 'stale'): void {
    if (result === 'invalid') throw new SfnError('InvalidToken', `Invalid Token: '${token.slice(0, 80)}'`);
    if (result === 'stale') throw new SfnError('TaskTimedOut', 'Task Timed Out: the task no longer waits for this token');
  }

  private info(record: ExecutionRecord): ExecutionInfo {
    const stats = this.stats.get(record.name);
    return {
      ...record,
      ...(stats?.currentState !== undefined && { currentState: stats.currentState }),
      waitingForTokens: this.tokens.count(record.executionArn),
      retries: Object.fromEntries(stats?.retries ?? []),
      events: stats?.events ?? 0,
    };
  }

  private persist(): void {
    try {
      this.file.save(this.records.values());
    } catch (error) {
      this.log('error', 'local workflow: executions not saved', { file: this.file.path, error: String((error as Error)?.message ?? error) });
    }
  }

  private assertRunning(): void {
    if (this.stopping) throw new SfnError('ServiceUnavailable', 'The local stack is stopping', 503);
  }
}

let emulatorLoading: Promise<Emulator> | undefined;

/** aws-local-stepfunctions, after the polyfill it needs (loaded while the local stack reads the template). */
export function loadEmulator(): Promise<Emulator> {
  emulatorLoading ??= (async () => {
    await import('./polyfill');
    return (await import('aws-local-stepfunctions')) as Emulator;
  })();
  return emulatorLoading;
}

function requiredToken(token: unknown): string {
  if (typeof token !== 'string' || token === '') throw new SfnError('ValidationException', 'taskToken is required');
  return token;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** What `arn:aws:states:::lambda:invoke` returns in AWS: the payload inside the Invoke response. */
function lambdaInvokeResult(payload: unknown): unknown {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpHeaders: { 'X-Amz-Executed-Version': '$LATEST' }, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/** FAILED (or TIMED_OUT) with AWS's error and cause from the emulator's ExecutionError. */
function failureOf(error: unknown): { status: ExecutionStatus; error: string; cause: string } {
  const e = error as { name?: string; message?: string; cause?: { name?: string; message?: string } } | undefined;
  if (e?.name === 'ExecutionTimeoutError') return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' };
  const inner = e?.cause ?? e;
  return { status: 'FAILED', error: String(inner?.name ?? 'Error'), cause: String(inner?.message ?? error) };
}

/**
 * A factory for the emulator's own States.Timeout error. Its Retry matching treats
 * States.TaskFailed as matching every task error except an instance of that (unexported)
 * class, as AWS does; so the token wait's timeout must be one. Found by timing out a
 * one-state probe machine (1 ms) once; if a future emulator hides it, a States.Timeout that
 * no retrier matches (AWS matches it only by name or States.ALL) stands in.
 */
async function emulatorTimeoutError(emulator: Emulator): Promise<() => Error> {
  const probe = new emulator.StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:eu-north-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const { result } = probe.run(null, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise((resolve) => setTimeout(() => resolve(null), 50)) } },
  });
  try {
    await result;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.name === 'States.Timeout') {
      const Ctor = cause.constructor as new () => Error;
      return () => new Ctor();
    }
  }
  return () => Object.assign(new Error('States.Timeout'), { name: 'States.Timeout', isRetryable: false });
}
