import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar';
import { fold, type Proposal } from '../../shared/domain/ledger';
import { countyReport, countyReportCsv } from '../../shared/domain/report';
import {
  autoSubmitNotice,
  countyDeadlineNotice,
  countyReminderNotice,
  cycleDedupeKey,
  deadlineNotice,
  failureNotice,
  finalNotice,
  longTime,
  publishNotice,
  reminderNotice,
  reportMails,
} from '../../shared/notifications/cycle-messages';
import { defaultContacts } from '../../shared/notifications/default-contacts';
import type { EventBody, LedgerEvent } from '../../shared/schemas/ledger';
import { expectNextStep, expectPlainSwedish, expectSignedBy } from '../support/notices';

// Share year 2028, Uppsala län (03): Uppsala (0380) gives to Enköping (0381), Tierp (0360) to Heby (0331).
const YEAR = 2028;
const calendar = defaultCalendar(YEAR);
const contacts = defaultContacts();
const mail = (code: string) => `kommun-${code}@kommun.example.se`;
const MAILBOX = 'lansstyrelsen-03@lst.example.se';
const county = { to: [MAILBOX], cc: ['handlaggare-03@lst.example.se'] };
/** A notice about Uppsala län: plain Swedish, signed by the county, Reply-To its mailbox, a next step. */
const expectUppsala = (mail: Parameters<typeof expectSignedBy>[0]) => {
  expectSignedBy(mail, 'Uppsala län', MAILBOX);
  expectNextStep(mail);
};

const proposal = (giver: string, receiver: string, perMille: number, status: Proposal['status']): Proposal => ({
  giver,
  receiver,
  perMille,
  status,
  version: 1,
  createdAt: '2027-09-01T10:00:00Z',
  updatedAt: '2027-09-01T10:00:00Z',
});

