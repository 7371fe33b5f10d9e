import { describe, expect, it } from 'vitest';
import { proposalHistory, seenByReceiver, type HistoryStep } from '../../shared/domain/ledger';
import type { Actor, EventBody, LedgerEvent } from '../../shared/schemas/ledger';
import { ENKOPING, HEBY, KNIVSTA, TIERP, UPPSALA } from '../support/places';

const KEY = { year: 2028, county: '03' };
const SYSTEM: Actor = { role: 'system' };
const OFFICER: Actor = { role: 'county', id: '03', person: { sub: 'c-1', name: 'Karin Lind', email: 'karin.lind@lst.example.se' } };
const muni = (code: string): Actor => ({ role: 'municipality', id: code, person: { sub: `m-${code}`, name: `Handläggare ${code}` } });

/** Events one minute apart, each with its actor; the shares and the window first. */
function ledger(...acts: [Actor, EventBody][]): LedgerEvent[] {
  const shares = Object.fromEntries([TIERP, UPPSALA, ENKOPING, HEBY, KNIVSTA].map((m) => [m, 3000]));
  const all: [Actor, EventBody][] = [[SYSTEM, { type: 'SharesImported', shares }], [SYSTEM, { type: 'WindowOpened' }], ...acts];
  return all.map(([actor, body], i) => ({ seq: i + 1, at: `2027-09-01T10:${String(i).padStart(2, '0')}:00.000Z`, actor, idempotencyKey: `key-${i}`, ...body }) as LedgerEvent);
}

const kinds = (steps: readonly { type: string }[]) => steps.map((s) => s.type);
const entries = (steps: HistoryStep[]) => steps.map((s) => s.entry);

describe("a giver's proposal history", () => {
  // Tierp proposes to Uppsala, changes it to Enköping, withdraws, proposes to Uppsala again; Heby's proposal runs alongside.
  const events = ledger(
    [muni(TIERP), { type: 'ProposalSubmitted', giver: TIERP, receiver: UPPSALA, perMille: 1500, resolution: { decisionReference: 'KS 1' } }],
    [muni(HEBY), { type: 'ProposalSubmitted', giver: HEBY, receiver: KNIVSTA, perMille: 500 }],
    [muni(UPPSALA), { type: 'ReceiverConsented', giver: TIERP, resolution: { comment: 'Gärna.' } }],
    [muni(TIERP), { type: 'ProposalAmended', giver: TIERP, receiver: ENKOPING, perMille: 1000, resolution: { comment: 'Enköping har platser.' } }],
    [muni(KNIVSTA), { type: 'ReceiverDeclined', giver: HEBY }],
    [muni(ENKOPING), { type: 'ReceiverConsented', giver: TIERP }],
    [OFFICER, { type: 'ProposalDecided', giver: TIERP, outcome: 'REJECTED', reason: 'Oklart underlag.' }],
    [muni(TIERP), { type: 'ProposalWithdrawn', giver: TIERP }],
    [muni(TIERP), { type: 'ProposalSubmitted', giver: TIERP, receiver: UPPSALA, perMille: 500 }],
  );
  const steps = proposalHistory(KEY, events, TIERP);

  it('has every event about the giver’s proposals, oldest first, and nothing of other proposals or keys', () => {
    expect(kinds(entries(steps))).toEqual([
      'ProposalSubmitted', 'ReceiverConsented', 'ProposalAmended', 'ReceiverConsented', 'ProposalDecided', 'ProposalWithdrawn', 'ProposalSubmitted',
    ]);
    expect(entries(steps)[0]).toEqual({ type: 'ProposalSubmitted', at: '2027-09-01T10:02:00.000Z', actor: muni(TIERP), receiver: UPPSALA, perMille: 1500, resolution: { decisionReference: 'KS 1' } });
    expect(entries(steps)[4]).toEqual({ type: 'ProposalDecided', at: '2027-09-01T10:08:00.000Z', actor: OFFICER, outcome: 'REJECTED', reason: 'Oklart underlag.' });
    expect(JSON.stringify(steps)).not.toContain(HEBY);
    expect(JSON.stringify(steps)).not.toContain('key-');
    expect(proposalHistory(KEY, events, KNIVSTA)).toEqual([]);
  });

  it('shows a receiver the time it was named, and the change away from it without the new terms', () => {
    const uppsala = seenByReceiver(steps, UPPSALA);
    expect(kinds(uppsala)).toEqual(['ProposalSubmitted', 'ReceiverConsented', 'ReceiverReplaced', 'ProposalSubmitted']);
    expect(uppsala[2]).toEqual({ type: 'ReceiverReplaced', at: '2027-09-01T10:05:00.000Z', actor: muni(TIERP) });
    expect(JSON.stringify(uppsala)).not.toContain(ENKOPING);
    expect(JSON.stringify(uppsala)).not.toContain('Enköping har platser.');
  });

  it('shows the receiver named by an amendment from then on, not the dealings with the receiver before', () => {
    const enkoping = seenByReceiver(steps, ENKOPING);
    expect(kinds(enkoping)).toEqual(['ProposalAmended', 'ReceiverConsented', 'ProposalDecided', 'ProposalWithdrawn']);
    expect(JSON.stringify(enkoping)).not.toContain('KS 1');
    expect(JSON.stringify(enkoping)).not.toContain('Gärna.');
    expect(seenByReceiver(steps, KNIVSTA)).toEqual([]);
  });
});

