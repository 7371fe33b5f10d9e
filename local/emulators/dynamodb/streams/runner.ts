/**
 * Delivers stream records to one event source mapping's function, as Lambda's poller does
 * for one shard: records that pass the mapping's filter are queued in stream order and
 * handed over one batch at a time (at most BatchSize records; whatever arrived while a
 * batch ran forms the next one), without a batching window.
 *
 * Failures as in AWS: a thrown error (or a timeout, or a malformed partial-failure answer)
 * fails the whole batch; with BisectBatchOnFunctionError a failed batch is split in two and
 * the halves are retried one after the other (a split does not count as a retry). With
 * ReportBatchItemFailures the records before the lowest failed SequenceNumber are done, and
 * the batch is retried from that record on. Each retry waits `retryIntervalMs`. After
 * MaximumRetryAttempts (or MaximumRecordAgeInSeconds) the records are given up with an
 * ERROR line naming the on-failure destination (where AWS would send their coordinates);
 * with bisect the batch is first split down to the records that keep failing, so that
 * good records after a bad one are still delivered. Records that do not pass the filter
 * are dropped silently.
 *
 * With a `position` (../stream-journal.ts), the runner keeps the last SequenceNumber it has
 * settled on disk and skips records at or before it: a restart that replays the journal
 * delivers what was not settled, again if it was in flight (at-least-once, as in AWS).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import { InvocationCounter, type InvocationStats } from '../../metrics';
import type { LambdaContextLike } from '../../lambda/context';
import type { StreamMapping } from '../../cloudformation/stream-mappings';
import type { StreamPosition } from '../stream-journal';

export type StreamHandler = (event: { Records: DynamoDBRecord[] }, context: LambdaContextLike) => unknown;

export type StreamLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface RunnerOptions {
  mapping: StreamMapping;
  loadHandler(entry: string): Promise<StreamHandler>;
  region: string;
  accountId: string;
  /** Real milliseconds before each retry of a failed batch. Default 200. */
  retryIntervalMs?: number;
  log: StreamLog;
  /** Where the mapping's position is kept across restarts (none: in memory only). */
  position?: StreamPosition;
}

export interface MappingMetrics {
  /** Records that reached the mapping (before its filter). */
  records: number;
  /** Records that did not pass the filter (dropped silently, as in AWS). */
  filteredOut: number;
  /** Records the function handled successfully. */
  delivered: number;
  /** Invocations of the function. */
  batches: number;
  /** Invocations that failed (threw, timed out, or reported item failures). */
  failedBatches: number;
  /** Re-invocations after a failure (splits included). */
  retries: number;
  /** Records given up on (retries or record age exhausted). */
  dropped: number;
  /** Records that passed the filter and are neither delivered nor dropped yet. */
  pending: number;
  /** Largest time from the write to the end of its successful delivery. */
  maxLagMs: number;
}

type Outcome = { kind: 'ok' } | { kind: 'partial'; index: number } | { kind: 'error'; message: string };

/** A record and the time (epoch ms) it was written. */
interface Queued {
  record: DynamoDBRecord;
  at: number;
}

export class MappingRunner {
  readonly mapping: StreamMapping;
  private readonly options: RunnerOptions;
  private readonly retryIntervalMs: number;
  private readonly invocations = new InvocationCounter();
  private readonly stats = { records: 0, filteredOut: 0, delivered: 0, batches: 0, failedBatches: 0, retries: 0, dropped: 0, maxLagMs: 0 };
  /** Waiting records; `head` is the first one not yet taken (no O(n) shift per batch). */
  private queue: Queued[] = [];
  private head = 0;
  private inFlight = 0;
  private busy = false;
  private started = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private wakeSleep: (() => void) | undefined;
  /** The SequenceNumber of the last record offered. */
  private lastOffered: string | undefined;

  constructor(options: RunnerOptions) {
    this.options = options;
    this.mapping = options.mapping;
    this.retryIntervalMs = options.retryIntervalMs ?? 200;
  }

