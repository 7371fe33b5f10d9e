import { describe, it, expect } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar.js';
import { ERROR_CODES, RuleError, type ErrorCode, type ErrorKind } from '../../shared/domain/errors.js';
import { parsePerMille, sum, toPerMille, type Milli } from '../../shared/domain/per-mille.js';
import {
  approvedProposals,
  assertTotalsKept,
  decide,
  emptyLedger,
  evolve,
  finalShares,
  fold,
  liveProposals,
  shareLines,
  type Command,
  type CommandContext,
  type Decision,
  type LedgerState,
  type Proposal,
} from '../../shared/domain/ledger/index.js';
import type { Actor, EventBody, LedgerEvent } from '../../shared/schemas/ledger.js';
import { municipalitiesOf } from '../../shared/reference/index.js';
import { HABO, ALVKARLEBY, KNIVSTA, HEBY, TIERP, UPPSALA, ENKOPING, OSTHAMMAR, STOCKHOLM, SODERTALJE } from '../support/places';

// ---------------------------------------------------------------------------------------
// Fixture: Uppsala county (03), share year 2022.
// ---------------------------------------------------------------------------------------

const YEAR = 2022;
const COUNTY = '03';
const KEY = { year: YEAR, county: COUNTY };
const CALENDAR = defaultCalendar(YEAR);

// Default calendar for 2022: publish Monday 16 Aug 2021 09:00 CEST (15 Aug was a Sunday), deadline 2 Nov 2021 23:59:59 CET.
const BEFORE_PUBLISH = '2021-08-16T06:59:59Z';
const PUBLISH = '2021-08-16T07:00:00Z';
const DURING = '2021-09-15T10:00:00Z';
const LATER = '2021-10-01T10:00:00Z';
const LAST_MOMENT = '2021-11-02T22:59:59.999Z';
const CLOSED = '2021-11-02T23:00:00.000Z';
const AFTER = '2021-11-10T10:00:00Z';

/** Preliminary shares in thousandths of a per mille (1234 = 1.234 ‰). */
const SHARES: Readonly<Record<string, Milli>> = {
  [HABO]: 1234,
  [ALVKARLEBY]: 500,
  [KNIVSTA]: 2000,
  [HEBY]: 750,
  [TIERP]: 1500,
  [UPPSALA]: 9876,
  [ENKOPING]: 2500,
  [OSTHAMMAR]: 1100,
};
const COUNTY_TOTAL = 19_460;

const SYSTEM: Actor = { role: 'system' };
const ADMIN: Actor = { role: 'admin', id: 'admin-1' };
const OFFICER: Actor = { role: 'county', id: 'handlaggare-lst-03' };
const muni = (code: string): Actor => ({ role: 'municipality', id: code });

function ctx(now: string = DURING, actor: Actor = SYSTEM): CommandContext {
  return { now, calendar: CALENDAR, actor };
}

// Event bodies, as decide returns them.
const imported = (shares: Record<string, Milli> = SHARES): EventBody => ({ type: 'SharesImported', shares });
const opened: EventBody = { type: 'WindowOpened' };
const submitted = (giver: string, receiver: string, perMille: Milli): EventBody => ({ type: 'ProposalSubmitted', giver, receiver, perMille });
const amended = (giver: string, receiver: string, perMille: Milli): EventBody => ({ type: 'ProposalAmended', giver, receiver, perMille });
const withdrawn = (giver: string): EventBody => ({ type: 'ProposalWithdrawn', giver });
const consented = (giver: string): EventBody => ({ type: 'ReceiverConsented', giver });
const declined = (giver: string): EventBody => ({ type: 'ReceiverDeclined', giver });
const closed = (...expired: string[]): EventBody => ({ type: 'WindowClosed', expired });
const decided = (giver: string, outcome: 'APPROVED' | 'REJECTED', reason?: string): EventBody => ({
  type: 'ProposalDecided',
  giver,
  outcome,
  ...(reason ? { reason } : {}),
});
const reported = (mode: 'SUBMITTED' | 'AUTO_SUBMITTED' = 'SUBMITTED'): EventBody => ({ type: 'CountyReportSubmitted', mode });
/** A proposal the receiver has consented to. */
const agreed = (giver: string, receiver: string, perMille: Milli): EventBody[] => [submitted(giver, receiver, perMille), consented(giver)];

// ---------------------------------------------------------------------------------------
// given / when / then
// ---------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function asEvent(seq: number, at: string, actor: Actor, body: EventBody): LedgerEvent {
  return { seq, at, actor, ...body } as LedgerEvent;
}

/** The ledger after these events (bodies, or lists of bodies), frozen so decide cannot mutate it. */
function given(...bodies: (EventBody | EventBody[])[]): LedgerState {
  const start = Date.parse('2021-09-01T00:00:00Z');
  const events = bodies.flat().map((body, i) => asEvent(i + 1, new Date(start + (i + 1) * 60_000).toISOString(), SYSTEM, body));
  return deepFreeze(fold(KEY, events));
}

/** Runs one command; the (frozen) state must come out unchanged. */
function when(state: LedgerState, command: Command, context: CommandContext = ctx()): Decision {
  const before = structuredClone(state);
  const decision = decide(state, command, context);
  expect(state).toEqual(before);
  return decision;
}

/** Every code some test of this file has seen refused (checked by the last test). */
const seen = new Set<ErrorCode>();

function expectRefused(decision: Decision, code: ErrorCode): RuleError {
  if (decision.ok) expect.fail(`expected ${code}, but the command was accepted: ${JSON.stringify(decision.event)}`);
  expect(decision.error).toBeInstanceOf(RuleError);
  expect(decision.error.code).toBe(code);
  seen.add(code);
  return decision.error;
}

function expectThrowsCode(fn: () => unknown, code: ErrorCode): RuleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).code).toBe(code);
    seen.add(code);
    return error as RuleError;
  }
  expect.fail(`expected ${code}, but nothing was thrown`);
}

function expectAccepted(decision: Decision): EventBody {
  if (!decision.ok) expect.fail(`expected acceptance, but refused ${decision.error.code}: ${decision.error.message}`);
  return decision.event;
}

/** Decides and, when accepted, appends the event as the shell does (seq, at = now, actor). */
function apply(state: LedgerState, command: Command, context: CommandContext = ctx()): LedgerState {
  const body = expectAccepted(when(state, command, context));
  return deepFreeze(evolve(state, asEvent(state.version + 1, context.now, context.actor, body)));
}

const proposal = (state: LedgerState, giver: string): Proposal => {
  const p = state.proposals[giver];
  if (!p) expect.fail(`no proposal from ${giver}`);
  return p;
};

// Commands
const submit = (giver: string, receiver: string, perMille: Milli): Command => ({ type: 'SubmitProposal', giver, receiver, perMille });
const amend = (giver: string, change: { receiver?: string; perMille?: Milli }): Command => ({ type: 'AmendProposal', giver, ...change });
const withdraw = (giver: string): Command => ({ type: 'WithdrawProposal', giver });
const answer = (giver: string, respondent: string, accept: boolean): Command => ({ type: 'AnswerProposal', giver, respondent, accept });
const decideOn = (giver: string, outcome: 'APPROVED' | 'REJECTED', reason?: string): Command => ({
  type: 'DecideProposal',
  giver,
  outcome,
  ...(reason !== undefined ? { reason } : {}),
});
const report = (auto = false): Command => ({ type: 'SubmitCountyReport', auto });
const FINALIZE: Command = { type: 'FinalizeShares' };
const CLOSE: Command = { type: 'CloseWindow' };
const OPEN: Command = { type: 'OpenWindow' };
const importShares = (shares: Record<string, Milli>): Command => ({ type: 'ImportShares', shares });

it('fixture: the shares cover exactly Uppsala county, and the 2022 calendar has the expected window', () => {
  expect(Object.keys(SHARES).sort()).toEqual(municipalitiesOf(COUNTY).map((m) => m.code).sort());
  expect(sum(Object.values(SHARES))).toBe(COUNTY_TOTAL);
  expect(CALENDAR.publishAt).toBe(PUBLISH);
  expect(CALENDAR.deadline).toBe('2021-11-02T22:59:59Z');
});

// ---------------------------------------------------------------------------------------
// R1
// ---------------------------------------------------------------------------------------

