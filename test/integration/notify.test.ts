import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { importContacts } from '../../shared/app/contacts';
import { buildContext, type AppContext } from '../../shared/app/context';
import { followLedgers, type FollowedEvent } from '../../shared/app/follow-ledger';
import { sendOnce } from '../../shared/app/notify';
import { defaultCalendar } from '../../shared/domain/calendar';
import { RuleError } from '../../shared/domain/errors';
import type { Command, CommandContext } from '../../shared/domain/ledger';
import { HttpError } from '../../shared/http/errors';
import { execute, type Outcome } from '../../shared/ledger/execute';
import { municipalitiesOf } from '../../shared/reference';
import { startDynalite, type LocalDynamo } from '../../local/dynalite';
import { clearEmails, sentEmails, startSes, type LocalSes, type StoredEmail } from '../../local/ses';
import { stubHandlerEnv } from '../support/handler-env';
import { MailDeliveryError, type Mail } from '../../shared/notifications/mailer';

// Uppsala län (03): Uppsala (0380) gives to Enköping (0381); Tierp (0360) gives to Heby (0331).
const COUNTY = '03';
const FROM = 'omfordelning@example.se';
const RECEIVER_MAIL = 'kommun-0381@kommun.example.se';
const COUNTY_MAILBOX = 'lansstyrelsen-03@lst.example.se';
const COUNTY_OFFICER = 'handlaggare-03@lst.example.se';
const admin = { role: 'admin' } as const;

