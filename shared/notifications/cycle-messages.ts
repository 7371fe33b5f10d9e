import type { Calendar } from '../domain/calendar';
import type { Proposal } from '../domain/ledger';
import type { Milli } from '../domain/per-mille';
import { FIXED_COMPENSATION_STATEMENT, REPORT_STATUS_TEXT, countyReportFileName } from '../domain/report';
import type { ReportView } from '../schemas/api';
import type { Contacts } from '../schemas/contacts';
import { LOG_IN, PAGE, SERVICE, body, countyMailbox, countyName, countyOf, formatPerMille, linkLine, longDate, longTime, name, pageAt, subject, toCounty, toMunicipality, toService } from './common';
import type { Mail } from './mailer';

// The shared helpers, for other notice modules (for example the calendar's notices).
export { SERVICE, body, countyName, longTime, name, subject, toCounty, toMunicipality, toService } from './common';

/**
 * The e-mail notices of the yearly workflow, in Swedish. Pure: each function gets the facts
 * and the contacts and returns the mail(s), with a dedupe key that names the event, so that
 * an act run again sends nobody the same notice twice (docs/DESIGN.md "E-mail"):
 *   publish       → every municipality: its preliminary share and the deadline
 *   reminder-i    → every municipality: the state of each of its proposals, as giver or
 *                   receiver, and what it still may or must do by the deadline;
 *                   the county, if it has proposals awaiting consent
 *   deadline      → every municipality (how its proposals ended); the county (what to decide)
 *   auto-submit   → the county: its report was submitted for it
 *   county report → Migrationsverket's mailbox and the county, the report as a CSV attachment
 *   finalize      → every municipality: its final share
 *   failure       → the administrators' mailbox
 * "The county" is the county mailbox with the county's officers in copy. A mail about a
 * county (all but the failure) has that county's mailbox as Reply-To and is signed by it.
 * `appUrl` is the web app's address: a mail with something to do links the page where it
 * is done (without it, the mail says "logga in i tjänsten").
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

/** Signed by the municipality's county. */
const signedFor = (municipality: string) => (paragraphs: string[]) => body(paragraphs, countyOf(municipality));

export function publishNotice(year: number, municipality: string, preliminary: Milli, calendar: Calendar, contacts: Contacts, appUrl?: string): Mail {
  return {
    ...toMunicipality(municipality, contacts),
    subject: subject(year, 'preliminära anvisningsandelar är publicerade'),
    text: signedFor(municipality)([
      `Migrationsverkets preliminära anvisningsandelar för ${year} är publicerade. ${name(municipality)} har en preliminär andel på ${formatPerMille(preliminary)}.`,
      `Perioden för förslag om omfördelning är nu öppen. Förslag och samtycken ska vara lämnade senast ${longTime(calendar.deadline, true)}.`,
      'En kommun kan omfördela hela eller delar av sin andel till en, och endast en, annan kommun i samma län. ' +
        'Den mottagande kommunen ska samtycka; länsstyrelsen beslutar därefter om förslaget.',
      `Vad ni kan göra: ${appUrl ? 'Vill ni omfördela lämnar ni ett förslag' : `Vill ni omfördela, ${lower(LOG_IN)} och lämna ett förslag`} senast ${longTime(calendar.deadline)}. ` +
        'Vill ni inte omfördela behöver ni inte göra något. Om en annan kommun föreslår att överlåta en del av sin andel till er får ni ett meddelande och kan då samtycka eller avböja.' +
        toService(appUrl),
      FIXED_COMPENSATION_STATEMENT,
    ]),
    dedupeKey: cycleDedupeKey(year, 'publish', municipality),
    year,
    kind: 'publish',
  };
}

/**
 * `own`: the proposals in which the municipality is a party (as giver or as receiver), in any
 * state; each is described as it stands for this municipality, with what it may or must do.
 */
