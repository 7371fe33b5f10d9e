import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent, APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as amendProposal } from '../../functions/amend-proposal';
import { handler as answerProposal } from '../../functions/answer-proposal';
import { handler as decideProposal } from '../../functions/decide-proposal';
import { handler as getCycle } from '../../functions/get-cycle';
import { handler as getProposal } from '../../functions/get-proposal';
import { handler as getProposalHistory } from '../../functions/get-proposal-history';
import { handler as getReport } from '../../functions/get-report';
import { handler as health } from '../../functions/health';
import { handler as importContacts } from '../../functions/import-contacts';
import { handler as importShares } from '../../functions/import-shares';
import { handler as listAudit } from '../../functions/list-audit';
import { handler as listCounties } from '../../functions/list-counties';
import { handler as listMails } from '../../functions/list-mails';
import { handler as listMunicipalities } from '../../functions/list-municipalities';
import { handler as listProposals } from '../../functions/list-proposals';
import { handler as listShares } from '../../functions/list-shares';
import { handler as moveCalendar } from '../../functions/move-calendar';
import { handler as openapi } from '../../functions/openapi';
import { handler as startCycle } from '../../functions/start-cycle';
import { handler as submitProposal } from '../../functions/submit-proposal';
import { handler as submitReport } from '../../functions/submit-report';
import { handler as withdrawProposal } from '../../functions/withdraw-proposal';
import { ROUTES, type RouteName } from '../../shared/http/routes';
import { municipalitiesOf } from '../../shared/reference';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';
import { sentEmails, startSes, type LocalSes } from '../../local/emulators/ses/ses';
import { apiEvent, claims, type Claims, type EventInput } from '../support/api-event';
import { streamEventOf } from '../support/follow';
import { stubHandlerEnv } from '../support/handler-env';
import { ENKOPING, HEBY, KNIVSTA, OSTHAMMAR, STOCKHOLM, TIERP, UPPSALA } from '../support/places';

const HANDLERS: Record<RouteName, (event: ApiEvent) => Promise<ApiResult>> = {
  health,
  openapi,
  'list-counties': listCounties,
  'list-municipalities': listMunicipalities,
  'import-shares': importShares,
  'list-shares': listShares,
  'submit-proposal': submitProposal,
  'list-proposals': listProposals,
  'get-proposal': getProposal,
  'get-proposal-history': getProposalHistory,
  'amend-proposal': amendProposal,
  'withdraw-proposal': withdrawProposal,
  'answer-proposal': answerProposal,
  'decide-proposal': decideProposal,
  'submit-report': submitReport,
  'get-report': getReport,
  'get-cycle': getCycle,
  'start-cycle': startCycle,
  'move-calendar': moveCalendar,
  'list-audit': listAudit,
  'list-mails': listMails,
  'import-contacts': importContacts,
};

// Uppsala län (03): Uppsala 0380, Enköping 0381, Tierp 0360, Heby 0331. Stockholm 0180 is in 01.

/** The default calendar of share year Y: window 15 Aug Y-1 09:00 to 2 Nov Y-1 23:59:59 (Stockholm). */
const during = (year: number) => Date.parse(`${year - 1}-09-15T10:00:00Z`);
const afterDeadline = (year: number) => Date.parse(`${year - 1}-11-05T10:00:00Z`);
const beforePublish = (year: number) => Date.parse(`${year - 1}-06-01T10:00:00Z`);

interface Call extends Omit<EventInput, 'method' | 'path' | 'claims'> {
  as?: Claims;
}
interface Reply {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

/** Invokes a route's Lambda handler directly with an API Gateway v2 event. */
async function call(name: RouteName, input: Call = {}): Promise<Reply> {
  const route = ROUTES.find((r) => r.name === name)!;
  const { as, ...rest } = input;
  const result = await HANDLERS[name](apiEvent({ method: route.method, path: route.path, claims: as, ...rest }));
  const text = result.body ?? '';
  const headers = (result.headers ?? {}) as Record<string, string>;
  const body = headers['content-type']?.startsWith('application/json') && text ? JSON.parse(text) : text;
  return { status: result.statusCode ?? 0, headers, body, text };
}

const refusal = (reply: Reply) => [reply.status, reply.body?.error?.code];

const admin = claims.admin();
const county = claims.county;
const municipality = claims.municipality;

/** Complete preliminary shares of a county: every municipality, the same amount. */
const countyShares = (code: string, perMille = 3.5) => municipalitiesOf(code).map((m) => ({ municipality: m.code, perMille }));

async function importCounty(year: number, code: string, timeEpoch = beforePublish(year)) {
  const reply = await call('import-shares', { as: admin, pathParameters: { year: String(year) }, body: { shares: countyShares(code) }, timeEpoch });
  expect(reply.status).toBe(200);
  return reply;
}

let dynamo: LedgerDynamo;
let ses: LocalSes;

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startLedgerDynamo(), startSes()]);
  // Each handler builds the clients it uses from these at its first call.
  stubHandlerEnv(dynamo, ses);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all([dynamo?.stop(), ses?.stop()]);
});

