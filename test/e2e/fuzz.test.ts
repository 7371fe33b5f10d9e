/**
 * Fuzzing over real HTTP (fast-check): thousands of generated requests across every route of
 * shared/http/routes.ts, with bodies shaped by the route's own zod schema (through
 * z.toJSONSchema), mutated ones, huge, deep, wrong types, unicode and prototype-pollution
 * keys; content types and Idempotency-Key variants; years, codes, traversal and encoded path
 * segments; and callers with valid tokens of every role and hostile ones (none, garbage,
 * expired, another key, alg none, unknown organisation). Every answer is below 500, every
 * refusal the contract's error body with a Swedish message and a stable code, and the table,
 * scanned before and after, changed only as the acknowledged requests explain
 * (test/support/table-oracle.ts).
 *
 * FUZZ_SEED=<n> changes the seed (printed), FUZZ_RUNS=<n> the number of requests (default 5 000).
 */
import { Agent, request as httpRequest } from 'node:http';
import fc, { type Arbitrary } from 'fast-check';
import { SignJWT, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../shared/http/routes';
import { municipalitiesOf } from '../../shared/reference';
import { AUDIENCE, ISSUER } from '../../local/tools/tokens';
import { startTestStack, type TestStack } from '../support/local-stack';
import { OPEN_NOW, SWEDISH, YEAR, importExampleShares, shareOf, tokens } from '../support/e2e';
import { HEBY, KNIVSTA, TIERP, UPPSALA } from '../support/places';
import { shapedLike } from '../support/schema-arbitrary';
import { Explanations, scanTable } from '../support/table-oracle';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const CONCURRENCY = 4;

const routes: readonly RouteSpec[] = ROUTES;
const UPPSALA_LAN = municipalitiesOf('03').map((m) => m.code);
const STOCKHOLMS_LAN = municipalitiesOf('01').map((m) => m.code).slice(0, 6);
const COMMANDS = new Set(['submit-proposal', 'amend-proposal', 'withdraw-proposal', 'answer-proposal', 'decide-proposal', 'submit-report']);

let stack: TestStack;
/** Authorization header values by caller name (undefined: none sent). */
const callers = new Map<string, string | undefined>();
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

// --- What a generated request is -------------------------------------------------------

interface Generated {
  route: RouteSpec;
  method: string;
  params: Record<string, string>;
  query: string;
  caller: string;
  headers: Record<string, string>;
  /** The body's text (undefined: none), and the JSON value it encodes when it is one. */
  body?: string;
  json?: unknown;
}

const HOSTILE_SEGMENTS = ['..', '%2e%2e', '%2F', '..%2F..%2Fetc%2Fpasswd', '%00', '2028%00', '%202028', '02028', '2028.0', '0x7EC', '-2028', '9999', '0000', '%C3%85%C3%84', 'x'.repeat(3000), '2028%3Bx', '%252e%252e', '__proto__', 'constructor', '\u2028'.replace(/./, '%E2%80%A8')];
const hostileSegment = fc.oneof(fc.constantFrom(...HOSTILE_SEGMENTS), fc.string({ maxLength: 12, unit: 'grapheme' }).map(encodeURIComponent));

const segment: Record<string, Arbitrary<string>> = {
  year: fc.oneof({ weight: 8, arbitrary: fc.constant(String(YEAR)) }, fc.constantFrom('2027', '2029', '2999', '2000'), fc.stringMatching(/^\d{4}$/), hostileSegment),
  giver: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...UPPSALA_LAN, ...STOCKHOLMS_LAN) }, fc.constantFrom('0399', '9999', '0180 ', '180'), fc.stringMatching(/^\d{4}$/), hostileSegment),
  county: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('03', '01') }, fc.constantFrom('00', '99', '3', '003'), fc.stringMatching(/^\d{2}$/), hostileSegment),
};

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  fc.constantFrom('county=03', 'county=01', 'county=99', 'county=03&county=01', 'county=', '__proto__[x]=1', 'county=%00', 'after=xyz', 'x=1', `county=03&after=${'A'.repeat(300)}`),
  fc.string({ maxLength: 20 }).map((s) => `county=${encodeURIComponent(s)}`),
);

const CALLERS = ['admin', 'county 03', 'county 01', ...UPPSALA_LAN.map((c) => `m ${c}`), `m ${STOCKHOLMS_LAN[0]}`];
const HOSTILE_CALLERS = ['none', 'garbage', 'basic', 'empty bearer', 'expired', 'other key', 'alg none', 'wrong issuer', 'unknown municipality', 'unknown role', 'two roles', 'the old role attribute', 'role without organisation'];
const caller = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CALLERS) }, fc.constantFrom(...HOSTILE_CALLERS));

