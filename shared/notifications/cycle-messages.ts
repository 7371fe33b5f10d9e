import type { Calendar } from '../domain/calendar';
import type { Proposal } from '../domain/ledger';
import type { Milli } from '../domain/per-mille';
import { FIXED_COMPENSATION_STATEMENT } from '../domain/report';
import { findCounty, findMunicipality } from '../reference';
import type { ReportView } from '../schemas/api';
import type { Contacts } from '../schemas/contacts';
import { defaultCountyContact, defaultMunicipalityContact } from './default-contacts';
import { recipientKey, type Mail } from './mailer';
import { formatPerMille } from './messages';

/**
 * The e-mail notices of the yearly workflow, in Swedish. Pure: each function gets the facts
 * and the contacts and returns the mail(s), with a dedupe key that names the event, so that
 * an act run again sends nobody the same notice twice (DESIGN.md "E-mail (SES)"):
 *   publish       → every municipality: its preliminary share and the deadline
 *   reminder-i    → every municipality (its proposals still awaiting consent named);
 *                   the county, if it has proposals awaiting consent
 *   deadline      → every municipality (how its proposals ended); the county (what to decide)
 *   auto-submit   → the county: its report was submitted for it
 *   county report → Migrationsverket's mailbox and the county, the CSV in the body
 *   finalize      → every municipality: its final share
 *   failure       → the administrators' mailbox
 * "The county" is the county mailbox with the county's officer in copy.
 */

/** `${year}#<what>#…`: disjoint from the ledger's `${year}#${county}#${seq}` (a county code is two digits). */
export const cycleDedupeKey = (year: number, ...parts: (string | number)[]): string => [year, ...parts].join('#');

export interface ShareLineMilli {
  municipality: string;
  preliminary: Milli;
  given: Milli;
  received: Milli;
  final: Milli;
}

export function publishNotice(year: number, municipality: string, preliminary: Milli, calendar: Calendar, contacts: Contacts): Mail {
  return {
    ...toMunicipality(municipality, contacts),
    subject: subject(year, 'preliminära anvisningsandelar är publicerade'),
    text: body([
      `Migrationsverkets preliminära anvisningsandelar för ${year} är publicerade. ${name(municipality)} har en preliminär andel på ${formatPerMille(preliminary)}.`,
      `Perioden för förslag om omfördelning är nu öppen. Förslag och samtycken ska vara lämnade senast ${longTime(calendar.deadline, true)}.`,
      'En kommun kan omfördela hela eller delar av sin andel till en, och endast en, annan kommun i samma län. ' +
        'Både den givande och den mottagande kommunen ska samtycka; länsstyrelsen beslutar därefter om förslaget.',
      `Lämna ett förslag i tjänsten Omfördelning: POST /v1/years/${year}/proposals med {"receiver": "<kommunkod>", "perMille": <promille>}.`,
      FIXED_COMPENSATION_STATEMENT,
    ]),
    dedupeKey: cycleDedupeKey(year, 'publish', municipality),
  };
}

/** `pending`: the proposals awaiting the receiver's consent in which the municipality is a party. */
export function reminderNotice(
  year: number,
  milestoneId: string,
  municipality: string,
  preliminary: Milli,
  pending: readonly Proposal[],
  calendar: Calendar,
  contacts: Contacts,
): Mail {
  const asGiver = pending.filter((p) => p.giver === municipality);
  const asReceiver = pending.filter((p) => p.receiver === municipality);
  return {
    ...toMunicipality(municipality, contacts),
    subject: subject(year, `påminnelse – förslag om omfördelning senast ${longDate(calendar.deadline)}`),
    text: body([
      `Perioden för förslag om omfördelning av anvisningsandelar för ${year} stänger ${longTime(calendar.deadline, true)}. ` +
        `${name(municipality)} har en preliminär andel på ${formatPerMille(preliminary)}.`,
      ...asGiver.map(
        (p) =>
          `Ert förslag om att överlåta ${formatPerMille(p.perMille)} till ${name(p.receiver)} väntar fortfarande på samtycke från ${name(p.receiver)}. ` +
          'Utan samtycke när perioden stänger förfaller förslaget.',
      ),
      ...(asReceiver.length > 0
        ? [
            'Förslag som väntar på ert samtycke:\n' +
              asReceiver.map((p) => `- ${name(p.giver)} föreslår att överlåta ${formatPerMille(p.perMille)} till er kommun.`).join('\n') +
              `\nSvara i tjänsten Omfördelning: POST /v1/years/${year}/proposals/<givande kommunkod>/consent med {"accept": true} eller {"accept": false}.`,
          ]
        : []),
      ...(asGiver.length + asReceiver.length === 0 ? ['Ni har inga förslag som väntar på samtycke. Ni behöver inte göra något om ni inte vill omfördela.'] : []),
    ]),
    dedupeKey: cycleDedupeKey(year, milestoneId, municipality),
  };
}

