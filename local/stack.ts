/**
 * The whole system on one machine: dynalite (data on disk), aws-ses-v2-local, a local
 * API Gateway in front of the very handlers the template deploys, and the template's state
 * machine run by aws-local-stepfunctions behind a thin Step Functions endpoint
 * (local/stepfunctions), and the table's DynamoDB stream (which dynalite lacks) feeding the
 * template's event source mappings (local/streams). Routes, authorization, environment, the
 * state machine and the stream consumers are read from the synthesized CDK template; handlers
 * reach the emulators through the SDK's standard endpoint variables, so their code has no
 * "if local".
 *
 * The API gateway (HTTP, JWT check, events, the virtual clock, `/_local/*`) runs on the main
 * thread; the API's handlers run in a worker thread of their own (`apiContainers`, default 1;
 * local/function-worker.ts): a container that hosts every API handler (imported on first use),
 * with its own module instances, SDK clients and caches. More containers model Lambda's
 * concurrency (each request goes to the least busy one), but on a small machine they cost
 * more than they give: each keeps its own ledger state, so their commands on one ledger race. The
 * workflow's task handlers run on the main thread. Each function a stream mapping invokes
 * runs in a worker thread of its own, at a lower priority: its work (e-mails, SDK calls)
 * does not compete with the API's requests, and it has its own modules, clients and caches.
 *
 * One stack runs per process at a time (the main thread's handlers, process.env (shared with
 * the workers) and the SDK clients the main thread's handlers cache are process-wide). A
 * restart in the same process re-binds the emulators to the ports of the previous run when
 * it can, so handlers loaded earlier keep working.
 *
 * Heavy modules (aws-cdk-lib, the AWS SDK, dynalite, express) are imported lazily, after
 * the lock and the port are taken, so that a refused start answers at once.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent, DynamoDBRecord } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ClockError, createClock, exportClockOffset, type Clock } from './clock';
import { LocalStackError, acquireLock, prepareDataDir, reason } from './data-dir';
import { startContainerPool, startFunctionWorker, type ContainerPool, type FunctionWorker } from './function-worker';
import { InvocationCounter, emptyDynamoMetrics, type DynamoMetrics, type FunctionMetrics, type LocalStackMetrics, type StepFunctionsMetrics } from './metrics';
import { Router, routesFromTemplate, type LocalRoute } from './routes-from-template';
import { close, createLocalServer, listen, type LambdaContextLike, type LocalServerOptions } from './server';
import type { LocalSes } from './ses';
import type { ExecutionInfo, LocalDefinition, LocalWorkflow } from './stepfunctions';
import { LocalStreamsController, StreamTemplateError, mappingFunctionRoutes, streamsFromTemplate, type LocalStreams, type StreamHandler, type StreamLog, type TemplateStreams } from './streams';
import { WEB_DIST } from './web';
import { TokenVerifier, claimsFor, loadOrCreateKeys, mintToken, type LocalClaims, type LocalKeys, type TokenRequest } from './tokens';

export { LocalStackError } from './data-dir';

export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const LOCAL_REGION = 'eu-north-1';
export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = '.data';
/** The local table's name (the template's table, whatever CloudFormation would call it). */
export const LOCAL_TABLE_NAME = 'omfordelning-ledger';
/** The account id of every local ARN. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalStackOptions {
  /** API port on 127.0.0.1; 0 picks a free one. Default 3000. */
  port?: number;
  /** Default `.data` (relative to the working directory). */
  dataDir?: string;
  /** Start the virtual clock at this ISO-8601 instant (then it runs in real time). */
  now?: string;
  /** No start-up lines and no access log (tests). */
  quiet?: boolean;
  /** One line per request. Default off. */
  accessLog?: boolean;
  /** Where start-up lines and the access log go. Default console.log. */
  log?: (line: string) => void;
  /** Use this template instead of synthesizing the CDK app (tests). */
  template?: Record<string, any>;
  /** Values for `Ref <logicalId>` in function environments (e.g. a local state machine ARN). */
  refs?: Record<string, string>;
  /** Extra process environment for the handlers, applied last. */
  env?: Record<string, string>;
  /**
   * The local state machine: real milliseconds a Wait state sleeps before the machine checks
   * the virtual clock again (default 1000), and before each retry of a failed step (default 200).
   */
  workflow?: { waitPollMs?: number; retryIntervalMs?: number };
  /**
   * The table's stream (local/streams): real milliseconds before each retry of a failed batch
   * (default 200); how long stop() waits for pending records (default 10 000); where its log
   * lines go (default: errors and warnings to console.error, info lines like the start-up lines).
   */
  streams?: { retryIntervalMs?: number; drainTimeoutMs?: number; log?: StreamLog };
  /**
   * How many worker threads ("containers") run the API's handlers, each request in the least
   * busy one (fewest in flight; in turn among equals). Each imports the handlers it is sent on
   * first use and keeps its own modules, SDK clients and caches. Default 1: measured on 2 cores
   * (`npm run bench:api -- --api-containers n`), one container served ≈ 495 requests/s, none
   * (0: in-process on the main thread, as the workflow's task handlers run) ≈ 484/s, and two
   * ≈ 340–370/s, their commands on the same ledgers racing (a quarter of the Puts refused).
   */
  apiContainers?: number;
  /**
   * The web app's built files, served at every path outside /v1 and /_local (local/web.ts),
   * with the local sign-in. Default web/dist of the project; false: API only.
   */
  webDir?: string | false;
}

