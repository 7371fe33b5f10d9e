/**
 * A moved deadline told from the table's stream (shared/app/follow-cycle.ts through the
 * follower's handler), against dynalite and aws-ses-v2-local in-process: at once, once; the
 * workflow's act as the safety net when the follower is down, failing or gone; and the two
 * racing for the same move, which tells each recipient once.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as followerHandler } from '../../functions/follow-ledger';
import { cycleKey } from '../../shared/adapters/dynamodb/cycle-keys';
import type { AppContext } from '../../shared/app/context';
import { buildContext } from '../../shared/composition/context';
import { setAppContext } from '../../shared/composition/lazy';
import { check } from '../../shared/app/cycle-acts/check';
import { TELL_LEASE_MS, tellDeadlineMoved, tellPendingDeadlineMove } from '../../shared/app/cycle-acts/deadline-moved';
import { plan } from '../../shared/app/cycle-acts/plan';
import { publish } from '../../shared/app/cycle-acts/publish';
import { moveCalendar, startCycle, updateCycleRecord } from '../../shared/app/cycle';
import { importShares } from '../../shared/app/shares';
import { defaultCalendar } from '../../shared/domain/calendar';
import { cycleMilestones } from '../../shared/domain/cycle';
import { MailDeliveryError, type Mail } from '../../shared/notifications/mailer';
import type { User } from '../../shared/schemas/user';
import type { Milestone } from '../../shared/workflow/contract';
import type { Workflow } from '../../shared/workflow/port';
import { startLedgerDynamo, type LedgerDynamo } from '../../local/tools/ledger-dynamo';
import { exampleShares } from '../../local/tools/example-data';
import { clearEmails, sentEmails, startSes, type LocalSes, type StoredEmail } from '../../local/emulators/ses/ses';
import { stubHandlerEnv } from '../support/handler-env';

const YEAR = 2032;
const calendar = defaultCalendar(YEAR);
const publishMilestone = cycleMilestones(calendar).find((m) => m.id === 'publish')!;
const admin: User = { role: 'admin' };
const NOTICES = 290 + 21; // every municipality, and every county (all take part)
const SUBJECT = `Omfördelning ${YEAR}: sista dag för förslag om omfördelning är ändrad`;
const plus = (instant: string, ms: number): string => new Date(Date.parse(instant) + ms).toISOString();
const DAY = 86_400_000;
const during = plus(calendar.publishAt, DAY);
const deadlines = ['2031-11-09T22:59:59Z', '2031-11-12T22:59:59Z', '2031-11-05T22:59:59Z', '2031-11-06T22:59:59Z', '2031-11-07T22:59:59Z'];

const workflow: Workflow = {
  start: async (year) => ({ executionArn: `arn:aws:states:eu-north-1:123456789012:execution:Year:cycle-${year}`, alreadyStarted: false }),
  execution: async () => undefined,
  describe: async () => ({ status: 'RUNNING' }),
  sendTaskSuccess: async () => {},
  sendTaskFailure: async () => {},
};

let dynamo: LedgerDynamo;
let ses: LocalSes;
let app: AppContext;
let raw: DynamoDBClient;
/** Set by a test: what the mailer does before each send (a delay, an outage). */
let beforeSend: (mail: Mail) => Promise<void> = async () => {};
let sequence = 0;

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startLedgerDynamo(), startSes()]);
  stubHandlerEnv(dynamo, ses);
  const built = buildContext(process.env);
  const mailer = { send: async (mail: Mail) => (await beforeSend(mail), built.mailer.send(mail)) };
  app = { ...built, workflow, mailer };
  setAppContext(app); // the follower's handler uses it
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

  const shares = exampleShares();
  await importShares({ app, user: admin, year: YEAR, now: plus(calendar.publishAt, -60 * DAY) }, {
    shares: Object.entries(shares).map(([municipality, milli]) => ({ municipality, perMille: milli / 1000 })),
  });
  await startCycle({ app, user: admin, year: YEAR, now: plus(calendar.publishAt, -60 * DAY) }, {});
  await plan(app, { year: YEAR, executionId: 'x' }, plus(calendar.publishAt, -60 * DAY));
  await publish(app, { year: YEAR, milestone: publishMilestone }, calendar.publishAt);
});
afterAll(async () => {
  setAppContext(undefined);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  raw?.destroy();
  await Promise.all([dynamo?.stop(), ses?.stop()]);
});
beforeEach(async () => {
  beforeSend = async () => {};
  await clearEmails(ses.endpoint);
});

