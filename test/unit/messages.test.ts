import { describe, expect, it, vi } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar';
import { fold, type LedgerState } from '../../shared/domain/ledger';
import { defaultContacts } from '../../shared/notifications/default-contacts';
import { formatPerMille, mailsForLedgerEvent } from '../../shared/notifications/messages';
import { sendOnce, unsentPart, type MailRetry } from '../../shared/app/notify';
import { isTransient } from '../../shared/adapters/ses/ses-mailer';
import type { SentMailStore } from '../../shared/app/ports';
import { MailDeliveryError, type Mail } from '../../shared/notifications/mailer';
import type { Contacts } from '../../shared/schemas/contacts';
import type { EventBody, LedgerEvent, Resolution } from '../../shared/schemas/ledger';
import { expectNextStep, expectSignedBy } from '../support/notices';

// Uppsala län (03), share year 2028: Uppsala (0380) gives to Enköping (0381).
const KEY = { year: 2028, county: '03' };
const GIVER = '0380';
const RECEIVER = '0381';
const contacts: Contacts = defaultContacts();
const giverMail = 'kommun-0380@kommun.example.se';
const receiverMail = 'kommun-0381@kommun.example.se';
const MAILBOX = 'lansstyrelsen-03@lst.example.se';
const county = { to: [MAILBOX], cc: ['handlaggare-03@lst.example.se'] };
const calendar = defaultCalendar(2028);
const DEADLINE = 'senast tisdag 2 november 2027 kl. 23:59';
const REPORT_DUE = 'senast 15 november 2027 kl. 09:00';

/** The stream so far, each body stamped with its sequence number. */
function ledger(...bodies: EventBody[]): { events: LedgerEvent[]; state: LedgerState } {
  const events = bodies.map((body, i) => ({ seq: i + 1, at: `2027-09-${String(i + 1).padStart(2, '0')}T10:00:00Z`, actor: { role: 'system' as const }, ...body }) as LedgerEvent);
  return { events, state: fold(KEY, events) };
}

const imported: EventBody = { type: 'SharesImported', shares: { [GIVER]: 10_000, [RECEIVER]: 2_000 } };
const submitted: EventBody = { type: 'ProposalSubmitted', giver: GIVER, receiver: RECEIVER, perMille: 1_250 };

/** The mails of the last event, with the ledger before it and the year's calendar, as follow-ledger passes them. */
function mailsAfter(...bodies: EventBody[]) {
  const { events, state } = ledger(imported, { type: 'WindowOpened' }, ...bodies);
  return mailsForLedgerEvent(KEY, events.at(-1)!, state, contacts, fold(KEY, events.slice(0, -1)), calendar);
}

/** The same, the proposal carrying both leaderships' resolutions and the decision its officer (as the ledger records them). */
const GIVER_RESOLUTION: Resolution = { decisionReference: 'KS 2027/118 § 12', contact: { name: 'Anna Ek', email: 'anna.ek@uppsala.example.se', phone: '018-727 00 00' }, comment: 'Enligt överenskommelse.' };
const RECEIVER_RESOLUTION: Resolution = { decisionReference: 'KF 2027/7 § 3', comment: 'Vi har boenden.' };
function mailsWithResolutions(...bodies: EventBody[]) {
  const { events, state } = ledger(imported, { type: 'WindowOpened' }, ...bodies);
  const last = { ...events.at(-1)!, actor: { role: 'county', id: '03', person: { sub: 'u-1', name: 'Eva Lind' } } } as LedgerEvent;
  const p = state.proposals[GIVER]!;
  const decided = p.decision ? { decision: { ...p.decision, by: 'Eva Lind', person: { sub: 'u-1', name: 'Eva Lind' } } } : {};
  const after = { ...state, proposals: { [GIVER]: { ...p, giverResolution: GIVER_RESOLUTION, receiverResolution: RECEIVER_RESOLUTION, ...decided } } };
  return mailsForLedgerEvent(KEY, last, after, contacts, fold(KEY, events.slice(0, -1)), calendar);
}

