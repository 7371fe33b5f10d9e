import { approvedProposals, shareLines, type LedgerState, type Proposal } from '../domain/ledger';
import { toPerMille, type Milli } from '../domain/per-mille';
import { findMunicipality } from '../reference';
import type { LedgerEvent, LedgerKey } from '../schemas/ledger';
import type { AuditEvent, ProposalView, ShareRow } from '../schemas/api';

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

function perMilleRecord(shares: Record<string, Milli>): Record<string, number> {
  return Object.fromEntries(Object.entries(shares).map(([code, milli]) => [code, toPerMille(milli)]));
}
