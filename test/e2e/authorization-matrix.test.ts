/**
 * The authorization matrix, end to end over HTTP: every route of ROUTES × every kind of
 * caller, with the exact status each gets. State is built so that each cell means something:
 * the proposal a route names exists (in the status the route needs), the window is open for
 * the municipalities' commands (share year 2028, clock 2027-09-01) and closed for the
 * county's decisions and report (the clock moves past the deadline for the last block).
 *
 * Per row, the callers whose accepted request changes state ("writers") go last; before them,
 * what is stored (every event of the counties involved, all proposals and shares, the cycle
 * calendars) must be exactly as before the row: a refused or read-only request wrote nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteName } from '../../shared/http/routes';
import { startTestStack, type TestStack } from '../support/local-stack';
import {
  CLOSED_NOW,
  MunicipalityPool,
  OPEN_NOW,
  YEAR,
  importExampleShares,
 
  shareRows,
  storedState,
  tokens,
  type Tokens,
  type Who,
} from '../support/e2e';

const OWN = '14'; // Västra Götalands län: 49 municipalities, room for a scenario per row
const OTHER = '01'; // Stockholms län
const OTHER_MUNICIPALITY = '0180'; // Stockholm
const CYCLE_YEAR = 2040; // started by the start-cycle row: far from the year the proposals live in
const CALENDAR_YEAR = 2041; // its calendar is moved by the move-calendar row

const COLUMNS = [
  'anonymous',
  'municipality: own (giver)',
  'municipality: receiver',
  'municipality: same county, no party',
  'municipality: other county',
  'county: own',
  'county: other',
  'admin',
] as const;
type Column = (typeof COLUMNS)[number];

interface Parties {
  giver: string;
  receiver: string;
  nonParty: string;
}

function who(column: Column, p: Parties): Who {
  switch (column) {
    case 'anonymous':
      return null;
    case 'municipality: own (giver)':
      return { role: 'municipality', municipality: p.giver };
    case 'municipality: receiver':
      return { role: 'municipality', municipality: p.receiver };
    case 'municipality: same county, no party':
      return { role: 'municipality', municipality: p.nonParty };
    case 'municipality: other county':
      return { role: 'municipality', municipality: OTHER_MUNICIPALITY };
    case 'county: own':
      return { role: 'county', county: OWN };
    case 'county: other':
      return { role: 'county', county: OTHER };
    case 'admin':
      return { role: 'admin' };
  }
}

type Expected = Record<Column, number>;
const everyone = (status: number): Expected => Object.fromEntries(COLUMNS.map((c) => [c, status])) as Expected;
/** Every signed-in caller gets `status` (the anonymous one 401), except as overridden. */
const signedIn = (status: number, except: Partial<Expected> = {}): Expected => ({ ...everyone(status), anonymous: 401, ...except });
/** Only the named callers get past the access check; everyone else signed in gets 403. */
const only = (allowed: Partial<Expected>): Expected => signedIn(403, allowed);

const pool = new MunicipalityPool(OWN);
const triple = (): Parties => {
  const [giver, receiver, nonParty] = pool.take(3) as [string, string, string];
  return { giver, receiver, nonParty };
};

/** Scenarios: who the parties are, and what exists before the rows that use them run. */
const S = {
  /** A live proposal (AWAITING_RECEIVER) for the listing rows, so lists are not empty. */
  general: { ...triple(), fixture: 'submitted' as const },
  submit: { ...triple(), fixture: 'none' as const },
  read: { ...triple(), fixture: 'submitted' as const },
  amend: { ...triple(), fixture: 'submitted' as const },
  withdraw: { ...triple(), fixture: 'submitted' as const },
  answer: { ...triple(), fixture: 'submitted' as const },
  decide: { ...triple(), fixture: 'agreed' as const },
  history: { ...triple(), fixture: 'submitted' as const },
};
/** Whom the history scenario's giver names instead of its first receiver, who then is a former receiver. */
const NEXT_RECEIVER = pool.take(1)[0]!;

interface Row {
  route: RouteName;
  variant?: string;
  phase: 'open' | 'closed';
  scenario: keyof typeof S;
  params?: (p: Parties) => Record<string, string>;
  query?: string;
  json?: (p: Parties) => unknown;
  expected: () => Expected;
  /** Callers whose accepted request changes state: they go last, in this order. */
  writers?: Column[];
  /** Runs before the row (after the clock is set for its phase). */
  setup?: () => Promise<void>;
}

