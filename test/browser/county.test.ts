/**
 * The county's pages in a real browser (Chromium through playwright-core) against the local
 * stack: the board with what is to be decided first; reject (a reason is required, the
 * message at the field) and approve (with the keyboard alone); the report refused while the
 * window is open; after the deadline the preview (before and after for every municipality,
 * the totals unchanged), submitting it, the CSV download; the audit with the person.
 * axe-core on every page and state.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CLOSED_NOW, OPEN_NOW, YEAR, shareOf, shareRows } from '../support/e2e';
import { accessibilityChecks, arrive, startBrowser, tabTo, type TestBrowser } from '../support/browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { ALVKARLEBY, ENKOPING, HABO, HEBY, KNIVSTA, OSTHAMMAR, TIERP, UPPSALA } from '../support/places';
import { waitFor } from '../support/workflow';
import { municipalitiesOf } from '../../shared/reference';
import { formatPerMille } from '../../web/src/format';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
const axe = accessibilityChecks();
const expectAccessible = (state: string) => axe.check(page, state);

const main = () => page.locator('main').innerText();
const round3 = (n: number) => Math.round(n * 1000) / 1000;

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  const admin = await stack.tokenFor({ role: 'admin' });
  expect((await stack.request('PUT', `/v1/years/${YEAR}/shares`, { token: admin, json: { shares: shareRows(['03']) } })).status).toBe(200);
  expect([200, 201, 202]).toContain((await stack.request('POST', `/v1/years/${YEAR}/cycle`, { token: admin })).status);
  const as = (municipality: string) => stack.tokenFor({ role: 'municipality', municipality });
  const send = async (method: string, path: string, token: string, json?: unknown) => {
    const res = await stack.request(method, `/v1/years/${YEAR}/proposals${path}`, { token, ...(json !== undefined && { json }) });
    expect(res.status, res.text.slice(0, 300)).toBeLessThan(300);
  };
  // Tierp → Uppsala and Heby → Enköping: agreed (to be decided).
  await send('POST', '', await as(TIERP), { receiver: UPPSALA, perMille: 0.5, decisionReference: 'KS 2027/123 § 45' });
  await send('POST', `/${TIERP}/consent`, await as(UPPSALA), { accept: true, decisionReference: 'KS 2027/200' });
  await send('POST', '', await as(HEBY), { receiver: ENKOPING, perMille: 0.25 });
  await send('POST', `/${HEBY}/consent`, await as(ENKOPING), { accept: true });
  // Östhammar → Knivsta awaits the receiver; Älvkarleby → Håbo was declined.
  await send('POST', '', await as(OSTHAMMAR), { receiver: KNIVSTA, perMille: 0.1 });
  await send('POST', '', await as(ALVKARLEBY), { receiver: HABO, perMille: 0.2 });
  await send('POST', `/${ALVKARLEBY}/consent`, await as(HABO), { accept: false });
  browser = await startBrowser();
  page = await browser.page();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const stored = async (giver: string) => (await stack.request('GET', `/v1/years/${YEAR}/proposals/${giver}`, { token: await stack.tokenFor({ role: 'admin' }) })).body as { status: string; decision?: { reason?: string } };

describe('the county in the browser', () => {
  it('signs in as Länsstyrelsen i Uppsala län and sees the agreed proposals first', async () => {
    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('button', { name: /^Länsstyrelsen i Uppsala län/ }).click();
    await page.getByRole('heading', { name: /Länets förslag/, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Att besluta (2)' }).waitFor();
    const text = await main();
    const order = ['Att besluta (2)', 'Beslutade (0)', 'Väntar på mottagaren (1)', 'Avslutade (1)'].map((h) => text.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const toDecide = await page.locator('section').first().innerText();
    expect(toDecide).toContain('Tierp');
    expect(toDecide).toContain('Heby');
    expect(toDecide).toContain('0,5 promille');
    expect(toDecide).toContain('Uppsala: KS 2027/200');
    expect(toDecide).toContain('Tierp: KS 2027/123 § 45');
    await expectAccessible('länets förslag');
  });

  it('rejects Tierp → Uppsala: without a reason the message is at the reason field; with one, the confirmation', async () => {
    await page.getByRole('link', { name: 'Besluta om förslaget från Tierp' }).click();
    await page.getByRole('heading', { name: /Besluta om förslaget från Tierp till Uppsala/, level: 1 }).waitFor();
    await expectAccessible('beslutsformuläret');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('alert').getByText('Välj om länsstyrelsen godkänner eller avslår förslaget.').waitFor();
    await expectAccessible('beslutsformuläret utan val');
    await page.getByLabel('Avslå förslaget').check();
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    const error = page.locator('#reason-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('Ett avslag ska motiveras.');
    expect(await page.title()).toMatch(/^Fel: /);
    await expectAccessible('beslutsformuläret, avslag utan motivering');
    await page.getByLabel('Motivering').fill('Uppsala saknar platser under året.');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('heading', { name: /Kontrollera beslutet/, level: 1 }).waitFor();
    expect(await main()).toContain('Uppsala saknar platser under året.');
    await expectAccessible('kontrollera beslutet');
    await page.getByRole('button', { name: 'Skicka beslutet' }).click();
    await page.getByRole('heading', { name: 'Förslaget är avslaget' }).waitFor();
    expect(await main()).toContain('Förslaget från Tierp till Uppsala.');
    await expectAccessible('kvitto på avslaget');
    expect(await stored(TIERP)).toMatchObject({ status: 'REJECTED', decision: { reason: 'Uppsala saknar platser under året.' } });
  });

  it('approves Heby → Enköping with the keyboard alone: Tab, Space and Enter', async () => {
    await page.getByRole('link', { name: 'Tillbaka till länets förslag' }).click();
    await page.getByRole('heading', { name: 'Att besluta (1)' }).waitFor();
    await arrive(page, /Länets förslag/);
    await tabTo(page, `document.activeElement?.textContent === 'Besluta om förslaget från Heby'`);
    await page.keyboard.press('Enter');
    await arrive(page, /Besluta om förslaget från Heby/);
    await tabTo(page, `document.activeElement?.id === 'outcome'`);
    await page.keyboard.press('Space');
    expect(await page.isChecked('#outcome')).toBe(true);
    await tabTo(page, `document.activeElement?.textContent === 'Fortsätt'`);
    await page.keyboard.press('Enter');
    await arrive(page, /Kontrollera beslutet/);
    await tabTo(page, `document.activeElement?.textContent === 'Skicka beslutet'`);
    await page.keyboard.press('Space');
    await page.getByRole('heading', { name: 'Förslaget är godkänt' }).waitFor();
    expect((await stored(HEBY)).status).toBe('APPROVED');
  });

  it('changes a decision before the report: Tierp → Uppsala from rejected to approved', async () => {
    await page.getByRole('link', { name: 'Tillbaka till länets förslag' }).click();
    await page.getByRole('heading', { name: 'Beslutade (2)' }).waitFor();
    await page.getByRole('link', { name: 'Ändra beslutet om förslaget från Tierp' }).click();
    await page.getByRole('heading', { name: /Besluta om förslaget från Tierp/, level: 1 }).waitFor();
    expect(await main()).toContain('Nuvarande beslut');
    expect(await main()).toContain('Ett nytt beslut ersätter det nuvarande.');
    // The proposal's history, as the municipalities read it: the proposal, the consent and the rejection.
    const history = page.getByRole('region', { name: 'Förslagets historik' });
    const steps = (await history.locator('ol > li').allInnerTexts()).map((t) => t.split('\n').map((l) => l.trim()).filter(Boolean).slice(1));
    expect(steps).toEqual([
      ['Lämnade förslaget: 0,5 promille till Uppsala (0380)', 'Handläggare (Tierp), Tierp (0360)', 'Beslutets diarienummer: KS 2027/123 § 45'],
      ['Samtyckte', 'Handläggare (Uppsala), Uppsala (0380)', 'Beslutets diarienummer: KS 2027/200'],
      ['Avslog: Uppsala saknar platser under året.', 'Handläggare (Länsstyrelsen i Uppsala län), Länsstyrelsen i Uppsala län'],
    ]);
    expect(await history.locator('ol > li time').first().innerText()).toMatch(/^1 september 2027 kl\. 12:\d{2}$/);
    await expectAccessible('ändra beslutet');
    await page.getByLabel('Godkänn förslaget').check();
    await page.getByLabel('Motivering').fill('');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('button', { name: 'Skicka beslutet' }).click();
    await page.getByRole('heading', { name: 'Förslaget är godkänt' }).waitFor();
    expect((await stored(TIERP)).status).toBe('APPROVED');
  });

  it('refuses the report in Swedish while the window is open', async () => {
    await page.goto(`${stack.apiUrl}/rapport`);
    await page.getByRole('heading', { name: /Förhandsgranska länsrapporten/, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Lämna länsrapporten' }).click();
    await page.getByRole('alert').getByText('Perioden för förslag har inte stängt ännu.').waitFor();
    await expectAccessible('länsrapporten vägrad');
  });

  it('after the deadline previews every municipality before and after with the totals, submits and downloads the CSV', async () => {
    expect((await stack.request('POST', '/_local/clock', { json: { now: CLOSED_NOW } })).status).toBeLessThan(300);
    const admin = await stack.tokenFor({ role: 'admin' });
    await waitFor('the window to close', async () => (await stack.request('GET', `/v1/years/${YEAR}/cycle`, { token: admin })).body.phase === 'CLOSED');
    await page.goto(`${stack.apiUrl}/rapport`);
    await page.getByRole('heading', { name: /Förhandsgranska länsrapporten/, level: 1 }).waitFor();
    await page.locator('#share-table').waitFor();
    const rows = page.locator('#share-table tbody tr');
    expect(await rows.count()).toBe(municipalitiesOf('03').length);
    const row = async (name: string) => (await page.locator('#share-table tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) }).innerText()).split('\t').map((s) => s.trim());
    expect(await row('Heby')).toEqual(['Heby', formatPerMille(shareOf(HEBY)), '0,25 promille', '0 promille', formatPerMille(round3(shareOf(HEBY) - 0.25))]);
    expect(await row('Enköping')).toEqual(['Enköping', formatPerMille(shareOf(ENKOPING)), '0 promille', '0,25 promille', formatPerMille(round3(shareOf(ENKOPING) + 0.25))]);
    expect((await row('Tierp'))[4]).toBe(formatPerMille(round3(shareOf(TIERP) - 0.5)));
    expect((await row('Uppsala'))[4]).toBe(formatPerMille(round3(shareOf(UPPSALA) + 0.5)));
    // Declined: Älvkarleby is unchanged.
    expect((await row('Älvkarleby'))[4]).toBe(formatPerMille(shareOf(ALVKARLEBY)));
    const total = formatPerMille(round3(municipalitiesOf('03').reduce((s, m) => s + shareOf(m.code), 0)));
    const foot = (await page.locator('#share-table tfoot tr').innerText()).split('\t').map((s) => s.trim()).filter(Boolean);
    expect(foot).toEqual(['Länet totalt', total, total]);
    // The chart: bars sized through element.style (no inline style attributes under the CSP), hidden from screen readers.
    const widths = await page.locator('.chart__bar--after').evaluateAll((bars) => bars.map((b) => (b as unknown as { style: { width: string } }).style.width));
    expect(widths).toHaveLength(municipalitiesOf('03').length);
    expect(widths.every((w) => /%$/.test(w))).toBe(true);
    await expectAccessible('förhandsgranskning av länsrapporten');

    await page.getByRole('button', { name: 'Lämna länsrapporten' }).click();
    await page.getByRole('heading', { name: 'Länsrapporten är inlämnad' }).waitFor();
    await expectAccessible('kvitto på länsrapporten');
    await page.getByRole('link', { name: 'Visa länsrapporten' }).click();
    await page.getByRole('heading', { name: / Länsrapporten$/, level: 1 }).waitFor();
    expect(await main()).toContain('Inlämnad');
    await expectAccessible('den inlämnade länsrapporten');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner rapporten som CSV-fil' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^lansrapport-2028-03.*\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain(';');

    // Decisions are final once the report is in.
    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: /Länets förslag/, level: 1 }).waitFor();
    await page.getByText('Länsrapporten:').waitFor();
    expect(await main()).toContain('Länsrapporten: inlämnad');
    expect(await page.getByRole('link', { name: /Ändra beslutet/ }).count()).toBe(0);
    await expectAccessible('länets förslag efter rapporten');
  });

  it('shows the audit with times in Stockholm time, the person and the organisation', async () => {
    await page.getByRole('link', { name: 'Visa händelser i länet' }).click();
    await page.getByRole('heading', { name: /Händelser i länet/, level: 1 }).waitFor();
    await page.locator('main table').waitFor();
    const person = (await page.locator('.header__user span').innerText()).split(',')[0]!.trim();
    const text = await main();
    expect(text).toContain('Tierp föreslog att ge 0,5 promille till Uppsala');
    expect(text).toContain('Länsstyrelsen avslog förslaget från Tierp: Uppsala saknar platser under året.');
    expect(text).toContain('Länsstyrelsen godkände förslaget från Heby');
    expect(text).toContain('Länsstyrelsen godkände förslaget från Tierp');
    expect(text).toContain('Länsstyrelsen lämnade länsrapporten');
    const decided = await page.locator('tr', { hasText: 'Länsstyrelsen godkände förslaget från Heby' }).innerText();
    expect(decided).toContain(person);
    expect(decided).toContain('Länsstyrelsen i Uppsala län');
    expect(decided).toMatch(/\d{1,2} [a-z]+ 2027 kl\. \d{2}:\d{2}/);
    expect(text).toContain('Tierp (0360)');
    await expectAccessible('händelser i länet');
  });

  it('ran axe on every page and state', () => {
    expect(axe.states.length).toBeGreaterThanOrEqual(13);
  });
});
