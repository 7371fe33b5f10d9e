import { refuse } from '../errors';
import { sum, type Milli } from '../per-mille';
import type { LedgerState, Proposal } from './state';

export interface ShareLine {
  municipality: string;
  preliminary: Milli;
  given: Milli;
  received: Milli;
  /** preliminary − given + received (R9). */
  resulting: Milli;
}

/** Only approved proposals move shares (R8). */
export function approvedProposals(state: LedgerState): Proposal[] {
  return Object.values(state.proposals).filter((p) => p.status === 'APPROVED');
}

/** Every municipality's preliminary, given, received and resulting share (R9). */
export function shareLines(preliminary: Record<string, Milli>, approved: readonly Proposal[]): ShareLine[] {
  return Object.keys(preliminary)
    .sort()
    .map((municipality) => {
      const given = sum(approved.filter((p) => p.giver === municipality).map((p) => p.perMille));
      const received = sum(approved.filter((p) => p.receiver === municipality).map((p) => p.perMille));
      const prelim = preliminary[municipality]!;
      return { municipality, preliminary: prelim, given, received, resulting: prelim - given + received };
    });
}

/** The final shares of a county; refuses a result that is negative or changes the county total. */
export function finalShares(preliminary: Record<string, Milli>, approved: readonly Proposal[]): Record<string, Milli> {
  const lines = shareLines(preliminary, approved);
  const negative = lines.filter((l) => l.resulting < 0);
  if (negative.length > 0) refuse('NEGATIVE_SHARE', undefined, negative.map((l) => ({ municipality: l.municipality })));
  const result = Object.fromEntries(lines.map((l) => [l.municipality, l.resulting]));
  assertTotalsKept(preliminary, result);
  return result;
}

/** R9: the county total (and so the national total) is unchanged, to the thousandth. */
export function assertTotalsKept(before: Record<string, Milli>, after: Record<string, Milli>): void {
  const [b, a] = [sum(Object.values(before)), sum(Object.values(after))];
  if (b !== a) refuse('TOTALS_CHANGED', undefined, [{ before: b, after: a }]);
}