const idempotencyKey = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.uuid() },
  fc.constantFrom('k-1', 'k-2', 'k-3', 'same-key'), // reused across routes, bodies and callers
  fc.constantFrom('', ' ', 'a b', 'x'.repeat(256), 'åäö', 'key\t', '\u00ff'),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  fc.constantFrom(undefined, 'application/json; charset=utf-8', 'Application/JSON ; Charset=UTF-8', 'application/merge-patch+json', 'application/json; charset=latin1', 'text/csv', 'text/plain', 'multipart/form-data; boundary=x', '', 'application/x-www-form-urlencoded', 'application/json'.repeat(50)),
);

/** Objects with keys that pollute a prototype if merged naively. */
const pollution = fc.constantFrom<unknown>(
  JSON.parse('{"__proto__": {"isAdmin": true}, "receiver": "0380", "perMille": 0.5}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": 1}}, "accept": true}'),
  JSON.parse('{"shares": [{"municipality": "0360", "perMille": 1, "__proto__": {"x": 1}}]}'),
  JSON.parse('{"__proto__": null}'),
  { toString: 'x', valueOf: 1, hasOwnProperty: false, outcome: 'APPROVED' },
);

const deep = fc.integer({ min: 100, max: 30_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const huge = fc.constantFrom(70 * 1024, 1.1 * 1024 * 1024).map((n) => JSON.stringify({ comment: 'å'.repeat(Math.floor(n / 2)) }));

/** A body for the route: shaped by its schema (with domain-valid values often), mutated, or hostile. */
type Body = { text?: string; json?: unknown };
function bodyFor(route: RouteSpec): Arbitrary<Body> {
  const asJson = (value: unknown) => ({ text: JSON.stringify(value) ?? '', json: value });
  const shaped = route.body ? shapedLike(route.body).map(plausible) : fc.constant({});
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map(asJson) },
    { weight: 3, arbitrary: fc.tuple(shaped, fc.string(), fc.anything()).map(([v, k, x]) => asJson(mutate(v, k, x))) },
    fc.anything().map(asJson),
    fc.jsonValue().map(asJson),
    pollution.map(asJson),
    fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => ({ text })),
    fc.constantFrom('{', '{"receiver":', 'null', '[]', '""', '1e999', '{"a":1}{"b":2}', '\uFEFF{}', 'municipality_code,per_mille\n0360,1\n', 'municipality_code,per_mille\n=cmd,1').map((text) => ({ text })),
    deep.map((text) => ({ text })),
    huge.map((text) => ({ text })),
    fc.constant<Body>({}),
  );
}

/** Domain-valid values where the schema only says "four digits": real receivers and amounts. */
function plausible(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = { ...(value as Record<string, unknown>) };
  if ('receiver' in v) v.receiver = UPPSALA_LAN[Math.abs(String(v.receiver).charCodeAt(0)) % UPPSALA_LAN.length];
  if (typeof v.perMille === 'number' && v.perMille > 1) v.perMille = 0.25;
  return v;
}

/** One mutation of a valid-shaped value: a field dropped, given another type, or added. */
function mutate(value: unknown, key: string, other: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return other;
  const v = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(v);
  const target = keys.length > 0 ? keys[key.length % keys.length]! : key;
  if (key.length % 3 === 0) delete v[target];
  else if (key.length % 3 === 1) v[target] = other;
  else v[key || 'extra'] = other;
  return v;
}

/** Anything over every route. */
const anyRequest: Arbitrary<Generated> = fc
  .constantFrom(...routes)
  .chain((route) =>
    fc.record({
      route: fc.constant(route),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')),
      params: fc.record(Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, segment[name!]!]))) as Arbitrary<Record<string, string>>,
      query: route.query ? query : fc.oneof({ weight: 5, arbitrary: fc.constant('') }, query),
      caller: route.public ? fc.oneof({ weight: 3, arbitrary: fc.constant('none') }, caller) : caller,
      contentType,
      key: idempotencyKey,
      accept: fc.constantFrom(undefined, 'text/csv', 'application/json', '*/*'),
      body: route.body ? bodyFor(route) : fc.oneof({ weight: 4, arbitrary: fc.constant<Body>({}) }, bodyFor(route)),
    }),
  )
  .map(({ route, method, params, query: q, caller: who, contentType: type, key, accept, body }) => ({
    route,
    method,
    params,
    query: q,
    caller: who,
    headers: { ...(type !== undefined && body.text !== undefined && { 'content-type': type }), ...(key !== undefined && { 'idempotency-key': key }), ...(accept && { accept }) },
    ...(body.text !== undefined && { body: body.text }),
    ...(body.json !== undefined && { json: body.json }),
  }));

