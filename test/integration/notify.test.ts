import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { importContacts } from '../../shared/app/contacts';
import type { AppContext } from '../../shared/app/context';
import { buildContext } from '../../shared/composition/context';
import { followLedgers, type FollowedEvent } from '../../shared/app/follow-ledger';
import { sendEachOnce, sendOnce } from '../../shared/app/notify';
import { defaultCalendar } from '../../shared/domain/calendar';
import type { RuleError } from '../../shared/domain/errors';
import type { Command, CommandContext } from '../../shared/domain/ledger';
import type { Refusal } from '../../shared/app/errors';
import { execute, type Outcome } from '../../shared/app/ledger/execute';
import { log } from '../../shared/platform/logger';
import { municipalitiesOf } from '../../shared/reference';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';
import { clearEmails, sentEmails, startSes, type LocalSes, type StoredEmail } from '../../local/emulators/ses/ses';
import { stubHandlerEnv } from '../support/handler-env';
import { MailDeliveryError, type Mail } from '../../shared/notifications/mailer';
import { fold } from '../../shared/domain/ledger';
import { countyReport, countyReportCsv } from '../../shared/domain/report';
import { reportMails } from '../../shared/notifications/cycle-messages';
import type { EventBody, LedgerEvent } from '../../shared/schemas/ledger';

// Uppsala län (03): Uppsala (0380) gives to Enköping (0381); Tierp (0360) gives to Heby (0331).
const COUNTY = '03';
const FROM = 'omfordelning@example.se';
const RECEIVER_MAIL = 'kommun-0381@kommun.example.se';
const GIVER_MAIL = 'kommun-0380@kommun.example.se';
const COUNTY_MAILBOX = 'lansstyrelsen-03@lst.example.se';
const COUNTY_OFFICER = 'handlaggare-03@lst.example.se';
const admin = { role: 'admin' } as const;

let dynamo: LedgerDynamo;
let ses: LocalSes;
let app: AppContext;
let year = 3100;

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startLedgerDynamo(), startSes()]);
  // The handlers' own wiring: endpoints through the SDK's standard variables.
  stubHandlerEnv(dynamo, ses, FROM);
  app = buildContext(process.env);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([dynamo?.stop(), ses?.stop()]);
});
beforeEach(() => clearEmails(ses.endpoint));

/** A fresh share year of Uppsala län with shares imported, so every test has its own ledger. */
async function newYear(): Promise<(command: Command, actor?: string) => Promise<Outcome>> {
  const key = { year: year++, county: COUNTY };
  const calendar = defaultCalendar(key.year);
  const at = (actor?: string): CommandContext => ({
    now: new Date(Date.parse(calendar.publishAt) + 86_400_000).toISOString(),
    calendar,
    actor: actor ? { role: 'municipality', id: actor } : admin,
  });
  const shares = Object.fromEntries(municipalitiesOf(COUNTY).map((m) => [m.code, 10_000]));
  await execute(app.ledgers, key, { type: 'ImportShares', shares }, at());
  return (command, actor) => execute(app.ledgers, key, command, at(actor));
}

/** The outcomes' events as the table's stream delivers them (id: ledger and sequence number). */
const delivered = (...outcomes: Outcome[]): FollowedEvent[] =>
  outcomes.map(({ event, state }) => ({ id: `${state.county}#${event.seq}`, key: { year: state.year, county: state.county }, event }));

const submit = { type: 'SubmitProposal', giver: '0380', receiver: '0381', perMille: 1_250 } as const;
const addressed = (emails: StoredEmail[]) => emails.map((e) => ({ to: e.destination.to, cc: e.destination.cc, subject: e.subject }));

