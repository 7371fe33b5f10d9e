/**
 * A stand-in stream consumer for tests of the local DynamoDB stream (local/streams): the
 * test points the template's event source mapping at this entry
 * (`test/support/stream-recorder.ts`). It records every invocation in a process-wide
 * object (globalThis, so it is the same whichever way the module was imported) and
 * behaves as the test says: answer partial failures, throw, or wait.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export const STREAM_RECORDER_ENTRY = 'test/support/stream-recorder.ts';

export interface RecordedInvocation {
  records: DynamoDBRecord[];
  /** AWS_ENDPOINT_URL_DYNAMODB when the invocation ended (the stack's environment still in place?). */
  endpointAtEnd: string | undefined;
  /** Set once the handler returned or threw. */
  finished: boolean;
  threw: boolean;
}

export interface StreamRecorder {
  invocations: RecordedInvocation[];
  /** What the handler does with an event (after recording it): return a response, throw, or wait. */
  behaviour: ((event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void> | DynamoDBBatchResponse | void) | undefined;
}

const KEY = Symbol.for('omfordelning.test.stream-recorder');

export function streamRecorder(): StreamRecorder {
  const g = globalThis as unknown as Record<symbol, StreamRecorder | undefined>;
  return (g[KEY] ??= { invocations: [], behaviour: undefined });
}

export function resetStreamRecorder(): StreamRecorder {
  const recorder = streamRecorder();
  recorder.invocations = [];
  recorder.behaviour = undefined;
  return recorder;
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const recorder = streamRecorder();
  const invocation: RecordedInvocation = { records: event.Records, endpointAtEnd: undefined, finished: false, threw: false };
  recorder.invocations.push(invocation);
  try {
    return (await recorder.behaviour?.(event)) ?? { batchItemFailures: [] };
  } catch (error) {
    invocation.threw = true;
    throw error;
  } finally {
    invocation.endpointAtEnd = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    invocation.finished = true;
  }
};
