/**
 * The whole system on one machine: the emulators of local/emulators (one folder per AWS
 * service) started and stopped in order, configured from the synthesized CDK template (read
 * by local/emulators/cloudformation): dynalite with the table's stream (dynamodb/), the
 * e-mail service (ses/), the template's state machine (step-functions/), the functions'
 * containers (lambda/) and the HTTP API in front of them (api-gateway/). Handlers reach the
 * emulators through the SDK's standard endpoint variables, so their code has no "if local".
 * What the emulators need from the project (the table, its seed, the web app, the local
 * sign-in) is passed in from here.
 *
 * The API gateway (HTTP, JWT check, events, the virtual clock, `/_local/*`) runs on the main
 * thread; the API's handlers run in a worker thread of their own (`apiContainers`, default 1;
 * lambda/function-worker.ts): a container that hosts every API handler (imported on first
 * use), with its own module instances, SDK clients and caches. More containers model Lambda's
 * concurrency (each request goes to the least busy one), but on a small machine they cost
 * more than they give: each keeps its own ledger state, so their commands on one ledger race.
 * The workflow's task handlers run on the main thread. Each function a stream mapping invokes
 * runs in a worker thread of its own, at a lower priority: its work (e-mails, SDK calls) does
 * not compete with the API's requests, and it has its own modules, clients and caches.
 *
 * One stack runs per process at a time (the main thread's handlers, process.env (shared with
 * the workers) and the SDK clients the main thread's handlers cache are process-wide). A
 * restart in the same process re-binds the emulators to the ports of the previous run when
 * it can, so handlers loaded earlier keep working.
 *
 * Heavy modules (aws-cdk-lib, the AWS SDK, dynalite) are imported lazily, after the lock and
 * the port are taken, so that a refused start answers at once.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { acquireLock, prepareDataDir } from './data-dir';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './emulators/account';
import { Router, type LocalRoute } from './emulators/api-gateway/router';
import { close, createLocalServer, listen, type LocalServerOptions } from './emulators/api-gateway/server';
import { WARM_UP_HEADER, warmUp } from './emulators/api-gateway/warm-up';
import { type ClockError, createClock, exportClockOffset, type Clock } from './emulators/clock';
import { environmentOf } from './emulators/cloudformation/functions';
import { Resolver } from './emulators/cloudformation/resolver';
import { routesFromTemplate } from './emulators/cloudformation/routes';
import { StreamTemplateError, streamsFromTemplate, type TemplateStreams } from './emulators/cloudformation/stream-mappings';
import type { LocalDynamo } from './emulators/dynamodb/dynalite';
import { LocalStreamsController, type LocalStreams, type StreamHandler, type StreamLog } from './emulators/dynamodb/streams';
import { LocalStackError } from './emulators/errors';
import type { LambdaContextLike } from './emulators/lambda/context';
import { applyEnv, mergedEnvironment } from './emulators/lambda/environment';
import { startContainerPool, startFunctionWorker, type ContainerPool, type FunctionWorker } from './emulators/lambda/function-worker';
import { loadHandler, type InProcessHandler } from './emulators/lambda/in-process';
import { InvocationCounter, type FunctionMetrics, type LocalStackMetrics, type StepFunctionsMetrics } from './emulators/metrics';
import type { LocalSes } from './emulators/ses/ses';
import type { ExecutionInfo, LocalDefinition, LocalWorkflow } from './emulators/step-functions';
import { localTemplate } from './template';
import { ROLE_CLAIM } from '../shared/domain/roles';
import { LOCAL_TOKEN_HINT, claimsFor, loadOrCreateKeys, localTokenVerifier, mintToken, type LocalClaims, type LocalKeys, type TokenRequest } from './tools/tokens';
import { WEB_DIST, localWebApp } from './tools/web';

export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = '.data';
/** The local table's name (the template's table, whatever CloudFormation would call it). */
export const LOCAL_TABLE_NAME = 'omfordelning-ledger';

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
   * The table's stream (local/emulators/dynamodb/streams): real milliseconds before each retry of a failed batch
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
   * The web app's built files, served at every path outside /v1 and /_local (local/tools/web.ts),
   * with the local sign-in. Default web/dist of the project; false: API only.
   */
  webDir?: string | false;
}