/** The template's state machine, running locally (local/stepfunctions). */
export interface LocalStepFunctions {
  /** The thin Step Functions endpoint (AWS_ENDPOINT_URL_SFN of the handlers). */
  endpoint: string;
  stateMachineArn: string;
  /** The definition: as the cloud runs it (`asl`), the emulator's copy (`local`), task → handler. */
  definition: LocalDefinition;
  /** Executions restarted at this start (RUNNING when the stack last stopped). */
  resumed: string[];
  /** Every execution, newest first, with its local details. */
  executions(): ExecutionInfo[];
  /** State transitions since the start (states entered by name, retries): local/metrics.ts. */
  metrics(): StepFunctionsMetrics;
}

/** aws-ses-v2-local, which tests may stop for a while (an outage) and start again on the same port. */
export interface LocalSesControl {
  endpoint: string;
  port: number;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface LocalStack {
  /** `http://127.0.0.1:<port>` (routes start with /v1). */
  apiUrl: string;
  port: number;
  /** aws-ses-v2-local: its root page lists every e-mail sent; `GET /store` as JSON. */
  sesUrl: string;
  ses: LocalSesControl;
  /** The yearly state machine; undefined when the template has none. */
  stepFunctions: LocalStepFunctions | undefined;
  /** The table's stream and its event source mappings (no mappings: idle at once). */
  streams: LocalStreams;
  dataDir: string;
  clock: Clock;
  routes: LocalRoute[];
  dynamo: { endpoint: string; tableName: string; raw: DynamoDBClient; client: DynamoDBDocumentClient };
  keys: LocalKeys;
  /** The variables set in process.env for the handlers (what the template asked for, resolved locally). */
  env: Record<string, string>;
  /** Handler modules that failed to load at start (their routes answer 500). */
  loadErrors: { entry: string; error: string }[];
  /** Milliseconds from the call to ready. */
  startupMs: number;
  /** Milliseconds per start-up phase (where the start-up time goes). */
  timings: Record<string, number>;
  /** A valid token for a role, e.g. `token({role: 'municipality', municipality: '0180'})`. */
  token(request: TokenRequest | LocalClaims): Promise<string>;
  /** Counts since the start: API requests, Lambda invocations, state transitions, DynamoDB requests and units, e-mails (local/metrics.ts). */
  metrics(): Promise<LocalStackMetrics>;
  stop(): Promise<void>;
}

/**
 * The stream functions' threads run at nice 10 (Linux): background work, like the notices,
 * that in AWS runs in containers of its own and takes no CPU from the API. On a machine with
 * few cores they would otherwise compete with the API's thread and dynalite's (npm run
 * bench:api, 2 cores, 200 requests/s: p99 about 300 ms at nice 0, about 85–150 ms at nice 10,
 * the notices keeping up either way).
 */
const STREAM_FUNCTION_NICENESS = 10;

/** Variables the template sets that make no sense inside one shared Node process. */
const SKIPPED_ENV = new Set(['NODE_OPTIONS', 'AWS_LAMBDA_EXEC_WRAPPER', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED']);
/** Variables the template sets that this stack sets itself (the web app's address is its own, not the distribution's). */
const LOCAL_ENV = new Set(['APP_BASE_URL']);

type Handler = (event: ApiEvent, context: LambdaContextLike) => unknown;

let running: Promise<unknown> | undefined;
/** Emulator ports of the previous stack of this process (see the module comment). */
const previousPorts: { dynamo?: number; ses?: number; sfn?: number } = {};
/** The main thread's handler modules (the workflow's; the API's too with apiContainers 0) are imported once per process, like a warm Lambda container. */
const handlerModules = new Map<string, Promise<Handler>>();

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const started = performance.now();
  const quiet = options.quiet ?? false;
  const say = quiet ? () => {} : (options.log ?? ((line: string) => console.log(line)));
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LocalStackError('BAD_ARGUMENT', `Ogiltig port ${port}: ange ett heltal 0–65535.`);
  const apiContainers = options.apiContainers ?? 1;
  if (!Number.isInteger(apiContainers) || apiContainers < 0) throw new LocalStackError('BAD_ARGUMENT', `Ogiltigt antal API-containrar ${apiContainers}: ange ett heltal ≥ 0.`);
  let clock: Clock;
  try {
    clock = createClock(options.now);
  } catch (error) {
    throw new LocalStackError('BAD_ARGUMENT', `--now: ${(error as ClockError).message}`);
  }

  const timings: Record<string, number> = {};
  let phaseStart = started;
  const phase = (name: string) => {
    const t = performance.now();
    timings[name] = Math.round(t - phaseStart);
    phaseStart = t;
  };
  const cleanups: (() => unknown)[] = [];
  const unwind = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`Local stack: stopping failed: ${String((error as Error)?.stack ?? error)}`);
      }
    }
  };

  try {
    // 1. The data directory, and our lock on it.
    const dataDir = prepareDataDir(options.dataDir ?? DEFAULT_DATA_DIR);
    const lock = acquireLock(dataDir);
    cleanups.push(() => lock.release());

    // 2. The API port first, so that a taken port fails fast (requests get 503 until ready).
    let serving: LocalServerOptions | undefined;
    const server: Server = createLocalServer(() => serving);
    const apiPort = await listen(server, port, 'API');
    cleanups.push(() => close(server));
    phase('lock+port');
    if (running) throw new LocalStackError('ALREADY_RUNNING', 'En lokal stack kör redan i den här processen; stoppa den först.');
    let markStopped!: () => void;
    running = new Promise<void>((resolve) => (markStopped = resolve));
    cleanups.push(() => {
      running = undefined;
      markStopped();
    });
    // The workflow's task Lambdas read the virtual clock from CLOCK_OFFSET_MS (only now: a
    // refused second stack of this process must not touch the running one's clock).
    cleanups.push(exportClockOffset(clock));

    // 3. Emulators (dynalite in its own thread) and key start while the template is synthesized.
    const keysPromise = loadOrCreateKeys(dataDir);
    const dynamoDir = join(dataDir, 'dynamodb');
    mkdirSync(dynamoDir, { recursive: true });
    const dynamoStarted = startDynamo(dynamoDir, previousPorts.dynamo).then((d) => (cleanups.push(d.stop), d));
    let sesCurrent: LocalSes | undefined;
    const sesStarted = startSesOn(previousPorts.ses).then((s) => {
      sesCurrent = s;
      cleanups.push(() => sesCurrent?.stop());
      return s;
    });
    // The state machine emulator loads meanwhile too (its module and validator take ~0.4 s).
    const emulatorLoaded = import('./stepfunctions').then((m) => m.loadEmulator());
    const pending = [keysPromise, dynamoStarted, sesStarted, emulatorLoaded];
    for (const promise of pending) promise.catch(() => {}); // awaited below; not "unhandled" meanwhile
    let template: Record<string, any>;
    try {
      template = options.template ?? (await synthesizeLocally());
    } finally {
      // Whatever happens, every emulator that starts gets registered for clean-up first.
      await Promise.allSettled(pending);
    }
    phase('synth');
    const [dynamo, ses] = await Promise.all([dynamoStarted, sesStarted]);
    previousPorts.dynamo = dynamo.port;
    previousPorts.ses = ses.port;
    const keys = await keysPromise;
    // The table's stream: records of every write from here on (the seeding's too, as with
    // TRIM_HORIZON), delivered once the handlers are loaded (step 5).
    let templateStreams: TemplateStreams;
    try {
      templateStreams = streamsFromTemplate(template);
    } catch (error) {
      if (error instanceof StreamTemplateError) throw new LocalStackError('BAD_TEMPLATE', error.message);
      throw error;
    }
    for (const { logicalId, reason: why } of templateStreams.ignored) say(`Varning: ${logicalId} körs inte lokalt (${why}).`);
    // Each stream-mapped function runs in a worker of its own (started in step 4, once the
    // environment is in place); deliveries start in step 5, after that.
    const streamHandlers = new Map<string, StreamHandler>();
    const streams = new LocalStreamsController(templateStreams, {
      loadHandler: async (entry) => {
        const handler = streamHandlers.get(entry);
        if (!handler) throw new Error(`${entry}: no function worker runs it`);
        return handler;
      },
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      ...(options.streams?.retryIntervalMs !== undefined && { retryIntervalMs: options.streams.retryIntervalMs }),
      log: options.streams?.log ?? jsonLog(say),
      sync: () => dynamo.streams.sync(),
    });
    if (templateStreams.stream && streams.mappings.length > 0) {
      await dynamo.streams.follow({ [LOCAL_TABLE_NAME]: templateStreams.stream.viewType }, (records, times) => streams.offer(records, times));
    }
    const { createLedgerTable } = await import('../shared/adapters/dynamodb/create-table');
    await createLedgerTable(dynamo.raw, LOCAL_TABLE_NAME, template);
    phase('emulators+table');

    // 4. The state machine (its executions resume once the API serves), its endpoint, the
    // routes and environment from the template; process.env before any handler is imported.
    const workflow = await startWorkflow(template, dataDir, clock, options, say);
    if (workflow) {
      cleanups.push(() => workflow.stop());
      previousPorts.sfn = workflow.port;
    }
    phase('workflow');
    const refs = { ...(workflow && { [workflow.definition.logicalId]: workflow.stateMachineArn }), ...options.refs };
    let routes: LocalRoute[];
    try {
      routes = routesFromTemplate(template, { tableName: LOCAL_TABLE_NAME, region: LOCAL_REGION, refs });
    } catch (error) {
      throw new LocalStackError('BAD_TEMPLATE', (error as Error).message);
    }
    if (routes.length === 0) say('Varning: mallen innehåller inga API-rutter (AWS::ApiGatewayV2::Route); bara /_local/* svarar.');
    const streamFunctions = mappingFunctionRoutes(template, streams.mappings, { tableName: LOCAL_TABLE_NAME, region: LOCAL_REGION, refs });
    const env = handlerEnvironment([...routes, ...streamFunctions], say, LOCAL_ENV);
    Object.assign(env, {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      ...(workflow && { AWS_ENDPOINT_URL_SFN: workflow.endpoint, STATE_MACHINE_ARN: workflow.stateMachineArn }),
      // The notices link the web app's pages where this stack serves them (none without the web app).
      APP_BASE_URL: options.webDir === false ? '' : `http://127.0.0.1:${apiPort}`,
      ...options.env,
    });
    const restoreEnv = applyEnv(env, ['AWS_SESSION_TOKEN', 'AWS_PROFILE']);
    cleanups.push(restoreEnv);
    // The API's containers (their threads start now, in the environment; stopped first, below).
    const apiPool: ContainerPool | undefined = apiContainers > 0 ? startContainerPool({ name: 'API', size: apiContainers }) : undefined;
    if (apiPool) cleanups.push(() => apiPool.stop());
    // The stream-mapped functions' workers (their modules load meanwhile: step 5 waits for them).
    const functionWorkers = new Map<string, FunctionWorker>();
    for (const mapping of streams.mappings) {
      if (functionWorkers.has(mapping.entry)) continue;
      const functionIds = [...new Set(streams.mappings.filter((m) => m.entry === mapping.entry).map((m) => m.functionId))];
      const worker = startFunctionWorker({ entry: mapping.entry, name: functionIds.join('+'), niceness: STREAM_FUNCTION_NICENESS });
      functionWorkers.set(mapping.entry, worker);
      streamHandlers.set(mapping.entry, (event, context) => worker.invoke(event, context));
    }
    // Stopped after the stream is drained (below), before the environment goes back.
    cleanups.push(() => Promise.all([...functionWorkers.values()].map((w) => w.stop())));
    // Records of writes already answered are delivered before the environment goes back and
    // dynalite stops (bounded): Ctrl-C does not lose their notices.
    cleanups.push(async () => {
      const drainMs = options.streams?.drainTimeoutMs ?? 10_000;
      const lost = await streams.drain(drainMs);
      if (lost > 0) console.error(JSON.stringify({ level: 'ERROR', message: `local stream: ${lost} record(s) not delivered within ${drainMs} ms of stopping; they are lost`, timestamp: new Date().toISOString() }));
    });
    // Stopping unwinds in reverse: executions (and the handlers they run) stop before the
    // environment goes back; workflow.stop() is idempotent, so the earlier entry is a no-op.
    if (workflow) cleanups.push(() => workflow.stop());
    // The API's containers stop first (bounded wait for the requests in flight; later
    // requests answer 500): no more writes, so the stream's drain above sees them all.
    // (Idempotent: the earlier entry, there in case the start fails midway, is a no-op.)
    if (apiPool) cleanups.push(() => apiPool.stop());

    // 5. Seed what must exist (idempotent), then import every handler of the main thread once,
    // have the first API container import every API handler (the others import them on first
    // use: the warm-up's GET routes below) and wait for the function workers' imports.
    const { DynamoContactStore } = await import('../shared/adapters/dynamodb/contact-store');
    await new DynamoContactStore(dynamo.client, LOCAL_TABLE_NAME).seedDefaults();
    phase('seed');
    const taskEntries = workflow ? Object.values(workflow.definition.tasks).map((t) => t.entry) : [];
    const routeEntries = [...new Set(routes.map((r) => r.entry))];
    const entries = [...new Set([...(apiPool ? [] : routeEntries), ...taskEntries])];
    const loadErrors: { entry: string; error: string }[] = [];
    const failed = (entry: string) => (error: unknown) => {
      if (!loadErrors.some((e) => e.entry === entry)) loadErrors.push({ entry, error: String((error as Error)?.message ?? error) });
    };
    await Promise.all([
      ...entries.map((entry) => loadHandler(entry).catch(failed(entry))),
      ...(apiPool ? routeEntries.map((entry) => apiPool.containers[0]!.load(entry).catch(failed(entry))) : []),
      ...[...functionWorkers.values()].map((w) => w.ready().catch(failed(w.entry))),
    ]);
    for (const { entry, error } of loadErrors) console.error(`Varning: ${entry} kunde inte laddas (${error}); dess rutter svarar 500 och dess steg i arbetsflödet och strömposter misslyckas.`);
    const resolvedHandlers = new Map<string, Handler>();
    for (const entry of entries) {
      const loaded = await handlerModules.get(entry)?.catch(() => undefined);
      if (loaded) resolvedHandlers.set(entry, loaded);
    }
    streams.start();
    phase('handlers');

    // 6. Serve.
    const verifier = new TokenVerifier(keys.publicKey);
    const accessLog = options.accessLog ?? false;
    // API handler invocations by function, with their time (metrics(); one per API request that reaches a route's handler).
    const apiInvocations = new InvocationCounter();
    const invokeApi = async (route: LocalRoute, event: ApiEvent, context: LambdaContextLike, container?: number): Promise<unknown> => {
      if (apiPool) {
        const started = performance.now();
        try {
          const target = container === undefined ? apiPool : apiPool.containers[container % apiPool.containers.length]!;
          return await target.invoke(route.entry, event, context);
        } finally {
          apiInvocations.record(route.functionId, performance.now() - started);
        }
      }
      const handler = resolvedHandlers.get(route.entry) ?? (await loadHandler(route.entry));
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        apiInvocations.record(route.functionId, performance.now() - started);
      }
    };
    const base: LocalServerOptions = {
      router: new Router(routes),
      invoke: (route, event, context) => invokeApi(route, event, context),
      verifier,
      clock,
      errorLog: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message: `local api: ${message}`, ...fields })),
      ...(options.webDir !== false && {
        webDir: options.webDir ?? join(PROJECT_ROOT, WEB_DIST),
        signIn: (request: TokenRequest) => mintToken(keys, claimsFor(request)),
      }),
    };
    // The warm-up's requests name the container they are for (every GET route in every container).
    serving = {
      ...base,
      invoke: (route, event, context) => {
        const pinned = Number(event.headers[WARM_UP_HEADER]);
        return invokeApi(route, event, context, Number.isInteger(pinned) && pinned >= 0 ? pinned : undefined);
      },
    };
    await warmUp(apiPort, routes, await mintToken(keys, { 'custom:role': 'admin' }), new Date(clock.now()).getUTCFullYear() + 1, Math.max(1, apiContainers));
    serving = { ...base, ...(accessLog && { accessLog: options.log ?? ((line: string) => process.stdout.write(line + '\n')) }) };
    phase('warm-up');

    // 7. Executions that were running when the stack last stopped start again.
    const resumed = workflow?.resume() ?? [];
    if (resumed.length > 0) say(`Arbetsflödet: ${resumed.join(', ')} återupptogs efter omstarten.`);

    let stopping: Promise<void> | undefined;
    const stack: LocalStack = {
      apiUrl: `http://127.0.0.1:${apiPort}`,
      port: apiPort,
      sesUrl: ses.endpoint,
      ses: {
        endpoint: ses.endpoint,
        port: ses.port,
        get running() {
          return sesCurrent !== undefined;
        },
        async stop() {
          const current = sesCurrent;
          sesCurrent = undefined;
          await current?.stop();
        },
        async start() {
          if (sesCurrent) return;
          const { startSes } = await import('./ses');
          sesCurrent = await startSes({ port: ses.port });
        },
      },
      stepFunctions: workflow && {
        endpoint: workflow.endpoint,
        stateMachineArn: workflow.stateMachineArn,
        definition: workflow.definition,
        resumed,
        executions: () => workflow.executions(),
        metrics: () => {
          const { transitions, entered, retries } = workflow.metrics();
          return { transitions, entered, retries };
        },
      },
      streams,
      dataDir,
      clock,
      routes,
      dynamo: { endpoint: dynamo.endpoint, tableName: LOCAL_TABLE_NAME, raw: dynamo.raw, client: dynamo.client },
      keys,
      env,
      loadErrors,
      startupMs: Math.round(performance.now() - started),
      timings,
      token: (request) => mintToken(keys, 'custom:role' in request ? request : claimsFor(request)),
      metrics: async () => {
        const memoryOf = (id: string): number => Number(template.Resources?.[id]?.Properties?.MemorySize ?? 128);
        const lambda: Record<string, FunctionMetrics> = {};
        for (const [id, stats] of Object.entries(apiInvocations.snapshot())) lambda[id] = { ...stats, memoryMb: memoryOf(id), trigger: 'api' };
        const sfn = workflow?.metrics();
        for (const [id, stats] of Object.entries(sfn?.invocations ?? {})) lambda[id] = { ...stats, memoryMb: memoryOf(id), trigger: 'workflow' };
        for (const [id, stats] of Object.entries(streams.invocations())) lambda[id] = { ...stats, memoryMb: memoryOf(id), trigger: 'stream' };
        const { sentEmails } = await import('./ses');
        const emails = sesCurrent ? await sentEmails(ses.endpoint) : [];
        const recipients = emails.reduce((n, e) => n + e.destination.to.length + e.destination.cc.length + e.destination.bcc.length, 0);
        return {
          apiRequests: Object.values(lambda).reduce((n, f) => n + (f.trigger === 'api' ? f.count : 0), 0),
          lambda,
          stepFunctions: sfn && { transitions: sfn.transitions, entered: sfn.entered, retries: sfn.retries },
          dynamo: await dynamo.metrics(),
          ses: { messages: emails.length, recipients },
        };
      },
      stop: () => (stopping ??= unwind()),
    };
    return stack;
  } catch (error) {
    await unwind();
    throw error;
  }
}

