/**
 * The API's handlers in a pool of worker threads ("containers", local/function-worker.ts),
 * as concurrent requests run in Lambda containers of their own in AWS.
 *
 * That the handlers run in separate containers shows in what they do, not in a test-only
 * route: each container has its own module instances, so its own per-ledger state
 * (shared/app/ledger/execute.ts). On one thread the commands on a ledger take turns and never
 * lose a conditional Put; from two containers they race for the same sequence numbers, and
 * the conditional Put (counted by stack.metrics()) decides who wins. The template's stream
 * mapping is removed here, so that every refused conditional write is a ledger race.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../infra/synth';
import { startContainerPool, type ContainerPool } from '../../local/emulators/lambda/function-worker';
import { diffMetrics } from '../../local/emulators/metrics';
import { routesFromTemplate } from '../../local/emulators/cloudformation/routes';
import type { LambdaContextLike } from '../../local/emulators/lambda/context';
import { municipalitiesOf } from '../../shared/reference';
import { OPEN_NOW, YEAR, shareRows } from '../support/e2e';
import { startTestStack, tempDataDir, type TestStack } from '../support/local-stack';

const fixtures = mkdtempSync(join(tmpdir(), 'omfordelning-containers-'));
/** A handler module that fails to load. */
const BROKEN = join(fixtures, 'broken.mjs');
writeFileSync(BROKEN, `throw new Error('broken on purpose');\n`);
/** A handler that waits (?wait=ms), crashes its worker (?crash=1) or answers at once. */
const CRASHING = join(fixtures, 'crashing.mjs');
writeFileSync(
  CRASHING,
  `export const handler = async (event) => {
  const q = event.queryStringParameters ?? {};
  if (q.crash) setTimeout(() => { throw new Error('crashed on purpose'); }, 0);
  if (q.wait || q.crash) await new Promise((resolve) => setTimeout(resolve, Number(q.wait ?? 10000)));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }) };
};
`,
);
/** For the pool itself: answers the thread it ran on after `ms` (from the event). */
const SLEEPER = join(fixtures, 'sleeper.mjs');
writeFileSync(
  SLEEPER,
  `import { threadId } from 'node:worker_threads';
export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return { threadId };
};
`,
);
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

const OPENAPI = 'GET /v1/openapi.json';
const COUNTIES = 'GET /v1/counties';

/** The real template without stream mappings, OPENAPI's function loading BROKEN and COUNTIES' running CRASHING. */
function testTemplate(): Record<string, any> {
  const before = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION ??= 'false';
  let template: Record<string, any>;
  try {
    template = structuredClone(synthesizeTemplate());
  } finally {
    if (before === undefined) delete process.env.CDK_VALIDATION;
  }
  for (const [id, r] of Object.entries<any>(template.Resources)) if (r.Type === 'AWS::Lambda::EventSourceMapping') delete template.Resources[id];
  const routes = routesFromTemplate(template, { tableName: 't', region: 'eu-north-1', refs: {} });
  const functionOf = (routeKey: string) => routes.find((r) => r.routeKey === routeKey)!.functionId;
  template.Resources[functionOf(OPENAPI)].Metadata['omfordelning:entry'] = BROKEN;
  template.Resources[functionOf(COUNTIES)].Metadata['omfordelning:entry'] = CRASHING;
  return template;
}

const STOCKHOLM = '01';
const VASTRA_GOTALAND = '14';
const submitterId = (stack: TestStack) => stack.routes.find((r) => r.routeKey === 'POST /v1/years/{year}/proposals')!.functionId;

