/**
 * Bad input over real HTTP: malformed JSON, wrong types, unknown fields, huge bodies,
 * amounts with four decimals, unknown municipality and county codes, bad paths and queries.
 * Every one is answered 400/401/404/405/413/422 with the contract's error body (a Swedish
 * message), never 5xx, and nothing is written: after each request the ledgers (every event,
 * all proposals and shares) and the cycle records are exactly as before.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestResponse, type TestStack } from '../support/local-stack';
import { OPEN_NOW, YEAR, expectError, importExampleShares, muteInfoLogs, shareOf, shareRows, storedState, tokens, type Tokens } from '../support/e2e';
import { HEBY, TIERP, UPPSALA } from '../support/places';

// HEBY has no proposal: its amounts reach the rules.

muteInfoLogs();

let stack: TestStack;
let t: Tokens;
let before: unknown;

const year = `/v1/years/${YEAR}`;
const PROPOSALS = `${year}/proposals`;
const TIERPS = `${year}/proposals/${TIERP}`;

type Caller = 'admin' | 'county' | 'tierp' | 'heby' | 'uppsala' | 'unknown municipality' | 'none';
interface Case {
  name: string;
  method: string;
  path: string;
  as: Caller;
  /** JSON value (sent as JSON) or raw text (sent as is). */
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

async function tokenOf(caller: Caller): Promise<string | undefined> {
  switch (caller) {
    case 'admin':
      return t.admin();
    case 'county':
      return t.county('03');
    case 'tierp':
      return t.municipality(TIERP);
    case 'heby':
      return t.municipality(HEBY);
    case 'uppsala':
      return t.municipality(UPPSALA);
    case 'unknown municipality':
      // A validly signed token whose municipality is not in the reference data.
      return stack.tokenFor({ 'custom:role': 'municipality', 'custom:municipality': '0399' });
    case 'none':
      return undefined;
  }
}

async function send(c: Case): Promise<TestResponse> {
  const token = await tokenOf(c.as);
  const headers = { ...(c.raw !== undefined && { 'content-type': 'application/json' }), ...c.headers };
  return stack.request(c.method, c.path, { ...(token && { token }), ...(c.json !== undefined && { json: c.json }), ...(c.raw !== undefined && { body: c.raw }), headers });
}

/** What is stored: ledgers of the counties with proposals, every proposal and share, the cycle records. */
async function snapshot() {
  const admin = await t.admin();
  const ledgers = await storedState(stack, admin, YEAR, ['01', '03']);
  const cycles = await Promise.all(
    [YEAR, 2040, 2041].map(async (y) => {
      const res = await stack.request('GET', `/v1/years/${y}/cycle`, { token: admin });
      return { calendar: res.body.calendar, workflow: res.body.workflow };
    }),
  );
  return { ledgers, cycles };
}

const submitAs = (name: string, body: Omit<Case, 'name' | 'method' | 'path' | 'as'>): Case => ({ name, method: 'POST', path: PROPOSALS, as: 'tierp', ...body });
const valid = { receiver: UPPSALA, perMille: 0.5 };
const malformed = (name: string, method: string, path: string, as: Caller, raw: string): Case => ({ name, method, path, as, raw, status: 400, code: 'MALFORMED_JSON' });
const invalid = (name: string, method: string, path: string, as: Caller, json: unknown): Case => ({ name, method, path, as, json, status: 400, code: 'VALIDATION_FAILED' });