export function reminderNotice(
  year: number,
  milestoneId: string,
  municipality: string,
  preliminary: Milli,
  own: readonly Proposal[],
  calendar: Calendar,
  contacts: Contacts,
  appUrl?: string,
): Mail {
  const deadline = longTime(calendar.deadline);
  const asGiver = own.filter((p) => p.giver === municipality && GIVER_REMINDER[p.status]);
  const awaiting = own.filter((p) => p.receiver === municipality && p.status === 'AWAITING_RECEIVER');
  const incoming = own.filter((p) => p.receiver === municipality && RECEIVER_REMINDER[p.status]);
  return {
    ...toMunicipality(municipality, contacts),
    subject: subject(year, `påminnelse – förslag om omfördelning senast ${longDate(calendar.deadline)}`),
    text: signedFor(municipality)([
      `Perioden för förslag om omfördelning av anvisningsandelar för ${year} stänger ${longTime(calendar.deadline, true)}. ` +
        `${name(municipality)} har en preliminär andel på ${formatPerMille(preliminary)}.`,
      ...asGiver.map(
        (p) =>
          `Ert förslag om att överlåta ${formatPerMille(p.perMille)} till ${name(p.receiver)} ${GIVER_REMINDER[p.status]!(p, calendar)}` +
          linkLine('Ert förslag finns här', pageAt(appUrl, PAGE.proposal(p.giver))),
      ),
      ...(awaiting.length > 0
        ? [
            'Förslag som väntar på ert samtycke:\n' +
              awaiting.map((p) => `- ${name(p.giver)} föreslår att överlåta ${formatPerMille(p.perMille)} till er kommun.`).join('\n') +
              (appUrl
                ? `\nVad ni behöver göra: Samtyck till eller avböj ${awaiting.length === 1 ? 'förslaget' : 'varje förslag'} senast ${deadline}.`
                : `\nVad ni behöver göra: ${LOG_IN}, öppna förslaget och samtyck eller avböj senast ${deadline}.`) +
              ' Ett förslag utan ert samtycke förfaller när perioden stänger.' +
              (awaiting.length === 1
                ? linkLine('Svara på förslaget här', pageAt(appUrl, PAGE.answer(awaiting[0]!.giver)))
                : linkLine('Förslagen finns här', pageAt(appUrl, PAGE.start))),
          ]
        : []),
      ...incoming.map((p) => `Förslaget från ${name(p.giver)} om att överlåta ${formatPerMille(p.perMille)} till er kommun ${RECEIVER_REMINDER[p.status]!(p, calendar)}`),
      ...(asGiver.length + awaiting.length + incoming.length === 0
        ? [
            `${name(municipality)} har inget pågående förslag om omfördelning. Vill ni omfördela hela eller en del av er andel till en annan kommun i länet` +
              `${appUrl ? ' lämnar ni ett förslag' : `, ${lower(LOG_IN)} och lämna ett förslag`} senast ${deadline}. Annars behöver ni inte göra något.` +
              linkLine('Lämna ett förslag här', pageAt(appUrl, PAGE.propose)),
          ]
        : []),
    ]),
    dedupeKey: cycleDedupeKey(year, milestoneId, municipality),
    year,
    kind: 'reminder',
  };
}

type Describe = (p: Proposal, calendar: Calendar) => string;

/** How a giver's proposal stands and what the giver may do (none: not worth a line). */
const GIVER_REMINDER: Partial<Record<Proposal['status'], Describe>> = {
  AWAITING_RECEIVER: (p, c) =>
    `väntar fortfarande på samtycke från ${name(p.receiver)}. Utan samtycke när perioden stänger förfaller förslaget. ` +
    `Ni behöver inte göra något, men ni kan ändra eller återkalla förslaget senast ${longTime(c.deadline)}.`,
  AGREED: (p, c) =>
    `har samtycke från ${name(p.receiver)} och väntar på länsstyrelsens beslut, som fattas senast ${longTime(c.countyReportAt)}. ` +
    `Ni behöver inte göra något. Vill ni ändra eller återkalla förslaget kan ni göra det senast ${longTime(c.deadline)}; ett ändrat förslag behöver ett nytt samtycke.`,
  APPROVED: (_p, c) =>
    'är godkänt av länsstyrelsen och ingår i länets rapport till Migrationsverket. Ni behöver inte göra något. ' +
    `Ändrar eller återkallar ni förslaget senast ${longTime(c.deadline)} gäller beslutet inte längre.`,
  REJECTED: (_p, c) =>
    'har avslagits av länsstyrelsen och ändrar inga andelar. ' +
    `Ni kan ändra förslaget, som då behöver ett nytt samtycke och ett nytt beslut, eller återkalla det, senast ${longTime(c.deadline)}. Annars behöver ni inte göra något.`,
};

/** How an incoming proposal the receiver has answered stands (awaiting consent is listed apart). */
const RECEIVER_REMINDER: Partial<Record<Proposal['status'], Describe>> = {
  AGREED: (_p, c) => `har ert samtycke och väntar på länsstyrelsens beslut, som fattas senast ${longTime(c.countyReportAt)}. Ni behöver inte göra något.`,
  APPROVED: () => 'har ert samtycke och är godkänt av länsstyrelsen. Ni behöver inte göra något.',
  REJECTED: () => 'har avslagits av länsstyrelsen och ändrar inga andelar. Ni behöver inte göra något.',
};

