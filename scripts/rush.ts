/**
 * The rush: every municipality of one county acting at once on the local stack, each with its
 * own token and its own Idempotency-Keys, and the county's officer deciding (scripts/bench-rush.ts
 * prints it; test/e2e/rush.test.ts checks the oracle on a short run). About a third of the
 * municipalities receive, the others give. A giver proposes to a receiver, then amends the
 * amount (sometimes the receiver), withdraws and proposes anew, or looks at its proposal; a
 * receiver reads its proposals and answers those awaiting it (most consent, some decline);
 * the officer approves (or now and then rejects) the agreed ones. Races between them are
 * refused by the rules (a consent that crosses an amendment, say) and counted by code.
 *
 * The oracle (`checkLedger`): every acknowledged command (2xx, not a replay) is in the ledger
 * exactly once, found by its Idempotency-Key with the event type it must have written; no
 * event of a municipality or the officer lacks an acknowledged command; the ledger folded
 * with the domain's `fold` keeps the domain's invariants (one live proposal per giver, giver
 * and receiver in the county and different, 0 < amount ≤ the giver's share, nobody both a
 * committed receiver and a giver, the county total kept by the shares that would follow);
 * and the API's proposals, from the view the follower keeps, are the fold's.
 */
import { Agent, request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventOfItem, ledgerPk } from '../shared/adapters/dynamodb/ledger-store';
import { approvedProposals, fold, liveProposals, shareLines, type LedgerState } from '../shared/domain/ledger';
import { sum } from '../shared/domain/per-mille';
import type { LedgerEvent } from '../shared/schemas/ledger';
import { seededRandom } from './seeded-random';

export const RUSH_YEAR = 2028;
/** Inside share year 2028's submission window. */
export const RUSH_NOW = '2027-09-01T10:00:00Z';

export interface RushSetup {
  apiUrl: string;
  county: string;
  /** Municipality code → its bearer token; the county officer's and an administrator's. */
  municipalities: Record<string, string>;
  officer: string;
  admin: string;
  /** Preliminary shares in thousandths (per mille × 1000), by municipality. */
  shares: Record<string, number>;
}

export interface Sample {
  op: string;
  status: number;
  code?: string;
  ms: number;
}

/** A command the API acknowledged, and the event it must have written. */
export interface Acknowledged {
  key: string;
  type: LedgerEvent['type'];
  giver: string;
}

export interface RushRun {
  samples: Sample[];
  acknowledged: Acknowledged[];
  /** Requests that got no HTTP answer at all. */
  networkErrors: number;
  seconds: number;
}

