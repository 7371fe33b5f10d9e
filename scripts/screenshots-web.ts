/**
 * `npm run screenshots:web`: the README's screenshots of the web app (docs/screenshots/*.png),
 * taken in Chromium on a fresh local stack: the local sign-in, Tierp's start page, the
 * proposal form with an error, "check your answers", the receipt, and Uppsala's answer form.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWebBuilt } from '../local/web';
import { startTestStack, PROJECT_ROOT } from '../test/support/local-stack';
import { OPEN_NOW, YEAR, shareRows } from '../test/support/e2e';
import { startBrowser } from '../test/support/browser';

const out = join(PROJECT_ROOT, 'docs/screenshots');
mkdirSync(out, { recursive: true });
await ensureWebBuilt(PROJECT_ROOT, (line) => console.log(line));
const log = console.log;
console.log = () => {}; // the workflow's JSON log lines
const stack = await startTestStack({ now: OPEN_NOW, quiet: true });
const browser = await startBrowser();
const shots: string[] = [];
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
} finally {
  await browser.close();
  await stack.stop();
  console.log = log;
}
console.log(`Skärmbilder: ${shots.join(', ')}`);