/** To a county with proposals awaiting the receiver's consent (only then: otherwise there is nothing to say). */
export function countyReminderNotice(year: number, milestoneId: string, county: string, pending: readonly Proposal[], calendar: Calendar, contacts: Contacts): Mail {
  return {
    ...toCounty(county, contacts),
    subject: subject(year, `påminnelse – ${pending.length} förslag i ${countyName(county)} väntar på samtycke`),
    text: body(
      [
        `Perioden för förslag stänger ${longTime(calendar.deadline, true)}. Följande förslag i ${countyName(county)} väntar fortfarande på den mottagande kommunens samtycke och förfaller om samtycket inte lämnas i tid:`,
        proposalList(pending),
        'Båda kommunerna har fått en påminnelse. Ni behöver inte göra något nu; när en mottagande kommun har samtyckt får ni ett meddelande och kan besluta om förslaget.',
      ],
      county,
    ),
    dedupeKey: cycleDedupeKey(year, milestoneId, 'county', county),
    year,
    kind: 'reminder',
  };
}

/** `own`: the municipality's proposals (as giver or receiver) after the window closed. */
export function deadlineNotice(year: number, municipality: string, preliminary: Milli, own: readonly Proposal[], calendar: Calendar, contacts: Contacts): Mail {
  return {
    ...toMunicipality(municipality, contacts),
    subject: subject(year, 'perioden för förslag om omfördelning har stängt'),
    text: signedFor(municipality)([
      `Perioden för förslag om omfördelning av anvisningsandelar för ${year} stängde ${longTime(calendar.deadline, true)}. Nya förslag, ändringar och samtycken tas inte längre emot.`,
      ...(own.length === 0
        ? [`${name(municipality)} har inga förslag. Er andel är oförändrad ${formatPerMille(preliminary)}. Ni behöver inte göra något.`]
        : [
            `Era förslag:\n${own.map((p) => `- ${proposalLine(p)}: ${CLOSED_STATUS[p.status]}`).join('\n')}`,
            `Länsstyrelsen beslutar om de överenskomna förslagen och rapporterar till Migrationsverket senast ${longTime(calendar.countyReportAt)}; ` +
              `de slutliga andelarna fastställs ${longDate(calendar.finalizeAt)}. Ni får ett meddelande om varje beslut och om er slutliga andel. Ni behöver inte göra något.`,
          ]),
    ]),
    dedupeKey: cycleDedupeKey(year, 'deadline', municipality),
    year,
    kind: 'deadline',
  };
}

/** To every county taking part: what it has to decide before its report, and what lapsed. */
export function countyDeadlineNotice(year: number, county: string, proposals: readonly Proposal[], calendar: Calendar, contacts: Contacts, appUrl?: string): Mail {
  const undecided = proposals.filter((p) => p.status === 'AGREED');
  const decided = proposals.filter((p) => p.status === 'APPROVED' || p.status === 'REJECTED');
  const expired = proposals.filter((p) => p.status === 'EXPIRED');
  const due = longTime(calendar.countyReportAt);
  return {
    ...toCounty(county, contacts),
    subject: subject(year, `perioden för förslag har stängt – ${countyName(county)}`),
    text: body(
      [
        `Perioden för förslag om omfördelning för ${year} stängde ${longTime(calendar.deadline, true)}. Kommunerna kan inte längre ändra eller återkalla sina förslag.`,
        ...(undecided.length > 0 ? [`Överenskomna förslag i ${countyName(county)} att besluta om:\n${proposalList(undecided)}`] : []),
        ...(decided.length > 0 ? [`Förslag som länsstyrelsen redan har beslutat om:\n${decided.map((p) => `- ${proposalLine(p)}: ${CLOSED_STATUS[p.status]}`).join('\n')}`] : []),
        ...(undecided.length + decided.length > 0
          ? [
              `Vad ni behöver göra: ${capitalized(`${appUrl ? '' : `${LOG_IN}, `}${undecided.length > 0 ? 'godkänn eller avslå varje förslag som inte är beslutat och ' : ''}lämna länsrapporten senast ${due}.`)} ` +
                'Lämnas rapporten inte i tid lämnas den automatiskt, och då ändrar bara de förslag som har godkänts andelarna.' +
                countyNextPage(undecided, appUrl),
            ]
          : [`${countyName(county)} har inga överenskomna förslag att besluta om. Länsrapporten lämnas automatiskt till Migrationsverket ${due}; ni behöver inte göra något.`]),
        ...(expired.length > 0 ? [`Förslag som förföll eftersom mottagarens samtycke saknades:\n${proposalList(expired)}`] : []),
      ],
      county,
    ),
    dedupeKey: cycleDedupeKey(year, 'deadline', 'county', county),
    year,
    kind: 'deadline',
  };
}

