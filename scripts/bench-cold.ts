/**
 * `npm run bench:cold -- [--runs 7] [--only health,submit-proposal] [--runtime-sdk]`
 *
 * Cold starts of the Lambda handlers (a script that prints, not a test that asserts). Every
 * function in functions/ is bundled exactly as the CDK app bundles it (LAMBDA_BUNDLING, the
 * object DomainFunction reads) and, for comparison, naively (no minification, no tree
 * shaking, the packages' CommonJS builds). Then each bundle is imported and its handler
 * called once, in a fresh Node process (`scripts/cold-start.mjs`), `--runs` times; the
 * median is printed. Also bundled as with the setting traceAwsCalls (the Powertools Tracer in
 * the bundle), whose cold start is printed beside ("traced ms"): what that setting costs.
 *
 * Beside them, in the same run and bundled the same way:
 * - an empty handler;
 * - for each set of SDK clients a function holds (read from its esbuild metafile: the
 *   @aws-sdk/client-* packages, and lib-dynamodb's document client), a handler that only
 *   creates those clients; also with the SDK left out of the bundle and imported from
 *   node_modules, which is how a function would load the Node.js 22 runtime's own SDK
 *   (unbundled CommonJS files): the measurement behind bundling the SDK.
 *
 * The first call does no I/O: an API function gets an API Gateway v2 request without
 * credentials (401 before any AWS call; the public routes answer 200 from memory), a
 * workflow task an input its contract refuses, the stream follower an empty batch, the
 * sign-in trigger a municipality's sign-in (its groups kept, Cognito not asked). The
 * environment points every AWS endpoint at a closed local port, so a call that did reach
 * for the network would fail at once and show in the "first call" column.
 *
 * Measurements are taken round by round in a shuffled order, so that other work on the
 * machine (the load average is printed) weighs on all of them alike.
 *
 * Every process gets the environment a deployed function has, as far as it changes what loads:
 * Lambda's own variables, so Powertools sees a Lambda execution environment (in the traced
 * bundles the Tracer is on, as with the functions' active tracing, and X-Ray's SDK starts in its
 * Lambda mode at import).
 *
 * Targets (issue 10): every bundle ≤ 150 KB, read as the bundle without the AWS SDK ("no-SDK
 * KB"; the SDK is bundled for speed, and one minified DynamoDB client alone is 323 KB: see
 * docs/DESIGN.md); each function's cold start ≤ its SDK clients' baseline + 25 ms; health ≤
 * 2 × the empty handler.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleHandlers, type Bundle, type Variant } from './cold-bundle';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const RUNNER = join(ROOT, 'scripts/cold-start.mjs');
const TARGET = { bundleKB: 150, overSdkMs: 25, healthOverEmpty: 2 };

/** What each SDK package of a function costs to set up: its client, created as the adapters create it. */
const CLIENTS: Record<string, { imports: string; create: string }> = {
  '@aws-sdk/client-dynamodb': { imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", create: 'new DynamoDBClient({})' },
  '@aws-sdk/lib-dynamodb': {
    imports: "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    create: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
  '@aws-sdk/client-ses': { imports: "import { SESClient } from '@aws-sdk/client-ses';", create: 'new SESClient({})' },
  '@aws-sdk/client-sfn': { imports: "import { SFNClient } from '@aws-sdk/client-sfn';", create: 'new SFNClient({})' },
  '@aws-sdk/client-cognito-identity-provider': {
    imports: "import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';",
    create: 'new CognitoIdentityProviderClient({})',
  },
};

const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  TABLE_NAME: 'bench',
  MAIL_FROM: 'bench@example.se',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-north-1:000000000000:stateMachine:bench',
  AWS_REGION: 'eu-north-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  // A closed port: a call that reaches for AWS fails at once instead of waiting on the network.
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  // One attempt: the SDK's retries would add their backoff (the sweep's first call reads the table).
  AWS_MAX_ATTEMPTS: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // What Lambda sets in a deployed function (Node.js 22, 512 MB, JSON logs at INFO, active tracing).
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_LAMBDA_LOG_FORMAT: 'JSON',
  AWS_LAMBDA_LOG_LEVEL: 'INFO',
  LAMBDA_TASK_ROOT: tmpdir(),
  _X_AMZN_TRACE_ID: 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1',
};

/** A bundle to start, and its measurements. */
interface Subject {
  bundle: Bundle;
  event: unknown;
  times: number[];
  outcome?: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '7' }, only: { type: 'string' }, 'runtime-sdk': { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  const only = values.only?.split(',');
  const names = readdirSync(join(ROOT, 'functions')).filter((name) => !only || only.includes(name)).sort();
  const work = mkdtempSync(join(tmpdir(), 'omfordelning-bench-cold-'));
  // Bundles that leave the SDK out import it from here, as a function would from the runtime.
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  const load = loadAverage();
  const started = performance.now();
  try {
    const subject = (bundle: Bundle, event: unknown = {}): Subject => ({ bundle, event, times: [] });
    const entries = Object.fromEntries(names.map((name) => [name, join(ROOT, 'functions', name, 'index.ts')]));
    const bundled = async (variant: Variant) => bundleHandlers(entries, join(work, variant), variant);
    const [deployed, traced, naive, runtimeSdk] = await Promise.all([bundled('deployed'), bundled('traced'), bundled('naive'), bundled('runtime-sdk')]);
    const functions = names.map((name) => {
      const deployedBundle = found(deployed, name);
      return {
        name,
        naive: found(naive, name),
        clients: Object.keys(CLIENTS).filter((p) => deployedBundle.sdkPackages.includes(p)),
        deployed: subject(deployedBundle, eventFor(name)),
        traced: subject(found(traced, name), eventFor(name)),
        runtimeSdk: subject(found(runtimeSdk, name), eventFor(name)),
      };
    });

    // The baselines: generated handlers, bundled the same way (two runs: bundled SDK, SDK left out).
    const sources = join(work, 'baselines');
    mkdirSync(sources);
    const source = (name: string, text: string) => {
      writeFileSync(join(sources, `${name}.mjs`), text);
      return join(sources, `${name}.mjs`);
    };
    const sets = [...new Set(functions.map(baselineOf).filter(Boolean))];
    const baselineEntries: Record<string, string> = { empty: source('empty', 'export const handler = async () => ({ statusCode: 200 });\n') };
    sets.forEach((set, i) => (baselineEntries[`clients-${i}`] = source(`clients-${i}`, clientsHandler(set))));
    const [baselineBundled, baselineRuntime] = await Promise.all(
      (['deployed', 'runtime-sdk'] as const).map((variant) => bundleHandlers(baselineEntries, join(work, `baselines-${variant}`), variant)),
    );
    const empty = subject(found(baselineBundled, 'empty'));
    const baselines = new Map(
      sets.map((set, i) => [set, { bundled: subject(found(baselineBundled, `clients-${i}`)), runtimeSdk: subject(found(baselineRuntime, `clients-${i}`)) }]),
    );

    const subjects = [
      empty,
      ...functions.flatMap((f) => (values['runtime-sdk'] ? [f.deployed, f.traced, f.runtimeSdk] : [f.deployed, f.traced])),
      ...[...baselines.values()].flatMap((b) => [b.bundled, b.runtimeSdk]),
    ];
    const bundledAt = performance.now();
    for (let round = 0; round < runs; round++) {
      for (const s of shuffled(subjects)) {
        const { ms, outcome } = await coldStart(s.bundle.file, s.event);
        s.times.push(ms);
        s.outcome ??= outcome;
      }
    }

    // ----- the tables ---------------------------------------------------------------
    const emptyMs = median(empty.times);
    const metBy = { size: 0, cold: 0, health: '–' };
    const rows = functions.map((f) => {
      const ms = median(f.deployed.times);
      const baseline = f.clients.length ? median(baselines.get(baselineOf(f))?.bundled.times ?? []) : emptyMs;
      // The size target is read without the AWS SDK (see the header); the full size is printed beside it.
      const met = [f.runtimeSdk.bundle.bytes <= TARGET.bundleKB * 1024, ms <= baseline + TARGET.overSdkMs];
      if (f.name === 'health') met.push(ms <= TARGET.healthOverEmpty * emptyMs);
      metBy.size += Number(met[0]);
      metBy.cold += Number(met[1]);
      if (f.name === 'health') metBy.health = mark(met[2] === true);
      return [
        f.name,
        kb(f.deployed.bundle.bytes),
        kb(f.naive.bytes),
        kb(f.runtimeSdk.bundle.bytes),
        f.clients.map((c) => c.replace('@aws-sdk/', '').replace('client-', '')).join(',') || '–',
        ms.toFixed(1),
        ...(values['runtime-sdk'] ? [median(f.runtimeSdk.times).toFixed(1)] : []),
        median(f.traced.times).toFixed(1),
        baseline.toFixed(1),
        emptyMs.toFixed(1),
        met.map(mark).join(' '),
        (f.deployed.outcome ?? '').replace(/:.*/, ''),
      ];
    });
    const head = [
      'function',
      'bundle KB',
      'naive KB',
      'no-SDK KB',
      'SDK clients',
      'cold ms',
      ...(values['runtime-sdk'] ? ['cold ms, SDK from node_modules'] : []),
      'traced ms',
      'SDK base ms',
      'empty ms',
      'targets',
      'first call',
    ];
    console.log(`bench:cold — ${names.length} functions, median of ${runs} fresh Node ${process.version} processes each; load average ${load} at start`);
    console.log('');
    console.log(table(head, rows));
    console.log('');
    console.log(
      `targets: no-SDK KB ≤ ${TARGET.bundleKB} (the bundle without the AWS SDK; "bundle KB" is the whole, SDK included) · cold ≤ SDK base + ${TARGET.overSdkMs} ms · (health) ≤ ${TARGET.healthOverEmpty} × empty`,
    );
    console.log(
      'cold: import + first call. SDK base: a handler that only creates those clients (the empty handler where there are none; +query: and sends one Query, as the sweep\'s first call does).',
    );
    console.log('naive: no minification, no tree shaking. no-SDK: as deployed but with the AWS SDK left to the runtime.');
    console.log('traced: cold ms as deployed with the setting traceAwsCalls (the Powertools Tracer and the X-Ray SDK in the bundle; not a target).');
    console.log('');
    console.log('The same SDK clients, bundled (as deployed) or imported from node_modules (as from the Node.js 22 runtime):');
    console.log(
      table(
        ['SDK clients', 'bundled KB', 'bundled ms', 'node_modules ms'],
        [...baselines.entries()].map(([set, b]) => [
          set.replaceAll('@aws-sdk/', ''),
          kb(b.bundled.bundle.bytes),
          median(b.bundled.times).toFixed(1),
          median(b.runtimeSdk.times).toFixed(1),
        ]),
      ),
    );
    console.log('');
    console.log(
      `targets met: size without the SDK ${metBy.size}/${rows.length}, cold ${metBy.cold}/${rows.length}, health ${metBy.health} · bundling ${seconds(bundledAt - started)}, measuring ${seconds(performance.now() - bundledAt)}; load average ${loadAverage()} at end`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A first call that does no I/O (see the header). */
function eventFor(name: string): unknown {
  if (name === 'follow-ledger') return { Records: [] };
  // A municipality's sign-in: its groups are kept as they are, without asking Cognito.
  if (name === 'pre-token-generation') {
    return { userPoolId: 'eu-north-1_bench', userName: 'bench', request: { groupConfiguration: { groupsToOverride: ['municipality'] }, userAttributes: {} }, response: {} };
  }
  // Every task's input has a numeric year (optional for cycle-start-next): a text is refused.
  if (name.startsWith('cycle-')) return { year: 'not a year' };
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: 'GET /bench',
    rawPath: '/bench',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: 'GET', path: '/bench', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: 'GET /bench',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
  };
}

/**
 * The functions whose first call must reach the table (the notice sweep takes no input that
 * could stop it before): their baseline's first call sends one Query too, which fails at once
 * on the closed port as theirs does.
 */
const READS_AT_FIRST_CALL = new Set(['sweep-notices']);
const READ_MARK = '+query';

/** Which baseline a function is measured against: its clients, and the Query where its first call makes one. */
const baselineOf = (f: { name: string; clients: string[] }): string =>
  [...f.clients, ...(READS_AT_FIRST_CALL.has(f.name) ? [READ_MARK] : [])].join(' ');

/** A handler that creates the given SDK clients at its first call, as the functions' adapters do, and nothing else (but the Query, where marked). */
function clientsHandler(set: string): string {
  const query = set.endsWith(` ${READ_MARK}`);
  const packages = set.split(' ').filter((p) => p !== READ_MARK);
  const used = packages.includes('@aws-sdk/lib-dynamodb') && !packages.includes('@aws-sdk/client-dynamodb') ? ['@aws-sdk/client-dynamodb', ...packages] : packages;
  // The document client wraps a DynamoDB client of its own: one client, not two.
  const creates = packages.filter((p) => !(p === '@aws-sdk/client-dynamodb' && packages.includes('@aws-sdk/lib-dynamodb'))).map((p) => clientOf(p).create);
  return [
    ...used.map((p) => clientOf(p).imports),
    ...(query ? ["import { QueryCommand } from '@aws-sdk/lib-dynamodb';"] : []),
    'let clients;',
    `export const handler = async () => { clients ??= [${creates.join(', ')}];${query ? QUERY : ''} return { statusCode: 200 }; };`,
    '',
  ].join('\n');
}

/** The baseline's Query (the document client is the first client created): refused at the closed port. */
const QUERY =
  " await clients[0].send(new QueryCommand({ TableName: 'bench', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'bench' } })).catch(() => undefined);";

function found(bundles: Map<string, Bundle> | undefined, name: string): Bundle {
  const bundle = bundles?.get(name);
  if (!bundle) throw new Error(`no bundle of ${name}`);
  return bundle;
}

function clientOf(sdkPackage: string): { imports: string; create: string } {
  const client = CLIENTS[sdkPackage];
  if (!client) throw new Error(`no client known for ${sdkPackage}`);
  return client;
}

function coldStart(file: string, event: unknown): Promise<{ ms: number; outcome: string }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [RUNNER, file, JSON.stringify(event)], { env: ENV, cwd: tmpdir() }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('COLD '));
      if (!line) return fail(new Error(`${file}: no measurement (${error?.message ?? ''})\n${stderr.slice(-2000)}`));
      done(JSON.parse(line.slice(5)));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const at = (i: number) => sorted[i] ?? Number.NaN;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const loadAverage = () => (loadavg()[0] ?? 0).toFixed(2);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const mark = (met: boolean) => (met ? '✓' : '✗');

/** A plain-text table; columns of numbers are right-aligned. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const numeric = head.map((_, i) => rows.every((r) => /^[\d.]+$/.test(r[i] ?? '')));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

await main();
