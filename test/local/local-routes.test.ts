import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/http/routes';
import { createClock, parseInstant } from '../../local/emulators/clock';
import { acquireLock } from '../../local/data-dir';
import { LocalStackError } from '../../local/emulators/errors';
import { Router, compilePath, type LocalRoute } from '../../local/emulators/api-gateway/router';
import { routesFromTemplate } from '../../local/emulators/cloudformation/routes';
import { clfTime, close, createLocalServer, listen, toEvent, type LocalServerOptions } from '../../local/emulators/api-gateway/server';
import { exampleYear } from '../../local/tools/start';
import { AUDIENCE, ISSUER, claimsFor, loadOrCreateKeys, localTokenVerifier, mintToken } from '../../local/tools/tokens';

const LOCAL = { tableName: 'omfordelning-ledger' };

/** A small template following the contract with the CDK stack. */
function fixture() {
  const fn = (entry: string, env: Record<string, unknown> = {}) => ({
    Type: 'AWS::Lambda::Function',
    Metadata: { 'omfordelning:entry': entry },
    Properties: { Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', TABLE_NAME: { Ref: 'Ledger' }, MAIL_FROM: 'omfordelning@example.se', ...env } } },
  });
  const integration = (fnId: string) => ({
    Type: 'AWS::ApiGatewayV2::Integration',
    Properties: { IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] }, PayloadFormatVersion: '2.0' },
  });
  const route = (routeKey: string, integrationId: string, auth: 'JWT' | 'NONE') => ({
    Type: 'AWS::ApiGatewayV2::Route',
    Properties: { RouteKey: routeKey, AuthorizationType: auth, Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] } },
  });
  return {
    Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
    Resources: {
      Ledger: { Type: 'AWS::DynamoDB::GlobalTable', Properties: {} },
      Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
      HealthFn: fn('functions/health/index.ts'),
      SubmitFn: fn('functions/submit-proposal/index.ts', {
        STATE_MACHINE_ARN: { Ref: 'Machine' },
        TABLE_ARN: { 'Fn::GetAtt': ['Ledger', 'Arn'] },
        REGION_TEXT: { 'Fn::Sub': 'region ${AWS::Region} table ${Ledger}' },
        JOINED: { 'Fn::Join': ['-', ['a', { Ref: 'AWS::AccountId' }]] },
      }),
      GetFn: fn('./functions/get-proposal/index.ts'),
      CycleFn: fn('functions/move-calendar/index.ts'),
      HealthIntegration: integration('HealthFn'),
      SubmitIntegration: integration('SubmitFn'),
      GetIntegration: integration('GetFn'),
      CycleIntegration: integration('CycleFn'),
      HealthRoute: route('GET /v1/health', 'HealthIntegration', 'NONE'),
      SubmitRoute: route('POST /v1/years/{year}/proposals', 'SubmitIntegration', 'JWT'),
      GetRoute: route('GET /v1/years/{year}/proposals/{giver}', 'GetIntegration', 'JWT'),
      CycleRoute: route('PATCH /v1/years/{year}/cycle/calendar', 'CycleIntegration', 'JWT'),
      NotARoute: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
    },
  };
}

const byKey = (routes: LocalRoute[], key: string) => routes.find((r) => r.routeKey === key)!;

