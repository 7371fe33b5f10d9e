/**
 * Calls a task handler in-process the way Lambda would for Step Functions: the event is the
 * JSON the state sends (a deep copy), the result is what JSON makes of the return value
 * (undefined → null), a thrown error becomes a task error named after its type with Lambda's
 * Cause (`{"errorType","errorMessage","trace"}`), and the function's Timeout from the template
 * applies (Sandbox.Timedout). Unlike Lambda, a timed-out handler cannot be killed: it runs on
 * in the background, and its result is ignored.
 */
import { randomUUID } from 'node:crypto';
import type { LambdaContextLike } from '../lambda/context';

export type TaskHandler = (event: unknown, context: LambdaContextLike) => unknown;

/** A task error as Step Functions sees a failed Lambda invocation: Error = errorType, Cause = Lambda's JSON. */
class LambdaTaskError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    trace: string[] = [],
  ) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

export interface LocalFunction {
  /** Logical id of the function (its local name). */
  functionId: string;
  timeoutSeconds: number;
  region: string;
  accountId: string;
}

export async function invokeLocally(handler: TaskHandler, fn: LocalFunction, event: unknown): Promise<unknown> {
  const payload = JSON.parse(JSON.stringify(event ?? null)) as unknown;
  const timeoutMs = fn.timeoutSeconds * 1000;
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  const context: LambdaContextLike = {
    functionName: fn.functionId,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.functionId}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.functionId}`,
    logStreamName: `local/${requestId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LambdaTaskError('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => handler(payload, context)), timedOut]);
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
  } catch (error) {
    if (error instanceof LambdaTaskError) throw error;
    const e = error as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
    const errorType = typeof e?.name === 'string' && e.name !== '' ? e.name : 'Error';
    const errorMessage = typeof e?.message === 'string' ? e.message : String(error);
    const trace = typeof e?.stack === 'string' ? e.stack.split('\n') : [];
    throw new LambdaTaskError(errorType, errorMessage, trace);
  } finally {
    clearTimeout(timer);
  }
}
