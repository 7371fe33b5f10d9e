/**
 * A failed year started again from the administrator's pages in a real browser: SES is down
 * at publication past every retry (as test/e2e/year-restart.test.ts), the year page shows what
 * stopped the year and when; SES comes back, "Starta året igen", check, confirm, and the year
 * shows as running again with its publication done. axe-core on the new states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityChecks, startBrowser, type TestBrowser } from '../support/browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { CALENDAR, callerFor, milestoneDone, setClock, SMALL_YEAR, START, startSmallYear, type Caller } from '../support/small-year';
import { execution, waitFor } from '../support/workflow';

let stack: TestStack;
let call: Caller;
let browser: TestBrowser;

beforeAll(async () => {
  stack = await startTestStack({ now: START, workflow: { waitPollMs: 100, retryIntervalMs: 100 } });
  call = await callerFor(() => stack.apiUrl, stack.dataDir);
  await startSmallYear(call);
  browser = await startBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a failed year in the browser', () => {
  it('shows the failure and is started again, then runs', async () => {
    const a11y = accessibilityChecks();
    await stack.ses.stop();
    await setClock(stack.apiUrl, CALENDAR.publishAt);
    await waitFor('the execution to fail', () => execution(stack, `cycle-${SMALL_YEAR}`)?.status === 'FAILED');
    await stack.ses.start();

    const page = await browser.page();
    const main = page.locator('main');
    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('button', { name: /^Administratör/ }).click();
    await page.getByRole('heading', { name: 'Året har stoppats av ett fel' }).waitFor();
    const year = await main.innerText();
    expect(year).toContain(`Andelsår ${SMALL_YEAR}`);
    expect(year).toMatch(/När\s+\d{1,2} september 2039/);
    expect(year).toContain('Under steget');
    expect(year).toContain('Misslyckades');
    await a11y.check(page, 'året, stoppat av ett fel');

    await page.getByRole('button', { name: 'Starta året igen' }).click();
    await page.getByRole('heading', { name: /Starta året igen/, level: 1 }).waitFor();
    expect(await main.innerText()).toContain('fortsätter det där det stoppades');
    await a11y.check(page, 'starta året igen, kontrollera');
    expect(stack.stepFunctions!.executions().map((e) => e.name)).toEqual([`cycle-${SMALL_YEAR}`]);

    await page.getByRole('button', { name: 'Starta året igen' }).click();
    await page.getByRole('heading', { name: 'Året är startat igen', level: 1 }).waitFor();
    expect(await main.innerText()).toContain(`Andelsår ${SMALL_YEAR}. Arbetsflödet fortsätter där det stoppades.`);
    await a11y.check(page, 'året är startat igen');
    expect(stack.stepFunctions!.executions().map((e) => e.name).sort()).toEqual([`cycle-${SMALL_YEAR}`, `cycle-${SMALL_YEAR}-2`]);

    await milestoneDone(call, 'publish');
    await page.getByRole('link', { name: 'Se året och kalendern' }).click();
    await page.getByRole('heading', { name: 'Läge' }).waitFor();
    expect(await main.innerText()).toMatch(/Arbetsflöde\s+Körs/);
    expect(await page.getByRole('heading', { name: 'Året har stoppats av ett fel' }).count()).toBe(0);
    await a11y.check(page, 'året, igång igen');
    expect(a11y.states).toHaveLength(4);
    await page.close();
  }, 120_000);
});