/**
 * The template's state machine on aws-local-stepfunctions with its Step Functions endpoint
 * (on the previous run's port when free, so SDK clients cached by handlers keep working), or
 * undefined when the template has no state machine. Nothing runs until `resume()`/StartExecution.
 */
async function startWorkflow(
  template: Record<string, any>,
  dataDir: string,
  clock: Clock,
  options: LocalStackOptions,
  say: (line: string) => void,
): Promise<LocalWorkflow | undefined> {
  const { hasStateMachine, startLocalWorkflow } = await import('./stepfunctions');
  if (!hasStateMachine(template)) return undefined;
  const { stateMachineLogicalId } = await import('../infra/asl');
  const { UnsupportedDefinitionError } = await import('./stepfunctions/definition');
  const logicalId = stateMachineLogicalId(template);
  try {
    return await startLocalWorkflow({
      template,
      dataDir,
      clock,
      loadHandler: (entry) => loadHandler(entry) as unknown as Promise<(event: unknown, context: LambdaContextLike) => unknown>,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      ...(options.refs?.[logicalId] && { stateMachineArn: options.refs[logicalId] }),
      ...(previousPorts.sfn !== undefined && { port: previousPorts.sfn }),
      ...options.workflow,
      log: jsonLog(say),
    });
  } catch (error) {
    if (error instanceof UnsupportedDefinitionError) throw new LocalStackError('BAD_TEMPLATE', error.message);
    throw error;
  }
}