/** The ledger's event sequence numbers and types, as stored. */
async function ledgerEvents(stack: TestStack, county: string): Promise<{ seq: number; type: string }[]> {
  const { Items = [] } = await stack.dynamo.client.send(
    new QueryCommand({
      TableName: stack.dynamo.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': `Y#${YEAR}#C#${county}`, ':e': 'E#' },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ({ seq: Number(item.seq), type: String(item.body?.type) }));
}

/**
 * 20 givers of Stockholm submit to one receiver at the same moment: all are accepted, the
 * ledger's sequence numbers have no gap, and the metrics count the lost conditional Puts.
 */
async function twentySubmissions(stack: TestStack) {
  const admin = await stack.tokenFor({ role: 'admin' });
  const imported = await stack.request('PUT', `/v1/years/${YEAR}/shares`, { token: admin, json: { shares: shareRows([STOCKHOLM, VASTRA_GOTALAND]) } });
  expect(imported.status, imported.text.slice(0, 300)).toBe(200);
  const [receiver, ...others] = municipalitiesOf(STOCKHOLM).map((m) => m.code);
  const givers = others.slice(0, 20);
  const tokens = await Promise.all(givers.map((municipality) => stack.tokenFor({ role: 'municipality', municipality })));
  const before = await stack.metrics();
  const answers = await Promise.all(tokens.map((token) => stack.request('POST', `/v1/years/${YEAR}/proposals`, { token, json: { receiver, perMille: 0.001 } })));
  const metrics = diffMetrics(await stack.metrics(), before);
  expect(answers.map((a) => a.status)).toEqual(givers.map(() => 201));
  expect(answers.map((a) => a.body.giver).sort()).toEqual([...givers].sort());
  const events = await ledgerEvents(stack, STOCKHOLM);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === 'ProposalSubmitted')).toHaveLength(20);
  expect(metrics.apiRequests).toBe(20);
  expect(metrics.lambda[submitterId(stack)]).toMatchObject({ count: 20, trigger: 'api' });
  return metrics;
}

describe('API handlers in two containers (apiContainers: 2)', () => {
  let stack: TestStack;
  let dataDir: string;
  let template: Record<string, any>;

  beforeAll(async () => {
    dataDir = tempDataDir();
    template = testTemplate();
    stack = await startTestStack({ dataDir, template, now: OPEN_NOW, apiContainers: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports a handler module that fails to load, and answers 500 on its route', async () => {
    expect(stack.loadErrors).toEqual([{ entry: BROKEN, error: 'broken on purpose' }]);
    const res = await stack.request('GET', '/v1/openapi.json');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
    // The other routes work.
    expect((await stack.request('GET', '/v1/health')).status).toBe(200);
  });

  it('counts the warm-up of every GET route in each container', async () => {
    // At start each container was sent every GET route once (the stack's own requests).
    const { lambda } = await stack.metrics();
    const getRoutes = stack.routes.filter((r) => r.method === 'GET');
    for (const route of getRoutes) expect(lambda[route.functionId]?.count, route.routeKey).toBeGreaterThanOrEqual(2);
  });

  it('accepts 20 simultaneous submissions on one ledger from two containers, gap-free, the conditional Put settling their races', async () => {
    const metrics = await twentySubmissions(stack);
    // One thread never loses a Put to itself (see the in-process case below): these are races between containers.
    expect(metrics.dynamo.conditionalCheckFailures).toBeGreaterThan(0);
    expect(metrics.dynamo.errors.PutItem).toBe(metrics.dynamo.conditionalCheckFailures);
  });

  it('accepts one of 30 simultaneous identical submissions by one giver; the other 29 are GIVER_HAS_PROPOSAL', async () => {
    const [receiver, giver] = municipalitiesOf(VASTRA_GOTALAND).map((m) => m.code);
    const token = await stack.tokenFor({ role: 'municipality', municipality: giver! });
    const answers = await Promise.all(Array.from({ length: 30 }, () => stack.request('POST', `/v1/years/${YEAR}/proposals`, { token, json: { receiver, perMille: 0.001 } })));
    const outcomes = answers.map((a) => (a.status === 201 ? 'accepted' : `${a.status} ${a.body?.error?.code}`));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'accepted')).toEqual(Array(29).fill('409 GIVER_HAS_PROPOSAL'));
    const events = await ledgerEvents(stack, VASTRA_GOTALAND);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'ProposalSubmitted')).toHaveLength(1);
  });

  it('fails only the requests in flight in a container that crashes, and replaces it', async () => {
    // A slow request keeps one container busy; the crash goes to the other (the least busy).
    const slow = stack.request('GET', '/v1/counties?wait=1500');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const crashed = await stack.request('GET', '/v1/counties?crash=1');
    expect(crashed.status).toBe(500);
    expect(crashed.body.error.code).toBe('INTERNAL_ERROR');
    expect((await slow).status).toBe(200);
    // Both containers serve again (the crashed one with a fresh worker).
    const after = await Promise.all(Array.from({ length: 6 }, () => stack.request('GET', '/v1/counties?wait=50')));
    expect(after.map((a) => a.status)).toEqual(Array(6).fill(200));
  });

  it('stops, and starts again on the same data directory in the same process', async () => {
    const county = await stack.tokenFor({ role: 'county', county: STOCKHOLM });
    const before = await stack.request('GET', `/v1/years/${YEAR}/proposals`, { token: county });
    expect(before.status).toBe(200);
    await stack.stop();
    stack = await startTestStack({ dataDir, template, now: OPEN_NOW, apiContainers: 2 });
    const after = await stack.request('GET', `/v1/years/${YEAR}/proposals`, { token: county });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    // Commands go on where the ledger stopped.
    const codes = municipalitiesOf(STOCKHOLM).map((m) => m.code);
    const [receiver, giver] = [codes[0]!, codes[21]!]; // a giver that has not submitted yet
    const token = await stack.tokenFor({ role: 'municipality', municipality: giver });
    const submitted = await stack.request('POST', `/v1/years/${YEAR}/proposals`, { token, json: { receiver, perMille: 0.001 } });
    expect(submitted.status, submitted.text).toBe(201);
    const events = await ledgerEvents(stack, STOCKHOLM);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'ProposalSubmitted')).toHaveLength(21);
  });
});