/** The template's state machine, running locally (local/emulators/step-functions). */
interface LocalStepFunctions {
  /** The thin Step Functions endpoint (AWS_ENDPOINT_URL_SFN of the handlers). */
  endpoint: string;
  stateMachineArn: string;
  /** The definition: as the cloud runs it (`asl`), the emulator's copy (`local`), task → handler. */
  definition: LocalDefinition;
  /** Executions restarted at this start (RUNNING when the stack last stopped). */
  resumed: string[];
  /** Every execution, newest first, with its local details. */
  executions(): ExecutionInfo[];
  /** State transitions since the start (states entered by name, retries): local/emulators/metrics.ts. */
  metrics(): StepFunctionsMetrics;
}

/** aws-ses-v2-local, which tests may stop for a while (an outage) and start again on the same port. */
interface LocalSesControl {
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
  /** dynalite; tests may stop it for a while (`outage`: an outage of the table) and start it again on the same port and data. */
  dynamo: { endpoint: string; tableName: string; raw: DynamoDBClient; client: DynamoDBDocumentClient; outage: LocalDynamo['outage'] };
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
  /** Counts since the start: API requests, Lambda invocations, state transitions, DynamoDB requests and units, e-mails (local/emulators/metrics.ts). */
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

/** Variables the template sets that this stack sets itself (the web app's address is its own, not the distribution's). */
const LOCAL_ENV: ReadonlySet<string> = new Set(['APP_BASE_URL']);

let running: Promise<unknown> | undefined;
/** The table stream's journal and the mappings' positions (local/emulators/dynamodb/stream-journal.ts). */
const streamJournalDir = (dataDir: string): string => join(dataDir, 'dynamodb-stream');

/** Emulator ports of the previous stack of this process (see the module comment). */
const previousPorts: { dynamo?: number; ses?: number; sfn?: number } = {};

/** What the start steps share: the options, the log, the phase timings and what to stop, in reverse. */
interface Start {
  options: LocalStackOptions;
  say: (line: string) => void;
  clock: Clock;
  dataDir: string;
  cleanups: (() => unknown)[];
  phase(name: string): void;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const started = performance.now();
  const quiet = options.quiet ?? false;
  const { port, apiContainers, clock } = checkedOptions(options);
  const timings: Record<string, number> = {};
  let phaseStart = started;
  const cleanups: (() => unknown)[] = [];
  const start: Start = {
    options,
    say: quiet ? () => {} : (options.log ?? ((line: string) => console.log(line))),
    clock,
    dataDir: '',
    cleanups,
    phase(name) {
      const t = performance.now();
      timings[name] = Math.round(t - phaseStart);
      phaseStart = t;
    },
  };
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
    // 1. The data directory and our lock on it; the API port, so that a taken port fails fast
    //    (requests get 503 until ready).
    start.dataDir = prepareDataDir(options.dataDir ?? DEFAULT_DATA_DIR);
    const lock = acquireLock(start.dataDir);
    cleanups.push(() => lock.release());
    let serving: LocalServerOptions | undefined;
    const server: Server = createLocalServer(() => serving);
    const apiPort = await listen(server, port, 'API');
    cleanups.push(() => close(server));
    claimProcess(start);
    start.phase('lock+port');

    // 2. The emulators (dynalite in its own thread), the keys and the template, side by side.
    const { template, dynamo, ses, keys } = await startEmulators(start);
    start.phase('synth');

    // 3. The table and its stream.
    const streams = await startTable(start, template, dynamo);
    start.phase('emulators+table');

    // 4. The state machine (its executions resume once the API serves) and its endpoint.
    const workflow = await startWorkflow(start, template);
    start.phase('workflow');

