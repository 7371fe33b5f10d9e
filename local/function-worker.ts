/**
 * One Lambda function in a worker thread of its own: what a container is to a function in
 * AWS. The worker imports the function's TypeScript module (tsx is registered inside it,
 * since a worker starts as plain Node: under `node --import tsx` as well as under vitest),
 * so the function has its own module instances, SDK clients and caches, and its work (SDK
 * calls, JSON, mail rendering) uses a core other than the API's thread.
 *
 * The worker shares process.env with the whole process (SHARE_ENV): the handlers' environment
 * that the local stack sets, and later changes of it (CLOCK_OFFSET_MS), are seen at once.
 * Its console goes to the process's stdout/stderr, as the handlers' logs do.
 *
 * Invocations are messages: the event (structured clone) and the context's fields; the answer
 * is the handler's result as JSON (as Lambda serializes it) or its error (name, message,
 * stack), thrown again here. Like a container:
 *  - the module is imported once (init) and stays warm between invocations;
 *  - an init failure fails the invocation, and the next one starts a fresh worker;
 *  - a crash (uncaught exception, unhandled rejection, process.exit) fails the invocations in
 *    flight, and the next invocation starts a fresh worker;
 *  - an invocation still running 100 ms after its deadline (context.getRemainingTimeInMillis)
 *    fails and the worker is reset, as Lambda resets the environment after a timeout.
 * The worker does not keep the process alive while nothing runs in it (unref'd when idle).
 * With `niceness` its thread runs at a lower CPU priority (Linux): see FunctionWorkerOptions.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { LambdaContextLike } from './server';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface FunctionWorkerOptions {
  /** The handler module, relative to the project root (exports `handler`). */
  entry: string;
  /** The function's name (logical id), for messages. */
  name: string;
  /** Where `entry` is relative to. Default: the project root. */
  root?: string;
  /** How long stop() waits for invocations in flight before it terminates the worker. Default 10 000 ms. */
  stopTimeoutMs?: number;
  /**
   * The worker thread's nice value (Linux; elsewhere ignored), set once the module is loaded:
   * above 0 the function yields the CPU to the rest of the process when the cores are busy,
   * as a function in a container of its own takes none from the others. Default 0.
   */
  niceness?: number;
}

export interface FunctionWorker {
  readonly name: string;
  readonly entry: string;
  /** Invokes the handler in the worker (starting one if none runs); rejects with the handler's error. */
  invoke(event: unknown, context: LambdaContextLike): Promise<unknown>;
  /** Resolves once the current worker has imported the module; rejects with the init error. */
  ready(): Promise<void>;
  /** Workers started so far (1 + restarts after crashes, timeouts or init failures). */
  readonly starts: number;
  /** Waits (bounded) for the invocations in flight, then terminates the worker; invoke() refuses afterwards. */
  stop(): Promise<void>;
}

/** What the worker sends. */
type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; json?: string; error?: SerializedError };

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** The context's fields a worker can receive (getRemainingTimeInMillis is rebuilt from the deadline). */
type ContextFields = Omit<LambdaContextLike, 'getRemainingTimeInMillis'> & { deadline: number };

