/**
 * The administrator's pages in a real browser (Chromium through playwright-core) against a
 * local stack of its own, before publication: import the example shares from a CSV file (a bad
 * row is shown in the preview and nothing is written), import, start the year, see the phase
 * and the timeline, move the deadline a week later (consequences, confirm, new deadline and
 * reminders), and a refusal (a time already passed) at its field; then the e-mails the year has
 * sent: none before publication, every publication notice after it (a page at a time, by
 * county). axe-core on every page and state.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { exampleShares } from '../../local/tools/example-data';
import { toPerMille } from '../../shared/domain/per-mille';
import { IMPORT_CSV, writeCsv } from '../../shared/format/csv';
import { YEAR } from '../support/e2e';
import { accessibilityChecks, startBrowser, type TestBrowser } from '../support/browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { waitFor } from '../support/workflow';

/** Before publication of 2028 (16 Aug 2027 09:00): 1 July 2027 12:00 in Stockholm. */
const BEFORE_PUBLICATION = '2027-07-01T10:00:00Z';

let stack: TestStack;
let browser: TestBrowser;
let dir: string;

const expectAccessible = (page: Page, state: string) => accessibilityChecks().check(page, state);

/** The example shares as `npm run -s example-shares` prints them (decimal point). */
function exampleCsv(): string {
  const rows = Object.entries(exampleShares())
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, milli]) => [code, toPerMille(milli)]);
  return writeCsv([['municipality_code', 'per_mille'], ...rows], IMPORT_CSV);
}