describe('routesFromTemplate', () => {
  const routes = routesFromTemplate(fixture(), LOCAL);

  it('maps every route to method, path, authorization and handler entry', () => {
    expect(routes.map((r) => [r.method, r.path, r.authorization, r.entry])).toEqual([
      ['GET', '/v1/health', 'NONE', 'functions/health/index.ts'],
      ['PATCH', '/v1/years/{year}/cycle/calendar', 'JWT', 'functions/move-calendar/index.ts'],
      ['POST', '/v1/years/{year}/proposals', 'JWT', 'functions/submit-proposal/index.ts'],
      ['GET', '/v1/years/{year}/proposals/{giver}', 'JWT', 'functions/get-proposal/index.ts'],
    ]);
    expect(byKey(routes, 'POST /v1/years/{year}/proposals')).toMatchObject({ functionId: 'SubmitFn', paramNames: ['year'] });
  });

  it('resolves Ref to the table to the local table name and keeps literal values', () => {
    const health = byKey(routes, 'GET /v1/health');
    expect(health.env).toEqual({ NODE_OPTIONS: '--enable-source-maps', TABLE_NAME: 'omfordelning-ledger', MAIL_FROM: 'omfordelning@example.se' });
    expect(health.resolutions).toEqual([{ functionId: 'HealthFn', variable: 'TABLE_NAME', from: 'Ref Ledger', value: 'omfordelning-ledger' }]);
  });

  it('resolves other intrinsics to sensible local values and records each', () => {
    const submit = byKey(routes, 'POST /v1/years/{year}/proposals');
    expect(submit.env).toMatchObject({
      STATE_MACHINE_ARN: 'arn:aws:states:eu-north-1:000000000000:stateMachine:Machine',
      TABLE_ARN: 'arn:aws:dynamodb:eu-north-1:000000000000:table/omfordelning-ledger',
      REGION_TEXT: 'region eu-north-1 table omfordelning-ledger',
      JOINED: 'a-000000000000',
    });
    expect(submit.resolutions.map((r) => `${r.variable} ${r.from}`)).toEqual([
      'TABLE_NAME Ref Ledger',
      'STATE_MACHINE_ARN Ref Machine',
      'TABLE_ARN Fn::GetAtt Ledger.Arn',
      'REGION_TEXT Fn::Sub',
      'JOINED Fn::Join',
    ]);
  });

  it('takes explicit values for Ref from the caller', () => {
    const submit = byKey(routesFromTemplate(fixture(), { ...LOCAL, refs: { Machine: 'arn:local:machine' } }), 'POST /v1/years/{year}/proposals');
    expect(submit.env.STATE_MACHINE_ARN).toBe('arn:local:machine');
  });

  it('refuses a template it cannot run, naming every problem', () => {
    const broken = fixture();
    delete (broken.Resources.GetFn as { Metadata?: unknown }).Metadata;
    (broken.Resources.CycleRoute.Properties as Record<string, unknown>).AuthorizationType = 'AWS_IAM';
    expect(() => routesFromTemplate(broken, LOCAL)).toThrow(/GetFn: Metadata saknar "omfordelning:entry"[\s\S]*CycleRoute: AuthorizationType "AWS_IAM"/);
  });

  it('returns no routes for a template without an API', () => {
    expect(routesFromTemplate({ Resources: { Ledger: { Type: 'AWS::DynamoDB::Table' } } }, LOCAL)).toEqual([]);
  });
});

