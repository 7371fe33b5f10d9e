import type { LedgerState, Proposal } from '../domain/ledger';
import type { Milli } from '../domain/per-mille';
import { findCounty, findMunicipality } from '../reference';
import type { Contacts } from '../schemas/contacts';
import type { DecisionOutcome, LedgerEvent, LedgerKey, ProposalStatus } from '../schemas/ledger';
import { defaultCountyContact, defaultMunicipalityContact } from './default-contacts';
import { recipientKey, type Mail } from './mailer';

/**
 * The e-mail notices of the county ledger, in Swedish. Pure: who gets what follows from the
 * event, the ledger right after it, and the contacts (DESIGN.md "E-mail (SES)"):
 *   ProposalSubmitted, ProposalAmended → receiver (consent asked), county
 *   ProposalAmended to another receiver → also the previous receiver (no longer concerned)
 *   ReceiverConsented, ReceiverDeclined → giver, county
 *   ProposalDecided                     → giver, receiver (one mail each), county
 *   ProposalWithdrawn                   → receiver, county
 * "county" is the county mailbox with the county's officer in copy. Other events → none.
 * `before` is the ledger just before the event (for an amendment: who the receiver was).
 */
export function mailsForLedgerEvent(key: LedgerKey, event: LedgerEvent, state: LedgerState, contacts: Contacts, before?: LedgerState): Mail[] {
  if (!('giver' in event)) return [];
  const proposal = state.proposals[event.giver];
  if (!proposal) return [];
  const earlier = before?.proposals[event.giver]?.receiver;
  const previousReceiver = event.type === 'ProposalAmended' && earlier !== undefined && earlier !== proposal.receiver ? earlier : undefined;
  const facts: Facts = { ...key, proposal, event, ...(previousReceiver && { previousReceiver }) };
  const dedupeKey = ledgerDedupeKey(key, event.seq);
  return noticesFor(facts).map((n) => ({ ...addressees(n.audience, facts, contacts), subject: n.subject, text: body(n.lines), dedupeKey }));
}

export const ledgerDedupeKey = ({ year, county }: LedgerKey, seq: number): string => `${year}#${county}#${seq}`;

/** "1,25 promille": Swedish decimal comma, exact (n/1000 prints as its shortest decimal). */
export function formatPerMille(milli: Milli): string {
  return `${String(milli / 1000).replace('.', ',')} promille`;
}

type Audience = 'giver' | 'receiver' | 'previousReceiver' | 'county';

interface Notice {
  audience: Audience;
  subject: string;
  lines: string[];
}

interface Facts extends LedgerKey {
  proposal: Proposal;
  event: LedgerEvent;
  /** The receiver before an amendment that changed it. */
  previousReceiver?: string;
}

function noticesFor(f: Facts): Notice[] {
  switch (f.event.type) {
    case 'ProposalSubmitted':
      return [askConsent(f, 'nytt'), toCounty(f, `nytt förslag från ${name(f.proposal.giver)} till ${name(f.proposal.receiver)}`)];
    case 'ProposalAmended':
      return [
        askConsent(f, 'ändrat'),
        ...(f.previousReceiver ? [noLongerReceiver(f, f.previousReceiver)] : []),
        toCounty(f, `ändrat förslag från ${name(f.proposal.giver)} till ${name(f.proposal.receiver)}`),
      ];
    case 'ReceiverConsented':
      return [answered(f, 'har samtyckt till'), toCounty(f, `${name(f.proposal.receiver)} har samtyckt till förslaget från ${name(f.proposal.giver)}`)];
    case 'ReceiverDeclined':
      return [answered(f, 'har avböjt'), toCounty(f, `${name(f.proposal.receiver)} har avböjt förslaget från ${name(f.proposal.giver)}`)];
    case 'ProposalDecided':
      return [
        decided(f, 'giver', f.event.outcome, f.event.reason),
        decided(f, 'receiver', f.event.outcome, f.event.reason),
        toCounty(f, decisionText(f, f.event.outcome), f.event.reason),
      ];
    case 'ProposalWithdrawn':
      return [withdrawn(f), toCounty(f, `${name(f.proposal.giver)} har återkallat sitt förslag`)];
    default:
      return [];
  }
}

function askConsent(f: Facts, kind: 'nytt' | 'ändrat'): Notice {
  const { giver } = f.proposal;
  return {
    audience: 'receiver',
    subject: subject(f, `${kind} förslag från ${name(giver)} väntar på ert samtycke`),
    lines: [
      `${name(giver)} föreslår att överlåta ${formatPerMille(f.proposal.perMille)} av sin anvisningsandel för ${f.year} till er kommun.` +
        (kind === 'ändrat' ? ' Förslaget har ändrats och behöver ert samtycke på nytt.' : ''),
      details(f),
      'Svara genom att samtycka eller avböja i tjänsten Omfördelning:\n' +
        `POST /v1/years/${f.year}/proposals/${giver}/consent med {"accept": true} (samtycke) eller {"accept": false} (avböj).`,
      'Ett förslag som inte har båda kommunernas samtycke när perioden för förslag stänger förfaller.',
    ],
  };
}