const consented: EventBody = { type: 'ReceiverConsented', giver: GIVER };
const approve: EventBody = { type: 'ProposalDecided', giver: GIVER, outcome: 'APPROVED' };
const reject: EventBody = { type: 'ProposalDecided', giver: GIVER, outcome: 'REJECTED', reason: 'Mottagaren saknar boenden.' };
const closed: EventBody = { type: 'WindowClosed', expired: [] };
const amend = (receiver = RECEIVER, perMille = 2_000): EventBody => ({ type: 'ProposalAmended', giver: GIVER, receiver, perMille });
const withdraw: EventBody = { type: 'ProposalWithdrawn', giver: GIVER };


describe('mailsForLedgerEvent', () => {
  it('new proposal: the receiver is asked to consent by the deadline, the giver gets a receipt, the county is told (officer in copy)', () => {
    const mails = mailsAfter(submitted);
    expect(mails.map(({ to, cc }) => ({ to, cc }))).toEqual([{ to: [receiverMail], cc: [] }, { to: [giverMail], cc: [] }, county]);
    const [toReceiver, toGiver, toCounty] = mails as [Mail, Mail, Mail];
    expect(toReceiver.subject).toBe('Omfördelning 2028: nytt förslag från Uppsala (0380) väntar på ert samtycke');
    expect(toReceiver.text).toContain('Uppsala (0380) föreslår att överlåta 1,25 promille av sin anvisningsandel för 2028 till er kommun.');
    expect(toReceiver.text).toContain(`Vad ni behöver göra: Logga in i tjänsten Omfördelning, öppna förslaget från Uppsala (0380) och samtyck eller avböj ${DEADLINE}.`);
    expect(toReceiver.text).toContain('Status: väntar på mottagande kommuns samtycke');
    expect(toReceiver.text).toContain('Registrerat: 3 september 2027 kl. 12:00');

    expect(toGiver.subject).toBe('Omfördelning 2028: ert förslag till Enköping (0381) är registrerat');
    expect(toGiver.text).toContain('Ert förslag om att överlåta 1,25 promille av er anvisningsandel för 2028 till Enköping (0381) är registrerat 3 september 2027 kl. 12:00.');
    expect(toGiver.text).toContain(`Enköping (0381) har ombetts att samtycka till förslaget och behöver svara ${DEADLINE}.`);
    expect(toGiver.text).toContain('ni behöver inte göra något nu');

    expect(toCounty.subject).toBe('Omfördelning 2028: nytt förslag från Uppsala (0380) till Enköping (0381)');
    expect(toCounty.text).toContain('Län: Uppsala län');
    expect(toCounty.text).toContain(`Ni behöver inte göra något nu. Enköping (0381) ska svara ${DEADLINE}`);
    expect(mails.every((m) => m.dedupeKey === '2028#03#3')).toBe(true);
    expect(mails.map(({ year, kind, addressee, county }) => ({ year, kind, addressee, county }))).toEqual([
      { year: 2028, kind: 'ProposalSubmitted', addressee: { organisation: 'municipality', code: '0381' }, county: '03' },
      { year: 2028, kind: 'ProposalSubmitted', addressee: { organisation: 'municipality', code: '0380' }, county: '03' },
      { year: 2028, kind: 'ProposalSubmitted', addressee: { organisation: 'county', code: '03' }, county: '03' },
    ]);
    for (const mail of mails) expectSignedBy(mail, 'Uppsala län', MAILBOX);
  });

  it('says the deadline of the year’s calendar as given (a moved deadline), in Stockholm time', () => {
    const { events, state } = ledger(imported, { type: 'WindowOpened' }, submitted);
    const moved = { ...calendar, deadline: '2027-10-31T12:30:00Z' };
    const [toReceiver] = mailsForLedgerEvent(KEY, events.at(-1)!, state, contacts, undefined, moved);
    expect(toReceiver!.text).toContain('samtyck eller avböj senast söndag 31 oktober 2027 kl. 13:30.');
  });

  it('amendment: the receiver is asked again, the giver gets a receipt; an earlier consent lapses only if there was one', () => {
    const before = mailsAfter(submitted, amend());
    expect(before.map((m) => m.to)).toEqual([[receiverMail], [giverMail], county.to]);
    expect(before[0]!.subject).toBe('Omfördelning 2028: ändrat förslag från Uppsala (0380) väntar på ert samtycke');
    expect(before[0]!.text).toContain('2 promille');
    expect(before[0]!.text).toContain('Förslaget har ändrats och behöver ert samtycke på nytt.');
    expect(before[0]!.text).not.toContain('samtycke gäller inte längre');
    expect(before[1]!.subject).toBe('Omfördelning 2028: ert ändrade förslag till Enköping (0381) är registrerat');
    expect(before[2]!.subject).toBe('Omfördelning 2028: ändrat förslag från Uppsala (0380) till Enköping (0381)');
    expect(before[0]!.dedupeKey).toBe('2028#03#4');

    const afterConsent = mailsAfter(submitted, consented, amend());
    expect(afterConsent[0]!.text).toContain('Förslaget har ändrats och behöver ert samtycke på nytt. Ert tidigare samtycke gäller inte längre.');
    for (const mail of afterConsent) expectNextStep(mail);
  });

  it('amendment to another receiver: the previous receiver is told it is no longer concerned; "ert samtycke gäller inte längre" only if it had consented', () => {
    const moved = mailsAfter(submitted, consented, amend('0382', 1_250));
    expect(moved.map((m) => m.to)).toEqual([['kommun-0382@kommun.example.se'], [receiverMail], [giverMail], county.to]);
    const previous = moved[1]!;
    expect(previous.subject).toBe('Omfördelning 2028: förslaget från Uppsala (0380) gäller inte längre er kommun');
    expect(previous.text).toContain('förslaget gäller nu Östhammar (0382) i stället. Ert samtycke gäller inte längre.');
    expect(previous.text).toContain('Förslaget berör inte längre er kommun, och ni behöver inte göra något.');
    expect(moved[0]!.text).not.toContain('Ert tidigare samtycke'); // the new receiver never consented
    expect(moved[2]!.text).toContain('Förslaget gällde tidigare Enköping (0381), som har fått besked om att det inte längre gäller dem.');
    expect(moved.every((m) => m.dedupeKey === '2028#03#5')).toBe(true);
    expectSignedBy(previous, 'Uppsala län', MAILBOX);

    const unanswered = mailsAfter(submitted, amend('0382', 1_250));
    expect(unanswered[1]!.subject).toBe(previous.subject);
    expect(unanswered[1]!.text).not.toContain('samtycke');
    expect(mailsAfter(submitted, amend(RECEIVER, 1_250)).map((m) => m.to)).toEqual([[receiverMail], [giverMail], county.to]);
  });

  it('consent: the giver is told what happens next and that it may still change the proposal; the receiver gets a receipt; the county is told to decide', () => {
    const mails = mailsAfter(submitted, consented);
    expect(mails.map(({ to, cc }) => ({ to, cc }))).toEqual([{ to: [giverMail], cc: [] }, { to: [receiverMail], cc: [] }, county]);
    const [toGiver, toReceiver, toCounty] = mails as [Mail, Mail, Mail];
    expect(toGiver.subject).toBe('Omfördelning 2028: Enköping (0381) har samtyckt till ert förslag');
    expect(toGiver.text).toContain(`Länsstyrelsen i Uppsala län beslutar om förslaget, ${REPORT_DUE}`);
    expect(toGiver.text).toContain(`Ni kan ändra eller återkalla förslaget ${DEADLINE}`);
    expect(toGiver.text).not.toMatch(/efter att perioden .* har stängt/); // the county may decide at once
    expect(toGiver.text).toContain('Status: överenskommet, väntar på länsstyrelsens beslut');
    expect(toReceiver.subject).toBe('Omfördelning 2028: ert samtycke till förslaget från Uppsala (0380) är registrerat');
    expect(toReceiver.text).toContain(`Länsstyrelsen beslutar om förslaget ${REPORT_DUE}`);
    expect(toCounty.subject).toBe('Omfördelning 2028: Enköping (0381) har samtyckt till förslaget från Uppsala (0380)');
    expect(toCounty.text).toContain(`Vad ni behöver göra: Logga in i tjänsten Omfördelning och godkänn eller avslå förslaget ${REPORT_DUE}`);
    expect(toCounty.text).toContain('Ni kan besluta redan nu.');
    for (const mail of mails) expectSignedBy(mail, 'Uppsala län', MAILBOX);
  });

  it('decline: the giver may make a new proposal by the deadline; the receiver gets a receipt; the county has nothing to do', () => {
    const decline = mailsAfter(submitted, { type: 'ReceiverDeclined', giver: GIVER });
    expect(decline.map((m) => m.to)).toEqual([[giverMail], [receiverMail], county.to]);
    expect(decline[0]!.subject).toBe('Omfördelning 2028: Enköping (0381) har avböjt ert förslag');
    expect(decline[0]!.text).toContain(`kan ni lämna ett nytt förslag, till samma eller en annan kommun i länet, ${DEADLINE}`);
    expect(decline[1]!.subject).toBe('Omfördelning 2028: ert avböjande av förslaget från Uppsala (0380) är registrerat');
    expect(decline[2]!.text).toContain('ni behöver inte göra något');
    for (const mail of decline) expectSignedBy(mail, 'Uppsala län', MAILBOX);
  });

  it('decision: each party and the county, the reason of a rejection, the report date, the final date', () => {
    const approved = mailsAfter(submitted, consented, closed, approve);
    expect(approved.map(({ to, cc }) => ({ to, cc }))).toEqual([{ to: [giverMail], cc: [] }, { to: [receiverMail], cc: [] }, county]);
    expect(approved[0]!.subject).toBe('Omfördelning 2028: länsstyrelsen har godkänt förslaget från Uppsala (0380) till Enköping (0381)');
    expect(approved[1]!.subject).toBe(approved[0]!.subject);
    expect(approved[0]!.text).toContain('har godkänt ert förslag om att överlåta 1,25 promille av er anvisningsandel för 2028 till Enköping (0381)');
    expect(approved[1]!.text).toContain('har godkänt förslaget om att Uppsala (0380) överlåter 1,25 promille av sin anvisningsandel för 2028 till er kommun');
    expect(approved[0]!.text).toContain(`Omfördelningen ingår i länets rapport till Migrationsverket, som lämnas ${REPORT_DUE}, och de slutliga andelarna fastställs 15 december 2027.`);
    expect(approved[0]!.text).toContain('fasta ersättningen påverkas inte');
    // After the deadline the giver can no longer change it.
    expect(approved[0]!.text).toContain('Ni behöver inte göra något.');
    expect(approved[0]!.text).not.toContain('ändra eller återkalla');
    expect(approved[2]!.text).toContain(`Vad ni behöver göra: Logga in i tjänsten Omfördelning och lämna länsrapporten ${REPORT_DUE}`);
    for (const mail of approved) expectSignedBy(mail, 'Uppsala län', MAILBOX);

    const rejected = mailsAfter(submitted, consented, closed, reject);
    expect(rejected[0]!.subject).toBe('Omfördelning 2028: länsstyrelsen har avslagit förslaget från Uppsala (0380) till Enköping (0381)');
    for (const mail of rejected) expect(mail.text).toContain('Motivering: Mottagaren saknar boenden.');
    expect(rejected[2]!.subject).toBe('Omfördelning 2028: förslaget från Uppsala (0380) till Enköping (0381) har avslagits');
    expect(rejected[0]!.text).toContain('Andelarna ändras inte av förslaget.');
  });

  it('decision while the window is open: the giver may still amend or withdraw, and the decision would lapse', () => {
    const [toGiver, toReceiver, toCounty] = mailsAfter(submitted, consented, approve) as [Mail, Mail, Mail];
    expect(toGiver.text).toContain(`Ni kan ändra eller återkalla förslaget ${DEADLINE}`);
    expect(toReceiver.text).toContain('Ni behöver inte göra något.');
    expect(toCounty.text).toContain('Uppsala (0380) kan ändra eller återkalla förslaget till periodens slut (2 november 2027 kl. 23:59); då gäller beslutet inte längre');
  });

  it('a decision that changes an earlier one says it replaces it', () => {
    const replaced = mailsAfter(submitted, consented, approve, reject);
    for (const mail of replaced) expect(mail.text).toContain('Beslutet ersätter länsstyrelsens tidigare beslut 5 september 2027 kl. 12:00 att godkänna förslaget.');
    expect(mailsAfter(submitted, consented, approve)[0]!.text).not.toContain('ersätter');
  });

  it('names the officer who decided, and shows each leadership’s resolution to the parties and the county', () => {
    const mails = mailsWithResolutions(submitted, consented, approve);
    for (const mail of mails) {
      expect(mail.text).toContain('Beslutet fattades 5 september 2027 kl. 12:00 av Eva Lind, Länsstyrelsen i Uppsala län.');
      expect(mail.text).toContain('Beslut (diarienummer eller paragraf): KS 2027/118 § 12\nKontaktperson: Anna Ek, anna.ek@uppsala.example.se, 018-727 00 00\nKommentar: Enligt överenskommelse.');
      expect(mail.text).toContain('Beslut (diarienummer eller paragraf): KF 2027/7 § 3\nKommentar: Vi har boenden.');
    }
    expect(mails[0]!.text).toContain('Ni har angett:\nBeslut (diarienummer eller paragraf): KS 2027/118');
    expect(mails[0]!.text).toContain('Enköping (0381) har angett:\nBeslut (diarienummer eller paragraf): KF 2027/7');
    expect(mails[1]!.text).toContain('Uppsala (0380) har angett:\nBeslut (diarienummer eller paragraf): KS 2027/118');
    expect(mails[2]!.text).toContain('Uppsala (0380) har angett:');

    const asked = mailsWithResolutions(submitted);
    expect(asked[0]!.text).toContain('Uppsala (0380) har angett:\nBeslut (diarienummer eller paragraf): KS 2027/118 § 12');
    expect(asked[1]!.text).toContain('Ni har angett:\nBeslut (diarienummer eller paragraf): KS 2027/118 § 12');
    const answered = mailsWithResolutions(submitted, consented);
    expect(answered[0]!.text).toContain('Enköping (0381) har angett:\nBeslut (diarienummer eller paragraf): KF 2027/7 § 3');
    expect(answered[2]!.text).toContain('Enköping (0381) har angett:');
    // Nothing stated, nothing shown.
    expect(mailsAfter(submitted)[0]!.text).not.toContain('har angett');
  });

  it('the county is told when a decided proposal is amended or withdrawn: the earlier decision no longer applies', () => {
    for (const decision of [approve, reject]) {
      const word = decision === approve ? 'godkänna' : 'avslå';
      const amended = mailsAfter(submitted, consented, decision, amend());
      const toCounty = amended.at(-1)!;
      expect(toCounty.to).toEqual(county.to);
      expect(toCounty.text).toContain(`Länsstyrelsens tidigare beslut 5 september 2027 kl. 12:00 att ${word} förslaget gäller inte längre.`);
      expect(toCounty.text).toContain('kan länsstyrelsen besluta om förslaget på nytt.');
      expect(amended[1]!.text).toContain(`Länsstyrelsens beslut 5 september 2027 kl. 12:00 att ${word} förslaget gäller inte längre.`);

      const withdrawn = mailsAfter(submitted, consented, decision, withdraw);
      expect(withdrawn.at(-1)!.text).toContain(`Länsstyrelsens tidigare beslut 5 september 2027 kl. 12:00 att ${word} förslaget gäller inte längre.`);
      expect(withdrawn[0]!.text).toContain(`Ert samtycke gäller därmed inte längre. Länsstyrelsens beslut att ${word} förslaget gäller inte heller längre.`);
    }
    expect(mailsAfter(submitted, consented, amend()).at(-1)!.text).not.toContain('beslut 5 september');
  });

  it('withdrawal: the receiver and the county are told, the giver gets a receipt and may propose again by the deadline', () => {
    const mails = mailsAfter(submitted, withdraw);
    expect(mails.map((m) => m.to)).toEqual([[receiverMail], [giverMail], county.to]);
    expect(mails[0]!.subject).toBe('Omfördelning 2028: Uppsala (0380) har återkallat sitt förslag');
    expect(mails[0]!.text).not.toContain('samtycke gäller');
    expect(mails[0]!.text).toContain('ni behöver inte göra något');
    expect(mails[1]!.subject).toBe('Omfördelning 2028: ert förslag till Enköping (0381) är återkallat');
    expect(mails[1]!.text).toContain(`kan ni lämna ett nytt förslag ${DEADLINE}`);
    expect(mails[2]!.subject).toBe('Omfördelning 2028: Uppsala (0380) har återkallat sitt förslag');
    for (const mail of mails) expectSignedBy(mail, 'Uppsala län', MAILBOX);
  });

  it('every notice of every event is plain Swedish, says what to do next, and is signed by the county', () => {
    const all = [
      mailsAfter(submitted),
      mailsAfter(submitted, amend()),
      mailsAfter(submitted, consented, amend('0382')),
      mailsAfter(submitted, consented),
      mailsAfter(submitted, { type: 'ReceiverDeclined', giver: GIVER }),
      mailsAfter(submitted, consented, approve),
      mailsAfter(submitted, consented, closed, reject),
      mailsAfter(submitted, consented, approve, reject),
      mailsAfter(submitted, consented, approve, withdraw),
      mailsWithResolutions(submitted, consented, approve),
    ].flat();
    expect(all.length).toBeGreaterThan(25);
    for (const mail of all) {
      expectSignedBy(mail, 'Uppsala län', MAILBOX);
      expectNextStep(mail);
    }
  });

  it('sends nothing for events that are not about a proposal', () => {
    expect(mailsAfter()).toEqual([]);
    expect(mailsAfter(submitted, { type: 'WindowClosed', expired: [GIVER] })).toEqual([]);
  });

  it('sends to every address of a municipality and every officer of the county, never copying the mailbox to itself', () => {
    const custom: Contacts = {
      ...contacts,
      municipalities: { ...contacts.municipalities, [RECEIVER]: { emails: ['registrator@enkoping.se', 'socialtjanst@enkoping.se', 'Registrator@Enkoping.se'] } },
      counties: { ...contacts.counties, '03': { mailbox: 'uppsala@lansstyrelsen.se', officers: ['Uppsala@Lansstyrelsen.se', 'eva.lind@lansstyrelsen.se', 'per.ek@lansstyrelsen.se'] } },
    };
    const { events, state } = ledger(imported, { type: 'WindowOpened' }, submitted);
    const mails = mailsForLedgerEvent(KEY, events.at(-1)!, state, custom);
    expect(mails.map(({ to, cc, replyTo }) => ({ to, cc, replyTo }))).toEqual([
      { to: ['registrator@enkoping.se', 'socialtjanst@enkoping.se'], cc: [], replyTo: ['uppsala@lansstyrelsen.se'] },
      { to: [giverMail], cc: [], replyTo: ['uppsala@lansstyrelsen.se'] },
      { to: ['uppsala@lansstyrelsen.se'], cc: ['eva.lind@lansstyrelsen.se', 'per.ek@lansstyrelsen.se'], replyTo: ['uppsala@lansstyrelsen.se'] },
    ]);
    const noOfficers = { ...custom, counties: { ...custom.counties, '03': { mailbox: 'uppsala@lansstyrelsen.se', officers: [] } } };
    expect(mailsForLedgerEvent(KEY, events.at(-1)!, state, noOfficers).at(-1)!.cc).toEqual([]);
  });
});

