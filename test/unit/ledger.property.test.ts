/**
 * Property tests for the county ledger (docs/DESIGN.md "Rules", R1–R9).
 *
 * A scenario is a random county (any of the 21, Gotland included), random preliminary shares
 * for its municipalities (integer milli, 0..50 000) and a random list of command descriptors,
 * interpreted in a loop against a clock that starts inside the share-year-2022 window and moves
 * forward past the deadline. Every command goes through decide; an accepted one is wrapped into
 * an event {seq, at, actor} and evolved, a refused one must leave the state exactly as it was.
 * States, events and commands are deep-frozen, so any mutation by decide/evolve throws.
 * The county may decide while the window is open (R8), and givers may then still amend or
 * withdraw, so the checks include that roles follow commitments (R4) at every step and that
 * only what is APPROVED when the county reports moves shares.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decide,
  emptyLedger,
  evolve,
  fold,
  liveProposals,
  shareLines,
  type Command,
  type LedgerState,
} from '../../shared/domain/ledger/index.js';
import { defaultCalendar, isWithinWindow, windowClosesAt } from '../../shared/domain/calendar.js';
import { ERROR_CODES, RuleError } from '../../shared/domain/errors.js';
import type { Milli } from '../../shared/domain/per-mille.js';
import { COUNTIES, MUNICIPALITIES, municipalitiesOf } from '../../shared/reference/index.js';
import { EventBodySchema, type Actor, type LedgerEvent, type ProposalStatus, type Resolution } from '../../shared/schemas/ledger.js';

// ---------------------------------------------------------------------------------------------
// Calendar and clock

const YEAR = 2022;
const CAL = defaultCalendar(YEAR);
const PUBLISH_MS = Date.parse(CAL.publishAt);
const DEADLINE_MS = Date.parse(CAL.deadline);
const CLOSES_MS = Date.parse(windowClosesAt(CAL));
const SECOND = 1000;
const WINDOW_SECONDS = (DEADLINE_MS - PUBLISH_MS) / SECOND;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Seconds to move forward, or a jump to the deadline second (still open) / the closing second. */
type Advance = number | 'deadline' | 'closes';

function advance(now: number, a: Advance): number {
  if (a === 'deadline') return Math.max(now, DEADLINE_MS);
  if (a === 'closes') return Math.max(now, CLOSES_MS);
  return now + a * SECOND;
}

// ---------------------------------------------------------------------------------------------
// Command descriptors (resolved against the current state when they run)

/** A municipality: of the county (any, or any but the giver), of another county, or one already giving / receiving / awaiting consent / agreed / decided. */
type PickFrom = 'county' | 'peer' | 'foreign' | 'giver' | 'receiver' | 'awaiting' | 'agreed' | 'decided';
type Pick = { from: PickFrom; i: number };
type Amount =
  | { kind: 'zero' }
  | { kind: 'part'; permille: number }
  | { kind: 'all' }
  | { kind: 'above'; extra: number }
  | { kind: 'raw'; n: number }
  /** Not an exact Milli (the API parser never produces these; the ledger must still refuse them). */
  | { kind: 'inexact'; value: number };
type ImportVariant = 'valid' | 'missing' | 'foreign' | 'negative' | 'fraction';

type Op =
  | { kind: 'import'; variant: ImportVariant; values: number[] }
  | { kind: 'open' }
  | { kind: 'submit'; giver: Pick; receiver: Pick; amount: Amount; resolution: Resolution | undefined }
  | { kind: 'amend'; giver: Pick; receiver: Pick | null; amount: Amount | null; resolution: Resolution | undefined }
  | { kind: 'withdraw'; giver: Pick }
  | { kind: 'answer'; giver: Pick; respondent: 'right' | Pick; accept: boolean; resolution: Resolution | undefined }
  | { kind: 'close' }
  /** `signed`: the officer's token names a person (else the event has the county code only, as old events do). */
  | { kind: 'decide'; giver: Pick; outcome: 'APPROVED' | 'REJECTED'; reason: string | undefined; signed: boolean }
  | { kind: 'report'; auto: boolean }
  | { kind: 'finalize' };

interface Step {
  advance: Advance;
  idempotencyKey: string | undefined;
  op: Op;
}

interface Scenario {
  county: string;
  shares: Record<string, Milli>;
  /** Seconds after publish at which the clock starts (always inside the window). */
  start: number;
  /** Commands while the clock may still be inside the window. */
  during: Step[];
  /** Seconds past the closing second that the clock jumps to before `after`. */
  jump: number;
  /** Commands after the deadline (the county's part of the year). */
  after: Step[];
  /** Then, as the workflow does: auto-submit the report if the county has not, and finalize. */
  wrapUp: boolean;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const COUNTY_CODES = COUNTIES.map((c) => c.code);
const MAX_IN_COUNTY = Math.max(...COUNTY_CODES.map((c) => municipalitiesOf(c).length));

const shareValueArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 50 }) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 50_000 }) },
);

const pickArb = (w: Partial<Record<PickFrom, number>>): fc.Arbitrary<Pick> =>
  fc.oneof(
    ...(Object.entries(w) as [PickFrom, number][])
      .filter(([, weight]) => weight > 0)
      .map(([from, weight]) => ({ weight, arbitrary: fc.nat(1000).map((i): Pick => ({ from, i })) })),
  );