const notices = async (): Promise<StoredEmail[]> => (await sentEmails(ses.endpoint)).filter((m) => m.subject.startsWith(SUBJECT));
/** Each recipient (to and cc) and how many notices it got. */
function perAddress(mails: readonly StoredEmail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of mails) for (const a of [...mail.destination.to, ...(mail.destination.cc ?? [])]) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}
const record = async () => (await app.cycles.get(YEAR))!;
const move = (deadline: string) => moveCalendar({ app, user: admin, year: YEAR, now: during }, { deadline });

/** The cycle item as stored, as the table's stream delivers it (MODIFY, NEW_IMAGE). */
async function streamRecordOfCycle(): Promise<DynamoDBStreamEvent> {
  const { Item } = await raw.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: cycleKey(YEAR).pk }, sk: { S: 'CYCLE' } }, ConsistentRead: true }));
  const SequenceNumber = String(++sequence).padStart(21, '0');
  return { Records: [{ eventName: 'MODIFY', dynamodb: { Keys: { pk: Item!.pk, sk: Item!.sk }, NewImage: Item, SequenceNumber, StreamViewType: 'NEW_IMAGE' } }] } as unknown as DynamoDBStreamEvent;
}

const dueMilestone = async (): Promise<Milestone> => {
  const due = await check(app, { year: YEAR }, during, 0);
  if (due.status !== 'DUE') throw new Error(`nothing due: ${JSON.stringify(due)}`);
  return due.milestone;
};