beforeAll(async () => {
  stack = await startTestStack({ now: BEFORE_PUBLICATION });
  browser = await startBrowser();
  dir = mkdtempSync(join(tmpdir(), 'omfordelning-admin-'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the administrator in the browser', () => {
  it('imports the shares from a file (a bad row first), starts the year and moves the deadline', async () => {
    const admin = await stack.tokenFor({ role: 'admin' });
    const page = await browser.page();
    const main = page.locator('main');
    let text: string;
    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('button', { name: /^Administratör/ }).click();

    // The year before it has started.
    await page.getByRole('heading', { name: /Året/, level: 1 }).waitFor();
    await page.getByText('Andelsår 2028').waitFor();
    expect(await main.innerText()).toContain('Inga andelar har lästs in för året.');
    await page.getByRole('heading', { name: 'Året har inte startat' }).waitFor();
    await expectAccessible(page, 'året, inte startat');

    // A file with a bad row: shown in the preview, and nothing is written.
    await page.getByRole('link', { name: 'Läs in andelar från en fil' }).click();
    await page.getByRole('heading', { name: /Läs in preliminära andelar/, level: 1 }).waitFor();
    await expectAccessible(page, 'läs in andelar');
    const good = exampleCsv();
    const lines = good.trimEnd().split('\n');
    const badLines = [...lines];
    badLines[3] = `${lines[3]!.split(',')[0]},1,2345`; // a decimal comma with four decimals
    badLines[5] = '9999,0.5'; // no such municipality
    const bad = join(dir, 'andelar-fel.csv');
    writeFileSync(bad, `${badLines.join('\n')}\n`);
    await page.getByLabel('CSV-fil med andelarna').setInputFiles(bad);
    const summary = page.getByRole('alert');
    await summary.getByText(/^Rad 4: /).waitFor();
    expect(await summary.innerText()).toContain('Rad 6: Kommunkoden 9999 finns inte.');
    expect(await main.innerText()).toContain('2 rader med fel.');
    expect(await page.locator('.table__row--error').count()).toBe(2);
    expect(await page.title()).toMatch(/^Fel: /);
    await expectAccessible(page, 'förhandsgranskning med fel');
    await page.getByRole('button', { name: 'Läs in' }).click();
    await summary.getByText(/^Rad 4: /).waitFor();
    const none = await stack.request('GET', `/v1/years/${YEAR}/shares`, { token: admin });
    expect(none.status).toBe(200);
    expect((none.body as { shares: unknown[] }).shares).toEqual([]);

    // Fixed (decimal comma on one row, as a Swedish spreadsheet writes it): preview without errors, import.
    const fixed = [...lines];
    fixed[3] = `${lines[3]!.split(',')[0]},"${lines[3]!.split(',')[1]!.replace('.', ',')}"`;
    const file = join(dir, 'andelar.csv');
    writeFileSync(file, `${fixed.join('\n')}\n`);
    await page.getByLabel('CSV-fil med andelarna').setInputFiles(file);
    await page.getByText(`${lines.length - 1} rader, 21 län. Inga fel.`).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectAccessible(page, 'förhandsgranskning utan fel');
    await page.getByRole('button', { name: 'Läs in' }).click();
    await page.getByRole('heading', { name: 'Andelarna är inlästa' }).waitFor();
    expect(await main.innerText()).toContain(`${lines.length - 1} kommuners preliminära andelar för andelsår 2028.`);
    await expectAccessible(page, 'andelarna är inlästa');
    const stored = await stack.request('GET', `/v1/years/${YEAR}/shares`, { token: admin });
    expect((stored.body as { shares: unknown[] }).shares.length).toBe(lines.length - 1);

    // Start the year, with a confirmation step.
    await page.getByRole('link', { name: 'Tillbaka till året' }).click();
    await page.getByRole('heading', { name: /Året/, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Starta året' }).click();
    await page.getByRole('heading', { name: /Starta året/, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Starta året' }).waitFor();
    text = await main.innerText();
    expect(text).toContain(`${lines.length - 1} kommuner`);
    expect(text).toContain('2 november 2027 kl. 23:59');
    await expectAccessible(page, 'starta året');
    const before = await stack.request('GET', `/v1/years/${YEAR}/cycle`, { token: admin });
    expect((before.body as { workflow: { status: string } }).workflow.status).toBe('NOT_STARTED');
    await page.getByRole('button', { name: 'Starta året' }).click();
    await page.getByRole('heading', { name: 'Året är startat' }).waitFor();
    await expectAccessible(page, 'året är startat');

    // The year: phase, timeline in Stockholm time, counties' reports.
    await page.getByRole('link', { name: 'Se året och kalendern' }).click();
    await page.getByRole('heading', { name: 'Länsrapporter' }).waitFor();
    text = await main.innerText();
    expect(text).toContain('Planerat: perioden för förslag har inte öppnat än');
    const timeline = page.locator('ol.timeline > li');
    await expect.poll(() => timeline.count()).toBeGreaterThanOrEqual(7);
    const items = await timeline.allInnerTexts();
    expect(items[0]).toMatch(/Publicering: perioden för förslag öppnar\s+16 augusti 2027 kl\. 09:00\s+Nästa/);
    expect(items.find((i) => i.startsWith('Sista dag'))).toMatch(/2 november 2027 kl\. 23:59\s+Senare/);
    expect(items.filter((i) => i.startsWith('Påminnelse'))).toHaveLength(2);
    expect(items.find((i) => i.startsWith('Länsrapporterna lämnas senast'))).toMatch(/15 november 2027 kl\. 09:00/);
    expect(text).toContain('Körs');
    expect(text).toMatch(/19 oktober 2027 kl\. 09:00/);
    expect(text).toMatch(/29 oktober 2027 kl\. 09:00/);
    expect(text).toContain('Uppsala');
    expect(text).toContain('Inte inlämnad');
    expect(text).toContain('Följer sista dag för förslag');
    await expectAccessible(page, 'året, startat');

    // Move the deadline a week later: consequences, confirm, the new deadline and reminders.
    await page.getByRole('link', { name: 'Flytta en tidpunkt' }).click();
    await page.getByRole('heading', { name: /Flytta en tidpunkt/, level: 1 }).waitFor();
    await page.getByLabel('Vilken tidpunkt ska flyttas?').waitFor();
    await expectAccessible(page, 'flytta en tidpunkt');
    await page.getByLabel('Vilken tidpunkt ska flyttas?').selectOption('deadline');
    expect(await page.getByLabel('Nytt datum').inputValue()).toBe('2027-11-02');
    expect(await page.getByLabel('Ny tid').inputValue()).toBe('23:59');
    await page.getByLabel('Nytt datum').fill('2027-11-09');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('heading', { name: /Kontrollera flytten/, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Flytta tidpunkten' }).waitFor();
    text = await main.innerText();
    expect(text).toContain('2 november 2027 kl. 23:59');
    expect(text).toContain('9 november 2027 kl. 23:59');
    expect(text).toContain('Påminnelserna flyttas med');
    expect(text).toContain('Ingen har fått sista dagen än');
    await expectAccessible(page, 'kontrollera flytten');
    await page.getByRole('button', { name: 'Flytta tidpunkten' }).click();
    await page.getByRole('heading', { name: 'Tidpunkten är flyttad' }).waitFor();
    text = await main.innerText();
    expect(text).toContain('Sista dag för förslag: 9 november 2027 kl. 23:59.');
    // 14 and 3 days before 9 November: Tue 26 October and Sat 6 November → Fri 5 November.
    expect(text).toContain('26 oktober 2027 kl. 09:00');
    expect(text).toContain('5 november 2027 kl. 09:00');
    await expectAccessible(page, 'tidpunkten är flyttad');
    const cycle = await stack.request('GET', `/v1/years/${YEAR}/cycle`, { token: admin });
    expect((cycle.body as { calendar: { deadline: string } }).calendar.deadline).toBe('2027-11-09T22:59:59Z');

    await page.getByRole('link', { name: 'Se året och kalendern' }).click();
    await page.getByRole('heading', { name: 'Länsrapporter' }).waitFor();
    const moved = await timeline.allInnerTexts();
    expect(moved.find((i) => i.startsWith('Sista dag'))).toMatch(/9 november 2027 kl\. 23:59/);
    expect(moved.filter((i) => i.startsWith('Påminnelse')).join('\n')).toMatch(/26 oktober 2027 kl\. 09:00[\s\S]*5 november 2027 kl\. 09:00/);
    await expectAccessible(page, 'året efter flytten');

    // A time already passed: the API's Swedish refusal at the date field.
    await page.getByRole('link', { name: 'Flytta en tidpunkt' }).click();
    await page.getByRole('heading', { name: /Flytta en tidpunkt/, level: 1 }).waitFor();
    await page.getByLabel('Vilken tidpunkt ska flyttas?').selectOption('deadline');
    await page.getByLabel('Nytt datum').fill('2027-06-01');
    await page.getByLabel('Ny tid').fill('12:00');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('heading', { name: /Kontrollera flytten/, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Flytta tidpunkten' }).click();
    await page.getByRole('heading', { name: /Flytta en tidpunkt/, level: 1 }).waitFor();
    const message = 'Sista svarsdag kan inte flyttas till en tidpunkt som redan har passerats.';
    await page.locator('#date-error').getByText(message, { exact: false }).waitFor();
    await page.getByRole('alert').getByRole('link', { name: message }).waitFor();
    expect(await page.getAttribute('#date', 'aria-invalid')).toBe('true');
    expect(await page.title()).toMatch(/^Fel: /);
    await expectAccessible(page, 'flytta med fel');
    const after = await stack.request('GET', `/v1/years/${YEAR}/cycle`, { token: admin });
    expect((after.body as { calendar: { deadline: string } }).calendar.deadline).toBe('2027-11-09T22:59:59Z');

    // A form error in the browser (no time).
    await page.getByLabel('Ny tid').fill('');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('alert').getByText('Ange en tid i timmar och minuter, till exempel 23:59.').waitFor();
    await expectAccessible(page, 'flytta utan tid');
    await page.close();
  }, 120_000);

  it('imports e-mail contacts from a JSON file with a preview (a bad address first)', async () => {
    const page = await browser.page();
    const main = page.locator('main');
    await page.goto(`${stack.apiUrl}/kontakter`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('button', { name: /^Administratör/ }).click();
    await page.getByRole('heading', { name: /Läs in e-postkontakter/, level: 1 }).waitFor();
    await expectAccessible(page, 'läs in kontakter');

    const bad = join(dir, 'kontakter-fel.json');
    writeFileSync(bad, JSON.stringify({ municipalities: { '0360': { emails: ['registrator(at)tierp.se'] } } }));
    await page.getByLabel('JSON-fil med kontakterna').setInputFiles(bad);
    await page.getByRole('alert').getByText('Tierp (0360) (emails.0) är inte en giltig e-postadress.').waitFor();
    await expectAccessible(page, 'kontakter med fel');

    const file = join(dir, 'kontakter.json');
    writeFileSync(file, JSON.stringify({ municipalities: { '0360': { emails: ['registrator@tierp.se', 'handlaggare@tierp.se'] } }, counties: { '03': { mailbox: 'uppsala@lansstyrelsen.se', officers: ['anna@lansstyrelsen.se'] } } }));
    await page.getByLabel('JSON-fil med kontakterna').setInputFiles(file);
    await page.getByText('Förhandsgranskning av kontakter.json').waitFor();
    const text = await main.innerText();
    expect(text).toContain('registrator@tierp.se, handlaggare@tierp.se');
    expect(text).toContain('Funktionsbrevlåda uppsala@lansstyrelsen.se; handläggare: anna@lansstyrelsen.se');
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectAccessible(page, 'kontakter förhandsgranskade');
    await page.getByRole('button', { name: 'Läs in' }).click();
    await page.getByRole('heading', { name: 'Kontakterna är inlästa' }).waitFor();
    expect(await main.innerText()).toContain('2 mottagare har fått nya adresser.');
    await expectAccessible(page, 'kontakterna är inlästa');
    await page.close();
  }, 60_000);

  it('lists the e-mails the year has sent: none before publication, then every publication notice, by county', async () => {
    const admin = await stack.tokenFor({ role: 'admin' });
    const page = await browser.page();
    const main = page.locator('main');
    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('button', { name: /^Administratör/ }).click();
    await page.getByRole('link', { name: 'Skickade e-postmeddelanden' }).click();
    await page.getByRole('heading', { name: /Skickade e-postmeddelanden/, level: 1 }).waitFor();
    await page.getByText('Inga e-postmeddelanden har skickats för andelsår 2028 än.').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    await expectAccessible(page, 'skickad e-post, ingen');

    // Publication (16 August 2027 09:00): the workflow tells all 290 municipalities.
    await stack.setClock('2027-08-16T07:00:05Z');
    const municipalities = exampleCsv().trimEnd().split('\n').length - 1;
    await waitFor(
      'every publication notice in the list',
      async () => (await stack.request('GET', `/v1/years/${YEAR}/mails?limit=500`, { token: admin })).body.mails.length === municipalities,
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    await page.reload();
    const rows = page.locator('tbody > tr');
    await page.getByRole('table', { name: 'Skickade e-postmeddelanden, de senaste först (svensk tid)' }).waitFor();
    expect(await page.getByRole('columnheader').allInnerTexts()).toEqual(['Skickat', 'Till', 'Ämne']);
    expect(await rows.count()).toBe(100);
    await page.getByText('Visar de 100 senaste meddelandena.').waitFor();
    const first = await rows.first().innerText();
    expect(first).toContain('16 augusti 2027 kl. 09:00');
    expect(first).toContain('Omfördelning 2028: preliminära anvisningsandelar är publicerade');
    await expectAccessible(page, 'skickad e-post, första sidan');
    await page.getByRole('button', { name: 'Visa fler meddelanden' }).click();
    await page.getByText('Visar de 200 senaste meddelandena.').waitFor();
    await page.getByRole('button', { name: 'Visa fler meddelanden' }).click();
    await page.getByText(`Visar alla ${municipalities} meddelanden.`).waitFor();
    expect(await rows.count()).toBe(municipalities);
    expect(await page.getByRole('button', { name: 'Visa fler meddelanden' }).count()).toBe(0);
    // Tierp with the addresses imported above, each mail to the municipality named.
    const tierp = await rows.filter({ hasText: 'Tierp (0360)' }).innerText();
    expect(tierp).toContain('registrator@tierp.se');
    expect(tierp).toContain('handlaggare@tierp.se');
    expect(await rows.filter({ hasText: 'Stockholm (0180)' }).innerText()).toContain('kommun-0180@kommun.example.se');

    // Uppsala län only: its eight municipalities.
    await page.getByLabel('Län', { exact: true }).selectOption({ label: 'Uppsala län' });
    await page.getByRole('button', { name: 'Visa', exact: true }).click();
    await page.getByRole('table', { name: 'Skickade e-postmeddelanden om Uppsala län, de senaste först (svensk tid)' }).waitFor();
    expect(page.url()).toMatch(/\/e-post\?lan=03$/);
    await page.getByText('Visar alla 8 meddelanden.').waitFor();
    const uppsala = await rows.allInnerTexts();
    expect(uppsala).toHaveLength(8);
    expect(uppsala.every((r) => r.includes('preliminära anvisningsandelar är publicerade'))).toBe(true);
    expect(uppsala.filter((r) => r.includes('Tierp (0360)'))).toHaveLength(1);
    expect(await main.innerText()).not.toContain('Stockholm (0180)');
    await expectAccessible(page, 'skickad e-post, ett län');
    await page.close();
  }, 120_000);
});