    // 5. The handlers' environment, their containers and workers; the seed; every handler loaded.
    const functions = await startFunctions(start, { template, dynamo, ses: ses.current, workflow, streams, apiPort, apiContainers });
    start.phase('handlers');

    // 6. Serve: the API (warmed up) and, unless turned off, the web app with its local sign-in.
    const apiInvocations = new InvocationCounter();
    const base: LocalServerOptions = {
      router: new Router(functions.routes),
      invoke: (route, event, context) => functions.invokeApi(route, event, context, apiInvocations),
      verifier: localTokenVerifier(keys.publicKey),
      tokenHint: LOCAL_TOKEN_HINT,
      clock,
      errorLog: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message: `local api: ${message}`, ...fields })),
      ...(options.webDir !== false && localWebApp(options.webDir ?? join(PROJECT_ROOT, WEB_DIST), keys)),
    };
    // The warm-up's requests name the container they are for (every GET route in every container).
    serving = {
      ...base,
      invoke: (route, event, context) => {
        const pinned = Number(event.headers[WARM_UP_HEADER]);
        return functions.invokeApi(route, event, context, apiInvocations, Number.isInteger(pinned) && pinned >= 0 ? pinned : undefined);
      },
    };
    const sample = { year: String(new Date(clock.now()).getUTCFullYear() + 1), giver: '0180', county: '01', municipality: '0180' };
    await warmUp(apiPort, functions.routes, await mintToken(keys, { [ROLE_CLAIM]: ['admin'] }), sample, Math.max(1, apiContainers));
    serving = { ...base, ...(options.accessLog && { accessLog: options.log ?? ((line: string) => process.stdout.write(`${line}\n`)) }) };
    start.phase('warm-up');

    // 7. Executions that were running when the stack last stopped start again.
    const resumed = workflow?.resume() ?? [];
    if (resumed.length > 0) start.say(`Arbetsflödet: ${resumed.join(', ')} återupptogs efter omstarten.`);

    let stopping: Promise<void> | undefined;
    return {
      apiUrl: `http://127.0.0.1:${apiPort}`,
      port: apiPort,
      sesUrl: ses.endpoint,
      ses: ses.control,
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
      dataDir: start.dataDir,
      clock,
      routes: functions.routes,
      dynamo: { endpoint: dynamo.endpoint, tableName: LOCAL_TABLE_NAME, raw: dynamo.raw, client: dynamo.client, outage: dynamo.outage },
      keys,
      env: functions.env,
      loadErrors: functions.loadErrors,
      startupMs: Math.round(performance.now() - started),
      timings,
      token: (request) => mintToken(keys, ROLE_CLAIM in request ? request : claimsFor(request)),
      metrics: () => stackMetrics(template, { apiInvocations, workflow, streams, dynamo, ses: ses.current }),
      stop: () => (stopping ??= unwind()),
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

function checkedOptions(options: LocalStackOptions): { port: number; apiContainers: number; clock: Clock } {
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LocalStackError('BAD_ARGUMENT', `Ogiltig port ${port}: ange ett heltal 0–65535.`);
  const apiContainers = options.apiContainers ?? 1;
  if (!Number.isInteger(apiContainers) || apiContainers < 0) throw new LocalStackError('BAD_ARGUMENT', `Ogiltigt antal API-containrar ${apiContainers}: ange ett heltal ≥ 0.`);
  try {
    return { port, apiContainers, clock: createClock(options.now) };
  } catch (error) {
    throw new LocalStackError('BAD_ARGUMENT', `--now: ${(error as ClockError).message}`);
  }
}

/** This process's one stack (see the module comment); the workflow's task Lambdas read its virtual clock from CLOCK_OFFSET_MS. */
function claimProcess({ cleanups, clock }: Start): void {
  if (running) throw new LocalStackError('ALREADY_RUNNING', 'En lokal stack kör redan i den här processen; stoppa den först.');
  let markStopped!: () => void;
  running = new Promise<void>((resolve) => (markStopped = resolve));
  cleanups.push(() => {
    running = undefined;
    markStopped();
  });
  // Only now: a refused second stack of this process must not touch the running one's clock.
  cleanups.push(exportClockOffset(clock));
}

type StackDynamo = LocalDynamo & { client: DynamoDBDocumentClient };

/** The SES emulator, which tests may stop for a while (an outage) and start again on the same port. */
interface SesHolder {
  endpoint: string;
  current(): LocalSes | undefined;
  control: LocalSesControl;
}

/**
 * dynalite, aws-ses-v2-local and the keys start while the template is read (synthesized
 * when its sources changed); the state machine emulator's module loads meanwhile too.
 */
async function startEmulators(start: Start): Promise<{ template: Record<string, any>; dynamo: StackDynamo; ses: SesHolder; keys: LocalKeys }> {
  const { dataDir, cleanups, options } = start;
  // The table's and the seed's modules load now too: the main thread would otherwise only wait.
  for (const module of [import('../shared/adapters/dynamodb/create-table'), import('../shared/adapters/dynamodb/contact-store')]) module.catch(() => {});
  const keysPromise = loadOrCreateKeys(dataDir);
  const dynamoDir = join(dataDir, 'dynamodb');
  mkdirSync(dynamoDir, { recursive: true });
  const dynamoStarted = (async (): Promise<StackDynamo> => {
    const [{ startDynalite }, { documentClient }] = await Promise.all([import('./emulators/dynamodb/dynalite'), import('../shared/adapters/dynamodb/client')]);
    const dynamo = await startDynalite({ path: dynamoDir, streamDir: streamJournalDir(dataDir), region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, ...(previousPorts.dynamo !== undefined && { preferredPort: previousPorts.dynamo }) });
    cleanups.push(dynamo.stop);
    return { ...dynamo, client: documentClient({ client: dynamo.raw }) };
  })();
  let sesCurrent: LocalSes | undefined;
  const sesStarted = import('./emulators/ses/ses').then(async ({ startSesPreferring }) => {
    sesCurrent = await startSesPreferring(previousPorts.ses, join(dataDir, 'ses-mailbox.jsonl'));
    cleanups.push(() => sesCurrent?.stop());
    return sesCurrent;
  });
  const emulatorLoaded = import('./emulators/step-functions').then((m) => m.loadEmulator());
  const pending = [keysPromise, dynamoStarted, sesStarted, emulatorLoaded];
  for (const promise of pending) promise.catch(() => {}); // awaited below; not "unhandled" meanwhile
  let template: Record<string, any>;
  try {
    template = options.template ?? (await localTemplate(PROJECT_ROOT));
  } finally {
    // Whatever happens, every emulator that starts gets registered for clean-up first.
    await Promise.allSettled(pending);
  }
  const [dynamo, ses, keys] = await Promise.all([dynamoStarted, sesStarted, keysPromise]);
  previousPorts.dynamo = dynamo.port;
  previousPorts.ses = ses.port;
  const control: LocalSesControl = {
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
      const { startSes } = await import('./emulators/ses/ses');
      sesCurrent = await startSes({ port: ses.port, mailboxFile: join(start.dataDir, 'ses-mailbox.jsonl') });
    },
  };
  return { template, dynamo, ses: { endpoint: ses.endpoint, current: () => sesCurrent, control }, keys };
}

