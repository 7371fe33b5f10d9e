/**
 * A short share year of one county (Uppsala län, eight municipalities), driven over HTTP on a
 * local stack (in-process or its own process): shares, the start with a calendar of a few
 * days, two agreed proposals, the county's decisions and report, the clock moved from
 * milestone to milestone. For the tests of a year that must finish after a failure or a
 * `kill -9`: each step waits until the workflow has recorded its milestone done.
 */
import { loadOrCreateKeys, claimsFor, mintToken, type TokenRequest } from '../../local/tools/tokens';
import type { ShareRow } from '../../shared/schemas/api';
import { HABO, KNIVSTA, TIERP, UPPSALA } from './places';
import { exampleShareImport, waitFor } from './workflow';

export const SMALL_YEAR = 2040;
const COUNTY = '03';
/** The virtual start of the run; the milestones follow within three weeks. */
export const START = '2039-09-01T08:00:00Z';
const at = (hours: number): string => new Date(Date.parse(START) + hours * 3_600_000).toISOString().replace('.000Z', 'Z');
export const CALENDAR = {
  publishAt: at(1),
  reminders: [],
  deadline: at(48),
  countyReportAt: at(240),
  finalizeAt: at(480),
};
/** One second after the deadline: the window closes. */
export const WINDOW_CLOSES = at(48 + 1 / 3600);

export type Caller = (method: string, path: string, who: TokenRequest, json?: unknown) => Promise<{ status: number; body: any }>;

/** A caller against `apiUrl` with tokens signed by the data directory's key (what the stack checks). */
export async function callerFor(apiUrl: () => string, dataDir: string): Promise<Caller> {
  const keys = await loadOrCreateKeys(dataDir);
  return async (method, path, who, json) => {
    const token = await mintToken(keys, claimsFor(who));
    const res = await fetch(apiUrl() + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json !== undefined && { 'content-type': 'application/json' }) },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

const ADMIN: TokenRequest = { role: 'admin' };
const LAN: TokenRequest = { role: 'county', county: COUNTY };
const kommun = (municipality: string): TokenRequest => ({ role: 'municipality', municipality });
const year = `/v1/years/${SMALL_YEAR}`;

async function expectStatus(call: Promise<{ status: number; body: any }>, status: number, what: string) {
  const res = await call;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function setClock(apiUrl: string, now: string): Promise<void> {
  const res = await fetch(`${apiUrl}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now }) });
  if (res.status !== 200) throw new Error(`POST /_local/clock answered ${res.status}: ${await res.text()}`);
}

/** GET /cycle once the milestone `id` is done. */
export function milestoneDone(call: Caller, id: string, timeoutMs = 20_000) {
  return waitFor(
    `milestone ${id} done`,
    async () => {
      const { body } = await call('GET', `${year}/cycle`, ADMIN);
      return body?.milestones?.find((m: { id: string; doneAt: string | null }) => m.id === id)?.doneAt && body;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Shares in, and the year started with the short calendar (201). */
export async function startSmallYear(call: Caller): Promise<void> {
  await expectStatus(call('PUT', `${year}/shares`, ADMIN, exampleShareImport([COUNTY])), 200, 'shares');
  await expectStatus(call('POST', `${year}/cycle`, ADMIN, { calendar: CALENDAR }), 201, 'start');
}

/** After publication: Tierp gives Uppsala 0,5 ‰ and Håbo gives Knivsta 1 ‰, both agreed. */
export async function proposeAndAgree(call: Caller): Promise<void> {
  for (const [giver, receiver, perMille] of [[TIERP, UPPSALA, 0.5], [HABO, KNIVSTA, 1]] as const) {
    await expectStatus(call('POST', `${year}/proposals`, kommun(giver), { receiver, perMille }), 201, `proposal of ${giver}`);
    await expectStatus(call('POST', `${year}/proposals/${giver}/consent`, kommun(receiver), { accept: true }), 200, `consent of ${receiver}`);
  }
}

/** After the deadline: the county approves Tierp's proposal, rejects Håbo's, and reports. */
export async function decideAndReport(call: Caller): Promise<void> {
  await expectStatus(call('POST', `${year}/proposals/${TIERP}/decision`, LAN, { outcome: 'APPROVED' }), 200, 'approval');
  await expectStatus(call('POST', `${year}/proposals/${HABO}/decision`, LAN, { outcome: 'REJECTED', reason: 'Mottagaren saknar boendeplatser.' }), 200, 'rejection');
  await expectStatus(call('POST', `${year}/counties/${COUNTY}/report`, LAN), 200, 'report');
}

/** From the closed window to the final shares: the county's part, then the last two milestones. */
export async function finishSmallYear(call: Caller, apiUrl: () => string): Promise<ShareRow[]> {
  await milestoneDone(call, 'deadline');
  await decideAndReport(call);
  await setClock(apiUrl(), CALENDAR.countyReportAt);
  await milestoneDone(call, 'countyReports');
  await setClock(apiUrl(), CALENDAR.finalizeAt);
  const cycle = await milestoneDone(call, 'finalize');
  if (cycle.phase !== 'FINAL') throw new Error(`phase after finalize: ${cycle.phase}`);
  return finalShares(call);
}

export async function finalShares(call: Caller): Promise<ShareRow[]> {
  const body = await expectStatus(call('GET', `${year}/shares?county=${COUNTY}`, ADMIN), 200, 'shares');
  return body.shares;
}
