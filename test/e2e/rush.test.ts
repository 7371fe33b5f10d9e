/**
 * The oracle of `npm run bench:rush` (scripts/rush.ts) on a short run: Västra Götalands län's
 * 49 municipalities and its officer for 3 s on the test stack. Nothing acknowledged is lost or
 * written twice, no event lacks an acknowledged command, the invariants hold and the API's
 * view is the fold of the ledger; and the same oracle does see a lost, a duplicated and an
 * unacknowledged event when the ledger is doctored.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { municipalitiesOf } from '../../shared/reference';
import { exampleShares } from '../../local/tools/example-data';
import { RUSH_NOW, RUSH_YEAR, checkLedger, ledgerEvents, rush, viewDiffers, type RushSetup } from '../../scripts/rush';
import { startTestStack, type TestStack } from '../support/local-stack';
import { importExampleShares, tokens } from '../support/e2e';

const COUNTY = '14';
let stack: TestStack;
let setup: RushSetup;

beforeAll(async () => {
  stack = await startTestStack({ now: RUSH_NOW });
  const t = tokens(stack);
  const admin = await t.admin();
  await importExampleShares(stack, admin, RUSH_YEAR, [COUNTY]);
  const codes = municipalitiesOf(COUNTY).map((m) => m.code);
  const all = exampleShares();
  setup = {
    apiUrl: stack.apiUrl,
    county: COUNTY,
    municipalities: Object.fromEntries(await Promise.all(codes.map(async (code) => [code, await t.municipality(code)] as const))),
    officer: await t.county(COUNTY),
    admin,
    shares: Object.fromEntries(codes.map((c) => [c, all[c]!])),
  };
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

it('a short rush: every acknowledged command in the ledger once, nothing else, invariants held, the view the fold', async () => {
  const run = await rush(setup, { seconds: 3, thinkMs: 250 });
  await stack.streams.idle();
  const events = await ledgerEvents(stack.dynamo.client, stack.dynamo.tableName, COUNTY);
  const check = checkLedger(COUNTY, events, run.acknowledged);
  expect(run.acknowledged.length, 'the rush did something').toBeGreaterThan(20);
  expect(run.samples.filter((s) => s.status >= 500)).toEqual([]);
  expect(run.networkErrors).toBe(0);
  expect({ lost: check.lost, duplicated: check.duplicated, unexplained: check.unexplained, invariants: check.invariants }).toEqual({ lost: [], duplicated: [], unexplained: [], invariants: [] });
  const list = await stack.request('GET', `/v1/years/${RUSH_YEAR}/proposals?county=${COUNTY}`, { token: setup.admin });
  expect(viewDiffers(check.state, list.body.proposals)).toEqual([]);

  // The oracle is not blind: a ledger without the last command, with one twice, or with a stranger.
  const last = events.at(-1)!;
  expect(checkLedger(COUNTY, events.slice(0, -1), run.acknowledged).lost).toHaveLength(1);
  expect(checkLedger(COUNTY, [...events, { ...last, seq: last.seq + 1 }], run.acknowledged).duplicated).toHaveLength(1);
  expect(checkLedger(COUNTY, [...events, { ...last, seq: last.seq + 1, idempotencyKey: 'nobody-sent-this' }], run.acknowledged).unexplained).toHaveLength(1);
}, 60_000);
