import type { ProposalStatus } from '../schemas/ledger';

/**
 * A proposal's status in Swedish words, for everything a person reads (error messages,
 * notices, reports). The codes (AGREED, EXPIRED, …) are the API's contract and never
 * appear in a sentence.
 */
export const PROPOSAL_STATUS_NAMES: Record<ProposalStatus, string> = {
  AWAITING_RECEIVER: 'väntar på samtycke',
  AGREED: 'överenskommet',
  APPROVED: 'godkänt',
  REJECTED: 'avslaget',
  DECLINED: 'avböjt',
  WITHDRAWN: 'återkallat',
  EXPIRED: 'förfallet',
};

/** What a proposal in a status is, to follow "förslaget": "… eftersom förslaget har förfallit." */
export const PROPOSAL_STATUS_CLAUSES: Record<ProposalStatus, string> = {
  AWAITING_RECEIVER: 'väntar på mottagande kommuns samtycke',
  AGREED: 'är överenskommet och väntar på länsstyrelsens beslut',
  APPROVED: 'är godkänt av länsstyrelsen',
  REJECTED: 'är avslaget av länsstyrelsen',
  DECLINED: 'är avböjt av mottagande kommun',
  WITHDRAWN: 'är återkallat av givande kommun',
  EXPIRED: 'har förfallit',
};

/** The refusal of an action a proposal's status does not allow, as a whole sentence. */
export const wrongStatusMessage = (status: ProposalStatus): string =>
  `Åtgärden går inte att utföra eftersom förslaget ${PROPOSAL_STATUS_CLAUSES[status]}.`;
