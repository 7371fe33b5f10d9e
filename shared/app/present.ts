import type { Proposal } from '../domain/ledger';
import { toPerMille } from '../domain/per-mille';
import type { LedgerKey } from '../schemas/ledger';
import type { ProposalView } from '../schemas/api';

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
  };
}