const GROUPS: Record<string, Case[]> = {
  'malformed JSON': [
    malformed('submit: cut off', 'POST', PROPOSALS, 'tierp', '{"receiver": "0380", "perMille": '),
    malformed('submit: unquoted keys', 'POST', PROPOSALS, 'tierp', '{receiver: "0380", perMille: 0.5}'),
    malformed('submit: single quotes', 'POST', PROPOSALS, 'tierp', "{'receiver': '0380', 'perMille': 0.5}"),
    malformed('submit: trailing garbage', 'POST', PROPOSALS, 'tierp', '{"receiver":"0380","perMille":0.5}}'),
    malformed('submit: NaN', 'POST', PROPOSALS, 'tierp', '{"receiver":"0380","perMille":NaN}'),
    malformed('submit: CSV sent as CSV to a JSON route', 'POST', PROPOSALS, 'tierp', 'receiver,perMille\n0380,0.5\n'),
    malformed('amend', 'PATCH', TIERPS, 'tierp', '{"perMille": 0.'),
    malformed('consent', 'POST', `${TIERPS}/consent`, 'uppsala', 'tru'),
    malformed('decision', 'POST', `${TIERPS}/decision`, 'county', '{"outcome":'),
    malformed('import shares', 'PUT', `${year}/shares`, 'admin', '{"shares": ['),
    malformed('import contacts', 'PUT', '/v1/contacts', 'admin', '{"municipalities":'),
    malformed('start a year', 'POST', '/v1/years/2040/cycle', 'admin', '{'),
    malformed('move the calendar', 'PATCH', '/v1/years/2041/cycle/calendar', 'admin', '{"deadline"'),
    { ...malformed('submit: binary body', 'POST', PROPOSALS, 'tierp', '\u0000\u0001\u0002\u00ff'), headers: { 'content-type': 'application/octet-stream' } },
  ],
  'not an object': [
    invalid('submit: array', 'POST', PROPOSALS, 'tierp', []),
    invalid('submit: null', 'POST', PROPOSALS, 'tierp', null),
    invalid('submit: string', 'POST', PROPOSALS, 'tierp', '0380'),
    invalid('submit: number', 'POST', PROPOSALS, 'tierp', 42),
    { ...invalid('submit: empty body', 'POST', PROPOSALS, 'tierp', undefined), raw: '' },
    { ...invalid('submit: deeply nested arrays', 'POST', PROPOSALS, 'tierp', undefined), raw: '['.repeat(5000) + ']'.repeat(5000) },
  ],
  'wrong types': [
    invalid('submit: receiver as a number', 'POST', PROPOSALS, 'tierp', { receiver: 380, perMille: 0.5 }),
    invalid('submit: receiver of three digits', 'POST', PROPOSALS, 'tierp', { receiver: '380', perMille: 0.5 }),
    invalid('submit: receiver with a space', 'POST', PROPOSALS, 'tierp', { receiver: '0380 ', perMille: 0.5 }),
    invalid('submit: receiver as a list', 'POST', PROPOSALS, 'tierp', { receiver: [UPPSALA], perMille: 0.5 }),
    invalid('submit: amount as a string', 'POST', PROPOSALS, 'tierp', { receiver: UPPSALA, perMille: '0.5' }),
    invalid('submit: amount null', 'POST', PROPOSALS, 'tierp', { receiver: UPPSALA, perMille: null }),
    invalid('submit: amount true', 'POST', PROPOSALS, 'tierp', { receiver: UPPSALA, perMille: true }),
    invalid('submit: amount as an object', 'POST', PROPOSALS, 'tierp', { receiver: UPPSALA, perMille: { value: 0.5 } }),
    invalid('submit: receiver missing', 'POST', PROPOSALS, 'tierp', { perMille: 0.5 }),
    invalid('amend: amount as a string', 'PATCH', TIERPS, 'tierp', { perMille: '0.5' }),
    invalid('amend: receiver null', 'PATCH', TIERPS, 'tierp', { receiver: null }),
    invalid('amend: nothing to change', 'PATCH', TIERPS, 'tierp', {}),
    invalid('consent: "ja"', 'POST', `${TIERPS}/consent`, 'uppsala', { accept: 'ja' }),
    invalid('consent: 1', 'POST', `${TIERPS}/consent`, 'uppsala', { accept: 1 }),
    invalid('consent: missing', 'POST', `${TIERPS}/consent`, 'uppsala', {}),
    invalid('decision: unknown outcome', 'POST', `${TIERPS}/decision`, 'county', { outcome: 'APPROVE' }),
    invalid('decision: lower case', 'POST', `${TIERPS}/decision`, 'county', { outcome: 'approved' }),
    invalid('decision: reason as a number', 'POST', `${TIERPS}/decision`, 'county', { outcome: 'REJECTED', reason: 42 }),
    invalid('decision: reason over 2000 characters', 'POST', `${TIERPS}/decision`, 'county', { outcome: 'REJECTED', reason: 'x'.repeat(2001) }),
    invalid('import shares: a map instead of a list', 'PUT', `${year}/shares`, 'admin', { shares: { [UPPSALA]: 1 } }),
    invalid('import shares: empty list', 'PUT', `${year}/shares`, 'admin', { shares: [] }),
    invalid('import shares: amount as text in JSON', 'PUT', `${year}/shares`, 'admin', { shares: [{ municipality: '0980', perMille: '1,5' }] }),
    invalid('import contacts: e-mail as a number', 'PUT', '/v1/contacts', 'admin', { municipalities: { [UPPSALA]: { email: 42 } } }),
    invalid('start a year: calendar as text', 'POST', '/v1/years/2040/cycle', 'admin', { calendar: 'i morgon' }),
    invalid('move the calendar: deadline as a number', 'PATCH', '/v1/years/2041/cycle/calendar', 'admin', { deadline: 5 }),
    { ...invalid('move the calendar: reminders not a list', 'PATCH', '/v1/years/2041/cycle/calendar', 'admin', { reminders: '2040-10-01T09:00:00Z' }) },
  ],
  'unknown fields': [
    invalid('submit: a note', 'POST', PROPOSALS, 'tierp', { ...valid, note: 'x' }),
    invalid('submit: on behalf of another giver', 'POST', PROPOSALS, 'tierp', { ...valid, giver: '0305' }),
    { ...invalid('submit: __proto__', 'POST', PROPOSALS, 'tierp', undefined), raw: '{"receiver":"0380","perMille":0.5,"__proto__":{"isAdmin":true}}' },
    invalid('amend: a status', 'PATCH', TIERPS, 'tierp', { perMille: 0.25, status: 'AGREED' }),
    invalid('consent: a respondent', 'POST', `${TIERPS}/consent`, 'uppsala', { accept: true, respondent: UPPSALA }),
    invalid('decision: who decided', 'POST', `${TIERPS}/decision`, 'county', { outcome: 'APPROVED', by: '01' }),
    invalid('import shares: a year', 'PUT', `${year}/shares`, 'admin', { shares: shareRows(['09']), year: 2029 }),
    invalid('import shares: a county per row', 'PUT', `${year}/shares`, 'admin', { shares: shareRows(['09']).map((r) => ({ ...r, county: '09' })) }),
    invalid('import contacts: a phone number', 'PUT', '/v1/contacts', 'admin', { municipalities: { [UPPSALA]: { email: 'a@example.se', phone: '018-00 00 00' } } }),
    invalid('import contacts: an unknown section', 'PUT', '/v1/contacts', 'admin', { regions: {} }),
    invalid('start a year: an unknown calendar field', 'POST', '/v1/years/2040/cycle', 'admin', { calendar: { opensAt: '2039-08-01T09:00:00Z' } }),
    invalid('move the calendar: force', 'PATCH', '/v1/years/2041/cycle/calendar', 'admin', { deadline: '2040-11-09T23:59:59+01:00', force: true }),
    { name: 'list proposals: unknown query', method: 'GET', path: `${PROPOSALS}?lan=03`, as: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'list shares: county and more', method: 'GET', path: `${year}/shares?county=03&all=1`, as: 'admin', status: 400, code: 'VALIDATION_FAILED' },
  ],
  'huge bodies': [
    submitAs('submit: 65 KiB of JSON', { json: { ...valid, note: 'x'.repeat(65 * 1024) }, status: 400, code: 'BODY_TOO_LARGE' }),
    {
      name: 'import shares: 100 KiB of CSV',
      method: 'PUT',
      path: `${year}/shares`,
      as: 'admin',
      raw: 'municipality_code,per_mille\n' + '0980,1\n'.repeat(15_000),
      headers: { 'content-type': 'text/csv' },
      status: 400,
      code: 'BODY_TOO_LARGE',
    },
    { name: 'import contacts: 300 KiB', method: 'PUT', path: '/v1/contacts', as: 'admin', json: { administrators: { mailbox: `${'a'.repeat(300 * 1024)}@example.se` } }, status: 400, code: 'BODY_TOO_LARGE' },
  ],
  'amounts with more than three decimals, or out of range': [
    submitAs('four decimals', { json: { receiver: UPPSALA, perMille: 0.1234 }, status: 400, code: 'INVALID_AMOUNT' }),
    submitAs('1.0001', { json: { receiver: UPPSALA, perMille: 1.0001 }, status: 400, code: 'INVALID_AMOUNT' }),
    submitAs('0.0001', { json: { receiver: UPPSALA, perMille: 0.0001 }, status: 400, code: 'INVALID_AMOUNT' }),
    submitAs('0.1 + 0.2 as a binary float', { json: { receiver: UPPSALA, perMille: 0.1 + 0.2 }, status: 400, code: 'INVALID_AMOUNT' }),
    submitAs('1e-7', { raw: '{"receiver":"0380","perMille":1e-7}', status: 400, code: 'INVALID_AMOUNT' }),
    submitAs('1e21', { raw: '{"receiver":"0380","perMille":1e21}', status: 400, code: 'INVALID_AMOUNT' }),
    submitAs('negative', { json: { receiver: UPPSALA, perMille: -0.5 }, status: 400, code: 'INVALID_AMOUNT' }),
    submitAs('over 1000 per mille', { json: { receiver: UPPSALA, perMille: 1000.001 }, status: 400, code: 'INVALID_AMOUNT' }),
    { ...submitAs('zero', { json: { receiver: UPPSALA, perMille: 0 }, status: 422, code: 'AMOUNT_NOT_POSITIVE' }), as: 'heby' },
    { ...submitAs('just over the share', { json: { receiver: UPPSALA, perMille: (Math.round(shareOf(HEBY) * 1000) + 1) / 1000 }, status: 422, code: 'AMOUNT_EXCEEDS_SHARE' }), as: 'heby' },
    { name: 'amend: four decimals', method: 'PATCH', path: TIERPS, as: 'tierp', json: { perMille: 0.5555 }, status: 400, code: 'INVALID_AMOUNT' },
    { name: 'import shares: four decimals (JSON)', method: 'PUT', path: `${year}/shares`, as: 'admin', json: { shares: [{ municipality: '0980', perMille: 1.2345 }] }, status: 400, code: 'INVALID_AMOUNT' },
    {
      name: 'import shares: four decimals (CSV)',
      method: 'PUT',
      path: `${year}/shares`,
      as: 'admin',
      raw: 'municipality_code,per_mille\n0980,1.2345\n',
      headers: { 'content-type': 'text/csv' },
      status: 400,
      code: 'INVALID_AMOUNT',
    },
  ],
  'unknown municipality and county codes': [
    submitAs('submit: unknown receiver 0399', { json: { receiver: '0399', perMille: 0.5 }, status: 404, code: 'UNKNOWN_MUNICIPALITY' }),
    submitAs('submit: unknown receiver 9999', { json: { receiver: '9999', perMille: 0.5 }, status: 404, code: 'UNKNOWN_MUNICIPALITY' }),
    { name: 'read: unknown giver', method: 'GET', path: `${PROPOSALS}/0399`, as: 'admin', status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    { name: 'amend: unknown giver', method: 'PATCH', path: `${PROPOSALS}/0399`, as: 'tierp', json: { perMille: 0.5 }, status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    { name: 'amend: to an unknown receiver', method: 'PATCH', path: TIERPS, as: 'tierp', json: { receiver: '0399' }, status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    { name: 'withdraw: unknown giver', method: 'DELETE', path: `${PROPOSALS}/0399`, as: 'tierp', status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    { name: 'consent: unknown giver', method: 'POST', path: `${PROPOSALS}/0399/consent`, as: 'uppsala', json: { accept: true }, status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    { name: 'decision: unknown giver', method: 'POST', path: `${PROPOSALS}/0399/decision`, as: 'county', json: { outcome: 'APPROVED' }, status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    { name: 'import shares: unknown code', method: 'PUT', path: `${year}/shares`, as: 'admin', json: { shares: [...shareRows(['09']), { municipality: '0399', perMille: 1 }] }, status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    {
      name: 'import shares: unknown code (CSV)',
      method: 'PUT',
      path: `${year}/shares`,
      as: 'admin',
      raw: 'municipality_code,per_mille\n0980,1.5\n0399,1\n',
      headers: { 'content-type': 'text/csv' },
      status: 404,
      code: 'UNKNOWN_MUNICIPALITY',
    },
    { name: 'import contacts: unknown municipality', method: 'PUT', path: '/v1/contacts', as: 'admin', json: { municipalities: { '0399': { email: 'a@example.se' } } }, status: 404, code: 'UNKNOWN_MUNICIPALITY' },
    { name: 'import contacts: unknown county', method: 'PUT', path: '/v1/contacts', as: 'admin', json: { counties: { '02': { mailbox: 'a@example.se' } } }, status: 404, code: 'UNKNOWN_COUNTY' },
    { name: 'list proposals: unknown county', method: 'GET', path: `${PROPOSALS}?county=02`, as: 'admin', status: 404, code: 'UNKNOWN_COUNTY' },
    { name: 'report: unknown county', method: 'POST', path: `${year}/counties/02/report`, as: 'county', status: 404, code: 'UNKNOWN_COUNTY' },
    { name: 'read a report: unknown county', method: 'GET', path: `${year}/counties/99/report`, as: 'admin', status: 404, code: 'UNKNOWN_COUNTY' },
    { name: 'token of an unknown municipality', method: 'POST', path: PROPOSALS, as: 'unknown municipality', json: valid, status: 401, code: 'UNAUTHORIZED' },
  ],
  'bad paths and methods': [
    { name: 'giver of five digits', method: 'GET', path: `${PROPOSALS}/03800`, as: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'giver not digits', method: 'PATCH', path: `${PROPOSALS}/abcd`, as: 'tierp', json: { perMille: 0.5 }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'giver badly percent-encoded', method: 'DELETE', path: `${PROPOSALS}/%ZZ`, as: 'tierp', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'county of one digit', method: 'POST', path: `${year}/counties/3/report`, as: 'county', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'year not a number', method: 'POST', path: '/v1/years/abcd/proposals', as: 'tierp', json: valid, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'year with a fraction', method: 'POST', path: '/v1/years/2028.5/proposals', as: 'tierp', json: valid, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'year out of range', method: 'POST', path: '/v1/years/1999/proposals', as: 'tierp', json: valid, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'county query of one digit', method: 'GET', path: `${year}/shares?county=3`, as: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'no such route', method: 'POST', path: `${year}/proposal`, as: 'tierp', json: valid, status: 404, code: 'NOT_FOUND' },
    { name: 'wrong method', method: 'PUT', path: PROPOSALS, as: 'tierp', json: valid, status: 405, code: 'METHOD_NOT_ALLOWED' },
  ],
};

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  t = tokens(stack);
  await importExampleShares(stack, await t.admin(), YEAR, ['01', '03']);
  // Tierp has a live proposal to Uppsala, so that amend, consent and decision bodies reach validation with a target.
  const res = await stack.request('POST', PROPOSALS, { token: await t.municipality(TIERP), json: valid });
  expect(res.status, res.text).toBe(201);
  before = await snapshot();
});
afterAll(async () => {
  await stack?.stop();
});

for (const [group, cases] of Object.entries(GROUPS)) {
  describe(group, () => {
    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.code}`, async () => {
        const res = await send(c);
        expect(res.status, `never 5xx: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        expectError(res, c.status, c.code, c.name);
        expect(await snapshot()).toEqual(before);
      });
    }
  });
}

describe('bodies over 1 MiB', () => {
  it('are refused with 413 before they are read, and nothing is written', async () => {
    const body = JSON.stringify({ ...valid, note: 'x'.repeat(2 * 1024 * 1024) });
    const token = await t.municipality(TIERP);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        `${stack.apiUrl}${PROPOSALS}`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // The server may close the connection while the rest of the body is still being sent.
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      req.end(body);
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('för stor'), details: [] } });
    expect(await snapshot()).toEqual(before);
  });
});

describe('idempotency keys of refused requests', () => {
  it('are not remembered: the same key with a good body is a new request', async () => {
    const post = async (json: unknown) =>
      stack.request('POST', PROPOSALS, { token: await t.municipality('0305'), json, headers: { 'idempotency-key': 'habo-1' } });
    expectError(await post({ receiver: UPPSALA, perMille: 0.1234 }), 400, 'INVALID_AMOUNT');
    expectError(await post({ receiver: '0180', perMille: 0.5 }), 422, 'OTHER_COUNTY');
    expect(await snapshot()).toEqual(before);
    const accepted = await post({ receiver: UPPSALA, perMille: 0.5 });
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.headers.get('idempotent-replayed')).toBeNull();
  });
});
