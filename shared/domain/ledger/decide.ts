import { isWithinWindow, windowClosesAt } from '../calendar';
import { RuleError, refuse } from '../errors';
import { findCounty, findMunicipality, municipalitiesOf } from '../../reference';
import type { EventBody } from '../../schemas/ledger';
import type { Milli } from '../per-mille';
import { wrongStatusMessage } from '../status-names';
import type { Command, CommandContext } from './commands';
import { approvedProposals, finalShares } from './final-shares';
import { liveProposals, type LedgerState, type Proposal } from './state';

export type Decision = { ok: true; event: EventBody } | { ok: false; error: RuleError };

/** The county ledger's rules (R1–R9): one command in, one event or one refusal out. */
export function decide(state: LedgerState, command: Command, ctx: CommandContext): Decision {
  try {
    if (!findCounty(state.county)) refuse('UNKNOWN_COUNTY', `Länet ${state.county} finns inte.`, [{ county: state.county }]);
    return { ok: true, event: handlers[command.type](state, command as never, ctx) };
  } catch (error) {
    if (error instanceof RuleError) return { ok: false, error };
    throw error;
  }
}

type Handler<T extends Command['type']> = (state: LedgerState, command: Extract<Command, { type: T }>, ctx: CommandContext) => EventBody;

const handlers: { [T in Command['type']]: Handler<T> } = {
  ImportShares(state, { shares }, ctx) {
    if (Object.keys(state.proposals).length > 0 || isClosed(state, ctx) || state.report || state.final) refuse('SHARES_LOCKED');
    checkCompleteShares(state.county, shares);
    return { type: 'SharesImported', shares };
  },

  OpenWindow(state) {
    if (!state.preliminary) refuse('SHARES_NOT_IMPORTED');
    if (state.windowClosedAt) refuse('WINDOW_ALREADY_CLOSED');
    if (state.windowOpenedAt) refuse('WINDOW_ALREADY_OPEN');
    return { type: 'WindowOpened' };
  },

  SubmitProposal(state, { giver, receiver, perMille }, ctx) {
    checkPair(state, giver, receiver);
    requireOpenWindow(state, ctx);
    if (liveProposals(state).some((p) => p.giver === giver)) refuse('GIVER_HAS_PROPOSAL', undefined, [{ giver }]);
    checkRoles(state, giver, receiver);
    checkAmount(state, giver, perMille);
    return { type: 'ProposalSubmitted', giver, receiver, perMille };
  },

  AmendProposal(state, command, ctx) {
    const current = requireProposal(state, command.giver);
    const receiver = command.receiver ?? current.receiver;
    const perMille = command.perMille ?? current.perMille;
    checkPair(state, current.giver, receiver);
    requireOpenWindow(state, ctx);
    requireStatus(current, 'AWAITING_RECEIVER', 'AGREED');
    checkRoles(state, current.giver, receiver);
    checkAmount(state, current.giver, perMille);
    return { type: 'ProposalAmended', giver: current.giver, receiver, perMille };
  },

  WithdrawProposal(state, { giver }, ctx) {
    const current = requireProposal(state, giver);
    requireOpenWindow(state, ctx);
    requireStatus(current, 'AWAITING_RECEIVER', 'AGREED');
    return { type: 'ProposalWithdrawn', giver };
  },

  AnswerProposal(state, { giver, respondent, accept }, ctx) {
    const current = requireProposal(state, giver);
    if (respondent !== current.receiver) refuse('NOT_RECEIVER');
    requireOpenWindow(state, ctx);
    requireStatus(current, 'AWAITING_RECEIVER');
    return { type: accept ? 'ReceiverConsented' : 'ReceiverDeclined', giver };
  },

  CloseWindow(state) {
    if (state.windowClosedAt) refuse('WINDOW_ALREADY_CLOSED');
    const expired = Object.values(state.proposals)
      .filter((p) => p.status === 'AWAITING_RECEIVER')
      .map((p) => p.giver)
      .sort();
    return { type: 'WindowClosed', expired };
  },

  DecideProposal(state, { giver, outcome, reason }, ctx) {
    const current = requireProposal(state, giver);
    if (!isClosed(state, ctx)) refuse('WINDOW_STILL_OPEN');
    if (state.report) refuse('REPORT_ALREADY_SUBMITTED');
    if (current.status === 'AWAITING_RECEIVER' || current.status === 'EXPIRED') refuse('CONSENT_MISSING', undefined, [{ giver }]);
    requireStatus(current, 'AGREED', 'APPROVED', 'REJECTED');
    const why = reason?.trim();
    if (outcome === 'REJECTED' && !why) refuse('REJECTION_REASON_REQUIRED');
    return { type: 'ProposalDecided', giver, outcome, ...(why ? { reason: why } : {}) };
  },

  SubmitCountyReport(state, { auto }, ctx) {
    if (state.report) refuse('REPORT_ALREADY_SUBMITTED');
    if (!isClosed(state, ctx)) refuse('WINDOW_NOT_CLOSED');
    const undecided = Object.values(state.proposals).filter((p) => p.status === 'AGREED');
    if (!auto && undecided.length > 0) refuse('UNDECIDED_PROPOSALS', undefined, undecided.map((p) => ({ giver: p.giver })));
    return { type: 'CountyReportSubmitted', mode: auto ? 'AUTO_SUBMITTED' : 'SUBMITTED' };
  },

  FinalizeShares(state) {
    if (state.final) refuse('ALREADY_FINAL');
    if (!state.report) refuse('REPORT_NOT_SUBMITTED');
    if (!state.preliminary) refuse('SHARES_NOT_IMPORTED');
    return { type: 'SharesFinalized', shares: finalShares(state.preliminary, approvedProposals(state)) };
  },
};