/** To a county with proposals awaiting the receiver's consent (only then: otherwise there is nothing to say). */
export function countyReminderNotice(year: number, milestoneId: string, county: string, pending: readonly Proposal[], calendar: Calendar, contacts: Contacts): Mail {
  return {
    ...toCounty(county, contacts),
    subject: subject(year, `påminnelse – ${pending.length} förslag i ${countyName(county)} väntar på samtycke`),
    text: body([
      `Perioden för förslag stänger ${longTime(calendar.deadline, true)}. Följande förslag i ${countyName(county)} väntar fortfarande på den mottagande kommunens samtycke och förfaller om samtycket inte lämnas i tid:`,
      proposalList(pending),
      'Båda kommunerna har fått en påminnelse.',
    ]),
    dedupeKey: cycleDedupeKey(year, milestoneId, 'county', county),
  };
}

/** `own`: the municipality's proposals (as giver or receiver) after the window closed. */
export function deadlineNotice(year: number, municipality: string, preliminary: Milli, own: readonly Proposal[], calendar: Calendar, contacts: Contacts): Mail {
  return {
    ...toMunicipality(municipality, contacts),
    subject: subject(year, 'perioden för förslag om omfördelning har stängt'),
    text: body([
      `Perioden för förslag om omfördelning av anvisningsandelar för ${year} stängde ${longTime(calendar.deadline, true)}. Nya förslag, ändringar och samtycken tas inte längre emot.`,
      ...(own.length === 0
        ? [`${name(municipality)} har inga förslag. Er andel är oförändrad ${formatPerMille(preliminary)}.`]
        : [
            'Era förslag:\n' + own.map((p) => `- ${proposalLine(p)}: ${CLOSED_STATUS[p.status]}`).join('\n'),
            `Länsstyrelsen beslutar om de överenskomna förslagen och rapporterar till Migrationsverket senast ${longTime(calendar.countyReportAt)}.`,
          ]),
    ]),
    dedupeKey: cycleDedupeKey(year, 'deadline', municipality),
  };
}

/** To every county taking part: what it has to decide before its report, and what lapsed. */
export function countyDeadlineNotice(year: number, county: string, proposals: readonly Proposal[], calendar: Calendar, contacts: Contacts): Mail {
  const agreed = proposals.filter((p) => p.status === 'AGREED' || p.status === 'APPROVED' || p.status === 'REJECTED');
  const expired = proposals.filter((p) => p.status === 'EXPIRED');
  return {
    ...toCounty(county, contacts),
    subject: subject(year, `perioden för förslag har stängt – ${countyName(county)}`),
    text: body([
      `Perioden för förslag om omfördelning för ${year} stängde ${longTime(calendar.deadline, true)}.`,
      ...(agreed.length > 0
        ? [
            `Överenskomna förslag i ${countyName(county)} att besluta om:\n${proposalList(agreed)}`,
            `Besluta om varje förslag (POST /v1/years/${year}/proposals/<givande kommunkod>/decision) och lämna länsrapporten ` +
              `(POST /v1/years/${year}/counties/${county}/report) senast ${longTime(calendar.countyReportAt)}. ` +
              'Lämnas rapporten inte i tid lämnas den automatiskt, och då ändrar bara de förslag som har godkänts andelarna.',
          ]
        : [`${countyName(county)} har inga överenskomna förslag att besluta om. Länsrapporten lämnas automatiskt till Migrationsverket.`]),
      ...(expired.length > 0 ? [`Förslag som förföll eftersom mottagarens samtycke saknades:\n${proposalList(expired)}`] : []),
    ]),
    dedupeKey: cycleDedupeKey(year, 'deadline', 'county', county),
  };
}

