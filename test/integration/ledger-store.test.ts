import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLedgerStore, ledgerPk } from '../../shared/adapters/dynamodb/ledger-store';
import { defaultCalendar } from '../../shared/domain/calendar';
import { refusalCode } from '../support/refusal';
import { fold, type Command, type CommandContext } from '../../shared/domain/ledger';
import { execute } from '../../shared/app/ledger/execute';
import { municipalitiesOf } from '../../shared/reference';
import type { LedgerKey } from '../../shared/schemas/ledger';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';

const calendar = defaultCalendar(2022);
const inWindow = '2021-09-01T10:00:00Z';
const admin: CommandContext = { now: inWindow, calendar, actor: { role: 'admin' } };
const as = (municipality: string): CommandContext => ({ ...admin, actor: { role: 'municipality', id: municipality } });

let dynamo: LedgerDynamo;
let store: DynamoLedgerStore;
let year = 3000;
let key: LedgerKey;

beforeAll(async () => {
  dynamo = await startLedgerDynamo();
  store = new DynamoLedgerStore(dynamo.client, dynamo.tableName);
});
afterAll(() => dynamo.stop());

/** Every test gets its own ledger (a fresh year), with Västra Götaland's 49 shares imported. */
beforeEach(async () => {
  key = { year: year++, county: '14' };
  const shares = Object.fromEntries(municipalitiesOf('14').map((m) => [m.code, 10_000]));
  await execute(store, key, { type: 'ImportShares', shares }, admin);
});

const codes = municipalitiesOf('14').map((m) => m.code);


