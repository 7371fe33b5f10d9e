import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as submitReportHandler } from '../../functions/submit-report';
import { handler as checkHandler } from '../../functions/cycle-check';
import { handler as startNextHandler } from '../../functions/cycle-start-next';
import { runCommand } from '../../shared/app/command';
import { follow } from '../support/follow';
import type { AppContext } from '../../shared/app/context';
import { buildContext } from '../../shared/composition/context';
import { setAppContext } from '../../shared/composition/lazy';
import { autoSubmit } from '../../shared/app/cycle-acts/auto-submit';
import { awaitReport } from '../../shared/app/cycle-acts/await-report';
import { check } from '../../shared/app/cycle-acts/check';
import { close } from '../../shared/app/cycle-acts/close';
import { tellDeadlineMoved } from '../../shared/app/cycle-acts/deadline-moved';
import { warnCounty } from '../../shared/app/cycle-acts/warn-county';
import { finalize } from '../../shared/app/cycle-acts/finalize';
import { plan } from '../../shared/app/cycle-acts/plan';
import { prepareReview } from '../../shared/app/cycle-acts/prepare-review';
import { publish } from '../../shared/app/cycle-acts/publish';
import { recordFailure } from '../../shared/app/cycle-acts/record-failure';
import { remind } from '../../shared/app/cycle-acts/remind';
import { reportQuietCounty } from '../../shared/app/cycle-acts/report-quiet-county';
import { sendReports } from '../../shared/app/cycle-acts/send-reports';
import { getCycle, moveCalendar, startCycle } from '../../shared/app/cycle';
import { importShares } from '../../shared/app/shares';
import { defaultCalendar, stockholmToUtc } from '../../shared/domain/calendar';
import { cycleMilestones } from '../../shared/domain/cycle';
import type { Command } from '../../shared/domain/ledger';
import type { Milli } from '../../shared/domain/per-mille';
import { ROUTES } from '../../shared/http/routes';
import { formatPerMille } from '../../shared/notifications/messages';
import { MailDeliveryError, type Mail } from '../../shared/notifications/mailer';
import { MUNICIPALITIES, municipalitiesOf } from '../../shared/reference';
import type { Actor } from '../../shared/schemas/ledger';
import type { User } from '../../shared/schemas/user';
import { executionName, type CountyItem, type Milestone } from '../../shared/workflow/contract';
import { StaleTaskTokenError, type Workflow } from '../../shared/workflow/port';
import { log } from '../../shared/platform/logger';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';
import { exampleShares } from '../../local/tools/example-data';
import { clearEmails, sentEmails, startSes, type LocalSes, type StoredEmail } from '../../local/emulators/ses/ses';
import { apiEvent, claims } from '../support/api-event';
import { stubHandlerEnv } from '../support/handler-env';

/**
 * A whole share year driven act by act, as the state machine would, against dynalite and
 * aws-ses-v2-local in-process, with a fake Workflow port (the real Step Functions endpoint is
 * the local stack's): every time is explicit, the milestones' own.
 */

const YEAR = 2031;
const calendar = defaultCalendar(YEAR);
const milestones = cycleMilestones(calendar);
const milestone = (id: string): Milestone => milestones.find((m) => m.id === id)!;
const plus = (instant: string, ms: number): string => new Date(Date.parse(instant) + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const shares = exampleShares();
const admin: User = { role: 'admin' };
const arnOf = (name: string) => `arn:aws:states:eu-north-1:123456789012:execution:Year:${name}`;
const MIGRATIONSVERKET = 'ensamkommande@migrationsverket.example.se';
const municipalityMail = (code: string) => `kommun-${code}@kommun.example.se`;
const countyMailbox = (code: string) => `lansstyrelsen-${code}@lst.example.se`;

/** The port as the application sees it, with Step Functions' rules for names; records what it was asked. */
class FakeWorkflow implements Workflow {
  started: number[] = [];
  successes: { token: string; output: unknown }[] = [];
  /** Status by execution name (a test ends an execution by setting it). */
  statuses = new Map<string, string>();
  private used = new Set<string>();

  async start(year: number, attempt = 1) {
    const name = executionName(year, attempt);
    this.started.push(year);
    // The same name running: the same execution; the name of a closed one: ExecutionAlreadyExists.
    const alreadyStarted = this.statuses.has(name) && this.statuses.get(name) !== 'RUNNING';
    if (!this.statuses.has(name)) this.statuses.set(name, 'RUNNING');
    return { executionArn: arnOf(name), alreadyStarted };
  }
  async execution(year: number, attempt: number) {
    const status = this.statuses.get(executionName(year, attempt));
    return status === undefined ? undefined : { executionArn: arnOf(executionName(year, attempt)), status };
  }
  async describe() {
    return { status: 'RUNNING' };
  }
  async sendTaskSuccess(token: string, output: unknown) {
    if (this.used.has(token)) throw new StaleTaskTokenError('TaskTimedOut');
    this.used.add(token);
    this.successes.push({ token, output });
  }
  async sendTaskFailure() {}
}

let dynamo: LedgerDynamo;
let ses: LocalSes;
let app: AppContext;
const workflow = new FakeWorkflow();

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startLedgerDynamo(), startSes()]);
  stubHandlerEnv(dynamo, ses);
  app = { ...buildContext(process.env), workflow };
  // The HTTP handlers (submit-report) and the task handlers use the same context, fake port included.
  setAppContext(app);
});
afterAll(async () => {
  setAppContext(undefined);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all([dynamo?.stop(), ses?.stop()]);
});