const year = { year: String(YEAR) };
const giverPath = (p: Parties) => ({ ...year, giver: p.giver });
const ownCountyPath = () => ({ ...year, county: OWN });

let startCycleStatus = 0;


const ROWS: Row[] = [
  // --- Public routes: no token needed, a token changes nothing ------------------------
  { route: 'health', phase: 'open', scenario: 'general', expected: () => everyone(200) },
  { route: 'openapi', phase: 'open', scenario: 'general', expected: () => everyone(200) },
  { route: 'list-counties', phase: 'open', scenario: 'general', expected: () => everyone(200) },
  { route: 'list-municipalities', phase: 'open', scenario: 'general', expected: () => everyone(200) },
  { route: 'list-municipalities', variant: '?county=own', phase: 'open', scenario: 'general', query: `?county=${OWN}`, expected: () => everyone(200) },

  // --- Shares -----------------------------------------------------------------------
  {
    route: 'import-shares',
    phase: 'open',
    scenario: 'general',
    params: () => year,
    json: () => ({ shares: shareRows(['09']) }), // Gotland: a county without proposals, so it may be replaced
    expected: () => only({ admin: 200 }),
    writers: ['admin'],
  },
  { route: 'list-shares', phase: 'open', scenario: 'general', params: () => year, expected: () => signedIn(200) },
  {
    route: 'list-shares',
    variant: '?county=own',
    phase: 'open',
    scenario: 'general',
    params: () => year,
    query: `?county=${OWN}`,
    expected: () => signedIn(200, { 'municipality: other county': 403, 'county: other': 403 }),
  },

  // --- Proposals, window open ------------------------------------------------------------
  {
    route: 'submit-proposal',
    phase: 'open',
    scenario: 'submit',
    params: () => year,
    json: (p) => ({ receiver: p.receiver, perMille: 0.1 }),
    // Any municipality submits for itself: to itself (the receiver) is SAME_MUNICIPALITY, from
    // another county OTHER_COUNTY; the giver and the bystander both become givers (R3).
    expected: () =>
      only({ 'municipality: own (giver)': 201, 'municipality: receiver': 422, 'municipality: same county, no party': 201, 'municipality: other county': 422 }),
    writers: ['municipality: own (giver)', 'municipality: same county, no party'],
  },
  { route: 'list-proposals', phase: 'open', scenario: 'general', params: () => year, expected: () => signedIn(200) },
  {
    route: 'list-proposals',
    variant: '?county=own',
    phase: 'open',
    scenario: 'general',
    params: () => year,
    query: `?county=${OWN}`,
    expected: () => signedIn(200, { 'municipality: other county': 403, 'county: other': 403 }),
  },
  {
    route: 'get-proposal',
    phase: 'open',
    scenario: 'read',
    params: giverPath,
    expected: () => only({ 'municipality: own (giver)': 200, 'municipality: receiver': 200, 'county: own': 200, admin: 200 }),
  },
  {
    route: 'get-proposal-history',
    phase: 'open',
    scenario: 'history',
    params: giverPath,
    expected: () => only({ 'municipality: own (giver)': 200, 'municipality: receiver': 200, 'county: own': 200, admin: 200 }),
  },
  {
    route: 'get-proposal-history',
    variant: '(the receiver since replaced)',
    phase: 'open',
    scenario: 'history',
    params: giverPath,
    // The receiver the proposal named before still reads the part it was named in.
    expected: () => only({ 'municipality: own (giver)': 200, 'municipality: receiver': 200, 'county: own': 200, admin: 200 }),
    setup: async () => {
      const res = await call('PATCH', `/v1/years/${YEAR}/proposals/${S.history.giver}`, await t.municipality(S.history.giver), { receiver: NEXT_RECEIVER });
      expect(res.status, res.text).toBe(200);
    },
  },
  {
    route: 'amend-proposal',
    phase: 'open',
    scenario: 'amend',
    params: giverPath,
    json: () => ({ perMille: 0.2 }),
    expected: () => only({ 'municipality: own (giver)': 200 }),
    writers: ['municipality: own (giver)'],
  },
  {
    route: 'withdraw-proposal',
    phase: 'open',
    scenario: 'withdraw',
    params: giverPath,
    expected: () => only({ 'municipality: own (giver)': 200 }),
    writers: ['municipality: own (giver)'],
  },
  {
    route: 'answer-proposal',
    phase: 'open',
    scenario: 'answer',
    params: giverPath,
    json: () => ({ accept: true }),
    // Municipalities other than the receiver are refused by the ledger (NOT_RECEIVER, 403).
    expected: () => only({ 'municipality: receiver': 200 }),
    writers: ['municipality: receiver'],
  },
  // The county may decide an agreed proposal while the window is open (R8); it reports only after.
  {
    route: 'decide-proposal',
    variant: '(window open)',
    phase: 'open',
    scenario: 'decide',
    params: giverPath,
    json: () => ({ outcome: 'APPROVED' }),
    expected: () => only({ 'county: own': 200 }),
    writers: ['county: own'],
  },
  { route: 'submit-report', variant: '(window open)', phase: 'open', scenario: 'general', params: ownCountyPath, expected: () => only({ 'county: own': 409 }) },
  {
    route: 'get-report',
    variant: '(not submitted)',
    phase: 'open',
    scenario: 'general',
    params: ownCountyPath,
    expected: () => only({ 'county: own': 404, admin: 404 }),
  },

  // --- Cycle ---------------------------------------------------------------------------
  { route: 'get-cycle', phase: 'open', scenario: 'general', params: () => year, expected: () => signedIn(200) },
  {
    route: 'start-cycle',
    phase: 'open',
    scenario: 'general',
    params: () => ({ year: String(CYCLE_YEAR) }),
    // A calendar one execution started now can wait for (at most 350 days ahead: shared/domain/calendar-horizon.ts).
    json: () => ({ calendar: { publishAt: '2028-01-17T08:00:00Z', reminders: [], deadline: '2028-03-01T22:59:59Z', countyReportAt: '2028-03-15T08:00:00Z', finalizeAt: '2028-04-03T07:00:00Z' } }),
    expected: () => only({ admin: startCycleStatus }),
    writers: ['admin'],
  },
  {
    route: 'move-calendar',
    phase: 'open',
    scenario: 'general',
    params: () => ({ year: String(CALENDAR_YEAR) }),
    json: () => ({ deadline: `${CALENDAR_YEAR - 1}-11-09T23:59:59+01:00` }),
    expected: () => only({ admin: 200 }),
    writers: ['admin'],
  },

  // --- Audit, mails and contacts --------------------------------------------------------------------
  {
    route: 'list-audit',
    variant: '?county=own',
    phase: 'open',
    scenario: 'general',
    params: () => year,
    query: `?county=${OWN}`,
    expected: () => only({ 'county: own': 200, admin: 200 }),
  },
  {
    route: 'list-audit',
    variant: '(no county)',
    phase: 'open',
    scenario: 'general',
    params: () => year,
    // A county board reads its own county; an administrator must name one (400).
    expected: () => only({ 'county: own': 200, 'county: other': 200, admin: 400 }),
  },
  // The year's sent mails: administrators only (a county board has its copies in its mailbox).
  { route: 'list-mails', phase: 'open', scenario: 'general', params: () => year, expected: () => only({ admin: 200 }) },
  { route: 'list-mails', variant: '?county=own', phase: 'open', scenario: 'general', params: () => year, query: `?county=${OWN}`, expected: () => only({ admin: 200 }) },
  {
    route: 'import-contacts',
    phase: 'open',
    scenario: 'general',
    json: () => ({ administrators: { mailbox: 'admin@omfordelning.example.se' } }),
    expected: () => only({ admin: 200 }),
    writers: ['admin'],
  },

  // --- Window closed (clock after the deadline) -----------------------------------------------
  {
    route: 'amend-proposal',
    variant: '(window closed)',
    phase: 'closed',
    scenario: 'read',
    params: giverPath,
    json: () => ({ perMille: 0.3 }),
    expected: () => only({ 'municipality: own (giver)': 409 }),
  },
  {
    route: 'answer-proposal',
    variant: '(window closed)',
    phase: 'closed',
    scenario: 'read',
    params: giverPath,
    json: () => ({ accept: true }),
    expected: () => only({ 'municipality: receiver': 409 }),
  },
  {
    route: 'decide-proposal',
    phase: 'closed',
    scenario: 'decide',
    params: giverPath,
    json: () => ({ outcome: 'APPROVED' }),
    expected: () => only({ 'county: own': 200 }),
    writers: ['county: own'],
  },
  {
    route: 'submit-report',
    phase: 'closed',
    scenario: 'general',
    params: ownCountyPath,
    expected: () => only({ 'county: own': 200 }),
    writers: ['county: own'],
    setup: () => decideEveryAgreedProposal(),
  },
  { route: 'get-report', phase: 'closed', scenario: 'general', params: ownCountyPath, expected: () => only({ 'county: own': 200, admin: 200 }) },
];