const giverOfNewArb = pickArb({ county: 6, foreign: 1, giver: 2, receiver: 2 });
const receiverArb = pickArb({ peer: 8, county: 1, foreign: 1, giver: 2, receiver: 3 });
const existingGiverArb = pickArb({ county: 2, foreign: 1, giver: 8, receiver: 1, decided: 4 });
const awaitingGiverArb = pickArb({ county: 1, foreign: 1, giver: 3, receiver: 1, awaiting: 8 });
const agreedGiverArb = pickArb({ county: 1, foreign: 1, giver: 3, receiver: 1, awaiting: 1, agreed: 10, decided: 4 });

/** What a leadership states: nothing, something, or only blanks (which the ledger leaves out). */
const resolutionArb: fc.Arbitrary<Resolution | undefined> = fc.constantFrom<Resolution | undefined>(
  undefined,
  undefined,
  { decisionReference: 'KS 2021/12 § 3' },
  { contact: { name: 'Per Ek', phone: '018-12 34 56' }, comment: ' Enligt beslut. ' },
  { comment: '   ', contact: {} },
);

const amountArb: fc.Arbitrary<Amount> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Amount>({ kind: 'zero' }) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 1000 }).map((permille): Amount => ({ kind: 'part', permille })) },
  { weight: 1, arbitrary: fc.constant<Amount>({ kind: 'all' }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((extra): Amount => ({ kind: 'above', extra })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 60_000 }).map((n): Amount => ({ kind: 'raw', n })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(Number.NaN, 0.5, 1000.25, -1, -0, Number.POSITIVE_INFINITY, 2 ** 53, 0.1 + 0.2)
      .map((value): Amount => ({ kind: 'inexact', value })),
  },
);

const reasonArb = fc.constantFrom(undefined, '', '   ', 'Mottagaren saknar boendeplatser.', '  Skäl med blanksteg  ');

const opArb = (w: Partial<Record<Op['kind'], number>>): fc.Arbitrary<Op> => {
  const arbs: Record<Op['kind'], fc.Arbitrary<Op>> = {
    import: fc.record({
      kind: fc.constant('import' as const),
      variant: fc.constantFrom<ImportVariant>('valid', 'valid', 'missing', 'foreign', 'negative', 'fraction'),
      values: fc.array(shareValueArb, { minLength: MAX_IN_COUNTY, maxLength: MAX_IN_COUNTY }),
    }),
    open: fc.constant({ kind: 'open' as const }),
    submit: fc.record({ kind: fc.constant('submit' as const), giver: giverOfNewArb, receiver: receiverArb, amount: amountArb, resolution: resolutionArb }),
    amend: fc.record({
      kind: fc.constant('amend' as const),
      giver: existingGiverArb,
      receiver: fc.option(receiverArb, { nil: null }),
      amount: fc.option(amountArb, { nil: null }),
      resolution: resolutionArb,
    }),
    withdraw: fc.record({ kind: fc.constant('withdraw' as const), giver: existingGiverArb }),
    answer: fc.record({
      kind: fc.constant('answer' as const),
      giver: awaitingGiverArb,
      respondent: fc.oneof(
        { weight: 4, arbitrary: fc.constant('right' as const) },
        { weight: 1, arbitrary: pickArb({ county: 3, foreign: 1, giver: 2, receiver: 2 }) },
      ),
      accept: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      resolution: resolutionArb,
    }),
    close: fc.constant({ kind: 'close' as const }),
    decide: fc.record({
      kind: fc.constant('decide' as const),
      giver: agreedGiverArb,
      outcome: fc.constantFrom('APPROVED' as const, 'APPROVED' as const, 'REJECTED' as const),
      reason: reasonArb,
      signed: fc.boolean(),
    }),
    report: fc.record({ kind: fc.constant('report' as const), auto: fc.boolean() }),
    finalize: fc.constant({ kind: 'finalize' as const }),
  };
  return fc.oneof(
    ...(Object.entries(w) as [Op['kind'], number][]).filter(([, weight]) => weight > 0).map(([kind, weight]) => ({ weight, arbitrary: arbs[kind] })),
  );
};

/** Decisions come while the window is open too (R8), so early decisions meet later amendments and withdrawals. */
const DURING_OPS = { import: 2, open: 2, submit: 40, amend: 14, withdraw: 6, answer: 30, close: 1, decide: 16, report: 1, finalize: 1 };
const AFTER_OPS = { import: 1, submit: 1, amend: 1, withdraw: 1, answer: 1, close: 2, decide: 16, report: 2, finalize: 4 };

const advanceArb: fc.Arbitrary<Advance> = fc.oneof(
  { weight: 80, arbitrary: fc.constant(0) },
  { weight: 40, arbitrary: fc.integer({ min: 1, max: 3600 }) },
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 5 * 86_400 }) },
  { weight: 1, arbitrary: fc.constant<Advance>('deadline') },
  { weight: 1, arbitrary: fc.constant<Advance>('closes') },
);

const stepArb = (ops: Partial<Record<Op['kind'], number>>, adv: fc.Arbitrary<Advance>): fc.Arbitrary<Step> =>
  fc.record({
    advance: adv,
    idempotencyKey: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined, freq: 3 }),
    op: opArb(ops),
  });