describe('county ledger on dynalite', () => {
  it('stores one event per accepted command and folds back to the same state', async () => {
    const [giver, receiver] = codes as [string, string];
    await execute(store, key, { type: 'SubmitProposal', giver, receiver, perMille: 1_234 }, as(giver));
    await execute(store, key, { type: 'AnswerProposal', giver, respondent: receiver, accept: true }, as(receiver));
    const events = await store.events(key);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'SharesImported'],
      [2, 'ProposalSubmitted'],
      [3, 'ReceiverConsented'],
    ]);
    expect(events[1]).toMatchObject({ actor: { role: 'municipality', id: giver }, at: inWindow, perMille: 1_234 });
    const loaded = await store.load(key);
    expect(loaded).toEqual(fold(key, events));
    expect(loaded.proposals[giver]).toMatchObject({ status: 'AGREED', perMille: 1_234 });
  });

  it('50 simultaneous submissions by one giver: exactly one accepted, 49 refused by R2, one event', async () => {
    const [giver, ...receivers] = codes as [string, ...string[]];
    // The largest county has 48 possible receivers, so two of the 50 repeat one.
    const fifty = Array.from({ length: 50 }, (_, i) => receivers[i % receivers.length]!);
    const results = await Promise.all(
      fifty.map((receiver) =>
        refusalCode(execute(store, key, { type: 'SubmitProposal', giver, receiver, perMille: 1_000 }, as(giver))),
      ),
    );
    expect(results).toHaveLength(50);
    expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r === 'GIVER_HAS_PROPOSAL')).toHaveLength(49);
    const submitted = (await store.events(key)).filter((e) => e.type === 'ProposalSubmitted');
    expect(submitted).toHaveLength(1);
  });

  it('30 givers submitting to one receiver at once: all 30 accepted, no event lost or duplicated', async () => {
    const [receiver, ...givers] = codes as [string, ...string[]];
    const thirty = givers.slice(0, 30);
    const results = await Promise.all(
      thirty.map((giver) => refusalCode(execute(store, key, { type: 'SubmitProposal', giver, receiver, perMille: 500 }, as(giver)))),
    );
    expect(results).toEqual(thirty.map(() => 'accepted'));
    const events = await store.events(key);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const submitted = events.filter((e) => e.type === 'ProposalSubmitted').map((e) => (e as { giver: string }).giver);
    expect(submitted.sort()).toEqual([...thirty].sort());
    const state = await store.load(key);
    expect(Object.values(state.proposals).filter((p) => p.receiver === receiver)).toHaveLength(30);
  });

  it('the same idempotency key sent 20 times at once writes one event and returns it to all', async () => {
    const [giver, receiver] = codes as [string, string];
    const command: Command = { type: 'SubmitProposal', giver, receiver, perMille: 750 };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => execute(store, key, command, as(giver), 'key-1')));
    const events = await store.events(key);
    expect(events.filter((e) => e.type === 'ProposalSubmitted')).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.event.seq))).toEqual(new Set([2]));
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    // The same key from another municipality is a different request.
    const other = await refusalCode(execute(store, key, { ...command, giver: codes[2]! }, as(codes[2]!), 'key-1'));
    expect(other).toBe('accepted');
  });

  it('a refused command leaves the stream unchanged', async () => {
    const [giver, receiver] = codes as [string, string];
    await execute(store, key, { type: 'SubmitProposal', giver, receiver, perMille: 100 }, as(giver));
    const before = await store.events(key);
    const refused: [Command, CommandContext, string][] = [
      [{ type: 'SubmitProposal', giver, receiver: codes[3]!, perMille: 1 }, as(giver), 'GIVER_HAS_PROPOSAL'],
      [{ type: 'SubmitProposal', giver: codes[4]!, receiver: '0180', perMille: 1 }, as(codes[4]!), 'OTHER_COUNTY'],
      [{ type: 'SubmitProposal', giver: codes[4]!, receiver: codes[5]!, perMille: 10_001 }, as(codes[4]!), 'AMOUNT_EXCEEDS_SHARE'],
      [{ type: 'SubmitProposal', giver: codes[4]!, receiver: codes[5]!, perMille: 1 }, { ...as(codes[4]!), now: '2021-11-02T23:00:00.000Z' }, 'SUBMISSION_WINDOW_CLOSED'],
      [{ type: 'AnswerProposal', giver, respondent: codes[6]!, accept: true }, as(codes[6]!), 'NOT_RECEIVER'],
      [{ type: 'ImportShares', shares: {} }, admin, 'SHARES_LOCKED'],
    ];
    for (const [command, ctx, code] of refused) {
      expect(await refusalCode(execute(store, key, command, ctx))).toBe(code);
    }
    expect(await store.events(key)).toEqual(before);
  });

  it('the projection is rebuildable from the events and is listed per year', async () => {
    const [giver, receiver] = codes as [string, string];
    await execute(store, key, { type: 'SubmitProposal', giver, receiver, perMille: 100 }, as(giver));
    const stored = await store.load(key);
    await dynamo.client.send(new DeleteCommand({ TableName: dynamo.tableName, Key: { pk: ledgerPk(key), sk: 'VIEW' } }));
    // A store of its own: this one keeps the state it loaded (see the next test).
    const rebuilt = await new DynamoLedgerStore(dynamo.client, dynamo.tableName).load(key);
    expect(rebuilt).toEqual(stored);
    await store.saveView(rebuilt);
    expect(await store.views(key.year)).toEqual([rebuilt]);
  });

  it('a later load starts from the state the store loaded last: one Query, and another writer\'s events are in it', async () => {
    const [giver, receiver] = codes as [string, string];
    const other = new DynamoLedgerStore(dynamo.client, dynamo.tableName);
    expect((await store.load(key)).version).toBe(1);
    await execute(other, key, { type: 'SubmitProposal', giver, receiver, perMille: 100 }, as(giver));
    // The view is not written after the ledger's first event (the follower does that): only the events say so.
    const view = await store.storedView(key);
    expect(view.version).toBe(1);
    const requests = await countRequests(() => store.load(key));
    expect(requests.state.version).toBe(2);
    expect(requests.state).toEqual(fold(key, await store.events(key)));
    expect(requests.operations).toEqual(['Query']);
  });
});

/** What `run` returns, and the DynamoDB operations the store's client sent meanwhile. */
async function countRequests<T>(run: () => Promise<T>): Promise<{ state: T; operations: string[] }> {
  const operations: string[] = [];
  const name = 'countRequests';
  dynamo.client.middlewareStack.add((next, context) => (args) => {
    operations.push(String(context.commandName).replace(/Command$/, ''));
    return next(args);
  }, { step: 'initialize', name });
  try {
    return { state: await run(), operations };
  } finally {
    dynamo.client.middlewareStack.remove(name);
  }
}
