/**
 * DynamoDB Streams and their Lambda event source mappings, locally. dynalite has no streams:
 * the dynalite worker (../stream-tap.ts) produces a stream record for every
 * successful write to the table and posts them here in batches; each mapping of the template
 * (mappings.ts) filters them (filter.ts) and delivers them to its function in order, with
 * AWS's retry semantics (runner.ts). The function is what `loadHandler` gives for its entry:
 * the local stack runs each one in a worker thread of its own (lambda/function-worker.ts).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { InvocationStats } from '../../metrics';
import { MappingRunner, type MappingMetrics, type StreamHandler, type StreamLog } from './runner';
import type { StreamMapping, TemplateStreams } from '../../cloudformation/stream-mappings';
import { positionFile, replayJournal, type StreamPosition } from '../stream-journal';

export { FilterPatternError, compileFilterCriteria, compilePattern } from './filter';
export { streamsFromTemplate, type StreamMapping, type TemplateStreams } from '../../cloudformation/stream-mappings';
export { MappingRunner, type StreamHandler, type StreamLog } from './runner';

/**
 * The mappings' counters summed (records: every record the table's stream produced, before
 * any filter; filteredOut: those no mapping's filter let through).
 */
export type LocalStreamsMetrics = MappingMetrics;

export interface LocalStreams {
  /** The event source mappings that run locally (empty: the template has none). */
  mappings: StreamMapping[];
  /**
   * Resolves once every record produced so far (including those the functions' own writes
   * produce meanwhile) has been delivered or given up; rejects after `timeoutMs` (default 60 s).
   */
  idle(options?: { timeoutMs?: number }): Promise<void>;
  metrics(): LocalStreamsMetrics;
}

export interface LocalStreamsOptions {
  loadHandler(entry: string): Promise<StreamHandler>;
  region: string;
  accountId: string;
  retryIntervalMs?: number;
  log: StreamLog;
  /** Resolves once every record the table has produced so far has been offered (a round trip to the producer). */
  sync(): Promise<void>;
  /** The stream's journal (../stream-journal.ts): the mappings keep their positions there, and replay() reads it. */
  journalDir?: string;
}

export class LocalStreamsController implements LocalStreams {
  readonly mappings: StreamMapping[];
  private readonly runners: MappingRunner[];
  private readonly positions: StreamPosition[];
  private readonly journalDir: string | undefined;
  private readonly sync: () => Promise<void>;
  private records = 0;
  private started = false;
  private stopped = false;

  constructor(streams: Pick<TemplateStreams, 'mappings'>, options: LocalStreamsOptions) {
    this.mappings = streams.mappings;
    this.sync = options.sync;
    const { journalDir } = options;
    this.journalDir = journalDir;
    this.positions = journalDir === undefined ? [] : streams.mappings.map((m) => positionFile(journalDir, m.logicalId));
    this.runners = streams.mappings.map((mapping, i) => new MappingRunner({ ...options, mapping, ...(this.positions[i] && { position: this.positions[i] }) }));
  }

  /**
   * Offers the journal's records that some mapping has not settled (the stack stopped, or
   * was killed, before delivering them); before any new record. Returns how many.
   */
  replay(): number {
    if (this.journalDir === undefined || this.runners.length === 0) return 0;
    const current = this.positions.map((p) => p.current);
    // SequenceNumbers are zero-padded to one length: the least sorts first.
    const after = current.includes(undefined) ? undefined : [...current].sort()[0];
    const { records, times } = replayJournal(this.journalDir, after);
    if (records.length > 0) this.offer(records, times);
    return records.length;
  }

  /** Records from the table's stream, in order; `times[i]`: when records[i] was written (epoch ms). */
  offer(records: DynamoDBRecord[], times: number[]): void {
    if (this.stopped) return;
    this.records += records.length;
    for (const runner of this.runners) runner.offer(records, times);
  }

  /** Starts delivering (once the handlers are loaded); records offered earlier wait until then. */
  start(): void {
    this.started = true;
    for (const runner of this.runners) runner.start();
  }

  pending(): number {
    return this.runners.reduce((n, r) => n + r.pending(), 0);
  }

  async idle({ timeoutMs = 60_000 }: { timeoutMs?: number } = {}): Promise<void> {
    if (this.runners.length === 0) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await within(this.sync(), left))) break;
      if (this.pending() === 0 || this.stopped) return;
      if (!this.started) break;
      if (!(await within(Promise.all(this.runners.map((r) => r.whenIdle())), deadline - Date.now()))) break;
    }
    throw new Error(
      `Strömmen är inte klar efter ${timeoutMs} ms: ${this.pending()} post(er) väntar${this.started ? '' : ' (leveransen har inte startat)'}`,
    );
  }

  /**
   * Waits (at most `timeoutMs`) for what is pending, then stops delivering; returns how many
   * records stayed undelivered. Without start() it stops at once.
   */
  async drain(timeoutMs: number): Promise<number> {
    if (this.started && !this.stopped) {
      try {
        await this.idle({ timeoutMs });
      } catch {
        // reported below
      }
    }
    this.stopped = true;
    return this.runners.reduce((n, r) => n + r.stop(), 0);
  }

  metrics(): LocalStreamsMetrics {
    const total: LocalStreamsMetrics = { records: this.records, filteredOut: 0, delivered: 0, batches: 0, failedBatches: 0, retries: 0, dropped: 0, pending: 0, maxLagMs: 0 };
    const perMapping: MappingMetrics[] = this.runners.map((r) => r.metrics());
    // A record counts as filtered out when no mapping takes it (with one mapping: its filter).
    total.filteredOut = perMapping.length === 0 ? 0 : Math.min(...perMapping.map((m) => m.filteredOut));
    for (const m of perMapping) {
      total.delivered += m.delivered;
      total.batches += m.batches;
      total.failedBatches += m.failedBatches;
      total.retries += m.retries;
      total.dropped += m.dropped;
      total.pending += m.pending;
      total.maxLagMs = Math.max(total.maxLagMs, m.maxLagMs);
    }
    return total;
  }

  /** Invocations by function logical id (LocalStack.metrics(), trigger 'stream'). */
  invocations(): Record<string, InvocationStats> {
    const out: Record<string, InvocationStats> = {};
    for (const runner of this.runners) {
      for (const [id, stats] of Object.entries(runner.invocationStats())) {
        const sum = out[id];
        out[id] = sum ? { count: sum.count + stats.count, ms: sum.ms + stats.ms, billedMs: sum.billedMs + stats.billedMs } : stats;
      }
    }
    return out;
  }
}

/** True if `promise` settles within `ms` (a rejection counts as settled: the caller re-checks). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