describe('R1 giver and receiver are different municipalities in the same county', () => {
  it('R1 accepted: two municipalities of the ledger county', () => {
    expect(expectAccepted(when(given(imported()), submit(HABO, UPPSALA, 1000)))).toEqual({
      type: 'ProposalSubmitted',
      giver: HABO,
      receiver: UPPSALA,
      perMille: 1000,
    });
  });

  it('R1 SAME_MUNICIPALITY: a municipality cannot give to itself', () => {
    const error = expectRefused(when(given(imported()), submit(HABO, HABO, 1000)), 'SAME_MUNICIPALITY');
    expect(error.kind).toBe('rule');
  });

  it('R1 SAME_MUNICIPALITY: nor amend its proposal to itself', () => {
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000)), amend(HABO, { receiver: HABO })), 'SAME_MUNICIPALITY');
  });

  it('R1 OTHER_COUNTY: the receiver is in another county', () => {
    const error = expectRefused(when(given(imported()), submit(HABO, STOCKHOLM, 1000)), 'OTHER_COUNTY');
    expect(error.kind).toBe('rule');
    expect(error.details).toEqual([{ giver: HABO, receiver: STOCKHOLM }]);
  });

  it('R1 OTHER_COUNTY: an amendment cannot move the proposal to another county', () => {
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000)), amend(HABO, { receiver: STOCKHOLM })), 'OTHER_COUNTY');
  });

  it("R1 OTHER_COUNTY: the giver is not of the ledger's county", () => {
    // Both in Stockholm county, asked of Uppsala county's ledger.
    const error = expectRefused(when(given(imported()), submit(STOCKHOLM, SODERTALJE, 1000)), 'OTHER_COUNTY');
    expect(error.details).toEqual([{ giver: STOCKHOLM, receiver: SODERTALJE }]);
    expectRefused(when(given(imported()), submit(STOCKHOLM, UPPSALA, 1000)), 'OTHER_COUNTY');
  });

  it('R1 UNKNOWN_MUNICIPALITY: giver or receiver code that does not exist', () => {
    const receiver = expectRefused(when(given(imported()), submit(HABO, '0399', 1000)), 'UNKNOWN_MUNICIPALITY');
    expect(receiver.kind).toBe('not_found');
    expect(receiver.details).toEqual([{ municipality: '0399' }]);
    expect(receiver.message).toContain('0399');

    const giver = expectRefused(when(given(imported()), submit('9999', UPPSALA, 1000)), 'UNKNOWN_MUNICIPALITY');
    expect(giver.details).toEqual([{ municipality: '9999' }]);

    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000)), amend(HABO, { receiver: '0300' })), 'UNKNOWN_MUNICIPALITY');
  });
});

// ---------------------------------------------------------------------------------------
// R2
// ---------------------------------------------------------------------------------------

describe('R2 a giver has at most one live proposal per year', () => {
  it('R2 GIVER_HAS_PROPOSAL: a second proposal while the first awaits the receiver', () => {
    const error = expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000)), submit(HABO, ENKOPING, 200)), 'GIVER_HAS_PROPOSAL');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual([{ giver: HABO }]);
  });

  it('R2 GIVER_HAS_PROPOSAL: a second proposal while the first is agreed (also to the same receiver)', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000));
    expectRefused(when(state, submit(HABO, ENKOPING, 200)), 'GIVER_HAS_PROPOSAL');
    expectRefused(when(state, submit(HABO, UPPSALA, 200)), 'GIVER_HAS_PROPOSAL');
  });

  it('R2 a new proposal is allowed after withdrawing', () => {
    let state = given(imported(), agreed(HABO, UPPSALA, 1000), withdrawn(HABO));
    state = apply(state, submit(HABO, ENKOPING, 200), ctx(LATER, muni(HABO)));
    expect(proposal(state, HABO)).toMatchObject({ receiver: ENKOPING, perMille: 200, status: 'AWAITING_RECEIVER', version: 1, createdAt: LATER });
    expect(proposal(state, HABO).receiverConsentAt).toBeUndefined();
  });

  it('R2 a new proposal is allowed after a decline (to the same or another receiver)', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), declined(HABO));
    expectAccepted(when(state, submit(HABO, ENKOPING, 200)));
    expectAccepted(when(state, submit(HABO, UPPSALA, 500)));
  });

  it('R2 the giver may amend and withdraw up to the last moment before the deadline', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000));
    expectAccepted(when(state, amend(HABO, { perMille: 1234 }), ctx(LAST_MOMENT)));
    expectAccepted(when(state, withdraw(HABO), ctx(LAST_MOMENT)));
  });
});

// ---------------------------------------------------------------------------------------
// R3 (no refusal)
// ---------------------------------------------------------------------------------------

describe('R3 a receiver may receive from several givers', () => {
  it('R3 a third giver may propose to a receiver that already has two proposals', () => {
    let state = given(imported(), agreed(HABO, UPPSALA, 1234), submitted(TIERP, UPPSALA, 300));
    state = apply(state, submit(HEBY, UPPSALA, 750));
    expect(liveProposals(state).filter((p) => p.receiver === UPPSALA).map((p) => p.giver).sort()).toEqual([HABO, HEBY, TIERP]);
    // …and the receiver may consent to each.
    state = apply(state, answer(TIERP, UPPSALA, true));
    state = apply(state, answer(HEBY, UPPSALA, true));
    expect(liveProposals(state).map((p) => p.status)).toEqual(['AGREED', 'AGREED', 'AGREED']);
  });
});

// ---------------------------------------------------------------------------------------
// R4
// ---------------------------------------------------------------------------------------