let dynamo: LocalDynamo;
let ses: LocalSes;
let app: AppContext;
let year = 3100;

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startDynalite(), startSes()]);
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
      { to: [COUNTY_MAILBOX], cc: [COUNTY_OFFICER], subject: `Omfördelning ${outcome.state.year}: nytt förslag från Uppsala (0380) till Enköping (0381)` },
    ]);
    expect(emails.every((e) => e.from === FROM)).toBe(true);
    expect(emails[0]!.body.text).toContain('1,25 promille');
    expect(await app.ledgers.storedView(outcome.state)).toEqual(outcome.state);

    // Delivered again (the stream is at-least-once): nothing more is sent.
    expect(await followLedgers(app, delivered(outcome))).toEqual([]);
    expect(await sentEmails(ses.endpoint)).toHaveLength(2);
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
    expect(subjects.filter((s) => s.includes(String(second.state.year)))).toHaveLength(2);
    expect(subjects.filter((s) => s.includes(String(elsewhere.state.year)))).toHaveLength(2);
  });

  it('asks for the failed event and the ones after it again while SES is down, and sends what is missing once it is back', async () => {
    const run = await newYear();
    const first = await run(submit, '0380');
    await followLedgers(app, delivered(first));
    const second = await run({ type: 'SubmitProposal', giver: '0360', receiver: '0331', perMille: 500 }, '0360');
    const third = await run({ type: 'WithdrawProposal', giver: '0360' }, '0360');

    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    await ses.stop();
    try {
      expect(await followLedgers(app, delivered(second, third))).toEqual(delivered(second, third).map((d) => d.id));
      expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)).message)).toEqual(['ledger event not followed']);
    } finally {
      errors.mockRestore();
      ses = await startSes({ port: ses.port });
    }
    expect(await app.ledgers.storedView(third.state)).toEqual(third.state); // the view does not wait for the mail

    expect(await followLedgers(app, delivered(second, third))).toEqual([]);
    expect(await followLedgers(app, delivered(first))).toEqual([]);
    const subjects = (await sentEmails(ses.endpoint)).map((e) => e.subject);
    expect(subjects).toHaveLength(6);
    expect(subjects.filter((s) => s.includes('Tierp (0360)'))).toHaveLength(4);
  });

  it('keeps what was sent before a mail fails in the middle of a batch, and asks again from that mail\'s event on', async () => {
    const run = await newYear();
    const first = await run(submit, '0380');
    const second = await run({ type: 'SubmitProposal', giver: '0360', receiver: '0331', perMille: 500 }, '0360');
    const third = await run({ type: 'WithdrawProposal', giver: '0360' }, '0360');
    let calls = 0;
    const failingThird = { ...app, mailer: { send: (mail: Mail) => (++calls === 3 ? Promise.reject(new MailDeliveryError('refused', false)) : app.mailer.send(mail)) } };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // Mails 1–2 belong to the first event, mail 3 (which fails) to the second.
      expect(await followLedgers(failingThird, delivered(first, second, third))).toEqual(delivered(second, third).map((d) => d.id));
    } finally {
      errors.mockRestore();
    }
    expect(await sentEmails(ses.endpoint)).toHaveLength(2);
    expect(await followLedgers(app, delivered(first, second, third))).toEqual([]);
    const mails = addressed(await sentEmails(ses.endpoint)).map((m) => `${m.to.join()} ${m.subject}`);
    expect(mails).toHaveLength(6); // the first event's two mails were marked: not sent again
    expect(new Set(mails).size).toBe(6);
  });

  it('sends to the imported contacts, and only to the new addresses for an event delivered again', async () => {
    const run = await newYear();
    const outcome = await run(submit, '0380');
    await followLedgers(app, delivered(outcome));

    const contacts = await importContacts(app, admin, {
      municipalities: { '0381': { email: 'registrator@enkoping.example.se' } },
      counties: { '03': { officer: 'ny.handlaggare@lst.example.se' } },
    });
    expect(contacts.municipalities['0381']).toEqual({ email: 'registrator@enkoping.example.se' });
    expect(contacts.counties['03']).toEqual({ mailbox: COUNTY_MAILBOX, officer: 'ny.handlaggare@lst.example.se' });
    expect(contacts.municipalities['0380']).toEqual({ email: 'kommun-0380@kommun.example.se' });

    await followLedgers(app, delivered(outcome));
    const withdrawn = await run({ type: 'WithdrawProposal', giver: '0380' }, '0380');
    await followLedgers(app, delivered(withdrawn));
    expect(addressed(await sentEmails(ses.endpoint)).map(({ to, cc }) => ({ to, cc }))).toEqual([
      { to: [RECEIVER_MAIL], cc: [] },
      { to: [COUNTY_MAILBOX], cc: [COUNTY_OFFICER] },
      // The same event again: only the addresses that have not had it.
      { to: ['registrator@enkoping.example.se'], cc: [] },
      { to: ['ny.handlaggare@lst.example.se'], cc: [] },
      // A new event: the new contacts.
      { to: ['registrator@enkoping.example.se'], cc: [] },
      { to: [COUNTY_MAILBOX], cc: ['ny.handlaggare@lst.example.se'] },
    ]);

    // Restore the defaults for the other tests.
    await importContacts(app, admin, { municipalities: { '0381': { email: RECEIVER_MAIL } }, counties: { '03': { officer: COUNTY_OFFICER } } });
  });

  it('follow-ledger answers a stream batch: stored items in, failures by sequence number out', async () => {
    const { handler } = await import('../../functions/follow-ledger/index');
    const run = await newYear();
    const outcome = await run(submit, '0380');
    const { Item } = await dynamo.raw.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: `Y#${outcome.state.year}#C#${COUNTY}` }, sk: { S: 'E#000000002' } } }));
    const record = (eventName: 'INSERT' | 'MODIFY', SequenceNumber: string) => ({ eventName, dynamodb: { Keys: { pk: Item!.pk!, sk: Item!.sk! }, NewImage: Item, SequenceNumber } });
    const event = { Records: [record('INSERT', '100'), record('MODIFY', '101')] } as unknown as DynamoDBStreamEvent;
    const warnings = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
    } finally {
      warnings.mockRestore();
    }
    expect(addressed(await sentEmails(ses.endpoint)).map((m) => m.to)).toEqual([[RECEIVER_MAIL], [COUNTY_MAILBOX]]);
    await ses.stop();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
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
    const mail = { to: ['a@kommun.example.se'], cc: ['b@kommun.example.se'], subject: 'Påminnelse', text: 'Hej!', dedupeKey: `test#${year++}` };
    expect(await sendOnce(app, mail)).toEqual(['a@kommun.example.se', 'b@kommun.example.se']);
    expect(await sendOnce(app, { ...mail, cc: ['B@kommun.example.se', 'c@kommun.example.se'] })).toEqual(['c@kommun.example.se']);
    expect(await sendOnce(app, mail)).toEqual([]);
    expect(addressed(await sentEmails(ses.endpoint))).toEqual([
      { to: ['a@kommun.example.se'], cc: ['b@kommun.example.se'], subject: 'Påminnelse' },
      { to: ['c@kommun.example.se'], cc: [], subject: 'Påminnelse' },
    ]);
  });
});

describe('contacts', () => {
  it('refuses non-administrators and unknown codes, writing nothing', async () => {
    const code = async (promise: Promise<unknown>) => promise.then(() => 'accepted', (e: RuleError | HttpError) => e.code);
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
    expect((await put({})).status).toBe(400);
    expect(await put({ municipalities: { '0999': { email: 'a@b.se' } } })).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_MUNICIPALITY' } } });
    expect((await put({ administrators: { mailbox: 'a@b.se' } }, 'county')).status).toBe(403);
  });
});

function apiEvent(body: unknown, role: string): ApiEvent {
  const claims = role === 'county' ? { 'custom:role': 'county', 'custom:county': COUNTY } : { 'custom:role': role };
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