/** One JSON line each, like the handlers' logs; info lines only when not quiet. */
function jsonLog(say: (line: string) => void) {
  return (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) => {
    const line = JSON.stringify({ level: level.toUpperCase(), message, timestamp: new Date().toISOString(), ...fields });
    if (level === 'info') say(line);
    else console.error(line);
  };
}

/**
 * synthesizeTemplate() without CDK's built-in CloudFormation validation (CDK_VALIDATION=false)
 * unless the caller set CDK_VALIDATION: validating is `npm run synth`'s and the infra tests'
 * job, and it costs seconds at every start. The template itself is the same.
 */
async function synthesizeLocally(): Promise<Record<string, any>> {
  const { synthesizeTemplate } = await import('../infra/synth');
  const before = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION ??= 'false';
  try {
    return synthesizeTemplate();
  } finally {
    if (before === undefined) delete process.env.CDK_VALIDATION;
  }
}

/** The header of a warm-up request that names its API container (honoured during the warm-up only). */
const WARM_UP_HEADER = 'x-local-warm-up-container';

/**
 * Calls every GET route once in each API container (read-only by contract: GET functions
 * only get read access to the table), so that modules, SDK clients, connections and schemas
 * are ready before the first real request instead of making it slow. Answers do not matter.
 */
async function warmUp(port: number, routes: LocalRoute[], adminToken: string, year: number, containers: number): Promise<void> {
  const { request } = await import('node:http');
  const sample: Record<string, string> = { year: String(year), giver: '0180', county: '01', municipality: '0180' };
  const paths = routes
    .filter((r) => r.method === 'GET' && r.path !== '$default')
    .map((r) => r.path.replace(/\{([^{}+]+)\+?\}/g, (_, name: string) => sample[name] ?? 'x'));
  const calls = Array.from({ length: containers }, (_, container) => paths.map((path) => ({ path, container }))).flat();
  await Promise.all(
    calls.map(
      ({ path, container }) =>
        new Promise<void>((resolve) => {
          const headers = { authorization: `Bearer ${adminToken}`, [WARM_UP_HEADER]: String(container) };
          const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
            res.resume();
            res.once('end', () => resolve());
            res.once('error', () => resolve());
          });
          req.setTimeout(10_000, () => req.destroy());
          req.once('error', () => resolve());
          req.end();
        }),
    ),
  );
}