describe('R4 a municipality is either a giver or a receiver in a year (no chains); roles follow commitments', () => {
  const RECEIVER_GIVES = 'Den mottagande kommunen har ett eget förslag om att ge bort andelar och kan därför inte ta emot. Välj en annan mottagare, eller vänta tills kommunen har återkallat sitt förslag.';
  const GIVER_RECEIVES = 'Er kommun har samtyckt till att ta emot andelar i år och kan därför inte ge bort andelar. Det går först om den givande kommunen återkallar eller ändrar sitt förslag till er.';
  const CANNOT_CONSENT = 'Er kommun har ett eget förslag om att ge bort andelar och kan därför inte samtycka till att ta emot. Återkalla ert förslag först eller avböj detta.';

  it('R4 an unanswered proposal to a municipality does not stop it from proposing itself (A→B awaiting, then B→C)', () => {
    let state = given(imported(), submitted(HABO, UPPSALA, 1000));
    state = apply(state, submit(UPPSALA, ENKOPING, 500), ctx(LATER, muni(UPPSALA)));
    expect(proposal(state, UPPSALA)).toMatchObject({ receiver: ENKOPING, status: 'AWAITING_RECEIVER' });
    // The proposal to B stays as it was, awaiting B's answer.
    expect(proposal(state, HABO)).toMatchObject({ receiver: UPPSALA, status: 'AWAITING_RECEIVER', version: 1 });
  });

  it('R4 ROLE_CONFLICT: a municipality that gives cannot consent to receive, and nothing changes; it may decline', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), submitted(UPPSALA, ENKOPING, 500));
    const error = expectRefused(when(state, answer(HABO, UPPSALA, true)), 'ROLE_CONFLICT');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual([{ municipality: UPPSALA }]);
    expect(error.message).toBe(CANNOT_CONSENT);
    // Also while its own proposal is agreed or approved.
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000), agreed(UPPSALA, ENKOPING, 500)), answer(HABO, UPPSALA, true)), 'ROLE_CONFLICT');
    expectRefused(
      when(given(imported(), submitted(HABO, UPPSALA, 1000), agreed(UPPSALA, ENKOPING, 500), decided(UPPSALA, 'APPROVED')), answer(HABO, UPPSALA, true)),
      'ROLE_CONFLICT',
    );
    expect(expectAccepted(when(state, answer(HABO, UPPSALA, false)))).toEqual({ type: 'ReceiverDeclined', giver: HABO });
  });

  it('R4 once a municipality has withdrawn its own proposal (or it was declined or rejected), it may consent', () => {
    expectAccepted(when(given(imported(), submitted(HABO, UPPSALA, 1000), submitted(UPPSALA, ENKOPING, 500), withdrawn(UPPSALA)), answer(HABO, UPPSALA, true)));
    expectAccepted(when(given(imported(), submitted(HABO, UPPSALA, 1000), submitted(UPPSALA, ENKOPING, 500), declined(UPPSALA)), answer(HABO, UPPSALA, true)));
    expectAccepted(
      when(given(imported(), submitted(HABO, UPPSALA, 1000), agreed(UPPSALA, ENKOPING, 500), decided(UPPSALA, 'REJECTED', 'Nej')), answer(HABO, UPPSALA, true)),
    );
  });

  it('R4 ROLE_CONFLICT: proposing to a municipality that has a live proposal of its own (awaiting, agreed or approved)', () => {
    for (const own of [[submitted(HABO, UPPSALA, 1000)], agreed(HABO, UPPSALA, 1000), [...agreed(HABO, UPPSALA, 1000), decided(HABO, 'APPROVED')]]) {
      const error = expectRefused(when(given(imported(), ...own), submit(TIERP, HABO, 500)), 'ROLE_CONFLICT');
      expect(error.details).toEqual([{ municipality: HABO }]);
      expect(error.message).toBe(RECEIVER_GIVES);
    }
  });

  it('R4 ROLE_CONFLICT: a municipality that has consented to receive (agreed or approved) cannot propose', () => {
    for (const incoming of [agreed(HABO, UPPSALA, 1000), [...agreed(HABO, UPPSALA, 1000), decided(HABO, 'APPROVED')]]) {
      const error = expectRefused(when(given(imported(), ...incoming), submit(UPPSALA, ENKOPING, 500)), 'ROLE_CONFLICT');
      expect(error.kind).toBe('conflict');
      expect(error.details).toEqual([{ municipality: UPPSALA }]);
      expect(error.message).toBe(GIVER_RECEIVES);
    }
    // A rejected incoming proposal commits the receiver to nothing.
    expectAccepted(when(given(imported(), agreed(HABO, UPPSALA, 1000), decided(HABO, 'REJECTED', 'Nej')), submit(UPPSALA, ENKOPING, 500)));
  });

  it('R4 ROLE_CONFLICT: an amendment cannot redirect a proposal to a municipality that gives', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000), submitted(TIERP, ENKOPING, 500));
    const error = expectRefused(when(state, amend(HABO, { receiver: TIERP })), 'ROLE_CONFLICT');
    expect(error.details).toEqual([{ municipality: TIERP }]);
    expect(error.message).toBe(RECEIVER_GIVES);
  });

  it('R4 an amendment that keeps its receiver is not refused because the receiver has since proposed itself', () => {
    // HABO → UPPSALA awaits; UPPSALA then proposes; HABO may still change its amount (UPPSALA still cannot consent).
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), submitted(UPPSALA, ENKOPING, 500));
    const next = apply(state, amend(HABO, { perMille: 800 }));
    expect(proposal(next, HABO)).toMatchObject({ receiver: UPPSALA, perMille: 800, status: 'AWAITING_RECEIVER' });
    expectRefused(when(next, answer(HABO, UPPSALA, true)), 'ROLE_CONFLICT');
  });

  it('R4 ROLE_CONFLICT: a rejected giver that has since consented to receive cannot revive its proposal', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000), decided(HABO, 'REJECTED', 'Nej'), agreed(TIERP, HABO, 300));
    const error = expectRefused(when(state, amend(HABO, { perMille: 900 })), 'ROLE_CONFLICT');
    expect(error.details).toEqual([{ municipality: HABO }]);
    expect(error.message).toBe(GIVER_RECEIVES);
  });

  it('R4 ROLE_CONFLICT: the county cannot approve a rejected proposal whose parties have since taken the other role', () => {
    // The receiver now gives.
    const receiverGives = given(imported(), agreed(HABO, UPPSALA, 1000), decided(HABO, 'REJECTED', 'Nej'), submitted(UPPSALA, ENKOPING, 500));
    const first = expectRefused(when(receiverGives, decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER)), 'ROLE_CONFLICT');
    expect(first.details).toEqual([{ municipality: UPPSALA }]);
    expect(first.message).toMatch(/^Förslaget kan inte godkännas eftersom den mottagande kommunen/);
    // The giver now receives.
    const giverReceives = given(imported(), agreed(HABO, UPPSALA, 1000), decided(HABO, 'REJECTED', 'Nej'), agreed(TIERP, HABO, 300));
    const second = expectRefused(when(giverReceives, decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER)), 'ROLE_CONFLICT');
    expect(second.details).toEqual([{ municipality: HABO }]);
    expect(second.message).toMatch(/^Förslaget kan inte godkännas eftersom den givande kommunen/);
    // Rejecting again is always possible, and so is approving once the conflict is gone.
    expectAccepted(when(giverReceives, decideOn(HABO, 'REJECTED', 'Fortfarande nej'), ctx(DURING, OFFICER)));
    expectAccepted(when(given(imported(), agreed(HABO, UPPSALA, 1000), decided(HABO, 'REJECTED', 'Nej'), submitted(UPPSALA, ENKOPING, 500), withdrawn(UPPSALA)), decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER)));
  });

  it('R4 a giver amending its own proposal does not conflict with itself', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000), submitted(TIERP, UPPSALA, 500));
    expectAccepted(when(state, amend(HABO, { perMille: 1234 })));
    expectAccepted(when(state, amend(HABO, { receiver: ENKOPING })));
  });

  it('R4 only live proposals count: after a withdrawal or a decline the role is free again', () => {
    // UPPSALA no longer receives once HABO withdrew its agreed proposal, so it may give.
    expectAccepted(when(given(imported(), agreed(HABO, UPPSALA, 1000), withdrawn(HABO)), submit(UPPSALA, ENKOPING, 500)));
    // HABO no longer gives once UPPSALA declined, so it may receive.
    expectAccepted(when(given(imported(), submitted(HABO, UPPSALA, 1000), declined(HABO)), submit(TIERP, HABO, 500)));
    // An amendment may target a municipality whose own proposal was withdrawn.
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), submitted(TIERP, ENKOPING, 500), withdrawn(TIERP));
    expectAccepted(when(state, amend(HABO, { receiver: TIERP })));
  });

  it('R4 the unanswered proposals to a municipality that proposed itself expire at the deadline as any other', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), agreed(UPPSALA, ENKOPING, 500));
    expect(expectAccepted(when(state, CLOSE, ctx(CLOSED)))).toEqual({ type: 'WindowClosed', expired: [HABO] });
  });
});

// ---------------------------------------------------------------------------------------
// R5
// ---------------------------------------------------------------------------------------

describe("R5 0 < amount ≤ the giver's preliminary share", () => {
  it('R5 AMOUNT_NOT_POSITIVE: zero or negative, in a proposal or an amendment', () => {
    const error = expectRefused(when(given(imported()), submit(HABO, UPPSALA, 0)), 'AMOUNT_NOT_POSITIVE');
    expect(error.kind).toBe('rule');
    expectRefused(when(given(imported()), submit(HABO, UPPSALA, -1)), 'AMOUNT_NOT_POSITIVE');
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000)), amend(HABO, { perMille: 0 })), 'AMOUNT_NOT_POSITIVE');
  });

  it('R5 AMOUNT_EXCEEDS_SHARE: one thousandth more than the share is refused; exactly the share is accepted', () => {
    const error = expectRefused(when(given(imported()), submit(HABO, UPPSALA, 1235)), 'AMOUNT_EXCEEDS_SHARE');
    expect(error.kind).toBe('rule');
    expect(error.details).toEqual([{ preliminaryPerMille: 1.234 }]);
    expect(expectAccepted(when(given(imported()), submit(HABO, UPPSALA, 1234)))).toMatchObject({ perMille: 1234 });
    expectAccepted(when(given(imported()), submit(HABO, UPPSALA, 1)));
  });

  it('R5 AMOUNT_EXCEEDS_SHARE: also for an amendment', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000));
    expectRefused(when(state, amend(HABO, { perMille: 1235 })), 'AMOUNT_EXCEEDS_SHARE');
    expectAccepted(when(state, amend(HABO, { perMille: 1234 })));
  });

  it('R5 AMOUNT_EXCEEDS_SHARE: a municipality with a zero share has nothing to give', () => {
    expectRefused(when(given(imported({ ...SHARES, [HEBY]: 0 })), submit(HEBY, UPPSALA, 1)), 'AMOUNT_EXCEEDS_SHARE');
  });

  it('R5 INVALID_AMOUNT: amounts reach the ledger already parsed; more than 3 decimals is refused by parsePerMille', () => {
    const error = expectThrowsCode(() => parsePerMille(1.2345), 'INVALID_AMOUNT');
    expect(error.kind).toBe('invalid');
    expect(expectAccepted(when(given(imported()), submit(HABO, UPPSALA, parsePerMille('1,234'))))).toMatchObject({ perMille: 1234 });
  });
});

// ---------------------------------------------------------------------------------------
// R6
// ---------------------------------------------------------------------------------------