/**
 * The worker's code (CommonJS, plain Node). tsx's ESM API is imported by its file URL (the
 * package's "import" export), so nothing depends on where the eval'd code resolves from.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const serialize = (error) => ({
  name: String((error && error.name) || 'Error'),
  message: String(error && error.message !== undefined ? error.message : error),
  stack: error && typeof error.stack === 'string' ? error.stack : undefined,
});
let handler;
const init = (async () => {
  const { register } = await import(workerData.tsxApi);
  register();
  const module = await import(workerData.moduleUrl);
  handler = typeof module.handler === 'function' ? module.handler : module.default && module.default.handler;
  if (typeof handler !== 'function') throw new Error(workerData.entry + ' exporterar ingen funktion "handler"');
  if (workerData.niceness) {
    try {
      // Linux: the nice value is per thread; /proc/thread-self is "<pid>/task/<this thread's id>".
      const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
      require('node:os').setPriority(tid, workerData.niceness);
    } catch {
      // not Linux, or not allowed: the function runs at the process's priority
    }
  }
})();
init.then(
  () => parentPort.postMessage({ type: 'ready' }),
  (error) => parentPort.postMessage({ type: 'init-error', error: serialize(error) }),
);
parentPort.on('message', async (message) => {
  if (!message || message.type !== 'invoke') return;
  const { id, event, context: fields } = message;
  const { deadline, ...rest } = fields;
  const context = { ...rest, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  let answer;
  try {
    await init;
    const result = await handler(event, context);
    // Lambda answers with the result serialized as JSON (undefined: null).
    answer = { type: 'result', id, json: result === undefined ? undefined : JSON.stringify(result) };
  } catch (error) {
    answer = { type: 'result', id, error: serialize(error) };
  }
  parentPort.postMessage(answer);
});
`;

/** tsx's ESM register API as a file URL (its package's "import" export of ./esm/api). */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const { exports } = require('tsx/package.json') as { exports: Record<string, any> };
  const target = exports['./esm/api']?.import;
  const file = typeof target === 'string' ? target : target?.default;
  if (typeof file !== 'string') throw new Error('tsx/package.json has no "import" export for ./esm/api');
  return pathToFileURL(join(dirname(packageJson), file)).href;
}

let tsxApi: string | undefined;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** One started worker thread (one "container"). */
class Instance {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  readonly pending = new Map<number, Pending>();
  /** False once the worker is ending (failed, stopped) or has ended: it takes no more invocations. */
  alive = true;
  readonly label: string;
  private failure: Error | undefined;
  private settleReady!: (error?: Error) => void;
  private idleWaiters: (() => void)[] = [];
  /** Invocations waiting for the module to load. */
  private entering = 0;