const duringStepArb = stepArb(DURING_OPS, advanceArb);
const afterStepArb = stepArb(
  AFTER_OPS,
  fc.oneof({ weight: 4, arbitrary: fc.constant<Advance>(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * 86_400 }) }),
);

const startArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: Math.floor(WINDOW_SECONDS / 2) }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: WINDOW_SECONDS }) },
);
const jumpArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 * 86_400 }));

const timelineArb = (maxDuring: number, maxAfter: number) =>
  fc.record({
    start: startArb,
    during: fc.array(duringStepArb, { maxLength: maxDuring, size: 'max' }),
    jump: jumpArb,
    after: fc.array(afterStepArb, { maxLength: maxAfter, size: 'max' }),
    wrapUp: fc.boolean(),
  });

const codesOf = (county: string): string[] => municipalitiesOf(county).map((m) => m.code).sort();

const sharesArb = (codes: readonly string[]): fc.Arbitrary<Record<string, Milli>> =>
  fc.array(shareValueArb, { minLength: codes.length, maxLength: codes.length }).map((values) => Object.fromEntries(codes.map((c, i) => [c, values[i]!])));

const scenarioArb = (maxDuring = 60, maxAfter = 20): fc.Arbitrary<Scenario> =>
  fc.constantFrom(...COUNTY_CODES).chain((county) =>
    fc.tuple(sharesArb(codesOf(county)), timelineArb(maxDuring, maxAfter)).map(([shares, t]): Scenario => ({ county, shares, ...t })),
  );

// ---------------------------------------------------------------------------------------------
// Harness: decide → wrap → evolve, with checks on every step

const STATUSES: readonly ProposalStatus[] = ['AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED', 'DECLINED', 'WITHDRAWN', 'EXPIRED'];
/** Live statuses, written out here (not imported) so the test does not share the domain's list. */
const LIVE: readonly ProposalStatus[] = ['AWAITING_RECEIVER', 'AGREED', 'APPROVED'];
/** Which status a giver's proposal may move to in one event (a non-live one may be replaced by a new submission). */
const NEXT_STATUS: Record<ProposalStatus, readonly ProposalStatus[]> = {
  AWAITING_RECEIVER: ['AWAITING_RECEIVER', 'AGREED', 'DECLINED', 'WITHDRAWN', 'EXPIRED'],
  AGREED: ['AWAITING_RECEIVER', 'WITHDRAWN', 'APPROVED', 'REJECTED'],
  // Before the deadline the giver may still amend or withdraw a decided proposal (R8).
  APPROVED: ['APPROVED', 'REJECTED', 'AWAITING_RECEIVER', 'WITHDRAWN'],
  REJECTED: ['APPROVED', 'REJECTED', 'AWAITING_RECEIVER', 'WITHDRAWN'],
  DECLINED: ['AWAITING_RECEIVER'],
  WITHDRAWN: ['AWAITING_RECEIVER'],
  EXPIRED: [],
};

const ADMIN: Actor = { role: 'admin', id: 'admin-1' };
const SYSTEM: Actor = { role: 'system' };
const municipality = (code: string): Actor => ({ role: 'municipality', id: code });
const countyActor = (county: string): Actor => ({ role: 'county', id: county });
const officer = (county: string): Actor => ({ role: 'county', id: county, person: { sub: `sub-lst-${county}`, name: `Handläggare ${county}` } });

type ReimportMode = 'anytime' | 'never';

interface Stats {
  accepted: Record<string, number>;
  refused: Record<string, number>;
  finalized: number;
  finalizedWithApproved: number;
  counties: Set<string>;
  /** Decisions taken while the window was open. */
  earlyDecisions: number;
  /** Amendments or withdrawals of an APPROVED or REJECTED proposal. */
  decidedUndone: number;
  /** Finalized years in which a proposal approved while open was no longer APPROVED at the report. */
  finalizedWithEarlyApprovalUndone: number;
}
const newStats = (): Stats => ({
  accepted: {},
  refused: {},
  finalized: 0,
  finalizedWithApproved: 0,
  counties: new Set(),
  earlyDecisions: 0,
  decidedUndone: 0,
  finalizedWithEarlyApprovalUndone: 0,
});
let stats = newStats();
const bump = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const big = (values: Iterable<number>): bigint => {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return total;
};

class Harness {
  readonly codes: string[];
  readonly foreign: string[];
  readonly key: { year: number; county: string };
  state: LedgerState;
  readonly states: LedgerState[] = [];
  readonly events: LedgerEvent[] = [];
  /** The state right after the county report (the proposals it reported). */
  reported: LedgerState | null = null;
  /** Givers whose proposal the county approved while the window was open. */
  readonly approvedEarly = new Set<string>();
  now: number;

  constructor(readonly county: string, startMs: number) {
    this.codes = codesOf(county);
    this.foreign = MUNICIPALITIES.filter((m) => m.county !== county).map((m) => m.code);
    this.key = { year: YEAR, county };
    this.state = deepFreeze(emptyLedger(this.key));
    this.states.push(this.state);
    this.now = startMs;
  }