describe('R6 proposals, amendments, withdrawals and consents only while the window is open', () => {
  it('R6 SUBMISSION_WINDOW_CLOSED before publish (publish itself is inside)', () => {
    const error = expectRefused(when(given(imported()), submit(HABO, UPPSALA, 1000), ctx(BEFORE_PUBLISH)), 'SUBMISSION_WINDOW_CLOSED');
    expect(error.kind).toBe('conflict');
    expectAccepted(when(given(imported()), submit(HABO, UPPSALA, 1000), ctx(PUBLISH)));
  });

  it('R6 SUBMISSION_WINDOW_CLOSED after the deadline (2022: 2021-11-02T22:59:59.999Z inside, 23:00:00.000Z refused)', () => {
    expectAccepted(when(given(imported()), submit(HABO, UPPSALA, 1000), ctx(LAST_MOMENT)));
    expectRefused(when(given(imported()), submit(HABO, UPPSALA, 1000), ctx(CLOSED)), 'SUBMISSION_WINDOW_CLOSED');
  });

  it('R6 SUBMISSION_WINDOW_CLOSED after the deadline for amendments, withdrawals and consents too', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000));
    for (const command of [amend(HABO, { perMille: 500 }), withdraw(HABO), answer(HABO, UPPSALA, true), answer(HABO, UPPSALA, false)]) {
      expectAccepted(when(state, command, ctx(LAST_MOMENT)));
      expectRefused(when(state, command, ctx(CLOSED)), 'SUBMISSION_WINDOW_CLOSED');
      expectRefused(when(state, command, ctx(BEFORE_PUBLISH)), 'SUBMISSION_WINDOW_CLOSED');
    }
  });

  it('R6 SUBMISSION_WINDOW_CLOSED after a WindowClosed event, even inside the calendar', () => {
    const state = given(imported(), opened, submitted(HABO, UPPSALA, 1000), agreed(TIERP, UPPSALA, 500), closed(HABO));
    expect(state.windowClosedAt).not.toBeNull();
    expectRefused(when(state, submit(HEBY, UPPSALA, 500), ctx(DURING)), 'SUBMISSION_WINDOW_CLOSED');
    expectRefused(when(state, amend(TIERP, { perMille: 100 }), ctx(DURING)), 'SUBMISSION_WINDOW_CLOSED');
    expectRefused(when(state, withdraw(TIERP), ctx(DURING)), 'SUBMISSION_WINDOW_CLOSED');
    expectRefused(when(state, answer(HABO, UPPSALA, true), ctx(DURING)), 'SUBMISSION_WINDOW_CLOSED');
  });

  it('R6 without a WindowOpened event the window follows the calendar once shares exist', () => {
    expectAccepted(when(given(imported()), submit(HABO, UPPSALA, 1000), ctx(DURING)));
    expectAccepted(when(given(imported(), opened), submit(HABO, UPPSALA, 1000), ctx(DURING)));
  });

  it('R6 SHARES_NOT_IMPORTED: no proposal before the preliminary shares exist', () => {
    const error = expectRefused(when(given(), submit(HABO, UPPSALA, 1000), ctx(DURING)), 'SHARES_NOT_IMPORTED');
    expect(error.kind).toBe('conflict');
  });

  it('R6 SHARES_NOT_IMPORTED: the window cannot be opened, nor shares finalized, without shares', () => {
    expectRefused(when(given(), OPEN), 'SHARES_NOT_IMPORTED');
    expectRefused(when(given(closed(), reported()), FINALIZE, ctx(AFTER)), 'SHARES_NOT_IMPORTED');
  });
});

// ---------------------------------------------------------------------------------------
// R7
// ---------------------------------------------------------------------------------------

describe("R7 a proposal needs the receiver's consent; without it at the deadline it lapses", () => {
  it('R7 NOT_RECEIVER: only the receiver can answer (not the giver, not a third municipality)', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000));
    const error = expectRefused(when(state, answer(HABO, ENKOPING, true)), 'NOT_RECEIVER');
    expect(error.kind).toBe('forbidden');
    expectRefused(when(state, answer(HABO, HABO, true)), 'NOT_RECEIVER');
    expectRefused(when(state, answer(HABO, ENKOPING, false)), 'NOT_RECEIVER');
  });

  it('R7 NOT_RECEIVER: after an amendment to a new receiver, the old one can no longer answer', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), amended(HABO, ENKOPING, 1000));
    expectRefused(when(state, answer(HABO, UPPSALA, true)), 'NOT_RECEIVER');
    expect(expectAccepted(when(state, answer(HABO, ENKOPING, true)))).toEqual({ type: 'ReceiverConsented', giver: HABO });
  });

  it('R7 consent: AWAITING_RECEIVER → AGREED with receiverConsentAt; decline: → DECLINED', () => {
    const start = given(imported(), submitted(HABO, UPPSALA, 1000));
    const yes = apply(start, answer(HABO, UPPSALA, true), ctx(LATER, muni(UPPSALA)));
    expect(proposal(yes, HABO)).toMatchObject({ status: 'AGREED', receiverConsentAt: LATER, version: 2, updatedAt: LATER });

    const no = apply(start, answer(HABO, UPPSALA, false), ctx(LATER, muni(UPPSALA)));
    expect(proposal(no, HABO)).toMatchObject({ status: 'DECLINED', version: 2, updatedAt: LATER });
    expect(proposal(no, HABO).receiverConsentAt).toBeUndefined();
    expect(liveProposals(no)).toEqual([]);
  });

  it('R7 CONSENT_MISSING: the county cannot decide a proposal still AWAITING_RECEIVER', () => {
    // Past the deadline by the calendar; the workflow has not yet expired anything.
    const state = given(imported(), submitted(HABO, UPPSALA, 1000));
    const error = expectRefused(when(state, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER)), 'CONSENT_MISSING');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual([{ giver: HABO }]);
  });

  it('R7 CONSENT_MISSING: the county cannot decide an EXPIRED proposal', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), closed(HABO));
    expect(proposal(state, HABO).status).toBe('EXPIRED');
    expectRefused(when(state, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER)), 'CONSENT_MISSING');
    expectRefused(when(state, decideOn(HABO, 'REJECTED', 'Inget samtycke'), ctx(AFTER, OFFICER)), 'CONSENT_MISSING');
  });

  it('R7 CloseWindow expires exactly the AWAITING_RECEIVER proposals; AGREED stay AGREED', () => {
    const before = given(
      imported(),
      submitted(HEBY, OSTHAMMAR, 100), // awaiting
      agreed(TIERP, UPPSALA, 300), // agreed
      submitted(HABO, UPPSALA, 1000), // awaiting (after an amendment of an agreed proposal)
      consented(HABO),
      amended(HABO, UPPSALA, 1234),
      submitted(KNIVSTA, ENKOPING, 500), // declined
      declined(KNIVSTA),
      submitted(ALVKARLEBY, OSTHAMMAR, 200), // withdrawn
      withdrawn(ALVKARLEBY),
    );
    const event = expectAccepted(when(before, CLOSE, ctx(CLOSED)));
    expect(event).toEqual({ type: 'WindowClosed', expired: [HABO, HEBY] }); // sorted by giver

    const after = apply(before, CLOSE, ctx(CLOSED));
    expect(after.windowClosedAt).toBe(CLOSED);
    const statuses = Object.fromEntries(Object.values(after.proposals).map((p) => [p.giver, p.status]));
    expect(statuses).toEqual({ [HEBY]: 'EXPIRED', [TIERP]: 'AGREED', [HABO]: 'EXPIRED', [KNIVSTA]: 'DECLINED', [ALVKARLEBY]: 'WITHDRAWN' });
    // Expired proposals are touched, the others are left exactly as they were.
    expect(proposal(after, HABO)).toMatchObject({ version: proposal(before, HABO).version + 1, updatedAt: CLOSED });
    for (const giver of [TIERP, KNIVSTA, ALVKARLEBY]) expect(proposal(after, giver)).toEqual(proposal(before, giver));
  });
});

// ---------------------------------------------------------------------------------------
// R8
// ---------------------------------------------------------------------------------------

