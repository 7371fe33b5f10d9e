/**
 * A whole share year on a fresh temporary local stack, for all 290 municipalities (EXAMPLE
 * shares), driven over the API with the virtual clock jumping from milestone to milestone:
 * what `npm run simulate` prints and checks, and what `npm run bench:cycle` measures.
 *
 * The people of the year act over the API (shares, start, proposals, consents, decisions,
 * reports) and the administrator reads GET /cycle once per milestone. Waiting for the
 * workflow after a clock move is local: the driver watches the local state machine (no API
 * requests), so the counts of a run hold only what the year itself did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCalendar } from '../../shared/domain/calendar';
import { countyWarningInstant } from '../../shared/domain/cycle';
import { findCounty, findMunicipality } from '../../shared/reference';
import { STATES } from '../../shared/workflow/contract';
import { exampleShares } from './example-data';
import { diffMetrics, type LocalStackMetrics } from '../emulators/metrics';
import { yearScenario, type Scenario, type ScenarioProposal } from './scenario';
import { sentEmails } from '../emulators/ses/ses';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../stack';

export interface YearRunOptions {
  /** The share year, e.g. 2022. */
  year: number;
  /** Where the lines go (default console.log). */
  log?: (line: string) => void;
  /** The local state machine's emulation settings (e.g. a shorter Wait poll): LocalStackOptions.workflow. */
  workflow?: LocalStackOptions['workflow'];
  /** Runs once the year is verified and its metrics taken, before the stack stops (probes of a benchmark). */
  afterYear?: (context: { stack: LocalStack; api: Api }) => Promise<void>;
}

/** One step of the run, in order: the start-up, the API phases and the milestones. */
export interface YearStep {
  name: string;
  kind: 'startup' | 'api' | 'milestone' | 'verify';
  /** The milestone's instant (milestones only). */
  at?: string;
  /** The phase GET /cycle showed after the milestone (milestones only). */
  phase?: string;
  /** E-mails sent during the step. */
  emails: number;
  ms: number;
}

export interface YearRunResult {
  year: number;
  /** Invariants that did not hold (empty: the year is right). */
  problems: string[];
  /** From the call to the verified year (start-up included: what `npm run simulate` prints). */
  wallMs: number;
  /** The stack's start-up, and its phases. */
  startupMs: number;
  startupTimings: Record<string, number>;
  /** E-mails sent in the year. */
  emails: number;
  steps: YearStep[];
  milestones: YearStep[];
  /** What the stack did from ready to the verified year (start-up, seeding and warm-up excluded). */
  metrics: LocalStackMetrics;
  /** API requests the driver made: the people's acts (writes) and the administrator's reads (GET). */
  driver: { writes: number; reads: number };
  /** Start of the year's execution on the virtual clock (ISO). */
  executionStart: string | undefined;
  /** The stack's Wait poll (real ms) used. */
  waitPollMs: number;
}

