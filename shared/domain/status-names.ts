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

/** How a status reads in a sentence after "Förslaget": "Förslaget är återkallat …". */
const STATUS_IN_WORDS: Record<ProposalStatus, string> = {
  AWAITING_RECEIVER: 'väntar på mottagarens svar',
  AGREED: 'är redan överenskommet',
  APPROVED: 'är redan godkänt',
  REJECTED: 'är avslaget',
  DECLINED: 'är avböjt av mottagaren',
  WITHDRAWN: 'är återkallat',
  EXPIRED: 'har förfallit',
};

/**
 * The refusal of an action a proposal's status does not allow, as a whole sentence.
 * `action`: what was asked, as a passive verb ("ändras", "återkallas", "besvaras", "beslutas").
 */
export const wrongStatusMessage = (status: ProposalStatus, action: string): string =>
  `Förslaget ${STATUS_IN_WORDS[status]} och kan därför inte ${action}.`;
