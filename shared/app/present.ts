import { approvedProposals, shareLines, type HistoryEntry, type LedgerState, type Proposal } from '../domain/ledger';
import { toPerMille, type Milli } from '../domain/per-mille';
import { findMunicipality } from '../reference';
import type { Actor, LedgerEvent, LedgerKey } from '../schemas/ledger';
import type { AuditEvent, HistoryActor, ProposalHistoryEvent, ProposalView, ShareRow } from '../schemas/api';

/** A proposal as the API shows it: amounts back to per mille, year and county added. */
export function presentProposal({ year, county }: LedgerKey, p: Proposal): ProposalView {
  return {
    year,
    giver: p.giver,
    receiver: p.receiver,
    county,
    perMille: toPerMille(p.perMille),
    status: p.status,
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    ...(p.receiverConsentAt ? { receiverConsentAt: p.receiverConsentAt } : {}),
    ...(p.decision ? { decision: p.decision } : {}),
    ...(p.giverResolution ? { giverResolution: p.giverResolution } : {}),
    ...(p.receiverResolution ? { receiverResolution: p.receiverResolution } : {}),
  };
}

/** Every proposal of a ledger, by giver. */
export function presentProposals(state: LedgerState, keep: (p: Proposal) => boolean = () => true): ProposalView[] {
  return Object.values(state.proposals)
    .filter(keep)
    .sort((a, b) => a.giver.localeCompare(b.giver))
    .map((p) => presentProposal(state, p));
}

/** One row per municipality with imported shares; given and received count approved proposals only (R8). */
export function presentShareRows(state: LedgerState): ShareRow[] {
  if (!state.preliminary) return [];
  return shareLines(state.preliminary, approvedProposals(state)).map((line) => ({
    municipality: line.municipality,
    name: findMunicipality(line.municipality)?.name ?? line.municipality,
    county: state.county,
    preliminaryPerMille: toPerMille(line.preliminary),
    givenPerMille: toPerMille(line.given),
    receivedPerMille: toPerMille(line.received),
    finalPerMille: state.final ? toPerMille(state.final[line.municipality] ?? 0) : null,
  }));
}

/** An event as the audit shows it: everything recorded (the actor with its person, any resolution), amounts in per mille. */
export function presentEvent(event: LedgerEvent): AuditEvent {
  if ('shares' in event) return { ...event, shares: perMilleRecord(event.shares) };
  if ('perMille' in event) return { ...event, perMille: toPerMille(event.perMille) };
  return { ...event };
}

/**
 * A step of a proposal's history as the API shows it: each kind with its own fields only, the
 * amount in per mille, and who acted by role, organisation and name (never an e-mail or a subject).
 */
export function presentHistoryEntry(entry: HistoryEntry): ProposalHistoryEvent {
  const happened = { at: entry.at, actor: historyActor(entry.actor) };
  const resolution = 'resolution' in entry && entry.resolution ? { resolution: entry.resolution } : {};
  switch (entry.type) {
    case 'ProposalSubmitted':
    case 'ProposalAmended':
      return { type: entry.type, ...happened, receiver: entry.receiver, perMille: toPerMille(entry.perMille), ...resolution };
    case 'ReceiverConsented':
    case 'ReceiverDeclined':
      return { type: entry.type, ...happened, ...resolution };
    case 'ProposalDecided':
      return { type: entry.type, ...happened, outcome: entry.outcome, ...(entry.reason !== undefined ? { reason: entry.reason } : {}) };
    default:
      return { type: entry.type, ...happened };
  }
}

function historyActor({ role, id, person }: Actor): HistoryActor {
  return { role, ...(id ? { id } : {}), ...(person?.name ? { name: person.name } : {}) };
}

function perMilleRecord(shares: Record<string, Milli>): Record<string, number> {
  return Object.fromEntries(Object.entries(shares).map(([code, milli]) => [code, toPerMille(milli)]));
}