  constructor(
    options: { entry: string; name: string; root: string; niceness: number },
    private readonly retire: (instance: Instance) => void,
  ) {
    this.label = `${options.name} (${options.entry})`;
    tsxApi ??= tsxEsmApiUrl();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      env: SHARE_ENV,
      workerData: { tsxApi, moduleUrl: pathToFileURL(resolve(options.root, options.entry)).href, entry: options.entry, niceness: options.niceness },
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error ? reject(error) : resolve());
    });
    this.ready.catch(() => {}); // awaited by invoke() and ready(); not "unhandled" meanwhile
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    // An uncaught exception (or unhandled rejection) in the worker: 'error', then 'exit'.
    this.worker.on('error', (cause) => {
      const error = new Error(`${this.label} crashed: ${String((cause as Error)?.message ?? cause)}`);
      if ((cause as Error)?.stack) error.stack = `${error.name}: ${error.message}\n(in the function's worker) ${(cause as Error).stack}`;
      this.failure ??= error;
      this.alive = false;
      this.retire(this);
    });
    this.exited = new Promise<void>((resolve) =>
      this.worker.once('exit', (code) => {
        this.alive = false;
        const error = this.failure ?? new Error(`${this.label}: the worker stopped (exit code ${code})`);
        this.settleReady(error);
        for (const [id, pending] of this.pending) this.settle(id, pending, error);
        this.retire(this);
        resolve();
      }),
    );
  }

  /** Invokes once the module is loaded (stop() waits for invocations that wait for that too). */
  async invoke(id: number, event: unknown, fields: ContextFields, onTimeout: Error): Promise<unknown> {
    this.entering++;
    this.worker.ref();
    try {
      await this.ready;
    } catch (error) {
      this.entering--;
      this.checkIdle();
      throw error;
    }
    this.entering--; // and pending from here on, synchronously: stop() sees no gap
    if (!this.alive) {
      this.checkIdle();
      throw this.failure ?? new Error(`${this.label}: the worker stopped while starting`);
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined };
      // The grace lets the caller's own timeout answer first; the reset follows.
      const left = fields.deadline - Date.now() + 100;
      if (Number.isFinite(left)) {
        pending.timer = setTimeout(() => {
          this.settle(id, pending, onTimeout);
          this.fail(new Error(`${this.label}: reset after an invocation timed out (${onTimeout.message})`));
        }, Math.max(0, left));
        pending.timer.unref();
      }
      this.pending.set(id, pending);
      this.worker.ref();
      try {
        this.worker.postMessage({ type: 'invoke', id, event, context: fields });
      } catch (error) {
        // An event that cannot be cloned (never for stream records: they are JSON).
        this.settle(id, pending, error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Resolves once no invocation is in flight or waiting for the module. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.entering === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the worker; its invocations in flight (and a pending init) fail with `cause`. */
  fail(cause: Error): void {
    this.failure ??= cause;
    this.alive = false;
    this.retire(this); // the next invocation starts a fresh worker
    void this.worker.terminate();
  }

  private onMessage(message: WorkerMessage): void {
    if (message?.type === 'ready') {
      this.settleReady();
      this.checkIdle();
    } else if (message?.type === 'init-error') {
      // Like Runtime.ImportModuleError: this container is done; the next invocation tries a fresh one.
      this.fail(revive(message.error, `${this.label} could not be loaded: `));
    } else if (message?.type === 'result') {
      const pending = this.pending.get(message.id);
      if (!pending) return; // timed out meanwhile
      if (message.error) return this.settle(message.id, pending, revive(message.error));
      let value: unknown;
      try {
        value = message.json === undefined ? null : JSON.parse(message.json);
      } catch (error) {
        return this.settle(message.id, pending, error as Error);
      }
      this.settle(message.id, pending, undefined, value);
    }
  }

  private settle(id: number, pending: Pending, error: Error | undefined, value?: unknown): void {
    if (this.pending.get(id) !== pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(value);
    this.checkIdle();
  }

  /** Idle: the worker no longer keeps the process alive, and stop() may go on. */
  private checkIdle(): void {
    if (this.pending.size > 0 || this.entering > 0) return;
    if (this.alive) this.worker.unref();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** The handler's error as thrown in the worker (its stack included). */
function revive(serialized: SerializedError, prefix = ''): Error {
  const error = new Error(prefix + serialized.message);
  error.name = serialized.name;
  error.stack = serialized.stack ? prefix + serialized.stack : `${serialized.name}: ${error.message}`;
  return error;
}

/**
 * Starts the function's worker (it imports the module at once: see ready()). One worker runs
 * at a time; invocations may overlap (they interleave in the worker, as they did in-process).
 */
export function startFunctionWorker(options: FunctionWorkerOptions): FunctionWorker {
  const { entry, name } = options;
  const root = options.root ?? PROJECT_ROOT;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const niceness = options.niceness ?? 0;
  let current: Instance | undefined;
  let starts = 0;
  let nextId = 0;
  let stopping: Promise<void> | undefined;
  const spawn = (): Instance => {
    starts++;
    const instance = new Instance({ entry, name, root, niceness }, (ended) => {
      if (current === ended) current = undefined;
    });
    current = instance;
    return instance;
  };
  spawn();

  return {
    name,
    entry,
    get starts() {
      return starts;
    },
    async invoke(event, context) {
      if (stopping) throw new Error(`${name}: the function's worker is stopped`);
      const instance = current ?? spawn();
      const { getRemainingTimeInMillis, ...fields } = context;
      const remaining = getRemainingTimeInMillis();
      const deadline = Date.now() + remaining;
      const timeout = new Error(`RequestId: ${context.awsRequestId} Error: Task timed out after ${(remaining / 1000).toFixed(2)} seconds`);
      return instance.invoke(nextId++, event, { ...fields, deadline }, timeout);
    },
    ready: () => (stopping ? Promise.reject(new Error(`${name}: the function's worker is stopped`)) : (current ?? spawn()).ready),
    stop: () =>
      (stopping ??= (async () => {
        const instance = current;
        if (!instance) return;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, stopTimeoutMs)));
        await Promise.race([instance.idle(), timeout]);
        clearTimeout(timer);
        instance.fail(new Error(`${instance.label}: stopped`));
        await instance.exited;
      })()),
  };
}
