import type { Calendar } from '../calendar';
import type { Actor, DecisionOutcome, Resolution } from '../../schemas/ledger';
import type { Milli } from '../per-mille';

/** What may be asked of a county ledger. Amounts are already parsed to exact Milli. */
export type Command =
  | { type: 'ImportShares'; shares: Record<string, Milli> }
  | { type: 'OpenWindow' }
  | { type: 'SubmitProposal'; giver: string; receiver: string; perMille: Milli; resolution?: Resolution }
  | { type: 'AmendProposal'; giver: string; receiver?: string; perMille?: Milli; resolution?: Resolution }
  | { type: 'WithdrawProposal'; giver: string }
  | { type: 'AnswerProposal'; giver: string; respondent: string; accept: boolean; resolution?: Resolution }
  | { type: 'CloseWindow' }
  | { type: 'DecideProposal'; giver: string; outcome: DecisionOutcome; reason?: string }
  | { type: 'SubmitCountyReport'; auto: boolean }
  | { type: 'FinalizeShares' };

export type CommandType = Command['type'];

/** What the imperative shell passes in: the clock, the year's calendar and who asks. */
export interface CommandContext {
  now: string;
  calendar: Pick<Calendar, 'publishAt' | 'deadline'>;
  actor: Actor;
}