/** Runs every client of the county for `seconds`; `think` is the mean pause between a client's actions. */
export async function rush(setup: RushSetup, { seconds, thinkMs, seed = 1 }: { seconds: number; thinkMs: number; seed?: number }): Promise<RushRun> {
  const codes = Object.keys(setup.municipalities).sort();
  const receivers = codes.filter((_, i) => i % 3 === 0);
  const givers = codes.filter((_, i) => i % 3 !== 0);
  const agent = new Agent({ keepAlive: true, maxSockets: codes.length + 1 });
  const run: RushRun = { samples: [], acknowledged: [], networkErrors: 0, seconds };
  const random = seededRandom(seed);
  const until = performance.now() + seconds * 1000;
  const pause = () => sleep(thinkMs * (0.5 + random()));
  const call = callerOf(setup.apiUrl, agent, run);
  const proposals = `/v1/years/${RUSH_YEAR}/proposals`;

  const giver = async (code: string) => {
    const token = setup.municipalities[code]!;
    let live = false;
    while (performance.now() < until) {
      const receiver = receivers[Math.floor(random() * receivers.length)]!;
      const amount = Math.max(1, Math.floor(random() * Math.min(setup.shares[code]!, 500))) / 1000;
      const dice = random();
      if (!live) {
        const res = await call('propose', 'POST', proposals, token, { receiver, perMille: amount }, { type: 'ProposalSubmitted', giver: code });
        live = res.status === 201 || res.code === 'GIVER_HAS_PROPOSAL';
      } else if (dice < 0.45) {
        await call('amend', 'PATCH', `${proposals}/${code}`, token, { perMille: amount }, { type: 'ProposalAmended', giver: code });
      } else if (dice < 0.55) {
        await call('amend receiver', 'PATCH', `${proposals}/${code}`, token, { receiver }, { type: 'ProposalAmended', giver: code });
      } else if (dice < 0.7) {
        const res = await call('withdraw', 'DELETE', `${proposals}/${code}`, token, undefined, { type: 'ProposalWithdrawn', giver: code });
        if (res.status === 200 || res.code === 'PROPOSAL_NOT_FOUND') live = false;
      } else {
        const res = await call('read own', 'GET', `${proposals}/${code}`, token);
        live = res.status === 200 && ['AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED'].includes(res.body?.status);
      }
      await pause();
    }
  };
  const receiver = async (code: string) => {
    const token = setup.municipalities[code]!;
    while (performance.now() < until) {
      const list = await call('read list', 'GET', proposals, token);
      for (const p of (list.body?.proposals ?? []) as { giver: string; receiver: string; status: string }[]) {
        if (p.receiver !== code || p.status !== 'AWAITING_RECEIVER' || performance.now() >= until) continue;
        const accept = random() < 0.85;
        await call(accept ? 'consent' : 'decline', 'POST', `${proposals}/${p.giver}/consent`, token, { accept }, { type: accept ? 'ReceiverConsented' : 'ReceiverDeclined', giver: p.giver });
      }
      await pause();
    }
  };
  const officer = async () => {
    while (performance.now() < until) {
      const list = await call('county list', 'GET', `${proposals}?county=${setup.county}`, setup.officer);
      for (const p of (list.body?.proposals ?? []) as { giver: string; status: string }[]) {
        if (p.status !== 'AGREED' || performance.now() >= until) continue;
        const body = random() < 0.9 ? { outcome: 'APPROVED' } : { outcome: 'REJECTED', reason: 'Underlaget räcker inte.' };
        await call('decide', 'POST', `${proposals}/${p.giver}/decision`, setup.officer, body, { type: 'ProposalDecided', giver: p.giver });
      }
      await pause();
    }
  };
  const started = performance.now();
  await Promise.all([...givers.map(giver), ...receivers.map(receiver), officer()]);
  run.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return run;
}

type Answer = { status: number; code?: string; body?: any };

function callerOf(apiUrl: string, agent: Agent, run: RushRun) {
  return async (op: string, method: string, path: string, token: string, json?: unknown, writes?: Omit<Acknowledged, 'key'>): Promise<Answer> => {
    const key = writes ? randomUUID() : undefined;
    const body = json === undefined ? undefined : JSON.stringify(json);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(key && { 'idempotency-key': key }), ...(body !== undefined && { 'content-type': 'application/json' }) };
    const started = performance.now();
    try {
      const res = await send(`${apiUrl}${path}`, method, headers, body, agent);
      const parsed = res.text ? JSON.parse(res.text) : undefined;
      const answer: Answer = { status: res.status, code: parsed?.error?.code, body: parsed };
      run.samples.push({ op, status: res.status, ...(answer.code && { code: answer.code }), ms: performance.now() - started });
      if (writes && key && res.status < 300 && !res.replayed) run.acknowledged.push({ key, ...writes });
      return answer;
    } catch {
      run.networkErrors++;
      return { status: 0 };
    }
  };
}

function send(url: string, method: string, headers: Record<string, string>, body: string | undefined, agent: Agent): Promise<{ status: number; text: string; replayed: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), replayed: res.headers['idempotent-replayed'] === 'true' }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The county ledger's events, as stored. */
export async function ledgerEvents(db: DynamoDBDocumentClient, tableName: string, county: string): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': ledgerPk({ year: RUSH_YEAR, county }), ':e': 'E#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    events.push(...(page.Items ?? []).map(eventOfItem));
    start = page.LastEvaluatedKey;
  } while (start);
  return events;
}

