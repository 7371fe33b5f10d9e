/**
 * What the local stack did, counted where it happens, for cost benchmarks (scripts/bench-cycle.ts):
 * Lambda invocations (API handlers in local/stack.ts, workflow tasks in step-functions/runner.ts,
 * stream consumers in dynamodb/streams/runner.ts),
 * Step Functions state transitions (runner.ts), DynamoDB requests and capacity units (the
 * dynalite worker: dynamodb/capacity.ts) and e-mails (the SES store). Counters only: always on, cheap.
 * `LocalStack.metrics()` gives the totals since the stack started; `diffMetrics` the part of a run.
 */

/** Invocations of one Lambda function and their time as the caller saw it (real ms, including the hop to a worker container). */
export interface InvocationStats {
  count: number;
  /** Sum of the handlers' durations. */
  ms: number;
  /** Sum of the durations each rounded up to a whole ms, as Lambda bills them. */
  billedMs: number;
}

export interface FunctionMetrics extends InvocationStats {
  /** MemorySize of the function in the template (Lambda's default 128 when absent). */
  memoryMb: number;
  /** Who invokes it: the API (a route), the state machine (a Task state) or the table's stream (an event source mapping). */
  trigger: 'api' | 'workflow' | 'stream';
}

export interface StepFunctionsMetrics {
  /** What AWS bills for a Standard machine: states entered (Map iterations' included) plus retries. */
  transitions: number;
  /** States entered, by state name (Map iterations' states included). */
  entered: Record<string, number>;
  retries: number;
}

export interface DynamoMetrics {
  /** Requests that reached dynalite, by operation (X-Amz-Target). */
  requests: Record<string, number>;
  /** Of those, answered with an error status, by operation. */
  errors: Record<string, number>;
  /** Read request units: per read, ceil(bytes / 4 KB), halved for eventually consistent reads (dynalite's own rule). */
  readUnits: number;
  /** Write request units on the table: per item written, ceil(max(old, new) bytes / 1 KB). */
  writeUnits: number;
  /** Write request units on secondary indexes: per index entry put or deleted, ceil(bytes / 1 KB). */
  indexWriteUnits: number;
  /** Writes refused by their condition; AWS bills each ceil(existing item bytes / 1 KB), at least 1 (in writeUnits). */
  conditionalCheckFailures: number;
}

export interface LocalStackMetrics {
  /** API requests answered by a route's handler (what API Gateway passes to a Lambda). */
  apiRequests: number;
  /** By function logical id. */
  lambda: Record<string, FunctionMetrics>;
  /** Undefined when the template has no state machine. */
  stepFunctions: StepFunctionsMetrics | undefined;
  dynamo: DynamoMetrics;
  /** E-mails in aws-ses-v2-local's store; recipients = To + Cc + Bcc (what SES bills). */
  ses: { messages: number; recipients: number };
}

/** Invocation counters by function id (bounded: one entry per function). */
export class InvocationCounter {
  private readonly byFunction = new Map<string, InvocationStats>();

  record(functionId: string, ms: number): void {
    let stats = this.byFunction.get(functionId);
    if (!stats) this.byFunction.set(functionId, (stats = { count: 0, ms: 0, billedMs: 0 }));
    stats.count++;
    stats.ms += ms;
    stats.billedMs += Math.max(1, Math.ceil(ms));
  }

  snapshot(): Record<string, InvocationStats> {
    return Object.fromEntries([...this.byFunction].map(([id, stats]) => [id, { ...stats }]));
  }
}

export function emptyDynamoMetrics(): DynamoMetrics {
  return { requests: {}, errors: {}, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, conditionalCheckFailures: 0 };
}

/** `after − before`, field by field (what happened between two snapshots of one stack). */
export function diffMetrics(after: LocalStackMetrics, before: LocalStackMetrics): LocalStackMetrics {
  const lambda: Record<string, FunctionMetrics> = {};
  for (const [id, a] of Object.entries(after.lambda)) {
    const b = before.lambda[id];
    const d = { ...a, count: a.count - (b?.count ?? 0), ms: a.ms - (b?.ms ?? 0), billedMs: a.billedMs - (b?.billedMs ?? 0) };
    if (d.count > 0) lambda[id] = d;
  }
  const sfnA = after.stepFunctions;
  const sfnB = before.stepFunctions;
  return {
    apiRequests: after.apiRequests - before.apiRequests,
    lambda,
    stepFunctions: sfnA && {
      transitions: sfnA.transitions - (sfnB?.transitions ?? 0),
      entered: subtractCounts(sfnA.entered, sfnB?.entered ?? {}),
      retries: sfnA.retries - (sfnB?.retries ?? 0),
    },
    dynamo: {
      requests: subtractCounts(after.dynamo.requests, before.dynamo.requests),
      errors: subtractCounts(after.dynamo.errors, before.dynamo.errors),
      readUnits: after.dynamo.readUnits - before.dynamo.readUnits,
      writeUnits: after.dynamo.writeUnits - before.dynamo.writeUnits,
      indexWriteUnits: after.dynamo.indexWriteUnits - before.dynamo.indexWriteUnits,
      conditionalCheckFailures: after.dynamo.conditionalCheckFailures - before.dynamo.conditionalCheckFailures,
    },
    ses: { messages: after.ses.messages - before.ses.messages, recipients: after.ses.recipients - before.ses.recipients },
  };
}

function subtractCounts(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

export const sumCounts = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
