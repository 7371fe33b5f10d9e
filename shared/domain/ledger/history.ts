import type { Actor, DecisionOutcome, LedgerEvent, LedgerKey, Resolution } from '../../schemas/ledger';
import type { Milli } from '../per-mille';
import { emptyLedger, evolve, type Proposal } from './state';

/**
 * What happened to a giver's proposals in a year, one entry per event about them. Besides the
 * ledger's own events about the proposal, two entries stand for what a county-wide event did
 * to it: ProposalExpired (the window closed before the receiver answered) and ProposalLeftOut
 * (the report went in automatically while it was agreed but undecided, so it changes no share).
 * ReceiverReplaced is how a receiver sees the amendment that named another receiver instead.
 */
export type HistoryEntry = { at: string; actor: Actor } & (
  | { type: 'ProposalSubmitted' | 'ProposalAmended'; receiver: string; perMille: Milli; resolution?: Resolution }
  | { type: 'ReceiverConsented' | 'ReceiverDeclined'; resolution?: Resolution }
  | { type: 'ProposalDecided'; outcome: DecisionOutcome; reason?: string }
  | { type: 'ProposalWithdrawn' | 'ProposalExpired' | 'ProposalLeftOut' | 'ReceiverReplaced' }
);

/** One entry, with the receiver the proposal names after it and, for an amendment that changed it, the one before. */
export interface HistoryStep {
  entry: HistoryEntry;
  receiver: string;
  replaced?: string;
}

/**
 * Every step of a giver's proposals in one county ledger, oldest first: a withdrawn or
 * declined proposal and the one submitted after it alike. Nothing of other proposals.
 */
export function proposalHistory(key: LedgerKey, events: readonly LedgerEvent[], giver: string): HistoryStep[] {
  const steps: HistoryStep[] = [];
  let state = emptyLedger(key);
  for (const event of events) {
    const before = state.proposals[giver];
    state = evolve(state, event);
    const entry = entryOf(event, giver, before);
    if (!entry) continue;
    const receiver = state.proposals[giver]!.receiver;
    const replaced = event.type === 'ProposalAmended' && before && before.receiver !== receiver ? before.receiver : undefined;
    steps.push({ entry, receiver, ...(replaced ? { replaced } : {}) });
  }
  return steps;
}

/**
 * The steps a municipality other than the giver may see: those while the proposal named it
 * as receiver (also of an earlier proposal since withdrawn or declined), and the amendment
 * that named another receiver instead, without the new receiver, amount or resolution. What
 * the giver did with other receivers is theirs.
 */
export function seenByReceiver(steps: readonly HistoryStep[], municipality: string): HistoryEntry[] {
  return steps.flatMap(({ entry, receiver, replaced }) => {
    if (receiver === municipality) return [entry];
    if (replaced === municipality) return [{ type: 'ReceiverReplaced', at: entry.at, actor: entry.actor }];
    return [];
  });
}

function entryOf(event: LedgerEvent, giver: string, before: Proposal | undefined): HistoryEntry | undefined {
  const happened = { at: event.at, actor: event.actor };
  const resolution = 'resolution' in event && event.resolution ? { resolution: event.resolution } : {};
  switch (event.type) {
    case 'ProposalSubmitted':
    case 'ProposalAmended':
      return event.giver === giver ? { ...happened, type: event.type, receiver: event.receiver, perMille: event.perMille, ...resolution } : undefined;
    case 'ReceiverConsented':
    case 'ReceiverDeclined':
      return event.giver === giver ? { ...happened, type: event.type, ...resolution } : undefined;
    case 'ProposalWithdrawn':
      return event.giver === giver ? { ...happened, type: event.type } : undefined;
    case 'ProposalDecided':
      return event.giver === giver ? { ...happened, type: event.type, outcome: event.outcome, ...(event.reason !== undefined ? { reason: event.reason } : {}) } : undefined;
    case 'WindowClosed':
      return event.expired.includes(giver) ? { ...happened, type: 'ProposalExpired' } : undefined;
    case 'CountyReportSubmitted':
      return event.mode === 'AUTO_SUBMITTED' && before?.status === 'AGREED' ? { ...happened, type: 'ProposalLeftOut' } : undefined;
    case 'SharesImported':
    case 'WindowOpened':
    case 'SharesFinalized':
      return undefined;
  }
}