export interface LedgerCheck {
  events: number;
  lost: string[];
  duplicated: string[];
  /** Events of a municipality or the officer that no acknowledged command explains, or of another type than acknowledged. */
  unexplained: string[];
  /** Domain invariants the folded ledger breaks. */
  invariants: string[];
  state: LedgerState;
}

/** Acknowledged commands against the ledger's events, and the invariants of the folded ledger. */
export function checkLedger(county: string, events: readonly LedgerEvent[], acknowledged: readonly Acknowledged[]): LedgerCheck {
  const byKey = new Map(acknowledged.map((a) => [a.key, a]));
  const seen = new Map<string, number>();
  const unexplained: string[] = [];
  for (const e of events) {
    if (e.actor.role === 'system' || e.type === 'SharesImported') continue;
    const ack = e.idempotencyKey === undefined ? undefined : byKey.get(e.idempotencyKey);
    if (!ack || ack.type !== e.type || ack.giver !== (e as { giver?: string }).giver) unexplained.push(`${e.seq} ${e.type} ${e.idempotencyKey ?? '(no key)'}`);
    if (e.idempotencyKey !== undefined) seen.set(e.idempotencyKey, (seen.get(e.idempotencyKey) ?? 0) + 1);
  }
  const state = fold({ year: RUSH_YEAR, county }, events);
  return {
    events: events.length,
    lost: acknowledged.filter((a) => !seen.has(a.key)).map((a) => `${a.type} ${a.giver} ${a.key}`),
    duplicated: [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} × ${n}`),
    unexplained,
    invariants: invariantsBroken(state),
    state,
  };
}

/** The ledger's invariants (shared/domain: R1, R2, R4, R5, R9), each broken one described. */
export function invariantsBroken(state: LedgerState): string[] {
  const broken: string[] = [];
  const prelim = state.preliminary ?? {};
  const live = liveProposals(state);
  const givers = new Set(live.map((p) => p.giver));
  if (givers.size !== live.length) broken.push('more than one live proposal of a giver (R2)');
  const committedReceivers = new Set(live.filter((p) => p.status === 'AGREED' || p.status === 'APPROVED').map((p) => p.receiver));
  for (const p of live) {
    if (p.giver === p.receiver || !(p.giver in prelim) || !(p.receiver in prelim)) broken.push(`${p.giver} → ${p.receiver}: not two municipalities of the county (R1)`);
    if (!(p.perMille > 0 && p.perMille <= (prelim[p.giver] ?? 0))) broken.push(`${p.giver}: amount ${p.perMille} outside its share ${prelim[p.giver]} (R5)`);
    if (committedReceivers.has(p.giver)) broken.push(`${p.giver} both gives and is a committed receiver (R4)`);
  }
  const lines = shareLines(prelim, approvedProposals(state));
  if (sum(lines.map((l) => l.resulting)) !== sum(Object.values(prelim))) broken.push('the shares that would follow change the county total (R9)');
  for (const l of lines) if (l.resulting < 0) broken.push(`${l.municipality}: a negative share would follow`);
  return broken;
}

/** The proposals as the API shows them (the view), against the fold of the events. */
export function viewDiffers(state: LedgerState, apiProposals: readonly { giver: string; receiver: string; perMille: number; status: string }[]): string[] {
  const fromFold = Object.values(state.proposals).map((p) => `${p.giver}→${p.receiver} ${p.perMille / 1000} ${p.status}`).sort();
  const fromApi = apiProposals.map((p) => `${p.giver}→${p.receiver} ${p.perMille} ${p.status}`).sort();
  return [...fromFold.filter((x) => !fromApi.includes(x)).map((x) => `ledger: ${x}`), ...fromApi.filter((x) => !fromFold.includes(x)).map((x) => `API: ${x}`)];
}

/** The q-quantile of the values (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