/**
 * Where a county does what is left before its report: the one proposal to decide, the board
 * that lists several, or the report once every agreed proposal is decided ("" without an address).
 */
export function countyNextPage(undecided: readonly Pick<Proposal, 'giver'>[], appUrl: string | undefined): string {
  if (undecided.length === 1) return linkLine('Besluta om förslaget här', pageAt(appUrl, PAGE.decide(undecided[0]!.giver)));
  if (undecided.length > 1) return linkLine('Länets förslag finns här', pageAt(appUrl, PAGE.start));
  return linkLine('Förhandsgranska och lämna länsrapporten här', pageAt(appUrl, PAGE.report));
}

/** To the county whose report the workflow submitted at the report date. */
export function autoSubmitNotice(report: ReportView, countyReportAt: string, contacts: Contacts, appUrl?: string): Mail {
  const undecided = report.proposals.filter((p) => p.status === 'AGREED');
  const approved = report.proposals.filter((p) => p.status === 'APPROVED');
  return {
    ...toCounty(report.county, contacts),
    subject: subject(report.year, `länsrapporten för ${report.countyName} har lämnats automatiskt`),
    text: body(
      [
        `Länsrapporten för ${report.countyName} hade inte lämnats ${longTime(countyReportAt)} och har därför lämnats automatiskt.`,
        approved.length > 0
          ? `Godkända förslag, som ingår i rapporten och ändrar andelarna:\n${reportProposalList(approved)}`
          : 'Inga förslag var godkända, så länets andelar är oförändrade.',
        ...(undecided.length > 0 ? [`Förslag som inte hann beslutas och därför inte ändrar några andelar:\n${reportProposalList(undecided)}`] : []),
        appUrl
          ? `Rapporten skickas till Migrationsverket, och ni får en kopia med rapporten som bifogad fil. Ni behöver inte göra något.${linkLine('Länsrapporten finns också här', pageAt(appUrl, PAGE.report))}`
          : `Rapporten skickas till Migrationsverket, och ni får en kopia med rapporten som bifogad fil. Den finns också i ${SERVICE}. Ni behöver inte göra något.`,
      ],
      report.county,
    ),
    dedupeKey: cycleDedupeKey(report.year, 'auto-submit', report.county),
    year: report.year,
    kind: 'auto-submit',
  };
}

/**
 * The county's report to Migrationsverket's mailbox, and a copy to the county (officers in
 * copy): a summary in the text and the report as a CSV file for a spreadsheet
 * (countyReportCsv), attached as `lansrapport-<year>-<county>-<name>.csv`. Reply-To is the
 * county's mailbox, so Migrationsverket's questions reach the county. `calendar` (when
 * given) tells when the final shares are fixed.
 */