/** R6: open between publish and deadline, once shares exist, unless the workflow closed it. */
function requireOpenWindow(state: LedgerState, ctx: CommandContext): void {
  if (!state.preliminary) refuse('SHARES_NOT_IMPORTED');
  if (state.windowClosedAt || !isWithinWindow(ctx.calendar, ctx.now)) refuse('SUBMISSION_WINDOW_CLOSED');
}

function isClosed(state: LedgerState, ctx: CommandContext): boolean {
  return state.windowClosedAt !== null || Date.parse(ctx.now) >= Date.parse(windowClosesAt(ctx.calendar));
}

/** R1: two different, known municipalities, both in this ledger's county. */
function checkPair(state: LedgerState, giver: string, receiver: string): void {
  for (const code of [giver, receiver]) {
    if (!findMunicipality(code)) refuse('UNKNOWN_MUNICIPALITY', `Kommunen ${code} finns inte.`, [{ municipality: code }]);
  }
  if (giver === receiver) refuse('SAME_MUNICIPALITY');
  if (findMunicipality(giver)!.county !== state.county || findMunicipality(receiver)!.county !== state.county) {
    refuse('OTHER_COUNTY', undefined, [{ giver, receiver }]);
  }
}

/** R4: no municipality both gives and receives in a year (R3: receiving from many is fine). */
function checkRoles(state: LedgerState, giver: string, receiver: string): void {
  const others = liveProposals(state).filter((p) => p.giver !== giver);
  if (others.some((p) => p.receiver === giver)) refuse('ROLE_CONFLICT', 'Kommunen tar redan emot andelar och kan inte ge bort.', [{ municipality: giver }]);
  if (others.some((p) => p.giver === receiver)) refuse('ROLE_CONFLICT', 'Mottagaren ger redan bort andelar och kan inte ta emot.', [{ municipality: receiver }]);
}

/** R5: 0 < amount ≤ the giver's preliminary share. */
function checkAmount(state: LedgerState, giver: string, perMille: Milli): void {
  if (!Number.isSafeInteger(perMille)) refuse('INVALID_AMOUNT');
  if (perMille <= 0) refuse('AMOUNT_NOT_POSITIVE');
  const share = state.preliminary?.[giver] ?? 0;
  if (perMille > share) refuse('AMOUNT_EXCEEDS_SHARE', undefined, [{ preliminaryPerMille: share / 1000 }]);
}

function requireProposal(state: LedgerState, giver: string): Proposal {
  return state.proposals[giver] ?? refuse('PROPOSAL_NOT_FOUND', undefined, [{ giver }]);
}

function requireStatus(proposal: Proposal, ...allowed: Proposal['status'][]): void {
  if (!allowed.includes(proposal.status)) {
    refuse('INVALID_STATUS', wrongStatusMessage(proposal.status), [{ status: proposal.status }]);
  }
}

function checkCompleteShares(county: string, shares: Record<string, Milli>): void {
  const expected = municipalitiesOf(county).map((m) => m.code);
  const missing = expected.filter((code) => !(code in shares));
  const foreign = Object.keys(shares).filter((code) => !expected.includes(code));
  const bad = Object.entries(shares).filter(([, v]) => !Number.isSafeInteger(v) || v < 0);
  if (missing.length || foreign.length || bad.length) {
    refuse('INVALID_SHARES', undefined, [{ missing, foreign, invalid: bad.map(([code]) => code) }]);
  }
}
