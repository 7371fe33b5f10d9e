/**
 * Restart: stop the local stack, start it again on the same data directory, and everything
 * is still there: shares, proposals in every status, the audit trail, contacts, a moved
 * calendar, stored idempotent responses and the signing key (tokens stay valid). Then the
 * ledgers go on where they stopped. Last, `npm start` (the CLI, its own process) on the
 * same directory serves the same data, and stops cleanly on Ctrl-C.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUNICIPALITIES } from '../../shared/reference';
import { spawnLocalStack, startTestStack, tempDataDir, type TestStack } from '../support/local-stack';
import { OPEN_NOW, YEAR, importExampleShares, storedState } from '../support/e2e';
import { HABO, HEBY, KNIVSTA, SOLNA, SUNDBYBERG, TIERP, UPPSALA } from '../support/places';

const LATER = '2027-09-02T10:00:00Z';


const dataDir = tempDataDir('omfordelning-e2e-restart-');
let stack: TestStack;
const year = `/v1/years/${YEAR}`;
/** Tokens minted by the first run; the key that signed them lives in the data directory. */
const token: Record<string, string> = {};

async function ok(method: string, path: string, who: string, json?: unknown, status = 200, headers?: Record<string, string>) {
  const res = await stack.request(method, path, { token: token[who]!, ...(json !== undefined && { json }), ...(headers && { headers }) });
  expect(res.status, `${method} ${path}: ${res.text.slice(0, 300)}`).toBe(status);
  return res;
}

/** Everything the API shows of the stored data (not the phase: that follows the clock). */
async function everything() {
  const ledgers = await storedState(stack, token.admin!, YEAR, ['01', '03']);
  const calendars = await Promise.all([YEAR, YEAR + 1].map(async (y) => (await ok('GET', `/v1/years/${y}/cycle`, 'admin')).body.calendar));
  const one = (await ok('GET', `${year}/proposals/${TIERP}`, TIERP)).body;
  return { ...ledgers, calendars, one };
}

let firstResponse: { status: number; body: unknown };
let before: Awaited<ReturnType<typeof everything>>;
let kid: string;

beforeAll(async () => {
  stack = await startTestStack({ dataDir, now: OPEN_NOW });
  kid = stack.keys.kid;
  token.admin = await stack.tokenFor({ role: 'admin' });
  token.county = await stack.tokenFor({ role: 'county', county: '03' });
  for (const code of [HABO, KNIVSTA, HEBY, TIERP, UPPSALA, SOLNA, SUNDBYBERG]) token[code] = await stack.tokenFor({ role: 'municipality', municipality: code });

  await importExampleShares(stack, token.admin, YEAR, [...new Set(MUNICIPALITIES.map((m) => m.county))]);
  await ok('PUT', '/v1/contacts', 'admin', { municipalities: { [SUNDBYBERG]: { email: 'registrator@sundbyberg.example.se' } } });
  await ok('PATCH', `/v1/years/${YEAR + 1}/cycle/calendar`, 'admin', { deadline: '2028-11-09T23:59:59+01:00' });
  await ok('POST', `${year}/proposals`, TIERP, { receiver: UPPSALA, perMille: 0.5 }, 201);
  await ok('POST', `${year}/proposals/${TIERP}/consent`, UPPSALA, { accept: true });
  const first = await ok('POST', `${year}/proposals`, HEBY, { receiver: KNIVSTA, perMille: 1 }, 201, { 'idempotency-key': 'heby-1' });
  firstResponse = { status: first.status, body: first.body };
  await ok('POST', `${year}/proposals`, HABO, { receiver: UPPSALA, perMille: 1 }, 201);
  await ok('DELETE', `${year}/proposals/${HABO}`, HABO);
  before = await everything();

  await stack.stop();
  expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
  stack = await startTestStack({ dataDir, now: LATER });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('after a restart on the same data directory', () => {
  it('shows exactly what was stored: shares, proposals, audit, calendars; tokens still valid', async () => {
    expect(stack.keys.kid).toBe(kid);
    expect(before.proposals.proposals.map((p: { giver: string; status: string }) => [p.giver, p.status])).toEqual([
      [HABO, 'WITHDRAWN'],
      [HEBY, 'AWAITING_RECEIVER'],
      [TIERP, 'AGREED'],
    ]);
    expect(before.shares.shares).toHaveLength(290);
    expect(before.calendars[1].deadline).toBe('2028-11-09T22:59:59Z');
    expect(await everything()).toEqual(before);
  });

  it('answers a retried request with the response stored before the restart', async () => {
    const replay = await ok('POST', `${year}/proposals`, HEBY, { receiver: KNIVSTA, perMille: 1 }, 201, { 'idempotency-key': 'heby-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect({ status: replay.status, body: replay.body }).toEqual(firstResponse);
  });

  it('goes on where the ledgers stopped, under the same rules and contacts', async () => {
    const again = await stack.request('POST', `${year}/proposals`, { token: token[TIERP]!, json: { receiver: UPPSALA, perMille: 0.1 } });
    expect([again.status, again.body.error.code]).toEqual([409, 'GIVER_HAS_PROPOSAL']);

    const lastSeq = before.audits[1].events.at(-1).seq;
    const consented = await ok('POST', `${year}/proposals/${HEBY}/consent`, KNIVSTA, { accept: true });
    expect(consented.body).toMatchObject({ status: 'AGREED', version: 2, receiverConsentAt: expect.stringMatching(/^2027-09-02T10:/) });
    const audit = (await ok('GET', `${year}/audit?county=03`, 'county')).body.events;
    expect(audit.at(-1)).toMatchObject({ seq: lastSeq + 1, type: 'ReceiverConsented', giver: HEBY });
    expect(audit.slice(0, -1)).toEqual(before.audits[1].events);

    const mailsBefore = (await stack.emails()).length;
    await ok('POST', `${year}/proposals`, SOLNA, { receiver: SUNDBYBERG, perMille: 0.25 }, 201);
    const mails = (await stack.emails()).slice(mailsBefore);
    expect(mails.map((m) => m.destination.to)).toEqual([['registrator@sundbyberg.example.se'], ['kommun-0184@kommun.example.se'], ['lansstyrelsen-01@lst.example.se']]);
  });

  it('npm start (its own process) serves the same data and stops cleanly on Ctrl-C', async () => {
    const now = await everything();
    await stack.stop();
    const cli = await spawnLocalStack(['--port', '0', '--data-dir', dataDir, '--now', LATER, '--quiet']);
    try {
      expect(cli.apiUrl, cli.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const get = async (path: string, who: string) => {
        const res = await fetch(cli.apiUrl + path, { headers: { authorization: `Bearer ${token[who]}` } });
        expect(res.status, path).toBe(200);
        return res.json();
      };
      expect(await get(`${year}/proposals`, 'admin')).toEqual(now.proposals);
      expect(await get(`${year}/audit?county=03`, 'county')).toEqual(now.audits[1]);
      expect(await get(`${year}/shares?county=01`, SOLNA)).toEqual({ year: YEAR, shares: now.shares.shares.filter((s: { county: string }) => s.county === '01') });
    } finally {
      expect(await cli.stop('SIGINT')).toBe(0);
    }
    expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
  }, 90_000);
});
