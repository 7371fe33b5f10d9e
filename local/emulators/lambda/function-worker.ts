/**
 * Lambda containers in worker threads. A worker thread is what a container is to a function
 * in AWS: the worker imports the function's TypeScript module (tsx is registered inside it,
 * since a worker starts as plain Node: under `node --import tsx` as well as under vitest),
 * so the function has its own module instances, SDK clients and caches, and its work (SDK
 * calls, JSON, mail rendering) uses a core other than the API gateway's thread.
 *
 *  - startFunctionWorker: one function in a container of its own (the stream consumers);
 *  - startFunctionContainer: one container that can host several functions (handler entries),
 *    each imported on its first use (or at init: `preload`) and kept;
 *  - startContainerPool: a few such containers, each invocation sent to the least busy one
 *    (the API's handlers: in AWS concurrent requests run in containers of their own).
 *
 * The worker shares process.env with the whole process (SHARE_ENV): the handlers' environment
 * that the local stack sets, and later changes of it (CLOCK_OFFSET_MS), are seen at once.
 * Its console goes to the process's stdout/stderr, as the handlers' logs do.
 *
 * Invocations are messages: the entry, the event (structured clone) and the context's fields;
 * the answer is the handler's result as JSON (as Lambda serializes it) or its error (name,
 * message, stack), thrown again here. Like a container:
 *  - a module is imported once and stays warm between invocations; one that fails to load
 *    fails every invocation of that entry in this container (the others work on), except a
 *    `preload` entry: that is the container's init, see the next point;
 *  - an init failure (tsx, a `preload` module) fails the invocation, and the next one starts a
 *    fresh worker;
 *  - a crash (uncaught exception, unhandled rejection, process.exit) fails the invocations in
 *    flight, and the next invocation starts a fresh worker;
 *  - an invocation still running 100 ms after its deadline (context.getRemainingTimeInMillis)
 *    fails and the worker is reset, as Lambda resets the environment after a timeout (with
 *    the other invocations in flight in it: unlike a Lambda container, one worker runs
 *    several invocations at a time, interleaved as they were on one thread).
 * The worker does not keep the process alive while nothing runs in it (unref'd when idle).
 * With `niceness` its thread runs at a lower CPU priority (Linux): see FunctionContainerOptions.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { tsxEsmApiUrl } from '../typescript-worker';
import type { LambdaContextLike } from './context';

interface FunctionContainerOptions {
  /** The container's name (function logical ids, or what it hosts), for messages. */
  name: string;
  /** Where entries are relative to (the project root: the stack passes it). */
  root: string;
  /** How long stop() waits for invocations in flight before it terminates the worker. Default 10 000 ms. */
  stopTimeoutMs?: number;
  /**
   * The worker thread's nice value (Linux; elsewhere ignored), set once the `preload` modules
   * are loaded: above 0 the functions yield the CPU to the rest of the process when the cores
   * are busy, as a function in a container of its own takes none from the others. Default 0.
   */
  niceness?: number;
  /**
   * Handler modules (relative to `root`, exporting `handler`) imported as the container's
   * init, before it is ready; a failure is an init failure. Others load on first use.
   */
  preload?: string[];
}

export interface FunctionWorkerOptions extends Omit<FunctionContainerOptions, 'preload'> {
  /** The handler module, relative to `root` (exports `handler`). */
  entry: string;
  /** The function's name (logical id), for messages. */
  name: string;
}