/**
 * Commands that may well be accepted: a municipality or the county of Uppsala län, the year
 * under test, a giver that fits the caller, a body shaped by the schema with real codes, a
 * fresh Idempotency-Key. They make the ledger change, so the oracle has something to explain.
 */
const plausibleCommand: Arbitrary<Generated> = fc
  .record({
    route: fc.constantFrom(...routes.filter((r) => COMMANDS.has(r.name))),
    municipality: fc.constantFrom(...UPPSALA_LAN),
    giver: fc.constantFrom(...UPPSALA_LAN),
    key: fc.uuid(),
  })
  .chain(({ route, municipality, giver, key }) =>
    (route.body ? shapedLike(route.body).map(plausible) : fc.constant(undefined)).map((json): Generated => {
      const county = route.name === 'decide-proposal' || route.name === 'submit-report';
      return {
        route,
        method: route.method,
        params: { year: String(YEAR), giver: route.name === 'amend-proposal' || route.name === 'withdraw-proposal' ? municipality : giver, county: '03' },
        query: '',
        caller: county ? 'county 03' : `m ${municipality}`,
        headers: { 'idempotency-key': key, ...(json !== undefined && { 'content-type': 'application/json' }) },
        ...(json !== undefined && { body: JSON.stringify(json), json }),
      };
    }),
  );

const requestArb = fc.oneof({ weight: 4, arbitrary: anyRequest }, { weight: 1, arbitrary: plausibleCommand });

// --- Sending ---------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function pathOf(g: Generated): string {
  const path = g.route.path.replace(/\{(\w+)\}/g, (_, name: string) => g.params[name]!);
  return g.query ? `${path}?${g.query}` : path;
}

function send(g: Generated): Promise<Answer | 'not sent'> {
  const authorization = callers.get(g.caller);
  const headers = { ...g.headers, ...(authorization !== undefined && { authorization }), ...(g.body !== undefined && { 'content-length': String(Buffer.byteLength(g.body)) }) };
  return new Promise((resolve, reject) => {
    let req: ReturnType<typeof httpRequest>;
    try {
      req = httpRequest(`${stack.apiUrl}${pathOf(g)}`, { method: g.method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
    } catch {
      return resolve('not sent'); // a header value Node itself will not send (not a request the API could get)
    }
    // A server that answers before reading a huge body may close the socket while we write it.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve('not sent') : reject(error)));
    req.end(g.body);
  });
}

// --- Tokens ----------------------------------------------------------------------------

async function signed(claims: Record<string, unknown>, opts: { exp?: number; issuer?: string; key?: CryptoKey; kid?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? stack.keys.kid })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('fuzz')
    .setIssuedAt(now - 7200)
    .setExpirationTime(opts.exp ?? now + 3600)
    .sign(opts.key ?? stack.keys.privateKey);
}

async function mintCallers(): Promise<void> {
  const t = tokens(stack);
  const bearer = (token: string) => `Bearer ${token}`;
  callers.set('admin', bearer(await t.admin()));
  callers.set('county 03', bearer(await t.county('03')));
  callers.set('county 01', bearer(await t.county('01')));
  for (const code of [...UPPSALA_LAN, STOCKHOLMS_LAN[0]!]) callers.set(`m ${code}`, bearer(await t.municipality(code)));
  const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const adminClaims = Buffer.from(JSON.stringify({ 'cognito:groups': ['admin'], iss: ISSUER, aud: AUDIENCE, exp: 4102444800 })).toString('base64url');
  callers.set('none', undefined);
  callers.set('garbage', `Bearer ${'x'.repeat(40)}`);
  callers.set('basic', 'Basic YWRtaW46YWRtaW4=');
  callers.set('empty bearer', 'Bearer ');
  callers.set('expired', bearer(await signed({ 'cognito:groups': ['admin'] }, { exp: Math.floor(Date.now() / 1000) - 60 })));
  callers.set('other key', bearer(await signed({ 'cognito:groups': ['admin'] }, { key: (await generateKeyPair('ES256')).privateKey })));
  callers.set('alg none', `Bearer ${unsignedHeader}.${adminClaims}.AAAA`);
  callers.set('wrong issuer', bearer(await signed({ 'cognito:groups': ['admin'] }, { issuer: 'https://evil.example' })));
  callers.set('unknown municipality', bearer(await signed({ 'cognito:groups': ['municipality'], 'custom:municipality': '0399' })));
  callers.set('unknown role', bearer(await signed({ 'cognito:groups': ['superadmin'] })));
  callers.set('two roles', bearer(await signed({ 'cognito:groups': ['admin', 'county'], 'custom:county': '03' })));
  callers.set('the old role attribute', bearer(await signed({ 'custom:role': 'admin' })));
  callers.set('role without organisation', bearer(await signed({ 'cognito:groups': ['county'] })));
}

// --- The run ---------------------------------------------------------------------------

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  await mintCallers();
  const admin = await tokens(stack).admin();
  await importExampleShares(stack, admin, YEAR, ['01', '03']);
  // Proposals to amend, answer, decide and withdraw: Tierp → Uppsala (awaiting), Heby → Knivsta (agreed).
  const t = tokens(stack);
  for (const [giver, receiver] of [[TIERP, UPPSALA], [HEBY, KNIVSTA]] as const) {
    const res = await stack.request('POST', `/v1/years/${YEAR}/proposals`, { token: await t.municipality(giver), json: { receiver, perMille: Math.min(0.5, shareOf(giver)) } });
    expect(res.status, res.text).toBe(201);
  }
  const consent = await stack.request('POST', `/v1/years/${YEAR}/proposals/${HEBY}/consent`, { token: await t.municipality(KNIVSTA), json: { accept: true } });
  expect(consent.status, consent.text).toBe(200);
});

