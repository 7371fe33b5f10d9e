/**
 * The synthesized template's state machine, prepared for aws-local-stepfunctions: the plain
 * ASL the cloud runs (cloudformation/state-machine.ts), which handler source each Task state invokes, and a copy
 * of the ASL with the few local changes the emulator needs. Pure: no I/O.
 *
 * Deviations of aws-local-stepfunctions 3.0 from AWS, and what the local copy does about them
 * (the ASL the cloud runs is never changed; `asl` below is it, untouched):
 *  1. `.waitForTaskToken` is not supported, `$$.Task.Token` does not exist, and
 *     TimeoutSecondsPath is read from the Parameters' OUTPUT (AWS reads the state input).
 *     Such a state's Parameters become `{ [LOCAL_PARAMETERS]: <the original Parameters>,
 *     "timeoutSeconds.$": <its TimeoutSecondsPath> }` (or the literal TimeoutSeconds), so the
 *     runner gets both, evaluated against the state input as AWS does; the runner issues the
 *     token (in place of TASK_TOKEN_PLACEHOLDER), invokes the function and waits for
 *     SendTaskSuccess/Failure or the timeout on the VIRTUAL clock (runner.ts).
 *  2. A Task without TimeoutSeconds times out after 60 s in the emulator; in AWS it has no
 *     state timeout (the Lambda's own Timeout applies). Such states get the longest timer Node
 *     allows (EMULATOR_TIMEOUT_SECONDS, ~24.8 days) and the runner enforces the function's
 *     Timeout from the template instead, failing like Lambda (Sandbox.Timedout).
 * Anything else the emulator would run differently is refused here, loudly (JSONata,
 * heartbeats, TimeoutSecondsPath on a plain task, non-Lambda resources, distributed Maps).
 */
import { allStates, resolvedDefinition, stateMachineLogicalId, taskEntries } from '../cloudformation/state-machine';

/** Key of the original Parameters inside a token task's local Parameters (deviation 1). */
export const LOCAL_PARAMETERS = 'localParameters';
/** Key of the evaluated timeout inside a token task's local Parameters (deviation 1). */
export const LOCAL_TIMEOUT_SECONDS = 'localTimeoutSeconds';
/** What `$$.Task.Token` evaluates to in the emulator; the runner puts a real token in its place. */
export const TASK_TOKEN_PLACEHOLDER = 'local-task-token-placeholder';
/** The longest setTimeout Node accepts, in whole seconds (2^31 − 1 ms): deviation 2. */
export const EMULATOR_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** AWS's TimeoutSeconds when a state names none (ASL: 99999999). */
const AWS_DEFAULT_TIMEOUT_SECONDS = 99_999_999;
/** Lambda's default Timeout when the function resource names none. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

type Integration = 'function' | 'invoke' | 'waitForTaskToken';

export interface LocalTask {
  state: string;
  /** Project-relative handler source, e.g. functions/cycle-check/index.ts. */
  entry: string;
  /** Logical id of the AWS::Lambda::Function. */
  functionId: string;
  /** The function's Timeout (seconds) from the template. */
  lambdaTimeoutSeconds: number;
  /** Plain function ARN (the Parameters are the payload), lambda:invoke, or lambda:invoke.waitForTaskToken. */
  integration: Integration;
}

export interface LocalDefinition {
  logicalId: string;
  stateMachineArn: string;
  stateMachineName: string;
  /** The definition as the cloud runs it (resolved, plain ASL). */
  asl: Record<string, any>;
  /** The copy aws-local-stepfunctions runs (see the module comment). */
  local: Record<string, any>;
  /** Every Task state, by state name (Map iterations included). */
  tasks: Record<string, LocalTask>;
  /** Names of the Wait states. */
  waits: string[];
  /** Names of the states with a Retry field. */
  retrying: string[];
}

export interface LocalDefinitionOptions {
  region: string;
  accountId: string;
  /** Default `arn:aws:states:<region>:<account>:stateMachine:<logical id>` (what `Ref` gives locally). */
  stateMachineArn?: string;
}

export class UnsupportedDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedDefinitionError';
  }
}