describe('public routes', () => {
  it('health, counties, municipalities and the OpenAPI document need no token', async () => {
    expect((await call('health')).body).toEqual({ status: 'ok' });
    const counties = (await call('list-counties')).body.counties;
    expect(counties).toHaveLength(21);
    expect(counties[0]).toEqual({ code: '01', name: 'Stockholms län' });
    expect((await call('list-municipalities')).body.municipalities).toHaveLength(290);
    const uppsala = (await call('list-municipalities', { query: { county: '03' } })).body.municipalities;
    expect(uppsala).toContainEqual({ code: UPPSALA, name: 'Uppsala', county: '03' });
    expect(uppsala.every((m: { county: string }) => m.county === '03')).toBe(true);
    const doc = await call('openapi');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
  });

  it('refuses an unknown county and unknown query fields', async () => {
    expect(refusal(await call('list-municipalities', { query: { county: '02' } }))).toEqual([404, 'UNKNOWN_COUNTY']);
    expect(refusal(await call('list-municipalities', { query: { lan: '03' } }))).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('a county year over HTTP: submit → consent → decide → report', () => {
  const year = 2030;
  const params = { year: String(year) };
  const proposal = { year: String(year), giver: TIERP };

  it('runs the happy path', async () => {
    await importCounty(year, '03');

    const submitted = await call('submit-proposal', {
      as: municipality(TIERP),
      pathParameters: params,
      body: { receiver: UPPSALA, perMille: 1.25 },
      headers: { 'Idempotency-Key': 'tierp-1' },
      timeEpoch: during(year),
    });
    expect(submitted.status).toBe(201);
    expect(submitted.headers.location).toBe(`/v1/years/${year}/proposals/${TIERP}`);
    expect(submitted.body).toMatchObject({ year, giver: TIERP, receiver: UPPSALA, county: '03', perMille: 1.25, status: 'AWAITING_RECEIVER', version: 1 });

    const again = await call('submit-proposal', {
      as: municipality(TIERP),
      pathParameters: params,
      body: { receiver: UPPSALA, perMille: 1.25 },
      headers: { 'Idempotency-Key': 'tierp-1' },
      timeEpoch: during(year) + 1000,
    });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(submitted.body);

    const consent = await call('answer-proposal', { as: municipality(UPPSALA), pathParameters: proposal, body: { accept: true }, timeEpoch: during(year) + 60_000 });
    expect(consent.status).toBe(200);
    expect(consent.body).toMatchObject({ status: 'AGREED', receiverConsentAt: expect.any(String) });

    // (The county could decide already while the window is open, R8; here it decides after the deadline.)
    const noReason = await call('decide-proposal', { as: county('03'), pathParameters: proposal, body: { outcome: 'REJECTED' }, timeEpoch: afterDeadline(year) });
    expect(refusal(noReason)).toEqual([422, 'REJECTION_REASON_REQUIRED']);
    const decided = await call('decide-proposal', { as: county('03'), pathParameters: proposal, body: { outcome: 'APPROVED' }, timeEpoch: afterDeadline(year) });
    expect(decided.status).toBe(200);
    // The token names no person but its subject, which is what the decision shows.
    expect(decided.body).toMatchObject({ status: 'APPROVED', decision: { outcome: 'APPROVED', by: 'c-03', person: { sub: 'c-03' } } });

    const shares = await call('list-shares', { as: municipality(UPPSALA), pathParameters: params });
    expect(shares.status).toBe(200);
    expect(shares.body.shares).toHaveLength(municipalitiesOf('03').length);
    expect(shares.body.shares.find((s: { municipality: string }) => s.municipality === TIERP)).toEqual({
      municipality: TIERP, name: 'Tierp', county: '03', preliminaryPerMille: 3.5, givenPerMille: 1.25, receivedPerMille: 0, finalPerMille: null,
    });
    expect(shares.body.shares.find((s: { municipality: string }) => s.municipality === UPPSALA)).toMatchObject({ receivedPerMille: 1.25, givenPerMille: 0 });

    expect(refusal(await call('get-report', { as: county('03'), pathParameters: { year: String(year), county: '03' } }))).toEqual([404, 'REPORT_NOT_FOUND']);

    const report = await call('submit-report', { as: county('03'), pathParameters: { year: String(year), county: '03' }, timeEpoch: afterDeadline(year) + 60_000 });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      year,
      county: '03',
      mode: 'SUBMITTED',
      proposals: [{ giver: TIERP, receiver: UPPSALA, perMille: 1.25, status: 'APPROVED' }],
      fixedCompensation: { amountSek: 500_000, unchanged: true, statement: expect.stringContaining('500 000 kr') },
    });
    expect(report.body.totals.beforePerMille).toBe(report.body.totals.afterPerMille);
    expect(report.body.municipalities).toHaveLength(municipalitiesOf('03').length);

    const again2 = await call('submit-report', { as: county('03'), pathParameters: { year: String(year), county: '03' }, timeEpoch: afterDeadline(year) + 120_000 });
    expect(refusal(again2)).toEqual([409, 'REPORT_ALREADY_SUBMITTED']);
  });

  it('serves the report as JSON and, with Accept: text/csv, as CSV', async () => {
    const json = await call('get-report', { as: admin, pathParameters: { year: String(year), county: '03' } });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body.proposals).toHaveLength(1);

    const csv = await call('get-report', { as: county('03'), pathParameters: { year: String(year), county: '03' }, headers: { Accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain(`lansrapport-${year}-03-uppsala-lan.csv`);
    for (const m of municipalitiesOf('03')) expect(csv.text).toContain(`\r\n${m.code};${m.name};`);
    expect(csv.text).toContain(`\r\n${TIERP};Tierp;${UPPSALA};Uppsala;1,25;godkänt av länsstyrelsen;`);

    expect(refusal(await call('get-report', { as: county('01'), pathParameters: { year: String(year), county: '03' } }))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await call('get-report', { as: municipality(TIERP), pathParameters: { year: String(year), county: '03' } }))).toEqual([403, 'FORBIDDEN']);
  });

  it('shows the cycle as REPORTED once the only county with shares has reported', async () => {
    const cycle = await call('get-cycle', { as: municipality(HEBY), pathParameters: params, timeEpoch: afterDeadline(year) + 3_600_000 });
    expect(cycle.status).toBe(200);
    expect(cycle.body).toMatchObject({ year, phase: 'REPORTED', workflow: { status: 'NOT_STARTED', state: null } });
    expect(cycle.body.counties).toHaveLength(21);
    expect(cycle.body.counties.find((c: { county: string }) => c.county === '03')).toEqual({ county: '03', report: 'SUBMITTED' });
    expect(cycle.body.counties.find((c: { county: string }) => c.county === '01')).toEqual({ county: '01', report: 'PENDING' });
  });

  it('keeps an audit trail of the county ledger', async () => {
    const audit = await call('list-audit', { as: county('03'), pathParameters: params });
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({ year, county: '03' });
    expect(audit.body.events.map((e: { type: string }) => e.type)).toEqual([
      'SharesImported',
      'ProposalSubmitted',
      'ReceiverConsented',
      'ProposalDecided',
      'CountyReportSubmitted',
    ]);
    const [imported, submitted] = audit.body.events;
    expect(imported).toMatchObject({ seq: 1, actor: { role: 'admin' } });
    expect(imported.shares[UPPSALA]).toBe(3.5);
    expect(submitted).toMatchObject({ seq: 2, giver: TIERP, receiver: UPPSALA, perMille: 1.25, actor: { role: 'municipality', id: TIERP, person: { sub: `m-${TIERP}` } }, idempotencyKey: 'tierp-1' });

    const asAdmin = await call('list-audit', { as: admin, pathParameters: params, query: { county: '03' } });
    expect(asAdmin.body.events).toEqual(audit.body.events);
    expect(refusal(await call('list-audit', { as: admin, pathParameters: params }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(refusal(await call('list-audit', { as: county('01'), pathParameters: params, query: { county: '03' } }))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await call('list-audit', { as: municipality(TIERP), pathParameters: params, query: { county: '03' } }))).toEqual([403, 'FORBIDDEN']);
  });

  it('leaves the notices to the ledger follower, which sends them when the stream delivers the events', async () => {
    const subjects = async () => (await sentEmails(ses.endpoint)).map((m) => m.subject).filter((s) => s.startsWith(`Omfördelning ${year}:`));
    expect(await subjects()).toEqual([]);
    const { handler } = await import('../../functions/follow-ledger/index');
    expect(await handler(await streamEventOf(dynamo.raw, dynamo.tableName, { year, county: '03' }))).toEqual({ batchItemFailures: [] });
    expect(await subjects()).toEqual([
      `Omfördelning ${year}: nytt förslag från Tierp (0360) väntar på ert samtycke`,
      `Omfördelning ${year}: ert förslag till Uppsala (0380) är registrerat`,
      `Omfördelning ${year}: nytt förslag från Tierp (0360) till Uppsala (0380)`,
      `Omfördelning ${year}: Uppsala (0380) har samtyckt till ert förslag`,
      `Omfördelning ${year}: ert samtycke till förslaget från Tierp (0360) är registrerat`,
      `Omfördelning ${year}: Uppsala (0380) har samtyckt till förslaget från Tierp (0360)`,
      `Omfördelning ${year}: länsstyrelsen har godkänt förslaget från Tierp (0360) till Uppsala (0380)`,
      `Omfördelning ${year}: länsstyrelsen har godkänt förslaget från Tierp (0360) till Uppsala (0380)`,
      `Omfördelning ${year}: förslaget från Tierp (0360) till Uppsala (0380) har godkänts`,
    ]);
  });

  it('lists the mails the year has sent to administrators, newest first, a page at a time and by county', async () => {
    const all = await call('list-mails', { as: admin, pathParameters: params });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ year });
    expect(all.body.next).toBeUndefined();
    expect(all.body.mails).toHaveLength(9);
    const times = all.body.mails.map((m: { sentAt: string }) => m.sentAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.body.mails.at(-1)).toEqual({
      sentAt: times.at(-1),
      kind: 'ProposalSubmitted',
      subject: `Omfördelning ${year}: nytt förslag från Tierp (0360) väntar på ert samtycke`,
      to: [`kommun-${UPPSALA}@kommun.example.se`],
      cc: [],
      addressee: { organisation: 'municipality', code: UPPSALA, name: 'Uppsala (0380)' },
      county: '03',
    });
    expect(all.body.mails[0]).toMatchObject({ kind: 'ProposalDecided', addressee: { organisation: 'county', code: '03', name: 'Länsstyrelsen i Uppsala län' }, cc: ['handlaggare-03@lst.example.se'] });

    const first = await call('list-mails', { as: admin, pathParameters: params, query: { limit: '4' } });
    expect(first.body.mails).toEqual(all.body.mails.slice(0, 4));
    const rest = await call('list-mails', { as: admin, pathParameters: params, query: { limit: '4', after: first.body.next } });
    expect(rest.body.mails).toEqual(all.body.mails.slice(4, 8));
    const last = await call('list-mails', { as: admin, pathParameters: params, query: { limit: '4', after: rest.body.next } });
    expect(last.body).toEqual({ year, mails: all.body.mails.slice(8) });

    expect((await call('list-mails', { as: admin, pathParameters: params, query: { county: '03' } })).body).toEqual({ year, county: '03', mails: all.body.mails });
    expect((await call('list-mails', { as: admin, pathParameters: params, query: { county: '01' } })).body).toEqual({ year, county: '01', mails: [] });
    expect((await call('list-mails', { as: admin, pathParameters: { year: String(year + 50) } })).body).toEqual({ year: year + 50, mails: [] });

    expect(refusal(await call('list-mails', { as: county('03'), pathParameters: params, query: { county: '03' } }))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await call('list-mails', { as: municipality(TIERP), pathParameters: params }))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await call('list-mails', { pathParameters: params }))).toEqual([401, 'UNAUTHORIZED']);
    expect((await call('list-mails', { pathParameters: params })).headers['www-authenticate'], 'a 401 says how to authenticate').toBe('Bearer');
    expect(refusal(await call('list-mails', { as: admin, pathParameters: params, query: { county: '99' } }))).toEqual([404, 'UNKNOWN_COUNTY']);
    const queries: Record<string, string>[] = [{ limit: '0' }, { limit: '501' }, { limit: 'tio' }, { after: 'inte/en#nyckel' }, { lan: '03' }];
    for (const query of queries) {
      const bad = await call('list-mails', { as: admin, pathParameters: params, query });
      expect(refusal(bad), JSON.stringify(query)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const bad = await call('list-mails', { as: admin, pathParameters: params, query: { limit: '0' } });
    expect(bad.body.error.details).toEqual([expect.objectContaining({ message: 'Ange limit som ett heltal mellan 1 och 500.' })]);
  });
});

describe('proposals: reading, amending, withdrawing and refusals', () => {
  const year = 2031;
  const params = { year: String(year) };
  const t = during(year);

  beforeAll(async () => {
    await importCounty(year, '03');
    await importCounty(year, '01');
    const reply = await call('submit-proposal', { as: municipality(HEBY), pathParameters: params, body: { receiver: ENKOPING, perMille: 2 }, timeEpoch: t });
    expect(reply.status).toBe(201);
  });

  it('lets the giver amend and withdraw, and submit anew afterwards', async () => {
    const path = { year: String(year), giver: HEBY };
    const amended = await call('amend-proposal', { as: municipality(HEBY), pathParameters: path, body: { perMille: 2.5 }, timeEpoch: t + 1000 });
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ perMille: 2.5, receiver: ENKOPING, status: 'AWAITING_RECEIVER', version: 2 });
    const withdrawn = await call('withdraw-proposal', { as: municipality(HEBY), pathParameters: path, timeEpoch: t + 2000 });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'WITHDRAWN' });
    const anew = await call('submit-proposal', { as: municipality(HEBY), pathParameters: params, body: { receiver: ENKOPING, perMille: 1 }, timeEpoch: t + 3000 });
    expect(anew.status).toBe(201);
  });

  it('lists only what the caller may see', async () => {
    const mine = await call('list-proposals', { as: municipality(ENKOPING), pathParameters: params });
    expect(mine.body.proposals.map((p: { giver: string }) => p.giver)).toEqual([HEBY]);
    expect((await call('list-proposals', { as: municipality(UPPSALA), pathParameters: params })).body.proposals).toEqual([]);
    expect((await call('list-proposals', { as: county('03'), pathParameters: params })).body.proposals).toHaveLength(1);
    expect((await call('list-proposals', { as: county('01'), pathParameters: params })).body.proposals).toEqual([]);
    expect((await call('list-proposals', { as: admin, pathParameters: params })).body).toMatchObject({ year, proposals: [{ giver: HEBY, county: '03' }] });
    expect((await call('list-proposals', { as: admin, pathParameters: params, query: { county: '01' } })).body.proposals).toEqual([]);
    expect(refusal(await call('list-proposals', { as: municipality(HEBY), pathParameters: params, query: { county: '01' } }))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await call('list-proposals', { as: county('01'), pathParameters: params, query: { county: '03' } }))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await call('list-proposals', { as: admin, pathParameters: params, query: { county: '99' } }))).toEqual([404, 'UNKNOWN_COUNTY']);
  });

  it('shows one proposal to its parties, its county and administrators only', async () => {
    const path = { year: String(year), giver: HEBY };
    for (const who of [municipality(HEBY), municipality(ENKOPING), county('03'), admin]) {
      const reply = await call('get-proposal', { as: who, pathParameters: path });
      expect([reply.status, reply.body.giver]).toEqual([200, HEBY]);
    }
    for (const who of [municipality(UPPSALA), municipality(STOCKHOLM), county('01')]) {
      expect(refusal(await call('get-proposal', { as: who, pathParameters: path }))).toEqual([403, 'FORBIDDEN']);
    }
    expect(refusal(await call('get-proposal', { as: county('03'), pathParameters: { year: String(year), giver: TIERP } }))).toEqual([404, 'PROPOSAL_NOT_FOUND']);
    expect(refusal(await call('get-proposal', { as: admin, pathParameters: { year: String(year), giver: '0399' } }))).toEqual([404, 'UNKNOWN_MUNICIPALITY']);
  });

  it('refuses with the exact status and code, and writes nothing', async () => {
    const submit = (as: Claims, body: unknown, timeEpoch = t) => call('submit-proposal', { as, pathParameters: params, body, timeEpoch });
    const path = { year: String(year), giver: HEBY };
    const cases: [Promise<Reply>, number, string][] = [
      [submit(municipality(TIERP), { receiver: STOCKHOLM, perMille: 1 }), 422, 'OTHER_COUNTY'],
      [submit(municipality(TIERP), { receiver: TIERP, perMille: 1 }), 422, 'SAME_MUNICIPALITY'],
      [submit(municipality(TIERP), { receiver: UPPSALA, perMille: 3.501 }), 422, 'AMOUNT_EXCEEDS_SHARE'],
      [submit(municipality(TIERP), { receiver: UPPSALA, perMille: 1.2345 }), 400, 'INVALID_AMOUNT'],
      [submit(municipality(TIERP), { receiver: UPPSALA, perMille: 1, note: 'x' }), 400, 'VALIDATION_FAILED'],
      [submit(municipality(TIERP), { receiver: '0399', perMille: 1 }), 404, 'UNKNOWN_MUNICIPALITY'],
      [submit(municipality(TIERP), { receiver: UPPSALA, perMille: 1 }, afterDeadline(year)), 409, 'SUBMISSION_WINDOW_CLOSED'],
      [submit(municipality(HEBY), { receiver: UPPSALA, perMille: 1 }), 409, 'GIVER_HAS_PROPOSAL'],
      // R4: Enköping only awaits Heby's proposal, so it could give; but nobody may propose to Heby, which gives.
      [submit(municipality(UPPSALA), { receiver: HEBY, perMille: 1 }), 409, 'ROLE_CONFLICT'],
      [submit(county('03'), { receiver: UPPSALA, perMille: 1 }), 403, 'FORBIDDEN'],
      [submit({}, { receiver: UPPSALA, perMille: 1 }), 401, 'UNAUTHORIZED'],
      [call('amend-proposal', { as: municipality(TIERP), pathParameters: path, body: { perMille: 1 }, timeEpoch: t }), 403, 'FORBIDDEN'],
      [call('amend-proposal', { as: municipality(HEBY), pathParameters: path, body: {}, timeEpoch: t }), 400, 'VALIDATION_FAILED'],
      [call('withdraw-proposal', { as: county('03'), pathParameters: path, timeEpoch: t }), 403, 'FORBIDDEN'],
      [call('answer-proposal', { as: municipality(UPPSALA), pathParameters: path, body: { accept: true }, timeEpoch: t }), 403, 'NOT_RECEIVER'],
      [call('answer-proposal', { as: municipality(ENKOPING), pathParameters: path, body: { accept: 'ja' }, timeEpoch: t }), 400, 'VALIDATION_FAILED'],
      [call('decide-proposal', { as: county('01'), pathParameters: path, body: { outcome: 'APPROVED' }, timeEpoch: afterDeadline(year) }), 403, 'FORBIDDEN'],
      [call('decide-proposal', { as: county('03'), pathParameters: path, body: { outcome: 'APPROVED' }, timeEpoch: afterDeadline(year) }), 409, 'CONSENT_MISSING'],
      [call('submit-report', { as: county('03'), pathParameters: { year: String(year), county: '03' }, timeEpoch: t }), 409, 'WINDOW_NOT_CLOSED'],
      [call('submit-report', { as: county('01'), pathParameters: { year: String(year), county: '03' }, timeEpoch: afterDeadline(year) }), 403, 'FORBIDDEN'],
    ];
    const before = (await call('list-audit', { as: county('03'), pathParameters: params })).body.events.length;
    for (const [reply, status, code] of cases) expect(refusal(await reply)).toEqual([status, code]);
    const after = (await call('list-audit', { as: county('03'), pathParameters: params })).body.events.length;
    expect(after).toBe(before);
  });
});

