/**
 * A year whose execution failed is started again through the API and finishes: SES is down at
 * publication past every retry, the execution ends in "Year failed"; SES comes back, two
 * administrators press "start" at once, one new execution (cycle-<year>-2) continues the year
 * where it stopped, and the year runs to its final shares with every notice sent once.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATES } from '../../shared/workflow/contract';
import { startTestStack, type TestStack } from '../support/local-stack';
import {
  CALENDAR,
  callerFor,
  finishSmallYear,
  milestoneDone,
  proposeAndAgree,
  setClock,
  SMALL_YEAR,
  START,
  startSmallYear,
  WINDOW_CLOSES,
  type Caller,
} from '../support/small-year';
import { execution, mailsAbout, perRecipient, sfnClient, waitFor } from '../support/workflow';

let stack: TestStack;
let call: Caller;
const apiUrl = () => stack.apiUrl;
const admin = { role: 'admin' } as const;
const cycle = async () => (await call('GET', `/v1/years/${SMALL_YEAR}/cycle`, admin)).body;

beforeAll(async () => {
  stack = await startTestStack({ now: START, workflow: { waitPollMs: 100, retryIntervalMs: 100 } });
  call = await callerFor(apiUrl, stack.dataDir);
  await startSmallYear(call);
});
afterAll(async () => {
  await stack?.stop();
});

describe('a failed year started again', () => {
  it('fails at publication while SES is down, past the retries', async () => {
    await stack.ses.stop();
    await setClock(apiUrl(), CALENDAR.publishAt);
    const failed = await waitFor('the execution to fail', () => {
      const e = execution(stack, `cycle-${SMALL_YEAR}`);
      return e?.status === 'FAILED' && e;
    });
    expect(failed).toMatchObject({ error: 'YearFailed', currentState: STATES.failed, retries: { [STATES.publish]: 4 } });
    const c = await cycle();
    expect(c.workflow.status).toBe('FAILED');
    expect(c.milestones.find((m: { id: string }) => m.id === 'publish').doneAt).toBeNull();
  });

  it('starts one new execution when started twice at once, which publishes once to each municipality', async () => {
    await stack.ses.start();
    const [a, b] = await Promise.all([0, 1].map(() => call('POST', `/v1/years/${SMALL_YEAR}/cycle`, admin, {})));
    expect([a!.status, b!.status]).toEqual([200, 200]);
    const names = () => stack.stepFunctions!.executions().map((e) => e.name).sort();
    expect(names()).toEqual([`cycle-${SMALL_YEAR}`, `cycle-${SMALL_YEAR}-2`]);
    await milestoneDone(call, 'publish');
    const c = await cycle();
    expect(c.workflow).toMatchObject({ status: 'RUNNING' });
    expect(c.workflow.state).not.toMatch(/^Stoppat/);
    // Every municipality of the county told once; nothing of the failed run sent twice.
    const published = perRecipient(await mailsAbout(stack, SMALL_YEAR, 'preliminära'));
    expect(published.size).toBe(8);
    expect(Math.max(...published.values())).toBe(1);
    // The local endpoint answers as Step Functions does: the failed name is taken, the next one does not exist yet.
    const sfn = sfnClient(stack);
    const { stateMachineArn } = stack.stepFunctions!;
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn, name: `cycle-${SMALL_YEAR}`, input: JSON.stringify({ year: SMALL_YEAR }) }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    const third = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:cycle-${SMALL_YEAR}-3`;
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: third }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    // Started again once it runs: still that one execution.
    expect((await call('POST', `/v1/years/${SMALL_YEAR}/cycle`, admin, {})).status).toBe(200);
    expect(names()).toEqual([`cycle-${SMALL_YEAR}`, `cycle-${SMALL_YEAR}-2`]);
  });

  it('refuses calendar dates beyond what one execution can wait, in Swedish, at the start and on a move, writing nothing', async () => {
    const far = new Date(Date.parse(START) + 400 * 86_400_000).toISOString();
    const moved = await call('PATCH', `/v1/years/${SMALL_YEAR}/cycle/calendar`, admin, { finalizeAt: far });
    expect([moved.status, moved.body.error.code, moved.body.error.message]).toEqual([400, 'CALENDAR_TOO_FAR_AHEAD', 'Kalendern sträcker sig längre fram än årets arbetsflöde kan vänta.']);
    expect(moved.body.error.details).toEqual([expect.stringMatching(/^Fastställandet \(finalizeAt\) ligger 5 oktober 2040, mer än 350 dagar efter årets start 1 september 2039;/)]);
    expect((await cycle()).calendar.finalizeAt).toBe(CALENDAR.finalizeAt);

    const other = SMALL_YEAR + 1;
    const started = await call('POST', `/v1/years/${other}/cycle`, admin, { calendar: { ...CALENDAR, finalizeAt: far } });
    expect([started.status, started.body.error.code]).toEqual([400, 'CALENDAR_TOO_FAR_AHEAD']);
    expect((await call('GET', `/v1/years/${other}/cycle`, admin)).body.workflow).toEqual({ status: 'NOT_STARTED', state: null });
    expect(stack.stepFunctions!.executions().map((e) => e.name)).not.toContain(`cycle-${other}`);
  });

  it('goes on to the final shares, and the new execution succeeds', async () => {
    await proposeAndAgree(call);
    await setClock(apiUrl(), WINDOW_CLOSES);
    const shares = await finishSmallYear(call, apiUrl);
    const byCode = Object.fromEntries(shares.map((s) => [s.municipality, s]));
    // Tierp's 0,5 ‰ to Uppsala approved; Håbo's 1 ‰ to Knivsta rejected.
    expect(byCode['0360']!.finalPerMille).toBeCloseTo(byCode['0360']!.preliminaryPerMille - 0.5, 6);
    expect(byCode['0380']!.finalPerMille).toBeCloseTo(byCode['0380']!.preliminaryPerMille + 0.5, 6);
    expect(byCode['0305']!.finalPerMille).toBe(byCode['0305']!.preliminaryPerMille);
    const done = await waitFor('the new execution to succeed', () => execution(stack, `cycle-${SMALL_YEAR}-2`)?.status === 'SUCCEEDED');
    expect(done).toBe(true);
    expect((await cycle()).workflow.status).toBe('SUCCEEDED');
  });
});
