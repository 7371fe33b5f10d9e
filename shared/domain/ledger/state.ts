import type { Actor, DecisionOutcome, LedgerEvent, LedgerKey, Person, ProposalStatus, ReportMode, Resolution } from '../../schemas/ledger';
import type { Milli } from '../per-mille';
import { displayOf } from '../person';

export interface ProposalDecision {
  outcome: DecisionOutcome;
  reason?: string;
  at: string;
  /** Who decided, as a person reads it: the name, else the e-mail, else the token subject (else the county code). */
  by: string;
  person?: Person;
}

export interface Proposal {
  giver: string;
  receiver: string;
  perMille: Milli;
  status: ProposalStatus;
  /** Bumped by every event that touches the proposal. */
  version: number;
  createdAt: string;
  updatedAt: string;
  receiverConsentAt?: string;
  decision?: ProposalDecision;
  /** What the giver's leadership stated with its (latest) proposal. */
  giverResolution?: Resolution;
  /** What the receiver's leadership stated with its answer (cleared by an amendment). */
  receiverResolution?: Resolution;
}

/** One county's year, as the fold of its events. Plain data, safe to serialise. */
export interface LedgerState extends LedgerKey {
  /** Sequence number of the last event folded in (0 = empty stream). */
  version: number;
  preliminary: Record<string, Milli> | null;
  windowOpenedAt: string | null;
  windowClosedAt: string | null;
  /** The latest proposal of each giver, live or not. */
  proposals: Record<string, Proposal>;
  report: { mode: ReportMode; at: string; by: Actor } | null;
  final: Record<string, Milli> | null;
  /** Idempotency key (scoped by actor) → sequence number of the event it produced. */
  idempotency: Record<string, number>;
}

const LIVE_STATUSES: readonly ProposalStatus[] = ['AWAITING_RECEIVER', 'AGREED', 'APPROVED'];

export function emptyLedger(key: LedgerKey): LedgerState {
  return {
    ...key,
    version: 0,
    preliminary: null,
    windowOpenedAt: null,
    windowClosedAt: null,
    proposals: {},
    report: null,
    final: null,
    idempotency: {},
  };
}

export function liveProposals(state: LedgerState): Proposal[] {
  return Object.values(state.proposals).filter((p) => LIVE_STATUSES.includes(p.status));
}

export function idempotencyScope(actor: Actor, key: string): string {
  return `${actor.role}:${actor.id ?? ''}:${key}`;
}

/** Applies one event. Pure: returns a new state and leaves the old one untouched. */
export function evolve(state: LedgerState, event: LedgerEvent): LedgerState {
  return step(state, event, event.idempotencyKey ? { ...state.idempotency } : state.idempotency);
}

/**
 * Applies the events in order. Pure like `evolve`, but the idempotency map (one entry per
 * keyed command, the bulk of a busy ledger's state) is copied once, not once per event.
 */
export function fold(key: LedgerKey, events: Iterable<LedgerEvent>, from: LedgerState = emptyLedger(key)): LedgerState {
  let state = from;
  let own: Record<string, number> | undefined;
  for (const event of events) {
    if (event.idempotencyKey && !own) own = { ...state.idempotency };
    state = step(state, event, own ?? state.idempotency);
  }
  return state;
}

/** `evolve` onto `idempotency`, the map the new state gets: the event's key is added to it in place. */
function step(state: LedgerState, event: LedgerEvent, idempotency: Record<string, number>): LedgerState {
  const next: LedgerState = { ...state, version: event.seq, idempotency };
  if (event.idempotencyKey) idempotency[idempotencyScope(event.actor, event.idempotencyKey)] = event.seq;
  /** Changes one proposal; `drop` names fields that no longer apply (left out, not set to undefined). */
  const touch = (giver: string, change: Partial<Proposal>, drop: (keyof Proposal)[] = []): void => {
    const current: Partial<Proposal> = { ...state.proposals[giver]! };
    for (const field of drop) delete current[field];
    next.proposals = {
      ...state.proposals,
      [giver]: { ...current, ...change, version: state.proposals[giver]!.version + 1, updatedAt: event.at } as Proposal,
    };
  };
  switch (event.type) {
    case 'SharesImported':
      next.preliminary = { ...event.shares };
      break;
    case 'WindowOpened':
      next.windowOpenedAt = event.at;
      break;
    case 'ProposalSubmitted':
      next.proposals = {
        ...state.proposals,
        [event.giver]: {
          giver: event.giver,
          receiver: event.receiver,
          perMille: event.perMille,
          status: 'AWAITING_RECEIVER',
          version: 1,
          createdAt: event.at,
          updatedAt: event.at,
          ...(event.resolution ? { giverResolution: event.resolution } : {}),
        },
      };
      break;
    case 'ProposalAmended':
      // The receiver answers again, and a decision on the earlier terms no longer stands. The
      // giver's resolution is replaced when the amendment states one, else kept.
      touch(
        event.giver,
        { receiver: event.receiver, perMille: event.perMille, status: 'AWAITING_RECEIVER', ...(event.resolution ? { giverResolution: event.resolution } : {}) },
        ['receiverConsentAt', 'decision', 'receiverResolution'],
      );
      break;
    case 'ProposalWithdrawn':
      touch(event.giver, { status: 'WITHDRAWN' });
      break;
    case 'ReceiverConsented':
      touch(event.giver, { status: 'AGREED', receiverConsentAt: event.at, ...(event.resolution ? { receiverResolution: event.resolution } : {}) });
      break;
    case 'ReceiverDeclined':
      touch(event.giver, { status: 'DECLINED', ...(event.resolution ? { receiverResolution: event.resolution } : {}) });
      break;
    case 'WindowClosed':
      next.windowClosedAt = event.at;
      next.proposals = { ...state.proposals };
      for (const giver of event.expired) {
        const p = state.proposals[giver]!;
        next.proposals[giver] = { ...p, status: 'EXPIRED', version: p.version + 1, updatedAt: event.at };
      }
      break;
    case 'ProposalDecided':
      touch(event.giver, {
        status: event.outcome,
        decision: {
          outcome: event.outcome,
          ...(event.reason !== undefined ? { reason: event.reason } : {}),
          at: event.at,
          by: displayOf(event.actor),
          ...(event.actor.person ? { person: event.actor.person } : {}),
        },
      });
      break;
    case 'CountyReportSubmitted':
      next.report = { mode: event.mode, at: event.at, by: event.actor };
      break;
    case 'SharesFinalized':
      next.final = { ...event.shares };
      break;
  }
  return next;
}