interface FunctionContainer {
  readonly name: string;
  /** Invokes the entry's handler in the worker (starting one if none runs, importing the module on first use); rejects with the handler's error. */
  invoke(entry: string, event: unknown, context: LambdaContextLike): Promise<unknown>;
  /** Imports the entry's module if not yet done; rejects with its load error (the container lives on). */
  load(entry: string): Promise<void>;
  /** Resolves once the current worker is initialised (tsx, `preload`); rejects with the init error. */
  ready(): Promise<void>;
  /** Invocations (and loads) sent to this container and not answered yet. */
  readonly inFlight: number;
  /** Workers started so far (1 + restarts after crashes, timeouts or init failures). */
  readonly starts: number;
  /** Waits (bounded) for the invocations in flight, then terminates the worker; invoke() refuses afterwards. */
  stop(): Promise<void>;
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

/** What the worker is sent: an invocation, or an import of an entry (answered with a null result). */
type Request = { type: 'invoke'; entry: string; event: unknown; context: ContextFields } | { type: 'load'; entry: string };

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
const { pathToFileURL } = require('node:url');
const { resolve } = require('node:path');
const serialize = (error) => ({
  name: String((error && error.name) || 'Error'),
  message: String(error && error.message !== undefined ? error.message : error),
  stack: error && typeof error.stack === 'string' ? error.stack : undefined,
});
// entry → the handler, imported once (a failure too is kept: every invocation of the entry fails with it).
const handlers = new Map();
const handlerOf = (entry) => {
  let handler = handlers.get(entry);
  if (!handler) {
    handler = import(pathToFileURL(resolve(workerData.root, entry)).href).then((module) => {
      const found = typeof module.handler === 'function' ? module.handler : module.default && module.default.handler;
      if (typeof found !== 'function') throw new Error(entry + ' exporterar ingen funktion "handler"');
      return found;
    });
    handler.catch(() => {});
    handlers.set(entry, handler);
  }
  return handler;
};
const init = (async () => {
  const { register } = await import(workerData.tsxApi);
  register();
  await Promise.all(workerData.preload.map(handlerOf));
  if (workerData.niceness) {
    try {
      // Linux: the nice value is per thread; /proc/thread-self is "<pid>/task/<this thread's id>".
      const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
      require('node:os').setPriority(tid, workerData.niceness);
    } catch {
      // not Linux, or not allowed: the functions run at the process's priority
    }
  }
})();
init.then(
  () => parentPort.postMessage({ type: 'ready' }),
  (error) => parentPort.postMessage({ type: 'init-error', error: serialize(error) }),
);
parentPort.on('message', async (message) => {
  if (!message || (message.type !== 'invoke' && message.type !== 'load')) return;
  const { id, entry } = message;
  let answer;
  try {
    await init;
    const handler = await handlerOf(entry);
    if (message.type === 'load') {
      answer = { type: 'result', id };
    } else {
      const { deadline, ...rest } = message.context;
      const context = { ...rest, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
      const result = await handler(message.event, context);
      // Lambda answers with the result serialized as JSON (undefined: null).
      answer = { type: 'result', id, json: result === undefined ? undefined : JSON.stringify(result) };
    }
  } catch (error) {
    answer = { type: 'result', id, error: serialize(error) };
  }
  parentPort.postMessage(answer);
});
`;


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
  /** Invocations waiting for the init. */
  private entering = 0;

  constructor(
    options: { name: string; root: string; niceness: number; preload: string[] },
    private readonly retire: (instance: Instance) => void,
  ) {
    this.label = options.preload.length > 0 ? `${options.name} (${options.preload.join(', ')})` : options.name;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      env: SHARE_ENV,
      workerData: { tsxApi: tsxEsmApiUrl(), root: options.root, preload: options.preload, niceness: options.niceness },
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

  /**
   * Sends the request once the worker is initialised (stop() waits for requests that wait for
   * that too). With a deadline, a request not answered 100 ms after it fails with `onTimeout`
   * and the worker is reset.
   */
  async send(id: number, request: Request, deadline?: { at: number; onTimeout: Error }): Promise<unknown> {
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
      const left = deadline ? deadline.at - Date.now() + 100 : Infinity;
      if (deadline && Number.isFinite(left)) {
        pending.timer = setTimeout(() => {
          this.settle(id, pending, deadline.onTimeout);
          this.fail(new Error(`${this.label}: reset after an invocation timed out (${deadline.onTimeout.message})`));
        }, Math.max(0, left));
        pending.timer.unref();
      }
      this.pending.set(id, pending);
      this.worker.ref();
      try {
        this.worker.postMessage({ ...request, id });
      } catch (error) {
        // An event that cannot be cloned (never for stream records or API events: they are JSON).
        this.settle(id, pending, error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Resolves once no invocation is in flight or waiting for the init. */
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
      if (message.error) {
        this.settle(message.id, pending, revive(message.error));
        return;
      }
      let value: unknown;
      try {
        value = message.json === undefined ? null : JSON.parse(message.json);
      } catch (error) {
        this.settle(message.id, pending, error as Error);
        return;
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
 * Starts a container: its worker starts at once (tsx, then the `preload` modules: see
 * ready()). One worker runs at a time; invocations may overlap (they interleave in the
 * worker, as they did on one thread). A worker that crashed, timed out or failed its init is
 * replaced by the next invocation.
 */
function startFunctionContainer(options: FunctionContainerOptions): FunctionContainer {
  const { name } = options;
  const root = options.root;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const niceness = options.niceness ?? 0;
  const preload = [...(options.preload ?? [])];
  let current: Instance | undefined;
  let starts = 0;
  let nextId = 0;
  let inFlight = 0;
  let stopping: Promise<void> | undefined;
  const spawn = (): Instance => {
    starts++;
    const instance = new Instance({ name, root, niceness, preload }, (ended) => {
      if (current === ended) current = undefined;
    });
    current = instance;
    return instance;
  };
  const stopped = () => new Error(`${name}: the function's worker is stopped`);
  const send = async (request: Request, deadline?: { at: number; onTimeout: Error }): Promise<unknown> => {
    if (stopping) throw stopped();
    inFlight++;
    try {
      return await (current ?? spawn()).send(nextId++, request, deadline);
    } finally {
      inFlight--;
    }
  };
  spawn();

  return {
    name,
    get starts() {
      return starts;
    },
    get inFlight() {
      return inFlight;
    },
    invoke(entry, event, context) {
      const { getRemainingTimeInMillis, ...fields } = context;
      const remaining = getRemainingTimeInMillis();
      const at = Date.now() + remaining;
      const onTimeout = new Error(`RequestId: ${context.awsRequestId} Error: Task timed out after ${(remaining / 1000).toFixed(2)} seconds`);
      return send({ type: 'invoke', entry, event, context: { ...fields, deadline: at } }, { at, onTimeout });
    },
    load: async (entry) => {
      await send({ type: 'load', entry });
    },
    ready: () => (stopping ? Promise.reject(stopped()) : (current ?? spawn()).ready),
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

/**
 * Starts the function's worker: a container of its own that imports the module at once
 * (see ready()).
 */
export function startFunctionWorker(options: FunctionWorkerOptions): FunctionWorker {
  const { entry, ...rest } = options;
  const container = startFunctionContainer({ ...rest, preload: [entry] });
  return {
    name: container.name,
    entry,
    get starts() {
      return container.starts;
    },
    invoke: (event, context) => container.invoke(entry, event, context),
    ready: () => container.ready(),
    stop: () => container.stop(),
  };
}

export interface ContainerPoolOptions extends Omit<FunctionContainerOptions, 'name' | 'preload'> {
  /** The pool's name; container i is named `<name> #<i + 1>`. */
  name: string;
  /** How many containers (≥ 1). */
  size: number;
}

export interface ContainerPool {
  /** The containers, in a fixed order (each replaces its own worker after a crash). */
  readonly containers: readonly FunctionContainer[];
  /** Invokes the entry in the least busy container (fewest invocations in flight; ties in turn). */
  invoke(entry: string, event: unknown, context: LambdaContextLike): Promise<unknown>;
  /** Stops every container (each waits, bounded, for its invocations in flight). */
  stop(): Promise<void>;
}

/**
 * A pool of containers that each can host every entry (imported on first use): the local
 * stand-in for a function's concurrent Lambda containers, fixed in number. Each invocation
 * goes to the container with the fewest in flight; among equals, to the one after the
 * container chosen last (round robin), so that an idle pool spreads the load too.
 */
export function startContainerPool(options: ContainerPoolOptions): ContainerPool {
  const { size, name, ...rest } = options;
  if (!Number.isInteger(size) || size < 1) throw new Error(`${name}: a pool needs at least one container (size ${size})`);
  const containers = Array.from({ length: size }, (_, i) => startFunctionContainer({ ...rest, name: `${name} #${i + 1}` }));
  let turn = 0;
  const leastBusy = (): FunctionContainer => {
    let chosen = turn % size;
    for (let k = 1; k < size; k++) {
      const i = (turn + k) % size;
      if (containers[i]!.inFlight < containers[chosen]!.inFlight) chosen = i;
    }
    turn = chosen + 1;
    return containers[chosen]!;
  };
  return {
    containers,
    invoke: (entry, event, context) => leastBusy().invoke(entry, event, context),
    stop: async () => {
      await Promise.all(containers.map((c) => c.stop()));
    },
  };
}
