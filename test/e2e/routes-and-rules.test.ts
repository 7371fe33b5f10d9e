/**
 * Every route and every rule of the API, end to end over real HTTP against the local stack
 * (share year 2028, clock inside its submission window, then moved past the deadline):
 * exact statuses, bodies and Swedish error codes, and for every refusal, nothing written.
 * The last test checks that every code of the rule catalogue was met here, or is one only
 * the workflow can meet (see UNREACHABLE_OVER_HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, RuleError, type ErrorCode } from '../../shared/domain/errors';
import { ROUTES } from '../../shared/http/routes';
import { MUNICIPALITIES, municipalitiesOf } from '../../shared/reference';
import { startTestStack, type TestResponse, type TestStack } from '../support/local-stack';
import {
  CLOSED_NOW,
  OPEN_NOW,
  YEAR,
  MunicipalityPool,
  expectError,
 
  shareOf,
  shareRows,
  storedState,
  tokens,
  type Tokens,
} from '../support/e2e';
import { HABO, ALVKARLEBY, KNIVSTA, HEBY, TIERP, UPPSALA, ENKOPING, OSTHAMMAR, STOCKHOLM } from '../support/places';

/**
 * Codes of the catalogue that no HTTP request can meet: they refuse commands only the workflow
 * gives (open or close the window, fix the final shares), or guard the final-share arithmetic,
 * which the rules before it (R1–R5, R8) already keep from ever going wrong.
 */
const UNREACHABLE_OVER_HTTP: Record<string, string> = {
  WINDOW_ALREADY_OPEN: 'OpenWindow: workflow (publish) only',
  WINDOW_ALREADY_CLOSED: 'CloseWindow: workflow (deadline) only',
  REPORT_NOT_SUBMITTED: 'FinalizeShares: workflow (final shares) only',
  ALREADY_FINAL: 'FinalizeShares: workflow (final shares) only',
  TOTALS_CHANGED: 'FinalizeShares: an internal invariant (R9) of the final shares',
  NEGATIVE_SHARE: 'FinalizeShares: an internal invariant (R9); R5 keeps amounts within the share',
};


let stack: TestStack;
let t: Tokens;
let admin: string;
const seen = new Set<string>();
const years = (y: number) => `/v1/years/${y}`;

type Caller = string | undefined;
const m = (code: string) => t.municipality(code);
const county = (code: string) => t.county(code);

async function call(method: string, path: string, token: Caller, json?: unknown, headers?: Record<string, string>): Promise<TestResponse> {
  return stack.request(method, path, { ...(token && { token }), ...(json !== undefined && { json }), ...(headers && { headers }) });
}

function refused(res: TestResponse, status: number, code: string, context = ''): void {
  expectError(res, status, code, context);
  seen.add(code);
}

function ok(res: TestResponse, status = 200): any {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  return res.body;
}

const submit = async (giver: string, receiver: string, perMille: number, year = YEAR) =>
  call('POST', `${years(year)}/proposals`, await m(giver), { receiver, perMille });
const consent = async (giver: string, receiver: string, accept = true) =>
  call('POST', `${years(YEAR)}/proposals/${giver}/consent`, await m(receiver), { accept });

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** How the local default identities read (local/tools/tokens.ts defaultName). */
const OFFICER_03 = 'Handläggare (Länsstyrelsen i Uppsala län)';
const RECEIVER_GIVES = 'Den mottagande kommunen har ett eget förslag om att ge bort andelar och kan därför inte ta emot. Välj en annan mottagare, eller vänta tills kommunen har återkallat sitt förslag.';
const GIVER_RECEIVES = 'Er kommun har samtyckt till att ta emot andelar i år och kan därför inte ge bort andelar. Det går först om den givande kommunen återkallar eller ändrar sitt förslag till er.';
const CANNOT_CONSENT = 'Er kommun har ett eget förslag om att ge bort andelar och kan därför inte samtycka till att ta emot. Återkalla ert förslag först eller avböj detta.';

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  t = tokens(stack);
  admin = await t.admin();
});
afterAll(async () => {
  await stack?.stop();
});

