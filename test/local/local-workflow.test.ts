/**
 * The synthesized state machine running on the local stack (local/stepfunctions): one stack,
 * one data directory, the virtual clock moving forward through share year 2022 (two
 * counties) and the publication of share year 2023 (all 290 municipalities), with a restart
 * of the stack in between. The tests run in order: each continues where the last one left.
 *
 * The stack starts at 22:50 on deadline day (not at 22:59:58: the clock runs in real time from
 * --now, and starting takes a few seconds) and the clock is set to 22:59:58 when it matters.
 */
import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allStates, resolvedDefinition, taskEntries } from '../../local/emulators/cloudformation/state-machine';
import { synthesizeTemplate } from '../../infra/synth';
import { EXECUTIONS_FILE } from '../../local/emulators/step-functions';
import { EMULATOR_TIMEOUT_SECONDS, LOCAL_PARAMETERS, LOCAL_TIMEOUT_SECONDS } from '../../local/emulators/step-functions/definition';
import { STATES, TASKS } from '../../shared/workflow/contract';
import { startTestStack, tempDataDir, type TestStack } from '../support/local-stack';
import { exampleShareImport, execution, mailsAbout, mailsOfYear, perRecipient, sfnClient, sleep, waitFor } from '../support/workflow';

type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const Y = 2022; // default calendar: publish Mon 2021-08-16 (15 Aug a Sunday), reminders 10-19 and Fri 10-29 (30 Oct a Saturday), deadline 2021-11-02 23:59:59 CET, county warning Wed 11-10
const DEADLINE = '2021-11-02T22:59:59Z';
const WINDOW_CLOSES = '2021-11-02T23:00:00Z';
const COUNTY_REPORT_AT = '2021-11-15T08:00:00Z';
const NEXT = 2023; // publish Mon 2022-08-15 09:00 CEST by default; moved to 2022-08-20 here; deadline moved to Wed 2022-11-09 later
const MOVED_PUBLISH = '2022-08-20T07:00:00Z';
const COUNTIES = ['03', '04'];
const MUNICIPALITIES_OF_Y = 8 + 9; // Uppsala län, Södermanlands län

const [A, B, E, F] = ['0360', '0380', '0305', '0319']; // Uppsala län: Tierp → Uppsala (agreed), Håbo → Älvkarleby (not consented)
const [C, D, G, H] = ['0428', '0484', '0461', '0480']; // Södermanland: Vingåker → Eskilstuna (agreed), Gnesta → Nyköping (too late)

/** Contract: the state of each task and the name of its Lambda (functions/<name>/index.ts). */
const TASK_OF_STATE: Record<string, string> = Object.fromEntries(
  (Object.keys(TASKS) as (keyof typeof TASKS)[]).filter((k) => k in STATES).map((k) => [STATES[k as keyof typeof STATES], TASKS[k]]),
);