const emails = () => sentEmails(ses.endpoint);
const to = (list: StoredEmail[], address: string) => list.filter((e) => e.destination.to.includes(address));
/** Every ledger event of a year, over all counties. */
const ledgerEvents = async (year: number) => (await app.ledgers.views(year)).reduce((n, v) => n + v.version, 0);

async function command(year: number, now: string, county: string, cmd: Command, actor: Actor) {
  const outcome = await runCommand({ app, now }, { year, county }, cmd, actor);
  await follow(app, outcome); // what the table's stream does after the command
  return outcome;
}
const asMunicipality = (id: string): Actor => ({ role: 'municipality', id });
const asCounty = (id: string): Actor => ({ role: 'county', id });

const submitReportRoute = ROUTES.find((r) => r.name === 'submit-report')!;
async function submitReport(year: number, county: string, now: string) {
  const result = await submitReportHandler(
    apiEvent({ method: submitReportRoute.method, path: submitReportRoute.path, pathParameters: { year: String(year), county }, claims: claims.county(county), timeEpoch: Date.parse(now) }),
  );
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
}

describe('a whole year, act by act', () => {
  const beforePublish = `${YEAR - 1}-06-01T08:00:00Z`;
  const during = plus(calendar.publishAt, 10 * DAY);
  const closedAt = milestone('deadline').at;
  let executionArn: string;
  let review: CountyItem[];

  beforeEach(() => clearEmails(ses.endpoint));

  it('starts the year once, plans it and waits for publishing', async () => {
    const imported = await importShares(
      { app, user: admin, year: YEAR, now: beforePublish },
      { shares: Object.entries(shares).map(([municipality, milli]) => ({ municipality, perMille: milli / 1000 })) },
    );
    expect(imported.shares).toHaveLength(290);

    const first = await startCycle({ app, user: admin, year: YEAR, now: beforePublish }, {});
    const again = await startCycle({ app, user: admin, year: YEAR, now: beforePublish }, {});
    expect([first.created, again.created]).toEqual([true, false]);
    // The second start finds the execution running and starts nothing.
    expect(workflow.started).toEqual([YEAR]);
    executionArn = (await app.cycles.get(YEAR))!.workflow!.executionArn!;
    expect(executionArn).toBe(`arn:aws:states:eu-north-1:123456789012:execution:Year:cycle-${YEAR}`);

    await plan(app, { year: YEAR, executionId: executionArn }, beforePublish);
    expect(await check(app, { year: YEAR }, beforePublish, 0)).toEqual({ status: 'WAIT', milestone: milestone('publish'), waitUntil: calendar.publishAt });
    expect(await check(app, { year: YEAR }, beforePublish, 3600)).toMatchObject({ status: 'WAIT', waitUntil: '2030-06-01T09:00:00Z' });
    const cycle = await getCycle({ app, user: admin, year: YEAR, now: beforePublish });
    expect(cycle).toMatchObject({ phase: 'PLANNED', workflow: { status: 'RUNNING', state: 'Väntar på publicering av preliminära andelar (15 augusti 2030 kl. 09:00).' } });
  });

  it('publishes: the window opens in every county and all 290 municipalities get their share and the deadline', async () => {
    expect(await check(app, { year: YEAR }, calendar.publishAt)).toEqual({ status: 'DUE', milestone: milestone('publish') });
    const result = await publish(app, { year: YEAR, milestone: milestone('publish') }, calendar.publishAt);
    expect(result).toMatchObject({ withoutShares: [], notices: 290, sent: 290 });
    expect(result.opened).toHaveLength(21);

    const sent = await emails();
    expect(sent).toHaveLength(290);
    for (const m of MUNICIPALITIES) {
      const [mail, ...more] = to(sent, municipalityMail(m.code));
      expect(more).toHaveLength(0);
      expect(mail!.subject).toBe(`Omfördelning ${YEAR}: preliminära anvisningsandelar är publicerade`);
      expect(mail!.body.text).toContain(`${m.name} (${m.code}) har en preliminär andel på ${formatPerMille(shares[m.code]!)}.`);
      expect(mail!.body.text).toContain('senast lördag 2 november 2030 kl. 23:59');
    }
    const cycle = await getCycle({ app, user: admin, year: YEAR, now: plus(calendar.publishAt, HOUR) });
    expect(cycle.phase).toBe('OPEN');
    expect(cycle.workflow.state).toMatch(/^Publicerat 15 augusti 2030 kl\. 09:00: perioden för förslag är öppen i 21 län/);
    expect((await app.cycles.get(YEAR))!.done).toEqual({ publish: calendar.publishAt });
    expect((await app.ledgers.load({ year: YEAR, county: '03' })).windowOpenedAt).toBe(calendar.publishAt);
  });

  it('takes proposals and consents', async () => {
    // Uppsala län: Uppsala → Enköping agreed; Tierp → Heby never consented.
    await command(YEAR, during, '03', { type: 'SubmitProposal', giver: '0380', receiver: '0381', perMille: 1_250 }, asMunicipality('0380'));
    await command(YEAR, during, '03', { type: 'AnswerProposal', giver: '0380', respondent: '0381', accept: true }, asMunicipality('0381'));
    await command(YEAR, during, '03', { type: 'SubmitProposal', giver: '0360', receiver: '0331', perMille: 500 }, asMunicipality('0360'));
    // Stockholms län: two agreed proposals.
    await command(YEAR, during, '01', { type: 'SubmitProposal', giver: '0114', receiver: '0115', perMille: 750 }, asMunicipality('0114'));
    await command(YEAR, during, '01', { type: 'AnswerProposal', giver: '0114', respondent: '0115', accept: true }, asMunicipality('0115'));
    await command(YEAR, during, '01', { type: 'SubmitProposal', giver: '0117', receiver: '0120', perMille: 500 }, asMunicipality('0117'));
    await command(YEAR, during, '01', { type: 'AnswerProposal', giver: '0117', respondent: '0120', accept: true }, asMunicipality('0120'));
    expect(await emails()).toHaveLength(21); // consent asked (and the giver's receipt), answered (and the receiver's receipt), each also to the county
  });

  it('tells everyone told the deadline when it moves (once per move), with the reminders following it', async () => {
    const patchAt = plus(during, HOUR);
    const stockholm = (y: number, m: number, d: number, h: number, mi = 0, sec = 0) => stockholmToUtc(y, m, d, h, mi, sec);
    const [b, c] = [stockholm(2030, 11, 9, 23, 59, 59), stockholm(2030, 11, 12, 23, 59, 59)];
    // Moved twice before the workflow's next check: one notice, from the deadline told to the latest.
    await moveCalendar({ app, user: admin, year: YEAR, now: patchAt }, { deadline: b });
    const moved = await moveCalendar({ app, user: admin, year: YEAR, now: patchAt }, { deadline: c });
    // Reminders follow: 14 days before Tuesday 12 Nov is Tuesday 29 Oct; 3 days before is Saturday 9 Nov → Friday 8 Nov.
    expect(moved.calendar.reminders).toEqual([stockholm(2030, 10, 29, 9), stockholm(2030, 11, 8, 9)]);
    expect(moved.remindersFollowDeadline).toBe(true);
    expect(moved.milestones.filter((m) => m.kind === 'reminder').map((m) => m.at)).toEqual(moved.calendar.reminders);
    expect(await emails()).toHaveLength(0); // no route sends e-mail: the workflow does

    const due = await check(app, { year: YEAR }, patchAt, 0);
    expect(due).toEqual({ status: 'DUE', milestone: { kind: 'deadlineMoved', id: 'deadline-moved-1', at: patchAt.replace('.000Z', 'Z') } });
    if (due.status !== 'DUE') throw new Error('not due');
    expect(await tellDeadlineMoved(app, { year: YEAR, milestone: due.milestone }, patchAt)).toMatchObject({ move: 1, from: calendar.deadline, to: c, notices: 311, sent: 311 });
    let sent = await emails();
    expect(sent).toHaveLength(311);
    expect(new Set(sent.map((e) => e.destination.to[0])).size).toBe(311);
    const tierp = to(sent, municipalityMail('0360'))[0]!;
    expect(tierp.body.text).toContain('Tidigare sista tidpunkt: lördag 2 november 2030 kl. 23:59\nNy sista tidpunkt: tisdag 12 november 2030 kl. 23:59');
    expect(to(sent, countyMailbox('03'))[0]!.destination.cc).toEqual(['handlaggare-03@lst.example.se']);
    // Run again (a retry): nothing more. Checked again: nothing pending.
    await tellDeadlineMoved(app, { year: YEAR, milestone: due.milestone }, patchAt);
    expect(await emails()).toHaveLength(311);
    expect(await check(app, { year: YEAR }, patchAt, 0)).toMatchObject({ status: 'WAIT', milestone: { id: 'reminder-0', at: stockholm(2030, 10, 29, 9) } });

    // Back to the statutory deadline: a second notice, and the reminders back at 18 and 30 Oct.
    await clearEmails(ses.endpoint);
    const back = await moveCalendar({ app, user: admin, year: YEAR, now: patchAt }, { deadline: calendar.deadline });
    expect(back.calendar).toEqual(calendar);
    const again = await check(app, { year: YEAR }, patchAt, 0);
    expect(again).toMatchObject({ status: 'DUE', milestone: { id: 'deadline-moved-2' } });
    if (again.status !== 'DUE') throw new Error('not due');
    await tellDeadlineMoved(app, { year: YEAR, milestone: again.milestone }, patchAt);
    sent = await emails();
    expect(sent).toHaveLength(311);
    expect(to(sent, municipalityMail('0360'))[0]!.body.text).toContain('Perioden för förslag stänger alltså tidigare än ni tidigare fått besked om.');
    expect((await app.cycles.get(YEAR))!.toldDeadline).toEqual({ deadline: calendar.deadline, moves: 2 });
    expect(await check(app, { year: YEAR }, patchAt, 0)).toMatchObject({ status: 'WAIT', milestone: milestone('reminder-0') });
  });

  it('reminds every municipality, naming a proposal awaiting consent to both parties and the county', async () => {
    expect(await check(app, { year: YEAR }, during, 0)).toMatchObject({ status: 'WAIT', milestone: { id: 'reminder-0' } });
    for (const id of ['reminder-0', 'reminder-1']) {
      await clearEmails(ses.endpoint);
      const m = milestone(id);
      expect(await check(app, { year: YEAR }, m.at)).toEqual({ status: 'DUE', milestone: m });
      expect(await remind(app, { year: YEAR, milestone: m }, m.at)).toMatchObject({ notices: 291, sent: 291, awaitingConsent: 1 });
      const sent = await emails();
      expect(sent).toHaveLength(291);
      expect(to(sent, municipalityMail('0360'))[0]!.body.text).toContain('Ert förslag om att överlåta 0,5 promille till Heby (0331) väntar fortfarande på samtycke från Heby (0331).');
      expect(to(sent, municipalityMail('0331'))[0]!.body.text).toContain('- Tierp (0360) föreslår att överlåta 0,5 promille till er kommun.');
      // Uppsala's proposal is agreed: it is told so, not that it has none.
      expect(to(sent, municipalityMail('0380'))[0]!.body.text).toContain('Ert förslag om att överlåta 1,25 promille till Enköping (0381) har samtycke från Enköping (0381) och väntar på länsstyrelsens beslut');
      expect(to(sent, municipalityMail('0381'))[0]!.body.text).toContain('Förslaget från Uppsala (0380) om att överlåta 1,25 promille till er kommun har ert samtycke');
      expect(to(sent, municipalityMail('0382'))[0]!.body.text).toContain('Östhammar (0382) har inget pågående förslag om omfördelning.');
      const [county] = to(sent, countyMailbox('03'));
      expect(county!.destination.cc).toEqual(['handlaggare-03@lst.example.se']);
      expect(county!.body.text).toContain('- Tierp (0360) till Heby (0331), 0,5 promille');
      expect(to(sent, countyMailbox('01'))).toHaveLength(0);
    }
    expect(Object.keys((await app.cycles.get(YEAR))!.done!)).toEqual(['publish', 'reminder-0', 'reminder-1']);
  });

  it('closes the window at the deadline: the unconsented proposal expires', async () => {
    expect(await check(app, { year: YEAR }, calendar.deadline)).toMatchObject({ status: 'WAIT', milestone: { id: 'deadline' }, waitUntil: closedAt });
    expect(await check(app, { year: YEAR }, closedAt)).toEqual({ status: 'DUE', milestone: milestone('deadline') });
    expect(await close(app, { year: YEAR, milestone: milestone('deadline') }, closedAt)).toMatchObject({ expired: 1, notices: 311 });
    const uppsala = await app.ledgers.load({ year: YEAR, county: '03' });
    expect(uppsala.proposals['0360']!.status).toBe('EXPIRED');
    expect(uppsala.proposals['0380']!.status).toBe('AGREED');
    const sent = await emails();
    expect(sent).toHaveLength(311);
    expect(to(sent, municipalityMail('0360'))[0]!.body.text).toContain('förfallet, eftersom mottagande kommuns samtycke saknades');
    expect(to(sent, countyMailbox('03'))[0]!.body.text).toContain('Överenskomna förslag i Uppsala län att besluta om:\n- Uppsala (0380) till Enköping (0381), 1,25 promille');
    expect((await getCycle({ app, user: admin, year: YEAR, now: closedAt })).phase).toBe('CLOSED');
  });

  it('prepares the county review: only counties with agreed proposals are waited for', async () => {
    expect(await check(app, { year: YEAR }, closedAt)).toEqual({ status: 'DUE', milestone: milestone('countyReports') });
    review = (await prepareReview(app, { year: YEAR }, closedAt)).counties;
    expect(review).toHaveLength(21);
    expect(review.filter((c) => c.hasProposals).map((c) => c.county)).toEqual(['01', '03']);
    // Each county first waits until the warning: Tuesday 12 Nov 2030 09:00, 3 working days before Friday 15 Nov.
    expect(milestone('countyWarning').at).toBe('2030-11-12T08:00:00Z');
    expect(new Set(review.map((c) => `${c.next} ${c.timeoutSeconds}`))).toEqual(new Set([`countyWarning ${(Date.parse(milestone('countyWarning').at) - Date.parse(closedAt)) / 1000}`]));
    for (const item of review.filter((c) => !c.hasProposals)) {
      expect(await reportQuietCounty(app, item, closedAt)).toEqual({ county: item.county, report: 'AUTO_SUBMITTED' });
    }
    expect((await getCycle({ app, user: admin, year: YEAR, now: closedAt })).workflow.state).toMatch(/^Länsgranskning: väntar på länsrapporter från 2 län/);
  });

  it('resumes the waiting execution with its stored token when a county submits through the API', async () => {
    const item = review.find((c) => c.county === '03')!;
    const t = plus(closedAt, 2 * DAY);
    expect(await awaitReport(app, { ...item, taskToken: 'token-03' }, closedAt)).toEqual({ county: '03', waiting: true });
    expect(await app.reportStore.getToken({ year: YEAR, county: '03' })).toBe('token-03');

    await command(YEAR, t, '03', { type: 'DecideProposal', giver: '0380', outcome: 'APPROVED' }, asCounty('03'));
    const reply = await submitReport(YEAR, '03', t);
    expect(reply).toMatchObject({ status: 200, body: { county: '03', mode: 'SUBMITTED' } });
    expect(workflow.successes).toEqual([{ token: 'token-03', output: { county: '03', report: 'SUBMITTED' } }]);

    // The wait stored again after the report (a retried task): it resumes at once; a used token is no error.
    expect(await awaitReport(app, { ...item, taskToken: 'token-03-b' }, t)).toEqual({ county: '03', waiting: false });
    expect(await awaitReport(app, { ...item, taskToken: 'token-03-b' }, t)).toEqual({ county: '03', waiting: false });
    expect(workflow.successes.map((s) => s.token)).toEqual(['token-03', 'token-03-b']);
  });

  it('warns, 3 working days before the report date, a county that still has agreed proposals without a decision', async () => {
    const item = review.find((c) => c.county === '01')!;
    await awaitReport(app, { ...item, taskToken: 'token-01' }, closedAt);
    await command(YEAR, plus(closedAt, DAY), '01', { type: 'DecideProposal', giver: '0114', outcome: 'APPROVED' }, asCounty('01'));
    await clearEmails(ses.endpoint);
    const warningAt = milestone('countyWarning').at;

    // Woken early (the warning was moved later, say): wait again until it.
    expect(await warnCounty(app, item, plus(warningAt, -HOUR))).toEqual({ ...item, next: 'countyWarning', timeoutSeconds: 3600, warned: false });
    expect(await warnCounty(app, item, warningAt)).toEqual({ ...item, next: 'countyReport', timeoutSeconds: 3 * 86_400, warned: true });
    const sent = await emails();
    expect(sent.map((e) => ({ to: e.destination.to, cc: e.destination.cc }))).toEqual([{ to: [countyMailbox('01')], cc: ['handlaggare-01@lst.example.se'] }]);
    expect(sent[0]!.subject).toBe(`Omfördelning ${YEAR}: 1 överenskomna förslag i Stockholms län väntar på beslut – länsrapporten senast 15 november 2030 kl. 09:00`);
    expect(sent[0]!.body.text).toContain('har ännu inte beslutat om följande överenskomna förslag om omfördelning av anvisningsandelar för 2031:\n- Österåker (0117) till Värmdö (0120), 0,5 promille');
    expect(sent[0]!.body.text).toContain('senast fredag 15 november 2030 kl. 09:00');
    expect(sent[0]!.body.text).not.toMatch(/POST|händelse/);
    // Idempotent; a county that has reported is not warned.
    await warnCounty(app, item, plus(warningAt, 1000));
    expect(await warnCounty(app, review.find((c) => c.county === '03')!, warningAt)).toMatchObject({ next: 'countyReport', warned: false });
    expect(await emails()).toHaveLength(1);
    const cycle = await getCycle({ app, user: admin, year: YEAR, now: warningAt });
    expect(cycle.milestones.find((m) => m.id === 'countyWarning')).toEqual({ kind: 'countyWarning', id: 'countyWarning', at: warningAt, doneAt: warningAt });
  });

  it('auto-submits at the report date (waiting again when it was moved), tells the county and the parties of what was left out, and refuses a later report with 409', async () => {
    const item = { ...review.find((c) => c.county === '01')!, next: 'countyReport' as const };
    await clearEmails(ses.endpoint);
    const moved = plus(calendar.countyReportAt, DAY).replace('.000Z', 'Z');
    await moveCalendar({ app, user: admin, year: YEAR, now: plus(closedAt, 3 * DAY) }, { countyReportAt: moved });
    // Moved to Saturday 16 Nov: its warning (Wednesday 13 Nov 09:00) has passed, so it comes at once, for the new date.
    expect(await autoSubmit(app, item, calendar.countyReportAt)).toEqual({ ...item, next: 'countyWarning', timeoutSeconds: 1, status: 'WAIT_AGAIN' });
    expect(await warnCounty(app, item, calendar.countyReportAt)).toMatchObject({ next: 'countyReport', timeoutSeconds: 86_400, warned: true });
    expect((await emails()).map((e) => e.subject)).toEqual([`Omfördelning ${YEAR}: 1 överenskomna förslag i Stockholms län väntar på beslut – länsrapporten senast 16 november 2030 kl. 09:00`]);
    await awaitReport(app, { ...item, taskToken: 'token-01-b' }, calendar.countyReportAt);

    await clearEmails(ses.endpoint);
    expect(await autoSubmit(app, item, moved)).toEqual({ ...item, status: 'SUBMITTED' });
    const stockholm = await app.ledgers.load({ year: YEAR, county: '01' });
    expect(stockholm.report).toMatchObject({ mode: 'AUTO_SUBMITTED', by: { role: 'system' } });
    const sent = await emails();
    expect(sent.map((e) => ({ to: e.destination.to, cc: e.destination.cc, subject: e.subject }))).toEqual([
      { to: [countyMailbox('01')], cc: ['handlaggare-01@lst.example.se'], subject: `Omfördelning ${YEAR}: länsrapporten för Stockholms län har lämnats automatiskt` },
      ...['0117', '0120'].map((code) => ({
        to: [municipalityMail(code)],
        cc: [],
        subject: `Omfördelning ${YEAR}: förslaget om 0,5 promille från Österåker (0117) till Värmdö (0120) beslutades inte`,
      })),
    ]);
    expect(sent[0]!.body.text).toContain('- Upplands Väsby (0114) till Vallentuna (0115), 0,75 promille: godkänt av länsstyrelsen');
        expect(sent[0]!.body.text).toContain('- Österåker (0117) till Värmdö (0120), 0,5 promille: överenskommet, inte beslutat (ändrar inte andelarna)');
    expect(sent[1]!.body.text).toContain('Förslaget ändrar alltså inte era andelar');
    expect(sent[1]!.body.text).toContain('lämnades därför automatiskt till Migrationsverket lördag 16 november 2030 kl. 09:00, utan förslaget.');
    // Run again (a retry): nobody is told twice.
    await autoSubmit(app, item, moved);
    expect(await emails()).toHaveLength(3);

    const late = await submitReport(YEAR, '01', plus(moved, HOUR));
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'REPORT_ALREADY_SUBMITTED' } } });
    expect(workflow.successes.map((s) => s.token)).not.toContain('token-01-b');

    const cycle = await getCycle({ app, user: admin, year: YEAR, now: moved });
    expect(cycle.phase).toBe('REPORTED');
    expect(cycle.counties.filter((c) => c.report === 'SUBMITTED').map((c) => c.county)).toEqual(['03']);
    expect(cycle.counties.filter((c) => c.report === 'AUTO_SUBMITTED')).toHaveLength(20);
  });

  it('sends every county report to Migrationsverket and the county, with the CSV, and stores it', async () => {
    const at = plus(calendar.countyReportAt, DAY + 60_000);
    expect(await sendReports(app, { year: YEAR }, at)).toMatchObject({ notices: 42, sent: 42 });
    const sent = await emails();
    const toMigrationsverket = to(sent, MIGRATIONSVERKET);
    expect(toMigrationsverket).toHaveLength(21);
    expect(new Set(toMigrationsverket.map((e) => e.subject)).size).toBe(21);
    const attached = (mail: StoredEmail) => Buffer.from(mail.attachments![0]!.content, 'base64').toString('utf8');
    for (const mail of toMigrationsverket) {
      expect(mail.attachments!.map((a) => a.filename)).toEqual([expect.stringMatching(new RegExp(`^lansrapport-${YEAR}-\\d{2}-[a-z-]+\\.csv$`))]);
      expect(attached(mail)).toContain('Kommunkod;Kommun;Preliminär andel (promille);Given (promille);Mottagen (promille);Resulterande andel (promille)');
      expect(mail.body.text).toContain('Den fasta ersättningen på 500 000 kr per kommun påverkas inte av omfördelningen');
    }
    const uppsala = toMigrationsverket.find((e) => e.subject.includes('Uppsala län (03)'))!;
    const prelim = shares['0380']!;
    const comma = (n: number) => String(n).replace('.', ',');
    expect(attached(uppsala)).toContain(`0380;Uppsala;${comma(prelim / 1000)};1,25;0;${comma((prelim - 1_250) / 1000)}`);
    expect(attached(uppsala)).toContain('0360;Tierp;');
    expect(attached(uppsala)).toContain('förfallet (mottagande kommuns samtycke saknades)');
    expect(uppsala.body.text).toContain('- Tierp (0360) till Heby (0331), 0,5 promille: förfallet');
    expect(to(sent, countyMailbox('03'))).toHaveLength(1);

    const stored = await app.reportStore.getReport({ year: YEAR, county: '03' });
    expect(stored).toMatchObject({ report: { county: '03', mode: 'SUBMITTED' }, storedAt: at });
    expect(stored!.csv).toContain('0380;Uppsala');
    expect((await app.cycles.get(YEAR))!.done!.countyReports).toBe(at);
  });

  it('fixes the final shares exactly, keeps every total, tells every municipality, and the year is FINAL', async () => {
    const at = calendar.finalizeAt;
    expect(await check(app, { year: YEAR }, plus(at, -1000), 0)).toMatchObject({ status: 'WAIT', milestone: { id: 'finalize' }, waitUntil: at });
    expect(await check(app, { year: YEAR }, at)).toEqual({ status: 'DUE', milestone: milestone('finalize') });
    expect(await finalize(app, { year: YEAR }, at)).toMatchObject({ withoutShares: [], notices: 290, sent: 290 });

    const views = await app.ledgers.views(YEAR);
    const final: Record<string, Milli> = Object.assign({}, ...views.map((v) => v.final));
    const expected = { ...shares, '0380': shares['0380']! - 1_250, '0381': shares['0381']! + 1_250, '0114': shares['0114']! - 750, '0115': shares['0115']! + 750 };
    expect(final).toEqual(expected);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(Object.values(final))).toBe(1_000_000);
    for (const v of views) expect(sum(Object.values(v.final!))).toBe(sum(Object.values(v.preliminary!)));

    const sent = await emails();
    expect(sent).toHaveLength(290);
    expect(to(sent, municipalityMail('0381'))[0]!.body.text).toContain(`Enköping (0381): ${formatPerMille(expected['0381'])}.`);
    expect(to(sent, municipalityMail('0360'))[0]!.body.text).toContain('Andelen är oförändrad');

    expect(await check(app, { year: YEAR }, at)).toEqual({ status: 'DONE' });
    const cycle = await getCycle({ app, user: admin, year: YEAR, now: plus(at, HOUR) });
    expect(cycle).toMatchObject({ phase: 'FINAL', workflow: { status: 'RUNNING', state: 'Året är klart: alla steg är gjorda.' } });
    expect((await app.cycles.get(YEAR))!.workflow!.status).toBe('SUCCEEDED');
  });

  it('runs every act again without sending an e-mail or writing a ledger event', async () => {
    const events = await ledgerEvents(YEAR);
    const done = (await app.cycles.get(YEAR))!.done;
    const now = plus(calendar.finalizeAt, DAY);
    await plan(app, { year: YEAR, executionId: executionArn }, now);
    await publish(app, { year: YEAR, milestone: milestone('publish') }, now);
    await remind(app, { year: YEAR, milestone: milestone('reminder-0') }, now);
    await remind(app, { year: YEAR, milestone: milestone('reminder-1') }, now);
    await tellDeadlineMoved(app, { year: YEAR, milestone: { kind: 'deadlineMoved', id: 'deadline-moved-2', at: now } }, now);
    await close(app, { year: YEAR, milestone: milestone('deadline') }, now);
    const again = (await prepareReview(app, { year: YEAR }, now)).counties;
    expect(again.map((c) => [c.county, c.hasProposals])).toEqual(review.map((c) => [c.county, c.hasProposals]));
    for (const item of review) {
      if (!item.hasProposals) await reportQuietCounty(app, item, now);
      else {
        await awaitReport(app, { ...item, taskToken: `again-${item.county}` }, now);
        expect(await warnCounty(app, item, now)).toMatchObject({ next: 'countyReport' });
        expect(await autoSubmit(app, item, now)).toMatchObject({ status: 'SUBMITTED' });
      }
    }
    await sendReports(app, { year: YEAR }, now);
    await finalize(app, { year: YEAR }, now);
    expect(await check(app, { year: YEAR }, now)).toEqual({ status: 'DONE' });

    expect(await emails()).toHaveLength(0);
    expect(await ledgerEvents(YEAR)).toBe(events);
    expect((await app.cycles.get(YEAR))!.done).toEqual(done);
  });
});

