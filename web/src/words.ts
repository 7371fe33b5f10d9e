import { PROPOSAL_STATUS_NAMES } from '../../shared/domain/status-names';
import type { ProposalView } from '../../shared/schemas/api';
import type { ProposalStatus } from '../../shared/schemas/ledger';
import { findMunicipality } from '../../shared/reference';

export const municipalityName = (code: string): string => findMunicipality(code)?.name ?? code;

/** The status in words, capitalised: "Väntar på samtycke". */
export const statusName = (status: ProposalStatus): string => {
  const name = PROPOSAL_STATUS_NAMES[status];
  return name.charAt(0).toUpperCase() + name.slice(1);
};

export const statusTone = (status: ProposalStatus): 'waiting' | 'good' | 'bad' | 'neutral' =>
  status === 'APPROVED' ? 'good' : status === 'REJECTED' || status === 'DECLINED' || status === 'EXPIRED' ? 'bad' : status === 'WITHDRAWN' ? 'neutral' : 'waiting';

/** What happens next, seen by the municipality `me` (giver or receiver). */
export function nextStep(p: ProposalView, me: string): string {
  const giving = p.giver === me;
  const other = municipalityName(giving ? p.receiver : p.giver);
  switch (p.status) {
    case 'AWAITING_RECEIVER':
      return giving ? `${other} ska svara på förslaget. Ni kan ändra eller återkalla det så länge perioden är öppen.` : `Ni ska svara på förslaget: samtycka eller avböja, med ert beslut.`;
    case 'AGREED':
      return 'Båda kommunerna är överens. Länsstyrelsen godkänner eller avslår förslaget senast när länsrapporten lämnas.';
    case 'APPROVED':
      return 'Länsstyrelsen har godkänt förslaget. Det ingår i länets rapport.';
    case 'REJECTED':
      return giving ? 'Länsstyrelsen har avslagit förslaget. Ni kan ändra det och skicka det igen, eller återkalla det.' : 'Länsstyrelsen har avslagit förslaget.';
    case 'DECLINED':
      return giving ? `${other} har avböjt. Ni kan lämna ett nytt förslag medan perioden är öppen.` : 'Ni har avböjt förslaget.';
    case 'WITHDRAWN':
      return giving ? 'Ni har återkallat förslaget. Ni kan lämna ett nytt förslag medan perioden är öppen.' : `${other} har återkallat förslaget.`;
    case 'EXPIRED':
      return 'Förslaget besvarades inte före sista dag och gäller inte längre.';
  }
}

/** Statuses in which the giver may amend or withdraw (the ledger refuses the others). */
export const CHANGEABLE: readonly ProposalStatus[] = ['AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED'];
