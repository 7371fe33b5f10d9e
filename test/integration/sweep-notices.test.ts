/**
 * The daily sweep against dynalite and the SES emulator, through the handlers' own wiring:
 * events written while no follower ran get their notices from the sweep, once; events the
 * follower handled are skipped (their progress item says so); the progress items are real
 * DynamoDB conditional writes.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { AppContext } from '../../shared/app/context';
import { followLedgers } from '../../shared/app/follow-ledger';
import { execute } from '../../shared/app/ledger/execute';
import { sweepNotices } from '../../shared/app/sweep-notices';
import { buildContext } from '../../shared/composition/context';
import { defaultCalendar } from '../../shared/domain/calendar';
import type { Command } from '../../shared/domain/ledger';
import { municipalitiesOf } from '../../shared/reference';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';
import { sentEmails, startSes, type LocalSes } from '../../local/emulators/ses/ses';
import { stubHandlerEnv } from '../support/handler-env';

const YEAR = 2028;
const HOUR = 3_600_000;
const calendar = defaultCalendar(YEAR);
const t0 = Date.parse(calendar.publishAt) + 86_400_000;
let dynamo: LedgerDynamo;
let ses: LocalSes;
let app: AppContext;

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startLedgerDynamo(), startSes()]);
  stubHandlerEnv(dynamo, ses, 'omfordelning@example.se');
  app = buildContext(process.env);
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([dynamo?.stop(), ses?.stop()]);
});

const run = (county: string, command: Command, at: number, actor?: string) =>
  execute(app.ledgers, { year: YEAR, county }, command, { now: new Date(at).toISOString(), calendar, actor: actor ? { role: 'municipality', id: actor } : { role: 'admin' } });
const shares = (county: string) => ({ type: 'ImportShares', shares: Object.fromEntries(municipalitiesOf(county).map((m) => [m.code, 10_000])) }) as const;
const mailsTo = async (code: string) => (await sentEmails(ses.endpoint)).filter((e) => e.destination.to.includes(`kommun-${code}@kommun.example.se`));

it('sends what the stream missed, once, and skips what the follower sent', { timeout: 60_000 }, async () => {
  // Uppsala (03): nobody followed. Södermanland (04): the follower did.
  const [giver, receiver] = municipalitiesOf('03').map((m) => m.code);
  const [followedGiver, followedReceiver] = municipalitiesOf('04').map((m) => m.code);
  await run('03', shares('03'), t0);
  await run('03', { type: 'SubmitProposal', giver: giver!, receiver: receiver!, perMille: 1_000 }, t0, giver);
  const imported = await run('04', shares('04'), t0);
  const proposed = await run('04', { type: 'SubmitProposal', giver: followedGiver!, receiver: followedReceiver!, perMille: 1_000 }, t0, followedGiver);
  const key04 = { year: YEAR, county: '04' };
  expect(await followLedgers(app, [imported, proposed].map((o) => ({ id: String(o.event.seq), key: key04, event: o.event })))).toEqual([]);
  expect(await app.notified.ofYear(YEAR)).toEqual(new Map([['04', 2]]));
  const followedMails = (await sentEmails(ses.endpoint)).length;

  const report = await sweepNotices(app, t0 + 2 * HOUR);
  expect(report).toEqual({ years: [2027, 2028], behind: 1, events: 2, failed: 0 });
  expect(await mailsTo(receiver!)).toHaveLength(1);
  expect(await mailsTo(giver!)).toHaveLength(1);
  expect(await mailsTo(followedReceiver!)).toHaveLength(1);
  expect(await app.notified.ofYear(YEAR)).toEqual(new Map([['03', 2], ['04', 2]]));

  const total = (await sentEmails(ses.endpoint)).length;
  expect(total).toBeGreaterThan(followedMails);
  expect(await sweepNotices(app, t0 + 26 * HOUR)).toMatchObject({ behind: 0, events: 0 });
  expect(await sentEmails(ses.endpoint)).toHaveLength(total);
});

it('never moves the progress past a gap or back', async () => {
  const key = { year: YEAR, county: '05' };
  await app.notified.advance(key, 3, 5); // events 1–3 not sent: refused
  expect((await app.notified.ofYear(YEAR)).get('05')).toBeUndefined();
  await app.notified.advance(key, 0, 4);
  await app.notified.advance(key, 2, 3); // behind: no change
  await app.notified.advance(key, 4, 6);
  expect((await app.notified.ofYear(YEAR)).get('05')).toBe(6);
});