  /** Runs one command; returns whether it was accepted. */
  apply(command: Command, actor: Actor, idempotencyKey?: string): boolean {
    const prev = this.state;
    const snapshot = structuredClone(prev);
    deepFreeze(command);
    const ctx = deepFreeze({ now: iso(this.now), calendar: CAL, actor });
    const decision = decide(prev, command, ctx);
    expect(prev).toStrictEqual(snapshot);
    if (!decision.ok) {
      // Refusals never change anything, and are always one of the catalogued rule errors.
      expect(decision.error).toBeInstanceOf(RuleError);
      expect(ERROR_CODES).toContain(decision.error.code);
      bump(stats.refused, decision.error.code);
      return false;
    }
    const parsed = EventBodySchema.safeParse(decision.event);
    expect(parsed.success, JSON.stringify(decision.event)).toBe(true);
    const event = deepFreeze({
      seq: prev.version + 1,
      at: ctx.now,
      actor,
      ...(idempotencyKey ? { idempotencyKey } : {}),
      ...decision.event,
    } as LedgerEvent);
    const next = deepFreeze(evolve(prev, event));
    expect(prev).toStrictEqual(snapshot); // evolve is pure too
    expect(next.version).toBe(event.seq);
    checkAccepted(this, prev, next, command, event);
    if (event.type === 'CountyReportSubmitted') this.reported = next;
    if (event.type === 'ProposalDecided' && windowOpen(prev, Date.parse(event.at))) {
      stats.earlyDecisions++;
      if (event.outcome === 'APPROVED') this.approvedEarly.add(event.giver);
    }
    if ((event.type === 'ProposalAmended' || event.type === 'ProposalWithdrawn') && ['APPROVED', 'REJECTED'].includes(prev.proposals[event.giver]!.status)) {
      stats.decidedUndone++;
    }
    checkInvariants(next, this.codes, this.reported);
    this.state = next;
    this.events.push(event);
    this.states.push(next);
    bump(stats.accepted, event.type);
    return true;
  }

  /** `giver`: the giver the picked municipality is to receive from (for 'peer'). */
  pick(p: Pick, giver?: string): string {
    const { codes, foreign, state } = this;
    const from = (list: string[]) => (list.length > 0 ? list[p.i % list.length]! : codes[p.i % codes.length]!);
    switch (p.from) {
      case 'county':
        return from(codes);
      case 'peer':
        return from(codes.filter((c) => c !== giver));
      case 'foreign':
        return from(foreign);
      case 'giver':
        return from(Object.keys(state.proposals).sort());
      case 'receiver':
        return from([...new Set(Object.values(state.proposals).map((x) => x.receiver))].sort());
      case 'awaiting':
        return from(Object.keys(state.proposals).filter((g) => state.proposals[g]!.status === 'AWAITING_RECEIVER').sort());
      case 'agreed':
        return from(Object.keys(state.proposals).filter((g) => state.proposals[g]!.status === 'AGREED').sort());
      case 'decided':
        return from(Object.keys(state.proposals).filter((g) => ['APPROVED', 'REJECTED'].includes(state.proposals[g]!.status)).sort());
    }
  }

  amount(a: Amount, giver: string): Milli {
    const share = this.state.preliminary?.[giver] ?? 0;
    switch (a.kind) {
      case 'zero':
        return 0;
      case 'part':
        return Math.max(1, Math.ceil((share * a.permille) / 1000));
      case 'all':
        return share;
      case 'above':
        return share + a.extra;
      case 'raw':
        return a.n;
      case 'inexact':
        return a.value;
    }
  }

  importShares(op: Extract<Op, { kind: 'import' }>): Record<string, Milli> {
    const shares: Record<string, Milli> = Object.fromEntries(this.codes.map((c, i) => [c, op.values[i]!]));
    const first = this.codes[0]!;
    if (op.variant === 'missing') delete shares[first];
    if (op.variant === 'foreign') shares[this.foreign[op.values[0]! % this.foreign.length]!] = 1000;
    if (op.variant === 'negative') shares[first] = -1;
    if (op.variant === 'fraction') shares[first] = 0.5;
    return shares;
  }

  /** Turns a descriptor into a command for the current state (null: skipped). */
  command(op: Op, reimport: ReimportMode): [Command, Actor] | null {
    switch (op.kind) {
      case 'import':
        if (reimport === 'never') return null;
        return [{ type: 'ImportShares', shares: this.importShares(op) }, ADMIN];
      case 'open':
        return [{ type: 'OpenWindow' }, SYSTEM];
      case 'submit': {
        const giver = this.pick(op.giver);
        const command: Command = {
          type: 'SubmitProposal',
          giver,
          receiver: this.pick(op.receiver, giver),
          perMille: this.amount(op.amount, giver),
          ...(op.resolution ? { resolution: op.resolution } : {}),
        };
        return [command, municipality(giver)];
      }
      case 'amend': {
        const giver = this.pick(op.giver);
        const command: Command = {
          type: 'AmendProposal',
          giver,
          ...(op.receiver ? { receiver: this.pick(op.receiver, giver) } : {}),
          ...(op.amount ? { perMille: this.amount(op.amount, giver) } : {}),
          ...(op.resolution ? { resolution: op.resolution } : {}),
        };
        return [command, municipality(giver)];
      }
      case 'withdraw': {
        const giver = this.pick(op.giver);
        return [{ type: 'WithdrawProposal', giver }, municipality(giver)];
      }
      case 'answer': {
        const giver = this.pick(op.giver);
        const respondent = op.respondent === 'right' ? (this.state.proposals[giver]?.receiver ?? this.codes[0]!) : this.pick(op.respondent);
        return [{ type: 'AnswerProposal', giver, respondent, accept: op.accept, ...(op.resolution ? { resolution: op.resolution } : {}) }, municipality(respondent)];
      }
      case 'close':
        return [{ type: 'CloseWindow' }, SYSTEM];
      case 'decide': {
        const giver = this.pick(op.giver);
        const actor = op.signed ? officer(this.county) : countyActor(this.county);
        return [{ type: 'DecideProposal', giver, outcome: op.outcome, ...(op.reason === undefined ? {} : { reason: op.reason }) }, actor];
      }
      case 'report':
        return [{ type: 'SubmitCountyReport', auto: op.auto }, countyActor(this.county)];
      case 'finalize':
        return [{ type: 'FinalizeShares' }, SYSTEM];
    }
  }

