/**
 * `npm run screenshots:web`: the README's screenshots of the web app (docs/screenshots/*.png),
 * taken in Chromium on a fresh local stack. The municipality: the local sign-in, Tierp's
 * start page, the proposal form with an error, "check your answers", the receipt, Uppsala's
 * answer form, the proposal with its history. The county: the board, a decision, the report
 * preview after the deadline. The administrator: the year with its timeline, an import preview,
 * the e-mails sent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureWebBuilt } from '../local/tools/web';
import { IMPORT_CSV, writeCsv } from '../shared/format/csv';
import { startTestStack, PROJECT_ROOT } from '../test/support/local-stack';
import { CLOSED_NOW, OPEN_NOW, YEAR, shareRows } from '../test/support/e2e';
import { startBrowser } from '../test/support/browser';
import { waitFor } from '../test/support/workflow';

const out = join(PROJECT_ROOT, 'docs/screenshots');
mkdirSync(out, { recursive: true });
await ensureWebBuilt(PROJECT_ROOT, (line) => console.log(line));
// The stack's own log lines are left out by the script's POWERTOOLS_LOG_LEVEL=WARN (package.json).
const stack = await startTestStack({ now: OPEN_NOW, quiet: true });
const browser = await startBrowser();
const shots: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'omfordelning-screenshots-'));

async function switchTo(page: Page, organisation: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.getByRole('button', { name: organisation }).click();
  await page.locator('.header__user').waitFor();
}

try {
  const admin = await stack.tokenFor({ role: 'admin' });
  await stack.request('PUT', `/v1/years/${YEAR}/shares`, { token: admin, json: { shares: shareRows(['03']) } });
  await stack.request('POST', `/v1/years/${YEAR}/cycle`, { token: admin });
  await stack.streams.idle();
  const page = await browser.page();
  await page.setViewportSize({ width: 1000, height: 800 });
  const shot = async (name: string) => {
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    shots.push(`docs/screenshots/${name}.png`);
  };
  await page.goto(`${stack.apiUrl}/`);
  await page.getByRole('button', { name: /^Tierp \(0360\)/ }).waitFor();
  await shot('logga-in');
  await page.getByRole('button', { name: /^Tierp \(0360\)/ }).click();
  await page.getByText('Sista dag för förslag:').waitFor();
  await shot('startsida');
  await page.getByRole('button', { name: 'Föreslå att ge en del av vår andel' }).click();
  await page.getByLabel('Vilken kommun ska ta emot andelen?').selectOption({ label: 'Uppsala' });
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('alert').waitFor();
  await shot('forslag-med-fel');
  await page.getByLabel('Hur stor del av andelen vill ni ge?').fill('0,5');
  await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/123 § 45');
  await page.getByLabel('Namn').fill('Anna Svensson');
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('button', { name: 'Skicka förslaget' }).waitFor();
  await shot('kontrollera');
  await page.getByRole('button', { name: 'Skicka förslaget' }).click();
  await page.getByRole('heading', { name: 'Förslaget är skickat' }).waitFor();
  await shot('kvitto');
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.getByRole('button', { name: /^Uppsala \(0380\)/ }).click();
  await page.getByRole('button', { name: 'Svara på förslaget från Tierp' }).click();
  await page.getByLabel('Ja, vi samtycker').waitFor();
  await shot('svara');
  await page.getByLabel('Ja, vi samtycker').check();
  await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/200');
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('button', { name: 'Skicka svaret' }).click();
  await page.getByRole('heading', { name: 'Ni har samtyckt till förslaget' }).waitFor();

  await switchTo(page, /^Tierp \(0360\)/);
  await page.getByRole('link', { name: 'Visa förslaget' }).click();
  await page.getByRole('heading', { name: 'Förslagets historik' }).waitFor();
  await page.locator('.history li').nth(1).waitFor();
  await shot('forslagets-historik');

  await switchTo(page, /^Länsstyrelsen i Uppsala län/);
  await page.getByRole('heading', { name: 'Att besluta (1)' }).waitFor();
  await shot('lanets-forslag');
  await page.getByRole('link', { name: 'Besluta om förslaget från Tierp' }).click();
  await page.getByLabel('Godkänn förslaget').check();
  await shot('besluta');
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('button', { name: 'Skicka beslutet' }).click();
  await page.getByRole('heading', { name: 'Förslaget är godkänt' }).waitFor();

  await switchTo(page, /^Administratör/);
  await page.getByRole('heading', { name: 'Länsrapporter' }).waitFor();
  await page.locator('ol.timeline > li').nth(5).waitFor();
  await shot('aret');
  await page.getByRole('link', { name: 'Läs in andelar från en fil' }).click();
  const rows = shareRows(['03']).map((r) => [r.municipality, String(r.perMille)]);
  rows[2] = [rows[2]![0]!, '1,2345'];
  const file = join(dir, 'andelar.csv');
  writeFileSync(file, writeCsv([['municipality_code', 'per_mille'], ...rows], IMPORT_CSV));
  await page.getByLabel('CSV-fil med andelarna').setInputFiles(file);
  await page.locator('.table__row--error').waitFor();
  await shot('las-in-andelar');
  await page.goto(`${stack.apiUrl}/e-post`);
  await page.locator('main table').waitFor();
  await shot('e-post');

  await stack.setClock(CLOSED_NOW);
  await waitFor('the window to close', async () => (await stack.request('GET', `/v1/years/${YEAR}/cycle`, { token: admin })).body.phase === 'CLOSED');
  await switchTo(page, /^Länsstyrelsen i Uppsala län/);
  await page.goto(`${stack.apiUrl}/rapport`);
  await page.locator('#share-table').waitFor();
  await shot('lansrapport');
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`Skärmbilder: ${shots.join(', ')}`);
