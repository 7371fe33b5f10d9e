import { describe, expect, it } from 'vitest';
import { countyWarningAt, defaultCalendar } from '../../shared/domain/calendar';
import { countyDeadlineMovedNotice, countyWarningNotice, deadlineMovedNotice, leftOutNotices } from '../../shared/notifications/calendar-notices';
import { defaultContacts } from '../../shared/notifications/default-contacts';
import type { Mail } from '../../shared/notifications/mailer';

// Share year 2028, Uppsala län (03): Uppsala (0380) → Enköping (0381) 1,25 promille, Tierp (0360) → Heby (0331) 0,5 promille.
const YEAR = 2028;
const calendar = defaultCalendar(YEAR);
const contacts = defaultContacts();
const county = { to: ['lansstyrelsen-03@lst.example.se'], cc: ['handlaggare-03@lst.example.se'] };
const undecided = [
  { giver: '0360', receiver: '0331', perMille: 500 },
  { giver: '0380', receiver: '0381', perMille: 1_250 },
];
const later = { move: 1, from: calendar.deadline, to: '2027-11-09T22:59:59Z' };
const earlier = { move: 2, from: '2027-11-09T22:59:59Z', to: '2027-10-29T21:59:59Z' };

/** The house style: plain Swedish, no API instructions, no internal jargon, signed with the county. */
function expectHouseStyle(mail: Mail): void {
  for (const text of [mail.subject, mail.text]) {
    expect(text).not.toMatch(/POST|GET|PATCH|\/v1\/|händelse|\{|\}|undefined|NaN|\d\.\d+ promille|T\d\d:\d\d|Z\b/);
  }
  expect(mail.subject).toMatch(/^Omfördelning 2028: /);
  expect(mail.text).toMatch(/^Hej!\n\n/);
  expect(mail.text).toContain('Med vänlig hälsning\nLänsstyrelsen i Uppsala län');
  expect(mail.replyTo).toEqual(['lansstyrelsen-03@lst.example.se']);
}

describe('the county warning', () => {
  const mail = countyWarningNotice(YEAR, '03', undecided, calendar.countyReportAt, contacts);

  it('lists the undecided proposals with a decimal comma, and the report date in Stockholm time', () => {
    expect(mail).toMatchObject(county);
    expect(mail.subject).toBe('Omfördelning 2028: 2 överenskomna förslag i Uppsala län väntar på beslut – länsrapporten senast 15 november 2027 kl. 09:00');
    expect(mail.text).toContain('Länsstyrelsen i Uppsala län har ännu inte beslutat om följande 2 överenskomna förslag om omfördelning av anvisningsandelar för 2028:\n' +
      '- Tierp (0360) till Heby (0331), 0,5 promille\n- Uppsala (0380) till Enköping (0381), 1,25 promille');
    expect(mail.text).toContain('lämna länsrapporten i tjänsten Omfördelning senast måndag 15 november 2027 kl. 09:00.');
    expect(mail.text).toContain('lämnas den automatiskt till Migrationsverket med de förslag som är godkända');
    expect(mail.text).toContain('ändrar inte kommunernas andelar');
    expectHouseStyle(mail);
  });

  it('speaks of one proposal in the singular, and is keyed by county and report date', () => {
    const one = countyWarningNotice(YEAR, '03', undecided.slice(1), calendar.countyReportAt, contacts);
    expect(one.text).toContain('har ännu inte beslutat om följande överenskomna förslag');
    expect(one.text).toContain('Besluta om förslaget – godkänn eller avslå');
    expect(one.dedupeKey).toBe(`2028#county-warning#03#${calendar.countyReportAt}`);
    expect(countyWarningAt(calendar)).toBe('2027-11-10T08:00:00Z');
  });
});

