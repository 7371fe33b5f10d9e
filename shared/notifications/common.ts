import type { Milli } from '../domain/per-mille';
import { findCounty, findMunicipality } from '../reference';
import type { Contacts } from '../schemas/contacts';
import type { Resolution } from '../schemas/ledger';
import { defaultCountyContact, defaultMunicipalityContact } from './default-contacts';
import { stockholmFormat } from '../domain/stockholm-time';
import { recipientKey, type Mail } from './mailer';

/**
 * What every notice shares: subject, greeting and signature, addressees, names, amounts and
 * Stockholm times, all in Swedish for people who are not developers (no routes, no JSON,
 * no status codes). messages.ts (the ledger's notices) and cycle-messages.ts (the
 * workflow's) build on these; cycle-messages re-exports them for other notice modules.
 */

/** Where a reader acts, in words: for a deployment that has not said where its web app is. */
export const SERVICE = 'tjänsten Omfördelning';
export const LOG_IN = `Logga in i ${SERVICE}`;

/**
 * The web app's pages a notice sends its reader to (the routes of web/src/app.tsx). A notice
 * links the page where the reader's next step is done, under the web app's address
 * (`appUrl`, a fact the caller passes in: APP_BASE_URL); a signed-out reader signs in there
 * and comes back to the page. Without an address the notice says "Logga in i tjänsten" instead.
 */
export const PAGE = {
  /** A municipality's, county's or administrator's start page. */
  start: '/',
  propose: '/forslag/nytt',
  /** A proposal as its giver or receiver sees it (the giver changes or withdraws it there). */
  proposal: (giver: string) => `/forslag/${giver}`,
  answer: (giver: string) => `/forslag/${giver}/svara`,
  decide: (giver: string) => `/beslut/${giver}`,
  report: '/rapport',
} as const;

/** The page's address under the web app's, or undefined when the web app's address is not known. */
export const pageAt = (appUrl: string | undefined, path: string): string | undefined => (appUrl ? `${appUrl.replace(/\/+$/, '')}${path}` : undefined);

/**
 * "\nSvara på förslaget här: https://…": the link on a line of its own, nothing after it (a
 * mail program makes it clickable without taking a full stop along); "" without an address.
 */
export const linkLine = (label: string, url: string | undefined): string => (url ? `\n${label}: ${url}` : '');

/** "Till tjänsten Omfördelning: https://…/", the start page, for a notice whose next step starts there. */
export const toService = (appUrl: string | undefined): string => linkLine(`Till ${SERVICE}`, pageAt(appUrl, PAGE.start));

const SENT_BY = `Meddelandet är skickat från ${SERVICE} (omfördelning av anvisningsandelar för ensamkommande barn)`;

export const subject = (year: number, what: string): string => `Omfördelning ${year}: ${what}`;

/**
 * "Hej!", the paragraphs, and the signature: the county administrative board of `county`
 * (whose mailbox is the mail's Reply-To) and a line saying the service sent it. Without a
 * county (a mail to the administrators) the service signs alone.
 */
export function body(paragraphs: readonly string[], county?: string): string {
  const signature = county
    ? `Med vänlig hälsning\nLänsstyrelsen i ${countyName(county)}\n\n${SENT_BY}. Svarar ni på meddelandet går svaret till länsstyrelsen.\n(Det här är ett automatiskt meddelande.)`
    : 'Med vänlig hälsning\nTjänsten Omfördelning (omfördelning av anvisningsandelar för ensamkommande barn)\n(Det här är ett automatiskt meddelande.)';
  return `${['Hej!', ...paragraphs, signature].join('\n\n')}\n`;
}

/** "Uppsala (0380)". */
export const name = (code: string): string => `${findMunicipality(code)?.name ?? 'Kommun'} (${code})`;
/** "Uppsala län". */
export const countyName = (code: string): string => findCounty(code)?.name ?? `Län ${code}`;
/** The county a municipality belongs to (from the reference data). */
export const countyOf = (municipality: string): string | undefined => findMunicipality(municipality)?.county;

/** "1,25 promille": Swedish decimal comma, exact (n/1000 prints as its shortest decimal). */
export function formatPerMille(milli: Milli): string {
  return `${String(milli / 1000).replace('.', ',')} promille`;
}

const DATE = stockholmFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric' });
const DATE_TIME = stockholmFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const WEEKDAY = stockholmFormat('sv-SE', { weekday: 'long' });

/** "2 november 2030", Stockholm time. */
export const longDate = (instant: string): string => DATE().format(new Date(instant));
/** "2 november 2030 kl. 23:59" (with the weekday first if asked: "lördag 2 november …"), Stockholm time. */
export const longTime = (instant: string, weekday = false): string =>
  `${weekday ? `${WEEKDAY().format(new Date(instant))} ` : ''}${DATE_TIME().format(new Date(instant))}`;

/** Whom a mail goes to: the addresses, and the organisation and county for the year's list of sent mails. */
export type Addressing = Pick<Mail, 'to' | 'cc' | 'replyTo' | 'addressee' | 'county'>;

/** Every address of a municipality, its county's mailbox as Reply-To. */
export function toMunicipality(code: string, contacts: Contacts): Addressing {
  const county = countyOf(code);
  return {
    to: unique((contacts.municipalities[code] ?? defaultMunicipalityContact(code)).emails),
    cc: [],
    ...(county && { replyTo: [countyMailbox(county, contacts)], county }),
    addressee: { organisation: 'municipality', code },
  };
}

/** The county's mailbox, its officers in copy (none twice, not the mailbox again), the mailbox as Reply-To. */
export function toCounty(county: string, contacts: Contacts): Addressing {
  const office = contacts.counties[county] ?? defaultCountyContact(county);
  const mailbox = recipientKey(office.mailbox);
  return {
    to: [office.mailbox],
    cc: unique(office.officers).filter((o) => recipientKey(o) !== mailbox),
    replyTo: [office.mailbox],
    addressee: { organisation: 'county', code: county },
    county,
  };
}

export const countyMailbox = (county: string, contacts: Contacts): string => (contacts.counties[county] ?? defaultCountyContact(county)).mailbox;

function unique(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => !seen.has(recipientKey(a)) && seen.add(recipientKey(a)));
}

/**
 * What a municipality's leadership stated, as lines under a heading ("Uppsala (0380) har
 * angett:"), or nothing when it stated nothing.
 */
export function resolutionLines(heading: string, resolution: Resolution | undefined): string[] {
  if (!resolution) return [];
  const contact = resolution.contact;
  const person = [contact?.name, contact?.email, contact?.phone].filter((v) => v !== undefined && v !== '').join(', ');
  const lines = [
    ...(resolution.decisionReference ? [`Beslut (diarienummer eller paragraf): ${resolution.decisionReference}`] : []),
    ...(person ? [`Kontaktperson: ${person}`] : []),
    ...(resolution.comment ? [`Kommentar: ${resolution.comment}`] : []),
  ];
  return lines.length > 0 ? [`${heading}\n${lines.join('\n')}`] : [];
}
