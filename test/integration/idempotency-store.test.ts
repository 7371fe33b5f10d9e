/**
 * The idempotency store on dynalite: a key is bound to one fingerprint by a conditional
 * write, concurrent reservations let exactly one request run, a refusal frees the key, a
 * failure keeps it bound, a reservation whose process died is taken over after its lease,
 * and a record is forgotten a day after its first request (the table's TTL; dynalite keeps the
 * item, the store treats it as absent).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdempotencyStore, RECORD_KEPT_MS } from '../../shared/adapters/dynamodb/idempotency-store';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';

let dynamo: LedgerDynamo;
let now = 1_000_000;
let store: DynamoIdempotencyStore;
const response = { statusCode: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' };

beforeAll(async () => {
  dynamo = await startLedgerDynamo();
  store = new DynamoIdempotencyStore(dynamo.client, dynamo.tableName, 60_000, () => now);
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('DynamoIdempotencyStore', () => {
  it('runs a new key, replays it once complete, and refuses another fingerprint', async () => {
    const run = await store.reserve('m:0360:a', 'fp1');
    expect(run.kind).toBe('run');
    expect(await store.reserve('m:0360:a', 'fp1')).toEqual({ kind: 'in-flight' });
    expect(await store.reserve('m:0360:a', 'fp2')).toEqual({ kind: 'mismatch' });
    await store.complete('m:0360:a', (run as { owner: string }).owner, response);
    expect(await store.reserve('m:0360:a', 'fp1')).toEqual({ kind: 'replay', response });
    expect(await store.reserve('m:0360:a', 'fp2')).toEqual({ kind: 'mismatch' });
  });

  it('lets exactly one of concurrent reservations run', async () => {
    const answers = await Promise.all(['x', 'y', 'z', 'x', 'y'].map((fp) => store.reserve('m:0360:race', fp)));
    const runs = answers.filter((a) => a.kind === 'run');
    expect(runs).toHaveLength(1);
    expect(answers.filter((a) => a.kind !== 'run').every((a) => a.kind === 'mismatch' || a.kind === 'in-flight')).toBe(true);
  });

  it('frees the key after a refusal, so a corrected request may use it', async () => {
    const first = (await store.reserve('m:0360:b', 'fp1')) as { kind: 'run'; owner: string };
    await store.release('m:0360:b', first.owner);
    expect((await store.reserve('m:0360:b', 'fp2')).kind).toBe('run');
  });

  it('keeps the key bound after a failure: the same request may run again, another may not', async () => {
    const first = (await store.reserve('m:0360:c', 'fp1')) as { kind: 'run'; owner: string };
    await store.unlock('m:0360:c', first.owner);
    expect(await store.reserve('m:0360:c', 'fp2')).toEqual({ kind: 'mismatch' });
    expect((await store.reserve('m:0360:c', 'fp1')).kind).toBe('run');
  });

  it('takes a dead reservation over once its lease ran out, and the late owner cannot complete it', async () => {
    const dead = (await store.reserve('m:0360:d', 'fp1')) as { kind: 'run'; owner: string };
    now += 59_000;
    expect(await store.reserve('m:0360:d', 'fp1')).toEqual({ kind: 'in-flight' });
    now += 2_000;
    expect(await store.reserve('m:0360:d', 'fp2')).toEqual({ kind: 'mismatch' });
    const next = (await store.reserve('m:0360:d', 'fp1')) as { kind: 'run'; owner: string };
    expect(next.kind).toBe('run');
    await store.complete('m:0360:d', dead.owner, { ...response, body: '{"late":true}' });
    await store.release('m:0360:d', dead.owner);
    await store.complete('m:0360:d', next.owner, response);
    expect(await store.reserve('m:0360:d', 'fp1')).toEqual({ kind: 'replay', response });
  });

  it('gives each record an expiry a day on (epoch seconds) and treats it as absent once past, whatever its state', async () => {
    const first = (await store.reserve('m:0360:f', 'fp1')) as { kind: 'run'; owner: string };
    await store.complete('m:0360:f', first.owner, response);
    const stored = async () => (await dynamo.client.send(new GetCommand({ TableName: dynamo.tableName, Key: { pk: 'IDEMPOTENCY#m:0360:f', sk: 'REQUEST' } }))).Item;
    expect((await stored())?.expiresAt).toBe(Math.floor((now + RECORD_KEPT_MS) / 1000));
    const expiry = now + RECORD_KEPT_MS;
    now = expiry - 1_000;
    expect(await store.reserve('m:0360:f', 'fp1')).toEqual({ kind: 'replay', response });
    expect(await store.reserve('m:0360:f', 'fp2')).toEqual({ kind: 'mismatch' });
    now = expiry + 1_000;
    const next = (await store.reserve('m:0360:f', 'fp2')) as { kind: 'run'; owner: string };
    expect(next.kind).toBe('run');
    expect((await stored())?.expiresAt).toBe(Math.floor((now + RECORD_KEPT_MS) / 1000));

    const stuck = (await store.reserve('m:0360:g', 'fp1')) as { kind: 'run'; owner: string };
    now += RECORD_KEPT_MS + 1_000; // in flight, then its process died and a day went by
    expect((await store.reserve('m:0360:g', 'fp2')).kind).toBe('run');
    await store.complete('m:0360:g', stuck.owner, response); // the late owner no longer holds it
    expect((await store.reserve('m:0360:g', 'fp2')).kind).toBe('in-flight');
  });

  it('keeps keys of different callers apart', async () => {
    expect((await store.reserve('m:0360:e', 'fp1')).kind).toBe('run');
    expect((await store.reserve('m:0380:e', 'fp2')).kind).toBe('run');
  });
});
