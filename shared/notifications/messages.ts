import { defaultCalendar, type Calendar } from '../domain/calendar';
import type { LedgerState, Proposal, ProposalDecision } from '../domain/ledger';
import type { Contacts } from '../schemas/contacts';
import type { DecisionOutcome, LedgerEvent, LedgerKey, Person, ProposalStatus } from '../schemas/ledger';
import { LOG_IN, PAGE, body, countyName, formatPerMille, linkLine, longDate, longTime, name, pageAt, resolutionLines, subject as yearSubject, toCounty, toMunicipality, type Addressing } from './common';
import type { Mail } from './mailer';

export { formatPerMille };

/**
 * The e-mail notices of the county ledger, in Swedish. Pure: who gets what follows from the
 * event, the ledger just before and right after it, the year's calendar (for "by when")
 * and the contacts (docs/DESIGN.md "E-mail"):
 *   ProposalSubmitted  → receiver (consent asked), giver (receipt), county
 *   ProposalAmended    → receiver (consent asked again), previous receiver if it changed
 *                        (no longer concerned), giver (receipt), county
 *   ReceiverConsented, ReceiverDeclined → giver, receiver (receipt), county
 *   ProposalDecided    → giver, receiver (one mail each), county
 *   ProposalWithdrawn  → receiver, giver (receipt), county
 * Each says what happened, what the reader does next and by when, and where: the web app's
 * page for it when `appUrl` (the web app's address) is given, else the service in plain
 * words. "county" is the county mailbox with the county's officers in copy; every
 * mail has the county's mailbox as Reply-To and is signed by the county. Other events → none.
 * `before` is the ledger just before the event: the receiver and consent an amendment
 * replaced, the decision a new decision, amendment or withdrawal replaces.
 */
export function mailsForLedgerEvent(
  key: LedgerKey,
  event: LedgerEvent,
  state: LedgerState,
  contacts: Contacts,
  before?: LedgerState,
  calendar: Calendar = defaultCalendar(key.year),
  appUrl?: string,
): Mail[] {
  if (!('giver' in event)) return [];
  const proposal = state.proposals[event.giver];
  if (!proposal) return [];
  const earlier = before?.proposals[event.giver];
  const previousReceiver = event.type === 'ProposalAmended' && earlier !== undefined && earlier.receiver !== proposal.receiver ? earlier.receiver : undefined;
  const facts: Facts = {
    ...key,
    proposal,
    event,
    calendar,
    windowOpen: !state.windowClosedAt && Date.parse(event.at) < Date.parse(calendar.deadline) + 1_000,
    ...(earlier && { earlier }),
    ...(previousReceiver && { previousReceiver }),
    ...(appUrl && { appUrl }),
  };
  const dedupeKey = ledgerDedupeKey(key, event.seq);
  return noticesFor(facts).map((n) => ({
    ...addressees(n.audience, facts, contacts),
    subject: n.subject,
    text: body(n.lines, key.county),
    dedupeKey,
    year: key.year,
    kind: event.type,
  }));
}

const ledgerDedupeKey = ({ year, county }: LedgerKey, seq: number): string => `${year}#${county}#${seq}`;

type Audience = 'giver' | 'receiver' | 'previousReceiver' | 'county';

interface Notice {
  audience: Audience;
  subject: string;
  lines: string[];
}

interface Facts extends LedgerKey {
  proposal: Proposal;
  event: LedgerEvent;
  calendar: Calendar;
  /** Whether the event came while proposals could still be changed (up to the deadline). */
  windowOpen: boolean;
  /** The giver's proposal just before the event (none for a first proposal). */
  earlier?: Proposal;
  /** The receiver before an amendment that changed it. */
  previousReceiver?: string;
  /** The web app's address: the notices link their next step's page under it. */
  appUrl?: string;
}

