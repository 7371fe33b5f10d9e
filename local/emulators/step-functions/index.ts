/**
 * The yearly state machine on the local stack: the definition synthesized by the CDK app,
 * resolved to plain ASL and run by aws-local-stepfunctions (runner.ts), with every Lambda task
 * mapped to its handler in this process, behind a thin Step Functions endpoint (endpoint.ts)
 * that the handlers reach with @aws-sdk/client-sfn unchanged (AWS_ENDPOINT_URL_SFN).
 * Where the local run deviates from AWS: definition.ts (the ASL copy) and runner.ts (the run).
 */
import { join } from 'node:path';
import type { Clock } from '../clock';
import { localDefinition, type LocalDefinition } from './definition';
import { startStepFunctionsEndpoint } from './endpoint';
import type { TaskHandler } from './lambda';
import type { InvocationStats, StepFunctionsMetrics } from '../metrics';
import { WorkflowRunner, type ExecutionInfo, type LogLevel } from './runner';

export type { LocalDefinition } from './definition';
export { hasStateMachine } from '../cloudformation/state-machine';
export { loadEmulator } from './runner';
export type { ExecutionInfo } from './runner';

export interface LocalWorkflowOptions {
  template: Record<string, any>;
  dataDir: string;
  clock: Pick<Clock, 'now' | 'onChange'>;
  loadHandler(entry: string): Promise<TaskHandler>;
  region: string;
  accountId: string;
  /** The state machine's ARN (default: what `Ref` to it gives locally). */
  stateMachineArn?: string;
  /** Endpoint port on 127.0.0.1 (0 or undefined: a free one; a taken preferred port falls back to a free one). */
  port?: number;
  waitPollMs?: number;
  retryIntervalMs?: number;
  log?: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;
}

export interface LocalWorkflow {
  /** For AWS_ENDPOINT_URL_SFN. */
  endpoint: string;
  port: number;
  stateMachineArn: string;
  definition: LocalDefinition;
  /** Starts the RUNNING executions of the data directory again; their names. */
  resume(): string[];
  /** Every execution, newest first, with local details (current state, retries, waiting tokens). */
  executions(): ExecutionInfo[];
  /** State transitions and Task Lambda invocations since the start (runner.ts). */
  metrics(): StepFunctionsMetrics & { invocations: Record<string, InvocationStats> };
  stop(): Promise<void>;
}

/** Where the executions are kept, under the data directory. */
export const EXECUTIONS_FILE = join('stepfunctions', 'executions.json');

export async function startLocalWorkflow(options: LocalWorkflowOptions): Promise<LocalWorkflow> {
  const definition = localDefinition(options.template, {
    region: options.region,
    accountId: options.accountId,
    ...(options.stateMachineArn && { stateMachineArn: options.stateMachineArn }),
  });
  const runner = await WorkflowRunner.create({
    definition,
    file: join(options.dataDir, EXECUTIONS_FILE),
    clock: options.clock,
    loadHandler: options.loadHandler,
    region: options.region,
    accountId: options.accountId,
    ...(options.waitPollMs !== undefined && { waitPollMs: options.waitPollMs }),
    ...(options.retryIntervalMs !== undefined && { retryIntervalMs: options.retryIntervalMs }),
    ...(options.log && { log: options.log }),
  });
  let server;
  try {
    server = await startStepFunctionsEndpoint(runner, options.port ?? 0);
  } catch (error) {
    if (!options.port) throw error;
    server = await startStepFunctionsEndpoint(runner, 0);
  }
  const endpoint = server;
  return {
    endpoint: endpoint.endpoint,
    port: endpoint.port,
    stateMachineArn: definition.stateMachineArn,
    definition,
    resume: () => runner.resume(),
    executions: () => runner.executions(),
    metrics: () => runner.metrics(),
    // Executions first: a handler still running may answer a task token through the endpoint.
    stop: async () => {
      await runner.stop();
      await endpoint.stop();
    },
  };
}
