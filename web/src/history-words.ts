import { findCounty } from '../../shared/reference';
import type { HistoryActor, ProposalHistoryEvent } from '../../shared/schemas/api';
import { formatPerMille } from './format';
import { municipalityName } from './words';

/**
 * A proposal's history in plain Swedish: who ("Anna Berg, Tierp (0360)"), what ("Lämnade
 * förslaget: 1,5 promille till Enköping (0381)") and what the leadership stated with it.
 */

const withCode = (code: string): string => `${municipalityName(code)} (${code})`;

function organisationOf(actor: HistoryActor): string {
  if (actor.role === 'municipality' && actor.id) return withCode(actor.id);
  if (actor.role === 'county' && actor.id) return `Länsstyrelsen i ${findCounty(actor.id)?.name ?? actor.id}`;
  if (actor.role === 'admin') return 'Administratör';
  return 'Tjänsten (automatiskt)';
}

/** The person's name, when the sign-in gave one, then the organisation. */
export function whoActed(actor: HistoryActor): string {
  const organisation = organisationOf(actor);
  return actor.name && actor.name !== organisation ? `${actor.name}, ${organisation}` : organisation;
}

export function whatHappened(e: ProposalHistoryEvent): string {
  switch (e.type) {
    case 'ProposalSubmitted':
      return `Lämnade förslaget: ${formatPerMille(e.perMille)} till ${withCode(e.receiver)}`;
    case 'ProposalAmended':
      return `Ändrade förslaget: ${formatPerMille(e.perMille)} till ${withCode(e.receiver)}`;
    case 'ReceiverReplaced':
      return 'Ändrade förslaget till en annan mottagande kommun';
    case 'ProposalWithdrawn':
      return 'Återkallade förslaget';
    case 'ReceiverConsented':
      return 'Samtyckte';
    case 'ReceiverDeclined':
      return 'Avböjde';
    case 'ProposalDecided':
      return e.outcome === 'APPROVED' ? 'Godkände' : `Avslog${e.reason ? `: ${e.reason}` : ''}`;
    case 'ProposalExpired':
      return 'Förslaget förföll: mottagaren hade inte svarat när perioden för förslag stängde';
    case 'ProposalLeftOut':
      return 'Förslaget beslutades inte: länsrapporten lämnades automatiskt utan det, så det ändrar inga andelar';
  }
}

/** What the leadership stated with the step (decision reference, contact person, comment), one line each. */
export function statedWith(e: ProposalHistoryEvent): string[] {
  const r = 'resolution' in e ? e.resolution : undefined;
  if (!r) return [];
  const contact = [r.contact?.name, r.contact?.email, r.contact?.phone].filter(Boolean).join(', ');
  return [
    ...(r.decisionReference ? [`Beslutets diarienummer: ${r.decisionReference}`] : []),
    ...(contact ? [`Kontaktperson: ${contact}`] : []),
    ...(r.comment ? [`Kommentar: ${r.comment}`] : []),
  ];
}