describe('R8 the county approves or rejects each agreed proposal, as soon as it is agreed and until its report', () => {
  const agreedAndClosed = () => given(imported(), agreed(HABO, UPPSALA, 1000), agreed(TIERP, UPPSALA, 300), closed());

  it('R8 REJECTION_REASON_REQUIRED: a rejection needs a reason (missing or blank)', () => {
    const state = agreedAndClosed();
    const error = expectRefused(when(state, decideOn(HABO, 'REJECTED'), ctx(AFTER, OFFICER)), 'REJECTION_REASON_REQUIRED');
    expect(error.kind).toBe('rule');
    expectRefused(when(state, decideOn(HABO, 'REJECTED', ''), ctx(AFTER, OFFICER)), 'REJECTION_REASON_REQUIRED');
    expectRefused(when(state, decideOn(HABO, 'REJECTED', '  \t\n '), ctx(AFTER, OFFICER)), 'REJECTION_REASON_REQUIRED');
  });

  it('R8 an approval needs no reason; a rejection reason is trimmed', () => {
    const state = agreedAndClosed();
    expect(expectAccepted(when(state, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER)))).toEqual({
      type: 'ProposalDecided',
      giver: HABO,
      outcome: 'APPROVED',
    });
    expect(expectAccepted(when(state, decideOn(HABO, 'REJECTED', '  Saknar kapacitet '), ctx(AFTER, OFFICER)))).toEqual({
      type: 'ProposalDecided',
      giver: HABO,
      outcome: 'REJECTED',
      reason: 'Saknar kapacitet',
    });
  });

  it('R8 the county may decide as soon as the receiver has consented, also while the window is open', () => {
    const open = given(imported(), agreed(HABO, UPPSALA, 1000));
    expect(expectAccepted(when(open, decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER)))).toEqual({ type: 'ProposalDecided', giver: HABO, outcome: 'APPROVED' });
    expectAccepted(when(open, decideOn(HABO, 'REJECTED', 'Skäl'), ctx(LAST_MOMENT, OFFICER)));
    // Closed by the calendar (no event yet), or by the workflow's event (even inside the calendar).
    expectAccepted(when(open, decideOn(HABO, 'APPROVED'), ctx(CLOSED, OFFICER)));
    expectAccepted(when(given(imported(), agreed(HABO, UPPSALA, 1000), closed()), decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER)));
    // An early decision still needs the consent first.
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000)), decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER)), 'CONSENT_MISSING');
  });

  it('R8 the county may change an early decision while the window is open, and after it, until its report', () => {
    let state = apply(given(imported(), agreed(HABO, UPPSALA, 1000)), decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER));
    state = apply(state, decideOn(HABO, 'REJECTED', 'Omprövat'), ctx(LATER, OFFICER));
    expect(proposal(state, HABO)).toMatchObject({ status: 'REJECTED', decision: { outcome: 'REJECTED', reason: 'Omprövat', at: LATER } });
    state = apply(state, CLOSE, ctx(CLOSED, SYSTEM));
    expect(proposal(state, HABO).status).toBe('REJECTED'); // a decided proposal does not expire
    state = apply(state, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER));
    expect(proposal(state, HABO)).toMatchObject({ status: 'APPROVED', decision: { outcome: 'APPROVED', at: AFTER } });
    expect(proposal(state, HABO).decision).not.toHaveProperty('reason');
    state = apply(state, report(false), ctx(AFTER, OFFICER));
    expectRefused(when(state, decideOn(HABO, 'REJECTED', 'För sent'), ctx(AFTER, OFFICER)), 'REPORT_ALREADY_SUBMITTED');
  });

  it('R8 before the deadline the giver may amend an APPROVED or REJECTED proposal: it awaits the receiver again, undecided', () => {
    for (const decision of [decided(HABO, 'APPROVED'), decided(HABO, 'REJECTED', 'Nej')]) {
      const before = given(imported(), submitted(HABO, UPPSALA, 1000), { ...consented(HABO), resolution: { comment: 'Ja.' } } as EventBody, decision);
      expect(proposal(before, HABO)).toMatchObject({ receiverConsentAt: expect.any(String), receiverResolution: { comment: 'Ja.' }, decision: expect.any(Object) });
      let state = apply(before, amend(HABO, { perMille: 900 }), ctx(LAST_MOMENT, muni(HABO)));
      const p = proposal(state, HABO);
      expect(p).toMatchObject({ status: 'AWAITING_RECEIVER', perMille: 900, version: proposal(before, HABO).version + 1 });
      for (const gone of ['decision', 'receiverConsentAt', 'receiverResolution']) expect(p, gone).not.toHaveProperty(gone);
      expect(approvedProposals(state)).toEqual([]);
      // The receiver consents again and the county decides again.
      state = apply(state, answer(HABO, UPPSALA, true), ctx(LAST_MOMENT, muni(UPPSALA)));
      state = apply(state, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER));
      expect(approvedProposals(state).map((x) => [x.giver, x.perMille])).toEqual([[HABO, 900]]);
    }
  });

  it('R8 before the deadline the giver may withdraw an APPROVED or REJECTED proposal; it then moves nothing', () => {
    for (const decision of [decided(HABO, 'APPROVED'), decided(HABO, 'REJECTED', 'Nej')]) {
      let state = apply(given(imported(), agreed(HABO, UPPSALA, 1000), decision), withdraw(HABO), ctx(LAST_MOMENT, muni(HABO)));
      expect(proposal(state, HABO).status).toBe('WITHDRAWN');
      state = apply(state, report(false), ctx(AFTER, OFFICER));
      state = apply(state, FINALIZE, ctx(AFTER, SYSTEM));
      expect(state.final).toEqual(SHARES);
    }
  });

  it('R8 after the deadline a decided proposal can be neither amended nor withdrawn', () => {
    for (const decision of [decided(HABO, 'APPROVED'), decided(HABO, 'REJECTED', 'Nej')]) {
      for (const state of [given(imported(), agreed(HABO, UPPSALA, 1000), decision), given(imported(), agreed(HABO, UPPSALA, 1000), decision, closed())]) {
        for (const now of [CLOSED, AFTER]) {
          expectRefused(when(state, amend(HABO, { perMille: 500 }), ctx(now, muni(HABO))), 'SUBMISSION_WINDOW_CLOSED');
          expectRefused(when(state, withdraw(HABO), ctx(now, muni(HABO))), 'SUBMISSION_WINDOW_CLOSED');
        }
      }
    }
  });

  it('R8 only proposals APPROVED at the report move shares: an early approval later amended and left undecided moves nothing', () => {
    let state = given(imported(), agreed(HABO, UPPSALA, 1000), agreed(TIERP, ENKOPING, 300));
    state = apply(state, decideOn(HABO, 'APPROVED'), ctx(DURING, OFFICER));
    state = apply(state, decideOn(TIERP, 'APPROVED'), ctx(DURING, OFFICER));
    state = apply(state, amend(HABO, { perMille: 500 }), ctx(LATER, muni(HABO)));
    state = apply(state, answer(HABO, UPPSALA, true), ctx(LATER, muni(UPPSALA)));
    state = apply(state, CLOSE, ctx(CLOSED, SYSTEM));
    state = apply(state, report(true), ctx(AFTER, SYSTEM));
    expect(proposal(state, HABO).status).toBe('AGREED');
    state = apply(state, FINALIZE, ctx(AFTER, SYSTEM));
    expect(state.final).toEqual({ ...SHARES, [TIERP]: 1500 - 300, [ENKOPING]: 2500 + 300 });
  });

  it('R8 UNDECIDED_PROPOSALS: a manual report needs every agreed proposal decided', () => {
    let state = apply(agreedAndClosed(), decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER));
    const error = expectRefused(when(state, report(false), ctx(AFTER, OFFICER)), 'UNDECIDED_PROPOSALS');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual([{ giver: TIERP }]);

    state = apply(state, decideOn(TIERP, 'REJECTED', 'För sent förankrat'), ctx(AFTER, OFFICER));
    expect(expectAccepted(when(state, report(false), ctx(AFTER, OFFICER)))).toEqual({ type: 'CountyReportSubmitted', mode: 'SUBMITTED' });
  });

  it('R8 an automatic report is allowed with undecided proposals, and they do not move shares', () => {
    let state = apply(agreedAndClosed(), decideOn(TIERP, 'APPROVED'), ctx(AFTER, OFFICER));
    expect(expectAccepted(when(state, report(true), ctx(AFTER, SYSTEM)))).toEqual({ type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' });
    state = apply(state, report(true), ctx(AFTER, SYSTEM));
    expect(state.report).toEqual({ mode: 'AUTO_SUBMITTED', at: AFTER, by: SYSTEM });
    expect(proposal(state, HABO).status).toBe('AGREED');

    const event = expectAccepted(when(state, FINALIZE, ctx(AFTER, SYSTEM)));
    expect(event).toEqual({
      type: 'SharesFinalized',
      shares: { ...SHARES, [TIERP]: 1500 - 300, [UPPSALA]: 9876 + 300 }, // HABO's 1000 did not move
    });
  });

  it('R8 the county may change a decision until it reports; REPORT_ALREADY_SUBMITTED afterwards', () => {
    let state = apply(agreedAndClosed(), decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER));
    state = apply(state, decideOn(HABO, 'REJECTED', 'Omprövat'), ctx(AFTER, OFFICER));
    expect(proposal(state, HABO).status).toBe('REJECTED');
    state = apply(state, decideOn(TIERP, 'APPROVED'), ctx(AFTER, OFFICER));
    state = apply(state, report(false), ctx(AFTER, OFFICER));
    const error = expectRefused(when(state, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER)), 'REPORT_ALREADY_SUBMITTED');
    expect(error.kind).toBe('conflict');
  });
});

// ---------------------------------------------------------------------------------------
// R9
// ---------------------------------------------------------------------------------------

