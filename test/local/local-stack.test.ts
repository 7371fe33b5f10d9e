import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { municipalitiesOf } from '../../shared/reference';
import { loadOrCreateKeys, mintToken } from '../../local/tools/tokens';
import { LocalStackError } from '../../local/emulators/errors';
import { spawnLocalStack, startTestStack, tempDataDir, type TestStack } from '../support/local-stack';

const YEAR = 2028;
const START = '2027-09-01T08:00:00Z'; // inside the default submission window of share year 2028
const COUNTY = '03';
const shares = municipalitiesOf(COUNTY).map((m, i) => ({ municipality: m.code, perMille: 1 + i }));
const [giver, receiver] = [shares[0]!.municipality, shares[1]!.municipality];

const notFoundBody = { error: { code: 'NOT_FOUND', message: 'Sidan finns inte.', details: [] } };

describe('local stack (in-process)', () => {
  let stack: TestStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDataDir();
    stack = await startTestStack({ dataDir, now: START });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the public health route', async () => {
    const res = await stack.request('GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('reads its routes from the template', () => {
    expect(stack.routes.length).toBeGreaterThan(10);
    expect(stack.loadErrors).toEqual([]);
    expect(stack.env.TABLE_NAME).toBe(stack.dynamo.tableName);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(stack.dynamo.endpoint);
    // The notices link the web app where this stack serves it, not the template's distribution.
    expect(stack.env.APP_BASE_URL).toBe(stack.apiUrl);
  });

  it('refuses JWT routes without a token, with a malformed, foreign or expired one (401, handler not run)', async () => {
    const path = `/v1/years/${YEAR}/proposals`;
    const expect401 = async (headers: Record<string, string>) => {
      const res = await stack.request('GET', path, { headers });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String), details: [] } });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      return res.body.error.message as string;
    };
    expect(await expect401({})).toMatch(/Inloggning krävs/);
    expect(await expect401({ authorization: 'Bearer not.a.token' })).toMatch(/Token är ogiltig/);
    const foreignDir = tempDataDir();
    try {
      const foreignKeys = await loadOrCreateKeys(foreignDir);
      expect(await expect401({ authorization: `Bearer ${await mintToken(foreignKeys, { 'cognito:groups': ['admin'] })}` })).toMatch(/signaturen/);
    } finally {
      rmSync(foreignDir, { recursive: true, force: true });
    }
    const expired = await mintToken(stack.keys, { 'cognito:groups': ['admin'] }, { nowSeconds: Math.floor(Date.now() / 1000) - 13 * 3600 });
    expect(await expect401({ authorization: `Bearer ${expired}` })).toMatch(/gått ut/);
  });

  it('passes valid tokens to the handler with the claims and the virtual time', async () => {
    const admin = await stack.tokenFor({ role: 'admin' });
    const imported = await stack.request('PUT', `/v1/years/${YEAR}/shares`, { token: admin, json: { shares } });
    expect(imported.status).toBe(200);

    const municipality = await stack.tokenFor({ role: 'municipality', municipality: giver });
    const submitted = await stack.request('POST', `/v1/years/${YEAR}/proposals`, { token: municipality, json: { receiver, perMille: 0.5 } });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ giver, receiver, county: COUNTY, status: 'AWAITING_RECEIVER' });
    // The handler saw the virtual clock (started at START), not the real one.
    expect(submitted.body.createdAt.slice(0, 13)).toBe(START.slice(0, 13));

    // The handler's own refusal (403/409/…) comes back as is: the giver cannot submit twice.
    const again = await stack.request('POST', `/v1/years/${YEAR}/proposals`, { token: municipality, json: { receiver, perMille: 0.5 } });
    expect(again.status).toBe(409);
  });

  it('answers 404 for unknown routes and 405 for a wrong method on a known path', async () => {
    const unknown = await stack.request('GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(notFoundBody);
    expect((await stack.request('GET', '/_local/nothing-here')).body).toEqual(notFoundBody);
    const wrong = await stack.request('DELETE', '/v1/health');
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining('GET'), details: [] } });
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('refuses bodies over 1 MiB with 413 without reading them', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${stack.apiUrl}/v1/years/${YEAR}/shares`, { method: 'PUT', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(big);
    });
    expect(status).toBe(413);
    // Chunked, no content-length: cut off after 1 MiB.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${stack.apiUrl}/v1/health`, { method: 'GET', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let i = 0; i < 17; i++) req.write('y'.repeat(64 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);
  });

  it('shows and moves the virtual clock, forward only', async () => {
    const first = await stack.request('GET', '/_local/clock');
    expect(first.status).toBe(200);
    expect(Date.parse(first.body.now)).toBeGreaterThanOrEqual(Date.parse(START));
    expect(Date.parse(first.body.now)).toBeLessThan(Date.parse(START) + 60 * 60_000);

    const moved = await stack.request('POST', '/_local/clock', { json: { now: '2027-10-01T10:00:00+02:00' } });
    expect(moved.status).toBe(200);
    expect(moved.body.now).toBe('2027-10-01T08:00:00.000Z');
    const after = await stack.request('GET', '/_local/clock');
    expect(Date.parse(after.body.now)).toBeGreaterThanOrEqual(Date.parse('2027-10-01T08:00:00Z'));

    const back = await stack.request('POST', '/_local/clock', { json: { now: '2027-09-15T00:00:00Z' } });
    expect(back.status).toBe(409);
    expect(back.body.error).toMatchObject({ code: 'CLOCK_BACKWARDS', message: expect.stringContaining('framåt') });

    for (const body of [{ now: 'tomorrow' }, { now: '2027-12-01' }, {}]) {
      const invalid = await stack.request('POST', '/_local/clock', { json: body });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await stack.request('POST', '/_local/clock', { body: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await stack.request('DELETE', '/_local/clock')).status).toBe(405);
  });

  it('refuses a second stack on the same data directory', async () => {
    const error = await startTestStack({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalStackError);
    expect(error).toMatchObject({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) });
    // The running stack is unharmed.
    expect((await stack.request('GET', '/v1/health')).status).toBe(200);
  });

  it('reports a port in use in one line', async () => {
    const error = await startTestStack({ port: stack.port }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PORT_IN_USE', message: `Port ${stack.port} används redan (API). Stoppa det som kör där eller välj en annan port med --port.` });
  });

  it('keeps the data across a restart on the same data directory', async () => {
    const county = await stack.tokenFor({ role: 'county', county: COUNTY });
    const before = await stack.request('GET', `/v1/years/${YEAR}/proposals/${giver}`, { token: county });
    expect(before.status).toBe(200);
    await stack.stop();
    expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);

    stack = await startTestStack({ dataDir, now: '2027-10-02T08:00:00Z' });
    // Tokens stay valid: the key lives in the data directory.
    const after = await stack.request('GET', `/v1/years/${YEAR}/proposals/${giver}`, { token: county });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect(JSON.parse(readFileSync(join(dataDir, 'jwt-key.json'), 'utf8')).kid).toBe(stack.keys.kid);
  });
});