describe('the synthesized state machine on the local stack', () => {
  let stack: TestStack;
  let dataDir: string;
  const tokens: Record<string, string> = {};
  const admin = () => stack.tokenFor({ role: 'admin' });
  const municipality = (code: string) => stack.tokenFor({ role: 'municipality', municipality: code });
  const county = (code: string) => stack.tokenFor({ role: 'county', county: code });
  const cycle = async (year: number) => (await stack.request('GET', `/v1/years/${year}/cycle`, { token: await admin() })).body;
  const propose = async (giver: string, receiver: string) =>
    stack.request('POST', `/v1/years/${Y}/proposals`, { token: await municipality(giver), json: { receiver, perMille: 0.1 } });
  const consent = async (giver: string, receiver: string) =>
    stack.request('POST', `/v1/years/${Y}/proposals/${giver}/consent`, { token: await municipality(receiver), json: { accept: true } });
  const proposal = async (giver: string) => (await stack.request('GET', `/v1/years/${Y}/proposals/${giver}`, { token: await admin() })).body;

  beforeAll(async () => {
    dataDir = tempDataDir();
    stack = await startTestStack({ dataDir, now: '2021-11-02T22:50:00Z' });
    tokens.admin = await admin();
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs the template's state machine: plain ASL that asl-validator accepts, every task on its handler", () => {
    const template = synthesizeTemplate();
    const sf = stack.stepFunctions!;
    const { asl, local, tasks } = sf.definition;
    // The very definition the cloud gets, resolved.
    expect(asl).toEqual(resolvedDefinition(template, (id) => `arn:aws:lambda:eu-north-1:000000000000:function:${id}`));
    expect(JSON.stringify(asl)).not.toMatch(/Fn::|"Ref"/);
    for (const definition of [asl, local]) {
      const { isValid, errorsText } = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });
      expect(errorsText('\n')).toBe('');
      expect(isValid).toBe(true);
    }
    // Same states, same types, same transitions; every task on the handler the template names.
    const names = allStates(asl).map(([name]) => name).sort();
    expect(names).toEqual(Object.values(STATES).sort());
    expect(allStates(local).map(([name, s]) => [name, s.Type, s.Next, s.End])).toEqual(allStates(asl).map(([name, s]) => [name, s.Type, s.Next, s.End]));
    const entries = taskEntries(template);
    expect(Object.keys(tasks).sort()).toEqual(Object.keys(entries).sort());
    for (const [state, task] of Object.entries(tasks)) {
      expect(task.entry, state).toBe(entries[state]);
      expect(task.entry, state).toBe(`functions/${TASK_OF_STATE[state]}/index.ts`);
    }
    expect(tasks[STATES.awaitReport]!.integration).toBe('waitForTaskToken');
    // The local copy differs only where the emulator deviates from AWS (definition.ts).
    const localStates = Object.fromEntries(allStates(local));
    for (const [name, state] of allStates(asl)) {
      const expected = structuredClone(state);
      if (state.Type === 'Task') {
        expected.TimeoutSeconds = EMULATOR_TIMEOUT_SECONDS;
        if (name === STATES.awaitReport) {
          expected.Parameters = { [LOCAL_PARAMETERS]: state.Parameters, [`${LOCAL_TIMEOUT_SECONDS}.$`]: state.TimeoutSecondsPath };
          delete expected.TimeoutSecondsPath;
        }
      }
      // A Map's own states are compared one by one (allStates lists them too).
      if (state.Type === 'Map') expected.ItemProcessor = localStates[name]!.ItemProcessor;
      expect(localStates[name], name).toEqual(expected);
    }
    // The handlers reach it through the SDK's endpoint variable; the tasks read the virtual clock.
    expect(stack.env).toMatchObject({ AWS_ENDPOINT_URL_SFN: sf.endpoint, STATE_MACHINE_ARN: sf.stateMachineArn });
    expect(process.env.AWS_ENDPOINT_URL_SFN).toBe(sf.endpoint);
    expect(Math.abs(Number(process.env.CLOCK_OFFSET_MS) - (stack.clock.now() - Date.now()))).toBeLessThan(50);
  });

  it('starts the year: the execution runs and acts on the milestones already passed; starting twice is harmless', async () => {
    expect((await stack.request('PUT', `/v1/years/${Y}/shares`, { token: tokens.admin, json: exampleShareImport(COUNTIES) })).status).toBe(200);
    const started = await stack.request('POST', `/v1/years/${Y}/cycle`, { token: tokens.admin, json: {} });
    expect(started.status).toBe(201);
    expect(started.body.workflow).toMatchObject({ status: 'RUNNING', state: expect.any(String) });

    const sfn = sfnClient(stack);
    const arn = `${stack.stepFunctions!.stateMachineArn.replace(':stateMachine:', ':execution:')}:cycle-${Y}`;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described).toMatchObject({ status: 'RUNNING', name: `cycle-${Y}`, input: JSON.stringify({ year: Y }), stateMachineArn: stack.stepFunctions!.stateMachineArn });
    expect(described.startDate!.toISOString().slice(0, 13)).toBe('2021-11-02T22');

    const again = await stack.request('POST', `/v1/years/${Y}/cycle`, { token: tokens.admin, json: {} });
    expect(again.status).toBe(200);
    expect(again.body.workflow.status).toBe('RUNNING');
    expect(stack.stepFunctions!.executions().filter((e) => e.name === `cycle-${Y}`)).toHaveLength(1);
    // AWS semantics of StartExecution and the task APIs, as @aws-sdk/client-sfn reports them.
    const same = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stepFunctions!.stateMachineArn, name: `cycle-${Y}`, input: JSON.stringify({ year: Y }) }));
    expect(same.executionArn).toBe(arn);
    const errorOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.name);
    expect(await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stepFunctions!.stateMachineArn, name: `cycle-${Y}`, input: '{"year":1}' })))).toBe(
      'ExecutionAlreadyExists',
    );
    expect(await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: `${arn}0` })))).toBe('ExecutionDoesNotExist');
    expect(await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: 'nonsense', output: '{}' })))).toBe('InvalidToken');
    expect(await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: 'lsft1-00000000-0000-4000-8000-000000000000', output: '{}' })))).toBe('TaskTimedOut');

    // Publish and both reminders lie in the past: done at once, and the machine waits for the deadline.
    const waiting = await waitFor('the wait for the deadline', async () => {
      const c = await cycle(Y);
      return c.workflow.state?.startsWith('Väntar på sista dag') && c;
    });
    expect(waiting).toMatchObject({ phase: 'OPEN', workflow: { status: 'RUNNING' } });
    for (const what of ['preliminära', 'påminnelse']) {
      const counts = perRecipient(await mailsAbout(stack, Y, what));
      expect(counts.size, what).toBe(MUNICIPALITIES_OF_Y);
      expect(new Set(counts.values()), what).toEqual(new Set([what === 'påminnelse' ? 2 : 1])); // two reminders
    }
  });

  it('closes the window at the deadline instant: 22:59:59 accepted, 23:00:00 refused, unconsented proposals EXPIRED', async () => {
    // Two agreed proposals for the county review (made before the clock nears the deadline).
    for (const [giver, receiver] of [
      [A, B],
      [C, D],
    ] as const) {
      expect((await propose(giver, receiver)).status).toBe(201);
      expect((await consent(giver, receiver)).body.status).toBe('AGREED');
    }
    await stack.setClock('2021-11-02T22:59:58Z');
    const [giverE, giverG] = [await municipality(E), await municipality(G)]; // signed before: the next second is short
    await stack.setClock(DEADLINE);
    const last = await stack.request('POST', `/v1/years/${Y}/proposals`, { token: giverE, json: { receiver: F, perMille: 0.1 } });
    expect(last.status).toBe(201);
    expect(last.body.createdAt.slice(0, 19)).toBe(DEADLINE.slice(0, 19));

    await stack.setClock(WINDOW_CLOSES);
    const late = await stack.request('POST', `/v1/years/${Y}/proposals`, { token: giverG, json: { receiver: H, perMille: 0.1 } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('SUBMISSION_WINDOW_CLOSED');

    // The workflow closes the window in the ledgers at that instant.
    const expired = await waitFor('the unconsented proposal to lapse', async () => {
      const p = await proposal(E);
      return p.status === 'EXPIRED' && p;
    });
    expect(Date.parse(expired.updatedAt)).toBeGreaterThanOrEqual(Date.parse(WINDOW_CLOSES));
    expect(Date.parse(expired.updatedAt)).toBeLessThan(Date.parse(WINDOW_CLOSES) + 10_000);
    expect((await proposal(A)).status).toBe('AGREED');
    const closed = await cycle(Y);
    expect(closed.phase).toBe('CLOSED');
    const told = await waitFor('every municipality told', async () => {
      const counts = perRecipient(await mailsAbout(stack, Y, 'perioden för förslag om omfördelning har stängt'));
      return counts.size === MUNICIPALITIES_OF_Y && counts;
    });
    expect(Math.max(...told.values())).toBe(1);
  });

  it("waits for each county's report with a task token, and the county's report resumes it", async () => {
    // Both counties have an agreed proposal to decide on: two waits, each with its token.
    await waitFor('both counties waited for', () => execution(stack, `cycle-${Y}`)?.waitingForTokens === 2);
    expect((await cycle(Y)).workflow.state).toMatch(/^Länsgranskning: väntar på länsrapporter från 2 län/);

    const uppsala = await county('03');
    expect((await stack.request('POST', `/v1/years/${Y}/proposals/${A}/decision`, { token: uppsala, json: { outcome: 'APPROVED' } })).status).toBe(200);
    expect((await stack.request('POST', `/v1/years/${Y}/counties/03/report`, { token: uppsala })).status).toBe(200);
    await waitFor("Uppsala län's wait to end", () => execution(stack, `cycle-${Y}`)?.waitingForTokens === 1);
    const c = await cycle(Y);
    expect(c.counties.filter((x: { report: string }) => x.report !== 'PENDING')).toEqual([{ county: '03', report: 'SUBMITTED' }]);
  });

  it('resumes after a restart of the local stack and skips the milestones already passed (nobody mailed twice)', async () => {
    const before = (await mailsOfYear(stack, Y)).map((m) => m.messageId).sort();
    await stack.stop();
    const saved = JSON.parse(readFileSync(join(dataDir, EXECUTIONS_FILE), 'utf8'));
    expect(saved.executions).toEqual([expect.objectContaining({ name: `cycle-${Y}`, status: 'RUNNING', input: JSON.stringify({ year: Y }) })]);

    stack = await startTestStack({ dataDir, now: '2021-11-03T10:00:00Z' });
    tokens.admin = await admin();
    expect(stack.stepFunctions!.resumed).toEqual([`cycle-${Y}`]);
    const arn = execution(stack, `cycle-${Y}`)!.executionArn;
    expect((await sfnClient(stack).send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');

    // Plan → check: publish, reminders and the deadline are done; the county review is not.
    // Uppsala län has reported (its wait ends at once); Södermanland waits with a new token.
    await waitFor('the county review again', () => {
      const e = execution(stack, `cycle-${Y}`);
      return e?.currentState === STATES.awaitReport && e.waitingForTokens === 1 && e;
    });
    await sleep(1500);
    expect(execution(stack, `cycle-${Y}`)).toMatchObject({ status: 'RUNNING', waitingForTokens: 1, restarts: 1, retries: {} });
    expect((await mailsOfYear(stack, Y)).map((m) => m.messageId).sort()).toEqual(before);
    const c = await cycle(Y);
    expect(c.phase).toBe('CLOSED');
    expect(c.counties.filter((x: { report: string }) => x.report !== 'PENDING')).toEqual([{ county: '03', report: 'SUBMITTED' }]);
  });

  it("times out a county's wait on the virtual clock at the report date and submits its report automatically", async () => {
    await stack.setClock(COUNTY_REPORT_AT);
    const reported = await waitFor('the automatic report and the reports sent', async () => {
      const c = await cycle(Y);
      return c.workflow.state?.startsWith('Väntar på fastställande') && c;
    });
    expect(reported.phase).toBe('REPORTED');
    expect(reported.counties.filter((x: { report: string }) => x.report !== 'PENDING')).toEqual([
      { county: '03', report: 'SUBMITTED' },
      { county: '04', report: 'AUTO_SUBMITTED' },
    ]);
    // States.Timeout went to the Catch (the warning, then Submit the report automatically), not to the States.TaskFailed retrier.
    expect(execution(stack, `cycle-${Y}`)).toMatchObject({ waitingForTokens: 0, retries: {} });
    expect(await mailsAbout(stack, Y, 'länsrapporten för Södermanlands län har lämnats automatiskt')).toHaveLength(1);
    expect(await mailsAbout(stack, Y, 'länsrapport från')).toHaveLength(2);

    // On its way the wait ended at the warning (Wednesday 10 Nov 09:00): Södermanland was told what it had not decided.
    const warnings = await mailsAbout(stack, Y, '1 överenskomna förslag i Södermanlands län väntar på beslut');
    expect(warnings.map((m) => m.destination.to)).toEqual([['lansstyrelsen-04@lst.example.se']]);
    expect(warnings[0]!.subject).toBe(`Omfördelning ${Y}: 1 överenskomna förslag i Södermanlands län väntar på beslut – länsrapporten senast 15 november 2021 kl. 09:00`);
    expect(warnings[0]!.body.text).toContain('- Vingåker (0428) till Eskilstuna (0484), 0,1 promille');
    expect(reported.milestones.find((m: { id: string }) => m.id === 'countyWarning')).toMatchObject({ at: '2021-11-10T08:00:00Z', doneAt: expect.any(String) });
    // Uppsala län reported in time: no warning.
    expect(await mailsAbout(stack, Y, '1 överenskomna förslag i Uppsala län')).toHaveLength(0);
    // The agreed proposal left out of the automatic report: both parties told, once each.
    const leftOut = await mailsAbout(stack, Y, 'förslaget om 0,1 promille från Vingåker (0428) till Eskilstuna (0484) beslutades inte');
    expect(leftOut.map((m) => m.destination.to[0]).sort()).toEqual(['kommun-0428@kommun.example.se', 'kommun-0484@kommun.example.se']);
    expect(leftOut[0]!.body.text).toContain('Förslaget ändrar alltså inte era andelar');
  });

  it('acts at a milestone moved later while the execution waits, not at the old time', async () => {
    // One execution lives at most a year: the next year starts within 350 days of its last
    // milestone (final shares 15 December 2022), so the clock first passes New Year (and
    // share year 2022's final shares).
    await stack.setClock('2022-01-10T08:00:00Z');
    expect((await stack.request('PUT', `/v1/years/${NEXT}/shares`, { token: tokens.admin, json: exampleShareImport() })).status).toBe(200);
    expect((await stack.request('POST', `/v1/years/${NEXT}/cycle`, { token: tokens.admin, json: {} })).status).toBe(201);
    await waitFor('the wait for publishing', async () => (await cycle(NEXT)).workflow.state?.includes('15 augusti 2022'));
    const moved = await stack.request('PATCH', `/v1/years/${NEXT}/cycle/calendar`, { token: tokens.admin, json: { publishAt: '2022-08-20T09:00:00+02:00' } });
    expect(moved.status).toBe(200);

    // Past the old time.
    await stack.setClock('2022-08-16T08:00:00Z');
    await waitFor(`cycle-${Y} to succeed`, () => execution(stack, `cycle-${Y}`)?.status === 'SUCCEEDED');
    await sleep(2000);
    expect(await mailsAbout(stack, NEXT, 'preliminära')).toHaveLength(0);
    const c = await cycle(NEXT);
    expect(c).toMatchObject({ phase: 'PLANNED', workflow: { status: 'RUNNING' } });
    expect(c.workflow.state).toContain('20 augusti 2022');
    // A finished year's execution stays finished; starting it again is still harmless.
    expect((await stack.request('POST', `/v1/years/${Y}/cycle`, { token: tokens.admin, json: {} })).status).toBe(200);
    expect((await cycle(Y)).workflow.status).toBe('SUCCEEDED');
    expect(perRecipient(await mailsAbout(stack, Y, 'slutliga')).size).toBe(MUNICIPALITIES_OF_Y);
  });

  it('publishes at the new time within seconds; an SES outage during the act is retried, nothing lost, nobody mailed twice', async () => {
    const moved = Date.now();
    await stack.setClock(MOVED_PUBLISH);
    // Take SES away while the 290 notices go out, and bring it back 1.5 s later.
    await waitFor('the first notices', async () => (await mailsAbout(stack, NEXT, 'preliminära')).length >= 10, { intervalMs: 10 });
    const actStarted = Date.now() - moved;
    await stack.ses.stop();
    await sleep(1500);
    await stack.ses.start();

    const published = await waitFor(
      'all 290 notices',
      async () => {
        const mails = await mailsAbout(stack, NEXT, 'preliminära');
        return mails.length >= 290 && mails;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const elapsed = Date.now() - moved;
    const counts = perRecipient(published);
    expect(counts.size).toBe(290);
    expect(Math.max(...counts.values())).toBe(1);
    const c = await waitFor('the wait for the first reminder', async () => {
      const x = await cycle(NEXT);
      return x.workflow.state?.startsWith('Väntar på påminnelse 1') && x;
    });
    expect(c).toMatchObject({ phase: 'OPEN', workflow: { status: 'RUNNING' } });
    const info = execution(stack, `cycle-${NEXT}`)!;
    expect(info.retries[STATES.publish]).toBeGreaterThanOrEqual(1);
    expect(info.status).toBe('RUNNING');
    // Within about one Wait poll (1 s) of the clock's move, the act is sending.
    expect(actStarted).toBeLessThan(5000);
    console.log(
      `publish of ${NEXT}: first notices ${actStarted} ms, all 290 ${elapsed} ms after the clock moved (SES down 1.5 s of it; publish retried ${info.retries[STATES.publish]}×)`,
    );
    expect(existsSync(join(dataDir, EXECUTIONS_FILE))).toBe(true);
  });

  it('tells everyone of a deadline moved while the execution waits, once, and reminds at the new times', async () => {
    const moved = await stack.request('PATCH', `/v1/years/${NEXT}/cycle/calendar`, { token: tokens.admin, json: { deadline: '2022-11-09T23:59:59+01:00' } });
    expect(moved.status).toBe(200);
    // The reminders follow: Wednesday 26 Oct, and Friday 4 Nov (Sunday 6 Nov is not a working day; winter time by then).
    expect(moved.body.calendar.reminders).toEqual(['2022-10-26T07:00:00Z', '2022-11-04T08:00:00Z']);
    expect(moved.body.milestones.filter((m: { kind: string }) => m.kind === 'reminder').map((m: { at: string }) => m.at)).toEqual(moved.body.calendar.reminders);

    // Told within seconds by the waiting execution (its Wait polls): every municipality and county, once.
    const told = await waitFor(
      'the deadline-moved notices',
      async () => {
        const mails = await mailsAbout(stack, NEXT, 'sista dag för förslag om omfördelning är ändrad');
        return mails.length >= 290 + 21 && mails;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(told).toHaveLength(311);
    expect(Math.max(...perRecipient(told).values())).toBe(1);
    const uppsala = told.find((m) => m.destination.to[0] === 'kommun-0380@kommun.example.se')!;
    expect(uppsala.body.text).toContain('Tidigare sista tidpunkt: onsdag 2 november 2022 kl. 23:59\nNy sista tidpunkt: onsdag 9 november 2022 kl. 23:59');
    expect(uppsala.body.text).not.toMatch(/POST|händelse/);
    await waitFor('the wait for the moved reminder', async () => (await cycle(NEXT)).workflow.state?.includes('påminnelse 1 (26 oktober 2022 kl. 09:00)'));

    // The old reminder time passes quietly; the new one reminds everyone of the new deadline.
    await stack.setClock('2022-10-19T07:00:05Z');
    await sleep(2500);
    expect(await mailsAbout(stack, NEXT, 'påminnelse')).toHaveLength(0);
    await stack.setClock('2022-10-26T07:00:01Z');
    const reminded = await waitFor(
      'the reminders at the new time',
      async () => {
        const mails = await mailsAbout(stack, NEXT, 'påminnelse – förslag om omfördelning senast 9 november 2022');
        return mails.length >= 290 && mails;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(perRecipient(reminded).size).toBe(290);
    // Still one notice each: the move was told once.
    expect(await mailsAbout(stack, NEXT, 'sista dag för förslag om omfördelning är ändrad')).toHaveLength(311);
  });

  it('ends a year whose step keeps failing in "Year failed": retried, recorded, the administrators told', async () => {
    const year = 2030; // no shares imported: publishing cannot open the window
    const calendar = { publishAt: MOVED_PUBLISH, reminders: [], deadline: '2022-09-01T00:00:00Z', countyReportAt: '2022-09-10T00:00:00Z', finalizeAt: '2022-09-20T00:00:00Z' };
    expect((await stack.request('POST', `/v1/years/${year}/cycle`, { token: tokens.admin, json: { calendar } })).status).toBe(201);
    const failed = await waitFor('the execution to fail', () => {
      const e = execution(stack, `cycle-${year}`);
      return e?.status === 'FAILED' && e;
    });
    // Four retries (the contract's Retry), then Catch → Record the failure → Year failed.
    expect(failed).toMatchObject({ error: 'YearFailed', currentState: STATES.failed, retries: { [STATES.publish]: 4 } });
    const described = await sfnClient(stack).send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));
    expect(described).toMatchObject({ status: 'FAILED', error: 'YearFailed' });
    expect(described.stopDate!.getTime()).toBeGreaterThanOrEqual(described.startDate!.getTime());
    const c = await cycle(year);
    expect(c.workflow.status).toBe('FAILED');
    // The Lambda error's Cause reached the recorder as AWS shapes it ({"errorType","errorMessage",…}).
    expect(c.workflow.state).toMatch(/^Stoppat av ett fel \(CycleError\).*Felet: Inga preliminära andelar är inlästa för 2030/);
    expect(await mailsAbout(stack, year, 'årets arbetsflöde har misslyckats')).toHaveLength(1);
  });
});