describe('R9 final share = preliminary − given + received; totals unchanged, exactly', () => {
  it('R9 a whole year through decide: exact final shares, county total kept', () => {
    const muniCtx = (code: string, now = DURING) => ctx(now, muni(code));
    let s = given();
    s = apply(s, importShares({ ...SHARES }), ctx(BEFORE_PUBLISH, ADMIN));
    s = apply(s, OPEN, ctx(PUBLISH, SYSTEM));
    // Håbo gives its whole share (1.234) — it keeps its fixed compensation (R10, see below).
    s = apply(s, submit(HABO, UPPSALA, parsePerMille(1.234)), muniCtx(HABO));
    s = apply(s, answer(HABO, UPPSALA, true), muniCtx(UPPSALA));
    // Tierp gives 0.1, then amends to 0.3 (0.1 + 0.2, exactly), Uppsala consents again.
    s = apply(s, submit(TIERP, UPPSALA, parsePerMille(0.1)), muniCtx(TIERP));
    s = apply(s, answer(TIERP, UPPSALA, true), muniCtx(UPPSALA));
    s = apply(s, amend(TIERP, { perMille: parsePerMille(0.1) + parsePerMille(0.2) }), muniCtx(TIERP, LATER));
    s = apply(s, answer(TIERP, UPPSALA, true), muniCtx(UPPSALA, LATER));
    // Heby gives 0.125 to Östhammar, approved.
    s = apply(s, submit(HEBY, OSTHAMMAR, parsePerMille('0,125')), muniCtx(HEBY));
    s = apply(s, answer(HEBY, OSTHAMMAR, true), muniCtx(OSTHAMMAR));
    // Knivsta → Enköping agreed but rejected; Älvkarleby → Östhammar never consented (expires).
    s = apply(s, submit(KNIVSTA, ENKOPING, parsePerMille(0.5)), muniCtx(KNIVSTA));
    s = apply(s, answer(KNIVSTA, ENKOPING, true), muniCtx(ENKOPING));
    s = apply(s, submit(ALVKARLEBY, OSTHAMMAR, parsePerMille(0.2)), muniCtx(ALVKARLEBY));
    s = apply(s, CLOSE, ctx(CLOSED, SYSTEM));
    expect(proposal(s, ALVKARLEBY).status).toBe('EXPIRED');
    s = apply(s, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER));
    s = apply(s, decideOn(TIERP, 'APPROVED'), ctx(AFTER, OFFICER));
    s = apply(s, decideOn(HEBY, 'APPROVED'), ctx(AFTER, OFFICER));
    s = apply(s, decideOn(KNIVSTA, 'REJECTED', 'Enköping saknar boende'), ctx(AFTER, OFFICER));
    s = apply(s, report(false), ctx(AFTER, OFFICER));

    expect(approvedProposals(s).map((p) => p.giver).sort()).toEqual([HABO, HEBY, TIERP]);
    const lines = shareLines(s.preliminary!, approvedProposals(s));
    expect(lines.find((l) => l.municipality === HABO)).toEqual({ municipality: HABO, preliminary: 1234, given: 1234, received: 0, resulting: 0 });
    expect(lines.find((l) => l.municipality === UPPSALA)).toEqual({ municipality: UPPSALA, preliminary: 9876, given: 0, received: 1534, resulting: 11_410 });
    expect(lines.find((l) => l.municipality === KNIVSTA)).toEqual({ municipality: KNIVSTA, preliminary: 2000, given: 0, received: 0, resulting: 2000 });

    s = apply(s, FINALIZE, ctx('2021-12-15T08:00:00Z', SYSTEM));
    const expected = {
      [HABO]: 0,
      [ALVKARLEBY]: 500, // expired: unchanged
      [KNIVSTA]: 2000, // rejected: unchanged
      [HEBY]: 625,
      [TIERP]: 1200,
      [UPPSALA]: 11_410,
      [ENKOPING]: 2500, // rejected: unchanged
      [OSTHAMMAR]: 1225,
    };
    expect(s.final).toEqual(expected);
    expect(sum(Object.values(s.final!))).toBe(COUNTY_TOTAL);
    expect(Object.fromEntries(Object.entries(s.final!).map(([code, milli]) => [code, toPerMille(milli)]))).toEqual({
      [HABO]: 0,
      [ALVKARLEBY]: 0.5,
      [KNIVSTA]: 2,
      [HEBY]: 0.625,
      [TIERP]: 1.2,
      [UPPSALA]: 11.41,
      [ENKOPING]: 2.5,
      [OSTHAMMAR]: 1.225,
    });
    expect(() => assertTotalsKept(s.preliminary!, s.final!)).not.toThrow();
    // R10: the fixed compensation right is unchanged by a redistribution (Håbo now has 0 but
    // keeps it). The ledger has no refusal for R10 (nor for R3); R10 is carried by the county
    // report, which says so — a later issue.
  });

  it('R9 TOTALS_CHANGED: assertTotalsKept refuses maps with different totals', () => {
    const error = expectThrowsCode(() => assertTotalsKept({ [HABO]: 1000, [UPPSALA]: 500 }, { [HABO]: 1000, [UPPSALA]: 499 }), 'TOTALS_CHANGED');
    expect(error.kind).toBe('rule');
    expect(error.details).toEqual([{ before: 1500, after: 1499 }]);
    expectThrowsCode(() => assertTotalsKept({ [HABO]: 1000 }, { [HABO]: 1000, [UPPSALA]: 1 }), 'TOTALS_CHANGED');
    // Same total, other distribution: fine.
    expect(() => assertTotalsKept({ [HABO]: 1000, [UPPSALA]: 500 }, { [HABO]: 0, [UPPSALA]: 1500 })).not.toThrow();
  });

  it('R9 TOTALS_CHANGED: finalShares refuses a proposal whose receiver has no preliminary share', () => {
    const fabricated: Proposal = { giver: HABO, receiver: UPPSALA, perMille: 500, status: 'APPROVED', version: 3, createdAt: DURING, updatedAt: AFTER };
    const error = expectThrowsCode(() => finalShares({ [HABO]: 1234 }, [fabricated]), 'TOTALS_CHANGED');
    expect(error.details).toEqual([{ before: 1234, after: 734 }]);
  });

  it('R9 NEGATIVE_SHARE: finalShares refuses a fabricated over-giving proposal', () => {
    const fabricated: Proposal = { giver: HABO, receiver: UPPSALA, perMille: 1235, status: 'APPROVED', version: 3, createdAt: DURING, updatedAt: AFTER };
    const error = expectThrowsCode(() => finalShares({ ...SHARES }, [fabricated]), 'NEGATIVE_SHARE');
    expect(error.kind).toBe('rule');
    expect(error.details).toEqual([{ municipality: HABO }]);
    // One thousandth less is exactly zero, and allowed.
    expect(finalShares({ ...SHARES }, [{ ...fabricated, perMille: 1234 }])[HABO]).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// Lifecycle of the ledger
// ---------------------------------------------------------------------------------------

describe('lifecycle', () => {
  it('INVALID_STATUS: amending a DECLINED proposal, said in Swedish words (no status names)', () => {
    const error = expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000), declined(HABO)), amend(HABO, { perMille: 500 })), 'INVALID_STATUS');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual([{ status: 'DECLINED' }]);
    expect(error.message).toBe('Förslaget är avböjt av mottagaren och kan därför inte ändras.');
    const twice = expectRefused(when(given(imported(), agreed(HABO, UPPSALA, 1000)), answer(HABO, UPPSALA, true)), 'INVALID_STATUS');
    expect(twice.message).toBe('Förslaget är redan överenskommet och kan därför inte besvaras.');
  });

  it('INVALID_STATUS: consenting twice, or answering a declined or withdrawn proposal', () => {
    expectRefused(when(given(imported(), agreed(HABO, UPPSALA, 1000)), answer(HABO, UPPSALA, true)), 'INVALID_STATUS');
    expectRefused(when(given(imported(), agreed(HABO, UPPSALA, 1000)), answer(HABO, UPPSALA, false)), 'INVALID_STATUS');
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000), declined(HABO)), answer(HABO, UPPSALA, true)), 'INVALID_STATUS');
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000), withdrawn(HABO)), answer(HABO, UPPSALA, true)), 'INVALID_STATUS');
  });

  it('INVALID_STATUS: withdrawing or amending a WITHDRAWN proposal', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), withdrawn(HABO));
    expect(expectRefused(when(state, withdraw(HABO)), 'INVALID_STATUS').details).toEqual([{ status: 'WITHDRAWN' }]);
    expectRefused(when(state, amend(HABO, { perMille: 500 })), 'INVALID_STATUS');
  });

  it('INVALID_STATUS: the county cannot decide a DECLINED or WITHDRAWN proposal', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000), declined(HABO), submitted(TIERP, UPPSALA, 300), withdrawn(TIERP), closed());
    expectRefused(when(state, decideOn(HABO, 'APPROVED'), ctx(AFTER, OFFICER)), 'INVALID_STATUS');
    expectRefused(when(state, decideOn(TIERP, 'APPROVED'), ctx(AFTER, OFFICER)), 'INVALID_STATUS');
  });

  it('PROPOSAL_NOT_FOUND: amend, withdraw, answer or decide without a proposal from that giver', () => {
    const state = given(imported(), submitted(HABO, UPPSALA, 1000));
    const error = expectRefused(when(state, amend(HEBY, { perMille: 100 })), 'PROPOSAL_NOT_FOUND');
    expect(error.kind).toBe('not_found');
    expect(error.details).toEqual([{ giver: HEBY }]);
    expectRefused(when(state, withdraw(HEBY)), 'PROPOSAL_NOT_FOUND');
    expectRefused(when(state, answer(HEBY, UPPSALA, true)), 'PROPOSAL_NOT_FOUND');
    expectRefused(when(given(imported(), closed()), decideOn(HEBY, 'APPROVED'), ctx(AFTER, OFFICER)), 'PROPOSAL_NOT_FOUND');
  });

  it('ImportShares: accepted and replaceable before any proposal, also after the window opened', () => {
    expect(expectAccepted(when(given(), importShares({ ...SHARES }), ctx(BEFORE_PUBLISH, ADMIN)))).toEqual({ type: 'SharesImported', shares: SHARES });
    const changed = { ...SHARES, [HABO]: 1300 };
    const state = apply(given(imported(), opened), importShares(changed), ctx(DURING, ADMIN));
    expect(state.preliminary).toEqual(changed);
  });

  it('SHARES_LOCKED: once a proposal exists (even a withdrawn one) or the window was closed', () => {
    const error = expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000)), importShares({ ...SHARES }), ctx(DURING, ADMIN)), 'SHARES_LOCKED');
    expect(error.kind).toBe('conflict');
    expectRefused(when(given(imported(), submitted(HABO, UPPSALA, 1000), withdrawn(HABO)), importShares({ ...SHARES }), ctx(DURING, ADMIN)), 'SHARES_LOCKED');
    expectRefused(when(given(imported(), closed()), importShares({ ...SHARES }), ctx(DURING, ADMIN)), 'SHARES_LOCKED');
  });

  // docs/DESIGN.md "Rules" (R6): the window follows the calendar until the workflow acts, and the catalog says
  // shares cannot change once "perioden har stängt". A county with no proposals that reported
  // and was finalized after the calendar deadline must not get new preliminary shares (that would
  // break R9: final ≠ preliminary − given + received).
  it('SHARES_LOCKED: after the deadline by the calendar, even before the WindowClosed event', () => {
    expectRefused(when(given(imported()), importShares({ ...SHARES, [HABO]: 1300 }), ctx(CLOSED, ADMIN)), 'SHARES_LOCKED');
  });

  it('SHARES_LOCKED: after the county report and the final shares (window closed by the calendar)', () => {
    let state = apply(given(imported()), report(false), ctx(AFTER, OFFICER));
    state = apply(state, FINALIZE, ctx(AFTER, SYSTEM));
    expect(state.final).toEqual(SHARES);
    expectRefused(when(state, importShares({ ...SHARES, [HABO]: 1300 }), ctx(AFTER, ADMIN)), 'SHARES_LOCKED');
  });

  it('INVALID_SHARES: a municipality missing, a foreign one, a negative or fractional amount', () => {
    const { [OSTHAMMAR]: _omitted, ...missing } = SHARES;
    const error = expectRefused(when(given(), importShares(missing), ctx(BEFORE_PUBLISH, ADMIN)), 'INVALID_SHARES');
    expect(error.kind).toBe('invalid');
    expect(error.details).toEqual([{ missing: [OSTHAMMAR], foreign: [], invalid: [] }]);

    const foreign = expectRefused(when(given(), importShares({ ...SHARES, [STOCKHOLM]: 5000 }), ctx(BEFORE_PUBLISH, ADMIN)), 'INVALID_SHARES');
    expect(foreign.details).toEqual([{ missing: [], foreign: [STOCKHOLM], invalid: [] }]);

    const negative = expectRefused(when(given(), importShares({ ...SHARES, [HEBY]: -1 }), ctx(BEFORE_PUBLISH, ADMIN)), 'INVALID_SHARES');
    expect(negative.details).toEqual([{ missing: [], foreign: [], invalid: [HEBY] }]);

    expectRefused(when(given(), importShares({ ...SHARES, [HEBY]: 0.5 }), ctx(BEFORE_PUBLISH, ADMIN)), 'INVALID_SHARES');
    expectRefused(when(given(), importShares({}), ctx(BEFORE_PUBLISH, ADMIN)), 'INVALID_SHARES');
    // Zero is a valid share.
    expectAccepted(when(given(), importShares({ ...SHARES, [HEBY]: 0 }), ctx(BEFORE_PUBLISH, ADMIN)));
  });

  it('OpenWindow: accepted once shares exist; WINDOW_ALREADY_OPEN the second time', () => {
    expect(expectAccepted(when(given(imported()), OPEN, ctx(PUBLISH)))).toEqual({ type: 'WindowOpened' });
    const error = expectRefused(when(given(imported(), opened), OPEN, ctx(PUBLISH)), 'WINDOW_ALREADY_OPEN');
    expect(error.kind).toBe('conflict');
  });

  it('WINDOW_ALREADY_CLOSED: closing twice, or opening after closing', () => {
    const state = given(imported(), opened, closed());
    expect(expectRefused(when(state, CLOSE, ctx(CLOSED)), 'WINDOW_ALREADY_CLOSED').kind).toBe('conflict');
    expectRefused(when(state, OPEN, ctx(CLOSED)), 'WINDOW_ALREADY_CLOSED');
    expectRefused(when(given(imported(), closed()), OPEN, ctx(CLOSED)), 'WINDOW_ALREADY_CLOSED');
  });

  it('WINDOW_NOT_CLOSED: no county report while the window is open', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000));
    expect(expectRefused(when(state, report(false), ctx(DURING, OFFICER)), 'WINDOW_NOT_CLOSED').kind).toBe('conflict');
    expectRefused(when(state, report(true), ctx(LAST_MOMENT, SYSTEM)), 'WINDOW_NOT_CLOSED');
    // An empty county may report right after the deadline.
    expectAccepted(when(given(imported()), report(false), ctx(CLOSED, OFFICER)));
  });

  it('REPORT_ALREADY_SUBMITTED: a second report, manual or automatic', () => {
    const state = given(imported(), closed(), reported());
    expect(expectRefused(when(state, report(false), ctx(AFTER, OFFICER)), 'REPORT_ALREADY_SUBMITTED').kind).toBe('conflict');
    expectRefused(when(state, report(true), ctx(AFTER, SYSTEM)), 'REPORT_ALREADY_SUBMITTED');
  });

  it('REPORT_NOT_SUBMITTED: no final shares before the county report', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000), closed(), decided(HABO, 'APPROVED'));
    expect(expectRefused(when(state, FINALIZE, ctx(AFTER)), 'REPORT_NOT_SUBMITTED').kind).toBe('conflict');
  });

  it('ALREADY_FINAL: the final shares are set once', () => {
    const state = given(imported(), closed(), reported(), { type: 'SharesFinalized', shares: SHARES });
    expect(expectRefused(when(state, FINALIZE, ctx(AFTER)), 'ALREADY_FINAL').kind).toBe('conflict');
  });
});

