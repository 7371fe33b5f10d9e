/**
 * Bad input over real HTTP: malformed JSON, wrong types, unknown fields, huge bodies,
 * amounts with four decimals, unknown municipality and county codes, bad paths and queries.
 * Also strict paths (a year of exactly four digits, codes exactly as in the reference data),
 * content types (415), free text with control or direction characters, and Idempotency-Key
 * values outside the contract. Every one is answered 400/401/404/405/409/413/415/422 with the
 * contract's error body (a whole Swedish sentence, no English type words), never 5xx, and
 * nothing is written: after each request the ledgers (every event, all proposals and shares)
 * and the cycle records are exactly as before. At the end: an Idempotency-Key reused for
 * another request (also concurrently, also when only the ledger remembers the key) is refused
 * and writes nothing, and replays say so.
 */
import { request as httpRequest } from 'node:http';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestResponse, type TestStack } from '../support/local-stack';
import { OPEN_NOW, YEAR, expectError, importExampleShares, shareOf, shareRows, storedState, tokens, type Tokens } from '../support/e2e';
import { ALVKARLEBY, HEBY, KNIVSTA, OSTHAMMAR, TIERP, UPPSALA } from '../support/places';

// HEBY has no proposal: its amounts reach the rules.


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
  /** Send the raw body with no Content-Type header at all (fetch would add text/plain). */
  noContentType?: boolean;
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
      return stack.tokenFor({ 'cognito:groups': ['municipality'], 'custom:municipality': '0399' });
    case 'none':
      return undefined;
  }
}

async function send(c: Case): Promise<TestResponse> {
  const token = await tokenOf(c.as);
  if (c.noContentType) return sendWithoutContentType(c.method, c.path, token, c.raw ?? '');
  const headers = { ...(c.raw !== undefined && { 'content-type': 'application/json' }), ...c.headers };
  return stack.request(c.method, c.path, { ...(token && { token }), ...(c.json !== undefined && { json: c.json }), ...(c.raw !== undefined && { body: c.raw }), headers });
}