function noticesFor(f: Facts): Notice[] {
  const { giver, receiver } = f.proposal;
  switch (f.event.type) {
    case 'ProposalSubmitted':
      return [askConsent(f, false), proposalReceipt(f, false), toCountyNotice(f, `nytt förslag från ${name(giver)} till ${name(receiver)}`)];
    case 'ProposalAmended':
      return [
        askConsent(f, true),
        ...(f.previousReceiver ? [noLongerReceiver(f, f.previousReceiver)] : []),
        proposalReceipt(f, true),
        toCountyNotice(f, `ändrat förslag från ${name(giver)} till ${name(receiver)}`),
      ];
    case 'ReceiverConsented':
      return [answered(f, true), answerReceipt(f, true), toCountyNotice(f, `${name(receiver)} har samtyckt till förslaget från ${name(giver)}`)];
    case 'ReceiverDeclined':
      return [answered(f, false), answerReceipt(f, false), toCountyNotice(f, `${name(receiver)} har avböjt förslaget från ${name(giver)}`)];
    case 'ProposalDecided':
      return [decided(f, 'giver', f.event.outcome), decided(f, 'receiver', f.event.outcome), toCountyNotice(f, decisionText(f, f.event.outcome))];
    case 'ProposalWithdrawn':
      return [withdrawn(f), withdrawalReceipt(f), toCountyNotice(f, `${name(giver)} har återkallat sitt förslag`)];
    default:
      return [];
  }
}

const subject = (f: Facts, what: string): string => yearSubject(f.year, what);

/** "senast tisdag 2 november 2027 kl. 23:59": the end of the period for proposals. */
const byDeadline = (f: Facts): string => `senast ${longTime(f.calendar.deadline, true)}`;
/** "senast 15 november 2027 kl. 09:00": when the county's report is due. */
const byReport = (f: Facts): string => `senast ${longTime(f.calendar.countyReportAt)}`;

/** The address of a page of the web app, if the notices know the web app's. */
const page = (f: Facts, path: string): string | undefined => pageAt(f.appUrl, path);
/** The line linking the giver's own proposal, where it is changed or withdrawn ("" without an address). */
const ownProposalLine = (f: Facts): string => linkLine('Ert förslag finns här', page(f, PAGE.proposal(f.proposal.giver)));
/** The line linking a new proposal's form ("" without an address). */
const newProposalLine = (f: Facts): string => linkLine('Lämna ett nytt förslag här', page(f, PAGE.propose));

function askConsent(f: Facts, amended: boolean): Notice {
  const { giver } = f.proposal;
  // The same receiver asked again after it had consented: its consent no longer holds.
  const consentLapsed = amended && !f.previousReceiver && hadConsent(f.earlier);
  const answerAt = page(f, PAGE.answer(giver));
  return {
    audience: 'receiver',
    subject: subject(f, `${amended ? 'ändrat' : 'nytt'} förslag från ${name(giver)} väntar på ert samtycke`),
    lines: [
      `${name(giver)} föreslår att överlåta ${formatPerMille(f.proposal.perMille)} av sin anvisningsandel för ${f.year} till er kommun.` +
        (amended ? ' Förslaget har ändrats och behöver ert samtycke på nytt.' : '') +
        (consentLapsed ? ' Ert tidigare samtycke gäller inte längre.' : ''),
      ...resolutionLines(`${name(giver)} har angett:`, f.proposal.giverResolution),
      details(f),
      (answerAt
        ? `Vad ni behöver göra: Samtyck till eller avböj förslaget från ${name(giver)} ${byDeadline(f)}. `
        : `Vad ni behöver göra: ${LOG_IN}, öppna förslaget från ${name(giver)} och samtyck eller avböj ${byDeadline(f)}. `) +
        'Ange gärna kommunens beslut (diarienummer eller paragraf), en kontaktperson och en kommentar.' +
        linkLine('Svara på förslaget här', answerAt),
      'Ett förslag som inte har er kommuns samtycke när perioden för förslag stänger förfaller. Efter ert samtycke beslutar länsstyrelsen om förslaget.',
    ],
  };
}

