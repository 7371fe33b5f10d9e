/**
 * A deadline moved after publication, told from the table's stream on the local stack (the
 * synthesized template's event source mapping, its filter, the follower, the SES emulator):
 * within seconds of the PATCH and without the clock moving, every municipality and county of
 * the counties taking part, once; the workflow's check afterwards sends nothing more; a second
 * move is told from the deadline the first one told.
 *
 * To tell the two paths apart, the stack is restarted in between (same data directory) with
 * the local Wait state polling every 10 minutes of real time: the execution then sleeps in its
 * Wait and only the stream can send the notice. Restarted again with the usual 1 s poll, the
 * resumed execution checks at once (as on AWS a Wait ends at most four hours later).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEmail } from '../../local/emulators/ses/ses';
import { STATES } from '../../shared/workflow/contract';
import { startTestStack, tempDataDir, type TestStack } from '../support/local-stack';
import { exampleShareImport, mailsAbout, perRecipient, sleep, waitFor } from '../support/workflow';

const YEAR = 2025; // default calendar: publish Thu 2024-08-15 09:00 CEST, deadline Sat 2024-11-02 23:59:59 CET
const COUNTIES = ['03', '04'];
const NOTICES = 8 + 9 + COUNTIES.length; // the municipalities of Uppsala and Södermanlands län, and the two counties
const MOVED = 'sista dag för förslag om omfördelning är ändrad';
const SLEEPING_POLL_MS = 10 * 60_000;

describe('a moved deadline told from the stream, on the local stack', () => {
  let stack: TestStack;
  let dataDir: string;
  const admin = () => stack.tokenFor({ role: 'admin' });
  const cycle = async () => (await stack.request('GET', `/v1/years/${YEAR}/cycle`, { token: await admin() })).body;
  const restart = async (now: string, waitPollMs?: number) => {
    await stack.stop();
    stack = await startTestStack({ dataDir, now, ...(waitPollMs !== undefined && { workflow: { waitPollMs } }) });
  };
  const entered = (state: string) => stack.stepFunctions!.metrics().entered[state] ?? 0;
  /** PATCH the deadline; the notices as the SES emulator has them once the stream is idle, and how long that took. */
  const moveDeadline = async (deadline: string): Promise<{ mails: StoredEmail[]; ms: number }> => {
    const started = performance.now();
    const res = await stack.request('PATCH', `/v1/years/${YEAR}/cycle/calendar`, { token: await admin(), json: { deadline } });
    expect(res.status).toBe(200);
    const mails = await mailsAbout(stack, YEAR, MOVED); // waits for the stream to be idle
    return { mails, ms: Math.round(performance.now() - started) };
  };

  beforeAll(async () => {
    dataDir = tempDataDir();
    stack = await startTestStack({ dataDir, now: '2024-08-14T08:00:00Z' });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes the year (the parties are told the deadline)', async () => {
    expect((await stack.request('PUT', `/v1/years/${YEAR}/shares`, { token: await admin(), json: exampleShareImport(COUNTIES) })).status).toBe(200);
    expect((await stack.request('POST', `/v1/years/${YEAR}/cycle`, { token: await admin(), json: {} })).status).toBe(201);
    const { calendar } = await cycle();
    expect(calendar.deadline).toBe('2024-11-02T22:59:59Z');
    await stack.setClock(calendar.publishAt);
    await waitFor('the publication notices', async () => (await mailsAbout(stack, YEAR, 'preliminära')).length >= NOTICES - COUNTIES.length, { timeoutMs: 20_000 });
    await waitFor('the wait for the first reminder', async () => (await cycle()).workflow.state?.startsWith('Väntar på påminnelse 1'), { timeoutMs: 20_000 });
  });

  it('tells everyone within seconds of the PATCH, once, with the workflow asleep in its Wait', async () => {
    await restart('2024-08-16T08:00:00Z', SLEEPING_POLL_MS);
    await waitFor('the resumed execution to wait', async () => (await cycle()).workflow.state?.startsWith('Väntar på påminnelse 1'), { timeoutMs: 20_000 });
    const checks = entered(STATES.check);
    const { mails, ms } = await moveDeadline('2024-11-09T23:59:59+01:00');
    expect(mails).toHaveLength(NOTICES);
    expect(Math.max(...perRecipient(mails).values())).toBe(1);
    expect(mails.find((m) => m.destination.to[0] === 'kommun-0380@kommun.example.se')!.body.text).toContain(
      'Tidigare sista tidpunkt: lördag 2 november 2024 kl. 23:59\nNy sista tidpunkt: lördag 9 november 2024 kl. 23:59',
    );
    // Not the workflow: it has not checked since, nor entered its act.
    expect(entered(STATES.check)).toBe(checks);
    expect(entered(STATES.tellDeadlineMoved)).toBe(0);
    expect(ms).toBeLessThan(10_000);
    console.log(`deadline moved on ${YEAR}: PATCH to the last of ${mails.length} notices (stream only) ${ms} ms`);
  });

  it("the workflow's check afterwards (the safety net) finds nothing to tell: no second notice", async () => {
    await restart('2024-08-16T08:10:00Z');
    const checked = await waitFor('a check of the resumed execution', () => entered(STATES.check) > 0 && entered(STATES.check), { timeoutMs: 20_000 });
    await stack.setClock('2024-08-16T08:20:00Z');
    await waitFor('more checks', () => entered(STATES.check) >= checked + 2, { timeoutMs: 20_000 });
    expect(entered(STATES.tellDeadlineMoved)).toBe(0);
    expect((await cycle()).workflow.state).toContain('påminnelse 1');
    expect(await mailsAbout(stack, YEAR, MOVED)).toHaveLength(NOTICES);
  });

  it('a second move is told from the deadline the first told, once, with the workflow polling too', async () => {
    const { mails, ms } = await moveDeadline('2024-11-12T23:59:59+01:00');
    const second = mails.filter((m) => m.subject.includes('12 november 2024'));
    expect(second).toHaveLength(NOTICES);
    expect(Math.max(...perRecipient(second).values())).toBe(1);
    expect(second.find((m) => m.destination.to[0] === 'kommun-0380@kommun.example.se')!.body.text).toContain(
      'Tidigare sista tidpunkt: lördag 9 november 2024 kl. 23:59\nNy sista tidpunkt: tisdag 12 november 2024 kl. 23:59',
    );
    // A few more polls of the workflow: still once each.
    const checks = entered(STATES.check);
    await waitFor('more checks', () => entered(STATES.check) >= checks + 2, { timeoutMs: 20_000 });
    await sleep(500);
    const all = await mailsAbout(stack, YEAR, MOVED);
    expect(all).toHaveLength(2 * NOTICES);
    expect(Math.max(...perRecipient(all).values())).toBe(2);
    console.log(`deadline moved again on ${YEAR}: PATCH to the last of ${second.length} notices ${ms} ms (act entered ${entered(STATES.tellDeadlineMoved)}×)`);
  });
});