/** A request with a body and no Content-Type (node:http sends only the headers given). */
function sendWithoutContentType(method: string, path: string, token: string | undefined, body: string): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(body), ...(token && { authorization: `Bearer ${token}` }) };
    const req = httpRequest(`${stack.apiUrl}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const responseHeaders = new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
        resolve({ status: res.statusCode!, headers: responseHeaders, body: text ? JSON.parse(text) : undefined, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** English type and status words that must never reach a person in a message. */
const ENGLISH = /\b(string|number|undefined|boolean|bigint|object|array|expected|received|invalid|AWAITING_RECEIVER|AGREED|DECLINED|WITHDRAWN|EXPIRED)\b/i;

/** The message and every detail's message are whole sentences without English type words. */
function expectPlainSwedish(res: TestResponse, context: string): void {
  const messages = [res.body.error.message, ...res.body.error.details.map((d: { message?: unknown }) => d?.message).filter((m: unknown) => typeof m === 'string')];
  for (const message of messages) {
    expect(message, context).toMatch(/^[A-ZÅÄÖ].*[.!?]$/s);
    expect(message, context).not.toMatch(ENGLISH);
  }
}

/**
 * A year far ahead starts only with a calendar its one execution can wait for (at most 350
 * days after the start, shared/domain/calendar-horizon.ts): stored first, as an administrator may.
 */
async function planNear(year: number): Promise<void> {
  const near = { publishAt: '2028-01-17T08:00:00Z', reminders: [], deadline: '2028-03-01T22:59:59Z', countyReportAt: '2028-03-15T08:00:00Z', finalizeAt: '2028-04-03T07:00:00Z' };
  const res = await stack.request('PATCH', `/v1/years/${year}/cycle/calendar`, { token: await t.admin(), json: near });
  expect(res.status, res.text).toBe(200);
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

const heby = { receiver: UPPSALA, perMille: 0.1 };
const notAPath = (name: string, method: string, path: string, as: Caller, json?: unknown): Case => ({ name, method, path, as, json, status: 400, code: 'VALIDATION_FAILED' });
const unsupported = (name: string, method: string, path: string, as: Caller, raw: string, contentType: string | undefined): Case => ({
  name,
  method,
  path,
  as,
  raw,
  ...(contentType === undefined ? { noContentType: true } : { headers: { 'content-type': contentType } }),
  status: 415,
  code: 'UNSUPPORTED_MEDIA_TYPE',
});
const withKey = (name: string, key: string): Case => ({ name, method: 'POST', path: PROPOSALS, as: 'heby', json: heby, headers: { 'idempotency-key': key }, status: 400, code: 'INVALID_IDEMPOTENCY_KEY' });
const decideWith = (name: string, reason: string): Case => invalid(name, 'POST', `${TIERPS}/decision`, 'county', { outcome: 'REJECTED', reason });

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
      raw: `municipality_code,per_mille\n${'0980,1\n'.repeat(15_000)}`,
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
    { name: 'year with a leading space', method: 'POST', path: '/v1/years/%202028/proposals', as: 'tierp', json: valid, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'no such route', method: 'POST', path: `${year}/proposal`, as: 'tierp', json: valid, status: 404, code: 'NOT_FOUND' },
    { name: 'wrong method', method: 'PUT', path: PROPOSALS, as: 'tierp', json: valid, status: 405, code: 'METHOD_NOT_ALLOWED' },
  ],
};

// Paths that z.coerce once read as 2028, 0360, 0180 or 03: refused, and nothing is acted on.
GROUPS['strict years and codes'] = [
  ...['02028', '0x7EC', '2.028e3', '%202028', '2028.0', '+2028', '2028%20'].map((y) => notAPath(`submit in year ${decodeURIComponent(y)}`, 'POST', `/v1/years/${y}/proposals`, 'heby', heby)),
  ...['02028', '0x7EC', '2.028e3'].map((y) => notAPath(`withdraw in year ${y}`, 'DELETE', `/v1/years/${y}/proposals/${TIERP}`, 'tierp')),
  ...['360', '03600', '0x168', '%200360', '360.0'].map((g) => notAPath(`amend giver ${decodeURIComponent(g)}`, 'PATCH', `${PROPOSALS}/${g}`, 'tierp', { perMille: 0.25 })),
  ...['180', '01800', '0x0B4'].map((g) => notAPath(`read giver ${g}`, 'GET', `${PROPOSALS}/${g}`, 'admin')),
  ...['3', '003', '0x3', '3.0'].map((c) => notAPath(`report of county ${c}`, 'POST', `${year}/counties/${c}/report`, 'county')),
  ...['1', '001'].map((c) => notAPath(`read the report of county ${c}`, 'GET', `${year}/counties/${c}/report`, 'admin')),
  ...['1', '001', '%2003', '0x3'].map((c) => notAPath(`list proposals of county ${decodeURIComponent(c)}`, 'GET', `${PROPOSALS}?county=${c}`, 'admin')),
  ...['3', '003'].map((c) => notAPath(`audit of county ${c}`, 'GET', `${year}/audit?county=${c}`, 'admin')),
];

GROUPS['content types'] = [
  unsupported('submit: JSON as text/plain', 'POST', PROPOSALS, 'heby', JSON.stringify(heby), 'text/plain'),
  unsupported('submit: JSON without a content type', 'POST', PROPOSALS, 'heby', JSON.stringify(heby), undefined),
  unsupported('submit: JSON as form data', 'POST', PROPOSALS, 'heby', JSON.stringify(heby), 'application/x-www-form-urlencoded'),
  unsupported('submit: JSON in Latin-1', 'POST', PROPOSALS, 'heby', JSON.stringify(heby), 'application/json; charset=iso-8859-1'),
  unsupported('submit: binary body', 'POST', PROPOSALS, 'heby', '\u0000\u0001\u0002\u00ff', 'application/octet-stream'),
  unsupported('amend: JSON as text/plain', 'PATCH', TIERPS, 'tierp', '{"perMille":0.25}', 'text/plain'),
  unsupported('consent: without a content type', 'POST', `${TIERPS}/consent`, 'uppsala', '{"accept":true}', undefined),
  unsupported('start a year: a calendar as text/plain', 'POST', '/v1/years/2040/cycle', 'admin', '{}', 'text/plain'),
  unsupported('import shares: CSV as text/plain', 'PUT', `${year}/shares`, 'admin', 'municipality_code,per_mille\n0980,1.5\n', 'text/plain'),
  unsupported('import shares: CSV without a content type', 'PUT', `${year}/shares`, 'admin', 'municipality_code,per_mille\n0980,1.5\n', undefined),
  unsupported('import contacts: JSON as text/csv', 'PUT', '/v1/contacts', 'admin', '{"administrators":{}}', 'text/csv'),
  // Accepted media types reach the rules (a four-decimal amount is refused there).
  { ...submitAs('submit: application/json; charset=utf-8', { raw: '{"receiver":"0380","perMille":0.1234}', headers: { 'content-type': 'application/json; charset=utf-8' }, status: 400, code: 'INVALID_AMOUNT' }), as: 'heby' },
  { ...submitAs('submit: Application/JSON;Charset="UTF-8"', { raw: '{"receiver":"0380","perMille":0.1234}', headers: { 'content-type': 'Application/JSON;Charset="UTF-8"' }, status: 400, code: 'INVALID_AMOUNT' }), as: 'heby' },
  { name: 'amend: application/merge-patch+json', method: 'PATCH', path: TIERPS, as: 'tierp', raw: '{"perMille":0.5555}', headers: { 'content-type': 'application/merge-patch+json' }, status: 400, code: 'INVALID_AMOUNT' },
  {
    name: 'import shares: text/csv; charset=utf-8',
    method: 'PUT',
    path: `${year}/shares`,
    as: 'admin',
    raw: 'municipality_code,per_mille\n0980,1.2345\n',
    headers: { 'content-type': 'text/csv; charset=utf-8' },
    status: 400,
    code: 'INVALID_AMOUNT',
  },
];

GROUPS['free text with control or direction characters'] = [
  decideWith('decision: a bell in the reason', 'Avslag\u0007'),
  decideWith('decision: a NUL in the reason', 'Avslag\u0000'),
  decideWith('decision: a tab in the reason', 'Avslag\tmotivering'),
  decideWith('decision: an escape sequence in the reason', 'Avslag \u001b[31m'),
  decideWith('decision: a right-to-left override in the reason', 'Avslag \u202Egnålkcis'),
  decideWith('decision: a first-strong isolate in the reason', 'Avslag \u2068x\u2069'),
  // Line breaks are text: the reason passes validation and reaches the rules (the window is still open).
  { name: 'decision: line breaks in the reason', method: 'POST', path: `${TIERPS}/decision`, as: 'county', json: { outcome: 'REJECTED', reason: 'Rad ett.\r\nRad två.' }, status: 409, code: 'CONSENT_MISSING' },
];

GROUPS['idempotency keys outside the contract'] = [
  withKey('256 characters', 'k'.repeat(256)),
  withKey('2,000 characters', 'k'.repeat(2000)),
  withKey('a non-ASCII letter', 'nyckel-å'),
  withKey('a space inside', 'två ord'),
  withKey('only spaces', '   '),
];

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
        expectPlainSwedish(res, c.name);
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

describe('messages a person reads', () => {
  it('name the field in a whole Swedish sentence, without type words', async () => {
    const stored = await snapshot();
    const res = await stack.request('POST', PROPOSALS, { token: await t.municipality(HEBY), json: { receiver: UPPSALA, perMille: '0.5' } });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: 'perMille', message: 'Fältet perMille ska vara ett tal.' }]);
    const missing = await stack.request('POST', PROPOSALS, { token: await t.municipality(HEBY), json: { perMille: 0.5, note: 'x' } });
    expect(missing.body.error.details.map((d: { message: string }) => d.message).sort()).toEqual(['Fältet note är okänt.', 'Fältet receiver saknas.']);
    const year = await stack.request('GET', '/v1/years/0x7EC/cycle', { token: await t.admin() });
    expect(year.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Sökvägen är ogiltig.',
      details: [{ path: 'year', message: 'Året ska skrivas med fyra siffror, till exempel 2028.' }],
    });
    expect(await snapshot()).toEqual(stored);
  });
});

/** Idempotency-Key: writes from here on, so each test compares with what it saw itself. */
describe('an Idempotency-Key belongs to one request', () => {
  const as = (code: string) => t.municipality(code);
  const events = async (county = '03') => (await stack.request('GET', `${year}/audit?county=${county}`, { token: await t.admin() })).body.events as { idempotencyKey?: string; perMille?: number; type: string }[];

  it('is refused with 422 for another body, path or method, and nothing is written', async () => {
    const headers = { 'idempotency-key': 'heby-edge-1' };
    const first = await stack.request('POST', PROPOSALS, { token: await as(HEBY), json: heby, headers });
    expect(first.status, first.text).toBe(201);
    const written = await snapshot();
    const reuses = [
      ['another body', 'POST', PROPOSALS, { receiver: UPPSALA, perMille: 0.2 }],
      ['the same body spaced differently', 'POST', PROPOSALS, undefined],
      ['another path', 'PATCH', `${PROPOSALS}/${HEBY}`, { perMille: 0.2 }],
      ['another method', 'DELETE', `${PROPOSALS}/${HEBY}`, undefined],
      ['a query string', 'POST', `${PROPOSALS}?x=1`, heby],
    ] as const;
    for (const [what, method, path, json] of reuses) {
      const res =
        what === 'the same body spaced differently'
          ? await stack.request(method, path, { token: await as(HEBY), body: '{ "receiver": "0380", "perMille": 0.1 }', headers: { ...headers, 'content-type': 'application/json' } })
          : await stack.request(method, path, { token: await as(HEBY), ...(json !== undefined && { json }), headers });
      expectError(res, 422, 'IDEMPOTENCY_KEY_REUSED', what);
      expectPlainSwedish(res, what);
      expect(await snapshot(), what).toEqual(written);
    }
    const again = await stack.request('POST', PROPOSALS, { token: await as(HEBY), json: heby, headers });
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(again.body).toEqual(first.body);
    expect(await snapshot()).toEqual(written);
  });

  it('lets exactly one of concurrent requests with the key and different bodies through', async () => {
    expect(shareOf(KNIVSTA)).toBeGreaterThan(0.4);
    const before = (await events()).length;
    const token = await as(KNIVSTA);
    const amounts = [0.1, 0.2, 0.3, 0.4];
    const answers = await Promise.all(
      amounts.map((perMille) => stack.request('POST', PROPOSALS, { token, json: { receiver: UPPSALA, perMille }, headers: { 'idempotency-key': 'knivsta-race' } })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.status !== 201)) expectError(refused, 422, 'IDEMPOTENCY_KEY_REUSED');
    const winner = answers.find((a) => a.status === 201)!;
    const after = await events();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ type: 'ProposalSubmitted', idempotencyKey: 'knivsta-race', perMille: winner.body.perMille });
  });

  it('answers concurrent twins of one request once: the others replay it or are told it is in flight', async () => {
    const before = (await events()).length;
    const token = await as(OSTHAMMAR);
    const answers = await Promise.all(
      [1, 2, 3].map(() => stack.request('POST', PROPOSALS, { token, json: { receiver: UPPSALA, perMille: 0.1 }, headers: { 'idempotency-key': 'osthammar-twins' } })),
    );
    const fresh = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    for (const other of answers.filter((a) => a !== fresh[0])) {
      if (other.status === 201) expect([other.headers.get('idempotent-replayed'), other.body]).toEqual(['true', fresh[0]!.body]);
      else {
        expectError(other, 409, 'IDEMPOTENCY_KEY_IN_FLIGHT');
        expect(other.headers.get('retry-after')).toBe('1');
      }
    }
    expect(await events()).toHaveLength(before + 1);
  });

  it('replays a CSV import with the replay header, and refuses the key for the same shares as JSON', async () => {
    const csv = `municipality_code,per_mille\n${shareRows(['09']).map((r) => `${r.municipality},${r.perMille}`).join('\n')}\n`;
    const put = async (body: string, contentType: string) =>
      stack.request('PUT', `${year}/shares`, { token: await t.admin(), body, headers: { 'content-type': contentType, 'idempotency-key': 'admin-csv-1' } });
    const first = await put(csv, 'text/csv');
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const written = await snapshot();
    const again = await put(csv, 'text/csv');
    expect([again.status, again.headers.get('idempotent-replayed'), again.body]).toEqual([200, 'true', first.body]);
    expectError(await put(JSON.stringify({ shares: shareRows(['09']) }), 'application/json'), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await snapshot()).toEqual(written);
  });

  it('is checked by the ledger too when the HTTP record of the key is gone: a replay says so, another command is refused', async () => {
    const key = 'alvkarleby-crash';
    const forget = () =>
      stack.dynamo.client.send(new DeleteCommand({ TableName: stack.dynamo.tableName, Key: { pk: `IDEMPOTENCY#municipality:${ALVKARLEBY}:${key}`, sk: 'REQUEST' } }));
    const post = async (perMille: number) =>
      stack.request('POST', PROPOSALS, { token: await as(ALVKARLEBY), json: { receiver: UPPSALA, perMille }, headers: { 'idempotency-key': key } });
    const first = await post(0.1);
    expect(first.status, first.text).toBe(201);
    const written = await snapshot();
    await forget(); // as if the process died between the ledger's Put and remembering the response
    const replay = await post(0.1);
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body]).toEqual([201, 'true', first.body]);
    await forget();
    expectError(await post(0.2), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await snapshot()).toEqual(written);
  });

  it('a 255-character key of printable ASCII is accepted', async () => {
    const key = `${'!~'.repeat(127)}k`;
    expect(key).toHaveLength(255);
    await planNear(2042);
    const token = await t.admin();
    const res = await stack.request('POST', '/v1/years/2042/cycle', { token, headers: { 'idempotency-key': key } });
    expect(res.status, res.text).toBe(201);
    const again = await stack.request('POST', '/v1/years/2042/cycle', { token, headers: { 'idempotency-key': key } });
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
  });
});

describe('optional bodies', () => {
  it('a POST without body and without content type starts a year', async () => {
    await planNear(2043);
    const res = await sendWithoutContentType('POST', '/v1/years/2043/cycle', await t.admin(), '');
    expect(res.status, res.text).toBe(201);
  });
});

describe('a refused action on a proposal in the wrong status', () => {
  it('says the status in Swedish words, not its code', async () => {
    const token = await t.municipality(TIERP);
    expect((await stack.request('DELETE', TIERPS, { token })).status).toBe(200);
    const res = await stack.request('PATCH', TIERPS, { token, json: { perMille: 0.25 } });
    expectError(res, 409, 'INVALID_STATUS');
    expect(res.body.error.message).toBe('Förslaget är återkallat och kan därför inte ändras.');
    expectPlainSwedish(res, 'amend a withdrawn proposal');
  });
});
