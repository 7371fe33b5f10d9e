/**
 * The table goes away in the middle of a burst: dynalite is stopped (every connection cut,
 * LevelDB closed) while 13 pairs of municipalities of Stockholms län propose, consent, amend
 * and consent again and the county decides, and started again on the same data 1.5 s later.
 * Each client retries a refused request as a real one would: the same request with the same
 * Idempotency-Key, after the Retry-After it was given. Every answer is a success, a 503 with
 * Retry-After and a Swedish message, or (the retry of a request whose reservation could not be
 * settled while the table was away) a 409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After; the
 * virtual clock is moved past that reservation's lease once the table is back. Afterwards
 * every acknowledged command is in the ledger exactly once (found by its key), nothing else
 * is, no key is left in flight, and the proposals stand as the acknowledged commands left them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { municipalitiesOf } from '../../shared/reference';
import { startTestStack, type TestResponse, type TestStack } from '../support/local-stack';
import { OPEN_NOW, SWEDISH, YEAR, importExampleShares, shareOf, tokens, type Tokens } from '../support/e2e';
import { scanTable } from '../support/table-oracle';

let stack: TestStack;
let t: Tokens;
const STOCKHOLMS_LAN = municipalitiesOf('01').map((m) => m.code);
const pairs = Array.from({ length: 13 }, (_, i) => [STOCKHOLMS_LAN[2 * i]!, STOCKHOLMS_LAN[2 * i + 1]!] as const);
const PROPOSALS = `/v1/years/${YEAR}/proposals`;

/** Every answer any client got, and the keys of the acknowledged commands. */
const answers: { what: string; res: TestResponse }[] = [];
const acknowledged = new Map<string, string>();

beforeAll(async () => {
  // The follower retries its batches for longer than the outage lasts (10 tries, 0.5 s apart).
  stack = await startTestStack({ now: OPEN_NOW, streams: { retryIntervalMs: 500 } });
  t = tokens(stack);
  await importExampleShares(stack, await t.admin(), YEAR, ['01']);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** One command, retried with the same key until it is accepted. */
async function command(what: string, method: string, path: string, token: string, json?: unknown): Promise<TestResponse> {
  const key = randomUUID();
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await stack.request(method, path, { token, headers: { 'idempotency-key': key }, ...(json !== undefined && { json }) });
    answers.push({ what, res });
    if (res.status < 300) {
      acknowledged.set(key, what);
      return res;
    }
    if (res.status !== 503 && !(res.status === 409 && res.body?.error?.code === 'IDEMPOTENCY_KEY_IN_FLIGHT')) return res;
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number(res.headers.get('retry-after') ?? 1), 2) * 250));
  }
  throw new Error(`${what}: never accepted`);
}

async function pair(giver: string, receiver: string): Promise<void> {
  const [g, r, county] = await Promise.all([t.municipality(giver), t.municipality(receiver), t.county('01')]);
  const amount = Math.min(0.5, shareOf(giver));
  await command(`${giver} proposes`, 'POST', PROPOSALS, g, { receiver, perMille: amount });
  await command(`${receiver} consents`, 'POST', `${PROPOSALS}/${giver}/consent`, r, { accept: true });
  await command(`${giver} amends`, 'PATCH', `${PROPOSALS}/${giver}`, g, { perMille: amount / 2 });
  await command(`${receiver} consents again`, 'POST', `${PROPOSALS}/${giver}/consent`, r, { accept: true });
  await command(`county decides on ${giver}`, 'POST', `${PROPOSALS}/${giver}/decision`, county, { outcome: 'APPROVED' });
}

it('a burst through a table outage: 503 with Retry-After or success, and the ledger holds exactly the acknowledged commands', async () => {
  const burst = Promise.all(pairs.map(([giver, receiver]) => pair(giver, receiver)));
  // The table stops once a third of the commands are acknowledged, with the others in flight.
  while (acknowledged.size < (pairs.length * 5) / 3) await new Promise((resolve) => setTimeout(resolve, 5));
  await stack.dynamo.outage.stop();
  const stoppedAt = answers.length;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await stack.dynamo.outage.start();
  // Reservations that could not be settled while the table was away run out (60 s lease).
  await stack.setClock(new Date(Date.parse(OPEN_NOW) + 10 * 60_000).toISOString());
  await burst;
  await stack.streams.idle();

  const refused = answers.filter(({ res }) => res.status >= 300);
  console.log(`store outage: ${answers.length} answers, ${acknowledged.size} commands acknowledged, ${refused.filter((a) => a.res.status === 503).length} × 503, ${refused.filter((a) => a.res.status === 409).length} × 409 in flight (${stoppedAt} answers before the stop)`);
  expect(refused.filter(({ res }) => res.status === 503).length, 'the outage was in the middle of the burst').toBeGreaterThan(0);
  for (const { what, res } of refused) {
    const where = `${what} → ${res.status} ${res.text.slice(0, 200)}`;
    expect([503, 409], where).toContain(res.status);
    expect(res.body?.error?.code, where).toMatch(res.status === 503 ? /^(STORE_UNAVAILABLE|LEDGER_BUSY)$/ : /^IDEMPOTENCY_KEY_IN_FLIGHT$/);
    expect(res.body.error.message, where).toMatch(SWEDISH);
    expect(Number(res.headers.get('retry-after')), where).toBeGreaterThan(0);
  }
  expect(acknowledged.size).toBe(pairs.length * 5);

  const items = [...(await scanTable(stack.dynamo.client, stack.dynamo.tableName)).values()];
  const events = items.filter((i) => i.pk === `Y#${YEAR}#C#01` && /^E#/.test(i.sk) && i.body?.type !== 'SharesImported');
  const keys = events.map((e) => e.idempotencyKey);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i), 'no command written twice').toEqual([]);
  expect(new Set(keys), 'exactly the acknowledged commands').toEqual(new Set(acknowledged.keys()));
  expect(items.filter((i) => String(i.pk).startsWith('IDEMPOTENCY#') && i.state !== 'DONE'), 'no key left unsettled').toEqual([]);

  const proposals = await stack.request('GET', `${PROPOSALS}?county=01`, { token: await t.admin() });
  expect(proposals.status, proposals.text).toBe(200);
  const stands = Object.fromEntries(proposals.body.proposals.map((p: any) => [p.giver, [p.receiver, p.perMille, p.status]]));
  expect(stands).toEqual(Object.fromEntries(pairs.map(([giver, receiver]) => [giver, [receiver, Math.min(0.5, shareOf(giver)) / 2, 'APPROVED']])));
}, 60_000);