  /** Records from the table's stream, in stream order; `times[i]` is when records[i] was written (epoch ms). */
  offer(records: DynamoDBRecord[], times: number[]): void {
    if (this.stopped) return;
    const filter = this.mapping.filter;
    const settled = this.options.position?.current;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (settled !== undefined && sequenceNumber !== undefined && sequenceNumber <= settled) continue; // replayed, settled before
      this.stats.records++;
      if (sequenceNumber !== undefined) this.lastOffered = sequenceNumber;
      if (filter && !filter(record)) {
        this.stats.filteredOut++;
        continue;
      }
      this.queue.push({ record, at: times[i] ?? Date.now() });
    }
    this.settledThrough(undefined);
    this.kick();
  }

  /** Starts delivering (records offered before wait until now). */
  start(): void {
    this.started = true;
    this.kick();
  }

  /** Records that passed the filter and are not yet delivered or dropped. */
  pending(): number {
    return this.queue.length - this.head + this.inFlight;
  }

  /** Resolves when nothing is pending (at once if nothing is). */
  whenIdle(): Promise<void> {
    if (this.pending() === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering: a running invocation finishes, nothing more is invoked. Returns how many records stay undelivered. */
  stop(): number {
    const left = this.pending();
    this.stopped = true;
    this.wakeSleep?.();
    this.notifyIdle();
    return left;
  }

  metrics(): MappingMetrics {
    return { ...this.stats, pending: this.pending() };
  }

  invocationStats(): Record<string, InvocationStats> {
    return this.invocations.snapshot();
  }

  private kick(): void {
    if (this.busy || !this.started || this.stopped || this.queue.length === this.head) return;
    this.busy = true;
    void this.run().finally(() => {
      this.busy = false;
      // Records offered between the last batch and the end of run() (cannot happen synchronously, but be safe).
      if (this.queue.length > this.head && !this.stopped) this.kick();
      else this.notifyIdle();
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.queue.length > this.head) {
      const end = Math.min(this.queue.length, this.head + this.mapping.batchSize);
      const batch = this.queue.slice(this.head, end);
      this.head = end;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      } else if (this.head > 4096) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.inFlight += batch.length;
      try {
        await this.process(batch, 0);
      } catch (error) {
        // Not expected (invocation errors are outcomes); never let the loop die silently.
        this.options.log('error', `local stream: ${this.mapping.functionId}: internal error: ${String((error as Error)?.stack ?? error)}`);
        // One batch is in flight at a time: whatever of it was not settled is lost.
        this.stats.dropped += this.inFlight;
        this.inFlight = 0;
      }
    }
  }

  /** Delivers `batch` (retrying, splitting, giving up); every record ends delivered or dropped. */
  private async process(batch: Queued[], attemptsSoFar: number): Promise<void> {
    let records = batch;
    let attempts = attemptsSoFar;
    const { maxRetries, maxRecordAgeSeconds, bisect } = this.mapping;
    for (;;) {
      if (this.stopped) return; // the records stay counted as pending: stop() reported them
      if (maxRecordAgeSeconds >= 0) {
        const oldest = Date.now() - maxRecordAgeSeconds * 1000;
        let expired = 0;
        while (expired < records.length && records[expired]!.at < oldest) expired++;
        if (expired > 0) {
          this.giveUp(records.slice(0, expired), `older than MaximumRecordAgeInSeconds (${maxRecordAgeSeconds})`);
          records = records.slice(expired);
          if (records.length === 0) return;
        }
      }
      const outcome = await this.invoke(records, attempts);
      if (outcome.kind === 'ok') {
        this.done(records);
        return;
      }
      this.stats.failedBatches++;
      if (outcome.kind === 'partial') {
        this.done(records.slice(0, outcome.index));
        records = records.slice(outcome.index);
        attempts++;
      } else if (!bisect || records.length === 1) attempts++;
      if (maxRetries >= 0 && attempts > maxRetries) {
        if (bisect && records.length > 1) {
          // Isolate the records that keep failing: each half gets one more try.
          await this.pause();
          const mid = Math.ceil(records.length / 2);
          await this.process(records.slice(0, mid), maxRetries);
          await this.process(records.slice(mid), maxRetries);
        } else this.giveUp(records, `MaximumRetryAttempts (${maxRetries}) exhausted${outcome.kind === 'error' ? `: ${outcome.message}` : ''}`);
        return;
      }
      await this.pause();
      if (outcome.kind === 'error' && bisect && records.length > 1) {
        const mid = Math.ceil(records.length / 2);
        await this.process(records.slice(0, mid), attempts);
        await this.process(records.slice(mid), attempts);
        return;
      }
    }
  }

  private async invoke(records: Queued[], attempt: number): Promise<Outcome> {
    const { functionId, entry, timeoutSeconds, memoryMb, reportBatchItemFailures } = this.mapping;
    const { region, accountId, log } = this.options;
    this.stats.batches++;
    const requestId = randomUUID();
    const timeoutMs = timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context: LambdaContextLike = {
      functionName: functionId,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionId}`,
      memoryLimitInMB: String(memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionId}`,
      logStreamName: `local/${requestId}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const event = { Records: records.map((q) => q.record) };
    let timer: NodeJS.Timeout | undefined;
    let result: unknown;
    const started = performance.now();
    let handlerStarted = false;
    try {
      const handler = await this.options.loadHandler(entry);
      handlerStarted = true;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`)), timeoutMs);
      });
      result = await Promise.race([Promise.resolve().then(() => handler(event, context)), timedOut]);
    } catch (error) {
      const message = String((error as Error)?.message ?? error);
      log('error', `local stream: ${functionId} failed on ${records.length} record(s)`, {
        functionId,
        attempt,
        firstSequenceNumber: records[0]!.record.dynamodb?.SequenceNumber,
        error: String((error as Error)?.stack ?? error),
      });
      return { kind: 'error', message };
    } finally {
      clearTimeout(timer);
      if (handlerStarted) this.invocations.record(functionId, performance.now() - started);
    }
    if (!reportBatchItemFailures) return { kind: 'ok' };
    return this.partialOutcome(result, records, attempt);
  }

  /** Lambda's reading of a partial batch response (ReportBatchItemFailures). */
  private partialOutcome(result: unknown, records: Queued[], attempt: number): Outcome {
    const { functionId } = this.mapping;
    if (result === null || typeof result !== 'object') return { kind: 'ok' };
    const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) return { kind: 'ok' };
    const malformed = (why: string): Outcome => {
      this.options.log('error', `local stream: ${functionId}: batchItemFailures ${why}; the whole batch counts as failed (as in AWS)`, { functionId, attempt });
      return { kind: 'error', message: `batchItemFailures ${why}` };
    };
    if (!Array.isArray(failures)) return malformed('is not a list');
    let lowest = records.length;
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || id === '') return malformed(`has an item without itemIdentifier (${JSON.stringify(failure)})`);
      const index = records.findIndex((q) => q.record.dynamodb?.SequenceNumber === id);
      if (index < 0) return malformed(`names ${id}, which is not a SequenceNumber of the batch`);
      lowest = Math.min(lowest, index);
    }
    this.options.log('warn', `local stream: ${functionId} reported ${failures.length} failed record(s); retrying from ${records[lowest]!.record.dynamodb?.SequenceNumber}`, {
      functionId,
      attempt,
    });
    return { kind: 'partial', index: lowest };
  }

  private done(records: Queued[]): void {
    if (records.length === 0) return;
    const now = Date.now();
    this.stats.delivered += records.length;
    this.inFlight -= records.length;
    for (const q of records) if (now - q.at > this.stats.maxLagMs) this.stats.maxLagMs = now - q.at;
    this.settledThrough(records.at(-1)!.record);
  }

  /**
   * Moves the position: to the last record offered when nothing is pending (filtered-out
   * records included), else to `last`, the last of the records just settled (batches settle
   * in stream order, so every earlier record is settled too).
   */
  private settledThrough(last: DynamoDBRecord | undefined): void {
    const position = this.options.position;
    if (!position) return;
    const sequenceNumber = this.pending() === 0 ? this.lastOffered : last?.dynamodb?.SequenceNumber;
    if (sequenceNumber !== undefined) position.advance(sequenceNumber);
  }

  private giveUp(records: Queued[], why: string): void {
    if (records.length === 0) return;
    this.stats.dropped += records.length;
    this.inFlight -= records.length;
    this.settledThrough(records.at(-1)!.record);
    const { functionId, logicalId, onFailure } = this.mapping;
    const first = records[0]!.record;
    const last = records[records.length - 1]!.record;
    this.options.log(
      'error',
      `local stream: ${functionId} gave up on ${records.length} record(s) (${why}); AWS would send their stream coordinates to ${onFailure ?? 'no on-failure destination (they would be lost)'}`,
      {
        functionId,
        eventSourceMapping: logicalId,
        destination: onFailure ?? null,
        firstSequenceNumber: first.dynamodb?.SequenceNumber,
        lastSequenceNumber: last.dynamodb?.SequenceNumber,
        keys: records.slice(0, 10).map((q) => q.record.dynamodb?.Keys),
      },
    );
  }

  /** The retry interval; cut short by stop(). */
  private pause(): Promise<void> {
    this.stats.retries++;
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleep = undefined;
        resolve();
      }, this.retryIntervalMs);
      this.wakeSleep = () => {
        clearTimeout(timer);
        this.wakeSleep = undefined;
        resolve();
      };
    });
  }

  private notifyIdle(): void {
    if (this.pending() > 0 && !this.stopped) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
