import { describe, expect, it, vi } from 'vitest';
import { fold, type LedgerState } from '../../shared/domain/ledger';
import { defaultContacts } from '../../shared/notifications/default-contacts';
import { formatPerMille, mailsForLedgerEvent } from '../../shared/notifications/messages';
import { sendOnce, unsentPart, type MailRetry } from '../../shared/app/notify';
import { isTransient } from '../../shared/adapters/ses/ses-mailer';
import type { SentMailStore } from '../../shared/adapters/dynamodb/sent-mail-store';
import { MailDeliveryError, type Mail } from '../../shared/notifications/mailer';
import type { Contacts } from '../../shared/schemas/contacts';
import type { EventBody, LedgerEvent } from '../../shared/schemas/ledger';

// Uppsala län (03), share year 2028: Uppsala (0380) gives to Enköping (0381).
const KEY = { year: 2028, county: '03' };
const GIVER = '0380';
const RECEIVER = '0381';
const contacts: Contacts = defaultContacts();
const giverMail = 'kommun-0380@kommun.example.se';
const receiverMail = 'kommun-0381@kommun.example.se';
const county = { to: ['lansstyrelsen-03@lst.example.se'], cc: ['handlaggare-03@lst.example.se'] };

/** The stream so far, each body stamped with its sequence number. */
function ledger(...bodies: EventBody[]): { events: LedgerEvent[]; state: LedgerState } {
  const events = bodies.map((body, i) => ({ seq: i + 1, at: `2027-09-0${i + 1}T10:00:00Z`, actor: { role: 'system' as const }, ...body }) as LedgerEvent);
  return { events, state: fold(KEY, events) };
}

const imported: EventBody = { type: 'SharesImported', shares: { [GIVER]: 10_000, [RECEIVER]: 2_000 } };
const submitted: EventBody = { type: 'ProposalSubmitted', giver: GIVER, receiver: RECEIVER, perMille: 1_250 };

function mailsAfter(...bodies: EventBody[]) {
  const { events, state } = ledger(imported, { type: 'WindowOpened' }, ...bodies);
  return mailsForLedgerEvent(KEY, events.at(-1)!, state, contacts);
}