export function reportMails(report: ReportView, csv: string, contacts: Contacts, calendar?: Calendar): Mail[] {
  const filename = countyReportFileName(report);
  const summary = [
    `Rapporten ${report.mode === 'AUTO_SUBMITTED' ? 'lämnades automatiskt vid rapportdagen' : 'lämnades av länsstyrelsen'} ${longTime(report.submittedAt)}.`,
    report.proposals.length > 0 ? `Förslag och utfall:\n${reportProposalList(report.proposals, report.county)}` : 'Inga förslag om omfördelning lämnades i länet.',
    `Länets summa före omfördelning: ${formatPerMille(toMilli(report.totals.beforePerMille))}. ` +
      `Länets summa efter omfördelning: ${formatPerMille(toMilli(report.totals.afterPerMille))}.`,
    report.fixedCompensation.statement,
    `Hela rapporten finns i den bifogade filen ${filename}: varje kommuns andel före och efter omfördelningen, varje förslag med utfall, beslut och kommunernas uppgifter. ` +
      'Filen öppnas i ett kalkylprogram (semikolonseparerad, UTF-8).',
  ];
  const finalAt = calendar ? ` De slutliga andelarna fastställs ${longDate(calendar.finalizeAt)}.` : '';
  const attachments = [{ filename, contentType: 'text/csv; charset=utf-8', content: csv }];
  const dedupeKey = cycleDedupeKey(report.year, 'report', report.county);
  return [
    {
      to: [contacts.migrationsverket.mailbox],
      cc: [],
      replyTo: [countyMailbox(report.county, contacts)],
      addressee: { organisation: 'migrationsverket' },
      county: report.county,
      subject: subject(report.year, `länsrapport från ${report.countyName} (${report.county})`),
      text: body(
        [
          `Här är länsrapporten om omfördelning av anvisningsandelar för ${report.year} från ${report.countyName} (${report.county}).`,
          ...summary,
          `Vad som händer nu: Migrationsverket fastställer de slutliga andelarna utifrån rapporterna.${finalAt} Har ni frågor om rapporten, svara på det här meddelandet, så når svaret länsstyrelsen.`,
        ],
        report.county,
      ),
      attachments,
      dedupeKey,
      year: report.year,
      kind: 'report',
    },
    {
      ...toCounty(report.county, contacts),
      subject: subject(report.year, `länsrapporten för ${report.countyName} har skickats till Migrationsverket`),
      text: body(
        [
          `Länsrapporten om omfördelning av anvisningsandelar för ${report.year} från ${report.countyName} har skickats till Migrationsverket. Det här är er kopia.`,
          ...summary,
          `Ni behöver inte göra något.${finalAt}`,
        ],
        report.county,
      ),
      attachments,
      dedupeKey,
      year: report.year,
      kind: 'report',
    },
  ];
}

export function finalNotice(year: number, line: ShareLineMilli, contacts: Contacts): Mail {
  const moved = line.given > 0 || line.received > 0;
  return {
    ...toMunicipality(line.municipality, contacts),
    subject: subject(year, 'slutliga anvisningsandelar är fastställda'),
    text: signedFor(line.municipality)([
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
      'Ni behöver inte göra något.',
    ]),
    dedupeKey: cycleDedupeKey(year, 'finalize', line.municipality),
    year,
    kind: 'finalize',
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

/**
 * To the administrators. The error's name is left out (it is a code, not Swedish); the
 * cause is its message, and the run's identifier is there for whoever looks into it.
 */
export function failureNotice(year: number, failure: FailureFacts, contacts: Contacts, appUrl?: string): Mail {
  return {
    to: [contacts.administrators.mailbox],
    cc: [],
    subject: subject(year, 'årets arbetsflöde har misslyckats'),
    text: body([
      `Arbetsflödet för andelsåret ${year} misslyckades ${longTime(failure.at)} och har stannat.`,
      [
        `Pågående steg: ${failure.state ?? 'okänt'}`,
        `Orsak: ${failure.cause || 'okänd'}`,
        ...(failure.executionArn ? [`Körningens identitet (för felsökning): ${failure.executionArn}`] : []),
      ].join('\n'),
      'Vad ni behöver göra: åtgärda orsaken och starta om körningen, till exempel med Redrive i Step Functions-konsolen, ' +
        `eller starta årets arbetsflöde på nytt som administratör i ${SERVICE}. Steg som redan är gjorda hoppas över, och ingen får samma meddelande två gånger. ` +
        'Görs inget stannar årets kalender: inga fler påminnelser, rapporter eller slutliga andelar skickas.' +
        toService(appUrl),
    ]),
    dedupeKey: cycleDedupeKey(year, 'failure', failure.id),
    year,
    kind: 'failure',
    addressee: { organisation: 'administrators' },
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

export const proposalLine = (p: Pick<Proposal, 'giver' | 'receiver' | 'perMille'>): string =>
  `${name(p.giver)} till ${name(p.receiver)}, ${formatPerMille(p.perMille)}`;

const proposalList = (proposals: readonly Proposal[]): string => proposals.map((p) => `- ${proposalLine(p)}`).join('\n');

function reportProposalList(proposals: ReportView['proposals'], county?: string): string {
  return proposals
    .map(
      (p) =>
        `- ${proposalLine({ ...p, perMille: toMilli(p.perMille) })}: ${REPORT_STATUS_TEXT[p.status]}` +
        (p.decidedBy && p.decidedBy !== county ? `, beslutat av ${p.decidedBy}` : '') +
        (p.reason ? ` (motivering: ${p.reason})` : ''),
    )
    .join('\n');
}

/** A JSON per-mille number back to exact thousandths (it has at most three decimals). */
const toMilli = (perMille: number): Milli => Math.round(perMille * 1000);

const lower = (text: string): string => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