afterAll(async () => {
  agent.destroy();
  await stack?.stop();
});

it(`${RUNS} generated requests: never 5xx, every refusal well-formed, the table changed only by acknowledged requests`, async () => {
  const generated = fc.sample(requestArb, { seed: SEED, numRuns: RUNS });
  await stack.streams.idle();
  const before = await scanTable(stack.dynamo.client, stack.dynamo.tableName);
  const explanations = new Explanations();
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;
  let acknowledged = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < generated.length) {
      const g = generated[next++]!;
      const answer = await send(g);
      if (answer === 'not sent') continue;
      sent++;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const problem = check(g, answer);
      if (problem) failures.push(`${g.method} ${pathOf(g).slice(0, 120)} as ${g.caller} ${JSON.stringify(g.headers)} body ${String(g.body).slice(0, 120)} → ${answer.status} ${answer.text.slice(0, 200)}: ${problem}`);
      if (answer.status < 300 && g.method === g.route.method && g.method !== 'GET' && answer.headers['idempotent-replayed'] !== 'true') {
        if (COMMANDS.has(g.route.name)) acknowledged++;
        explanations.add({ route: g.route.name, params: g.params, municipality: g.caller.startsWith('m ') ? g.caller.slice(2) : undefined, body: g.json, response: JSON.parse(answer.text || 'null') });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  await stack.streams.idle();
  const after = await scanTable(stack.dynamo.client, stack.dynamo.tableName);
  const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
  console.log(`fuzz: seed ${SEED} (FUZZ_SEED=… to change), ${sent} requests sent of ${RUNS} generated in ${seconds.toFixed(1)} s, ${(sent / seconds).toFixed(0)} requests/s; ${acknowledged} commands accepted; by status ${byStatus}`);
  expect(failures.slice(0, 10), `seed ${SEED}`).toEqual([]);
  expect(sent, 'most generated requests reach the API').toBeGreaterThan(RUNS * 0.9);
  expect(explanations.unexplained(before, after), `seed ${SEED}`).toEqual([]);
}, 180_000);

/** What is wrong with the answer, or undefined. */
function check(g: Generated, answer: Answer): string | undefined {
  if (answer.status >= 500) return 'a 5xx';
  if (g.route.public === undefined && HOSTILE_CALLERS.includes(g.caller) && answer.status < 300) return 'a hostile caller was let in';
  if (answer.status < 300) return undefined;
  const type = String(answer.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return `refusal with content-type ${type}`;
  let body: any;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return 'refusal body is not JSON';
  }
  const error = body?.error;
  if (!error || Object.keys(body).length !== 1) return 'refusal without {error}';
  if (typeof error.code !== 'string' || !/^[A-Z][A-Z_]*$/.test(error.code)) return 'no stable code';
  if (typeof error.message !== 'string' || !SWEDISH.test(error.message)) return 'message not Swedish';
  if (!Array.isArray(error.details)) return 'details not an array';
  if (g.route.public === undefined && answer.status === 401 && answer.headers['www-authenticate'] !== 'Bearer') return '401 without WWW-Authenticate';
  return undefined;
}