describe('formatPerMille', () => {
  it('writes per mille with a decimal comma and no float noise', () => {
    expect(formatPerMille(1_250)).toBe('1,25 promille');
    expect(formatPerMille(2_000)).toBe('2 promille');
    expect(formatPerMille(1)).toBe('0,001 promille');
    expect(formatPerMille(100)).toBe('0,1 promille');
    expect(formatPerMille(1_000_000)).toBe('1000 promille');
  });
});

describe('unsentPart', () => {
  const mail: Mail = { to: ['a@x.se'], cc: ['b@x.se'], subject: 's', text: 't', dedupeKey: 'k', year: 2028, kind: 'publish', addressee: { organisation: 'municipality', code: '0380' } };
  it('keeps only recipients not sent to, comparing addresses without case', () => {
    expect(unsentPart(mail, new Set())).toEqual(mail);
    expect(unsentPart(mail, new Set(['a@x.se', 'b@x.se']))).toBeNull();
    expect(unsentPart({ ...mail, cc: ['B@X.se', 'A@x.se'] }, new Set(['b@x.se']))).toEqual({ ...mail, cc: [] });
  });
  it('promotes the copies when the main recipient already has the mail', () => {
    expect(unsentPart(mail, new Set(['a@x.se']))).toEqual({ ...mail, to: ['b@x.se'], cc: [] });
  });
});