describe('the left-out notice', () => {
  const mails = leftOutNotices(YEAR, '03', undecided[1]!, { submittedAt: calendar.countyReportAt, finalizeAt: calendar.finalizeAt }, { '0380': 2_500, '0381': 1_000 }, contacts);

  it('tells giver and receiver, one mail each, that the proposal was not decided and changes no share', () => {
    expect(mails.map((m) => m.to)).toEqual([['kommun-0380@kommun.example.se'], ['kommun-0381@kommun.example.se']]);
    expect(mails.map((m) => m.dedupeKey)).toEqual(['2028#left-out#0380#0380', '2028#left-out#0380#0381']);
    expect(mails.map(({ year, kind, addressee }) => ({ year, kind, addressee }))).toEqual([
      { year: 2028, kind: 'left-out', addressee: { organisation: 'municipality', code: '0380' } },
      { year: 2028, kind: 'left-out', addressee: { organisation: 'municipality', code: '0381' } },
    ]);
    for (const mail of mails) {
      expect(mail.subject).toBe('Omfördelning 2028: förslaget om 1,25 promille från Uppsala (0380) till Enköping (0381) beslutades inte');
      expect(mail.text).toContain('Länsstyrelsen i Uppsala län hann inte besluta om förslaget att Uppsala (0380) överlåter 1,25 promille av sin anvisningsandel för 2028 till Enköping (0381)');
      expect(mail.text).toContain('lämnades därför automatiskt till Migrationsverket måndag 15 november 2027 kl. 09:00, utan förslaget.');
      expect(mail.text).toContain('Förslaget ändrar alltså inte era andelar');
      expect(mail.text).toContain('Ni behöver inte göra något. De slutliga andelarna fastställs onsdag 15 december 2027 kl. 09:00');
      expectHouseStyle(mail);
    }
    expect(mails[0]!.text).toContain('(Uppsala (0380) har en preliminär andel på 2,5 promille)');
    expect(mails[1]!.text).toContain('(Enköping (0381) har en preliminär andel på 1 promille)');
  });
});

describe('the deadline-moved notices', () => {
  it('tell a municipality the old and the new deadline, what it means and by when to act', () => {
    const mail = deadlineMovedNotice(YEAR, '0380', '03', later, contacts);
    expect(mail.to).toEqual(['kommun-0380@kommun.example.se']);
    expect(mail.subject).toBe('Omfördelning 2028: sista dag för förslag om omfördelning är ändrad till 9 november 2027 kl. 23:59');
    expect(mail.text).toContain('Tidigare sista tidpunkt: tisdag 2 november 2027 kl. 23:59\nNy sista tidpunkt: tisdag 9 november 2027 kl. 23:59');
    expect(mail.text).toContain('Perioden för förslag är alltså öppen längre än ni tidigare fått besked om.');
    expect(mail.text).toContain('Vill Uppsala (0380) lämna, ändra eller svara på ett förslag ska det göras i tjänsten Omfördelning senast tisdag 9 november 2027 kl. 23:59.');
    expect(mail.dedupeKey).toBe('2028#deadline-moved#1#2027-11-09T22:59:59Z#0380');
    expectHouseStyle(mail);

    const sooner = deadlineMovedNotice(YEAR, '0380', '03', earlier, contacts);
    expect(sooner.text).toContain('Perioden för förslag stänger alltså tidigare än ni tidigare fått besked om.');
    // In summer time: 29 Oct 2027 23:59:59 CEST.
    expect(sooner.text).toContain('Ny sista tidpunkt: fredag 29 oktober 2027 kl. 23:59');
    expect(sooner.dedupeKey).not.toBe(mail.dedupeKey);
  });

  it('tell the county, with its report date', () => {
    const mail = countyDeadlineMovedNotice(YEAR, '03', later, calendar, contacts);
    expect(mail).toMatchObject(county);
    expect(mail.subject).toBe('Omfördelning 2028: sista dag för förslag om omfördelning är ändrad till 9 november 2027 kl. 23:59 – Uppsala län');
    expect(mail.text).toContain('Alla kommuner i Uppsala län har fått samma besked.');
    expect(mail.text).toContain('Länsrapporten ska lämnas senast måndag 15 november 2027 kl. 09:00.');
    expect(mail.dedupeKey).toBe('2028#deadline-moved#1#2027-11-09T22:59:59Z#county#03');
    expectHouseStyle(mail);
  });
});