describe('followLedgers with aws-ses-v2-local', () => {
  it('asks the receiver for consent and tells the county mailbox with the officer in copy, once; keeps the view', async () => {
    const run = await newYear();
    const outcome = await run(submit, '0380');
    expect((await app.ledgers.storedView(outcome.state)).version).toBe(1); // only the first event stores the view itself
    expect(await followLedgers(app, delivered(outcome))).toEqual([]);

    const emails = await sentEmails(ses.endpoint);
    expect(addressed(emails)).toEqual([
      { to: [RECEIVER_MAIL], cc: [], subject: `Omfördelning ${outcome.state.year}: nytt förslag från Uppsala (0380) väntar på ert samtycke` },
      { to: [GIVER_MAIL], cc: [], subject: `Omfördelning ${outcome.state.year}: ert förslag till Enköping (0381) är registrerat` },
      { to: [COUNTY_MAILBOX], cc: [COUNTY_OFFICER], subject: `Omfördelning ${outcome.state.year}: nytt förslag från Uppsala (0380) till Enköping (0381)` },
    ]);
    expect(emails.every((e) => e.from === FROM)).toBe(true);
    expect(emails.every((e) => e.replyTo?.join() === COUNTY_MAILBOX)).toBe(true);
    expect(emails[0]!.body.text).toContain('1,25 promille');
    // The year's calendar (here the default one) says by when.
    expect(emails[0]!.body.text).toMatch(new RegExp(`samtyck eller avböj senast \\p{L}+dag 2 november ${outcome.state.year - 1} kl\\. 23:59`, 'u'));
    expect(emails[0]!.body.text).toContain('Med vänlig hälsning\nLänsstyrelsen i Uppsala län');
    expect(await app.ledgers.storedView(outcome.state)).toEqual(outcome.state);

    // Delivered again (the stream is at-least-once): nothing more is sent.
    expect(await followLedgers(app, delivered(outcome))).toEqual([]);
    expect(await sentEmails(ses.endpoint)).toHaveLength(3);
  });

  it('names the receiver of the event\'s time when an older event is delivered again after the view moved on', async () => {
    const run = await newYear();
    await run(submit, '0380');
    const consent = await run({ type: 'AnswerProposal', giver: '0380', respondent: '0381', accept: true }, '0381');
    const later = await run({ type: 'AmendProposal', giver: '0380', receiver: '0382' }, '0380');
    await app.ledgers.saveView(later.state);
    expect(await followLedgers(app, delivered(consent))).toEqual([]);
    expect(addressed(await sentEmails(ses.endpoint))).toEqual([
      { to: ['kommun-0380@kommun.example.se'], cc: [], subject: `Omfördelning ${consent.state.year}: Enköping (0381) har samtyckt till ert förslag` },
      { to: [RECEIVER_MAIL], cc: [], subject: `Omfördelning ${consent.state.year}: ert samtycke till förslaget från Uppsala (0380) är registrerat` },
      { to: [COUNTY_MAILBOX], cc: [COUNTY_OFFICER], subject: `Omfördelning ${consent.state.year}: Enköping (0381) har samtyckt till förslaget från Uppsala (0380)` },
    ]);
    expect((await app.ledgers.storedView(later.state)).version).toBe(later.state.version); // a view is never moved back
  });

  it('reads the events the batch does not carry, and follows several ledgers in one batch', async () => {
    const uppsala = await newYear();
    const other = await newYear();
    const first = await uppsala(submit, '0380');
    const second = await uppsala({ type: 'SubmitProposal', giver: '0360', receiver: '0331', perMille: 500 }, '0360');
    const elsewhere = await other(submit, '0380');
    // Only the second event of the first ledger arrives (the first was followed by no one): the view catches up.
    expect(await followLedgers(app, delivered(second, elsewhere))).toEqual([]);
    expect(await app.ledgers.storedView(first.state)).toEqual(second.state);
    const subjects = (await sentEmails(ses.endpoint)).map((e) => e.subject);
    expect(subjects.filter((s) => s.includes(String(second.state.year)))).toHaveLength(3);
    expect(subjects.filter((s) => s.includes(String(elsewhere.state.year)))).toHaveLength(3);
  });

  it('asks for the failed event and the ones after it again while SES is down, and sends what is missing once it is back', async () => {
    const run = await newYear();
    const first = await run(submit, '0380');
    await followLedgers(app, delivered(first));
    const second = await run({ type: 'SubmitProposal', giver: '0360', receiver: '0331', perMille: 500 }, '0360');
    const third = await run({ type: 'WithdrawProposal', giver: '0360' }, '0360');

    const errors = vi.spyOn(log, 'error').mockImplementation(() => {});
    await ses.stop();
    try {
      expect(await followLedgers(app, delivered(second, third))).toEqual(delivered(second, third).map((d) => d.id));
      expect(errors.mock.calls.map(([message]) => message)).toEqual(['ledger event not followed']);
    } finally {
      errors.mockRestore();
      ses = await startSes({ port: ses.port });
    }
    expect(await app.ledgers.storedView(third.state)).toEqual(third.state); // the view does not wait for the mail

    expect(await followLedgers(app, delivered(second, third))).toEqual([]);
    expect(await followLedgers(app, delivered(first))).toEqual([]);
    const subjects = (await sentEmails(ses.endpoint)).map((e) => e.subject);
    expect(subjects).toHaveLength(9);
    expect(subjects.filter((s) => s.includes('Tierp (0360)'))).toHaveLength(4);
    expect(subjects.filter((s) => s.includes('ert förslag till Heby (0331)'))).toHaveLength(2); // the giver's receipts
  });

  it('keeps what was sent before a mail fails in the middle of a batch, and asks again from that mail\'s event on', async () => {
    const run = await newYear();
    const first = await run(submit, '0380');
    const second = await run({ type: 'SubmitProposal', giver: '0360', receiver: '0331', perMille: 500 }, '0360');
    const third = await run({ type: 'WithdrawProposal', giver: '0360' }, '0360');
    let calls = 0;
    const failingFourth = { ...app, mailer: { send: (mail: Mail) => (++calls === 4 ? Promise.reject(new MailDeliveryError('refused', false)) : app.mailer.send(mail)) } };
    const errors = vi.spyOn(log, 'error').mockImplementation(() => {});
    try {
      // Mails 1–3 belong to the first event, mail 4 (which fails) to the second.
      expect(await followLedgers(failingFourth, delivered(first, second, third))).toEqual(delivered(second, third).map((d) => d.id));
    } finally {
      errors.mockRestore();
    }
    expect(await sentEmails(ses.endpoint)).toHaveLength(3);
    expect(await followLedgers(app, delivered(first, second, third))).toEqual([]);
    const mails = addressed(await sentEmails(ses.endpoint)).map((m) => `${m.to.join()} ${m.subject}`);
    expect(mails).toHaveLength(9); // the first event's three mails were marked: not sent again
    expect(new Set(mails).size).toBe(9);
  });

  it('sends to every imported address, and only to the new addresses for an event delivered again', async () => {
    const run = await newYear();
    const outcome = await run(submit, '0380');
    await followLedgers(app, delivered(outcome));

    const contacts = await importContacts(app, admin, {
      municipalities: { '0381': { emails: ['registrator@enkoping.example.se', 'socialtjansten@enkoping.example.se'] } },
      counties: { '03': { officers: ['ny.handlaggare@lst.example.se', 'andra.handlaggare@lst.example.se'] } },
    });
    expect(contacts.municipalities['0381']).toEqual({ emails: ['registrator@enkoping.example.se', 'socialtjansten@enkoping.example.se'] });
    expect(contacts.counties['03']).toEqual({ mailbox: COUNTY_MAILBOX, officers: ['ny.handlaggare@lst.example.se', 'andra.handlaggare@lst.example.se'] });
    expect(contacts.municipalities['0380']).toEqual({ emails: ['kommun-0380@kommun.example.se'] });

    await followLedgers(app, delivered(outcome));
    const withdrawn = await run({ type: 'WithdrawProposal', giver: '0380' }, '0380');
    await followLedgers(app, delivered(withdrawn));
    expect(addressed(await sentEmails(ses.endpoint)).map(({ to, cc }) => ({ to, cc }))).toEqual([
      { to: [RECEIVER_MAIL], cc: [] },
      { to: [GIVER_MAIL], cc: [] },
      { to: [COUNTY_MAILBOX], cc: [COUNTY_OFFICER] },
      // The same event again: only the addresses that have not had it.
      { to: ['registrator@enkoping.example.se', 'socialtjansten@enkoping.example.se'], cc: [] },
      { to: ['ny.handlaggare@lst.example.se', 'andra.handlaggare@lst.example.se'], cc: [] },
      // A new event: every new address.
      { to: ['registrator@enkoping.example.se', 'socialtjansten@enkoping.example.se'], cc: [] },
      { to: [GIVER_MAIL], cc: [] },
      { to: [COUNTY_MAILBOX], cc: ['ny.handlaggare@lst.example.se', 'andra.handlaggare@lst.example.se'] },
    ]);

    // Restore the defaults for the other tests (in the first contract's shape, still accepted).
    await importContacts(app, admin, { municipalities: { '0381': { email: RECEIVER_MAIL } }, counties: { '03': { officer: COUNTY_OFFICER } } });
    const restored = await app.contacts.load();
    expect(restored.municipalities['0381']).toEqual({ emails: [RECEIVER_MAIL] });
    expect(restored.counties['03']).toEqual({ mailbox: COUNTY_MAILBOX, officers: [COUNTY_OFFICER] });
  });

  it('sends the county report with its CSV attached; the emulator’s MIME parser reads the file back, a formula-looking reason neutralised', async () => {
    const bodies: EventBody[] = [
      { type: 'SharesImported', shares: { '0380': 10_000, '0381': 2_000, '0360': 3_000, '0331': 1_000 } },
      { type: 'ProposalSubmitted', giver: '0380', receiver: '0381', perMille: 1_250 },
      { type: 'ReceiverConsented', giver: '0380' },
      { type: 'ProposalSubmitted', giver: '0360', receiver: '0331', perMille: 500 },
      { type: 'ReceiverConsented', giver: '0360' },
      { type: 'WindowClosed', expired: [] },
      { type: 'ProposalDecided', giver: '0380', outcome: 'APPROVED' },
      { type: 'ProposalDecided', giver: '0360', outcome: 'REJECTED', reason: '=HYPERLINK("http://evil.example","-1 för lite")' },
      { type: 'CountyReportSubmitted', mode: 'SUBMITTED' },
    ];
    const state = fold({ year: year++, county: COUNTY }, bodies.map((b, i) => ({ seq: i + 1, at: '2027-11-10T13:03:00Z', actor: { role: 'county', id: COUNTY }, ...b }) as LedgerEvent));
    const report = countyReport({ ...state, report: state.report! });
    const csv = countyReportCsv(report);
    const contacts = await app.contacts.load();
    for (const mail of reportMails(report, csv, contacts)) await sendOnce(app, mail);

    const emails = await sentEmails(ses.endpoint);
    expect(emails.map((e) => ({ to: e.destination.to, cc: e.destination.cc, replyTo: e.replyTo }))).toEqual([
      { to: ['ensamkommande@migrationsverket.example.se'], cc: [], replyTo: [COUNTY_MAILBOX] },
      { to: [COUNTY_MAILBOX], cc: [COUNTY_OFFICER], replyTo: [COUNTY_MAILBOX] },
    ]);
    for (const email of emails) {
      expect(email.subject).toMatch(/^Omfördelning \d{4}: länsrapport/);
      expect(email.body.text).toContain('Hela rapporten finns i den bifogade filen lansrapport-');
      expect(email.body.text).not.toContain('Kommunkod;Kommun');
      expect(email.attachments).toHaveLength(1);
      const [file] = email.attachments!;
      expect(file!.filename).toBe(`lansrapport-${report.year}-03-uppsala-lan.csv`);
      expect(file!.contentType).toBe('text/csv');
      const bytes = Buffer.from(file!.content, 'base64');
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const text = bytes.toString('utf8');
      expect(text).toBe(csv);
      expect(text).toContain(`0360;Tierp;0331;Heby;0,5;avslaget av länsstyrelsen;"'=HYPERLINK(""http://evil.example"",""-1 för lite"")";2027-11-10 14:03`);
      expect(text).toContain('0380;Uppsala;0381;Enköping;1,25;godkänt av länsstyrelsen;;2027-11-10 14:03');
    }
  });

  it('follow-ledger answers a stream batch: stored items in, failures by sequence number out', async () => {
    const { handler } = await import('../../functions/follow-ledger/index');
    const run = await newYear();
    const outcome = await run(submit, '0380');
    const { Item } = await dynamo.raw.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: `Y#${outcome.state.year}#C#${COUNTY}` }, sk: { S: 'E#000000002' } } }));
    const record = (eventName: 'INSERT' | 'MODIFY', SequenceNumber: string) => ({ eventName, dynamodb: { Keys: { pk: Item!.pk!, sk: Item!.sk! }, NewImage: Item, SequenceNumber } });
    const event = { Records: [record('INSERT', '100'), record('MODIFY', '101')] } as unknown as DynamoDBStreamEvent;
    const warnings = vi.spyOn(log, 'warn').mockImplementation(() => {});
    try {
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
    } finally {
      warnings.mockRestore();
    }
    expect(addressed(await sentEmails(ses.endpoint)).map((m) => m.to)).toEqual([[RECEIVER_MAIL], [GIVER_MAIL], [COUNTY_MAILBOX]]);
    await ses.stop();
    const errors = vi.spyOn(log, 'error').mockImplementation(() => {});
    try {
      const amended = await run({ type: 'AmendProposal', giver: '0380', perMille: 1_000 }, '0380');
      const { Item: next } = await dynamo.raw.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: `Y#${amended.state.year}#C#${COUNTY}` }, sk: { S: 'E#000000003' } } }));
      const failing = { Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: next!.pk!, sk: next!.sk! }, NewImage: next, SequenceNumber: '102' } }] } as unknown as DynamoDBStreamEvent;
      expect(await handler(failing)).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    } finally {
      errors.mockRestore();
      ses = await startSes({ port: ses.port });
    }
  });

  it('sendOnce sends a workflow notice once per recipient', async () => {
    const mail = workflowMail({ to: ['a@kommun.example.se'], cc: ['b@kommun.example.se'], subject: 'Påminnelse' });
    expect(await sendOnce(app, mail)).toEqual(['a@kommun.example.se', 'b@kommun.example.se']);
    expect(await sendOnce(app, { ...mail, cc: ['B@kommun.example.se', 'c@kommun.example.se'] })).toEqual(['c@kommun.example.se']);
    expect(await sendOnce(app, mail)).toEqual([]);
    expect(addressed(await sentEmails(ses.endpoint))).toEqual([
      { to: ['a@kommun.example.se'], cc: ['b@kommun.example.se'], subject: 'Påminnelse' },
      { to: ['c@kommun.example.se'], cc: [], subject: 'Påminnelse' },
    ]);
  });
});