describe('window open (clock 2027-09-01, share year 2028)', () => {
  it('public routes: health, the OpenAPI document, counties and municipalities', async () => {
    expect(ok(await call('GET', '/v1/health', undefined))).toEqual({ status: 'ok' });

    const doc = ok(await call('GET', '/v1/openapi.json', undefined));
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();

    const counties = ok(await call('GET', '/v1/counties', undefined)).counties;
    expect(counties).toHaveLength(21);
    expect(counties[0]).toEqual({ code: '01', name: 'Stockholms län' });

    expect(ok(await call('GET', '/v1/municipalities', undefined)).municipalities).toHaveLength(290);
    const uppsala = ok(await call('GET', '/v1/municipalities?county=03', undefined)).municipalities;
    expect(uppsala).toEqual(municipalitiesOf('03').map((x) => ({ code: x.code, name: x.name, county: '03' })));
    refused(await call('GET', '/v1/municipalities?county=02', undefined), 404, 'UNKNOWN_COUNTY');
  });

  it('imports preliminary shares as JSON (all 290) and as CSV, and lists them per caller', async () => {
    const all = shareRows([...new Set(MUNICIPALITIES.map((x) => x.county))]);
    const imported = ok(await call('PUT', `${years(YEAR)}/shares`, admin, { shares: all }));
    expect(imported.year).toBe(YEAR);
    expect(imported.shares).toHaveLength(290);
    // The national total is exactly 1000 per mille (counted in thousandths, never as floats).
    expect(imported.shares.reduce((sum: number, s: { preliminaryPerMille: number }) => sum + Math.round(s.preliminaryPerMille * 1000), 0)).toBe(1_000_000);

    const tierp = { municipality: TIERP, name: 'Tierp', county: '03', preliminaryPerMille: shareOf(TIERP), givenPerMille: 0, receivedPerMille: 0, finalPerMille: null };
    const own = ok(await call('GET', `${years(YEAR)}/shares`, await m(TIERP)));
    expect(own.shares).toHaveLength(8);
    expect(own.shares).toContainEqual(tierp);
    expect(ok(await call('GET', `${years(YEAR)}/shares?county=03`, await county('03'))).shares).toEqual(own.shares);
    expect(ok(await call('GET', `${years(YEAR)}/shares`, admin)).shares).toHaveLength(290);

    // CSV for the next share year (its window opens in August 2028): Uppsala län and Gotland.
    const csv = ['municipality_code,per_mille', ...shareRows(['03', '09']).map((r) => `${r.municipality},"${String(r.perMille).replace('.', ',')}"`), ''].join('\n');
    const fromCsv = ok(await stack.request('PUT', `${years(YEAR + 1)}/shares`, { token: admin, body: csv, headers: { 'content-type': 'text/csv' } }));
    expect(fromCsv.shares.map((s: { municipality: string }) => s.municipality)).toEqual([...municipalitiesOf('03').map((x) => x.code), '0980']);
    expect(fromCsv.shares.find((s: { municipality: string }) => s.municipality === TIERP).preliminaryPerMille).toBe(shareOf(TIERP));
  });

  it('takes a proposal through its life: submit, read, list, amend, consent, amend, decline, submit, withdraw, submit', async () => {
    const path = `${years(YEAR)}/proposals/${TIERP}`;
    const res = await submit(TIERP, UPPSALA, 0.5);
    const created = ok(res, 201);
    expect(res.headers.get('location')).toBe(path);
    expect(created).toEqual({
      year: YEAR,
      giver: TIERP,
      receiver: UPPSALA,
      county: '03',
      perMille: 0.5,
      status: 'AWAITING_RECEIVER',
      version: 1,
      createdAt: expect.stringMatching(ISO),
      updatedAt: created.createdAt,
    });
    // The handler saw the virtual clock (2027-09-01), not the real one.
    expect(created.createdAt.slice(0, 13)).toBe('2027-09-01T10');

    for (const reader of [await m(TIERP), await m(UPPSALA), await county('03'), admin]) {
      expect(ok(await call('GET', path, reader))).toEqual(created);
    }
    expect(ok(await call('GET', `${years(YEAR)}/proposals`, await m(UPPSALA)))).toEqual({ year: YEAR, proposals: [created] });
    expect(ok(await call('GET', `${years(YEAR)}/proposals`, await m(HEBY)))).toEqual({ year: YEAR, proposals: [] });
    expect(ok(await call('GET', `${years(YEAR)}/proposals`, await county('03'))).proposals).toEqual([created]);
    expect(ok(await call('GET', `${years(YEAR)}/proposals`, await county('01'))).proposals).toEqual([]);
    expect(ok(await call('GET', `${years(YEAR)}/proposals?county=03`, admin)).proposals).toEqual([created]);
    expect(ok(await call('GET', `${years(YEAR)}/proposals`, admin)).proposals).toEqual([created]);

    const amended = ok(await call('PATCH', path, await m(TIERP), { perMille: 0.75 }));
    expect(amended).toMatchObject({ receiver: UPPSALA, perMille: 0.75, status: 'AWAITING_RECEIVER', version: 2, createdAt: created.createdAt });

    const agreed = ok(await consent(TIERP, UPPSALA));
    expect(agreed).toMatchObject({ status: 'AGREED', version: 3, receiverConsentAt: expect.stringMatching(ISO) });

    // An amendment of an agreed proposal asks for consent again (here from a new receiver).
    const moved = ok(await call('PATCH', path, await m(TIERP), { receiver: ENKOPING }));
    expect(moved).toMatchObject({ receiver: ENKOPING, perMille: 0.75, status: 'AWAITING_RECEIVER', version: 4 });
    expect(moved).not.toHaveProperty('receiverConsentAt');

    expect(ok(await consent(TIERP, ENKOPING, false))).toMatchObject({ status: 'DECLINED', version: 5 });
    expect(ok(await submit(TIERP, UPPSALA, 0.25), 201)).toMatchObject({ receiver: UPPSALA, perMille: 0.25, status: 'AWAITING_RECEIVER', version: 1 });
    expect(ok(await call('DELETE', path, await m(TIERP)))).toMatchObject({ status: 'WITHDRAWN', version: 2 });
    expect(ok(await submit(TIERP, UPPSALA, 0.5), 201)).toMatchObject({ status: 'AWAITING_RECEIVER', version: 1 });

    const audit = ok(await call('GET', `${years(YEAR)}/audit`, await county('03')));
    expect(audit.county).toBe('03');
    expect(audit.events.map((e: { seq: number; type: string; actor: { id?: string } }) => [e.seq, e.type, e.actor.id])).toEqual([
      [1, 'SharesImported', undefined],
      [2, 'ProposalSubmitted', TIERP],
      [3, 'ProposalAmended', TIERP],
      [4, 'ReceiverConsented', UPPSALA],
      [5, 'ProposalAmended', TIERP],
      [6, 'ReceiverDeclined', ENKOPING],
      [7, 'ProposalSubmitted', TIERP],
      [8, 'ProposalWithdrawn', TIERP],
      [9, 'ProposalSubmitted', TIERP],
    ]);
    expect(audit.events[1]).toMatchObject({ giver: TIERP, receiver: UPPSALA, perMille: 0.5, at: created.createdAt, actor: { role: 'municipality', id: TIERP } });
  });

  it('answers a retried POST with the same Idempotency-Key with the first response, and writes once', async () => {
    const post = async () => call('POST', `${years(YEAR)}/proposals`, await m(HEBY), { receiver: KNIVSTA, perMille: 1 }, { 'Idempotency-Key': 'heby-1' });
    const before = ok(await call('GET', `${years(YEAR)}/audit?county=03`, admin)).events.length;
    const first = await post();
    const again = await post();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const events = ok(await call('GET', `${years(YEAR)}/audit?county=03`, admin)).events;
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ type: 'ProposalSubmitted', giver: HEBY, idempotencyKey: 'heby-1' });
    // The same key from another caller is another request (keys belong to the caller; the same caller reusing it elsewhere gets 422: bad-input.test.ts).
    const consented = await call('POST', `${years(YEAR)}/proposals/${HEBY}/consent`, await m(KNIVSTA), { accept: true }, { 'Idempotency-Key': 'heby-1' });
    expect(consented.status).toBe(200);
    expect(consented.headers.get('idempotent-replayed')).toBeNull();
    expect(consented.body.status).toBe('AGREED');
  });

  it('refuses every rule broken while the window is open, with the exact status and code, and writes nothing', async () => {
    // More state to refuse against: Håbo → Uppsala agreed, Östhammar → Älvkarleby withdrawn.
    ok(await submit(HABO, UPPSALA, 1), 201);
    ok(await consent(HABO, UPPSALA));
    ok(await submit(OSTHAMMAR, ALVKARLEBY, 0.5), 201);
    ok(await call('DELETE', `${years(YEAR)}/proposals/${OSTHAMMAR}`, await m(OSTHAMMAR)));

    const proposal = (giver: string) => `${years(YEAR)}/proposals/${giver}`;
    const withoutOne = shareRows(['04']).slice(1);
    const cases: [string, () => Promise<TestResponse>, number, ErrorCode | string, (string | RegExp)?][] = [
      ['R1 other county', () => submit(ALVKARLEBY, STOCKHOLM, 0.1), 422, 'OTHER_COUNTY', new RuleError('OTHER_COUNTY').message],
      ['R1 same municipality', () => submit(ALVKARLEBY, ALVKARLEBY, 0.1), 422, 'SAME_MUNICIPALITY', 'En kommun kan inte omfördela till sig själv.'],
      ['R1 unknown receiver', () => submit(ALVKARLEBY, '0399', 0.1), 404, 'UNKNOWN_MUNICIPALITY', 'Kommunen 0399 finns inte.'],
      ['R5 more than the share', async () => submit(ALVKARLEBY, UPPSALA, (Math.round(shareOf(ALVKARLEBY) * 1000) + 1) / 1000), 422, 'AMOUNT_EXCEEDS_SHARE'],
      ['R5 zero', () => submit(ALVKARLEBY, UPPSALA, 0), 422, 'AMOUNT_NOT_POSITIVE', 'Beloppet ska vara större än noll.'],
      ['R5 four decimals', () => submit(ALVKARLEBY, UPPSALA, 0.1234), 400, 'INVALID_AMOUNT', 'Beloppet får ha högst tre decimaler.'],
      ['R2 a second live proposal', () => submit(TIERP, ENKOPING, 0.1), 409, 'GIVER_HAS_PROPOSAL'],
      ['R4 a receiver that consented gives', () => submit(UPPSALA, ENKOPING, 0.1), 409, 'ROLE_CONFLICT', GIVER_RECEIVES],
      ['R4 to a giver', () => submit(ALVKARLEBY, TIERP, 0.1), 409, 'ROLE_CONFLICT', RECEIVER_GIVES],
      ['R4 amended to a giver', async () => call('PATCH', proposal(TIERP), await m(TIERP), { receiver: HEBY }), 409, 'ROLE_CONFLICT'],
      ['R6 no shares for the year', () => submit(ALVKARLEBY, UPPSALA, 0.1, YEAR + 2), 409, 'SHARES_NOT_IMPORTED'],
      ['R6 window of another year', () => submit(ALVKARLEBY, UPPSALA, 0.1, YEAR + 1), 409, 'SUBMISSION_WINDOW_CLOSED', 'Perioden för förslag är inte öppen.'],
      ['no proposal to read', async () => call('GET', proposal(ALVKARLEBY), await county('03')), 404, 'PROPOSAL_NOT_FOUND'],
      ['no proposal to amend', async () => call('PATCH', proposal(ALVKARLEBY), await m(ALVKARLEBY), { perMille: 0.1 }), 404, 'PROPOSAL_NOT_FOUND'],
      ['no proposal to withdraw', async () => call('DELETE', proposal(ALVKARLEBY), await m(ALVKARLEBY)), 404, 'PROPOSAL_NOT_FOUND'],
      ['no proposal to answer', () => consent(ALVKARLEBY, UPPSALA), 404, 'PROPOSAL_NOT_FOUND'],
      ['R7 only the receiver answers', () => consent(TIERP, ENKOPING), 403, 'NOT_RECEIVER'],
      ['consent twice', () => consent(HEBY, KNIVSTA), 409, 'INVALID_STATUS'],
      ['amend a withdrawn proposal', async () => call('PATCH', proposal(OSTHAMMAR), await m(OSTHAMMAR), { perMille: 0.2 }), 409, 'INVALID_STATUS'],
      ['withdraw twice', async () => call('DELETE', proposal(OSTHAMMAR), await m(OSTHAMMAR)), 409, 'INVALID_STATUS'],
      ['R8 report while open', async () => call('POST', `${years(YEAR)}/counties/03/report`, await county('03')), 409, 'WINDOW_NOT_CLOSED'],
      ['shares once proposals exist', () => call('PUT', `${years(YEAR)}/shares`, admin, { shares: shareRows(['03']) }), 409, 'SHARES_LOCKED'],
      ['shares of part of a county', () => call('PUT', `${years(YEAR)}/shares`, admin, { shares: withoutOne }), 400, 'INVALID_SHARES'],
      ['shares named twice', () => call('PUT', `${years(YEAR)}/shares`, admin, { shares: [...shareRows(['09']), ...shareRows(['09'])] }), 400, 'DUPLICATE_MUNICIPALITY'],
      ['unknown county', () => call('GET', `${years(YEAR)}/proposals?county=02`, admin), 404, 'UNKNOWN_COUNTY', 'Länet 02 finns inte.'],
    ];

    const snapshot = async () => ({
      now: await storedState(stack, admin, YEAR, ['03', '01', '04', '09']),
      next: await storedState(stack, admin, YEAR + 1, ['03']),
      later: await storedState(stack, admin, YEAR + 2, ['03']),
    });
    const before = await snapshot();
    for (const [name, run, status, code, message] of cases) {
      const res = await run();
      refused(res, status, code, name);
      if (typeof message === 'string') expect(res.body.error.message, name).toBe(message);
      else if (message) expect(res.body.error.message, name).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('window open: roles follow commitments, early decisions, persons and resolutions', () => {
  const proposal = (giver: string) => `${years(YEAR)}/proposals/${giver}`;
  const audit = async (code: string) => ok(await call('GET', `${years(YEAR)}/audit?county=${code}`, admin)).events;
  const kronoberg = new MunicipalityPool('07');

  it('R4: an unanswered proposal to B does not stop B from proposing; B then cannot consent (nothing written) but may decline', async () => {
    const [a, b, c, d] = new MunicipalityPool('05').take(4) as [string, string, string, string];
    ok(await submit(a, b, 0.01), 201);
    const own = ok(await submit(b, c, 0.01), 201);
    expect(own).toMatchObject({ giver: b, receiver: c, status: 'AWAITING_RECEIVER' });
    // A's proposal to B is left as it was.
    expect(ok(await call('GET', proposal(a), await m(a)))).toMatchObject({ receiver: b, status: 'AWAITING_RECEIVER', version: 1 });

    const before = await storedState(stack, admin, YEAR, ['05']);
    const refusal = await consent(a, b);
    refused(refusal, 409, 'ROLE_CONFLICT', 'B consents while it gives');
    expect(refusal.body.error).toEqual({ code: 'ROLE_CONFLICT', message: CANNOT_CONSENT, details: [{ municipality: b }] });
    // Proposing to B, which gives, stays refused.
    const toGiver = await submit(d, b, 0.01);
    refused(toGiver, 409, 'ROLE_CONFLICT', 'D proposes to B');
    expect(toGiver.body.error.message).toBe(RECEIVER_GIVES);
    expect(await storedState(stack, admin, YEAR, ['05'])).toEqual(before);

    expect(ok(await consent(a, b, false))).toMatchObject({ status: 'DECLINED' });
    // C consents to B's proposal: C is now a committed receiver and cannot give.
    ok(await consent(b, c));
    refused(await submit(c, d, 0.01), 409, 'ROLE_CONFLICT', 'C gives after consenting');
  });

  it('R8: consent → the county rejects while open → the giver amends → the receiver consents again → the county approves', async () => {
    const [giver, receiver] = new MunicipalityPool('06').take(2) as [string, string];
    ok(await submit(giver, receiver, 0.02), 201);
    ok(await consent(giver, receiver));
    const lst = await county('06');
    const rejected = ok(await call('POST', `${proposal(giver)}/decision`, lst, { outcome: 'REJECTED', reason: 'Mottagaren saknar boende.' }));
    expect(rejected).toMatchObject({ status: 'REJECTED', decision: { outcome: 'REJECTED', reason: 'Mottagaren saknar boende.' } });

    const amended = ok(await call('PATCH', proposal(giver), await m(giver), { perMille: 0.01 }));
    expect(amended).toMatchObject({ status: 'AWAITING_RECEIVER', perMille: 0.01 });
    expect(amended).not.toHaveProperty('decision');
    expect(amended).not.toHaveProperty('receiverConsentAt');
    // Undecided again: nothing moves.
    const row = async (code: string) => ok(await call('GET', `${years(YEAR)}/shares?county=06`, lst)).shares.find((x: { municipality: string }) => x.municipality === code);
    expect(await row(receiver)).toMatchObject({ receivedPerMille: 0 });

    ok(await consent(giver, receiver));
    const approved = ok(await call('POST', `${proposal(giver)}/decision`, lst, { outcome: 'APPROVED' }));
    expect(approved).toMatchObject({ status: 'APPROVED', perMille: 0.01, decision: { outcome: 'APPROVED' } });
    expect(approved.decision).not.toHaveProperty('reason');
    expect(await row(giver)).toMatchObject({ givenPerMille: 0.01 });
    expect(await row(receiver)).toMatchObject({ receivedPerMille: 0.01 });
    expect((await audit('06')).filter((e: { giver?: string }) => e.giver === giver).map((e: { type: string }) => e.type)).toEqual([
      'ProposalSubmitted',
      'ReceiverConsented',
      'ProposalDecided',
      'ProposalAmended',
      'ReceiverConsented',
      'ProposalDecided',
    ]);
  });

  it('who did it: the person of the token in every event of the audit and in decision.by', async () => {
    const [giver, receiver] = kronoberg.take(2) as [string, string];
    const karin = { name: 'Karin Lind', email: 'karin.lind@lst.example.se' };
    const officer = await stack.tokenFor({ role: 'county', county: '07', ...karin });
    const anders = await stack.tokenFor({ role: 'municipality', municipality: giver, email: 'anders@kommun.example.se', name: 'Anders Ek' });
    ok(await call('POST', `${years(YEAR)}/proposals`, anders, { receiver, perMille: 0.01 }), 201);
    ok(await consent(giver, receiver));
    const decided = ok(await call('POST', `${proposal(giver)}/decision`, officer, { outcome: 'APPROVED' }));
    expect(decided.decision).toEqual({
      outcome: 'APPROVED',
      at: expect.stringMatching(ISO),
      by: 'Karin Lind',
      person: { sub: expect.stringMatching(/^local-county-07-[0-9a-f]{8}$/), ...karin },
    });
    expect(ok(await call('GET', proposal(giver), await m(receiver))).decision).toEqual(decided.decision);

    const events = (await audit('07')).filter((e: { giver?: string }) => e.giver === giver);
    expect(events.map((e: { type: string; actor: unknown }) => [e.type, e.actor])).toEqual([
      ['ProposalSubmitted', { role: 'municipality', id: giver, person: { sub: expect.stringMatching(new RegExp(`^local-municipality-${giver}-`)), name: 'Anders Ek', email: 'anders@kommun.example.se' } }],
      ['ReceiverConsented', { role: 'municipality', id: receiver, person: { sub: `local-municipality-${receiver}`, name: expect.stringMatching(/^Handläggare \(/) } }],
      ['ProposalDecided', { role: 'county', id: '07', person: decided.decision.person }],
    ]);
    // Importing shares was an administrator, a person too.
    expect((await audit('07'))[0]).toMatchObject({ type: 'SharesImported', actor: { role: 'admin', person: { sub: 'local-admin', name: 'Administratör' } } });
  });

  it("the leadership's resolution round-trips through POST, consent, PATCH, GET and the audit; bad fields are refused and write nothing", async () => {
    const [giver, receiver] = kronoberg.take(2) as [string, string];
    const giverSaid = {
      decisionReference: 'KS 2027/123 § 45',
      contact: { name: 'Eva Holm', email: 'eva.holm@kommun.example.se', phone: '+46 470-12 34 56' },
      comment: 'Beslutat av kommunstyrelsen.\nGäller hela andelen.',
    };
    const receiverSaid = { decisionReference: 'KF 2027/9', comment: 'Vi tar emot.' };
    const created = ok(await call('POST', `${years(YEAR)}/proposals`, await m(giver), { receiver, perMille: 0.01, ...giverSaid }), 201);
    expect(created.giverResolution).toEqual(giverSaid);
    expect(created).not.toHaveProperty('receiverResolution');

    const agreed = ok(await call('POST', `${proposal(giver)}/consent`, await m(receiver), { accept: true, ...receiverSaid }));
    expect(agreed).toMatchObject({ status: 'AGREED', giverResolution: giverSaid, receiverResolution: receiverSaid });
    for (const reader of [await m(giver), await county('07'), admin]) {
      expect(ok(await call('GET', proposal(giver), reader))).toMatchObject({ giverResolution: giverSaid, receiverResolution: receiverSaid });
    }
    const events = (await audit('07')).filter((e: { giver?: string }) => e.giver === giver);
    expect(events.map((e: { type: string; resolution?: unknown }) => [e.type, e.resolution])).toEqual([
      ['ProposalSubmitted', giverSaid],
      ['ReceiverConsented', receiverSaid],
    ]);

    const before = await storedState(stack, admin, YEAR, ['07']);
    const bad: [string, unknown][] = [
      ['a control character', { decisionReference: 'KS\u0007 2027' }],
      ['a direction override', { comment: 'ok \u202E kcab' }],
      ['a long reference', { decisionReference: 'x'.repeat(201) }],
      ['a long comment', { comment: 'x'.repeat(2001) }],
      ['a bad e-mail', { contact: { email: 'inte en adress' } }],
      ['a bad phone number', { contact: { phone: 'ring mig' } }],
      ['an unknown contact field', { contact: { title: 'Chef' } }],
    ];
    for (const [name, fields] of bad) {
      const res = await call('PATCH', proposal(giver), await m(giver), { perMille: 0.01, ...(fields as object) });
      refused(res, 400, 'VALIDATION_FAILED', name);
    }
    refused(await call('POST', `${proposal(giver)}/decision`, await county('07'), { outcome: 'REJECTED', reason: 'Nej\u202E' }), 400, 'VALIDATION_FAILED', 'a decision reason with a direction override');
    expect(await storedState(stack, admin, YEAR, ['07'])).toEqual(before);

    // An amendment without resolution fields keeps the giver's and clears the receiver's.
    const amended = ok(await call('PATCH', proposal(giver), await m(giver), { perMille: 0.005 }));
    expect(amended.giverResolution).toEqual(giverSaid);
    expect(amended).not.toHaveProperty('receiverResolution');
    const restated = ok(await call('PATCH', proposal(giver), await m(giver), { perMille: 0.005, comment: 'Nytt beslut.' }));
    expect(restated.giverResolution).toEqual({ comment: 'Nytt beslut.' });
    expect((await audit('07')).at(-1)).toMatchObject({ type: 'ProposalAmended', giver, resolution: { comment: 'Nytt beslut.' } });
  });
});

describe('window closed (clock after the deadline)', () => {
  beforeAll(async () => {
    await stack.setClock(CLOSED_NOW);
  });
  const proposal = (giver: string) => `${years(YEAR)}/proposals/${giver}`;
  const decide = async (giver: string, body: unknown) => call('POST', `${proposal(giver)}/decision`, await county('03'), body);
  const report = `${years(YEAR)}/counties/03/report`;

  it('refuses the municipalities\u2019 commands and the county\u2019s premature acts, and writes nothing', async () => {
    const before = await storedState(stack, admin, YEAR, ['03', '04']);
    const cases: [string, () => Promise<TestResponse>, number, string][] = [
      ['submit', () => submit(ALVKARLEBY, UPPSALA, 0.1), 409, 'SUBMISSION_WINDOW_CLOSED'],
      ['amend', async () => call('PATCH', proposal(TIERP), await m(TIERP), { perMille: 0.2 }), 409, 'SUBMISSION_WINDOW_CLOSED'],
      ['withdraw', async () => call('DELETE', proposal(TIERP), await m(TIERP)), 409, 'SUBMISSION_WINDOW_CLOSED'],
      ['consent', () => consent(TIERP, UPPSALA), 409, 'SUBMISSION_WINDOW_CLOSED'],
      ['R7 decide without consent', () => decide(TIERP, { outcome: 'APPROVED' }), 409, 'CONSENT_MISSING'],
      ['R8 reject without a reason', () => decide(HABO, { outcome: 'REJECTED' }), 422, 'REJECTION_REASON_REQUIRED'],
      ['R8 reject with a blank reason', () => decide(HABO, { outcome: 'REJECTED', reason: '   ' }), 422, 'REJECTION_REASON_REQUIRED'],
      ['decide a withdrawn proposal', () => decide(OSTHAMMAR, { outcome: 'APPROVED' }), 409, 'INVALID_STATUS'],
      ['R8 report with agreed proposals undecided', async () => call('POST', report, await county('03')), 409, 'UNDECIDED_PROPOSALS'],
      ['shares after the window', () => call('PUT', `${years(YEAR)}/shares`, admin, { shares: shareRows(['04']) }), 409, 'SHARES_LOCKED'],
      ['report not submitted yet', async () => call('GET', report, await county('03')), 404, 'REPORT_NOT_FOUND'],
    ];
    for (const [name, run, status, code] of cases) {
      const res = await run();
      refused(res, status, code, name);
      if (code === 'UNDECIDED_PROPOSALS') expect(res.body.error.details).toEqual(expect.arrayContaining([{ giver: HABO }, { giver: HEBY }]));
    }
    expect(await storedState(stack, admin, YEAR, ['03', '04'])).toEqual(before);
  });

  it('lets the county approve and reject, then submit its report (JSON and CSV)', async () => {
    const approved = ok(await decide(HEBY, { outcome: 'APPROVED' }));
    expect(approved).toMatchObject({ giver: HEBY, receiver: KNIVSTA, status: 'APPROVED', decision: { outcome: 'APPROVED', at: expect.stringMatching(ISO), by: OFFICER_03 } });
    expect(approved.decision).not.toHaveProperty('reason');
    const rejected = ok(await decide(HABO, { outcome: 'REJECTED', reason: ' Mottagaren har inte plats. ' }));
    expect(rejected).toMatchObject({ status: 'REJECTED', decision: { outcome: 'REJECTED', reason: 'Mottagaren har inte plats.', by: OFFICER_03 } });

    // Only approved proposals move shares (R8); the county total is unchanged (R9).
    const shares = ok(await call('GET', `${years(YEAR)}/shares?county=03`, await county('03'))).shares;
    const row = (code: string) => shares.find((s: { municipality: string }) => s.municipality === code);
    expect(row(HEBY)).toMatchObject({ givenPerMille: 1, receivedPerMille: 0, finalPerMille: null });
    expect(row(KNIVSTA)).toMatchObject({ givenPerMille: 0, receivedPerMille: 1 });
    expect(row(HABO)).toMatchObject({ givenPerMille: 0, receivedPerMille: 0 });
    expect(row(UPPSALA)).toMatchObject({ givenPerMille: 0, receivedPerMille: 0 });

    const submitted = ok(await call('POST', report, await county('03')));
    expect(submitted).toMatchObject({
      year: YEAR,
      county: '03',
      countyName: 'Uppsala län',
      mode: 'SUBMITTED',
      submittedAt: expect.stringMatching(ISO),
      submittedBy: OFFICER_03,
      fixedCompensation: { amountSek: 500_000, unchanged: true, statement: expect.stringContaining('500 000 kr') },
    });
    expect(submitted.proposals.map((p: { giver: string; status: string }) => [p.giver, p.status])).toEqual([
      [HABO, 'REJECTED'],
      [HEBY, 'APPROVED'],
      [TIERP, 'AWAITING_RECEIVER'],
      [OSTHAMMAR, 'WITHDRAWN'],
    ]);
    expect(submitted.proposals[0]).toMatchObject({ giverName: 'Håbo', receiverName: 'Uppsala', perMille: 1, reason: 'Mottagaren har inte plats.', decidedBy: OFFICER_03 });
    expect(submitted.proposals[1]).toMatchObject({ giver: HEBY, decidedBy: OFFICER_03 });
    expect(submitted.proposals[2]).not.toHaveProperty('decidedBy');
    expect(submitted.municipalities).toHaveLength(8);
    expect(submitted.totals.afterPerMille).toBe(submitted.totals.beforePerMille);
    expect(submitted.municipalities.find((x: { municipality: string }) => x.municipality === KNIVSTA)).toEqual({
      municipality: KNIVSTA,
      name: 'Knivsta',
      preliminaryPerMille: shareOf(KNIVSTA),
      givenPerMille: 0,
      receivedPerMille: 1,
      resultingPerMille: (Math.round(shareOf(KNIVSTA) * 1000) + 1000) / 1000,
    });

    refused(await call('POST', report, await county('03')), 409, 'REPORT_ALREADY_SUBMITTED');
    refused(await decide(HEBY, { outcome: 'REJECTED', reason: 'För sent.' }), 409, 'REPORT_ALREADY_SUBMITTED');

    expect(ok(await call('GET', report, admin))).toEqual(submitted);
    const csv = await call('GET', report, await county('03'), undefined, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="lansrapport-${YEAR}-03-uppsala-lan.csv"`);
    expect(csv.text).toContain(`\r\n${HEBY};Heby;${KNIVSTA};Knivsta;1;godkänt av länsstyrelsen;;`);
    expect(csv.text).toContain(`\r\n${HABO};Håbo;${UPPSALA};Uppsala;1;avslaget av länsstyrelsen;Mottagaren har inte plats.;`);

    const cycle = ok(await call('GET', `${years(YEAR)}/cycle`, await m(TIERP)));
    expect(cycle).toMatchObject({ year: YEAR, phase: 'CLOSED', workflow: { status: 'NOT_STARTED', state: null } });
    expect(cycle.counties.find((c: { county: string }) => c.county === '03')).toEqual({ county: '03', report: 'SUBMITTED' });
    expect(cycle.counties.filter((c: { report: string }) => c.report === 'PENDING')).toHaveLength(20);

    const types = ok(await call('GET', `${years(YEAR)}/audit?county=03`, admin)).events.map((e: { type: string }) => e.type);
    expect(types.slice(-3)).toEqual(['ProposalDecided', 'ProposalDecided', 'CountyReportSubmitted']);
  });

  it('starts a year and moves its calendar (administrators), refusing passed and invalid dates', async () => {
    // Its default calendar ends in December 2039, beyond what an execution started now (2027) can wait.
    refused(await call('POST', `${years(2040)}/cycle`, admin, {}), 400, 'CALENDAR_TOO_FAR_AHEAD');
    expect(ok(await call('GET', `${years(2040)}/cycle`, admin)).workflow).toEqual({ status: 'NOT_STARTED', state: null });
    const near = { publishAt: '2028-08-15T09:00:00+02:00', reminders: [], deadline: '2028-09-01T23:59:59+02:00', countyReportAt: '2028-09-15T10:00:00+02:00', finalizeAt: '2028-10-02T10:00:00+02:00' };
    const start = await call('POST', `${years(2040)}/cycle`, admin, { calendar: near });
    if (stack.env.AWS_ENDPOINT_URL_SFN) {
      expect(start.status, start.text).toBe(201);
      expect(start.headers.get('location')).toBe(`${years(2040)}/cycle`);
      expect((await call('POST', `${years(2040)}/cycle`, admin, {})).status).toBe(200);
    } else {
      // No Step Functions endpoint in the local stack yet: recorded as started, workflow not reachable.
      refused(start, 503, 'WORKFLOW_UNAVAILABLE');
    }
    const cycle = ok(await call('GET', `${years(2040)}/cycle`, await m(TIERP)));
    expect(cycle).toMatchObject({ year: 2040, phase: 'PLANNED', calendar: { publishAt: '2028-08-15T07:00:00Z', deadline: '2028-09-01T21:59:59Z' } });
    // Once started, a milestone cannot be moved beyond that either.
    refused(await call('PATCH', `${years(2040)}/cycle/calendar`, admin, { finalizeAt: '2028-12-15T09:00:00+01:00' }), 400, 'CALENDAR_TOO_FAR_AHEAD');

    const moved = ok(await call('PATCH', `${years(2041)}/cycle/calendar`, admin, { deadline: '2040-11-09T23:59:59+01:00' }));
    expect(moved.calendar).toEqual({
      publishAt: '2040-08-15T07:00:00Z',
      // The reminders follow the moved deadline: 14 and 3 days before Friday 9 Nov 2040, at 09:00.
      reminders: ['2040-10-26T07:00:00Z', '2040-11-06T08:00:00Z'],
      deadline: '2040-11-09T22:59:59Z',
      countyReportAt: '2040-11-15T08:00:00Z',
      finalizeAt: '2040-12-15T08:00:00Z',
    });
    expect(ok(await call('GET', `${years(2041)}/cycle`, admin)).calendar).toEqual(moved.calendar);

    refused(await call('PATCH', `${years(YEAR)}/cycle/calendar`, admin, { publishAt: '2027-12-01T09:00:00+01:00' }), 409, 'MILESTONE_PASSED');
    refused(await call('PATCH', `${years(2041)}/cycle/calendar`, admin, { deadline: '2040-11-20T12:00:00Z' }), 400, 'INVALID_CALENDAR');
    refused(await call('POST', `${years(2042)}/cycle`, admin, { calendar: { publishAt: 'snart' } }), 400, 'INVALID_CALENDAR');
    expect(ok(await call('GET', `${years(2041)}/cycle`, admin)).calendar).toEqual(moved.calendar);
    expect(ok(await call('GET', `${years(2042)}/cycle`, admin)).workflow).toEqual({ status: 'NOT_STARTED', state: null });
  });

  it('imports contacts (administrators), refusing unknown codes', async () => {
    const body = { municipalities: { [OSTHAMMAR]: { email: 'registrator@osthammar.example.se' } }, counties: { '03': { officer: 'omfordelning@uppsala.lst.example.se' } } };
    const contacts = ok(await call('PUT', '/v1/contacts', admin, body));
    expect(contacts.municipalities[OSTHAMMAR]).toEqual({ emails: ['registrator@osthammar.example.se'] });
    expect(contacts.municipalities[TIERP]).toEqual({ emails: [`kommun-${TIERP}@kommun.example.se`] });
    expect(contacts.counties['03']).toEqual({ mailbox: 'lansstyrelsen-03@lst.example.se', officers: ['omfordelning@uppsala.lst.example.se'] });
    expect(Object.keys(contacts.municipalities)).toHaveLength(290);

    refused(await call('PUT', '/v1/contacts', admin, { municipalities: { '0399': { email: 'x@example.se' } } }), 404, 'UNKNOWN_MUNICIPALITY');
    refused(await call('PUT', '/v1/contacts', admin, { counties: { '02': { mailbox: 'x@example.se' } } }), 404, 'UNKNOWN_COUNTY');
    refused(await call('PUT', '/v1/contacts', admin, { municipalities: { [TIERP]: { email: 'inte en adress' } } }), 400, 'VALIDATION_FAILED');
    refused(await call('PUT', '/v1/contacts', admin, {}), 400, 'VALIDATION_FAILED');
  });
});

it('met every code of the rule catalogue, except those only the workflow can meet', () => {
  const missing = ERROR_CODES.filter((code) => !seen.has(code));
  expect(missing.sort()).toEqual(Object.keys(UNREACHABLE_OVER_HTTP).sort());
});