describe('routes of the synthesized CDK template', () => {
  it('serves every route of ROUTES with the same method, path, authorization and environment', async () => {
    const before = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    const { synthesizeTemplate } = await import('../../infra/synth');
    const template = synthesizeTemplate();
    if (before === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = before;

    const routes = routesFromTemplate(template, LOCAL);
    const expected = ROUTES.map((r) => ({
      routeKey: `${r.method} ${r.path}`,
      authorization: 'public' in r && r.public ? 'NONE' : 'JWT',
      entry: `functions/${r.name}/index.ts`,
    }));
    expect(routes.map(({ routeKey, authorization, entry }) => ({ routeKey, authorization, entry })).sort((a, b) => a.routeKey.localeCompare(b.routeKey))).toEqual(
      expected.sort((a, b) => a.routeKey.localeCompare(b.routeKey)),
    );
    for (const route of routes) {
      expect(route.env.TABLE_NAME).toBe('omfordelning-ledger');
      expect(route.env.MAIL_FROM).toMatch(/@/);
    }
  }, 60_000);
});

describe('Router', () => {
  const router = new Router(routesFromTemplate(fixture(), LOCAL));

  it('matches exact and templated paths, decoding path parameters', () => {
    expect(router.match('GET', '/v1/health')).toMatchObject({ kind: 'found', params: {}, route: { entry: 'functions/health/index.ts' } });
    expect(router.match('GET', '/v1/years/2028/proposals/0360')).toMatchObject({ kind: 'found', params: { year: '2028', giver: '0360' } });
    expect(router.match('POST', '/v1/years/20%32%38/proposals')).toMatchObject({ kind: 'found', params: { year: '2028' } });
    expect(router.match('PATCH', '/v1/years/2028/cycle/calendar')).toMatchObject({ kind: 'found', route: { functionId: 'CycleFn' } });
  });

  it('tells a wrong method (405, with the allowed ones) from an unknown path (404)', () => {
    expect(router.match('DELETE', '/v1/health')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
    expect(router.match('GET', '/v1/years/2028/proposals')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(router.match('GET', '/v1/nope')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/v1/health/')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/v1/years/2028/proposals/0360/extra')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/v1/years//proposals/0360')).toEqual({ kind: 'not-found' });
  });

  it('prefers literal segments over parameters, and falls back to $default', () => {
    const routes = [...routesFromTemplate(fixture(), LOCAL)];
    const extra = (routeKey: string, path: string, method: string): LocalRoute => ({
      ...routes[0]!,
      routeKey,
      method,
      path,
      ...compilePath(path),
      functionId: routeKey,
    });
    const r = new Router([
      ...routes,
      extra('GET /v1/years/{year}/proposals/{giver}/{x}', '/v1/years/{year}/proposals/{giver}/{x}', 'GET'),
      extra('GET /v1/years/{year}/proposals/{giver}/consent', '/v1/years/{year}/proposals/{giver}/consent', 'GET'),
      extra('$default', '$default', 'ANY'),
    ]);
    expect(r.match('GET', '/v1/years/2028/proposals/0360/consent')).toMatchObject({ route: { routeKey: 'GET /v1/years/{year}/proposals/{giver}/consent' } });
    expect(r.match('GET', '/v1/years/2028/proposals/0360/other')).toMatchObject({ params: { x: 'other' } });
    expect(r.match('GET', '/whatever')).toMatchObject({ kind: 'found', route: { routeKey: '$default' } });
  });

  it('compiles greedy {proxy+} parameters', () => {
    const { pattern, paramNames } = compilePath('/files/{proxy+}');
    expect(paramNames).toEqual(['proxy']);
    expect(pattern.exec('/files/a/b/c')?.[1]).toBe('a/b/c');
  });
});

describe('toEvent (API Gateway HTTP API payload 2.0)', () => {
  const [route] = routesFromTemplate(fixture(), LOCAL).filter((r) => r.routeKey === 'POST /v1/years/{year}/proposals');
  const req = (rawHeaders: string[]) => ({ rawHeaders, httpVersion: '1.1', socket: { remoteAddress: '::ffff:127.0.0.1' } }) as unknown as IncomingMessage;

  it('builds the v2 event: lower-cased headers, cookies, query, path parameters, virtual time, claims', () => {
    const event = toEvent({
      req: req(['Host', '127.0.0.1:3000', 'Content-Type', 'application/json', 'X-Multi', 'a', 'x-multi', 'b', 'Cookie', 'a=1; b=2', 'User-Agent', 'curl/8']),
      method: 'POST',
      rawPath: '/v1/years/2028/proposals',
      rawQueryString: 'county=01&x=a%20b&x=c&flag',
      route: route!,
      params: { year: '2028' },
      body: Buffer.from('{"receiver":"0380"}'),
      claims: { 'cognito:groups': '[admin]' },
      requestId: 'req-1',
      nowMs: Date.parse('2027-09-01T08:00:00Z'),
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/years/{year}/proposals',
      rawPath: '/v1/years/2028/proposals',
      rawQueryString: 'county=01&x=a%20b&x=c&flag',
      cookies: ['a=1', 'b=2'],
      headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-multi': 'a,b', 'user-agent': 'curl/8' },
      queryStringParameters: { county: '01', x: 'a b,c', flag: '' },
      pathParameters: { year: '2028' },
      body: '{"receiver":"0380"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/v1/years/2028/proposals', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
        routeKey: 'POST /v1/years/{year}/proposals',
        stage: '$default',
        requestId: 'req-1',
        timeEpoch: Date.parse('2027-09-01T08:00:00Z'),
        time: '01/Sep/2027:08:00:00 +0000',
        authorizer: { jwt: { claims: { 'cognito:groups': '[admin]' }, scopes: null } },
      },
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it('omits what API Gateway omits: body, query, authorizer on public routes; base64 for binary bodies', () => {
    const common = { method: 'POST', rawPath: '/x', route: route!, params: {}, requestId: 'r', nowMs: 0 };
    const empty = toEvent({ ...common, req: req([]), rawQueryString: '', body: Buffer.alloc(0), claims: undefined });
    expect(empty).not.toHaveProperty('body');
    expect(empty).not.toHaveProperty('queryStringParameters');
    expect(empty.requestContext).not.toHaveProperty('authorizer');
    const binary = toEvent({ ...common, req: req(['Content-Type', 'application/octet-stream']), rawQueryString: '', body: Buffer.from([0, 1, 2]), claims: undefined });
    expect(binary).toMatchObject({ body: 'AAEC', isBase64Encoded: true });
    const csv = toEvent({ ...common, req: req(['Content-Type', 'text/csv']), rawQueryString: '', body: Buffer.from('a,b'), claims: undefined });
    expect(csv).toMatchObject({ body: 'a,b', isBase64Encoded: false });
  });

  it('formats requestContext.time like API Gateway', () => {
    expect(clfTime(Date.parse('2026-01-05T03:04:05.678Z'))).toBe('05/Jan/2026:03:04:05 +0000');
  });
});

describe('virtual clock', () => {
  it('starts at --now and runs forward in real time', () => {
    let real = 1_000_000;
    const clock = createClock('2027-09-01T08:00:00Z', () => real);
    expect(clock.nowIso()).toBe('2027-09-01T08:00:00.000Z');
    real += 1500;
    expect(clock.nowIso()).toBe('2027-09-01T08:00:01.500Z');
    expect(clock.virtual).toBe(true);
  });

  it('is real time without --now', () => {
    const clock = createClock(undefined, () => 42);
    expect(clock.now()).toBe(42);
    expect(clock.virtual).toBe(false);
  });

  it('moves forward, never back, and refuses what is not an ISO-8601 instant with a zone', () => {
    let real = 0;
    const clock = createClock('2027-09-01T08:00:00Z', () => real);
    const seen: number[] = [];
    clock.onChange((ms) => seen.push(ms));
    expect(clock.set('2027-10-01T10:00:00+02:00')).toBe('2027-10-01T08:00:00.000Z');
    real += 10;
    expect(clock.nowIso()).toBe('2027-10-01T08:00:00.010Z');
    expect(() => clock.set('2027-09-30T00:00:00Z')).toThrow(expect.objectContaining({ code: 'CLOCK_BACKWARDS' }));
    expect(() => clock.set('2027-10-02')).toThrow(expect.objectContaining({ code: 'INVALID_INSTANT' }));
    expect(() => clock.set('2027-02-31T00:00:00Z')).toThrow(expect.objectContaining({ code: 'INVALID_INSTANT' }));
    expect(seen).toEqual([Date.parse('2027-10-01T08:00:00Z')]);
    expect(parseInstant('2027-10-01T08:00Z')).toBe(Date.parse('2027-10-01T08:00:00Z'));
    expect(parseInstant('2027-10-01T08:00:00.123456Z')).toBe(Date.parse('2027-10-01T08:00:00.123Z'));
  });

  it('the start-up example picks the open submission window or the next one', () => {
    expect(exampleYear('2027-09-01T08:00:00.000Z')).toEqual({ year: 2028 });
    expect(exampleYear('2026-11-29T20:00:00.000Z')).toEqual({ year: 2028, moveTo: '2027-08-17T10:00:00Z' });
    expect(exampleYear('2027-03-01T00:00:00.000Z')).toEqual({ year: 2028, moveTo: '2027-08-17T10:00:00Z' });
  });
});

describe('local tokens', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'omfordelning-tokens-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('validates role and codes against the reference data', () => {
    expect(claimsFor({ role: 'municipality', municipality: '0180' })).toEqual({ 'cognito:groups': ['municipality'], 'custom:municipality': '0180' });
    expect(claimsFor({ role: 'county', county: '01' })).toEqual({ 'cognito:groups': ['county'], 'custom:county': '01' });
    expect(claimsFor({ role: 'admin' })).toEqual({ 'cognito:groups': ['admin'] });
    for (const bad of [{}, { role: 'king' }, { role: 'municipality' }, { role: 'municipality', municipality: '9999' }, { role: 'county', county: '02' }, { role: 'county', county: '01', municipality: '0180' }, { role: 'admin', county: '01' }]) {
      expect(() => claimsFor(bad)).toThrow(LocalStackError);
    }
    expect(() => claimsFor({ role: 'municipality', municipality: '9999' })).toThrow(/Okänd kommunkod "9999".* \/ Unknown municipality code/);
  });

  it('creates the key file once and reuses it', async () => {
    const d = dir();
    const first = await loadOrCreateKeys(d);
    const second = await loadOrCreateKeys(d);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.kid).toBe(first.kid);
  });

  it('reports a damaged key file in one line', async () => {
    const d = dir();
    writeFileSync(join(d, 'jwt-key.json'), '{nope');
    await expect(loadOrCreateKeys(d)).rejects.toThrow(/jwt-key.json är skadad/);
  });

  it('accepts its own tokens (with or without Bearer) and rejects missing, malformed, foreign, expired ones', async () => {
    const keys = await loadOrCreateKeys(dir());
    const verifier = localTokenVerifier(keys.publicKey);
    const token = await mintToken(keys, { 'cognito:groups': ['county'], 'custom:county': '01' });
    const ok = await verifier.verify(`Bearer ${token}`);
    expect(ok).toMatchObject({ ok: true, claims: { 'cognito:groups': '[county]', 'custom:county': '01', iss: ISSUER, aud: AUDIENCE, sub: 'local-county-01' } });
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
    expect(await verifier.verify(undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/Inloggning krävs/) });
    expect(await verifier.verify('Bearer nonsense')).toMatchObject({ ok: false, message: expect.stringMatching(/inte är en JWT/) });
    const other = await loadOrCreateKeys(dir());
    expect(await verifier.verify(`Bearer ${await mintToken(other, { 'cognito:groups': ['admin'] })}`)).toMatchObject({ ok: false, message: expect.stringMatching(/signaturen inte stämmer/) });
    const old = await mintToken(keys, { 'cognito:groups': ['admin'] }, { nowSeconds: Math.floor(Date.now() / 1000) - 13 * 3600 });
    expect(await verifier.verify(`Bearer ${old}`)).toMatchObject({ ok: false, message: expect.stringMatching(/gått ut/) });
    const wrongIssuer = await new SignJWT({ 'cognito:groups': ['admin'] }).setProtectedHeader({ alg: 'ES256' }).setIssuer('someone').setAudience(AUDIENCE).setExpirationTime('1h').sign(keys.privateKey);
    expect(await verifier.verify(`Bearer ${wrongIssuer}`)).toMatchObject({ ok: false, message: expect.stringMatching(/iss/) });
  });

  it('rejects a cached token once it expires', async () => {
    const keys = await loadOrCreateKeys(dir());
    let now = Date.now();
    const verifier = localTokenVerifier(keys.publicKey, () => now);
    const token = await mintToken(keys, { 'cognito:groups': ['admin'] }, { ttlSeconds: 60 });
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
    now += 61_000;
    expect(await verifier.verify(token)).toMatchObject({ ok: false });
  });
});

describe('data directory lock', () => {
  it('refuses a second holder and takes over a lock left by a dead process', () => {
    const d = mkdtempSync(join(tmpdir(), 'omfordelning-lock-'));
    try {
      const lock = acquireLock(d);
      expect(() => acquireLock(d)).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED' }));
      lock.release();
      writeFileSync(join(d, 'LOCK'), '2147483646\n'); // no such pid
      acquireLock(d).release();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('local server: handler results and failures', () => {
  const routes = routesFromTemplate(fixture(), LOCAL);
  const errors: unknown[] = [];
  let result: () => unknown = () => ({ statusCode: 200 });
  const options: LocalServerOptions = {
    router: new Router(routes),
    invoke: async () => result(),
    verifier: { verify: async () => ({ ok: true, claims: {} }) },
    clock: createClock('2027-09-01T08:00:00Z'),
    errorLog: (message, fields) => errors.push({ message, ...fields }),
  };
  const server = createLocalServer(() => options);
  let base = '';
  afterAll(() => close(server));
  const get = async () => {
    base ||= `http://127.0.0.1:${await listen(server, 0)}`;
    const res = await fetch(`${base}/v1/health`);
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  it('writes status, headers, cookies and (base64) bodies as API Gateway does', async () => {
    result = () => ({ statusCode: 202, headers: { 'X-Custom': 'yes', 'content-type': 'text/csv' }, cookies: ['a=1', 'b=2'], body: 'a,b' });
    const res = await get();
    expect(res).toMatchObject({ status: 202, text: 'a,b' });
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    result = () => ({ statusCode: 200, body: Buffer.from('binär').toString('base64'), isBase64Encoded: true });
    expect((await get()).text).toBe('binär');
    result = () => '{"plain":true}';
    expect(await get()).toMatchObject({ status: 200, text: '{"plain":true}' });
    result = () => ({ some: 'object' });
    expect(await get()).toMatchObject({ status: 200, text: '{"some":"object"}' });
  });

  it('turns a throwing handler into 500 with the error body, and logs it', async () => {
    result = () => {
      throw new Error('boom');
    };
    const res = await get();
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Ett oväntat fel inträffade.', details: [] } });
    expect(errors).toEqual([expect.objectContaining({ message: 'request failed', error: expect.stringContaining('boom') })]);
  });

  it('answers 503 until the stack is ready', async () => {
    const starting = createLocalServer(() => undefined);
    const port = await listen(starting, 0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/health`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STARTING');
    } finally {
      await close(starting);
    }
  });
});