describe('workflow notices', () => {
  it('formats Stockholm times in Swedish', () => {
    expect(longTime(calendar.deadline, true)).toBe('tisdag 2 november 2027 kl. 23:59');
    expect(longTime(calendar.publishAt)).toBe('16 augusti 2027 kl. 09:00');
  });

  it('publish: the municipality, its preliminary share with a decimal comma, and the deadline', () => {
    const notice = publishNotice(YEAR, '0380', 12_345, calendar, contacts);
    expect(notice).toMatchObject({ to: [mail('0380')], cc: [], dedupeKey: '2028#publish#0380' });
    // For the year's list of sent mails: which notice, to which organisation, about which county.
    expect(notice).toMatchObject({ year: 2028, kind: 'publish', addressee: { organisation: 'municipality', code: '0380' }, county: '03' });
    expect(notice.subject).toBe('Omfördelning 2028: preliminära anvisningsandelar är publicerade');
    expect(notice.text).toContain('Uppsala (0380) har en preliminär andel på 12,345 promille.');
    expect(notice.text).toContain('senast tisdag 2 november 2027 kl. 23:59');
    expect(notice.text).toContain('500 000 kr');
    expect(notice.text).toContain('Vill ni omfördela, logga in i tjänsten Omfördelning och lämna ett förslag senast 2 november 2027 kl. 23:59.');
    expect(notice.text).toContain('Vill ni inte omfördela behöver ni inte göra något.');
    expectUppsala(notice);
    // A municipality of another county: its own county signs and takes the replies.
    const solna = publishNotice(YEAR, '0184', 1_000, calendar, contacts);
    expectSignedBy(solna, 'Stockholms län', 'lansstyrelsen-01@lst.example.se');
  });

  it('reminder: names the proposals awaiting consent to both parties, and to the county', () => {
    const pending = [proposal('0380', '0381', 1_250, 'AWAITING_RECEIVER')];
    const giver = reminderNotice(YEAR, 'reminder-0', '0380', 10_000, pending, calendar, contacts);
    const receiver = reminderNotice(YEAR, 'reminder-0', '0381', 2_000, pending, calendar, contacts);
    const other = reminderNotice(YEAR, 'reminder-0', '0360', 3_500, [], calendar, contacts);
    expect(giver.dedupeKey).toBe('2028#reminder-0#0380');
    expect(giver.subject).toBe('Omfördelning 2028: påminnelse – förslag om omfördelning senast 2 november 2027');
    expect(giver.text).toContain('Ert förslag om att överlåta 1,25 promille till Enköping (0381) väntar fortfarande på samtycke från Enköping (0381).');
    expect(giver.text).toContain('Ni behöver inte göra något, men ni kan ändra eller återkalla förslaget senast 2 november 2027 kl. 23:59.');
    expect(receiver.text).toContain('- Uppsala (0380) föreslår att överlåta 1,25 promille till er kommun.');
    expect(receiver.text).toContain('Vad ni behöver göra: Logga in i tjänsten Omfördelning, öppna förslaget och samtyck eller avböj senast 2 november 2027 kl. 23:59.');
    expect(other.text).toContain('Tierp (0360) har inget pågående förslag om omfördelning.');
    expect(other.text).toContain('3,5 promille');
    for (const mail of [giver, receiver, other]) expectUppsala(mail);

    const toCounty = countyReminderNotice(YEAR, 'reminder-1', '03', pending, calendar, contacts);
    expect(toCounty).toMatchObject({ ...county, replyTo: [MAILBOX], dedupeKey: '2028#reminder-1#county#03' });
    expect(toCounty.subject).toBe('Omfördelning 2028: påminnelse – 1 förslag i Uppsala län väntar på samtycke');
    expect(toCounty.text).toContain('- Uppsala (0380) till Enköping (0381), 1,25 promille');
    expectUppsala(toCounty);
  });

  it('reminder: a receiver with agreed incoming proposals is told their state, not that it has nothing', () => {
    const own = [proposal('0380', '0381', 1_250, 'AGREED'), proposal('0360', '0381', 500, 'APPROVED')];
    const receiver = reminderNotice(YEAR, 'reminder-0', '0381', 2_000, own, calendar, contacts);
    expect(receiver.text).toContain('Förslaget från Uppsala (0380) om att överlåta 1,25 promille till er kommun har ert samtycke och väntar på länsstyrelsens beslut, som fattas senast 15 november 2027 kl. 09:00. Ni behöver inte göra något.');
    expect(receiver.text).toContain('Förslaget från Tierp (0360) om att överlåta 0,5 promille till er kommun har ert samtycke och är godkänt av länsstyrelsen.');
    expect(receiver.text).not.toContain('inget pågående förslag');
    expect(receiver.text).not.toContain('om ni inte vill omfördela');
    expect(receiver.text).not.toContain('väntar på ert samtycke');
    expectUppsala(receiver);
  });

  it('reminder: a giver with an agreed, approved or rejected proposal is told its state and what it may still do', () => {
    const text = (status: Proposal['status']) => reminderNotice(YEAR, 'reminder-1', '0380', 10_000, [proposal('0380', '0381', 1_250, status)], calendar, contacts).text;
    expect(text('AGREED')).toContain(
      'Ert förslag om att överlåta 1,25 promille till Enköping (0381) har samtycke från Enköping (0381) och väntar på länsstyrelsens beslut, som fattas senast 15 november 2027 kl. 09:00. Ni behöver inte göra något.',
    );
    expect(text('AGREED')).toContain('Vill ni ändra eller återkalla förslaget kan ni göra det senast 2 november 2027 kl. 23:59');
    expect(text('APPROVED')).toContain('till Enköping (0381) är godkänt av länsstyrelsen och ingår i länets rapport till Migrationsverket. Ni behöver inte göra något.');
    expect(text('APPROVED')).toContain('Ändrar eller återkallar ni förslaget senast 2 november 2027 kl. 23:59 gäller beslutet inte längre.');
    expect(text('REJECTED')).toContain('har avslagits av länsstyrelsen och ändrar inga andelar.');
    for (const status of ['AGREED', 'APPROVED', 'REJECTED'] as const) {
      expect(text(status)).not.toContain('inget pågående förslag');
      expect(text(status)).not.toContain('väntar fortfarande på samtycke');
    }
    // A declined or withdrawn proposal is over: the giver is told it may propose.
    expect(text('DECLINED')).toContain('Uppsala (0380) har inget pågående förslag om omfördelning.');
  });

  it('deadline: how each proposal ended, and what the county decides by when', () => {
    const proposals = [proposal('0380', '0381', 1_250, 'AGREED'), proposal('0360', '0331', 500, 'EXPIRED')];
    const giver = deadlineNotice(YEAR, '0360', 3_000, [proposals[1]!], calendar, contacts);
    expect(giver).toMatchObject({ to: [mail('0360')], dedupeKey: '2028#deadline#0360' });
    expect(giver.text).toContain('- Tierp (0360) till Heby (0331), 0,5 promille: förfallet, eftersom mottagande kommuns samtycke saknades');
    const none = deadlineNotice(YEAR, '0382', 4_000, [], calendar, contacts);
    expect(none.text).toContain('Östhammar (0382) har inga förslag. Er andel är oförändrad 4 promille.');
    expect(giver.text).toContain('rapporterar till Migrationsverket senast 15 november 2027 kl. 09:00; de slutliga andelarna fastställs 15 december 2027.');
    for (const mail of [giver, none]) expectUppsala(mail);

    const decided = [...proposals, proposal('0331', '0319', 100, 'APPROVED')];
    const toCounty = countyDeadlineNotice(YEAR, '03', decided, calendar, contacts);
    expect(toCounty).toMatchObject({ ...county, replyTo: [MAILBOX], dedupeKey: '2028#deadline#county#03' });
    expect(toCounty.text).toContain('Överenskomna förslag i Uppsala län att besluta om:\n- Uppsala (0380) till Enköping (0381), 1,25 promille');
    expect(toCounty.text).toContain('Förslag som länsstyrelsen redan har beslutat om:\n- Heby (0331) till Älvkarleby (0319), 0,1 promille: godkänt av länsstyrelsen');
    expect(toCounty.text).toContain(
      'Vad ni behöver göra: Logga in i tjänsten Omfördelning, godkänn eller avslå varje förslag som inte är beslutat och lämna länsrapporten senast 15 november 2027 kl. 09:00.',
    );
    expect(toCounty.text).toContain('Förslag som förföll eftersom mottagarens samtycke saknades:\n- Tierp (0360) till Heby (0331), 0,5 promille');
    const empty = countyDeadlineNotice(YEAR, '03', [], calendar, contacts);
    expect(empty.text).toContain('har inga överenskomna förslag att besluta om');
    for (const mail of [toCounty, empty]) expectUppsala(mail);
  });

  const events: EventBody[] = [
    { type: 'SharesImported', shares: { '0380': 10_000, '0381': 2_000, '0360': 3_000, '0331': 1_000 } },
    { type: 'ProposalSubmitted', giver: '0380', receiver: '0381', perMille: 1_250 },
    { type: 'ReceiverConsented', giver: '0380' },
    { type: 'ProposalSubmitted', giver: '0360', receiver: '0331', perMille: 500 },
    { type: 'ReceiverConsented', giver: '0360' },
    { type: 'WindowClosed', expired: [] },
    { type: 'ProposalDecided', giver: '0380', outcome: 'APPROVED' },
    { type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' },
  ];
  const state = fold(
    { year: YEAR, county: '03' },
    events.map((b, i) => ({ seq: i + 1, at: '2027-11-15T08:00:00Z', actor: { role: 'system' }, ...b }) as LedgerEvent),
  );
  const report = countyReport({ ...state, report: state.report! });

  it('auto-submission: tells the county what counted and what did not', () => {
    const notice = autoSubmitNotice(report, calendar.countyReportAt, contacts);
    expect(notice).toMatchObject({ ...county, dedupeKey: '2028#auto-submit#03' });
    expect(notice.subject).toBe('Omfördelning 2028: länsrapporten för Uppsala län har lämnats automatiskt');
    expect(notice.text).toContain('hade inte lämnats 15 november 2027 kl. 09:00');
    expect(notice.text).toContain('Godkända förslag, som ingår i rapporten och ändrar andelarna:\n- Uppsala (0380) till Enköping (0381), 1,25 promille: godkänt av länsstyrelsen');
    expect(notice.text).toContain('inte ändrar några andelar:\n- Tierp (0360) till Heby (0331), 0,5 promille: överenskommet, inte beslutat');
    expectUppsala(notice);
  });

  it('county report: to Migrationsverket and to the county, a summary in the text and the CSV attached', () => {
    const csv = countyReportCsv(report);
    const [toMigrationsverket, toCounty] = reportMails(report, csv, contacts, calendar);
    expect(toMigrationsverket).toMatchObject({ to: ['ensamkommande@migrationsverket.example.se'], cc: [], replyTo: [MAILBOX], dedupeKey: '2028#report#03' });
    expect(toMigrationsverket).toMatchObject({ year: 2028, kind: 'report', addressee: { organisation: 'migrationsverket' }, county: '03' });
    expect(toCounty).toMatchObject({ year: 2028, kind: 'report', addressee: { organisation: 'county', code: '03' }, county: '03' });
    expect(toMigrationsverket!.subject).toBe('Omfördelning 2028: länsrapport från Uppsala län (03)');
    expect(toCounty).toMatchObject({ ...county, replyTo: [MAILBOX], dedupeKey: '2028#report#03' });
    for (const mail of [toMigrationsverket!, toCounty!]) {
      expect(mail.attachments).toEqual([{ filename: 'lansrapport-2028-03-uppsala-lan.csv', contentType: 'text/csv; charset=utf-8', content: csv }]);
      expect(mail.text).toContain('Rapporten lämnades automatiskt vid rapportdagen 15 november 2027 kl. 09:00.');
      expect(mail.text).toContain('Länets summa före omfördelning: 16 promille. Länets summa efter omfördelning: 16 promille.');
      expect(mail.text).toContain('Den fasta ersättningen på 500 000 kr');
      expect(mail.text).toContain('Hela rapporten finns i den bifogade filen lansrapport-2028-03-uppsala-lan.csv');
      expect(mail.text).toContain('- Uppsala (0380) till Enköping (0381), 1,25 promille: godkänt av länsstyrelsen');
      // The CSV is the attachment, not the body.
      expect(mail.text).not.toContain('Kommunkod;Kommun');
      expect(mail.text).not.toContain('\uFEFF');
      expectSignedBy(mail, 'Uppsala län', MAILBOX);
    }
    expect(toMigrationsverket!.text).toContain('De slutliga andelarna fastställs 15 december 2027. Har ni frågor om rapporten, svara på det här meddelandet, så når svaret länsstyrelsen.');
    expectNextStep(toCounty!);
  });

  it('final shares: the final share, and how it came about when it moved', () => {
    const moved = finalNotice(YEAR, { municipality: '0381', preliminary: 2_000, given: 0, received: 1_250, final: 3_250 }, contacts);
    expect(moved).toMatchObject({ to: [mail('0381')], dedupeKey: '2028#finalize#0381' });
    expect(moved.text).toContain('Slutlig andel för Enköping (0381): 3,25 promille. Den gäller från 1 januari 2028.');
    expect(moved.text).toContain('Mottaget från annan kommun: 1,25 promille');
    const same = finalNotice(YEAR, { municipality: '0382', preliminary: 4_000, given: 0, received: 0, final: 4_000 }, contacts);
    expect(same.text).toContain('Andelen är oförändrad jämfört med den preliminära andelen (4 promille).');
    for (const mail of [moved, same]) expectUppsala(mail);
  });

  it('failure: the administrators, with what failed and how to go on', () => {
    const notice = failureNotice(
      YEAR,
      { at: '2027-08-15T07:00:05Z', error: 'CycleError', cause: 'Inga preliminära andelar är inlästa', state: 'Utför publicering.', executionArn: 'arn:x', id: 'abc' },
      contacts,
    );
    expect(notice).toMatchObject({ to: ['admin@omfordelning.example.se'], cc: [], dedupeKey: '2028#failure#abc', year: 2028, kind: 'failure', addressee: { organisation: 'administrators' } });
    expect(notice).not.toHaveProperty('county');
    expect(notice.subject).toBe('Omfördelning 2028: årets arbetsflöde har misslyckats');
    expect(notice.text).toContain('Pågående steg: Utför publicering.\nOrsak: Inga preliminära andelar är inlästa\nKörningens identitet (för felsökning): arn:x');
    expect(notice.text).toContain('Vad ni behöver göra: åtgärda orsaken och starta om körningen');
    expect(notice.text).toContain('Med vänlig hälsning\nTjänsten Omfördelning');
    expect(notice.replyTo).toBeUndefined();
    expectPlainSwedish(notice);
  });

  it('keeps its dedupe keys apart from the ledger events’ keys', () => {
    expect(cycleDedupeKey(2028, 'publish', '0180')).toBe('2028#publish#0180');
    expect(cycleDedupeKey(2028, 'report', '01')).not.toMatch(/^\d{4}#\d{2}#\d+$/);
  });
});