describe("a proposal's history: who, when, what, and for whom", () => {
  const year = 2034;
  const params = { year: String(year) };
  const path = { year: String(year), giver: TIERP };
  const t = during(year);
  const named = (who: Claims, name: string): Claims => ({ ...who, name, email: `${name.split(' ')[0]!.toLowerCase()}@kommun.example.se` });
  const history = (as: Claims, giver = TIERP) => call('get-proposal-history', { as, pathParameters: { year: String(year), giver } });
  const kinds = (reply: Reply) => reply.body.events.map((e: { type: string }) => e.type);

  beforeAll(async () => {
    await importCounty(year, '03');
    await importCounty(year, '01');
    const steps: [RouteName, Claims, Record<string, string>, unknown][] = [
      ['submit-proposal', named(municipality(TIERP), 'Anna Berg'), params, { receiver: UPPSALA, perMille: 1.5, decisionReference: 'KS 2027/123 § 45', contact: { name: 'Anna Berg', phone: '0293-123 45' } }],
      ['submit-proposal', municipality(HEBY), params, { receiver: KNIVSTA, perMille: 0.5, comment: 'Hebys eget förslag.' }],
      ['answer-proposal', named(municipality(UPPSALA), 'Per Ek'), path, { accept: true, decisionReference: 'KS 2027/200' }],
      ['amend-proposal', named(municipality(TIERP), 'Anna Berg'), path, { receiver: ENKOPING, perMille: 1, comment: 'Enköping har fler platser.' }],
      ['answer-proposal', municipality(KNIVSTA), { year: String(year), giver: HEBY }, { accept: false }],
      ['answer-proposal', municipality(ENKOPING), path, { accept: true }],
      ['decide-proposal', named(county('03'), 'Karin Lind'), path, { outcome: 'REJECTED', reason: 'Underlaget räcker inte.' }],
      ['withdraw-proposal', municipality(TIERP), path, undefined],
      ['submit-proposal', municipality(TIERP), params, { receiver: OSTHAMMAR, perMille: 0.5 }],
    ];
    for (const [i, [route, as, pathParameters, body]] of steps.entries()) {
      const reply = await call(route, { as, pathParameters, ...(body === undefined ? {} : { body }), headers: { 'Idempotency-Key': `history-${i}` }, timeEpoch: t + i * 60_000 });
      expect(reply.status, reply.text).toBeLessThan(300);
    }
  });

  it("shows the giver, its county and administrators every event of the giver's proposals, oldest first, and nothing else", async () => {
    const mine = await history(municipality(TIERP));
    expect(mine.status).toBe(200);
    expect(kinds(mine)).toEqual(['ProposalSubmitted', 'ReceiverConsented', 'ProposalAmended', 'ReceiverConsented', 'ProposalDecided', 'ProposalWithdrawn', 'ProposalSubmitted']);
    expect(mine.body).toMatchObject({ year, county: '03', giver: TIERP });
    expect(mine.body.events[0]).toEqual({
      type: 'ProposalSubmitted',
      at: new Date(t).toISOString(),
      actor: { role: 'municipality', id: TIERP, name: 'Anna Berg' },
      receiver: UPPSALA,
      perMille: 1.5,
      resolution: { decisionReference: 'KS 2027/123 § 45', contact: { name: 'Anna Berg', phone: '0293-123 45' } },
    });
    expect(mine.body.events[1]).toEqual({ type: 'ReceiverConsented', at: new Date(t + 120_000).toISOString(), actor: { role: 'municipality', id: UPPSALA, name: 'Per Ek' }, resolution: { decisionReference: 'KS 2027/200' } });
    expect(mine.body.events[4]).toEqual({ type: 'ProposalDecided', at: new Date(t + 360_000).toISOString(), actor: { role: 'county', id: '03', name: 'Karin Lind' }, outcome: 'REJECTED', reason: 'Underlaget räcker inte.' });
    // A token without a name: the organisation alone.
    expect(mine.body.events[5].actor).toEqual({ role: 'municipality', id: TIERP });
    // Heby's and Knivsta's dealings, idempotency keys, e-mail addresses and token subjects stay out.
    for (const absent of [HEBY, KNIVSTA, 'Hebys eget förslag.', 'history-', '@kommun.example.se', `m-${TIERP}`]) expect(mine.text).not.toContain(absent);
    for (const who of [county('03'), admin]) expect((await history(who)).body).toEqual(mine.body);
  });

  it('shows a former receiver the time it was named and that the proposal went to another receiver, not to whom', async () => {
    const uppsala = await history(municipality(UPPSALA));
    expect(uppsala.status).toBe(200);
    expect(kinds(uppsala)).toEqual(['ProposalSubmitted', 'ReceiverConsented', 'ReceiverReplaced']);
    expect(uppsala.body.events[2]).toEqual({ type: 'ReceiverReplaced', at: new Date(t + 180_000).toISOString(), actor: { role: 'municipality', id: TIERP, name: 'Anna Berg' } });
    for (const absent of [ENKOPING, OSTHAMMAR, 'Enköping har fler platser.', 'Underlaget']) expect(uppsala.text).not.toContain(absent);

    const enkoping = await history(municipality(ENKOPING));
    expect(kinds(enkoping)).toEqual(['ProposalAmended', 'ReceiverConsented', 'ProposalDecided', 'ProposalWithdrawn']);
    expect(enkoping.body.events[0]).toMatchObject({ receiver: ENKOPING, perMille: 1, resolution: { comment: 'Enköping har fler platser.' } });
    for (const absent of [UPPSALA, OSTHAMMAR, 'KS 2027/']) expect(enkoping.text).not.toContain(absent);

    const osthammar = await history(municipality(OSTHAMMAR));
    expect(osthammar.body.events).toEqual([{ type: 'ProposalSubmitted', at: new Date(t + 480_000).toISOString(), actor: { role: 'municipality', id: TIERP }, receiver: OSTHAMMAR, perMille: 0.5 }]);
  });

  it('refuses everyone else with a Swedish message, and answers an unknown giver or proposal as get-proposal does', async () => {
    const heby = await history(municipality(HEBY));
    expect(refusal(heby)).toEqual([403, 'FORBIDDEN']);
    expect(heby.body.error.message).toBe('Endast den givande kommunen och de kommuner som förslaget har gällt som mottagare kan se förslagets historik.');
    for (const who of [municipality(STOCKHOLM), county('01')]) {
      const reply = await history(who);
      expect(refusal(reply)).toEqual([403, 'FORBIDDEN']);
      expect(reply.body.error.message).toBe('Du kan bara se förslag i ditt eget län.');
    }
    expect(refusal(await history({}))).toEqual([401, 'UNAUTHORIZED']);
    for (const giver of [KNIVSTA, '0399', '360']) {
      const expected = await call('get-proposal', { as: county('03'), pathParameters: { year: String(year), giver } });
      const reply = await history(county('03'), giver);
      expect([reply.status, reply.body]).toEqual([expected.status, expected.body]);
    }
    expect(refusal(await history(county('03'), KNIVSTA))).toEqual([404, 'PROPOSAL_NOT_FOUND']);
    expect(refusal(await history(admin, '0399'))).toEqual([404, 'UNKNOWN_MUNICIPALITY']);
    expect(refusal(await history(admin, '360'))).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('shares import', () => {
  const year = 2032;
  const params = { year: String(year) };
  const put = (body: unknown, headers: Record<string, string> = {}, as: Claims = admin) =>
    call('import-shares', { as, pathParameters: params, body, headers, timeEpoch: beforePublish(year) });
  const blekinge = municipalitiesOf('10').map((m) => m.code);

  it('refuses bad imports and writes nothing', async () => {
    const incomplete = [...countyShares('09'), ...countyShares('10').slice(1)];
    const invalid = await put({ shares: incomplete });
    expect(refusal(invalid)).toEqual([400, 'INVALID_SHARES']);
    expect(invalid.body.error.details[0]).toMatchObject({ county: '10', missing: [blekinge[0]] });
    expect(refusal(await put({ shares: [...countyShares('09'), { municipality: '9999', perMille: 1 }] }))).toEqual([404, 'UNKNOWN_MUNICIPALITY']);
    expect(refusal(await put({ shares: [...countyShares('09'), ...countyShares('09')] }))).toEqual([400, 'DUPLICATE_MUNICIPALITY']);
    expect(refusal(await put({ shares: [{ municipality: '0980', perMille: 1.0001 }] }))).toEqual([400, 'INVALID_AMOUNT']);
    expect(refusal(await put({ shares: countyShares('09'), extra: true }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(refusal(await put('kommun;andel\n0980;1', { 'content-type': 'text/csv' }))).toEqual([400, 'INVALID_CSV']);
    expect(refusal(await put({ shares: countyShares('09') }, {}, county('09')))).toEqual([403, 'FORBIDDEN']);
    const shares = await call('list-shares', { as: admin, pathParameters: params });
    expect(shares.body).toEqual({ year, shares: [] });
  });

  it('imports JSON', async () => {
    const reply = await put({ shares: countyShares('09', 2.25) });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      year,
      shares: [{ municipality: '0980', name: 'Gotland', county: '09', preliminaryPerMille: 2.25, givenPerMille: 0, receivedPerMille: 0, finalPerMille: null }],
    });
  });

  it('imports CSV with a decimal comma, several counties at once, replacing earlier shares', async () => {
    const rows = blekinge.map((code, i) => (i === 0 ? `${code};"1,5"` : `${code};${i},125`));
    const csv = ['\uFEFFmunicipality_code;per_mille', ...rows, '980;3.75', ''].join('\r\n');
    const reply = await put(csv, { 'content-type': 'text/csv' });
    expect(reply.status).toBe(200);
    expect(reply.body.shares.map((s: { municipality: string; preliminaryPerMille: number }) => [s.municipality, s.preliminaryPerMille])).toEqual([
      ['0980', 3.75],
      ...blekinge.map((code, i) => [code, i === 0 ? 1.5 : i + 0.125]),
    ]);
    const commaCsv = `municipality_code,per_mille\n0980,4,5\n`;
    expect((await put(commaCsv, { 'content-type': 'text/csv; charset=utf-8' })).body.shares[0].preliminaryPerMille).toBe(4.5);
  });

  it('shows shares by county to whom may see them', async () => {
    const all = await call('list-shares', { as: admin, pathParameters: params });
    expect(all.body.shares.map((s: { county: string }) => s.county)).toEqual(['09', ...blekinge.map(() => '10')]);
    const own = await call('list-shares', { as: municipality(blekinge[1]!), pathParameters: params });
    expect(own.body.shares).toHaveLength(blekinge.length);
    expect(refusal(await call('list-shares', { as: municipality(blekinge[1]!), pathParameters: params, query: { county: '09' } }))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await call('list-shares', { as: county('09'), pathParameters: params, query: { county: '10' } }))).toEqual([403, 'FORBIDDEN']);
    expect((await call('list-shares', { as: county('09'), pathParameters: params })).body.shares).toHaveLength(1);
  });
});

describe('cycle', () => {
  const year = 2033;
  const params = { year: String(year) };
  const now = during(year);

  it('starts PLANNED with the default calendar and no workflow', async () => {
    const cycle = await call('get-cycle', { as: municipality(UPPSALA), pathParameters: params, timeEpoch: beforePublish(year) });
    expect(cycle.status).toBe(200);
    expect(cycle.body).toMatchObject({
      year,
      phase: 'PLANNED',
      // 15 Aug 2032 is a Sunday: publication moves to Monday 16 Aug.
      calendar: { publishAt: `${year - 1}-08-16T07:00:00Z`, deadline: `${year - 1}-11-02T22:59:59Z` },
      workflow: { status: 'NOT_STARTED', state: null },
    });
    expect(cycle.body.counties.every((c: { report: string }) => c.report === 'PENDING')).toBe(true);
  });

  it('is started by an administrator, once (201, then 200), with a valid calendar', async () => {
    const start = (body: unknown, as: Claims = admin) => call('start-cycle', { as, pathParameters: params, ...(body === undefined ? {} : { body }), timeEpoch: beforePublish(year) });
    expect(refusal(await start(undefined, municipality(UPPSALA)))).toEqual([403, 'FORBIDDEN']);
    const invalid = await start({ calendar: { deadline: `${year - 1}-08-01T00:00:00Z` } });
    expect(refusal(invalid)).toEqual([400, 'INVALID_CALENDAR']);
    expect(invalid.body.error.details.join(' ')).toContain('före');
    expect(refusal(await start({ calendar: { publishAt: 'snart' } }))).toEqual([400, 'INVALID_CALENDAR']);
    expect(refusal(await start({ kalender: {} }))).toEqual([400, 'VALIDATION_FAILED']);

    const created = await start({ calendar: { publishAt: `${year - 1}-08-01T09:00:00+02:00` } });
    expect(created.status).toBe(201);
    expect(created.body.calendar.publishAt).toBe(`${year - 1}-08-01T07:00:00Z`);
    const twice = await start(undefined);
    expect(twice.status).toBe(200);
    expect(twice.body.calendar).toEqual(created.body.calendar);
  });

  it('moves milestones that have not passed, and only those', async () => {
    const move = (body: unknown, as: Claims = admin) => call('move-calendar', { as, pathParameters: params, body, timeEpoch: now });
    expect(refusal(await move({ publishAt: `${year - 1}-09-20T09:00:00+02:00` }))).toEqual([409, 'MILESTONE_PASSED']);
    expect(refusal(await move({ deadline: `${year - 1}-09-01T09:00:00Z` }))).toEqual([409, 'MILESTONE_PASSED']);
    expect(refusal(await move({ deadline: `${year - 1}-12-01T09:00:00Z` }))).toEqual([400, 'INVALID_CALENDAR']);
    expect(refusal(await move({ deadline: `${year - 1}-11-09T23:59:59+01:00` }, county('03')))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await move({}))).toEqual([400, 'VALIDATION_FAILED']);
    const moved = await move({ deadline: `${year - 1}-11-09T23:59:59+01:00` });
    expect(moved.status).toBe(200);
    expect(moved.body.calendar.deadline).toBe(`${year - 1}-11-09T22:59:59Z`);
    const cycle = await call('get-cycle', { as: admin, pathParameters: params, timeEpoch: now });
    expect(cycle.body.calendar).toEqual(moved.body.calendar);
  });

  it('derives the phase from the shares, the stored calendar and the clock', async () => {
    await importCounty(year, '03');
    const phaseAt = async (timeEpoch: number) => (await call('get-cycle', { as: admin, pathParameters: params, timeEpoch })).body.phase;
    expect(await phaseAt(Date.parse(`${year - 1}-07-31T10:00:00Z`))).toBe('PLANNED');
    expect(await phaseAt(now)).toBe('OPEN');
    // Open after the default deadline, because the deadline was moved to 9 November.
    expect(await phaseAt(Date.parse(`${year - 1}-11-05T10:00:00Z`))).toBe('OPEN');
    expect(await phaseAt(Date.parse(`${year - 1}-11-09T23:00:00Z`))).toBe('CLOSED');
    // And the ledger follows the stored calendar too.
    const late = (day: string) =>
      call('submit-proposal', { as: municipality(TIERP), pathParameters: params, body: { receiver: UPPSALA, perMille: 1 }, timeEpoch: Date.parse(`${year - 1}-11-${day}`) });
    expect((await late('05T10:00:00Z')).status).toBe(201);
    expect(refusal(await late('10T10:00:00Z'))).toEqual([409, 'SUBMISSION_WINDOW_CLOSED']);
  });
});
