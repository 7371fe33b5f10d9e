/**
 * DynamoDB on this machine: dynalite (LevelDB on disk) in a worker thread of its own
 * (worker.ts), with the table stream dynalite lacks and request accounting. A thread of its
 * own lets it use a second core: it is the busiest part after the handlers.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { emptyDynamoMetrics, type DynamoMetrics } from '../metrics';
import { bundledWorker } from '../typescript-worker';
import type { DynaliteMessage, DynaliteRequest, DynaliteWorkerData } from './worker';

type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** A client of this endpoint (local credentials), destroyed by stop(). */
  raw: DynamoDBClient;
  /** The worker's request accounting (capacity.ts). */
  metrics(): Promise<DynamoMetrics>;
  /** Stream records of writes to these tables (name → StreamViewType) go to `listener`; `sync` resolves once every record of the writes answered so far has been passed on. */
  streams: {
    follow(tables: Record<string, StreamViewType>, listener: (records: DynamoDBRecord[], times: number[]) => void): Promise<void>;
    sync(): Promise<void>;
  };
  /**
   * An outage for tests: `stop()` stops dynalite (every connection cut, LevelDB closed; requests
   * are refused), `start()` starts it again on the same port and data. The stream goes on.
   */
  outage: { readonly running: boolean; stop(): Promise<void>; start(): Promise<void> };
  stop(): Promise<void>;
}

export interface DynaliteOptions {
  /** LevelDB directory; in memory when omitted. */
  path?: string;
  /** The stream's journal directory (stream-journal.ts); none when omitted. */
  streamDir?: string;
  /** Listen here if the port is free (a restart keeps the port SDK clients already use); else any free port. */
  preferredPort?: number;
  region: string;
  accountId: string;
}

type Answer = Extract<DynaliteMessage, { id: number }>;

/** dynalite on 127.0.0.1 with LevelDB under `path`; on the preferred port if it is free. */
export async function startDynalite(options: DynaliteOptions): Promise<LocalDynamo> {
  const { path, streamDir, preferredPort, region, accountId } = options;
  const clientModule = import('@aws-sdk/client-dynamodb');
  clientModule.catch(() => {}); // awaited below
  const dynaliteEntry = createRequire(import.meta.url).resolve('dynalite');
  const spawn = async (port: number) => {
    const data: DynaliteWorkerData = { dynaliteEntry, path, streamDir, port, region, accountId };
    const worker = await bundledWorker(new URL('./worker.ts', import.meta.url), data);
    return new Promise<{ worker: Worker; port: number }>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`dynalite stopped while starting (exit ${code})`)));
      worker.once('message', (message: DynaliteMessage) => {
        if (message.type === 'listening') return resolve({ worker, port: message.port });
        void worker.terminate();
        const why = message.type === 'error' ? message : { message: message.type, code: undefined };
        reject(Object.assign(new Error(`dynalite could not listen on 127.0.0.1:${port}: ${why.message}`), { code: why.code }));
      });
    });
  };
  let started: Awaited<ReturnType<typeof spawn>>;
  try {
    started = await spawn(preferredPort ?? 0);
  } catch (error) {
    if (preferredPort === undefined) throw error;
    started = await spawn(0);
  }
  const { port } = started;
  const endpoint = `http://127.0.0.1:${port}`;
  const { DynamoDBClient } = await clientModule;
  const raw = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

  const pending = new Map<number, (message: Answer) => void>();
  let nextId = 0;
  let onRecords: ((records: DynamoDBRecord[], times: number[]) => void) | undefined;
  let followed: Record<string, StreamViewType> | undefined;
  /** The running worker; undefined while an outage stopped it. */
  let worker: Worker | undefined;
  const adopt = (w: Worker) => {
    w.removeAllListeners('exit');
    w.removeAllListeners('error');
    w.on('error', (error) => console.error(`dynalite: ${String(error?.stack ?? error)}`));
    w.on('message', (message: DynaliteMessage) => {
      if (message.type === 'records') return onRecords?.(message.records, message.times);
      if (!('id' in message)) return;
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    });
    worker = w;
  };
  adopt(started.worker);
  /** A request to the worker; a worker that has stopped (or is not running) answers nothing: `fallback` rather than a hang. */
  const ask = <T>(request: DynaliteRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never, answer: (message: Answer) => T, fallback: () => T) =>
    new Promise<T>((resolve) => {
      if (!worker) return resolve(fallback());
      const id = nextId++;
      pending.set(id, (message) => resolve(answer(message)));
      worker.postMessage({ ...request, id });
      setTimeout(() => pending.delete(id) && resolve(fallback()), 5_000).unref();
    });
  const metrics = () => ask({ type: 'metrics' }, (m) => (m.type === 'metrics' ? m.metrics : emptyDynamoMetrics()), emptyDynamoMetrics);
  const streams: LocalDynamo['streams'] = {
    async follow(tables, listener) {
      onRecords = listener;
      followed = tables;
      const answered = await ask({ type: 'streams', tables }, () => true, () => false);
      if (!answered) throw new Error('dynalite did not take the stream configuration');
    },
    sync: () => ask({ type: 'sync' }, () => undefined, () => undefined),
  };
  /** Stops the worker: its records are posted first, LevelDB is closed, every connection is cut. */
  const halt = async () => {
    const current = worker;
    if (!current) return;
    worker = undefined;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.postMessage({ type: 'stop' } satisfies DynaliteRequest);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') await current.terminate();
  };
  const outage: LocalDynamo['outage'] = {
    get running() {
      return worker !== undefined;
    },
    stop: halt,
    async start() {
      if (worker) return;
      adopt((await spawn(port)).worker);
      if (followed && !(await ask({ type: 'streams', tables: followed }, () => true, () => false))) throw new Error('dynalite did not take the stream configuration');
    },
  };
  const stop = async () => {
    raw.destroy(); // frees keep-alive sockets so dynalite's close can finish
    await halt();
  };
  return { endpoint, port, raw, metrics, streams, outage, stop };
}