describe('a moved deadline, told from the stream', () => {
  it('a record without a pending move sends nothing (publication already told this deadline)', async () => {
    expect(await followerHandler(await streamRecordOfCycle())).toEqual({ batchItemFailures: [] });
    expect(await notices()).toHaveLength(0);
  });

  it('tells every municipality and county at once, once; the workflow’s check then has nothing to tell', async () => {
    const told = (await record()).toldDeadline!;
    await move(deadlines[0]!);
    expect(await followerHandler(await streamRecordOfCycle())).toEqual({ batchItemFailures: [] });
    const sent = await notices();
    expect(sent).toHaveLength(NOTICES);
    expect(Math.max(...perAddress(sent).values())).toBe(1);
    expect((await record()).toldDeadline).toEqual({ deadline: deadlines[0], moves: told.moves + 1 });
    expect((await record()).tellingDeadline).toBeUndefined();
    // Delivered again (the stream is at-least-once): nothing more.
    expect(await followerHandler(await streamRecordOfCycle())).toEqual({ batchItemFailures: [] });
    // The workflow's next check: nothing due; its act, run anyway, sends nothing.
    expect(await check(app, { year: YEAR }, during, 0)).toMatchObject({ status: 'WAIT' });
    expect(await tellDeadlineMoved(app, { year: YEAR, milestone: { kind: 'deadlineMoved', id: `deadline-moved-${told.moves + 1}`, at: during } }, during)).toMatchObject({ notices: 0, sent: 0 });
    expect(await notices()).toHaveLength(NOTICES);
  });

  it('with the follower down, the workflow’s act tells it (the safety net), from the deadline last told', async () => {
    const told = (await record()).toldDeadline!;
    await move(deadlines[1]!);
    const result = await tellDeadlineMoved(app, { year: YEAR, milestone: await dueMilestone() }, during);
    expect(result).toMatchObject({ move: told.moves + 1, from: told.deadline, to: deadlines[1], notices: NOTICES, sent: NOTICES });
    // The stream's record, delivered late: nothing more.
    expect(await followerHandler(await streamRecordOfCycle())).toEqual({ batchItemFailures: [] });
    const sent = await notices();
    expect(sent).toHaveLength(NOTICES);
    expect(sent[0]!.body.text).toContain('Tidigare sista tidpunkt: söndag 9 november 2031 kl. 23:59\nNy sista tidpunkt: onsdag 12 november 2031 kl. 23:59');
  });

  it('the stream and the workflow racing for the same move tell each recipient once', async () => {
    for (const [round, deadline] of [deadlines[2]!, deadlines[3]!].entries()) {
      await clearEmails(ses.endpoint);
      const told = (await record()).toldDeadline!;
      await move(deadline);
      const milestone = await dueMilestone();
      beforeSend = () => new Promise((resolve) => setTimeout(resolve, 2)); // sending takes a while: they overlap
      const stream = streamRecordOfCycle().then((event) => followerHandler(event));
      const act = tellDeadlineMoved(app, { year: YEAR, milestone }, during);
      // One round each way round: the workflow starts first in the second.
      const [fromStream, fromAct] = round === 0 ? await Promise.all([stream, act]) : (await Promise.all([act, stream])).reverse();
      expect(fromStream).toEqual({ batchItemFailures: [] });
      const sent = await notices();
      expect(sent).toHaveLength(NOTICES);
      expect(perAddress(sent).size).toBeGreaterThanOrEqual(NOTICES);
      expect(Math.max(...perAddress(sent).values())).toBe(1);
      expect(sent.every((m) => (m.body.text ?? '').includes(`Ny sista tidpunkt: ${round === 0 ? 'onsdag 5 november' : 'torsdag 6 november'} 2031`))).toBe(true);
      expect((await record()).toldDeadline).toEqual({ deadline, moves: told.moves + 1 });
      expect((await record()).tellingDeadline).toBeUndefined();
      // Whoever lost the claim sent nothing.
      expect((fromAct as { sent: number }).sent === 0 || (fromAct as { sent: number }).sent === NOTICES).toBe(true);
    }
  });

  it('a failing send is reported for redelivery and releases the claim; the redelivery sends only what is missing', async () => {
    await move(deadlines[4]!);
    let sends = 0;
    beforeSend = async () => {
      if (++sends > 100) throw new MailDeliveryError('SES is down', false);
    };
    const event = await streamRecordOfCycle();
    const seq = event.Records[0]!.dynamodb!.SequenceNumber!;
    expect(await followerHandler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: seq }] });
    expect((await record()).tellingDeadline).toBeUndefined();
    expect(await notices()).toHaveLength(100);
    beforeSend = async () => {};
    expect(await followerHandler(event)).toEqual({ batchItemFailures: [] });
    const sent = await notices();
    expect(sent).toHaveLength(NOTICES);
    expect(Math.max(...perAddress(sent).values())).toBe(1);
  });

  it('a claim whose holder is gone (the follower timed out) is waited for by the act, which then tells it', async () => {
    const told = (await record()).toldDeadline!;
    await move(deadlines[0]!);
    const now = { ms: Date.now() };
    const wallClock = () => now.ms;
    // The follower claimed the move and died before it sent anything.
    await updateCycleRecord(app, YEAR, (r) => ({ ...r, tellingDeadline: { move: told.moves + 1, to: deadlines[0]!, by: 'stream', until: new Date(now.ms + TELL_LEASE_MS.stream).toISOString() } }));
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      now.ms += ms;
    };
    const result = await tellDeadlineMoved(app, { year: YEAR, milestone: await dueMilestone() }, during, { wallClock, sleep });
    expect(result).toMatchObject({ move: told.moves + 1, notices: NOTICES, sent: NOTICES });
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(TELL_LEASE_MS.stream);
    expect(await notices()).toHaveLength(NOTICES);
    expect((await record()).tellingDeadline).toBeUndefined();
  });

  it('a claim the workflow holds is left to it by the follower, which reports success', async () => {
    const told = (await record()).toldDeadline!;
    await move(deadlines[1]!);
    await updateCycleRecord(app, YEAR, (r) => ({ ...r, tellingDeadline: { move: told.moves + 1, to: deadlines[1]!, by: 'workflow', until: new Date(Date.now() + 60_000).toISOString() } }));
    expect(await tellPendingDeadlineMove(app, YEAR, 'stream')).toMatchObject({ sent: 0, busy: { by: 'workflow' } });
    expect(await followerHandler(await streamRecordOfCycle())).toEqual({ batchItemFailures: [] });
    expect(await notices()).toHaveLength(0);
    // The workflow (its retry) holds the claim itself and tells it.
    expect(await tellDeadlineMoved(app, { year: YEAR, milestone: await dueMilestone() }, during)).toMatchObject({ sent: NOTICES });
    expect(await notices()).toHaveLength(NOTICES);
  });
});