/**
 * The ledger table and its stream: records of every write from here on (the seeding's too,
 * as with TRIM_HORIZON), delivered once the handlers are loaded (startFunctions).
 */
async function startTable(start: Start, template: Record<string, any>, dynamo: StackDynamo): Promise<LocalStreamsController & { handlers: Map<string, StreamHandler> }> {
  const { options, say } = start;
  let templateStreams: TemplateStreams;
  try {
    templateStreams = streamsFromTemplate(template);
  } catch (error) {
    if (error instanceof StreamTemplateError) throw new LocalStackError('BAD_TEMPLATE', error.message);
    throw error;
  }
  for (const { logicalId, reason: why } of templateStreams.ignored) say(`Varning: ${logicalId} körs inte lokalt (${why}).`);
  // Each stream-mapped function runs in a worker of its own (startFunctions puts it here).
  const handlers = new Map<string, StreamHandler>();
  const streams = new LocalStreamsController(templateStreams, {
    loadHandler: async (entry) => {
      const handler = handlers.get(entry);
      if (!handler) throw new Error(`${entry}: no function worker runs it`);
      return handler;
    },
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    ...(options.streams?.retryIntervalMs !== undefined && { retryIntervalMs: options.streams.retryIntervalMs }),
    log: options.streams?.log ?? jsonLog(say),
    sync: () => dynamo.streams.sync(),
    journalDir: streamJournalDir(start.dataDir),
  });
  if (templateStreams.stream && streams.mappings.length > 0) {
    // What the previous run (stopped, or killed) left undelivered comes first.
    const replayed = streams.replay();
    if (replayed > 0) say(`Strömmen: ${replayed} post(er) från förra körningen levereras igen.`);
    await dynamo.streams.follow({ [LOCAL_TABLE_NAME]: templateStreams.stream.viewType }, (records, times) => streams.offer(records, times));
  }
  const { createLedgerTable } = await import('../shared/adapters/dynamodb/create-table');
  await createLedgerTable(dynamo.raw, LOCAL_TABLE_NAME, template);
  return Object.assign(streams, { handlers });
}