function answered(f: Facts, verb: string): Notice {
  const consented = f.event.type === 'ReceiverConsented';
  return {
    audience: 'giver',
    subject: subject(f, `${name(f.proposal.receiver)} ${verb} ert förslag`),
    lines: [
      `${name(f.proposal.receiver)} ${verb} ert förslag om att överlåta ${formatPerMille(f.proposal.perMille)} av er anvisningsandel för ${f.year}.`,
      details(f),
      consented
        ? 'Förslaget går nu vidare till länsstyrelsen, som beslutar om det efter att perioden för förslag har stängt.'
        : 'Ni kan lämna ett nytt förslag medan perioden för förslag är öppen.',
    ],
  };
}

/** One mail per party, each in its own words (and one address per mail, see local/ses.ts). */
function decided(f: Facts, party: 'giver' | 'receiver', outcome: DecisionOutcome, reason?: string): Notice {
  const verb = outcome === 'APPROVED' ? 'godkänt' : 'avslagit';
  const { giver, receiver, perMille } = f.proposal;
  const what =
    party === 'giver'
      ? `ert förslag om att överlåta ${formatPerMille(perMille)} av er anvisningsandel för ${f.year} till ${name(receiver)}`
      : `förslaget om att ${name(giver)} överlåter ${formatPerMille(perMille)} av sin anvisningsandel för ${f.year} till er kommun`;
  return {
    audience: party,
    subject: subject(f, `länsstyrelsen har ${verb} förslaget från ${name(giver)} till ${name(receiver)}`),
    lines: [
      `Länsstyrelsen i ${countyName(f.county)} har ${verb} ${what}.`,
      ...(reason ? [`Motivering: ${reason}`] : []),
      details(f),
      outcome === 'APPROVED'
        ? 'Omfördelningen ingår i länets rapport till Migrationsverket, som fastställer de slutliga andelarna. Rätten till den fasta ersättningen påverkas inte.'
        : 'Andelarna ändras inte av förslaget.',
    ],
  };
}

function noLongerReceiver(f: Facts, previous: string): Notice {
  const { giver, receiver } = f.proposal;
  return {
    audience: 'previousReceiver',
    subject: subject(f, `förslaget från ${name(giver)} gäller inte längre er kommun`),
    lines: [
      `${name(giver)} har ändrat sitt förslag om att överlåta en del av sin anvisningsandel för ${f.year} till ${name(previous)}: förslaget gäller nu ${name(receiver)} i stället. ` +
        'Ett samtycke som ni har lämnat gäller inte längre, och ni behöver inte göra något.',
    ],
  };
}

function withdrawn(f: Facts): Notice {
  return {
    audience: 'receiver',
    subject: subject(f, `${name(f.proposal.giver)} har återkallat sitt förslag`),
    lines: [
      `${name(f.proposal.giver)} har återkallat förslaget om att överlåta ${formatPerMille(f.proposal.perMille)} av sin anvisningsandel för ${f.year} till er kommun. Ni behöver inte göra något.`,
      details(f),
    ],
  };
}

function toCounty(f: Facts, what: string, reason?: string): Notice {
  return {
    audience: 'county',
    subject: subject(f, what),
    lines: [
      `${what.charAt(0).toUpperCase()}${what.slice(1)}.`,
      ...(reason ? [`Motivering: ${reason}`] : []),
      details(f),
      `Länets förslag finns i tjänsten Omfördelning: GET /v1/years/${f.year}/proposals.`,
    ],
  };
}

const decisionText = (f: Facts, outcome: DecisionOutcome): string =>
  `förslaget från ${name(f.proposal.giver)} till ${name(f.proposal.receiver)} har ${outcome === 'APPROVED' ? 'godkänts' : 'avslagits'}`;

function details({ proposal, county, year, event }: Facts): string {
  return [
    `Givande kommun: ${name(proposal.giver)}`,
    `Mottagande kommun: ${name(proposal.receiver)}`,
    `Andel: ${formatPerMille(proposal.perMille)}`,
    `Län: ${countyName(county)}`,
    `Andelsår: ${year}`,
    `Status: ${STATUS_TEXT[proposal.status]}`,
    `Registrerat: ${stockholmTime(event.at)} (händelse ${event.seq})`,
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

const STOCKHOLM = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });
const stockholmTime = (instant: string): string => STOCKHOLM.format(new Date(instant));

const subject = (f: Facts, what: string): string => `Omfördelning ${f.year}: ${what}`;

const body = (paragraphs: string[]): string =>
  ['Hej!', ...paragraphs, 'Med vänlig hälsning\nOmfördelning – omfördelning av anvisningsandelar för ensamkommande barn\n(Det här är ett automatiskt meddelande.)'].join('\n\n') + '\n';

const name = (code: string): string => `${findMunicipality(code)?.name ?? 'Kommun'} (${code})`;
const countyName = (code: string): string => findCounty(code)?.name ?? `Län ${code}`;

function addressees(audience: Audience, { proposal, county, previousReceiver }: Facts, contacts: Contacts): Pick<Mail, 'to' | 'cc'> {
  const email = (code: string) => (contacts.municipalities[code] ?? defaultMunicipalityContact(code)).email;
  const office = contacts.counties[county] ?? defaultCountyContact(county);
  switch (audience) {
    case 'giver':
      return { to: [email(proposal.giver)], cc: [] };
    case 'receiver':
      return { to: [email(proposal.receiver)], cc: [] };
    case 'previousReceiver':
      return { to: [email(previousReceiver!)], cc: [] };
    case 'county':
      return { to: [office.mailbox], cc: same(office.officer, office.mailbox) ? [] : [office.officer] };
  }
}

const same = (a: string, b: string): boolean => recipientKey(a) === recipientKey(b);
