/**
 * Each notice links the web app's page where its reader's next step is done (issue 9): with
 * the web app's address, one line "<what> här: <address>" in place of "Logga in i tjänsten",
 * nothing after the address on its line; without the address, the words as before and no
 * link at all; and no link in a mail that leaves nothing to do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildContext } from '../../shared/composition/context';
import { defaultCalendar } from '../../shared/domain/calendar';
import { fold, type Proposal } from '../../shared/domain/ledger';
import { countyReport, countyReportCsv } from '../../shared/domain/report';
import { countyDeadlineMovedNotice, countyWarningNotice, deadlineMovedNotice, leftOutNotices } from '../../shared/notifications/calendar-notices';
import {
  autoSubmitNotice,
  countyDeadlineNotice,
  countyReminderNotice,
  deadlineNotice,
  failureNotice,
  finalNotice,
  publishNotice,
  reminderNotice,
  reportMails,
} from '../../shared/notifications/cycle-messages';
import { defaultContacts } from '../../shared/notifications/default-contacts';
import type { Mail } from '../../shared/notifications/mailer';
import { mailsForLedgerEvent } from '../../shared/notifications/messages';
import type { EventBody, LedgerEvent } from '../../shared/schemas/ledger';
import { expectNextStep, expectPlainSwedish } from '../support/notices';

const APP = 'https://omfordelning.example.se';
const YEAR = 2028;
const KEY = { year: YEAR, county: '03' };
const calendar = defaultCalendar(YEAR);
const contacts = defaultContacts();
// Uppsala län (03): Uppsala (0380) proposes to Östhammar (0382), then amends it to Enköping (0381).
const GIVER = '0380';
const RECEIVER = '0381';
const FIRST_RECEIVER = '0382';
const COUNTY = '03';
const inbox = (code: string) => (code === COUNTY ? 'lansstyrelsen-03@lst.example.se' : `kommun-${code}@kommun.example.se`);

const imported: EventBody = { type: 'SharesImported', shares: { [GIVER]: 10_000, [RECEIVER]: 2_000, '0382': 3_000 } };
const submitted: EventBody = { type: 'ProposalSubmitted', giver: GIVER, receiver: FIRST_RECEIVER, perMille: 1_250 };
const amended: EventBody = { type: 'ProposalAmended', giver: GIVER, receiver: RECEIVER, perMille: 1_250 };
const consented: EventBody = { type: 'ReceiverConsented', giver: GIVER };
const declined: EventBody = { type: 'ReceiverDeclined', giver: GIVER };
const approved: EventBody = { type: 'ProposalDecided', giver: GIVER, outcome: 'APPROVED' };
const withdrawn: EventBody = { type: 'ProposalWithdrawn', giver: GIVER };
const closed: EventBody = { type: 'WindowClosed', expired: [] };

/** The mail to `reader` (a municipality or the county) after the last of `bodies` (the window open before them), as follow-ledger composes it. */
function ledgerMail(bodies: EventBody[], reader: string) {
  return (appUrl?: string): Mail | undefined => {
    const events = [imported, { type: 'WindowOpened' } as EventBody, ...bodies].map(
      (body, i) => ({ seq: i + 1, at: `2027-09-${String(i + 1).padStart(2, '0')}T10:00:00Z`, actor: { role: 'system' }, ...body }) as LedgerEvent,
    );
    const mails = mailsForLedgerEvent(KEY, events.at(-1)!, fold(KEY, events), contacts, fold(KEY, events.slice(0, -1)), calendar, appUrl);
    return mails.find((m) => m.to[0] === inbox(reader));
  };
}

const proposal = (giver: string, receiver: string, perMille: number, status: Proposal['status']): Proposal => ({
  giver,
  receiver,
  perMille,
  status,
  version: 1,
  createdAt: '2027-09-01T10:00:00Z',
  updatedAt: '2027-09-01T10:00:00Z',
});
const awaiting = proposal(GIVER, RECEIVER, 1_250, 'AWAITING_RECEIVER');
const agreed = proposal(GIVER, RECEIVER, 1_250, 'AGREED');
const alsoAgreed = proposal('0360', '0331', 500, 'AGREED');

