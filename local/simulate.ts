/**
 * `npm run simulate -- [--year 2022]`: a whole share year on a fresh temporary local stack,
 * for all 290 municipalities (EXAMPLE shares), driven over the API with the virtual clock
 * jumping from milestone to milestone. Prints a line per milestone with the e-mails it
 * sent, and the final shares of the counties that redistributed. Exits 0 only if every
 * invariant held.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCalendar } from '../shared/domain/calendar';
import { findCounty, findMunicipality } from '../shared/reference';
import { exampleShares } from './example-data';
import { yearScenario, type Scenario } from './scenario';
import { sentEmails } from './ses';
import { startLocalStack, type LocalStack } from './stack';

const { values } = parseArgs({ options: { year: { type: 'string', default: '2022' } } });
const year = Number(values.year);
if (!Number.isInteger(year) || year < 2001 || year > 2999) {
  console.error(`--year: ange ett andelsår, t.ex. 2022 (fick ${values.year}).`);
  process.exit(2);
}

// The handlers log every notice at INFO; the simulation prints its own summary instead.
process.env.LOG_LEVEL ??= 'WARN';

const problems: string[] = [];
const check = (ok: boolean, what: string): void => {
  if (!ok) problems.push(what);
};

async function main(): Promise<number> {
  const calendar = defaultCalendar(year);
  const dataDir = mkdtempSync(join(tmpdir(), 'omfordelning-simulate-'));
  const started = performance.now();
  const stack = await startLocalStack({ port: 0, dataDir, now: shift(calendar.publishAt, -14 * 86_400), quiet: true });
  try {
    const api = client(stack);
    const scenario = yearScenario(exampleShares());
    console.log(`Share year ${year}: ${scenario.proposals.length} proposals in ${scenario.counties.length} counties (EXAMPLE shares, not real figures)`);
    console.log(`Local stack on ${stack.apiUrl}, e-mails on ${stack.sesUrl}\n`);

    await api.admin('PUT', `/v1/years/${year}/shares`, sharesBody());
    await api.admin('POST', `/v1/years/${year}/cycle`);
    const mail = mailCounter(stack);

    await milestone(api, 'publish', calendar.publishAt, mail);
    check((await api.cycle()).phase === 'OPEN', 'phase OPEN after publish');
    await proposeAndConsent(api, scenario);
    console.log(`  ${''.padEnd(20)}  ${'proposals'.padEnd(14)} ${''.padEnd(14)} ${String(await mail.sinceLast()).padStart(4)} e-mails  (proposals, consents, declines)`);
    for (const [i, at] of calendar.reminders.entries()) await milestone(api, `reminder-${i}`, at, mail);
    await milestone(api, 'deadline', shift(calendar.deadline, 1), mail);
    check((await api.cycle()).phase === 'CLOSED', 'phase CLOSED after the deadline');
    await decideAndReport(api, scenario);
    console.log(`  ${''.padEnd(20)}  ${'county review'.padEnd(14)} ${''.padEnd(14)} ${String(await mail.sinceLast()).padStart(4)} e-mails  (decisions, reports submitted)`);
    await milestone(api, 'countyReports', calendar.countyReportAt, mail);
    await milestone(api, 'finalize', calendar.finalizeAt, mail);
    await verifyYear(api, scenario);
    console.log(`\nWall time ${((performance.now() - started) / 1000).toFixed(1)} s, ${mail.total()} e-mails in all.`);
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.log(`\nINVARIANTS BROKEN (${problems.length}):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log('\nEvery invariant held.');
  return 0;
}

/** Moves the clock just past a milestone and waits until the workflow has acted on it. */
async function milestone(api: Api, id: string, at: string, mail: MailCounter): Promise<void> {
  const t0 = performance.now();
  await api.post('/_local/clock', { now: shift(at, 1) });
  for (;;) {
    const cycle = await api.cycle();
    if (cycle.workflow.status === 'FAILED') throw new Error(`workflow failed at ${id}: ${cycle.workflow.state}`);
    if (cycle.milestones.find((m: { id: string }) => m.id === id)?.doneAt) break;
    if (performance.now() - t0 > 60_000) throw new Error(`milestone ${id} did not happen within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cycle = await api.cycle();
  const sent = await mail.sinceLast();
  console.log(`  ${at}  ${id.padEnd(14)} phase ${cycle.phase.padEnd(8)} ${String(sent).padStart(4)} e-mails  (${Math.round(performance.now() - t0)} ms)`);
}

async function proposeAndConsent(api: Api, scenario: Scenario): Promise<void> {
  for (const p of scenario.proposals) {
    const created = await api.as(p.giver).request('POST', `/v1/years/${year}/proposals`, { receiver: p.receiver, perMille: p.perMille });
    check(created.status === 201, `proposal ${p.giver} → ${p.receiver} accepted (got ${created.status})`);
  }
  for (const p of scenario.proposals.filter((p) => p.answer !== 'none')) {
    const answered = await api.as(p.receiver).request('POST', `/v1/years/${year}/proposals/${p.giver}/consent`, { accept: p.answer === 'accept' });
    check(answered.status === 200, `answer to ${p.giver} accepted (got ${answered.status})`);
  }
}

async function decideAndReport(api: Api, scenario: Scenario): Promise<void> {
  const expired = scenario.proposals.filter((p) => p.answer === 'none');
  for (const p of expired) check((await api.admin('GET', `/v1/years/${year}/proposals/${p.giver}`)).status === 'EXPIRED', `${p.giver}'s unanswered proposal EXPIRED`);
  for (const p of scenario.proposals.filter((p) => p.answer === 'accept')) {
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
async function verifyYear(api: Api, scenario: Scenario): Promise<void> {
  const cycle = await api.cycle();
  check(cycle.phase === 'FINAL', `phase FINAL (got ${cycle.phase})`);
  check(cycle.counties.find((c: { county: string }) => c.county === scenario.silentCounty)?.report === 'AUTO_SUBMITTED', `county ${scenario.silentCounty} auto-submitted`);
  const { shares } = await api.admin('GET', `/v1/years/${year}/shares`);
  const milli = (n: number | null): number => Math.round((n ?? NaN) * 1000);
  const moved = new Map<string, number>();
  for (const p of scenario.proposals.filter((p) => p.answer === 'accept' && !p.reject)) {
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
  console.log('\nFinal shares in the counties that redistributed (‰):');
  for (const county of scenario.counties) printCounty(county, shares.filter((r: { county: string }) => r.county === county), milli);
}

function printCounty(county: string, rows: any[], milli: (n: number | null) => number): void {
  const before = rows.reduce((sum, r) => sum + milli(r.preliminaryPerMille), 0);
  const after = rows.reduce((sum, r) => sum + milli(r.finalPerMille), 0);
  check(before === after, `county ${county} total unchanged`);
  console.log(`\n  ${county} ${findCounty(county)!.name}: total before ${(before / 1000).toFixed(3)}, after ${(after / 1000).toFixed(3)}`);
  for (const r of rows.filter((r) => r.givenPerMille > 0 || r.receivedPerMille > 0)) {
    console.log(`    ${r.municipality} ${r.name.padEnd(16)} ${fmt(r.preliminaryPerMille)} − ${fmt(r.givenPerMille)} + ${fmt(r.receivedPerMille)} = ${fmt(r.finalPerMille)}`);
  }
}

const fmt = (n: number): string => n.toFixed(3).padStart(7);
const shift = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z');

function sharesBody() {
  return { shares: Object.entries(exampleShares()).map(([municipality, milli]) => ({ municipality, perMille: milli / 1000 })) };
}

interface MailCounter {
  sinceLast(): Promise<number>;
  total(): number;
}

function mailCounter(stack: LocalStack): MailCounter {
  let seen = 0;
  return {
    async sinceLast() {
      const now = (await sentEmails(stack.sesUrl)).length;
      const fresh = now - seen;
      seen = now;
      return fresh;
    },
    total: () => seen,
  };
}

type Api = ReturnType<typeof client>;

function client(stack: LocalStack) {
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (key: string, claims: Parameters<LocalStack['token']>[0]) => {
    if (!tokens.has(key)) tokens.set(key, stack.token(claims));
    return tokens.get(key)!;
  };
  const caller = (token: () => Promise<string>) => ({
    async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
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
    as: (municipality: string) => caller(() => tokenFor(municipality, { role: 'municipality', municipality })),
    county: (county: string) => caller(() => tokenFor(`C${county}`, { role: 'county', county })),
    async admin(method: string, path: string, body?: unknown): Promise<any> {
      const response = await admin.request(method, path, body);
      if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async post(path: string, body: unknown): Promise<void> {
      const response = await fetch(stack.apiUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`POST ${path} → ${response.status} ${await response.text()}`);
    },
    cycle(): Promise<any> {
      return this.admin('GET', `/v1/years/${year}/cycle`);
    },
  };
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Simulation failed: ${String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  },
);