/**
 * The template's state machine on aws-local-stepfunctions with its Step Functions endpoint
 * (on the previous run's port when free, so SDK clients cached by handlers keep working), or
 * undefined when the template has none. Nothing runs until `resume()`/StartExecution.
 */
async function startWorkflow(start: Start, template: Record<string, any>): Promise<LocalWorkflow | undefined> {
  const { options, dataDir, clock, say, cleanups } = start;
  const [{ hasStateMachine, startLocalWorkflow }, { stateMachineLogicalId }, { UnsupportedDefinitionError }] = await Promise.all([
    import('./emulators/step-functions'),
    import('./emulators/cloudformation/state-machine'),
    import('./emulators/step-functions/definition'),
  ]);
  if (!hasStateMachine(template)) return undefined;
  const logicalId = stateMachineLogicalId(template);
  let workflow: LocalWorkflow;
  try {
    workflow = await startLocalWorkflow({
      template,
      dataDir,
      clock,
      loadHandler: (entry) => loadHandler(PROJECT_ROOT, entry),
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
  cleanups.push(() => workflow.stop());
  previousPorts.sfn = workflow.port;
  return workflow;
}

interface Functions {
  routes: LocalRoute[];
  env: Record<string, string>;
  loadErrors: { entry: string; error: string }[];
  /** Invokes a route's handler (in the least busy API container, or the one named; in-process with none), counted by function. */
  invokeApi(route: LocalRoute, event: ApiEvent, context: LambdaContextLike, counter: InvocationCounter, container?: number): Promise<unknown>;
}

/**
 * The routes and the handlers' environment from the template (process.env is set before any
 * handler is imported), the API's containers and the stream functions' workers; then the
 * seed, and every handler loaded: the main thread's, the first API container's (the others
 * import them on first use: the warm-up) and the function workers'.
 */
async function startFunctions(
  start: Start,
  parts: { template: Record<string, any>; dynamo: StackDynamo; ses: () => LocalSes | undefined; workflow: LocalWorkflow | undefined; streams: Awaited<ReturnType<typeof startTable>>; apiPort: number; apiContainers: number },
): Promise<Functions> {
  const { options, say, cleanups } = start;
  const { template, dynamo, workflow, streams, apiPort, apiContainers } = parts;
  const refs = { ...(workflow && { [workflow.definition.logicalId]: workflow.stateMachineArn }), ...options.refs };
  const local = { tableName: LOCAL_TABLE_NAME, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, refs };
  let routes: LocalRoute[];
  try {
    routes = routesFromTemplate(template, local);
  } catch (error) {
    throw new LocalStackError('BAD_TEMPLATE', (error as Error).message);
  }
  if (routes.length === 0) say('Varning: mallen innehåller inga API-rutter (AWS::ApiGatewayV2::Route); bara /_local/* svarar.');
  const resolver = new Resolver(template, local);
  const streamFunctions = [...new Set(streams.mappings.map((m) => m.functionId))].map((id) => environmentOf(template.Resources ?? {}, id, resolver));
  const ses = parts.ses()!;
  const env = mergedEnvironment([...routes, ...streamFunctions], say, LOCAL_ENV);
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
    // Powertools (shared/platform): no CloudWatch or X-Ray here, so no EMF lines and no tracing;
    // a quiet stack's handlers log warnings and errors only. A variable already set wins.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_TRACE_ENABLED: process.env.POWERTOOLS_TRACE_ENABLED ?? 'false',
    ...(options.quiet && { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' }),
    ...options.env,
  });
  cleanups.push(applyEnv(env, ['AWS_SESSION_TOKEN', 'AWS_PROFILE']));
  // The API's containers (their threads start now, in the environment; stopped first, below).
  const apiPool: ContainerPool | undefined = apiContainers > 0 ? startContainerPool({ name: 'API', size: apiContainers, root: PROJECT_ROOT }) : undefined;
  if (apiPool) cleanups.push(() => apiPool.stop());
  // The stream-mapped functions' workers (their modules load meanwhile: waited for below).
  const functionWorkers = new Map<string, FunctionWorker>();
  for (const mapping of streams.mappings) {
    if (functionWorkers.has(mapping.entry)) continue;
    const functionIds = [...new Set(streams.mappings.filter((m) => m.entry === mapping.entry).map((m) => m.functionId))];
    const worker = startFunctionWorker({ entry: mapping.entry, name: functionIds.join('+'), niceness: STREAM_FUNCTION_NICENESS, root: PROJECT_ROOT });
    functionWorkers.set(mapping.entry, worker);
    streams.handlers.set(mapping.entry, (event, context) => worker.invoke(event, context));
  }
  // Stopped after the stream is drained (below), before the environment goes back.
  cleanups.push(() => Promise.all([...functionWorkers.values()].map((w) => w.stop())));
  // Records of writes already answered are delivered before the environment goes back and
  // dynalite stops (bounded): Ctrl-C does not lose their notices.
  cleanups.push(async () => {
    const drainMs = options.streams?.drainTimeoutMs ?? 10_000;
    const lost = await streams.drain(drainMs);
    if (lost > 0) console.error(JSON.stringify({ level: 'ERROR', message: `local stream: ${lost} record(s) not delivered within ${drainMs} ms of stopping; the next start on this data directory delivers them`, timestamp: new Date().toISOString() }));
  });
  // Stopping unwinds in reverse: executions (and the handlers they run) stop before the
  // environment goes back; workflow.stop() is idempotent, so the earlier entry is a no-op.
  if (workflow) cleanups.push(() => workflow.stop());
  // The API's containers stop first (bounded wait for the requests in flight; later
  // requests answer 500): no more writes, so the stream's drain above sees them all.
  // (Idempotent: the earlier entry, there in case the start fails midway, is a no-op.)
  if (apiPool) cleanups.push(() => apiPool.stop());

  // What must exist (idempotent), then every handler.
  const { DynamoContactStore } = await import('../shared/adapters/dynamodb/contact-store');
  await new DynamoContactStore(dynamo.client, LOCAL_TABLE_NAME).seedDefaults();
  start.phase('seed');
  const taskEntries = workflow ? Object.values(workflow.definition.tasks).map((t) => t.entry) : [];
  const routeEntries = [...new Set(routes.map((r) => r.entry))];
  const entries = [...new Set([...(apiPool ? [] : routeEntries), ...taskEntries])];
  const loadErrors: { entry: string; error: string }[] = [];
  const failed = (entry: string) => (error: unknown) => {
    if (!loadErrors.some((e) => e.entry === entry)) loadErrors.push({ entry, error: String((error as Error)?.message ?? error) });
  };
  const resolvedHandlers = new Map<string, InProcessHandler>();
  await Promise.all([
    ...entries.map((entry) =>
      loadHandler(PROJECT_ROOT, entry).then(
        (handler) => void resolvedHandlers.set(entry, handler),
        failed(entry),
      ),
    ),
    ...(apiPool ? routeEntries.map((entry) => apiPool.containers[0]!.load(entry).catch(failed(entry))) : []),
    ...[...functionWorkers.values()].map((w) => w.ready().catch(failed(w.entry))),
  ]);
  for (const { entry, error } of loadErrors) console.error(`Varning: ${entry} kunde inte laddas (${error}); dess rutter svarar 500 och dess steg i arbetsflödet och strömposter misslyckas.`);
  streams.start();

  const invokeApi: Functions['invokeApi'] = async (route, event, context, counter, container) => {
    const target = apiPool && (container === undefined ? apiPool : apiPool.containers[container % apiPool.containers.length]!);
    const handler = target ? undefined : (resolvedHandlers.get(route.entry) ?? (await loadHandler(PROJECT_ROOT, route.entry)));
    const started = performance.now();
    try {
      return await (target ? target.invoke(route.entry, event, context) : handler!(event, context));
    } finally {
      counter.record(route.functionId, performance.now() - started);
    }
  };
  return { routes, env, loadErrors, invokeApi };
}

/** Counts since the start, from every emulator (local/emulators/metrics.ts). */
async function stackMetrics(
  template: Record<string, any>,
  parts: { apiInvocations: InvocationCounter; workflow: LocalWorkflow | undefined; streams: Pick<LocalStreamsController, 'invocations'>; dynamo: StackDynamo; ses: () => LocalSes | undefined },
): Promise<LocalStackMetrics> {
  const memoryOf = (id: string): number => Number(template.Resources?.[id]?.Properties?.MemorySize ?? 128);
  const lambda: Record<string, FunctionMetrics> = {};
  for (const [id, stats] of Object.entries(parts.apiInvocations.snapshot())) lambda[id] = { ...stats, memoryMb: memoryOf(id), trigger: 'api' };
  const sfn = parts.workflow?.metrics();
  for (const [id, stats] of Object.entries(sfn?.invocations ?? {})) lambda[id] = { ...stats, memoryMb: memoryOf(id), trigger: 'workflow' };
  for (const [id, stats] of Object.entries(parts.streams.invocations())) lambda[id] = { ...stats, memoryMb: memoryOf(id), trigger: 'stream' };
  const ses = parts.ses();
  const { sentEmails } = await import('./emulators/ses/ses');
  const emails = ses ? await sentEmails(ses.endpoint) : [];
  const recipients = emails.reduce((n, e) => n + e.destination.to.length + e.destination.cc.length + e.destination.bcc.length, 0);
  return {
    apiRequests: Object.values(lambda).reduce((n, f) => n + (f.trigger === 'api' ? f.count : 0), 0),
    lambda,
    stepFunctions: sfn && { transitions: sfn.transitions, entered: sfn.entered, retries: sfn.retries },
    dynamo: await parts.dynamo.metrics(),
    ses: { messages: emails.length, recipients },
  };
}

/** One JSON line each, like the handlers' logs; info lines only when not quiet. */
function jsonLog(say: (line: string) => void) {
  return (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) => {
    const line = JSON.stringify({ level: level.toUpperCase(), message, timestamp: new Date().toISOString(), ...fields });
    if (level === 'info') say(line);
    else console.error(line);
  };
}