// A county report submitted automatically: Uppsala's proposal approved, Tierp's left undecided.
const reportEvents: EventBody[] = [
  { type: 'SharesImported', shares: { '0380': 10_000, '0381': 2_000, '0360': 3_000, '0331': 1_000 } },
  { type: 'ProposalSubmitted', giver: '0380', receiver: '0381', perMille: 1_250 },
  { type: 'ReceiverConsented', giver: '0380' },
  { type: 'ProposalSubmitted', giver: '0360', receiver: '0331', perMille: 500 },
  { type: 'ReceiverConsented', giver: '0360' },
  closed,
  approved,
  { type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' },
];
const reported = fold(KEY, reportEvents.map((b, i) => ({ seq: i + 1, at: '2027-11-15T08:00:00Z', actor: { role: 'system' }, ...b }) as LedgerEvent));
const report = countyReport({ ...reported, report: reported.report! });
const move = { move: 1, from: calendar.deadline, to: '2027-11-09T22:59:59Z' };
const failure = { at: '2027-08-15T07:00:05Z', error: 'CycleError', cause: 'Inga preliminära andelar är inlästa', state: 'Utför publicering.', id: 'abc' };

interface Linked {
  mail: string;
  build: (appUrl?: string) => Mail | undefined;
  /** The line the mail carries with the web app's address. */
  link: string;
  /** What the mail says in its place without the address (none: the link only adds to the same words). */
  words?: string;
}

const LINKED: Linked[] = [
  {
    mail: 'consent asked (new proposal) → the receiver answers it',
    build: ledgerMail([submitted], FIRST_RECEIVER),
    link: `Svara på förslaget här: ${APP}/forslag/0380/svara`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning, öppna förslaget från Uppsala (0380) och samtyck eller avböj',
  },
  {
    mail: 'consent asked again (amended to another receiver) → the new receiver answers it',
    build: ledgerMail([submitted, amended], RECEIVER),
    link: `Svara på förslaget här: ${APP}/forslag/0380/svara`,
    words: 'Logga in i tjänsten Omfördelning, öppna förslaget',
  },
  {
    mail: 'the giver’s receipt → its proposal, to change or withdraw',
    build: ledgerMail([submitted], GIVER),
    link: `Ert förslag finns här: ${APP}/forslag/0380`,
    words: 'Fram till dess kan ni ändra eller återkalla förslaget: logga in i tjänsten Omfördelning.',
  },
  {
    mail: 'consented, to the giver → its proposal',
    build: ledgerMail([submitted, amended, consented], GIVER),
    link: `Ert förslag finns här: ${APP}/forslag/0380`,
    words: '(logga in i tjänsten Omfördelning)',
  },
  {
    mail: 'consented, to the county → the decision on it',
    build: ledgerMail([submitted, amended, consented], COUNTY),
    link: `Besluta om förslaget här: ${APP}/beslut/0380`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning och godkänn eller avslå förslaget',
  },
  {
    mail: 'declined, to the giver → a new proposal',
    build: ledgerMail([submitted, amended, declined], GIVER),
    link: `Lämna ett nytt förslag här: ${APP}/forslag/nytt`,
    words: 'till samma eller en annan kommun i länet, senast tisdag 2 november 2027 kl. 23:59: logga in i tjänsten Omfördelning.',
  },
  {
    mail: 'decided while proposals may change, to the giver → its proposal',
    build: ledgerMail([submitted, amended, consented, approved], GIVER),
    link: `Ert förslag finns här: ${APP}/forslag/0380`,
    words: '(logga in i tjänsten Omfördelning); ett ändrat förslag behöver ett nytt samtycke och ett nytt beslut.',
  },
  {
    mail: 'decided, to the county → the report',
    build: ledgerMail([submitted, amended, consented, closed, approved], COUNTY),
    link: `Förhandsgranska och lämna länsrapporten här: ${APP}/rapport`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning och lämna länsrapporten',
  },
  {
    mail: 'the giver’s withdrawal receipt → a new proposal',
    build: ledgerMail([submitted, amended, withdrawn], GIVER),
    link: `Lämna ett nytt förslag här: ${APP}/forslag/nytt`,
    words: 'kan ni lämna ett nytt förslag senast tisdag 2 november 2027 kl. 23:59: logga in i tjänsten Omfördelning.',
  },
  {
    mail: 'publication → the service',
    build: (appUrl) => publishNotice(YEAR, GIVER, 10_000, calendar, contacts, appUrl),
    link: `Till tjänsten Omfördelning: ${APP}/`,
    words: 'Vill ni omfördela, logga in i tjänsten Omfördelning och lämna ett förslag senast',
  },
  {
    mail: 'reminder, one proposal awaiting consent → answering it',
    build: (appUrl) => reminderNotice(YEAR, 'reminder-0', RECEIVER, 2_000, [awaiting], calendar, contacts, appUrl),
    link: `Svara på förslaget här: ${APP}/forslag/0380/svara`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning, öppna förslaget och samtyck eller avböj',
  },
  {
    mail: 'reminder, several proposals awaiting consent → the start page that lists them',
    build: (appUrl) => reminderNotice(YEAR, 'reminder-0', RECEIVER, 2_000, [awaiting, proposal('0382', RECEIVER, 500, 'AWAITING_RECEIVER')], calendar, contacts, appUrl),
    link: `Förslagen finns här: ${APP}/`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning, öppna förslaget och samtyck eller avböj',
  },
  {
    mail: 'reminder to a giver → its proposal',
    build: (appUrl) => reminderNotice(YEAR, 'reminder-0', GIVER, 10_000, [agreed], calendar, contacts, appUrl),
    link: `Ert förslag finns här: ${APP}/forslag/0380`,
  },
  {
    mail: 'reminder without a proposal → a new proposal',
    build: (appUrl) => reminderNotice(YEAR, 'reminder-0', '0382', 3_000, [], calendar, contacts, appUrl),
    link: `Lämna ett förslag här: ${APP}/forslag/nytt`,
    words: 'till en annan kommun i länet, logga in i tjänsten Omfördelning och lämna ett förslag senast',
  },
  {
    mail: 'deadline, to a county with one proposal to decide → the decision on it',
    build: (appUrl) => countyDeadlineNotice(YEAR, '03', [agreed], calendar, contacts, appUrl),
    link: `Besluta om förslaget här: ${APP}/beslut/0380`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning, godkänn eller avslå varje förslag som inte är beslutat och lämna länsrapporten',
  },
  {
    mail: 'deadline, to a county with several to decide → its board',
    build: (appUrl) => countyDeadlineNotice(YEAR, '03', [agreed, alsoAgreed], calendar, contacts, appUrl),
    link: `Länets förslag finns här: ${APP}/`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning, godkänn eller avslå',
  },
  {
    mail: 'deadline, to a county with everything decided → the report',
    build: (appUrl) => countyDeadlineNotice(YEAR, '03', [proposal(GIVER, RECEIVER, 1_250, 'APPROVED')], calendar, contacts, appUrl),
    link: `Förhandsgranska och lämna länsrapporten här: ${APP}/rapport`,
    words: 'Vad ni behöver göra: Logga in i tjänsten Omfördelning, lämna länsrapporten',
  },
  {
    mail: 'county warning, one proposal undecided → the decision on it',
    build: (appUrl) => countyWarningNotice(YEAR, '03', [agreed], calendar.countyReportAt, contacts, appUrl),
    link: `Besluta om förslaget här: ${APP}/beslut/0380`,
    words: 'och lämna länsrapporten i tjänsten Omfördelning senast',
  },
  {
    mail: 'county warning, several undecided → the board',
    build: (appUrl) => countyWarningNotice(YEAR, '03', [agreed, alsoAgreed], calendar.countyReportAt, contacts, appUrl),
    link: `Länets förslag finns här: ${APP}/`,
    words: 'och lämna länsrapporten i tjänsten Omfördelning senast',
  },
  {
    mail: 'a report submitted automatically → the report',
    build: (appUrl) => autoSubmitNotice(report, calendar.countyReportAt, contacts, appUrl),
    link: `Länsrapporten finns också här: ${APP}/rapport`,
    words: 'Den finns också i tjänsten Omfördelning.',
  },
  {
    mail: 'a moved deadline, to a municipality → the service',
    build: (appUrl) => deadlineMovedNotice(YEAR, GIVER, '03', move, contacts, appUrl),
    link: `Till tjänsten Omfördelning: ${APP}/`,
  },
  {
    mail: 'a moved deadline, to a county → the service',
    build: (appUrl) => countyDeadlineMovedNotice(YEAR, '03', move, calendar, contacts, appUrl),
    link: `Till tjänsten Omfördelning: ${APP}/`,
  },
  {
    mail: 'a failed year, to the administrators → the service',
    build: (appUrl) => failureNotice(YEAR, failure, contacts, appUrl),
    link: `Till tjänsten Omfördelning: ${APP}/`,
  },
];

/** Mails that leave the reader nothing to do in the service: no link, address or not. */
const UNLINKED: { mail: string; build: (appUrl?: string) => Mail | undefined }[] = [
  { mail: 'a new proposal, to the county', build: ledgerMail([submitted], COUNTY) },
  { mail: 'an amendment, to the receiver no longer concerned', build: ledgerMail([submitted, amended], FIRST_RECEIVER) },
  { mail: 'the receiver’s receipt for its consent', build: ledgerMail([submitted, amended, consented], RECEIVER) },
  { mail: 'a decision, to the receiver', build: ledgerMail([submitted, amended, consented, approved], RECEIVER) },
  { mail: 'a decision after the deadline, to the giver', build: ledgerMail([submitted, amended, consented, closed, approved], GIVER) },
  { mail: 'a withdrawal, to the receiver', build: ledgerMail([submitted, amended, withdrawn], RECEIVER) },
  { mail: 'a reminder to a receiver whose answer is given', build: (appUrl) => reminderNotice(YEAR, 'reminder-0', RECEIVER, 2_000, [agreed], calendar, contacts, appUrl) },
  { mail: 'a reminder to the county', build: () => countyReminderNotice(YEAR, 'reminder-0', '03', [awaiting], calendar, contacts) },
  { mail: 'the deadline, to a municipality', build: () => deadlineNotice(YEAR, GIVER, 10_000, [agreed], calendar, contacts) },
  { mail: 'the deadline, to a county with nothing to decide', build: (appUrl) => countyDeadlineNotice(YEAR, '03', [], calendar, contacts, appUrl) },
  { mail: 'a proposal left out of an automatic report', build: () => leftOutNotices(YEAR, '03', alsoAgreed, { submittedAt: calendar.countyReportAt, finalizeAt: calendar.finalizeAt }, {}, contacts)[0] },
  { mail: 'the final share', build: () => finalNotice(YEAR, { municipality: GIVER, preliminary: 10_000, given: 1_250, received: 0, final: 8_750 }, contacts) },
  { mail: 'the county’s copy of its report', build: () => reportMails(report, countyReportCsv(report), contacts, calendar)[1] },
];

const URL_PATTERN = /https?:\/\/\S+/g;

describe('the link to the page of the next step', () => {
  it.each(LINKED.map((c) => [c.mail, c] as const))('%s', (_, { build, link, words }) => {
    const mail = build(APP)!;
    expect(mail.text).toContain(`\n${link}\n`);
    expect(mail.text.match(URL_PATTERN)).toEqual([link.slice(link.indexOf(APP))]);
    expect(mail.text).not.toMatch(/logga in/i);
    expectPlainSwedish(mail);

    const without = build()!;
    expect(without.text).not.toMatch(URL_PATTERN);
    if (words) {
      expect(without.text).toContain(words);
      expect(mail.text).not.toContain(words);
    } else {
      expect(without.text).toBe(mail.text.replace(`\n${link}`, ''));
    }
    expect(without.subject).toBe(mail.subject);
  });

  it.each(UNLINKED.map((c) => [c.mail, c] as const))('none in %s', (_, { build }) => {
    const mail = build(APP)!;
    expect(mail.text).not.toMatch(URL_PATTERN);
    expect(mail.text).toMatch(/behöver (ni )?inte göra något/);
  });

  it('none in the report to Migrationsverket, which does not use the service', () => {
    expect(reportMails(report, countyReportCsv(report), contacts, calendar)[0]!.text).not.toMatch(URL_PATTERN);
  });

  it('reads as one instruction, then its link', () => {
    const giver = ledgerMail([submitted, amended, consented, approved], GIVER)(APP)!.text;
    expect(giver).toContain(
      'Ni kan ändra eller återkalla förslaget senast tisdag 2 november 2027 kl. 23:59; ett ändrat förslag behöver ett nytt samtycke och ett nytt beslut. Annars behöver ni inte göra något.\n' +
        `Ert förslag finns här: ${APP}/forslag/0380\n`,
    );
    const receiver = ledgerMail([submitted], FIRST_RECEIVER)(APP)!.text;
    expect(receiver).toContain(
      'Vad ni behöver göra: Samtyck till eller avböj förslaget från Uppsala (0380) senast tisdag 2 november 2027 kl. 23:59. ' +
        'Ange gärna kommunens beslut (diarienummer eller paragraf), en kontaktperson och en kommentar.\n' +
        `Svara på förslaget här: ${APP}/forslag/0380/svara\n`,
    );
    expectNextStep({ text: receiver });
  });

  it('takes the web app’s address with or without a trailing slash', () => {
    expect(ledgerMail([submitted], FIRST_RECEIVER)(`${APP}/`)!.text).toContain(`Svara på förslaget här: ${APP}/forslag/0380/svara\n`);
    expect(publishNotice(YEAR, GIVER, 10_000, calendar, contacts, `${APP}/`).text).toContain(`Till tjänsten Omfördelning: ${APP}/\n`);
  });

  it('links only pages the web app has (web/src/app.tsx)', () => {
    const app = readFileSync(new URL('../../web/src/app.tsx', import.meta.url), 'utf8');
    const routes = [...app.matchAll(/<Route path="([^"]+)"/g)].map(([, path]) => new RegExp(`^${path!.replace(/:[a-z]+/g, '[^/]+')}$`));
    const paths = new Set(LINKED.map(({ link }) => link.slice(link.indexOf(APP) + APP.length)));
    expect(paths.size).toBe(6);
    for (const path of paths) expect(routes.some((route) => route.test(path)), path).toBe(true);
  });
});

describe('the web app’s address where mails are composed (APP_BASE_URL)', () => {
  const env = { TABLE_NAME: 'table', MAIL_FROM: 'omfordelning@example.se' };

  it('is an origin without a trailing slash, or absent', () => {
    expect(buildContext({ ...env, APP_BASE_URL: 'https://omfordelning.example.se/' }).appUrl).toBe(APP);
    expect(buildContext({ ...env, APP_BASE_URL: 'http://127.0.0.1:3000' }).appUrl).toBe('http://127.0.0.1:3000');
    expect(buildContext(env).appUrl).toBeUndefined();
    expect(buildContext({ ...env, APP_BASE_URL: '' }).appUrl).toBeUndefined();
  });

  it.each([['omfordelning.example.se'], ['https://omfordelning.example.se/app'], ['ftp://omfordelning.example.se'], ['https://omfordelning.example.se/?a=1']])(
    'refuses %s at start rather than send broken links',
    (value) => {
      expect(() => buildContext({ ...env, APP_BASE_URL: value })).toThrow(/APP_BASE_URL/);
    },
  );
});