/** The giver's receipt for its own proposal, new or amended. */
function proposalReceipt(f: Facts, amended: boolean): Notice {
  const { receiver, perMille } = f.proposal;
  const replaced = amended ? f.earlier?.decision : undefined;
  return {
    audience: 'giver',
    subject: subject(f, `ert ${amended ? 'ändrade ' : ''}förslag till ${name(receiver)} är registrerat`),
    lines: [
      `Ert ${amended ? 'ändrade ' : ''}förslag om att överlåta ${formatPerMille(perMille)} av er anvisningsandel för ${f.year} till ${name(receiver)} är registrerat ${longTime(f.event.at)}.` +
        (f.previousReceiver ? ` Förslaget gällde tidigare ${name(f.previousReceiver)}, som har fått besked om att det inte längre gäller dem.` : '') +
        (replaced ? ` Länsstyrelsens beslut ${longTime(replaced.at)} att ${outcomeInfinitive(replaced.outcome)} förslaget gäller inte längre.` : ''),
      ...resolutionLines('Ni har angett:', f.proposal.giverResolution),
      details(f),
      `Vad som händer nu: ${name(receiver)} har ombetts att samtycka till förslaget och behöver svara ${byDeadline(f)}. ` +
        'Ni får ett meddelande när de har svarat, och ni behöver inte göra något nu. ' +
        (f.appUrl ? `Fram till dess kan ni ändra eller återkalla förslaget.${ownProposalLine(f)}` : `Fram till dess kan ni ändra eller återkalla förslaget: ${lower(LOG_IN)}.`),
    ],
  };
}

function answered(f: Facts, consented: boolean): Notice {
  const { receiver, perMille } = f.proposal;
  const verb = consented ? 'har samtyckt till' : 'har avböjt';
  return {
    audience: 'giver',
    subject: subject(f, `${name(receiver)} ${verb} ert förslag`),
    lines: [
      `${name(receiver)} ${verb} ert förslag om att överlåta ${formatPerMille(perMille)} av er anvisningsandel för ${f.year}.`,
      ...resolutionLines(`${name(receiver)} har angett:`, f.proposal.receiverResolution),
      details(f),
      consented
        ? `Vad som händer nu: Länsstyrelsen i ${countyName(f.county)} beslutar om förslaget, ${byReport(f)}, när länets rapport till Migrationsverket ska vara lämnad. ` +
          'Ni behöver inte göra något. ' +
          `Ni kan ändra eller återkalla förslaget ${byDeadline(f)}${f.appUrl ? '' : ` (${lower(LOG_IN)})`}; ett ändrat förslag behöver ett nytt samtycke, och ett beslut som länsstyrelsen redan har fattat gäller då inte längre.` +
          ownProposalLine(f)
        : f.windowOpen
          ? `Förslaget gäller inte längre. Vill ni omfördela kan ni lämna ett nytt förslag, till samma eller en annan kommun i länet, ${byDeadline(f)}${f.appUrl ? '' : `: ${lower(LOG_IN)}`}. Annars behöver ni inte göra något.` +
            newProposalLine(f)
          : 'Förslaget gäller inte längre, och ni behöver inte göra något.',
    ],
  };
}

/** The receiver's receipt for its own answer. */
function answerReceipt(f: Facts, consented: boolean): Notice {
  const { giver, perMille } = f.proposal;
  const what = consented ? 'samtycke till' : 'avböjande av';
  return {
    audience: 'receiver',
    subject: subject(f, `ert ${what} förslaget från ${name(giver)} är registrerat`),
    lines: [
      `Ert ${what} förslaget om att ${name(giver)} överlåter ${formatPerMille(perMille)} av sin anvisningsandel för ${f.year} till er kommun är registrerat ${longTime(f.event.at)}.`,
      ...resolutionLines('Ni har angett:', f.proposal.receiverResolution),
      details(f),
      consented
        ? `Vad som händer nu: Länsstyrelsen beslutar om förslaget ${byReport(f)}, och ni får ett meddelande om beslutet. Ni behöver inte göra något. ` +
          `Ändrar ${name(giver)} förslaget före periodens slut (${longTime(f.calendar.deadline)}) behöver det ert samtycke på nytt; ni får då ett meddelande.`
        : 'Förslaget gäller inte längre, och ni behöver inte göra något.',
    ],
  };
}