describe('mailsForLedgerEvent', () => {
  it('asks the receiver for consent on a new proposal and tells the county, officer in copy', () => {
    const mails = mailsAfter(submitted);
    expect(mails.map(({ to, cc }) => ({ to, cc }))).toEqual([{ to: [receiverMail], cc: [] }, county]);
    const [toReceiver, toCounty] = mails as [(typeof mails)[0], (typeof mails)[0]];
    expect(toReceiver.subject).toBe('Omfördelning 2028: nytt förslag från Uppsala (0380) väntar på ert samtycke');
    expect(toReceiver.text).toContain('1,25 promille');
    expect(toReceiver.text).toContain('POST /v1/years/2028/proposals/0380/consent');
    expect(toCounty.subject).toBe('Omfördelning 2028: nytt förslag från Uppsala (0380) till Enköping (0381)');
    expect(toCounty.text).toContain('Uppsala län');
    expect(mails.every((m) => m.dedupeKey === '2028#03#3')).toBe(true);
  });

  it('asks again on an amendment, with the new amount', () => {
    const mails = mailsAfter(submitted, { type: 'ProposalAmended', giver: GIVER, receiver: RECEIVER, perMille: 2_000 });
    expect(mails.map((m) => m.to)).toEqual([[receiverMail], county.to]);
    expect(mails[0]!.subject).toBe('Omfördelning 2028: ändrat förslag från Uppsala (0380) väntar på ert samtycke');
    expect(mails[0]!.text).toContain('2 promille');
    expect(mails[1]!.subject).toBe('Omfördelning 2028: ändrat förslag från Uppsala (0380) till Enköping (0381)');
    expect(mails[0]!.dedupeKey).toBe('2028#03#4');
  });

  it('tells the previous receiver when an amendment names another one, and only then', () => {
    const amendTo = (receiver: string) => {
      const { events, state } = ledger(imported, { type: 'WindowOpened' }, submitted, { type: 'ReceiverConsented', giver: GIVER }, { type: 'ProposalAmended', giver: GIVER, receiver, perMille: 1_250 });
      return mailsForLedgerEvent(KEY, events.at(-1)!, state, contacts, fold(KEY, events.slice(0, -1)));
    };
    const moved = amendTo('0382');
    expect(moved.map((m) => m.to)).toEqual([['kommun-0382@kommun.example.se'], [receiverMail], county.to]);
    expect(moved[1]!.subject).toBe('Omfördelning 2028: förslaget från Uppsala (0380) gäller inte längre er kommun');
    expect(moved[1]!.text).toContain('förslaget gäller nu Östhammar (0382) i stället');
    expect(moved[1]!.text).toContain('Ett samtycke som ni har lämnat gäller inte längre');
    expect(moved.every((m) => m.dedupeKey === '2028#03#5')).toBe(true);
    expect(amendTo(RECEIVER).map((m) => m.to)).toEqual([[receiverMail], county.to]);
  });

  it('tells the giver and the county about consent and decline', () => {
    const consent = mailsAfter(submitted, { type: 'ReceiverConsented', giver: GIVER });
    expect(consent.map(({ to, cc }) => ({ to, cc }))).toEqual([{ to: [giverMail], cc: [] }, county]);
    expect(consent[0]!.subject).toBe('Omfördelning 2028: Enköping (0381) har samtyckt till ert förslag');
    expect(consent[1]!.subject).toBe('Omfördelning 2028: Enköping (0381) har samtyckt till förslaget från Uppsala (0380)');

    const decline = mailsAfter(submitted, { type: 'ReceiverDeclined', giver: GIVER });
    expect(decline.map((m) => m.to)).toEqual([[giverMail], county.to]);
    expect(decline[0]!.subject).toBe('Omfördelning 2028: Enköping (0381) har avböjt ert förslag');
  });

  it('tells each party and the county about the decision, with the reason of a rejection', () => {
    const agreed: EventBody[] = [submitted, { type: 'ReceiverConsented', giver: GIVER }, { type: 'WindowClosed', expired: [] }];
    const approved = mailsAfter(...agreed, { type: 'ProposalDecided', giver: GIVER, outcome: 'APPROVED' });
    expect(approved.map(({ to, cc }) => ({ to, cc }))).toEqual([{ to: [giverMail], cc: [] }, { to: [receiverMail], cc: [] }, county]);
    expect(approved[0]!.subject).toBe('Omfördelning 2028: länsstyrelsen har godkänt förslaget från Uppsala (0380) till Enköping (0381)');
    expect(approved[1]!.subject).toBe(approved[0]!.subject);
    expect(approved[0]!.text).toContain('har godkänt ert förslag om att överlåta 1,25 promille av er anvisningsandel för 2028 till Enköping (0381)');
    expect(approved[1]!.text).toContain('har godkänt förslaget om att Uppsala (0380) överlåter 1,25 promille av sin anvisningsandel för 2028 till er kommun');
    expect(approved[0]!.text).toContain('fasta ersättningen påverkas inte');

    const rejected = mailsAfter(...agreed, { type: 'ProposalDecided', giver: GIVER, outcome: 'REJECTED', reason: 'Mottagaren saknar boenden.' });
    expect(rejected[0]!.subject).toBe('Omfördelning 2028: länsstyrelsen har avslagit förslaget från Uppsala (0380) till Enköping (0381)');
    expect(rejected[0]!.text).toContain('Motivering: Mottagaren saknar boenden.');
    expect(rejected[1]!.text).toContain('Motivering: Mottagaren saknar boenden.');
    expect(rejected[2]!.subject).toBe('Omfördelning 2028: förslaget från Uppsala (0380) till Enköping (0381) har avslagits');
    expect(rejected[2]!.text).toContain('Motivering: Mottagaren saknar boenden.');
  });

  it('tells the receiver and the county about a withdrawal', () => {
    const mails = mailsAfter(submitted, { type: 'ProposalWithdrawn', giver: GIVER });
    expect(mails.map((m) => m.to)).toEqual([[receiverMail], county.to]);
    expect(mails[0]!.subject).toBe('Omfördelning 2028: Uppsala (0380) har återkallat sitt förslag');
  });

  it('sends nothing for events that are not about a proposal', () => {
    expect(mailsAfter()).toEqual([]);
    expect(mailsAfter(submitted, { type: 'WindowClosed', expired: [GIVER] })).toEqual([]);
  });

  it('uses the imported contacts and never copies the mailbox to itself', () => {
    const custom: Contacts = {
      ...contacts,
      municipalities: { ...contacts.municipalities, [RECEIVER]: { email: 'registrator@enkoping.se' } },
      counties: { ...contacts.counties, '03': { mailbox: 'uppsala@lansstyrelsen.se', officer: 'Uppsala@Lansstyrelsen.se' } },
    };
    const { events, state } = ledger(imported, { type: 'WindowOpened' }, submitted);
    const mails = mailsForLedgerEvent(KEY, events.at(-1)!, state, custom);
    expect(mails.map(({ to, cc }) => ({ to, cc }))).toEqual([
      { to: ['registrator@enkoping.se'], cc: [] },
      { to: ['uppsala@lansstyrelsen.se'], cc: [] },
    ]);
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
  const mail = { to: ['a@x.se'], cc: ['b@x.se'], subject: 's', text: 't', dedupeKey: 'k' };
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
  const mail: Mail = { to: ['a@x.se'], cc: [], subject: 's', text: 't', dedupeKey: 'k' };
  const retry: MailRetry = { attempts: 3, baseDelayMs: 1, sleep: async () => {}, random: () => 0.5 };
  const memory = () => {
    const marked: string[] = [];
    const sentMail: Pick<SentMailStore, 'sentAmong' | 'markSent'> = {
      sentAmong: async () => new Map([['k', new Set(marked)]]),
      markSent: async (marks) => void marked.push(...marks.flatMap((m) => m.recipients)),
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