describe('failures', () => {
  beforeEach(() => clearEmails(ses.endpoint));

  it('fails publishing, in Swedish, when no county has shares', async () => {
    const year = 2041;
    const m = cycleMilestones(defaultCalendar(year))[0]!;
    await expect(publish(app, { year, milestone: m }, m.at)).rejects.toThrow(/^Inga preliminära andelar är inlästa för 2041/);
    expect(await emails()).toHaveLength(0);
  });

  it('records a failure, tells the administrators once, and shows it in the year', async () => {
    const year = 2042;
    const cause = JSON.stringify({ errorType: 'CycleError', errorMessage: 'Inga preliminära andelar är inlästa för 2042.', trace: [] });
    const input = { year, error: { Error: 'CycleError', Cause: cause } };
    await recordFailure(app, input, `${year - 1}-08-15T07:00:10Z`);
    await recordFailure(app, input, `${year - 1}-08-15T07:00:30Z`);
    const record = (await app.cycles.get(year))!;
    expect(record.failure).toMatchObject({ at: `${year - 1}-08-15T07:00:10Z`, error: 'CycleError', cause });
    expect(record.workflow).toMatchObject({ status: 'FAILED' });
    const sent = await emails();
    expect(sent.map((e) => e.destination.to)).toEqual([['admin@omfordelning.example.se']]);
    expect(sent[0]!.subject).toBe(`Omfördelning ${year}: årets arbetsflöde har misslyckats`);
    expect(sent[0]!.body.text).toContain('Orsak: Inga preliminära andelar är inlästa för 2042.');
    const cycle = await getCycle({ app, user: admin, year, now: `${year - 1}-08-16T00:00:00Z` });
    expect(cycle.workflow).toMatchObject({ status: 'FAILED' });
    expect(cycle.workflow.state).toContain('Stoppat av ett fel (CycleError)');

    // A new execution plans the year again: the failure is cleared.
    await plan(app, { year, executionId: 'arn:aws:states:eu-north-1:123456789012:execution:Year:cycle-2042-retry' }, `${year - 1}-08-16T00:00:00Z`);
    expect((await app.cycles.get(year))!).toMatchObject({ workflow: { status: 'RUNNING' } });
    expect((await app.cycles.get(year))!.failure).toBeUndefined();
  });

  it('retries a transiently failing SES: nothing is lost and nobody gets a notice twice', async () => {
    const year = 2043;
    const m = cycleMilestones(defaultCalendar(year))[0]!;
    await importShares({ app, user: admin, year, now: `${year - 1}-06-01T08:00:00Z` }, { shares: municipalitiesOf('03').map((x) => ({ municipality: x.code, perMille: 2 })) });
    // SES throttles every attempt to reach Tierp (0360): its quick retries run out, so the act fails.
    let throttled = true;
    const flaky: AppContext = {
      ...app,
      mailer: {
        send: async (mail: Mail) => {
          if (throttled && mail.to.includes(municipalityMail('0360'))) throw new MailDeliveryError('Throttling: Maximum sending rate exceeded.', true);
          return app.mailer.send(mail);
        },
      },
    };
    await expect(publish(flaky, { year, milestone: m }, m.at)).rejects.toThrow(/not sent/);
    expect((await app.cycles.get(year))?.done?.publish).toBeUndefined();
    expect(to(await emails(), municipalityMail('0360'))).toHaveLength(0);
    expect(await emails()).toHaveLength(7);
    throttled = false;

    // Step Functions retries the act: only what is missing is sent, and the window opened once.
    await publish(flaky, { year, milestone: m }, m.at);
    const sent = await emails();
    expect(sent).toHaveLength(8);
    expect(new Set(sent.map((e) => e.destination.to[0])).size).toBe(8);
    expect(await ledgerEvents(year)).toBe(2); // SharesImported, WindowOpened
    const record = (await app.cycles.get(year))!;
    expect(record.done?.publish).toBe(m.at);
    expect(record.workflow?.state).toContain('Län utan preliminära andelar, som inte deltar: Stockholms län (01), Södermanlands län (04)');
  });
});