let stack: TestStack;
let t: Tokens;
let admin: string;

async function call(method: string, path: string, token: string | undefined, json?: unknown) {
  return stack.request(method, path, { ...(token && { token }), ...(json !== undefined && { json }) });
}

async function snapshot() {
  const ledgers = await storedState(stack, admin, YEAR, [OWN, OTHER, '09']);
  const calendars = await Promise.all(
    [CYCLE_YEAR, CALENDAR_YEAR].map(async (y) => (await call('GET', `/v1/years/${y}/cycle`, admin)).body?.calendar),
  );
  return { ...ledgers, calendars };
}

/** The county approves every agreed proposal of its county, so that its report may go in. */
async function decideEveryAgreedProposal(): Promise<void> {
  const county = await t.county(OWN);
  const list = await call('GET', `/v1/years/${YEAR}/proposals`, county);
  for (const p of list.body.proposals.filter((p: { status: string }) => p.status === 'AGREED')) {
    const res = await call('POST', `/v1/years/${YEAR}/proposals/${p.giver}/decision`, county, { outcome: 'APPROVED' });
    expect(res.status, res.text).toBe(200);
  }
}

async function runRow(row: Row): Promise<void> {
  await row.setup?.();
  const parties = S[row.scenario];
  const spec = ROUTES.find((r) => r.name === row.route)!;
  const params = row.params?.(parties) ?? {};
  const path = spec.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`) + (row.query ?? '');
  const json = row.json?.(parties);
  const writers = row.writers ?? [];
  const order = [...COLUMNS.filter((c) => !writers.includes(c)), ...writers];

  const before = await snapshot();
  const actual = {} as Expected;
  let checked = false;
  for (const column of order) {
    if (writers.includes(column) && !checked) {
      expect(await snapshot(), `${row.route}: a refused or read-only request changed what is stored`).toEqual(before);
      checked = true;
    }
    const res = await call(spec.method, path, await t.of(who(column, parties)), json);
    actual[column] = res.status;
    if (res.status >= 400) {
      const where = `${spec.method} ${path} as ${column}: ${res.text.slice(0, 200)}`;
      expect(res.body, where).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
      if (res.status === 401) expect(res.body.error.code, where).toBe('UNAUTHORIZED');
      if (res.status === 403) expect(['FORBIDDEN', 'NOT_RECEIVER'], where).toContain(res.body.error.code);
    }
  }
  if (!checked) expect(await snapshot(), `${row.route}: a refused or read-only request changed what is stored`).toEqual(before);
  expect(actual, `${spec.method} ${path}`).toEqual(row.expected());
}

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  t = tokens(stack);
  admin = await t.admin();
  // Until the local stack has its Step Functions endpoint, starting a year's workflow cannot reach
  // Step Functions: the year is recorded as started and the answer is 503 WORKFLOW_UNAVAILABLE.
  startCycleStatus = stack.env.AWS_ENDPOINT_URL_SFN ? 201 : 503;
  await importExampleShares(stack, admin, YEAR, [OWN, OTHER, '09']);
  for (const scenario of Object.values(S)) {
    if (scenario.fixture === 'none') continue;
    const submitted = await call('POST', `/v1/years/${YEAR}/proposals`, await t.municipality(scenario.giver), {
      receiver: scenario.receiver,
      perMille: 0.5,
    });
    expect(submitted.status, submitted.text).toBe(201);
    if (scenario.fixture === 'agreed') {
      const consent = await call('POST', `/v1/years/${YEAR}/proposals/${scenario.giver}/consent`, await t.municipality(scenario.receiver), { accept: true });
      expect(consent.status, consent.text).toBe(200);
    }
  }
});
afterAll(async () => {
  await stack?.stop();
});

describe('authorization matrix', () => {
  it('has a row for every route of ROUTES', () => {
    expect(new Set(ROWS.map((r) => r.route))).toEqual(new Set(ROUTES.map((r) => r.name)));
  });

  describe('window open (clock 2027-09-01, share year 2028)', () => {
    for (const row of ROWS.filter((r) => r.phase === 'open')) {
      it(`${row.route}${row.variant ? ` ${row.variant}` : ''}`, () => runRow(row));
    }
  });

  describe('window closed (clock after the deadline)', () => {
    beforeAll(async () => {
      await stack.setClock(CLOSED_NOW);
    });
    for (const row of ROWS.filter((r) => r.phase === 'closed')) {
      it(`${row.route}${row.variant ? ` ${row.variant}` : ''}`, () => runRow(row));
    }
  });
});