  step(s: Step, reimport: ReimportMode): void {
    this.now = advance(this.now, s.advance);
    const c = this.command(s.op, reimport);
    if (c) this.apply(c[0], c[1], s.idempotencyKey);
  }
}

function runScenario(sc: Scenario, reimport: ReimportMode): Harness {
  const h = new Harness(sc.county, PUBLISH_MS + sc.start * SECOND);
  stats.counties.add(sc.county);
  expect(h.apply({ type: 'ImportShares', shares: sc.shares }, ADMIN)).toBe(true);
  for (const s of sc.during) h.step(s, reimport);
  h.now = Math.max(h.now, CLOSES_MS + sc.jump * SECOND);
  for (const s of sc.after) h.step(s, reimport);
  if (sc.wrapUp) {
    // Past the deadline the report can always be auto-submitted, and final shares always computed.
    if (!h.state.report) expect(h.apply({ type: 'SubmitCountyReport', auto: true }, SYSTEM)).toBe(true);
    if (!h.state.final) expect(h.apply({ type: 'FinalizeShares' }, SYSTEM)).toBe(true);
  }
  if (h.state.final) {
    stats.finalized++;
    if (Object.values(h.state.proposals).some((p) => p.status === 'APPROVED')) stats.finalizedWithApproved++;
    if ([...h.approvedEarly].some((g) => h.reported!.proposals[g]?.status !== 'APPROVED')) stats.finalizedWithEarlyApprovalUndone++;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Checks

const windowOpen = (prev: LedgerState, now: number): boolean =>
  prev.preliminary !== null && prev.windowClosedAt === null && PUBLISH_MS <= now && now <= DEADLINE_MS && isWithinWindow(CAL, iso(now));
const windowClosed = (prev: LedgerState, now: number): boolean => prev.windowClosedAt !== null || now >= CLOSES_MS;

/** What an accepted command must have been allowed to do (an oracle for R1–R9 per command). */
function checkAccepted(h: Harness, prev: LedgerState, next: LedgerState, command: Command, event: LedgerEvent): void {
  const now = Date.parse(event.at);
  const touched: string[] = [];
  switch (command.type) {
    case 'ImportShares':
      expect(Object.keys(prev.proposals)).toHaveLength(0);
      // Once the window has closed (by the workflow or the clock) the preliminary shares are fixed.
      expect(windowClosed(prev, now), 'shares re-imported after the window closed').toBe(false);
      expect(prev.report, 'shares re-imported after the county report').toBeNull();
      expect(prev.final, 'shares re-imported after final shares').toBeNull();
      expect(next.preliminary).toEqual(command.shares);
      break;
    case 'OpenWindow':
      expect(prev.preliminary).not.toBeNull();
      expect(prev.windowOpenedAt).toBeNull();
      expect(prev.windowClosedAt).toBeNull();
      break;
    case 'SubmitProposal': {
      expect(windowOpen(prev, now)).toBe(true); // R6
      const before = prev.proposals[command.giver];
      expect(before === undefined || !LIVE.includes(before.status)).toBe(true); // R2
      expect(givesLive(prev, command.receiver), 'proposed to a municipality that gives (R4)').toBe(false);
      expect(receivesCommitted(prev, command.giver), 'a committed receiver proposed (R4)').toBe(false);
      const p = next.proposals[command.giver]!;
      expect(p).toMatchObject({ giver: command.giver, receiver: command.receiver, perMille: command.perMille, status: 'AWAITING_RECEIVER', version: 1 });
      expect(p.createdAt).toBe(event.at);
      expect(p.giverResolution).toEqual(tidy(command.resolution));
      expect(p).not.toHaveProperty('receiverResolution');
      expect(p).not.toHaveProperty('decision');
      touched.push(command.giver);
      break;
    }
    case 'AmendProposal': {
      expect(windowOpen(prev, now)).toBe(true); // R6
      const before = prev.proposals[command.giver]!;
      expect(['AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED']).toContain(before.status);
      const p = next.proposals[command.giver]!;
      expect(p.status).toBe('AWAITING_RECEIVER');
      expect(p.receiver).toBe(command.receiver ?? before.receiver);
      expect(p.perMille).toBe(command.perMille ?? before.perMille);
      if (p.receiver !== before.receiver) expect(givesLive(prev, p.receiver), 'amended to a municipality that gives (R4)').toBe(false);
      // An amendment is undecided and unanswered: no old decision, consent or receiver's resolution survives it.
      for (const gone of ['receiverConsentAt', 'decision', 'receiverResolution']) expect(p, gone).not.toHaveProperty(gone);
      expect(p.giverResolution).toEqual(tidy(command.resolution) ?? before.giverResolution);
      touched.push(command.giver);
      break;
    }
    case 'WithdrawProposal':
      expect(windowOpen(prev, now)).toBe(true); // R6
      expect(['AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED']).toContain(prev.proposals[command.giver]!.status);
      expect(next.proposals[command.giver]!.status).toBe('WITHDRAWN');
      touched.push(command.giver);
      break;
    case 'AnswerProposal': {
      expect(windowOpen(prev, now)).toBe(true); // R6
      const before = prev.proposals[command.giver]!;
      expect(command.respondent).toBe(before.receiver); // R7: only the receiver consents
      expect(before.status).toBe('AWAITING_RECEIVER');
      const p = next.proposals[command.giver]!;
      expect(p.status).toBe(command.accept ? 'AGREED' : 'DECLINED');
      if (command.accept) expect(p.receiverConsentAt).toBe(event.at);
      if (command.accept) expect(givesLive(prev, command.respondent), 'a giver consented to receive (R4)').toBe(false);
      expect(p.receiverResolution).toEqual(tidy(command.resolution));
      touched.push(command.giver);
      break;
    }
    case 'CloseWindow': {
      expect(prev.windowClosedAt).toBeNull();
      expect(next.windowClosedAt).toBe(event.at);
      for (const [giver, p] of Object.entries(prev.proposals)) {
        if (p.status === 'AWAITING_RECEIVER') {
          expect(next.proposals[giver]!.status).toBe('EXPIRED'); // R7
          touched.push(giver);
        }
      }
      break;
    }
    case 'DecideProposal': {
      // R8: at any time before the report, also while the window is open.
      expect(prev.report).toBeNull();
      expect(['AGREED', 'APPROVED', 'REJECTED']).toContain(prev.proposals[command.giver]!.status); // R7
      const p = next.proposals[command.giver]!;
      expect(p.status).toBe(command.outcome);
      const why = command.reason?.trim();
      if (command.outcome === 'REJECTED') expect(why).toBeTruthy(); // R8: a reason on rejection
      if (event.actor.person) expect(p.decision).toMatchObject({ outcome: command.outcome, at: event.at, by: event.actor.person.name, person: event.actor.person });
      else expect(p.decision).toEqual({ outcome: command.outcome, at: event.at, by: h.county, ...(why ? { reason: why } : {}) });
      expect(p.decision?.reason).toBe(why ? why : undefined);
      touched.push(command.giver);
      break;
    }
    case 'SubmitCountyReport':
      expect(prev.report).toBeNull();
      expect(windowClosed(prev, now)).toBe(true);
      if (!command.auto) expect(Object.values(prev.proposals).filter((p) => p.status === 'AGREED')).toEqual([]);
      expect(next.report).toEqual({ mode: command.auto ? 'AUTO_SUBMITTED' : 'SUBMITTED', at: event.at, by: event.actor });
      break;
    case 'FinalizeShares':
      expect(prev.report).not.toBeNull();
      expect(prev.final).toBeNull();
      expect(next.final).not.toBeNull();
      break;
  }

  // Only the named proposals change, each by an allowed transition and with its version bumped.
  const givers = new Set([...Object.keys(prev.proposals), ...Object.keys(next.proposals)]);
  for (const giver of givers) {
    const before = prev.proposals[giver];
    const after = next.proposals[giver];
    if (!touched.includes(giver)) {
      expect(after).toStrictEqual(before);
      continue;
    }
    expect(after).toBeDefined();
    expect(after!.updatedAt).toBe(event.at);
    if (before === undefined || (command.type === 'SubmitProposal' && !LIVE.includes(before.status))) {
      expect(after!.version).toBe(1);
      if (before) expect(NEXT_STATUS[before.status]).toContain(after!.status);
    } else {
      expect(NEXT_STATUS[before.status]).toContain(after!.status);
      expect(after!.version).toBe(before.version + 1);
    }
  }
  // Once reported / final, these never change again.
  if (prev.report) expect(next.report).toStrictEqual(prev.report);
  if (prev.final) expect(next.final).toStrictEqual(prev.final);
  if (prev.windowClosedAt) expect(next.windowClosedAt).toBe(prev.windowClosedAt);
}

/** Independently of the domain: gives = has a live proposal; receives (committed) = consented to a proposal still AGREED or APPROVED. */
const givesLive = (state: LedgerState, code: string): boolean => Object.values(state.proposals).some((p) => p.giver === code && LIVE.includes(p.status));
const receivesCommitted = (state: LedgerState, code: string): boolean =>
  Object.values(state.proposals).some((p) => p.receiver === code && (p.status === 'AGREED' || p.status === 'APPROVED'));

/** A resolution as the ledger should keep it: trimmed, empty fields left out, nothing when empty. */
function tidy(r: Resolution | undefined): Resolution | undefined {
  if (!r) return undefined;
  const t = (v: string | undefined) => v?.trim() || undefined;
  const contact = Object.fromEntries(Object.entries(r.contact ?? {}).map(([k, v]) => [k, t(v)]).filter(([, v]) => v));
  const out = Object.fromEntries(
    Object.entries({ decisionReference: t(r.decisionReference), contact: Object.keys(contact).length ? contact : undefined, comment: t(r.comment) }).filter(([, v]) => v),
  );
  return Object.keys(out).length ? (out as Resolution) : undefined;
}

/** Invariants that hold after every step. */
function checkInvariants(state: LedgerState, codes: readonly string[], reported: LedgerState | null): void {
  const inCounty = new Set(codes);
  const prelim = state.preliminary;
  if (prelim) {
    expect(Object.keys(prelim).sort()).toEqual(codes);
    for (const v of Object.values(prelim)) expect(Number.isSafeInteger(v) && v >= 0, `preliminary ${v}`).toBe(true);
  }
  for (const [key, p] of Object.entries(state.proposals)) {
    expect(p.giver).toBe(key); // proposals are keyed by giver: at most one per giver (R2)
    expect(STATUSES).toContain(p.status);
    expect(Number.isSafeInteger(p.perMille), `amount ${p.perMille}`).toBe(true); // exactness (R5)
    expect(Number.isSafeInteger(p.version) && p.version >= 1).toBe(true);
  }
  const live = Object.values(state.proposals).filter((p) => LIVE.includes(p.status));
  expect(liveProposals(state).map((p) => p.giver).sort()).toEqual(live.map((p) => p.giver).sort());
  if (live.length > 0) expect(prelim).not.toBeNull();
  for (const p of live) {
    expect(p.giver).not.toBe(p.receiver); // R1
    expect(inCounty.has(p.giver), `giver ${p.giver} outside county`).toBe(true); // R1
    expect(inCounty.has(p.receiver), `receiver ${p.receiver} outside county`).toBe(true); // R1
    expect(p.perMille > 0 && p.perMille <= prelim![p.giver]!, `amount ${p.perMille} of share ${prelim![p.giver]}`).toBe(true); // R5
  }
  const givers = new Set(live.map((p) => p.giver));
  expect(givers.size).toBe(live.length); // R2
  // R4 (a): no municipality is at once the giver of a live proposal and the receiver of an AGREED or APPROVED one.
  const committedReceivers = new Set(Object.values(state.proposals).filter((p) => p.status === 'AGREED' || p.status === 'APPROVED').map((p) => p.receiver));
  expect([...givers].filter((g) => committedReceivers.has(g)), 'both a committed giver and a committed receiver (R4)').toEqual([]);
  // Only a proposal the receiver has consented to carries a decision, and its status is the decision's.
  for (const p of Object.values(state.proposals)) {
    if (p.status === 'APPROVED' || p.status === 'REJECTED') expect(p.decision?.outcome).toBe(p.status);
    if (p.status === 'AWAITING_RECEIVER') expect(p.decision, `undecided ${p.giver}`).toBeUndefined();
  }
  for (const seq of Object.values(state.idempotency)) expect(seq >= 1 && seq <= state.version).toBe(true);
  if (state.report) expect(windowClosedOrPast(state)).toBe(true);
  if (state.final) checkFinal(state, codes, reported!);
}

const windowClosedOrPast = (state: LedgerState): boolean => state.windowClosedAt !== null || Date.parse(state.report!.at) >= CLOSES_MS;

/**
 * R9, computed independently of the domain's final-shares code, over exactly the proposals
 * APPROVED when the county reported (R8 (b): an early decision counts only if it still stands then).
 */
function checkFinal(state: LedgerState, codes: readonly string[], reported: LedgerState): void {
  const prelim = state.preliminary!;
  const final = state.final!;
  expect(state.report).not.toBeNull();
  expect(Object.keys(final).sort()).toEqual(codes);
  for (const v of Object.values(final)) expect(Number.isSafeInteger(v) && v >= 0, `final ${v}`).toBe(true);
  expect(big(Object.values(final))).toBe(big(Object.values(prelim))); // county total kept exactly
  expect(reported, 'final shares without a recorded report').not.toBeNull();
  const approved = Object.values(reported.proposals).filter((p) => p.status === 'APPROVED');
  const expected = new Map(codes.map((c) => [c, BigInt(prelim[c]!)]));
  for (const p of approved) {
    expected.set(p.giver, expected.get(p.giver)! - BigInt(p.perMille));
    expected.set(p.receiver, expected.get(p.receiver)! + BigInt(p.perMille));
  }
  const parties = new Set(approved.flatMap((p) => [p.giver, p.receiver]));
  for (const c of codes) {
    expect(BigInt(final[c]!), `final share of ${c}`).toBe(expected.get(c)); // final = preliminary − given + received
    if (!parties.has(c)) expect(final[c]).toBe(prelim[c]); // untouched municipalities keep their share
  }
  for (const line of shareLines(prelim, approved)) expect(line.resulting).toBe(final[line.municipality]);
}

// ---------------------------------------------------------------------------------------------
// Properties

describe('county ledger properties (R1–R9)', () => {
  it('every accepted step keeps the rules, every refusal changes nothing, final shares keep the totals', () => {
    stats = newStats();
    fc.assert(
      fc.property(scenarioArb(), (sc) => {
        runScenario(sc, 'anytime');
      }),
      { numRuns: 300 },
    );
    // The generator must actually reach the interesting states (otherwise the properties prove little).
    for (const type of ['SharesImported', 'WindowOpened', 'ProposalSubmitted', 'ProposalAmended', 'ProposalWithdrawn', 'ReceiverConsented',
      'ReceiverDeclined', 'WindowClosed', 'ProposalDecided', 'CountyReportSubmitted', 'SharesFinalized']) {
      expect(stats.accepted[type] ?? 0, `accepted ${type}`).toBeGreaterThan(0);
    }
    for (const code of ['INVALID_SHARES', 'SHARES_LOCKED', 'SAME_MUNICIPALITY', 'OTHER_COUNTY', 'GIVER_HAS_PROPOSAL', 'ROLE_CONFLICT', 'AMOUNT_NOT_POSITIVE',
      'AMOUNT_EXCEEDS_SHARE', 'INVALID_AMOUNT', 'SUBMISSION_WINDOW_CLOSED', 'NOT_RECEIVER', 'CONSENT_MISSING', 'REJECTION_REASON_REQUIRED',
      'UNDECIDED_PROPOSALS', 'REPORT_ALREADY_SUBMITTED', 'ALREADY_FINAL', 'PROPOSAL_NOT_FOUND', 'INVALID_STATUS']) {
      expect(stats.refused[code] ?? 0, `refused ${code}`).toBeGreaterThan(0);
    }
    expect(stats.finalizedWithApproved).toBeGreaterThan(20);
    // Early decisions, later undone, reach the final shares often enough to mean something.
    expect(stats.earlyDecisions).toBeGreaterThan(40);
    expect(stats.decidedUndone).toBeGreaterThan(8);
    expect(stats.finalizedWithEarlyApprovalUndone).toBeGreaterThan(1);
    expect(stats.counties.size).toBe(21); // Gotland (one municipality) included
  });

  it('fold is deterministic, equals stepwise evolve, and resumes from any intermediate state', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.nat(), (sc, cut) => {
        const h = runScenario(sc, 'anytime');
        const { key, events, states } = h;
        const last = states[states.length - 1]!;
        events.forEach((e, i) => expect(e.seq).toBe(i + 1));
        const once = fold(key, events);
        const twice = fold(key, events);
        expect(once).toStrictEqual(last);
        expect(twice).toStrictEqual(once);
        // Every prefix folds to the state seen after that many steps.
        for (let i = 0; i <= events.length; i++) expect(fold(key, events.slice(0, i))).toStrictEqual(states[i]);
        // From a snapshot (as cached) the rest of the stream gives the same state.
        const k = cut % (events.length + 1);
        expect(fold(key, events.slice(k), states[k])).toStrictEqual(last);
        // The same stream read back from storage (JSON) folds to the same state.
        expect(fold(key, JSON.parse(JSON.stringify(events)) as LedgerEvent[])).toEqual(last);
      }),
      { numRuns: 60 },
    );
  });

  it('the national total is unchanged, exactly, when every county runs its own year', () => {
    const allCodes = MUNICIPALITIES.map((m) => m.code);
    expect(allCodes).toHaveLength(290);
    expect(COUNTY_CODES).toHaveLength(21);
    let finalizedCounties = 0;
    fc.assert(
      fc.property(
        fc.array(shareValueArb, { minLength: allCodes.length, maxLength: allCodes.length }),
        fc.array(timelineArb(24, 10), { minLength: COUNTY_CODES.length, maxLength: COUNTY_CODES.length }),
        (values, timelines) => {
          const national = Object.fromEntries(allCodes.map((c, i) => [c, values[i]!]));
          let after = 0n;
          COUNTY_CODES.forEach((county, i) => {
            const shares = Object.fromEntries(codesOf(county).map((c) => [c, national[c]!]));
            const h = runScenario({ county, shares, ...timelines[i]! }, 'never');
            if (h.state.report && !h.state.final) expect(h.apply({ type: 'FinalizeShares' }, SYSTEM)).toBe(true);
            if (h.state.final) finalizedCounties++;
            after += big(Object.values(h.state.final ?? h.state.preliminary!));
          });
          expect(after).toBe(big(values));
        },
      ),
      { numRuns: 20 },
    );
    expect(finalizedCounties).toBeGreaterThan(0);
  });

  // Regression: with no proposal in the county and no WindowClosed event, shares could be re-imported
  // after the report and even after final shares (final ≠ preliminary − given + received).
  it('preliminary shares cannot be re-imported once the window has closed, the county has reported or shares are final', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COUNTY_CODES).chain((county) => fc.tuple(fc.constant(county), sharesArb(codesOf(county)), sharesArb(codesOf(county)))),
        fc.boolean(),
        fc.constantFrom('clock', 'report', 'final'),
        fc.integer({ min: 0, max: 40 * 86_400 }),
        ([county, shares, again], closeFirst, stage, after) => {
          const h = new Harness(county, PUBLISH_MS);
          expect(h.apply({ type: 'ImportShares', shares }, ADMIN)).toBe(true);
          h.now = CLOSES_MS + after * SECOND;
          if (closeFirst) expect(h.apply({ type: 'CloseWindow' }, SYSTEM)).toBe(true);
          if (stage !== 'clock') expect(h.apply({ type: 'SubmitCountyReport', auto: false }, countyActor(county))).toBe(true);
          if (stage === 'final') expect(h.apply({ type: 'FinalizeShares' }, SYSTEM)).toBe(true);
          const decision = decide(h.state, { type: 'ImportShares', shares: again }, { now: iso(h.now), calendar: CAL, actor: ADMIN });
          expect(decision.ok ? 'accepted' : decision.error.code).toBe('SHARES_LOCKED');
        },
      ),
      { numRuns: 100 },
    );
  });
});