/** The template's one state machine (throws if it has none, or more than one). */
export function localDefinition(template: Record<string, any>, options: LocalDefinitionOptions): LocalDefinition {
  const { region, accountId } = options;
  const logicalId = stateMachineLogicalId(template);
  const stateMachineArn = options.stateMachineArn ?? `arn:aws:states:${region}:${accountId}:stateMachine:${logicalId}`;
  const functionArn = (id: string) => `arn:aws:lambda:${region}:${accountId}:function:${id}`;
  const asl = resolvedDefinition(template, functionArn, { pseudo: { 'AWS::Region': region, 'AWS::AccountId': accountId } });
  const entries = taskEntries(template);
  const resources: Record<string, any> = template.Resources ?? {};

  const tasks: Record<string, LocalTask> = {};
  const waits: string[] = [];
  const retrying: string[] = [];
  const problems: string[] = [];
  for (const [name, state] of allStates(asl)) {
    if (state.Retry !== undefined) retrying.push(name);
    if (state.Type === 'Wait') waits.push(name);
    if (state.Type !== 'Task') continue;
    const integration = integrationOf(String(state.Resource ?? ''));
    if (!integration) {
      problems.push(`'${name}': resource ${state.Resource} is not a Lambda function (only Lambda tasks run locally)`);
      continue;
    }
    const arn = integration === 'function' ? String(state.Resource) : String(state.Parameters?.FunctionName ?? '');
    const functionId = /:function:([^:]+)/.exec(arn)?.[1];
    const entry = entries[name];
    if (!functionId || !entry || resources[functionId]?.Type !== 'AWS::Lambda::Function') {
      problems.push(`'${name}': no function of this template behind ${arn}`);
      continue;
    }
    const timeout = Number(resources[functionId].Properties?.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS);
    tasks[name] = { state: name, entry, functionId, lambdaTimeoutSeconds: timeout, integration };
  }
  const local = emulatorCopy(asl, tasks, problems);
  if (problems.length > 0) throw new UnsupportedDefinitionError(`The state machine cannot run locally:\n  - ${problems.join('\n  - ')}`);
  return { logicalId, stateMachineArn, stateMachineName: logicalId, asl, local, tasks, waits, retrying };
}

function integrationOf(resource: string): Integration | undefined {
  if (/^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(resource)) return 'function';
  if (/^arn:aws[\w-]*:states:::lambda:invoke$/.test(resource)) return 'invoke';
  if (/^arn:aws[\w-]*:states:::lambda:invoke\.waitForTaskToken$/.test(resource)) return 'waitForTaskToken';
  return undefined;
}

/** The ASL copy for the emulator: deviations 1 and 2 of the module comment, nothing else. */
function emulatorCopy(asl: Record<string, any>, tasks: Record<string, LocalTask>, problems: string[]): Record<string, any> {
  const copy: Record<string, any> = structuredClone(asl);
  if (copy.QueryLanguage === 'JSONata') problems.push('the machine uses JSONata, which aws-local-stepfunctions does not run');
  for (const [name, state] of allStates(copy)) {
    if (state.QueryLanguage === 'JSONata') problems.push(`'${name}': JSONata is not supported locally`);
    if (state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') problems.push(`'${name}': distributed Map is not supported locally`);
    if (state.Type !== 'Task' || !tasks[name]) continue;
    if (state.HeartbeatSeconds !== undefined || state.HeartbeatSecondsPath !== undefined) problems.push(`'${name}': heartbeats are not emulated locally`);
    if (tasks[name].integration === 'waitForTaskToken') {
      if (state.Parameters === undefined) {
        problems.push(`'${name}': a lambda:invoke task needs Parameters (FunctionName, Payload)`);
        continue;
      }
      const timeout =
        state.TimeoutSecondsPath !== undefined
          ? { [`${LOCAL_TIMEOUT_SECONDS}.$`]: state.TimeoutSecondsPath }
          : { [LOCAL_TIMEOUT_SECONDS]: state.TimeoutSeconds ?? AWS_DEFAULT_TIMEOUT_SECONDS };
      state.Parameters = { [LOCAL_PARAMETERS]: state.Parameters, ...timeout };
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = EMULATOR_TIMEOUT_SECONDS;
    } else if (state.TimeoutSecondsPath !== undefined) {
      problems.push(`'${name}': TimeoutSecondsPath on a task without a task token is not emulated locally`);
    } else if (state.TimeoutSeconds === undefined) {
      state.TimeoutSeconds = EMULATOR_TIMEOUT_SECONDS;
    }
  }
  return copy;
}

/** `value` with every TASK_TOKEN_PLACEHOLDER string replaced by `token` (a new value). */
export function withTaskToken(value: unknown, token: string): unknown {
  if (value === TASK_TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => withTaskToken(v, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withTaskToken(v, token)]));
  }
  return value;
}