// ---------------------------------------------------------------------------------------
// Persons and resolutions
// ---------------------------------------------------------------------------------------

describe('who acted and what the leadership decided', () => {
  const ANNA = { sub: 'sub-anna', name: 'Anna Berg', email: 'anna.berg@lst.example.se' };

  it('a decision is by the person: name, else e-mail, else subject; the county code without a person', () => {
    const state = given(imported(), agreed(HABO, UPPSALA, 1000));
    const by = (actor: Actor) => proposal(apply(state, decideOn(HABO, 'APPROVED'), ctx(DURING, actor)), HABO).decision;
    expect(by({ role: 'county', id: COUNTY, person: ANNA })).toEqual({ outcome: 'APPROVED', at: DURING, by: 'Anna Berg', person: ANNA });
    expect(by({ role: 'county', id: COUNTY, person: { sub: 'sub-anna', email: ANNA.email } })).toMatchObject({ by: ANNA.email });
    expect(by({ role: 'county', id: COUNTY, person: { sub: 'sub-anna' } })).toMatchObject({ by: 'sub-anna', person: { sub: 'sub-anna' } });
    const old = by({ role: 'county', id: COUNTY });
    expect(old).toEqual({ outcome: 'APPROVED', at: DURING, by: COUNTY });
  });

  it('a resolution goes into the event tidied (trimmed, empty fields left out) and not at all when empty', () => {
    const state = given(imported());
    const event = expectAccepted(
      when(state, {
        ...submit(HABO, UPPSALA, 1000),
        resolution: { decisionReference: ' KS 2021/12 § 3 ', contact: { name: 'Per Ek', email: '', phone: ' 018-12 34 56 ' }, comment: '  ' },
      } as Command),
    );
    expect(event).toEqual({ ...submitted(HABO, UPPSALA, 1000), resolution: { decisionReference: 'KS 2021/12 § 3', contact: { name: 'Per Ek', phone: '018-12 34 56' } } });
    for (const resolution of [{}, { comment: ' ' }, { contact: {} }, { contact: { name: '' } }]) {
      expect(expectAccepted(when(state, { ...submit(HABO, UPPSALA, 1000), resolution } as Command))).toEqual(submitted(HABO, UPPSALA, 1000));
    }
  });

  it("giverResolution comes from the proposal, is kept by an amendment without one and replaced by one with one; receiverResolution from the answer, cleared by an amendment", () => {
    const giverSaid = { decisionReference: 'KS 2021/12 § 3', contact: { name: 'Per Ek', email: 'per.ek@habo.example.se' } };
    const receiverSaid = { decisionReference: 'KF 2021/99', comment: 'Vi tar emot.' };
    let s = apply(given(imported()), { ...submit(HABO, UPPSALA, 1000), resolution: giverSaid } as Command, ctx(DURING, muni(HABO)));
    expect(proposal(s, HABO).giverResolution).toEqual(giverSaid);
    s = apply(s, { ...answer(HABO, UPPSALA, true), resolution: receiverSaid } as Command, ctx(DURING, muni(UPPSALA)));
    expect(proposal(s, HABO)).toMatchObject({ status: 'AGREED', giverResolution: giverSaid, receiverResolution: receiverSaid });

    s = apply(s, amend(HABO, { perMille: 900 }), ctx(LATER, muni(HABO)));
    expect(proposal(s, HABO).giverResolution).toEqual(giverSaid);
    expect(proposal(s, HABO)).not.toHaveProperty('receiverResolution');

    const again = { comment: 'Nytt beslut.' };
    s = apply(s, { ...amend(HABO, { perMille: 800 }), resolution: again } as Command, ctx(LATER, muni(HABO)));
    expect(proposal(s, HABO).giverResolution).toEqual(again);

    // A decline records the receiver's resolution too.
    s = apply(s, { ...answer(HABO, UPPSALA, false), resolution: { comment: 'Inte i år.' } } as Command, ctx(LATER, muni(UPPSALA)));
    expect(proposal(s, HABO)).toMatchObject({ status: 'DECLINED', receiverResolution: { comment: 'Inte i år.' } });
    // A new proposal starts afresh.
    s = apply(s, submit(HABO, ENKOPING, 500), ctx(LATER, muni(HABO)));
    expect(proposal(s, HABO)).not.toHaveProperty('giverResolution');
    expect(proposal(s, HABO)).not.toHaveProperty('receiverResolution');
  });
});