/** To the county whose report the workflow submitted at the report date. */
export function autoSubmitNotice(report: ReportView, countyReportAt: string, contacts: Contacts): Mail {
  const undecided = report.proposals.filter((p) => p.status === 'AGREED');
  const approved = report.proposals.filter((p) => p.status === 'APPROVED');
  return {
    ...toCounty(report.county, contacts),
    subject: subject(report.year, `länsrapporten för ${report.countyName} har lämnats automatiskt`),
    text: body([
      `Länsrapporten för ${report.countyName} hade inte lämnats ${longTime(countyReportAt)} och har därför lämnats automatiskt till Migrationsverket.`,
      approved.length > 0
        ? `Godkända förslag, som ingår i rapporten och ändrar andelarna:\n${reportProposalList(approved)}`
        : 'Inga förslag var godkända, så länets andelar är oförändrade.',
      ...(undecided.length > 0
        ? [`Förslag som inte hann beslutas och därför inte ändrar några andelar:\n${reportProposalList(undecided)}`]
        : []),
      `Rapporten finns i tjänsten Omfördelning: GET /v1/years/${report.year}/counties/${report.county}/report.`,
    ]),
    dedupeKey: cycleDedupeKey(report.year, 'auto-submit', report.county),
  };
}

/**
 * The county's report to Migrationsverket's mailbox, and a copy to the county (officer in
 * copy). SES SendEmail has no attachments, so the CSV follows the summary in the body.
 */
export function reportMails(report: ReportView, csv: string, contacts: Contacts): Mail[] {
  const lines = [
    `Länsrapport om omfördelning av anvisningsandelar för ${report.year} från ${report.countyName} (${report.county}).`,
    `Rapporten ${report.mode === 'AUTO_SUBMITTED' ? 'lämnades automatiskt' : 'lämnades av länsstyrelsen'} ${longTime(report.submittedAt)}.`,
    report.proposals.length > 0 ? `Förslag och utfall:\n${reportProposalList(report.proposals)}` : 'Inga förslag om omfördelning lämnades i länet.',
    `Länets summa före omfördelning: ${formatPerMille(toMilli(report.totals.beforePerMille))}. ` +
      `Länets summa efter omfördelning: ${formatPerMille(toMilli(report.totals.afterPerMille))}.`,
    report.fixedCompensation.statement,
    `Rapporten som CSV (kommaseparerad, UTF-8):\n\n${csv.replace(/^\uFEFF/, '')}`,
  ];
  const dedupeKey = cycleDedupeKey(report.year, 'report', report.county);
  return [
    { to: [contacts.migrationsverket.mailbox], cc: [], subject: subject(report.year, `länsrapport från ${report.countyName} (${report.county})`), text: body(lines), dedupeKey },
    {
      ...toCounty(report.county, contacts),
      subject: subject(report.year, `länsrapporten för ${report.countyName} har skickats till Migrationsverket`),
      text: body(lines),
      dedupeKey,
    },
  ];
}

export function finalNotice(year: number, line: ShareLineMilli, contacts: Contacts): Mail {
  const moved = line.given > 0 || line.received > 0;
  return {
    ...toMunicipality(line.municipality, contacts),
    subject: subject(year, 'slutliga anvisningsandelar är fastställda'),
    text: body([
      `De slutliga anvisningsandelarna för ${year} är fastställda. Slutlig andel för ${name(line.municipality)}: ${formatPerMille(line.final)}. Den gäller från 1 januari ${year}.`,
      moved
        ? [
            `Preliminär andel: ${formatPerMille(line.preliminary)}`,
            `Omfördelat till annan kommun: ${formatPerMille(line.given)}`,
            `Mottaget från annan kommun: ${formatPerMille(line.received)}`,
            `Slutlig andel: ${formatPerMille(line.final)}`,
          ].join('\n')
        : `Andelen är oförändrad jämfört med den preliminära andelen (${formatPerMille(line.preliminary)}).`,
      FIXED_COMPENSATION_STATEMENT,
    ]),
    dedupeKey: cycleDedupeKey(year, 'finalize', line.municipality),
  };
}

export interface FailureFacts {
  at: string;
  error: string;
  cause: string;
  /** What the workflow was doing, as last recorded. */
  state: string | null;
  executionArn?: string;
  /** Identifies this failure (the same failure reported twice gives the same key). */
  id: string;
}