describe('starting a year again', () => {
  const year = 2047;
  const now = '2046-09-01T08:00:00Z';
  const start = () => startCycle({ app, user: admin, year, now }, {});
  const recorded = async () => (await app.cycles.get(year))!.workflow;

  it('continues a year whose execution failed, timed out or was aborted with the next one; one that runs or finished stays', async () => {
    await start();
    expect((await recorded())?.executionArn).toBe(arnOf(`cycle-${year}`));
    const names: string[] = [];
    for (const [attempt, status] of [[1, 'FAILED'], [2, 'TIMED_OUT'], [3, 'ABORTED']] as const) {
      workflow.statuses.set(executionName(year, attempt), status);
      await start();
      names.push((await recorded())!.executionArn!.split(':').at(-1)!);
      expect(await recorded()).toMatchObject({ status: 'RUNNING', state: 'Startat igen efter ett avbrott: fortsätter där året stannade.' });
    }
    expect(names).toEqual([`cycle-${year}-2`, `cycle-${year}-3`, `cycle-${year}-4`]);
    // Running, then finished: started again, nothing new.
    const before = workflow.started.length;
    await start();
    workflow.statuses.set(executionName(year, 4), 'SUCCEEDED');
    await start();
    expect(workflow.started.length).toBe(before);
    expect((await recorded())?.executionArn).toBe(arnOf(`cycle-${year}-4`));
  });

  it('refuses a calendar beyond what one execution can wait, at the start and when a milestone moves, writing nothing', async () => {
    const far = 2049;
    // The final shares 366 days after the start; 350 days after it is 16 August (2048 is a leap year).
    const tooLate = { publishAt: '2047-09-15T07:00:00Z', reminders: [], deadline: '2047-11-02T22:59:59Z', countyReportAt: '2047-11-15T08:00:00Z', finalizeAt: '2048-09-01T08:00:00Z' };
    await expect(startCycle({ app, user: admin, year: far, now: '2047-09-01T08:00:00Z' }, { calendar: tooLate })).rejects.toMatchObject({
      code: 'CALENDAR_TOO_FAR_AHEAD',
      kind: 'invalid',
      details: [expect.stringMatching(/^Fastställandet \(finalizeAt\) ligger 1 september 2048, mer än 350 dagar efter årets start 1 september 2047;.*senast 16 augusti 2048\.$/)],
    });
    expect(await app.cycles.get(far)).toBeUndefined();

    const before = (await app.cycles.get(year))!;
    await expect(moveCalendar({ app, user: admin, year, now }, { finalizeAt: '2047-08-20T08:00:00Z' })).rejects.toMatchObject({ code: 'CALENDAR_TOO_FAR_AHEAD' });
    expect(await app.cycles.get(year)).toEqual(before);
    // 350 days after the start is still fine.
    await moveCalendar({ app, user: admin, year, now }, { finalizeAt: '2047-08-17T08:00:00Z' });
    expect((await app.cycles.get(year))!.calendar.finalizeAt).toBe('2047-08-17T08:00:00Z');
  });
});