function loadHandler(entry: string): Promise<Handler> {
  let promise = handlerModules.get(entry);
  if (!promise) {
    promise = import(pathToFileURL(resolve(PROJECT_ROOT, entry)).href).then((module: Record<string, unknown>) => {
      if (typeof module.handler !== 'function') throw new Error(`${entry} exporterar ingen funktion "handler"`);
      return module.handler as Handler;
    });
    handlerModules.set(entry, promise);
  }
  return promise;
}

/** One environment for the whole process, merged from every function but the variables in `own`; conflicts are reported. */
function handlerEnvironment(routes: LocalRoute[], say: (line: string) => void, own: ReadonlySet<string>): Record<string, string> {
  const env: Record<string, string> = {};
  const seen = new Set<string>();
  for (const route of routes) {
    for (const [name, value] of Object.entries(route.env)) {
      if (SKIPPED_ENV.has(name) || own.has(name)) continue;
      if (name in env && env[name] !== value) {
        say(`Varning: ${name} skiljer sig mellan funktionerna (${env[name]} / ${value}); lokalt gäller ${env[name]}.`);
        continue;
      }
      env[name] = value;
    }
    for (const r of route.resolutions) {
      const line = `  ${r.variable} = ${r.value}   (${r.from})`;
      if (seen.has(line) || SKIPPED_ENV.has(r.variable) || own.has(r.variable)) continue;
      seen.add(line);
    }
  }
  if (seen.size > 0) say(`Miljövariabler ur mallen, tolkade lokalt:\n${[...seen].join('\n')}`);
  return env;
}