/** A workflow notice of a year of its own (the log of sent mails is per year). */
function workflowMail(fields: Pick<Mail, 'to' | 'cc' | 'subject'> & Partial<Mail>): Mail {
  const y = year++;
  return { text: 'Hej!', dedupeKey: `${y}#reminder-0#0380`, year: y, kind: 'reminder', addressee: { organisation: 'municipality', code: '0380' }, county: COUNTY, ...fields };
}

const logged = async (y: number, options: { county?: string; limit?: number; after?: string } = {}) => app.sentMail.list(y, { limit: 100, ...options });
const recipientsOf = (page: { mails: { to: string[]; cc: string[] }[] }) => page.mails.map((m) => ({ to: m.to, cc: m.cc }));

describe("the year's log of sent mails", () => {
  it('logs each mail once as sent, to the addresses it went to; nothing for recipients who already had it; the markers as before', async () => {
    const first = workflowMail({ to: ['a@kommun.example.se', 'b@kommun.example.se'], cc: ['c@lst.example.se'], subject: 'Omfördelning: påminnelse' });
    const y = first.year;
    const other = { ...first, dedupeKey: `${y}#deadline#county#03`, kind: 'deadline', to: ['Lansstyrelsen@lst.example.se'], cc: [], subject: 'Omfördelning: stängt', addressee: { organisation: 'county', code: COUNTY } } satisfies Mail;
    expect((await sendEachOnce(app, [first, other])).sent).toEqual([['a@kommun.example.se', 'b@kommun.example.se', 'c@lst.example.se'], ['Lansstyrelsen@lst.example.se']]);
    const once = await logged(y);
    expect(once.mails).toHaveLength(2);
    expect(once.next).toBeUndefined();
    expect(once.mails).toContainEqual({
      sentAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      kind: 'reminder',
      subject: 'Omfördelning: påminnelse',
      to: ['a@kommun.example.se', 'b@kommun.example.se'],
      cc: ['c@lst.example.se'],
      addressee: { organisation: 'municipality', code: '0380' },
      county: COUNTY,
    });
    expect(once.mails).toContainEqual(expect.objectContaining({ kind: 'deadline', to: ['Lansstyrelsen@lst.example.se'], addressee: { organisation: 'county', code: COUNTY } }));

    // Again, with one new copy and the county's address in other case: only the new copy is sent, and logged.
    const again = await sendEachOnce(app, [{ ...first, cc: ['c@lst.example.se', 'd@lst.example.se'] }, { ...other, to: ['lansstyrelsen@LST.example.se'] }]);
    expect(again.sent).toEqual([['d@lst.example.se'], []]);
    const twice = await logged(y);
    expect(twice.mails).toHaveLength(3);
    expect(twice.mails[0]).toMatchObject({ to: ['d@lst.example.se'], cc: [], subject: 'Omfördelning: påminnelse' }); // the copy alone, as it went out, newest first
    expect(addressed(await sentEmails(ses.endpoint))).toHaveLength(3);

    // The markers are as they were: per dedupe key and lower-cased address, with subject and time.
    const marked = await app.sentMail.sentAmong([
      { dedupeKey: first.dedupeKey, recipients: ['A@kommun.example.se', 'c@lst.example.se', 'd@lst.example.se', 'x@kommun.example.se'] },
      { dedupeKey: other.dedupeKey, recipients: ['lansstyrelsen@lst.example.se'] },
    ]);
    expect(marked).toEqual(new Map([[first.dedupeKey, new Set(['a@kommun.example.se', 'c@lst.example.se', 'd@lst.example.se'])], [other.dedupeKey, new Set(['lansstyrelsen@lst.example.se'])]]));
    const { Item } = await dynamo.raw.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: `MAIL#${first.dedupeKey}` }, sk: { S: 'a@kommun.example.se' } } }));
    expect(Object.keys(Item!).sort()).toEqual(['pk', 'recipient', 'sentAt', 'sk', 'subject']);
    expect(Item!.sentAt!.S).toBe(once.mails.find((m) => m.kind === 'reminder')!.sentAt);
  });

  it('logs what was sent before a mail failed, and not the mail that failed', async () => {
    const sent = workflowMail({ to: ['e@kommun.example.se'], cc: [], subject: 'Först' });
    const failing = { ...sent, dedupeKey: `${sent.year}#publish#0381`, kind: 'publish', to: ['f@kommun.example.se'], subject: 'Sedan' } satisfies Mail;
    const refusing = { ...app, mailer: { send: (mail: Mail) => (mail.subject === 'Sedan' ? Promise.reject(new MailDeliveryError('refused', false)) : app.mailer.send(mail)) } };
    const report = await sendEachOnce(refusing, [sent, failing]);
    expect(report).toMatchObject({ sent: [['e@kommun.example.se']], failure: { index: 1 } });
    expect(recipientsOf(await logged(sent.year))).toEqual([{ to: ['e@kommun.example.se'], cc: [] }]);
  });

  it('lists a year newest first, a page at a time, and by county', async () => {
    const y = year++;
    const at = (minute: number) => `2027-08-16T07:${String(minute).padStart(2, '0')}:00.000Z`;
    const mails = ['0380', '0180', '0381', '0181', '0382'].map((code, i) => ({
      mail: { dedupeKey: `${y}#publish#${code}`, year: y, kind: 'publish' as const, addressee: { organisation: 'municipality' as const, code }, county: code.slice(0, 2), subject: `Publicerat ${code}`, to: [`kommun-${code}@kommun.example.se`], cc: [] },
      sentAt: at(i),
    }));
    await app.sentMail.recordSent([...mails, { mail: { ...mails[0]!.mail, dedupeKey: `${y}#failure#x`, kind: 'failure', addressee: { organisation: 'administrators' }, county: undefined, subject: 'Misslyckades', to: ['admin@omfordelning.example.se'] }, sentAt: at(9) }]);
    const subjects = (page: { mails: { subject: string }[] }) => page.mails.map((m) => m.subject);

    const first = await logged(y, { limit: 4 });
    expect(subjects(first)).toEqual(['Misslyckades', 'Publicerat 0382', 'Publicerat 0181', 'Publicerat 0381']);
    expect(first.mails[0]).not.toHaveProperty('county');
    const second = await logged(y, { limit: 4, after: first.next! });
    expect(subjects(second)).toEqual(['Publicerat 0180', 'Publicerat 0380']);
    expect(second.next).toBeUndefined();
    // Exactly a page's worth left: no next page that would be empty.
    expect((await logged(y, { limit: 6 })).next).toBeUndefined();

    const uppsala = await logged(y, { county: COUNTY, limit: 2 });
    expect(subjects(uppsala)).toEqual(['Publicerat 0382', 'Publicerat 0381']);
    expect(subjects(await logged(y, { county: COUNTY, limit: 2, after: uppsala.next! }))).toEqual(['Publicerat 0380']);
    expect(subjects(await logged(y, { county: '01' }))).toEqual(['Publicerat 0181', 'Publicerat 0180']);
    expect(await logged(y, { county: '25' })).toEqual({ mails: [] });
    expect(await logged(y + 1000)).toEqual({ mails: [] });
  });

  it('logs the notices of a ledger event with the event as their kind, the county and each addressee', async () => {
    const run = await newYear();
    const outcome = await run(submit, '0380');
    await followLedgers(app, delivered(outcome));
    const page = await logged(outcome.state.year, { county: COUNTY });
    const byAddress = page.mails.map(({ kind, addressee, to, cc, county }) => ({ kind, addressee, to, cc, county })).sort((a, b) => a.to[0]!.localeCompare(b.to[0]!));
    expect(byAddress).toEqual([
      { kind: 'ProposalSubmitted', addressee: { organisation: 'municipality', code: '0380' }, to: [GIVER_MAIL], cc: [], county: COUNTY },
      { kind: 'ProposalSubmitted', addressee: { organisation: 'municipality', code: '0381' }, to: [RECEIVER_MAIL], cc: [], county: COUNTY },
      { kind: 'ProposalSubmitted', addressee: { organisation: 'county', code: COUNTY }, to: [COUNTY_MAILBOX], cc: [COUNTY_OFFICER], county: COUNTY },
    ]);
    // Delivered again: nothing sent, nothing logged.
    await followLedgers(app, delivered(outcome));
    expect((await logged(outcome.state.year)).mails).toHaveLength(3);
  });
});

