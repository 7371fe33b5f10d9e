/**
 * execute() within one process: commands on one ledger take turns instead of racing, and a
 * command starts from the state the previous one left, even after the ledger was idle. That
 * carried-over state may be stale when another process (here: a second store on the same table) wrote in the
 * meantime; the conditional Put catches that for accepted commands, and a refusal is
 * confirmed against the stored ledger before it is given.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store';
import { defaultCalendar } from '../../shared/domain/calendar';
import { refusalCode } from '../support/refusal';
import type { CommandContext } from '../../shared/domain/ledger';
import { execute } from '../../shared/app/ledger/execute';
import type { LedgerStore } from '../../shared/app/ports';
import { municipalitiesOf } from '../../shared/reference';
import type { LedgerEvent, LedgerKey } from '../../shared/schemas/ledger';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';

const calendar = defaultCalendar(2022);
const admin: CommandContext = { now: '2021-09-01T10:00:00Z', calendar, actor: { role: 'admin' } };
const as = (municipality: string): CommandContext => ({ ...admin, actor: { role: 'municipality', id: municipality } });
const codes = municipalitiesOf('14').map((m) => m.code);

/** A store that counts its calls and lets a test act right after an append. */
class Probe implements LedgerStore {
  loads = 0;
  catchUps = 0;
  lostAppends = 0;
  afterAppend: ((event: LedgerEvent) => Promise<void>) | undefined;
  constructor(private readonly inner: DynamoLedgerStore) {}
  load(key: LedgerKey) {
    this.loads++;
    return this.inner.load(key);
  }
  storedView(key: LedgerKey) {
    return this.inner.storedView(key);
  }
  catchUp(state: Parameters<LedgerStore['catchUp']>[0]) {
    this.catchUps++;
    return this.inner.catchUp(state);
  }
  async append(key: LedgerKey, event: LedgerEvent) {
    const ok = await this.inner.append(key, event);
    if (!ok) this.lostAppends++;
    const hook = this.afterAppend;
    if (ok && hook) {
      this.afterAppend = undefined;
      await hook(event);
    }
    return ok;
  }
  saveView(state: Parameters<LedgerStore['saveView']>[0]) {
    return this.inner.saveView(state);
  }
  events(key: LedgerKey, after?: number) {
    return this.inner.events(key, after);
  }
  views(year: number) {
    return this.inner.views(year);
  }
}

let dynamo: LedgerDynamo;
let year = 3500;
let key: LedgerKey;
let a: Probe; // this process
let b: DynamoLedgerStore; // another process on the same table

beforeAll(async () => {
  dynamo = await startLedgerDynamo();
});
afterAll(() => dynamo.stop());

beforeEach(async () => {
  key = { year: year++, county: '14' };
  a = new Probe(new DynamoLedgerStore(dynamo.client, dynamo.tableName));
  b = new DynamoLedgerStore(dynamo.client, dynamo.tableName);
  const shares = Object.fromEntries(codes.map((c) => [c, 10_000]));
  await execute(b, key, { type: 'ImportShares', shares }, admin);
});


describe('commands of one process on one ledger', () => {
  it('take turns: 40 givers at once, no lost conditional Put, one read for the whole burst', async () => {
    const [receiver, ...givers] = codes as [string, ...string[]];
    const forty = givers.slice(0, 40);
    const results = await Promise.all(forty.map((g) => refusalCode(execute(a, key, { type: 'SubmitProposal', giver: g, receiver, perMille: 100 }, as(g)))));
    expect(results).toEqual(forty.map(() => 'accepted'));
    expect(a.lostAppends).toBe(0);
    expect(a.loads).toBe(1);
    const events = await b.events(key);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect((await b.load(key)).version).toBe(41);
  });

  it('confirm a refusal decided on a carried-over state against the store', async () => {
    const [g, r, x] = codes as [string, string, string];
    await execute(b, key, { type: 'SubmitProposal', giver: g, receiver: r, perMille: 100 }, as(g));
    // While this process appends x's proposal, another process withdraws g's: g may submit again.
    a.afterAppend = async () => {
      await execute(b, key, { type: 'WithdrawProposal', giver: g }, as(g));
    };
    const [first, second] = await Promise.all([
      refusalCode(execute(a, key, { type: 'SubmitProposal', giver: x, receiver: r, perMille: 100 }, as(x))),
      refusalCode(execute(a, key, { type: 'SubmitProposal', giver: g, receiver: r, perMille: 200 }, as(g))),
    ]);
    expect([first, second]).toEqual(['accepted', 'accepted']);
    expect((await b.load(key)).proposals[g]).toMatchObject({ status: 'AWAITING_RECEIVER', perMille: 200 });
  });

  it('still refuse what the stored ledger refuses, after confirming it', async () => {
    const [g, r, x] = codes as [string, string, string];
    await execute(b, key, { type: 'SubmitProposal', giver: g, receiver: r, perMille: 100 }, as(g));
    const results = await Promise.all([
      refusalCode(execute(a, key, { type: 'SubmitProposal', giver: x, receiver: r, perMille: 100 }, as(x))),
      refusalCode(execute(a, key, { type: 'SubmitProposal', giver: g, receiver: r, perMille: 200 }, as(g))),
    ]);
    expect(results).toEqual(['accepted', 'GIVER_HAS_PROPOSAL']);
    expect(a.catchUps).toBe(1);
  });

  it('catch up when another process appended in between, and write no gap', async () => {
    const [r, g1, g2, g3] = codes as [string, string, string, string];
    a.afterAppend = async () => {
      await execute(b, key, { type: 'SubmitProposal', giver: g3, receiver: r, perMille: 100 }, as(g3));
    };
    const results = await Promise.all([g1, g2].map((g) => refusalCode(execute(a, key, { type: 'SubmitProposal', giver: g, receiver: r, perMille: 100 }, as(g)))));
    expect(results).toEqual(['accepted', 'accepted']);
    expect(a.lostAppends).toBe(1);
    const events = await b.events(key);
    expect(events.map((e) => [e.seq, (e as { giver?: string }).giver])).toEqual([
      [1, undefined],
      [2, g1],
      [3, g3],
      [4, g2],
    ]);
  });

  it('keep the state between bursts: no read while only this process writes, one catch-up after another wrote', async () => {
    const [r, g1, g2, g3] = codes as [string, string, string, string];
    await execute(a, key, { type: 'SubmitProposal', giver: g1, receiver: r, perMille: 100 }, as(g1));
    await execute(a, key, { type: 'SubmitProposal', giver: g2, receiver: r, perMille: 100 }, as(g2));
    expect([a.loads, a.catchUps]).toEqual([1, 0]);
    await execute(b, key, { type: 'WithdrawProposal', giver: g1 }, as(g1));
    await execute(a, key, { type: 'SubmitProposal', giver: g3, receiver: r, perMille: 100 }, as(g3));
    expect([a.loads, a.catchUps, a.lostAppends]).toEqual([1, 1, 1]);
    const events = await b.events(key);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'SharesImported'],
      [2, 'ProposalSubmitted'],
      [3, 'ProposalSubmitted'],
      [4, 'ProposalWithdrawn'],
      [5, 'ProposalSubmitted'],
    ]);
  });
});
