/**
 * `npm run status -- [--year 2028] [--url https://…] [--token …] [--data-dir .data]`
 *
 * The state of a share year for an operator, in plain Swedish: the phase, the next milestone
 * and its date (Stockholm time), per county the proposals by state and the report, and the
 * e-mail failures. It reads the API as an administrator (GET …/cycle, …/proposals, …/mails),
 * so it works the same against the local stack (default http://127.0.0.1:3000, a token made
 * from the data directory's local key) and a deployed one (`--url` and an administrator's ID
 * token: `--token` or the environment variable OMFORDELNING_TOKEN).
 *
 * Default year: the Stockholm calendar year + 1 (the share year whose redistribution runs
 * this autumn).
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { PROPOSAL_STATUS_NAMES } from '../shared/domain/status-names';
import { offsetAt } from '../shared/domain/stockholm-time';
import { longTime } from '../shared/notifications/common';
import { COUNTIES } from '../shared/reference';
import type { CycleView, ProposalList, SentMailList } from '../shared/schemas/api';
import type { ProposalStatus } from '../shared/schemas/ledger';

const PHASES: Record<CycleView['phase'], string> = {
  PLANNED: 'planerat (perioden för förslag har inte öppnat än)',
  OPEN: 'öppet (kommunerna kan lämna förslag)',
  CLOSED: 'stängt för förslag (länsstyrelserna beslutar och rapporterar)',
  REPORTED: 'länsrapporterna är inlämnade',
  FINAL: 'klart (de slutliga andelarna är fastställda)',
};

const MILESTONES: Record<string, string> = {
  publish: 'publicering, perioden för förslag öppnar',
  reminder: 'påminnelse till kommunerna',
  deadline: 'sista dag för förslag',
  countyWarning: 'varning till länsstyrelser med obeslutade förslag',
  countyReports: 'länsstyrelsernas rapporter',
  finalize: 'slutliga andelar',
  deadlineMoved: 'meddelande om ändrad sista dag',
};

const WORKFLOW: Record<string, string> = {
  NOT_STARTED: 'inte startat',
  RUNNING: 'körs',
  SUCCEEDED: 'avslutat',
  FAILED: 'misslyckades',
  TIMED_OUT: 'avbröts (tidsgräns)',
  ABORTED: 'avbrutet',
};

const REPORTS: Record<CycleView['counties'][number]['report'], string> = {
  PENDING: 'inte inlämnad',
  SUBMITTED: 'inlämnad',
  AUTO_SUBMITTED: 'inlämnad automatiskt',
};

/** The report, pure: what the API answered, as lines. */
export function statusLines(cycle: CycleView, proposals: ProposalList['proposals'], mails: SentMailList['mails'], now: number): string[] {
  const next = cycle.milestones.find((m) => m.doneAt === null);
  const overdue = next && Date.parse(next.at) <= now ? ' (tiden har passerat, men milstolpen är inte utförd)' : '';
  const lines = [
    `Omfördelning ${cycle.year}`,
    `Fas: ${PHASES[cycle.phase]}`,
    next ? `Nästa milstolpe: ${MILESTONES[next.kind] ?? next.kind}, ${longTime(next.at)}${overdue}` : 'Nästa milstolpe: ingen, året är genomfört',
    `Arbetsflödet: ${WORKFLOW[cycle.workflow.status] ?? cycle.workflow.status}${cycle.workflow.state ? ` (steg ${cycle.workflow.state})` : ''}`,
    '',
    'Län: förslag per status; länsrapport',
  ];
  const reports = new Map(cycle.counties.map((c) => [c.county, c.report]));
  for (const county of COUNTIES) {
    const counts = new Map<ProposalStatus, number>();
    for (const p of proposals.filter((x) => x.county === county.code)) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
    const byState = (Object.keys(PROPOSAL_STATUS_NAMES) as ProposalStatus[])
      .filter((status) => counts.has(status))
      .map((status) => [status, counts.get(status)!] as const)
      .map(([status, n]) => `${n} ${PROPOSAL_STATUS_NAMES[status]}`).join(', ') || 'inga förslag';
    lines.push(`  ${county.code} ${county.name}: ${byState}; rapport ${REPORTS[reports.get(county.code) ?? 'PENDING']}`);
  }
  const failures = mails.filter((m) => m.kind === 'failure');
  lines.push('', `E-post: ${mails.length} skickade meddelanden`);
  lines.push(failures.length === 0 ? 'E-postfel: inga' : `E-postfel: ${failures.length} felmeddelande(n) till administratörerna:`);
  for (const f of failures) lines.push(`  ${longTime(f.sentAt)}: ${f.subject}`);
  return lines;
}

class StatusError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { year: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const url = (values.url ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const now = Date.now();
  const year = values.year === undefined ? new Date(now + offsetAt(now)).getUTCFullYear() + 1 : Number(values.year);
  if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new StatusError(`Ange --year som ett årtal, till exempel ${new Date().getUTCFullYear() + 1}.`);
  const token = values.token ?? process.env.OMFORDELNING_TOKEN ?? (isLocal(url) ? await localAdminToken(values['data-dir'] ?? '.data') : undefined);
  if (!token) throw new StatusError('Ange en administratörs ID-token med --token eller OMFORDELNING_TOKEN (för en driftsatt stack).');
  const get = async <T>(path: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    } catch {
      throw new StatusError(`Ingen stack svarar på ${url} (starta den lokala med npm start, eller ange --url).`);
    }
    const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    if (!response.ok) throw new StatusError(`${url}${path} svarade ${response.status}: ${body?.error?.message ?? 'okänt fel'}`);
    return body as T;
  };
  const base = `/v1/years/${year}`;
  const [cycle, proposals, mails, clock] = await Promise.all([
    get<CycleView>(`${base}/cycle`),
    get<ProposalList>(`${base}/proposals`),
    allMails(get, base),
    isLocal(url) ? get<{ now: string }>('/_local/clock').catch(() => undefined) : undefined,
  ]);
  // The local stack's virtual clock, else real time.
  console.log(statusLines(cycle, proposals.proposals, mails, clock ? Date.parse(clock.now) : now).join('\n'));
}

/** Every page of the year's sent mails (a year has some thousands: a few pages of 500). */
async function allMails(get: <T>(path: string) => Promise<T>, base: string): Promise<SentMailList['mails']> {
  const mails: SentMailList['mails'] = [];
  let after: string | undefined;
  do {
    const page = await get<SentMailList>(`${base}/mails?limit=500${after ? `&after=${after}` : ''}`);
    mails.push(...page.mails);
    after = page.next;
  } while (after);
  return mails;
}

const isLocal = (url: string): boolean => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(url);

/** On the local stack: an administrator's token signed with the data directory's key (as npm run token). */
async function localAdminToken(dataDir: string): Promise<string> {
  const { claimsFor, loadOrCreateKeys, mintToken } = await import('../local/tools/tokens');
  return mintToken(await loadOrCreateKeys(dataDir), claimsFor({ role: 'admin' }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof StatusError ? error.message : `Status kunde inte hämtas: ${String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  });
}