export async function runYear(options: YearRunOptions): Promise<YearRunResult> {
  const { year } = options;
  const say = options.log ?? ((line: string) => console.log(line));
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const calendar = defaultCalendar(year);
  const dataDir = mkdtempSync(join(tmpdir(), 'omfordelning-simulate-'));
  const started = performance.now();
  const steps: YearStep[] = [];
  const stack = await startLocalStack({
    port: 0,
    dataDir,
    now: shift(calendar.publishAt, -14 * 86_400),
    quiet: true,
    ...(options.workflow && { workflow: options.workflow }),
  });
  steps.push({ name: 'start-up', kind: 'startup', emails: 0, ms: stack.startupMs });
  try {
    const before = await stack.metrics();
    const api = client(stack, year);
    const scenario = yearScenario(exampleShares());
    say(`Share year ${year}: ${scenario.proposals.length} proposals in ${scenario.counties.length} counties (EXAMPLE shares, not real figures)`);
    say(`Local stack on ${stack.apiUrl}, e-mails on ${stack.sesUrl}\n`);
    const mail = mailCounter(stack);
    await mail.sinceLast();

    let t0 = performance.now();
    await api.admin('PUT', `/v1/years/${year}/shares`, sharesBody());
    await api.admin('POST', `/v1/years/${year}/cycle`);
    steps.push({ name: 'shares + start', kind: 'api', emails: await mail.sinceLast(), ms: performance.now() - t0 });

    const milestone = async (id: string, at: string): Promise<void> => {
      const t = performance.now();
      const { phase, sent } = await reachMilestone(stack, api, id, at, mail, check);
      const ms = performance.now() - t;
      steps.push({ name: id, kind: 'milestone', at, phase, emails: sent, ms });
      say(`  ${at}  ${id.padEnd(14)} phase ${phase.padEnd(8)} ${String(sent).padStart(4)} e-mails  (${Math.round(ms)} ms)`);
    };
    const apiPhase = async (name: string, what: string, act: () => Promise<void>): Promise<void> => {
      const t = performance.now();
      await act();
      const sent = await mail.sinceLast();
      steps.push({ name, kind: 'api', emails: sent, ms: performance.now() - t });
      say(`  ${''.padEnd(20)}  ${name.padEnd(14)} ${''.padEnd(14)} ${String(sent).padStart(4)} e-mails  (${what})`);
    };

    await milestone('publish', calendar.publishAt);
    check((await api.cycle()).phase === 'OPEN', 'phase OPEN after publish');
    await apiPhase('proposals', 'proposals, consents, declines', () => proposeAndConsent(api, scenario, year, check));
    for (const [i, at] of calendar.reminders.entries()) await milestone(`reminder-${i}`, at);
    await milestone('deadline', shift(calendar.deadline, 1));
    check((await api.cycle()).phase === 'CLOSED', 'phase CLOSED after the deadline');
    await apiPhase('county review', 'decisions, reports submitted', () => decideAndReport(api, scenario, year, check));
    await milestone('countyWarning', countyWarningInstant(calendar));
    await milestone('countyReports', calendar.countyReportAt);
    await milestone('finalize', calendar.finalizeAt);
    t0 = performance.now();
    await verifyYear(api, scenario, year, check, say);
    steps.push({ name: 'verify', kind: 'verify', emails: 0, ms: performance.now() - t0 });
    const wallMs = performance.now() - started;
    say(`\nWall time ${(wallMs / 1000).toFixed(1)} s, ${mail.total()} e-mails in all.`);

    const metrics = diffMetrics(await stack.metrics(), before);
    const execution = stack.stepFunctions?.executions().find((e) => e.name === `cycle-${year}`);
    const result: YearRunResult = {
      year,
      problems,
      wallMs,
      startupMs: stack.startupMs,
      startupTimings: stack.timings,
      emails: mail.total(),
      steps,
      milestones: steps.filter((s) => s.kind === 'milestone'),
      metrics,
      driver: { ...api.counts },
      executionStart: execution && new Date(execution.startDate).toISOString(),
      waitPollMs: options.workflow?.waitPollMs ?? 1000,
    };
    await options.afterYear?.({ stack, api });
    return result;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The Task state whose end means the milestone has been acted on (shared/workflow/contract.ts). */
function actOf(milestoneId: string): string {
  if (milestoneId === 'publish') return STATES.publish;
  if (milestoneId.startsWith('reminder-')) return STATES.remind;
  if (milestoneId === 'deadline') return STATES.close;
  if (milestoneId === 'countyWarning') return STATES.warnCounty;
  if (milestoneId === 'countyReports') return STATES.sendReports;
  if (milestoneId === 'finalize') return STATES.finalize;
  throw new Error(`unknown milestone ${milestoneId}`);
}

/**
 * Moves the clock just past a milestone and waits until the workflow has acted on it: its act
 * has run to its end (the act records the milestone done last), watched on the local state
 * machine. Then GET /cycle must show the milestone done; its phase is returned.
 */
async function reachMilestone(
  stack: LocalStack,
  api: Api,
  id: string,
  at: string,
  mail: MailCounter,
  check: (ok: boolean, what: string) => void,
): Promise<{ phase: string; sent: number }> {
  const sfn = stack.stepFunctions;
  if (!sfn) throw new Error('the template has no state machine');
  const act = actOf(id);
  const actsBefore = sfn.metrics().entered[act] ?? 0;
  const t0 = performance.now();
  await api.post('/_local/clock', { now: shift(at, 1) });
  for (;;) {
    const execution = sfn.executions().find((e) => e.name === `cycle-${api.year}`);
    if (!execution) throw new Error(`no execution cycle-${api.year}`);
    if (execution.status !== 'RUNNING' && execution.status !== 'SUCCEEDED') {
      throw new Error(`workflow ${execution.status} at ${id}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trim());
    }
    // The act was entered since the move and the machine has gone on to a later state.
    const acted = (sfn.metrics().entered[act] ?? 0) > actsBefore;
    if (acted && (execution.status === 'SUCCEEDED' || execution.currentState !== act)) break;
    if (performance.now() - t0 > 60_000) throw new Error(`milestone ${id} did not happen within 60 s (state: ${execution.currentState})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const cycle = await api.cycle();
  if (cycle.workflow.status === 'FAILED') throw new Error(`workflow failed at ${id}: ${cycle.workflow.state}`);
  check(Boolean(cycle.milestones.find((m: { id: string }) => m.id === id)?.doneAt), `milestone ${id} done (GET /cycle)`);
  return { phase: cycle.phase, sent: await mail.sinceLast() };
}

async function proposeAndConsent(api: Api, scenario: Scenario, year: number, check: (ok: boolean, what: string) => void): Promise<void> {
  for (const p of scenario.proposals) {
    const created = await api.as(p.giver).request('POST', `/v1/years/${year}/proposals`, { receiver: p.receiver, perMille: p.perMille });
    check(created.status === 201, `proposal ${p.giver} → ${p.receiver} accepted (got ${created.status})`);
  }
  for (const p of scenario.proposals.filter((p) => p.answer !== 'none')) {
    const answered = await api.as(p.receiver).request('POST', `/v1/years/${year}/proposals/${p.giver}/consent`, { accept: p.answer === 'accept' });
    check(answered.status === 200, `answer to ${p.giver} accepted (got ${answered.status})`);
  }
}

/**
 * The agreed proposal the silent county never decides (its first one it would approve): the
 * county is warned of it before the report date, and after the automatic report both parties
 * are told that it changes no share.
 */
export function leftUndecided(scenario: Scenario): ScenarioProposal | undefined {
  return scenario.proposals.find((p) => findMunicipality(p.giver)!.county === scenario.silentCounty && p.answer === 'accept' && !p.reject);
}

async function decideAndReport(api: Api, scenario: Scenario, year: number, check: (ok: boolean, what: string) => void): Promise<void> {
  const expired = scenario.proposals.filter((p) => p.answer === 'none');
  for (const p of expired) check((await api.admin('GET', `/v1/years/${year}/proposals/${p.giver}`)).status === 'EXPIRED', `${p.giver}'s unanswered proposal EXPIRED`);
  const undecided = leftUndecided(scenario);
  for (const p of scenario.proposals.filter((p) => p.answer === 'accept' && p !== undecided)) {
    const county = findMunicipality(p.giver)!.county;
    const decision = p.reject ? { outcome: 'REJECTED', reason: 'Mottagaren saknar boendeplatser.' } : { outcome: 'APPROVED' };
    const decided = await api.county(county).request('POST', `/v1/years/${year}/proposals/${p.giver}/decision`, decision);
    check(decided.status === 200, `county ${county} decided on ${p.giver} (got ${decided.status})`);
  }
  for (const county of scenario.counties.filter((c) => c !== scenario.silentCounty)) {
    const reported = await api.county(county).request('POST', `/v1/years/${year}/counties/${county}/report`);
    check(reported.status === 200, `county ${county} submitted its report (got ${reported.status})`);
  }
}

/** Final shares: exact, totals kept per county and nationally, only approved proposals moved shares. */
async function verifyYear(api: Api, scenario: Scenario, year: number, check: (ok: boolean, what: string) => void, say: (line: string) => void): Promise<void> {
  const cycle = await api.cycle();
  check(cycle.phase === 'FINAL', `phase FINAL (got ${cycle.phase})`);
  check(cycle.counties.find((c: { county: string }) => c.county === scenario.silentCounty)?.report === 'AUTO_SUBMITTED', `county ${scenario.silentCounty} auto-submitted`);
  const { shares } = await api.admin('GET', `/v1/years/${year}/shares`);
  const milli = (n: number | null): number => Math.round((n ?? NaN) * 1000);
  const moved = new Map<string, number>();
  const undecided = leftUndecided(scenario);
  check((await api.admin('GET', `/v1/years/${year}/proposals/${undecided?.giver}`)).status === 'AGREED', `${undecided?.giver}'s undecided proposal still AGREED`);
  for (const p of scenario.proposals.filter((p) => p.answer === 'accept' && !p.reject && p !== undecided)) {
    moved.set(p.giver, (moved.get(p.giver) ?? 0) - milli(p.perMille));
    moved.set(p.receiver, (moved.get(p.receiver) ?? 0) + milli(p.perMille));
  }
  let before = 0;
  let after = 0;
  for (const row of shares) {
    before += milli(row.preliminaryPerMille);
    after += milli(row.finalPerMille);
    const expected = milli(row.preliminaryPerMille) + (moved.get(row.municipality) ?? 0);
    check(milli(row.finalPerMille) === expected, `${row.municipality} final ${row.finalPerMille} = preliminary − given + received`);
    check(milli(row.finalPerMille) >= 0, `${row.municipality} final share not negative`);
  }
  check(shares.length === 290, `290 municipalities have shares (got ${shares.length})`);
  check(before === after && before === 1_000_000, `national total 1000 ‰ before and after (got ${before / 1000} / ${after / 1000})`);
  say('\nFinal shares in the counties that redistributed (‰):');
  for (const county of scenario.counties) {
    const rows = shares.filter((r: { county: string }) => r.county === county);
    const countyBefore = rows.reduce((sum: number, r: any) => sum + milli(r.preliminaryPerMille), 0);
    const countyAfter = rows.reduce((sum: number, r: any) => sum + milli(r.finalPerMille), 0);
    check(countyBefore === countyAfter, `county ${county} total unchanged`);
    say(`\n  ${county} ${findCounty(county)!.name}: total before ${(countyBefore / 1000).toFixed(3)}, after ${(countyAfter / 1000).toFixed(3)}`);
    for (const r of rows.filter((r: any) => r.givenPerMille > 0 || r.receivedPerMille > 0)) {
      say(`    ${r.municipality} ${r.name.padEnd(16)} ${fmt(r.preliminaryPerMille)} − ${fmt(r.givenPerMille)} + ${fmt(r.receivedPerMille)} = ${fmt(r.finalPerMille)}`);
    }
  }
}

const fmt = (n: number): string => n.toFixed(3).padStart(7);
export const shift = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z');

function sharesBody() {
  return { shares: Object.entries(exampleShares()).map(([municipality, milli]) => ({ municipality, perMille: milli / 1000 })) };
}

interface MailCounter {
  sinceLast(): Promise<number>;
  total(): number;
}

/** E-mails in aws-ses-v2-local's store since the first call (its store outlives stacks of this process). */
function mailCounter(stack: LocalStack): MailCounter {
  let seen: number | undefined;
  let total = 0;
  return {
    async sinceLast() {
      await stack.streams.idle(); // the notices of the events written so far
      const now = (await sentEmails(stack.sesUrl)).length;
      const fresh = now - (seen ?? now);
      seen = now;
      total += fresh;
      return fresh;
    },
    total: () => total,
  };
}

export type Api = ReturnType<typeof client>;

function client(stack: LocalStack, year: number) {
  const counts = { writes: 0, reads: 0 };
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (key: string, claims: Parameters<LocalStack['token']>[0]) => {
    if (!tokens.has(key)) tokens.set(key, stack.token(claims));
    return tokens.get(key)!;
  };
  const caller = (token: () => Promise<string>) => ({
    async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
      if (method === 'GET') counts.reads++;
      else counts.writes++;
      const response = await fetch(stack.apiUrl + path, {
        method,
        headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  });
  const admin = caller(() => tokenFor('admin', { role: 'admin' }));
  return {
    year,
    counts,
    as: (municipality: string) => caller(() => tokenFor(municipality, { role: 'municipality', municipality })),
    county: (county: string) => caller(() => tokenFor(`C${county}`, { role: 'county', county })),
    async admin(method: string, path: string, body?: unknown): Promise<any> {
      const response = await admin.request(method, path, body);
      if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    /** A local-only request (/_local/*): not an API request of the year. */
    async post(path: string, body: unknown): Promise<void> {
      const response = await fetch(stack.apiUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`POST ${path} → ${response.status} ${await response.text()}`);
    },
    cycle(): Promise<any> {
      return this.admin('GET', `/v1/years/${year}/cycle`);
    },
  };
}