describe('task Lambdas', () => {
  it('parse their input, run at the virtual clock (CLOCK_OFFSET_MS) and throw on bad input', async () => {
    const year = 2044;
    const publishAt = defaultCalendar(year).publishAt;
    vi.stubEnv('CLOCK_OFFSET_MS', String(Date.parse(plus(publishAt, -2 * DAY)) - Date.now()));
    vi.stubEnv('CYCLE_MAX_WAIT_SECONDS', '0');
    try {
      expect(await checkHandler({ year, next: { status: 'WAIT' }, extra: true })).toMatchObject({ status: 'WAIT', milestone: { id: 'publish' }, waitUntil: publishAt });
      vi.stubEnv('CLOCK_OFFSET_MS', String(Date.parse(publishAt) - Date.now() + 5_000));
      expect(await checkHandler({ year })).toMatchObject({ status: 'DUE', milestone: { id: 'publish' } });
      await expect(checkHandler({ year: 'next' })).rejects.toThrow(/Invalid input for check/);

      // The yearly schedule, on 1 March 2045 in Stockholm: starts share year 2046.
      vi.stubEnv('CLOCK_OFFSET_MS', String(Date.parse('2045-03-01T06:00:00Z') - Date.now()));
      const errors = vi.spyOn(log, 'error');
      expect(await startNextHandler(undefined)).toEqual({ year: 2046, executionArn: expect.stringMatching(/:cycle-2046$/), alreadyStarted: false });
      expect(await startNextHandler({})).toMatchObject({ year: 2046, alreadyStarted: true });
      expect(errors).not.toHaveBeenCalled();
      const record = (await app.cycles.get(2046))!;
      expect(record.calendar).toEqual(defaultCalendar(2046));
      expect(record.startedAt).toMatch(/^2045-03-01T06:00/);
      expect(record.workflow?.executionArn).toMatch(/:cycle-2046$/);
    } finally {
      vi.stubEnv('CLOCK_OFFSET_MS', '0');
    }
  });
});