// ---------------------------------------------------------------------------------------
// State transitions
// ---------------------------------------------------------------------------------------

describe('state transitions', () => {
  it('amendment puts AGREED back to AWAITING_RECEIVER, clears receiverConsentAt and bumps the version', () => {
    let s = apply(given(imported()), submit(HABO, UPPSALA, 1000), ctx(DURING, muni(HABO)));
    expect(proposal(s, HABO)).toEqual({
      giver: HABO,
      receiver: UPPSALA,
      perMille: 1000,
      status: 'AWAITING_RECEIVER',
      version: 1,
      createdAt: DURING,
      updatedAt: DURING,
    });
    s = apply(s, answer(HABO, UPPSALA, true), ctx('2021-09-20T10:00:00Z', muni(UPPSALA)));
    expect(proposal(s, HABO)).toMatchObject({ status: 'AGREED', version: 2, receiverConsentAt: '2021-09-20T10:00:00Z' });

    s = apply(s, amend(HABO, { perMille: 1234 }), ctx(LATER, muni(HABO)));
    const p = proposal(s, HABO);
    expect(p).toMatchObject({ status: 'AWAITING_RECEIVER', perMille: 1234, receiver: UPPSALA, version: 3, createdAt: DURING, updatedAt: LATER });
    expect(p.receiverConsentAt).toBeUndefined();

    // An amendment of an AWAITING_RECEIVER proposal keeps it awaiting, with a new receiver.
    s = apply(s, amend(HABO, { receiver: ENKOPING }), ctx(LATER, muni(HABO)));
    expect(proposal(s, HABO)).toMatchObject({ status: 'AWAITING_RECEIVER', perMille: 1234, receiver: ENKOPING, version: 4 });
    expect(s.version).toBe(5);
  });

  it('decision records outcome, reason, at and by', () => {
    const start = given(imported(), agreed(HABO, UPPSALA, 1000), agreed(TIERP, UPPSALA, 300), closed());
    let s = apply(start, decideOn(HABO, 'REJECTED', ' Bristande förankring '), ctx(AFTER, OFFICER));
    expect(proposal(s, HABO)).toMatchObject({
      status: 'REJECTED',
      version: proposal(start, HABO).version + 1,
      updatedAt: AFTER,
      decision: { outcome: 'REJECTED', reason: 'Bristande förankring', at: AFTER, by: OFFICER.id },
    });
    s = apply(s, decideOn(TIERP, 'APPROVED'), ctx('2021-11-11T09:00:00Z', OFFICER));
    expect(proposal(s, TIERP).decision).toMatchObject({ outcome: 'APPROVED', at: '2021-11-11T09:00:00Z', by: OFFICER.id });
    expect(proposal(s, TIERP).decision?.reason).toBeUndefined();
    expect(proposal(s, TIERP).status).toBe('APPROVED');
  });

  it('the ledger version is the sequence of the last event; evolve leaves the old state untouched', () => {
    const empty = emptyLedger(KEY);
    expect(empty).toMatchObject({ year: YEAR, county: COUNTY, version: 0, preliminary: null, proposals: {}, report: null, final: null });
    const s1 = given(imported());
    expect(s1.version).toBe(1);
    const s2 = apply(s1, submit(HABO, UPPSALA, 1000));
    expect(s2.version).toBe(2);
    expect(s1.proposals).toEqual({}); // frozen and unchanged
  });
});

// ---------------------------------------------------------------------------------------
// Error kinds (the HTTP edge maps them to statuses: shared/http/errors.ts) and coverage of the catalog
// ---------------------------------------------------------------------------------------

it('refusals carry the kinds the HTTP edge maps to statuses (409 conflicts with state, 422 broken rules)', () => {
  const kinds: Partial<Record<ErrorCode, ErrorKind>> = {
    SUBMISSION_WINDOW_CLOSED: 'conflict',
    GIVER_HAS_PROPOSAL: 'conflict',
    ROLE_CONFLICT: 'conflict',
    INVALID_STATUS: 'conflict',
    OTHER_COUNTY: 'rule',
    SAME_MUNICIPALITY: 'rule',
    AMOUNT_EXCEEDS_SHARE: 'rule',
    INVALID_AMOUNT: 'invalid',
    PROPOSAL_NOT_FOUND: 'not_found',
    NOT_RECEIVER: 'forbidden',
  };
  for (const [code, kind] of Object.entries(kinds)) expect(new RuleError(code as ErrorCode).kind, code).toBe(kind);
});

it('UNKNOWN_COUNTY: a ledger of a county that does not exist refuses every command', () => {
  const nowhere = emptyLedger({ year: 2022, county: '02' });
  expectRefused(when(nowhere, { type: 'ImportShares', shares: {} }), 'UNKNOWN_COUNTY');
  expectRefused(when(nowhere, { type: 'CloseWindow' }), 'UNKNOWN_COUNTY');
});

it('INVALID_AMOUNT: an amount that is not whole thousandths never reaches the ledger', () => {
  const state = given(imported());
  expectRefused(when(state, { type: 'SubmitProposal', giver: HABO, receiver: UPPSALA, perMille: 0.5 }), 'INVALID_AMOUNT');
  expectRefused(when(state, { type: 'SubmitProposal', giver: HABO, receiver: UPPSALA, perMille: Number.NaN }), 'INVALID_AMOUNT');
});

/**
 * Codes that neither decide nor the helpers it uses can produce, each with the reason.
 * Kept explicit so a new code in the catalog must get a test here or an entry here.
 */
const NOT_PRODUCED_BY_THE_LEDGER: Partial<Record<ErrorCode, string>> = {};

// Must stay the last test of the file: it reads what the tests above recorded.
it('every code of the error catalog is asserted by at least one test of this file', () => {
  const exempt = Object.keys(NOT_PRODUCED_BY_THE_LEDGER) as ErrorCode[];
  expect(ERROR_CODES.length).toBeGreaterThan(0);
  expect(exempt.filter((code) => !ERROR_CODES.includes(code))).toEqual([]);
  expect(exempt.filter((code) => seen.has(code))).toEqual([]);
  expect(ERROR_CODES.filter((code) => !seen.has(code) && !exempt.includes(code))).toEqual([]);
});