describe('what county-wide events did to a proposal', () => {
  it('records the expiry of an unanswered proposal, not of others', () => {
    const events = ledger(
      [muni(TIERP), { type: 'ProposalSubmitted', giver: TIERP, receiver: UPPSALA, perMille: 1500 }],
      [muni(HEBY), { type: 'ProposalSubmitted', giver: HEBY, receiver: KNIVSTA, perMille: 500 }],
      [muni(KNIVSTA), { type: 'ReceiverConsented', giver: HEBY }],
      [SYSTEM, { type: 'WindowClosed', expired: [TIERP] }],
      [OFFICER, { type: 'ProposalDecided', giver: HEBY, outcome: 'APPROVED' }],
      [OFFICER, { type: 'CountyReportSubmitted', mode: 'SUBMITTED' }],
    );
    expect(kinds(entries(proposalHistory(KEY, events, TIERP)))).toEqual(['ProposalSubmitted', 'ProposalExpired']);
    expect(kinds(entries(proposalHistory(KEY, events, HEBY)))).toEqual(['ProposalSubmitted', 'ReceiverConsented', 'ProposalDecided']);
  });

  it('records that an automatic report left an agreed, undecided proposal out, and nothing for a decided one', () => {
    const events = ledger(
      [muni(TIERP), { type: 'ProposalSubmitted', giver: TIERP, receiver: UPPSALA, perMille: 1500 }],
      [muni(UPPSALA), { type: 'ReceiverConsented', giver: TIERP }],
      [muni(HEBY), { type: 'ProposalSubmitted', giver: HEBY, receiver: KNIVSTA, perMille: 500 }],
      [muni(KNIVSTA), { type: 'ReceiverConsented', giver: HEBY }],
      [SYSTEM, { type: 'WindowClosed', expired: [] }],
      [OFFICER, { type: 'ProposalDecided', giver: HEBY, outcome: 'APPROVED' }],
      [SYSTEM, { type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' }],
    );
    const tierp = entries(proposalHistory(KEY, events, TIERP));
    expect(kinds(tierp)).toEqual(['ProposalSubmitted', 'ReceiverConsented', 'ProposalLeftOut']);
    expect(tierp[2]).toEqual({ type: 'ProposalLeftOut', at: '2027-09-01T10:08:00.000Z', actor: SYSTEM });
    expect(kinds(seenByReceiver(proposalHistory(KEY, events, TIERP), UPPSALA))).toEqual(kinds(tierp));
    expect(kinds(entries(proposalHistory(KEY, events, HEBY)))).toEqual(['ProposalSubmitted', 'ReceiverConsented', 'ProposalDecided']);
  });
});