describe('npm start (CLI)', () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const dir = () => {
    const d = tempDataDir();
    dirs.push(d);
    return d;
  };

  it('starts, refuses a second start on the same data directory, stops on Ctrl-C with exit code 0', async () => {
    const dataDir = dir();
    const first = await spawnLocalStack(['--port', '0', '--data-dir', dataDir, '--now', START]);
    try {
      expect(first.apiUrl, first.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.output()).toContain(`curl -s -X PUT $API/v1/years/${YEAR}/shares`);
      expect(await (await fetch(`${first.apiUrl}/v1/health`)).json()).toEqual({ status: 'ok' });

      const second = await spawnLocalStack(['--port', '0', '--data-dir', dataDir]);
      expect(await second.exited).toBe(1);
      expect(second.output().trim().split('\n')).toEqual([expect.stringMatching(/^Datakatalogen .* används redan av en annan lokal stack/)]);
    } finally {
      expect(await first.stop('SIGINT')).toBe(0);
    }
    expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
  }, 90_000);

  it('exits 1 with one line when the port is in use', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const run = await spawnLocalStack(['--port', String(port), '--data-dir', dir()]);
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toBe(`Port ${port} används redan (API). Stoppa det som kör där eller välj en annan port med --port.`);
  }, 60_000);

  it('exits 1 with one line when the data directory is not writable', async () => {
    const parent = dir();
    const file = join(parent, 'a-file');
    mkdirSync(parent, { recursive: true });
    await import('node:fs').then((fs) => fs.writeFileSync(file, ''));
    const run = await spawnLocalStack(['--port', '0', '--data-dir', join(file, 'data')]);
    expect(await run.exited).toBe(1);
    expect(run.output().trim().split('\n')).toEqual([expect.stringMatching(/^Datakatalogen .* går inte att skriva i \(E[A-Z]+\)/)]);
  }, 60_000);
});