/** One mail per party, each in its own words. */
function decided(f: Facts, party: 'giver' | 'receiver', outcome: DecisionOutcome): Notice {
  const verb = outcome === 'APPROVED' ? 'godkänt' : 'avslagit';
  const { giver, receiver, perMille } = f.proposal;
  const what =
    party === 'giver'
      ? `ert förslag om att överlåta ${formatPerMille(perMille)} av er anvisningsandel för ${f.year} till ${name(receiver)}`
      : `förslaget om att ${name(giver)} överlåter ${formatPerMille(perMille)} av sin anvisningsandel för ${f.year} till er kommun`;
  const effect =
    outcome === 'APPROVED'
      ? `Omfördelningen ingår i länets rapport till Migrationsverket, som lämnas ${byReport(f)}, och de slutliga andelarna fastställs ${longDate(f.calendar.finalizeAt)}. Rätten till den fasta ersättningen påverkas inte.`
      : 'Andelarna ändras inte av förslaget.';
  const next =
    party === 'giver' && f.windowOpen
      ? ` Ni kan ändra eller återkalla förslaget ${byDeadline(f)}${f.appUrl ? '' : ` (${lower(LOG_IN)})`}; ett ändrat förslag behöver ett nytt samtycke och ett nytt beslut. Annars behöver ni inte göra något.${ownProposalLine(f)}`
      : ' Ni behöver inte göra något.';
  return {
    audience: party,
    subject: subject(f, `länsstyrelsen har ${verb} förslaget från ${name(giver)} till ${name(receiver)}`),
    lines: [
      `Länsstyrelsen i ${countyName(f.county)} har ${verb} ${what}.${replacesText(f)}`,
      ...decisionFacts(f),
      ...partiesResolutions(f, party === 'giver' ? giver : receiver),
      details(f),
      effect + next,
    ],
  };
}

function noLongerReceiver(f: Facts, previous: string): Notice {
  const { giver, receiver } = f.proposal;
  const consented = hadConsent(f.earlier);
  return {
    audience: 'previousReceiver',
    subject: subject(f, `förslaget från ${name(giver)} gäller inte längre er kommun`),
    lines: [
      `${name(giver)} har ändrat sitt förslag om att överlåta en del av sin anvisningsandel för ${f.year} till ${name(previous)}: förslaget gäller nu ${name(receiver)} i stället.` +
        (consented ? ' Ert samtycke gäller inte längre.' : '') +
        (f.earlier?.decision ? ' Länsstyrelsens beslut om förslaget gäller inte heller längre.' : ''),
      'Förslaget berör inte längre er kommun, och ni behöver inte göra något.',
    ],
  };
}

function withdrawn(f: Facts): Notice {
  return {
    audience: 'receiver',
    subject: subject(f, `${name(f.proposal.giver)} har återkallat sitt förslag`),
    lines: [
      `${name(f.proposal.giver)} har återkallat förslaget om att överlåta ${formatPerMille(f.proposal.perMille)} av sin anvisningsandel för ${f.year} till er kommun.` +
        (hadConsent(f.earlier) ? ' Ert samtycke gäller därmed inte längre.' : '') +
        (f.earlier?.decision ? ` Länsstyrelsens beslut att ${outcomeInfinitive(f.earlier.decision.outcome)} förslaget gäller inte heller längre.` : ''),
      details(f),
      'Förslaget ändrar inga andelar, och ni behöver inte göra något.',
    ],
  };
}