function applyEnv(env: Record<string, string>, remove: string[]): () => void {
  const before = new Map<string, string | undefined>();
  for (const name of [...Object.keys(env), ...remove]) before.set(name, process.env[name]);
  for (const name of remove) delete process.env[name];
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

interface LocalDynamo {
  endpoint: string;
  port: number;
  raw: DynamoDBClient;
  client: DynamoDBDocumentClient;
  /** The worker's request accounting (see DYNALITE_WORKER). */
  metrics(): Promise<DynamoMetrics>;
  /** Stream records of writes to these tables (name → StreamViewType) go to `listener`; `sync` resolves once every record of the writes answered so far has been passed on. */
  streams: {
    follow(tables: Record<string, string>, listener: (records: DynamoDBRecord[], times: number[]) => void): Promise<void>;
    sync(): Promise<void>;
  };
  stop(): Promise<void>;
}

/**
 * dynalite runs in a worker thread (plain Node, without tsx's loader): it is the busiest
 * part after the handlers, and a thread of its own lets it use a second core.
 */
const DYNALITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalitePath);
const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

// Request accounting for metrics() (cost benchmarks): requests by X-Amz-Target operation and
// error status, and capacity units as DynamoDB bills them, computed at dynalite's own hooks
// with its own size rule (db.capacityUnits: reads ceil(bytes / 4 KB), halved unless
// ConsistentRead; writes ceil(max(old, new) bytes / 1 KB)), whether or not the client asked
// for ReturnConsumedCapacity (a Query runs with TOTAL; the figure is removed again if not
// asked). Added to dynalite's figures as AWS bills them: the minimum read for a Query that
// reads nothing, index entries put or deleted, and writes refused by their condition (the
// existing item's units, at least 1).
const db = require(require('node:path').join(require('node:path').dirname(workerData.dynalitePath), 'db'));
const metrics = { requests: {}, errors: {}, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, conditionalCheckFailures: 0 };
const units = (item, isRead, consistent) => db.capacityUnits(item, isRead, consistent);
const { addConsumedCapacity, checkConditional, updateIndexes, queryTable } = db;
db.addConsumedCapacity = function (data, isRead, item, other) {
  if (isRead) metrics.readUnits += units(item, true, data.ConsistentRead);
  else metrics.writeUnits += Math.max(units(item, false), other == null ? 0 : units(other, false));
  return addConsumedCapacity.apply(this, arguments);
};
db.checkConditional = function (data, existingItem) {
  const refused = checkConditional.apply(this, arguments);
  if (refused != null) {
    metrics.conditionalCheckFailures++;
    metrics.writeUnits += units(existingItem, false);
  }
  return refused;
};
db.updateIndexes = function (store, table, existingItem, item, cb) {
  for (const kind of ['Local', 'Global']) {
    const actions = db.getIndexActions(table[kind + 'SecondaryIndexes'] || [], existingItem, item, table);
    for (const put of actions.puts) metrics.indexWriteUnits += units(put.item, false);
    metrics.indexWriteUnits += actions.deletes.length * units(existingItem, false);
  }
  const stream = streams.get(table.TableName);
  if (stream === undefined || (!existingItem && !item)) return updateIndexes.apply(this, arguments);
  const itemDb = store.getItemDb(table.TableName);
  if (!itemDb[FOLLOWED]) followWrites(itemDb);
  return updateIndexes.call(this, store, table, existingItem, item, function (err) {
    if (err) return cb(err);
    // PutItem, UpdateItem and DeleteItem (and BatchWriteItem through them) store the item
    // right here, synchronously: the put or del that follows is this write's.
    armed = { stream, table, existingItem, item };
    try {
      return cb(err);
    } finally {
      armed = undefined;
    }
  });
};

