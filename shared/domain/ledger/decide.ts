import { isWithinWindow, windowClosesAt } from '../calendar';
import { RuleError, refuse } from '../errors';
import { findCounty, findMunicipality, municipalitiesOf } from '../../reference';
import type { EventBody, Resolution } from '../../schemas/ledger';
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

  SubmitProposal(state, { giver, receiver, perMille, resolution }, ctx) {
    checkPair(state, giver, receiver);
    requireOpenWindow(state, ctx);
    if (liveProposals(state).some((p) => p.giver === giver)) refuse('GIVER_HAS_PROPOSAL', undefined, [{ giver }]);
    checkGiverRole(state, giver);
    checkReceiverRole(state, giver, receiver);
    checkAmount(state, giver, perMille);
    return { type: 'ProposalSubmitted', giver, receiver, perMille, ...withResolution(resolution) };
  },

  AmendProposal(state, command, ctx) {
    const current = requireProposal(state, command.giver);
    const receiver = command.receiver ?? current.receiver;
    const perMille = command.perMille ?? current.perMille;
    checkPair(state, current.giver, receiver);
    requireOpenWindow(state, ctx);
    requireStatus(current, 'ändras', 'AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED');
    // A rejected proposal is not live, so its giver may since have consented to receive.
    checkGiverRole(state, current.giver);
    // The same receiver is asked again as before; a new receiver is checked as for a new proposal.
    if (receiver !== current.receiver) checkReceiverRole(state, current.giver, receiver);
    checkAmount(state, current.giver, perMille);
    return { type: 'ProposalAmended', giver: current.giver, receiver, perMille, ...withResolution(command.resolution) };
  },

  WithdrawProposal(state, { giver }, ctx) {
    const current = requireProposal(state, giver);
    requireOpenWindow(state, ctx);
    requireStatus(current, 'återkallas', 'AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED');
    return { type: 'ProposalWithdrawn', giver };
  },

  AnswerProposal(state, { giver, respondent, accept, resolution }, ctx) {
    const current = requireProposal(state, giver);
    if (respondent !== current.receiver) refuse('NOT_RECEIVER');
    requireOpenWindow(state, ctx);
    requireStatus(current, 'besvaras', 'AWAITING_RECEIVER');
    // R4: consenting makes the respondent a receiver, which a giver cannot be (declining is always possible).
    if (accept && givesLive(state, respondent)) {
      refuse(
        'ROLE_CONFLICT',
        'Er kommun har ett eget förslag om att ge bort andelar och kan därför inte samtycka till att ta emot. Återkalla ert förslag först eller avböj detta.',
        [{ municipality: respondent }],
      );
    }
    return { type: accept ? 'ReceiverConsented' : 'ReceiverDeclined', giver, ...withResolution(resolution) };
  },

  CloseWindow(state) {
    if (state.windowClosedAt) refuse('WINDOW_ALREADY_CLOSED');
    const expired = Object.values(state.proposals)
      .filter((p) => p.status === 'AWAITING_RECEIVER')
      .map((p) => p.giver)
      .sort();
    return { type: 'WindowClosed', expired };
  },

  /** R8: as soon as the receiver has consented, also while the window is open, until the report. */
  DecideProposal(state, { giver, outcome, reason }) {
    const current = requireProposal(state, giver);
    if (state.report) refuse('REPORT_ALREADY_SUBMITTED');
    if (current.status === 'AWAITING_RECEIVER' || current.status === 'EXPIRED') refuse('CONSENT_MISSING', undefined, [{ giver }]);
    requireStatus(current, 'beslutas', 'AGREED', 'APPROVED', 'REJECTED');
    const why = reason?.trim();
    if (outcome === 'REJECTED' && !why) refuse('REJECTION_REASON_REQUIRED');
    // A rejected proposal is not live: approving it revives it, so R4 must hold for its parties again.
    if (outcome === 'APPROVED' && current.status === 'REJECTED') {
      if (receivesCommitted(state, current.giver)) {
        refuse(
          'ROLE_CONFLICT',
          'Förslaget kan inte godkännas eftersom den givande kommunen efter avslaget har samtyckt till att ta emot andelar från en annan kommun. Låt avslaget stå kvar, eller godkänn först när det andra förslaget till kommunen har återkallats.',
          [{ municipality: current.giver }],
        );
      }
      if (givesLive(state, current.receiver)) {
        refuse(
          'ROLE_CONFLICT',
          'Förslaget kan inte godkännas eftersom den mottagande kommunen efter avslaget har lämnat ett eget förslag om att ge bort andelar. Låt avslaget stå kvar, eller godkänn först när kommunen har återkallat sitt förslag.',
          [{ municipality: current.receiver }],
        );
      }
    }
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

/**
 * R4: no municipality both gives and receives in a year (R3: receiving from many is fine).
 * Roles follow commitments: a municipality gives once it has a live proposal of its own, and
 * receives once it has consented (a proposal to it that is AGREED or APPROVED). A proposal
 * that merely awaits its answer commits the receiver to nothing.
 */
function givesLive(state: LedgerState, municipality: string): boolean {
  return liveProposals(state).some((p) => p.giver === municipality);
}

function receivesCommitted(state: LedgerState, municipality: string): boolean {
  return Object.values(state.proposals).some((p) => p.receiver === municipality && COMMITTED_STATUSES.includes(p.status));
}

/** Statuses in which the receiver has consented and the proposal still stands. */
const COMMITTED_STATUSES: readonly Proposal['status'][] = ['AGREED', 'APPROVED'];

/** A giver that has consented to receive cannot give. */
function checkGiverRole(state: LedgerState, giver: string): void {
  if (receivesCommitted(state, giver)) {
    refuse(
      'ROLE_CONFLICT',
      'Er kommun har samtyckt till att ta emot andelar i år och kan därför inte ge bort andelar. Det går först om den givande kommunen återkallar eller ändrar sitt förslag till er.',
      [{ municipality: giver }],
    );
  }
}

/** Proposing to a municipality that has a live proposal of its own is refused. */
function checkReceiverRole(state: LedgerState, giver: string, receiver: string): void {
  if (receiver !== giver && givesLive(state, receiver)) {
    refuse(
      'ROLE_CONFLICT',
      'Den mottagande kommunen har ett eget förslag om att ge bort andelar och kan därför inte ta emot. Välj en annan mottagare, eller vänta tills kommunen har återkallat sitt förslag.',
      [{ municipality: receiver }],
    );
  }
}

/**
 * What a leadership stated, tidied: text trimmed, empty fields left out, no `resolution`
 * at all when nothing is left.
 */
function cleanResolution(resolution: Resolution | undefined): Resolution | undefined {
  if (!resolution) return undefined;
  const text = (value: string | undefined) => value?.trim() || undefined;
  const contact = {
    ...(text(resolution.contact?.name) ? { name: text(resolution.contact?.name) } : {}),
    ...(text(resolution.contact?.email) ? { email: text(resolution.contact?.email) } : {}),
    ...(text(resolution.contact?.phone) ? { phone: text(resolution.contact?.phone) } : {}),
  };
  const clean: Resolution = {
    ...(text(resolution.decisionReference) ? { decisionReference: text(resolution.decisionReference) } : {}),
    ...(Object.keys(contact).length > 0 ? { contact } : {}),
    ...(text(resolution.comment) ? { comment: text(resolution.comment) } : {}),
  };
  return Object.keys(clean).length > 0 ? clean : undefined;
}

function withResolution(resolution: Resolution | undefined): { resolution?: Resolution } {
  const clean = cleanResolution(resolution);
  return clean ? { resolution: clean } : {};
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

/** `action`: what was asked, as a passive verb ("ändras", "återkallas", "besvaras", "beslutas"). */
function requireStatus(proposal: Proposal, action: string, ...allowed: Proposal['status'][]): void {
  if (!allowed.includes(proposal.status)) {
    refuse('INVALID_STATUS', wrongStatusMessage(proposal.status, action), [{ status: proposal.status }]);
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