describe('sendOnce retries', () => {
  const mail: Mail = { to: ['a@x.se'], cc: [], subject: 's', text: 't', dedupeKey: 'k', year: 2028, kind: 'publish', addressee: { organisation: 'municipality', code: '0380' } };
  const retry: MailRetry = { attempts: 3, baseDelayMs: 1, sleep: async () => {}, random: () => 0.5 };
  const memory = () => {
    const marked: string[] = [];
    const sentMail: Pick<SentMailStore, 'sentAmong' | 'recordSent'> = {
      sentAmong: async () => new Map([['k', new Set(marked)]]),
      recordSent: async (sent) => void marked.push(...sent.flatMap(({ mail }) => [...mail.to, ...mail.cc])),
    };
    return { marked, sentMail: sentMail as unknown as SentMailStore };
  };

  it('tries a transient failure again and marks the recipients once accepted', async () => {
    const { marked, sentMail } = memory();
    const send = vi.fn().mockRejectedValueOnce(new MailDeliveryError('throttled', true)).mockResolvedValueOnce(undefined);
    expect(await sendOnce({ mailer: { send }, sentMail }, mail, retry)).toEqual(['a@x.se']);
    expect(send).toHaveBeenCalledTimes(2);
    expect(marked).toEqual(['a@x.se']);
  });

  it('gives up after the last attempt, or at once on a permanent refusal, marking nothing', async () => {
    const { marked, sentMail } = memory();
    const transient = vi.fn().mockRejectedValue(new MailDeliveryError('down', true));
    await expect(sendOnce({ mailer: { send: transient }, sentMail }, mail, retry)).rejects.toThrow('down');
    expect(transient).toHaveBeenCalledTimes(3);
    const permanent = vi.fn().mockRejectedValue(new MailDeliveryError('rejected', false));
    await expect(sendOnce({ mailer: { send: permanent }, sentMail }, mail, retry)).rejects.toThrow('rejected');
    expect(permanent).toHaveBeenCalledTimes(1);
    expect(marked).toEqual([]);
  });

  it('classifies SES errors', () => {
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient({ name: 'Throttling', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(isTransient({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isTransient({ name: 'MessageRejected', $metadata: { httpStatusCode: 400 } })).toBe(false);
  });
});