export function failureNotice(year: number, failure: FailureFacts, contacts: Contacts): Mail {
  return {
    to: [contacts.administrators.mailbox],
    cc: [],
    subject: subject(year, 'årets arbetsflöde har misslyckats'),
    text: body([
      `Arbetsflödet för andelsåret ${year} misslyckades ${longTime(failure.at)} och har stannat.`,
      [
        `Pågående steg: ${failure.state ?? 'okänt'}`,
        `Fel: ${failure.error}`,
        `Orsak: ${failure.cause}`,
        ...(failure.executionArn ? [`Körning: ${failure.executionArn}`] : []),
      ].join('\n'),
      'Åtgärda orsaken och starta om körningen (till exempel med Redrive i Step Functions-konsolen, eller en ny körning med indata ' +
        `{"year": ${year}}). Steg som redan är gjorda hoppas över, och ingen får samma meddelande två gånger.`,
      `Årets status: GET /v1/years/${year}/cycle.`,
    ]),
    dedupeKey: cycleDedupeKey(year, 'failure', failure.id),
  };
}

const CLOSED_STATUS: Record<Proposal['status'], string> = {
  AWAITING_RECEIVER: 'väntar på mottagande kommuns samtycke',
  AGREED: 'överenskommet, går vidare till länsstyrelsens beslut',
  APPROVED: 'godkänt av länsstyrelsen',
  REJECTED: 'avslaget av länsstyrelsen',
  DECLINED: 'avböjt av mottagande kommun',
  WITHDRAWN: 'återkallat',
  EXPIRED: 'förfallet, eftersom mottagande kommuns samtycke saknades',
};

const REPORT_STATUS: Record<string, string> = {
  ...CLOSED_STATUS,
  AGREED: 'överenskommet men inte beslutat (ändrar inte andelarna)',
};

export const proposalLine = (p: Pick<Proposal, 'giver' | 'receiver' | 'perMille'>): string =>
  `${name(p.giver)} till ${name(p.receiver)}, ${formatPerMille(p.perMille)}`;

const proposalList = (proposals: readonly Proposal[]): string => proposals.map((p) => `- ${proposalLine(p)}`).join('\n');

function reportProposalList(proposals: ReportView['proposals']): string {
  return proposals
    .map((p) => `- ${proposalLine({ ...p, perMille: toMilli(p.perMille) })}: ${REPORT_STATUS[p.status] ?? p.status}${p.reason ? ` (motivering: ${p.reason})` : ''}`)
    .join('\n');
}

/** A JSON per-mille number back to exact thousandths (it has at most three decimals). */
const toMilli = (perMille: number): Milli => Math.round(perMille * 1000);

const DATE = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', day: 'numeric', month: 'long', year: 'numeric' });
const DATE_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const WEEKDAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', weekday: 'long' });

/** "2 november 2030", Stockholm time. */
export const longDate = (instant: string): string => DATE.format(new Date(instant));
/** "2 november 2030 kl. 23:59" (with the weekday first if asked: "lördag 2 november …"), Stockholm time. */
export const longTime = (instant: string, weekday = false): string =>
  `${weekday ? `${WEEKDAY.format(new Date(instant))} ` : ''}${DATE_TIME.format(new Date(instant))}`;

export const subject = (year: number, what: string): string => `Omfördelning ${year}: ${what}`;

const body = (paragraphs: string[]): string =>
  ['Hej!', ...paragraphs, 'Med vänlig hälsning\nOmfördelning – omfördelning av anvisningsandelar för ensamkommande barn\n(Det här är ett automatiskt meddelande.)'].join('\n\n') + '\n';

export const name = (code: string): string => `${findMunicipality(code)?.name ?? 'Kommun'} (${code})`;
export const countyName = (code: string): string => findCounty(code)?.name ?? `Län ${code}`;

export function toMunicipality(code: string, contacts: Contacts): Pick<Mail, 'to' | 'cc'> {
  return { to: [(contacts.municipalities[code] ?? defaultMunicipalityContact(code)).email], cc: [] };
}

export function toCounty(county: string, contacts: Contacts): Pick<Mail, 'to' | 'cc'> {
  const office = contacts.counties[county] ?? defaultCountyContact(county);
  return { to: [office.mailbox], cc: recipientKey(office.officer) === recipientKey(office.mailbox) ? [] : [office.officer] };
}
