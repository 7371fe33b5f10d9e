/**
 * A stand-in stream consumer for tests of the local DynamoDB stream (local/streams): the
 * test points the template's event source mapping at this entry
 * (`test/support/stream-recorder.ts`).
 *
 * The local stack runs a stream-mapped function in a worker thread of its own
 * (local/emulators/lambda/function-worker.ts), so this module has two sides that talk over a BroadcastChannel
 * (which reaches every thread of the process):
 *  - the handler (in the function's worker) reports each invocation (its records, the thread
 *    it runs on) and asks the test what to do; it answers as told (a batch response, or an
 *    error it throws), then reports how it ended (threw, AWS_ENDPOINT_URL_DYNAMODB at the end)
 *    and waits for the test to have taken note before it returns, so that whatever the
 *    runner sees after the invocation the recorder has already seen;
 *  - the test's side (streamRecorder(), on the test's thread) records the invocations in a
 *    process-wide object and runs `behaviour` (answer partial failures, throw, wait, or
 *    CRASH the worker).
 * The test's side listens from its first streamRecorder()/resetStreamRecorder() call on:
 * call one before the stack delivers anything.
 */
import { randomUUID } from 'node:crypto';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export const STREAM_RECORDER_ENTRY = 'test/support/stream-recorder.ts';

/** A `behaviour` answer that makes the handler crash its worker (an uncaught exception there). */
export const CRASH = 'crash the worker' as const;

interface RecordedInvocation {
  records: DynamoDBRecord[];
  /** The thread the handler ran on, and whether it was the process's main thread. */
  threadId: number;
  isMainThread: boolean;
  /** AWS_ENDPOINT_URL_DYNAMODB when the invocation ended (the stack's environment still in place?). */
  endpointAtEnd: string | undefined;
  /** Set once the handler returned or threw. */
  finished: boolean;
  threw: boolean;
}

// biome-ignore lint/suspicious/noConfusingVoidType: a stream handler may resolve to nothing (no failures to report)
type Answer = DynamoDBBatchResponse | void | typeof CRASH;

export interface StreamRecorder {
  invocations: RecordedInvocation[];
  /** What the handler does with an event (after recording it): return a response, throw, wait, or CRASH. Runs on the test's thread. */
  behaviour: ((event: DynamoDBStreamEvent) => Promise<Answer> | Answer) | undefined;
}

const CHANNEL = 'omfordelning.test.stream-recorder';

type Message =
  | { type: 'start'; id: string; records: DynamoDBRecord[]; threadId: number; isMainThread: boolean }
  | { type: 'answer'; id: string; result?: DynamoDBBatchResponse | null; crash?: boolean; error?: { name: string; message: string } }
  | { type: 'end'; id: string; threw: boolean; endpointAtEnd: string | undefined }
  | { type: 'noted'; id: string };

// ---- The test's side ----------------------------------------------------------------------

const KEY = Symbol.for('omfordelning.test.stream-recorder');

interface TestSide {
  recorder: StreamRecorder;
  channel: BroadcastChannel;
  byId: Map<string, RecordedInvocation>;
}

function testSide(): TestSide {
  const g = globalThis as unknown as Record<symbol, TestSide | undefined>;
  let side = g[KEY];
  if (side) return side;
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  side = g[KEY] = { recorder: { invocations: [], behaviour: undefined }, channel, byId: new Map() };
  const { recorder, byId } = side;
  channel.onmessage = (message) => {
    const data = (message as { data: Message }).data;
    if (data.type === 'start') {
      const invocation: RecordedInvocation = { records: data.records, threadId: data.threadId, isMainThread: data.isMainThread, endpointAtEnd: undefined, finished: false, threw: false };
      recorder.invocations.push(invocation);
      byId.set(data.id, invocation);
      const behaviour = recorder.behaviour;
      void Promise.resolve()
        .then(() => behaviour?.({ Records: data.records }))
        .then(
          (result) => channel.postMessage(result === CRASH ? { type: 'answer', id: data.id, crash: true } : { type: 'answer', id: data.id, result: result ?? null }),
          (error: unknown) => channel.postMessage({ type: 'answer', id: data.id, error: { name: String((error as Error)?.name ?? 'Error'), message: String((error as Error)?.message ?? error) } }),
        );
    } else if (data.type === 'end') {
      const invocation = byId.get(data.id);
      byId.delete(data.id);
      if (invocation) Object.assign(invocation, { finished: true, threw: data.threw, endpointAtEnd: data.endpointAtEnd });
      channel.postMessage({ type: 'noted', id: data.id });
    }
  };
  return side;
}

export function streamRecorder(): StreamRecorder {
  return testSide().recorder;
}

export function resetStreamRecorder(): StreamRecorder {
  const recorder = streamRecorder();
  recorder.invocations = [];
  recorder.behaviour = undefined;
  return recorder;
}

// ---- The handler's side (in the function's worker) ----------------------------------------

/** How long the handler waits for the test's answers before it fails (no test listening). */
const ANSWER_TIMEOUT_MS = 30_000;

let handlerChannel: BroadcastChannel | undefined;
const waiting = new Map<string, (message: Message) => void>();

function ask(message: Message, answerType: 'answer' | 'noted'): Promise<Message> {
  if (!handlerChannel) {
    handlerChannel = new BroadcastChannel(CHANNEL);
    handlerChannel.unref();
    handlerChannel.onmessage = (event) => {
      const data = (event as { data: Message }).data;
      if (data.type === 'answer' || data.type === 'noted') waiting.get(`${data.type}:${data.id}`)?.(data);
    };
  }
  const key = `${answerType}:${message.id}`;
  return new Promise<Message>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(key);
      reject(new Error(`stream recorder: no ${answerType} from the test within ${ANSWER_TIMEOUT_MS} ms (does the test call streamRecorder()?)`));
    }, ANSWER_TIMEOUT_MS);
    waiting.set(key, (data) => {
      clearTimeout(timer);
      waiting.delete(key);
      resolve(data);
    });
    handlerChannel!.postMessage(message);
  });
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const id = randomUUID();
  let threw = false;
  try {
    const answer = (await ask({ type: 'start', id, records: event.Records, threadId, isMainThread }, 'answer')) as Extract<Message, { type: 'answer' }>;
    if (answer.crash) {
      // An uncaught exception ends the worker: the invocation never answers.
      setImmediate(() => {
        throw new Error('stream recorder: crashing the worker as the test asked');
      });
      return await new Promise<never>(() => {});
    }
    if (answer.error) throw Object.assign(new Error(answer.error.message), { name: answer.error.name });
    return answer.result ?? { batchItemFailures: [] };
  } catch (error) {
    threw = true;
    throw error;
  } finally {
    await ask({ type: 'end', id, threw, endpointAtEnd: process.env.AWS_ENDPOINT_URL_DYNAMODB }, 'noted');
  }
};