describe('API handlers in-process (apiContainers: 0)', () => {
  it('takes the same 20 submissions in turns on one thread: no conditional Put lost', async () => {
    const stack = await startTestStack({ template: testTemplate(), now: OPEN_NOW, apiContainers: 0 });
    try {
      expect(stack.loadErrors).toEqual([{ entry: BROKEN, error: 'broken on purpose' }]);
      expect((await stack.request('GET', '/v1/openapi.json')).status).toBe(500);
      const metrics = await twentySubmissions(stack);
      expect(metrics.dynamo.conditionalCheckFailures).toBe(0);
    } finally {
      await stack.stop();
    }
  });
});

describe('container pool', () => {
  let pool: ContainerPool | undefined;
  afterAll(async () => {
    await pool?.stop();
  });
  const context = (ms = 10_000): LambdaContextLike => {
    const deadline = Date.now() + ms;
    return {
      functionName: 'Sleeper',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-north-1:000000000000:function:Sleeper',
      memoryLimitInMB: '128',
      awsRequestId: 'test',
      logGroupName: '/aws/lambda/Sleeper',
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
  };

  it('sends each invocation to the least busy container, in turn among equals, and resets one after a timeout', async () => {
    pool = startContainerPool({ name: 'Test', size: 2, root: fixtures });
    const invoke = (ms: number, timeoutMs?: number) => pool!.invoke('sleeper.mjs', { ms }, context(timeoutMs)) as Promise<{ threadId: number }>;
    // Idle: in turn.
    const [a, b, c, d] = await Promise.all([invoke(20), invoke(20), invoke(20), invoke(20)]);
    expect(new Set([a!.threadId, b!.threadId]).size).toBe(2);
    expect([c!.threadId, d!.threadId]).toEqual([a!.threadId, b!.threadId]);
    // One busy: the other takes everything meanwhile.
    const long = invoke(600);
    const short = [(await invoke(10)).threadId, (await invoke(10)).threadId, (await invoke(10)).threadId];
    const longThread = (await long).threadId;
    expect(short.every((t) => t !== longThread)).toBe(true);
    expect(pool.containers.map((c) => c.inFlight)).toEqual([0, 0]);
    // A timeout fails the invocation and resets its container: a fresh worker takes the next.
    const starts = pool.containers.map((c) => c.starts);
    await expect(invoke(2_000, 100)).rejects.toThrow(/Task timed out/);
    await Promise.all([invoke(1), invoke(1)]);
    expect(pool.containers.map((c) => c.starts).reduce((x, y) => x + y)).toBe(starts.reduce((x, y) => x + y) + 1);
  });
});