/** The giver's receipt for its withdrawal. */
function withdrawalReceipt(f: Facts): Notice {
  const { receiver, perMille } = f.proposal;
  return {
    audience: 'giver',
    subject: subject(f, `ert förslag till ${name(receiver)} är återkallat`),
    lines: [
      `Ert förslag om att överlåta ${formatPerMille(perMille)} av er anvisningsandel för ${f.year} till ${name(receiver)} är återkallat ${longTime(f.event.at)}.` +
        (f.earlier?.decision ? ` Länsstyrelsens beslut att ${outcomeInfinitive(f.earlier.decision.outcome)} förslaget gäller därmed inte längre.` : ''),
      details(f),
      f.windowOpen
        ? `${name(receiver)} och länsstyrelsen har fått besked. Vill ni omfördela en del av er andel kan ni lämna ett nytt förslag ${byDeadline(f)}${f.appUrl ? '' : `: ${lower(LOG_IN)}`}. Annars behöver ni inte göra något.${newProposalLine(f)}`
        : `${name(receiver)} och länsstyrelsen har fått besked, och ni behöver inte göra något.`,
    ],
  };
}

function toCountyNotice(f: Facts, what: string): Notice {
  const { giver, receiver } = f.proposal;
  const lapsed = (f.event.type === 'ProposalAmended' || f.event.type === 'ProposalWithdrawn') && f.earlier?.decision;
  const reason = f.event.type === 'ProposalDecided' ? f.event.reason : undefined;
  return {
    audience: 'county',
    subject: subject(f, what),
    lines: [
      `${what.charAt(0).toUpperCase()}${what.slice(1)}.` +
        (f.event.type === 'ProposalDecided' ? replacesText(f) : '') +
        (lapsed ? ` Länsstyrelsens tidigare beslut ${longTime(lapsed.at)} att ${outcomeInfinitive(lapsed.outcome)} förslaget gäller inte längre.` : ''),
      ...(f.event.type === 'ProposalDecided' ? decisionFacts(f) : reason ? [`Motivering: ${reason}`] : []),
      ...partiesResolutions(f),
      details(f),
      countyNextStep(f, giver, receiver),
    ],
  };
}

function countyNextStep(f: Facts, giver: string, receiver: string): string {
  switch (f.event.type) {
    case 'ProposalSubmitted':
    case 'ProposalAmended':
      return (
        `Ni behöver inte göra något nu. ${name(receiver)} ska svara ${byDeadline(f)}; när de har samtyckt kan länsstyrelsen besluta om förslaget` +
        (f.earlier?.decision && f.event.type === 'ProposalAmended' ? ' på nytt.' : '.')
      );
    case 'ReceiverConsented':
      return (
        `Vad ni behöver göra: ${f.appUrl ? 'Godkänn' : `${LOG_IN} och godkänn`} eller avslå förslaget ${byReport(f)}, då länsrapporten ska vara lämnad. ` +
        `Ni kan besluta redan nu. Ändrar eller återkallar ${name(giver)} förslaget före periodens slut (${longTime(f.calendar.deadline)}) gäller ett beslut inte längre, och ni får ett meddelande.` +
        linkLine('Besluta om förslaget här', page(f, PAGE.decide(giver)))
      );
    case 'ProposalDecided':
      return (
        `Beslutet är registrerat. Vad ni behöver göra: ${f.appUrl ? 'Lämna' : `${LOG_IN} och lämna`} länsrapporten ${byReport(f)}, när länets överenskomna förslag är beslutade.` +
        (f.windowOpen ? ` ${name(giver)} kan ändra eller återkalla förslaget till periodens slut (${longTime(f.calendar.deadline)}); då gäller beslutet inte längre, och ni får ett meddelande.` : '') +
        linkLine('Förhandsgranska och lämna länsrapporten här', page(f, PAGE.report))
      );
    default:
      return 'Förslaget ändrar inga andelar, och ni behöver inte göra något.';
  }
}