// DynamoDB Streams (local/streams), which dynalite lacks: for the tables the main thread
// names (with their StreamViewType), every write that is stored yields a stream record:
// INSERT, MODIFY (not when nothing changed, as in DynamoDB) or REMOVE, with Keys and the
// images the view type asks for (dynalite keeps items as AttributeValue JSON already: no
// conversion; the structured clone of postMessage is the only copy), a SequenceNumber that
// grows across restarts too (it starts from the clock in microseconds), posted to the main
// thread once per turn of the event loop. 'sync' answers after posting what is waiting, so
// the main thread knows it has every record of the writes answered so far.
const streams = new Map();
const FOLLOWED = Symbol('followed by the stream');
const { randomUUID } = require('node:crypto');
let armed;
let sequence = Date.now() * 1000;
let outbox = [];
let outboxTimes = [];
let flushQueued = false;
const flushStream = () => {
  flushQueued = false;
  if (outbox.length === 0) return;
  parentPort.postMessage({ type: 'records', records: outbox, times: outboxTimes });
  outbox = [];
  outboxTimes = [];
};
function followWrites(itemDb) {
  const { put, del } = itemDb;
  itemDb.put = function (key, value, cb) {
    const write = armed;
    if (write === undefined || write.item !== value) return put.apply(this, arguments);
    armed = undefined;
    return put.call(this, key, value, (err) => {
      if (!err) streamRecord(write);
      cb(err);
    });
  };
  itemDb.del = function (key, cb) {
    const write = armed;
    if (write === undefined || write.item !== null) return del.apply(this, arguments);
    armed = undefined;
    return del.call(this, key, (err) => {
      if (!err) streamRecord(write);
      cb(err);
    });
  };
  itemDb[FOLLOWED] = true;
}
function sameValue(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  let n = 0;
  for (const k in a) {
    if (!(k in b) || !sameValue(a[k], b[k])) return false;
    n++;
  }
  for (const k in b) n--;
  return n === 0;
}
function streamRecord(write) {
  const { stream, table, existingItem, item } = write;
  const eventName = existingItem ? (item ? 'MODIFY' : 'REMOVE') : 'INSERT';
  if (eventName === 'MODIFY' && sameValue(existingItem, item)) return;
  const image = item || existingItem;
  const Keys = {};
  for (const key of table.KeySchema) Keys[key.AttributeName] = image[key.AttributeName];
  const now = Date.now();
  const view = stream.viewType;
  const dynamodb = { ApproximateCreationDateTime: Math.floor(now / 1000), Keys };
  let size = db.itemSize(Keys);
  if (item && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
    dynamodb.NewImage = item;
    size += db.itemSize(item);
  }
  if (existingItem && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
    dynamodb.OldImage = existingItem;
    size += db.itemSize(existingItem);
  }
  dynamodb.SequenceNumber = String(++sequence).padStart(21, '0');
  dynamodb.SizeBytes = size;
  dynamodb.StreamViewType = view;
  if (stream.created !== table.CreationDateTime) {
    stream.created = table.CreationDateTime;
    const label = new Date(table.CreationDateTime * 1000).toISOString().slice(0, -1);
    stream.arn = 'arn:aws:dynamodb:' + workerData.region + ':' + workerData.accountId + ':table/' + table.TableName + '/stream/' + label;
  }
  outbox.push({
    eventID: randomUUID().replace(/-/g, ''),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: workerData.region,
    dynamodb,
    eventSourceARN: stream.arn,
  });
  outboxTimes.push(now);
  if (!flushQueued) {
    flushQueued = true;
    setImmediate(flushStream);
  }
}
db.queryTable = function (store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb) {
  const asked = data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES';
  const counted = asked ? data : Object.assign({}, data, { ReturnConsumedCapacity: 'TOTAL' });
  return queryTable.call(this, store, table, counted, opts, isLocal, fetchFromItemDb, startKeyNames, (err, result) => {
    if (result && result.ConsumedCapacity) {
      // A Query or Scan that reads nothing still costs the minimum read (dynalite counts 0).
      metrics.readUnits += Math.max(result.ConsumedCapacity.CapacityUnits, data.ConsistentRead ? 1 : 0.5);
      if (!asked) delete result.ConsumedCapacity;
    }
    cb(err, result);
  });
};
server.prependListener('request', (req, res) => {
  const operation = String(req.headers['x-amz-target'] || '').split('.')[1] || '(none)';
  metrics.requests[operation] = (metrics.requests[operation] || 0) + 1;
  res.once('finish', () => {
    if (res.statusCode >= 400) metrics.errors[operation] = (metrics.errors[operation] || 0) + 1;
  });
});
const fail = (error) => parentPort.postMessage({ type: 'error', code: error && error.code, message: String(error && error.message || error) });
server.once('error', fail);
server.listen(workerData.port, '127.0.0.1', () => {
  server.off('error', fail);
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message && message.type === 'metrics') return parentPort.postMessage({ type: 'metrics', id: message.id, metrics });
  if (message && message.type === 'streams') {
    streams.clear();
    for (const [name, viewType] of Object.entries(message.tables)) streams.set(name, { viewType, created: undefined, arn: undefined });
    return parentPort.postMessage({ type: 'streams', id: message.id });
  }
  if (message && message.type === 'sync') {
    flushStream();
    return parentPort.postMessage({ type: 'sync', id: message.id });
  }
  if (message !== 'stop') return;
  flushStream();
  // dynalite's close also closes LevelDB, releasing its lock for the next start on this directory.
  server.close((error) => {
    parentPort.postMessage({ type: 'stopped', error: error ? String(error.message || error) : undefined });
    parentPort.close();
  });
  server.closeAllConnections();
});
`;

/** dynalite on 127.0.0.1 with LevelDB under `path`; on the preferred port if it is free. */
async function startDynamo(path: string, preferredPort: number | undefined): Promise<LocalDynamo> {
  const [{ DynamoDBClient }, { documentClient }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('../shared/adapters/dynamodb/client')]);
  const dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  const spawnWorker = (port: number) =>
    new Promise<{ worker: Worker; port: number }>((resolve, reject) => {
      const worker = new Worker(DYNALITE_WORKER, {
        eval: true,
        execArgv: [],
        workerData: { dynalitePath, path, port, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`dynalite stopped while starting (exit ${code})`)));
      worker.once('message', (message: { type: string; port?: number; code?: string; message?: string }) => {
        if (message.type === 'listening') return resolve({ worker, port: message.port! });
        void worker.terminate();
        reject(Object.assign(new Error(`dynalite could not listen on 127.0.0.1:${port}: ${message.message}`), { code: message.code }));
      });
    });
  let started: { worker: Worker; port: number };
  try {
    started = await spawnWorker(preferredPort ?? 0);
  } catch (error) {
    if (preferredPort === undefined) throw error;
    started = await spawnWorker(0);
  }
  const { worker, port } = started;
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  worker.on('error', (error) => console.error(`dynalite: ${String(error?.stack ?? error)}`));
  const endpoint = `http://127.0.0.1:${port}`;
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const client = documentClient({ client: raw });
  const pending = new Map<number, (message: WorkerAnswer) => void>();
  let nextId = 0;
  let onRecords: ((records: DynamoDBRecord[], times: number[]) => void) | undefined;
  worker.on('message', (message: WorkerAnswer) => {
    if (message?.type === 'records') return onRecords?.(message.records!, message.times!);
    if (message?.id === undefined) return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  /** A request to the worker; a worker that has stopped answers nothing: `fallback` rather than a hang. */
  const ask = <T>(request: Record<string, unknown>, answer: (message: WorkerAnswer) => T, fallback: () => T) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, (message) => resolve(answer(message)));
      worker.postMessage({ ...request, id });
      setTimeout(() => pending.delete(id) && resolve(fallback()), 5_000).unref();
    });
  const metrics = () => ask({ type: 'metrics' }, (m) => m.metrics!, emptyDynamoMetrics);
  const streams: LocalDynamo['streams'] = {
    async follow(tables, listener) {
      onRecords = listener;
      const answered = await ask({ type: 'streams', tables }, () => true, () => false);
      if (!answered) throw new Error('dynalite did not take the stream configuration');
    },
    sync: () => ask({ type: 'sync' }, () => undefined, () => undefined),
  };
  const stop = async () => {
    raw.destroy();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') await worker.terminate();
  };
  return { endpoint, port, raw, client, metrics, streams, stop };
}

/** What the dynalite worker posts: answers (by id) and stream records. */
interface WorkerAnswer {
  type?: string;
  id?: number;
  metrics?: DynamoMetrics;
  records?: DynamoDBRecord[];
  times?: number[];
}

async function startSesOn(preferredPort: number | undefined): Promise<{ endpoint: string; port: number; stop(): Promise<void> }> {
  const { startSes } = await import('./ses');
  try {
    return await startSes({ ...(preferredPort !== undefined && { port: preferredPort }) });
  } catch (error) {
    if (preferredPort === undefined) throw new Error(`aws-ses-v2-local did not start: ${reason(error)}`);
    return startSes();
  }
}