describe('contacts', () => {
  it('refuses non-administrators and unknown codes, writing nothing', async () => {
    const code = async (promise: Promise<unknown>) => promise.then(() => 'accepted', (e: RuleError | Refusal) => e.code);
    expect(await code(importContacts(app, { role: 'county', county: COUNTY }, { administrators: { mailbox: 'x@example.se' } }))).toBe('FORBIDDEN');
    expect(await code(importContacts(app, admin, { administrators: { mailbox: 'x@example.se' }, municipalities: { '9999': { email: 'x@example.se' } } }))).toBe(
      'UNKNOWN_MUNICIPALITY',
    );
    expect(await code(importContacts(app, admin, { counties: { '02': { mailbox: 'x@example.se' } } }))).toBe('UNKNOWN_COUNTY');
    expect((await app.contacts.load()).administrators).toEqual({ mailbox: 'admin@omfordelning.example.se' });
  });

  it('seeds the defaults where absent and keeps what was imported', async () => {
    await importContacts(app, admin, { migrationsverket: { mailbox: 'mottagning@migrationsverket.example.se' } });
    expect(await app.contacts.seedDefaults()).toBeGreaterThan(300);
    expect(await app.contacts.seedDefaults()).toBe(0);
    const contacts = await app.contacts.load();
    expect(contacts.migrationsverket).toEqual({ mailbox: 'mottagning@migrationsverket.example.se' });
    expect(Object.keys(contacts.municipalities)).toHaveLength(290);
    expect(Object.keys(contacts.counties)).toHaveLength(21);
  });

  it('reads items stored in the first contract’s shape as lists of one; an import of the list replaces the old attribute', async () => {
    const put = (sk: string, fields: Record<string, string>) =>
      dynamo.raw.send(new PutItemCommand({ TableName: dynamo.tableName, Item: { pk: { S: 'CONTACTS' }, sk: { S: sk }, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { S: v }])) } }));
    await put('M#0382', { email: 'gammal@osthammar.example.se' });
    await put('C#04', { officer: 'gammal.handlaggare@lst.example.se' });
    const before = await app.contacts.load(0);
    expect(before.municipalities['0382']).toEqual({ emails: ['gammal@osthammar.example.se'] });
    expect(before.counties['04']).toEqual({ mailbox: 'lansstyrelsen-04@lst.example.se', officers: ['gammal.handlaggare@lst.example.se'] });

    await importContacts(app, admin, { municipalities: { '0382': { emails: ['ny@osthammar.example.se', 'andra@osthammar.example.se'] } }, counties: { '04': { officers: [] } } });
    const after = await app.contacts.load(0);
    expect(after.municipalities['0382']).toEqual({ emails: ['ny@osthammar.example.se', 'andra@osthammar.example.se'] });
    expect(after.counties['04']).toEqual({ mailbox: 'lansstyrelsen-04@lst.example.se', officers: [] });
    const { Item } = await dynamo.raw.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: 'CONTACTS' }, sk: { S: 'M#0382' } } }));
    expect(Item && 'email' in Item).toBe(false);
    await importContacts(app, admin, { municipalities: { '0382': { emails: ['kommun-0382@kommun.example.se'] } }, counties: { '04': { officers: ['handlaggare-04@lst.example.se'] } } });
  });

  it('answers PUT /v1/contacts with the whole contacts, and 400/404 on a bad body', async () => {
    const { handler } = await import('../../functions/import-contacts/index');
    const put = async (body: unknown, role = 'admin') => {
      const result = await handler(apiEvent(body, role));
      return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
    };
    const ok = await put({ administrators: { mailbox: 'drift@omfordelning.example.se' } });
    expect(ok.status).toBe(200);
    expect(ok.body.administrators).toEqual({ mailbox: 'drift@omfordelning.example.se' });
    expect(Object.keys(ok.body.municipalities)).toHaveLength(290);

    expect((await put({ municipalities: { '0180': { email: 'inte-en-adress' } } })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await put({ municipalities: { '0180': { email: 'a@b.se', phone: '1' } } })).status).toBe(400);
    expect((await put({ municipalities: { '0180': { emails: [] } } })).status).toBe(400);
    expect((await put({ municipalities: { '0180': { emails: ['a@b.se', 'inte-en-adress'] } } })).status).toBe(400);
    expect((await put({ municipalities: { '0180': { emails: ['a@b.se'], email: 'a@b.se' } } })).status).toBe(400);
    expect((await put({ counties: { '01': { officers: ['a@b.se'], officer: 'c@b.se' } } })).status).toBe(400);
    expect((await put({ counties: { '01': { officers: 'a@b.se' } } })).status).toBe(400);
    const several = await put({ municipalities: { '0180': { emails: ['registrator@stockholm.example.se', 'omfordelning@stockholm.example.se'] } } });
    expect(several.body.municipalities['0180']).toEqual({ emails: ['registrator@stockholm.example.se', 'omfordelning@stockholm.example.se'] });
    await put({ municipalities: { '0180': { emails: ['kommun-0180@kommun.example.se'] } } });
    expect((await put({})).status).toBe(400);
    expect(await put({ municipalities: { '0999': { email: 'a@b.se' } } })).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_MUNICIPALITY' } } });
    expect((await put({ administrators: { mailbox: 'a@b.se' } }, 'county')).status).toBe(403);
  });
});

function apiEvent(body: unknown, role: string): ApiEvent {
  const claims = role === 'county' ? { 'cognito:groups': '[county]', 'custom:county': COUNTY } : { 'cognito:groups': `[${role}]` };
  return {
    version: '2.0',
    routeKey: 'PUT /v1/contacts',
    rawPath: '/v1/contacts',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method: 'PUT', path: '/v1/contacts' }, timeEpoch: Date.now(), authorizer: { jwt: { claims, scopes: [] } } },
  } as unknown as ApiEvent;
}