/** " Beslutet ersätter …" when the county had decided on this proposal before (else ""). */
function replacesText(f: Facts): string {
  const previous = f.event.type === 'ProposalDecided' ? f.earlier?.decision : undefined;
  return previous ? ` Beslutet ersätter länsstyrelsens tidigare beslut ${longTime(previous.at)} att ${outcomeInfinitive(previous.outcome)} förslaget.` : '';
}

/** Who decided and when (the person where known), and the reason. */
function decisionFacts(f: Facts): string[] {
  if (f.event.type !== 'ProposalDecided') return [];
  const person = personName(f.proposal.decision, f.event.actor.person);
  return [`Beslutet fattades ${longTime(f.event.at)}${person ? ` av ${person}, Länsstyrelsen i ${countyName(f.county)}` : ''}.`, ...(f.event.reason ? [`Motivering: ${f.event.reason}`] : [])];
}

function personName(decision: ProposalDecision | undefined, actor: Person | undefined): string | undefined {
  const person = decision?.person ?? actor;
  return person?.name || person?.email || undefined;
}

/** Both leaderships' resolutions; the reader's own under "Ni har angett:". */
function partiesResolutions(f: Facts, reader?: string): string[] {
  const heading = (code: string) => (code === reader ? 'Ni har angett:' : `${name(code)} har angett:`);
  return [...resolutionLines(heading(f.proposal.giver), f.proposal.giverResolution), ...resolutionLines(heading(f.proposal.receiver), f.proposal.receiverResolution)];
}

const decisionText = (f: Facts, outcome: DecisionOutcome): string =>
  `förslaget från ${name(f.proposal.giver)} till ${name(f.proposal.receiver)} har ${outcome === 'APPROVED' ? 'godkänts' : 'avslagits'}`;

const outcomeInfinitive = (outcome: DecisionOutcome): string => (outcome === 'APPROVED' ? 'godkänna' : 'avslå');

/** Whether the receiver had consented to the proposal as it was (a decided proposal had its consent). */
function hadConsent(p: Proposal | undefined): boolean {
  return p !== undefined && (p.receiverConsentAt !== undefined || p.status === 'AGREED' || p.status === 'APPROVED' || p.status === 'REJECTED');
}

const lower = (text: string): string => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;

function details({ proposal, county, year, event }: Facts): string {
  return [
    `Givande kommun: ${name(proposal.giver)}`,
    `Mottagande kommun: ${name(proposal.receiver)}`,
    `Andel: ${formatPerMille(proposal.perMille)}`,
    `Län: ${countyName(county)}`,
    `Andelsår: ${year}`,
    `Status: ${STATUS_TEXT[proposal.status]}`,
    `Registrerat: ${longTime(event.at)}`,
  ].join('\n');
}

const STATUS_TEXT: Record<ProposalStatus, string> = {
  AWAITING_RECEIVER: 'väntar på mottagande kommuns samtycke',
  AGREED: 'överenskommet, väntar på länsstyrelsens beslut',
  APPROVED: 'godkänt av länsstyrelsen',
  REJECTED: 'avslaget av länsstyrelsen',
  DECLINED: 'avböjt av mottagande kommun',
  WITHDRAWN: 'återkallat av givande kommun',
  EXPIRED: 'förfallet',
};

function addressees(audience: Audience, { proposal, county, previousReceiver }: Facts, contacts: Contacts): Addressing {
  switch (audience) {
    case 'giver':
      return toMunicipality(proposal.giver, contacts);
    case 'receiver':
      return toMunicipality(proposal.receiver, contacts);
    case 'previousReceiver':
      return toMunicipality(previousReceiver!, contacts);
    case 'county':
      return toCounty(county, contacts);
  }
}
