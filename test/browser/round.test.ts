/**
 * A whole round through the pages alone, in a real browser (Chromium through playwright-core)
 * against a local stack of its own: the administrator imports the shares from a file and
 * starts the year; once it has opened, Tierp proposes to Uppsala, Uppsala consents, the county
 * rejects, Tierp amends, Uppsala consents again, the county approves; the deadline passes on
 * the local clock; the county submits its report; at the final shares' date each
 * municipality's page shows its final share. The clock is moved on the local stack's own clock
 * page; the workflow's steps are awaited as a user would, by reloading.
 * axe-core on every page in every state the round passes through.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { IMPORT_CSV, writeCsv } from '../../shared/format/csv';
import { municipalitiesOf } from '../../shared/reference';
import { formatInstant, formatPerMille } from '../../web/src/format';
import { stockholmFields } from '../../web/src/stockholm';
import { CLOSED_NOW, OPEN_NOW, YEAR, shareOf, shareRows } from '../support/e2e';
import { accessibilityChecks, startBrowser, type TestBrowser } from '../support/browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { TIERP, UPPSALA } from '../support/places';

/** Before publication of 2028 (16 Aug 2027 09:00): 1 July 2027 12:00 in Stockholm. */
const BEFORE_PUBLICATION = '2027-07-01T10:00:00Z';
/** After the final shares' date of 2028 (15 Dec 2027 09:00 in Stockholm). */
const AFTER_FINALIZE = '2027-12-15T09:00:00Z';

let stack: TestStack;
let browser: TestBrowser;
let page: Page;
let dir: string;
const axe = accessibilityChecks();
const expectAccessible = (state: string) => axe.check(page, state);

const main = () => page.locator('main').innerText();
const heading = async (name: string | RegExp) => {
  try {
    await page.getByRole('heading', { name }).waitFor();
  } catch (error) {
    throw new Error(`no heading ${name} at ${page.url()}: ${JSON.stringify((await main()).slice(0, 600))}`, { cause: error });
  }
};

/** Signs out whoever is signed in (the header's button), then in as `organisation` from the local list. */
async function signInAs(organisation: string): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  const signOut = page.getByRole('button', { name: 'Logga ut' });
  await Promise.race([signOut.waitFor(), heading('Logga in')]);
  if (await signOut.isVisible()) await signOut.click();
  await heading('Logga in');
  await page.getByRole('button', { name: new RegExp(`^${organisation.replace(/[()]/g, '\\$&')}`) }).click();
  try {
    await page.locator('.header__user', { hasText: organisation }).waitFor();
  } catch (error) {
    throw new Error(`not signed in as ${organisation} at ${page.url()}: ${JSON.stringify((await main()).slice(0, 600))}`, { cause: error });
  }
}

/** Reloads the page until its main content contains `text` (the workflow works in the background). */
async function reloadUntil(text: string | RegExp, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const content = await main();
    if (typeof text === 'string' ? content.includes(text) : text.test(content)) return;
    if (Date.now() > deadline) throw new Error(`never saw ${what}; the page says:\n${content}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.reload();
    await page.locator('[data-page-heading]').waitFor();
    await page.waitForLoadState('networkidle');
  }
}

/** Moves the local stack's clock on its page (linked from every page's footer), as a tester would. */
async function moveClock(now: string): Promise<void> {
  await page.getByRole('link', { name: 'flytta klockan' }).click();
  await heading(/Klockan i testmiljön/);
  await expectAccessible(`klockan före ${now}`);
  const { date, time } = stockholmFields(now);
  await page.getByLabel('Nytt datum').fill(date);
  await page.getByLabel('Ny tid').fill(time);
  await page.getByRole('button', { name: 'Flytta klockan' }).click();
  await heading('Klockan är flyttad');
  expect(await main()).toContain(`Nu är det ${formatInstant(now)} i testmiljön.`);
  // The local clock runs on from where it was set.
  const stands = Date.parse((await stack.request('GET', '/_local/clock')).body.now) - Date.parse(now);
  expect(stands).toBeGreaterThanOrEqual(0);
  expect(stands).toBeLessThan(60_000);
  await expectAccessible(`klockan flyttad till ${now}`);
}

beforeAll(async () => {
  stack = await startTestStack({ now: BEFORE_PUBLICATION });
  browser = await startBrowser();
  page = await browser.page();
  dir = mkdtempSync(join(tmpdir(), 'omfordelning-round-'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a whole round through the pages', () => {
  it('the administrator imports the shares of Uppsala län from a file and starts the year', async () => {
    await signInAs('Administratör');
    await heading(/Året/);
    await expectAccessible('administratör: året innan start');
    await page.getByRole('link', { name: 'Läs in andelar från en fil' }).click();
    await heading(/Läs in preliminära andelar/);
    const rows = shareRows(['03']).map((r) => [r.municipality, String(r.perMille).replace('.', ',')]);
    const file = join(dir, 'andelar-uppsala-lan.csv');
    writeFileSync(file, writeCsv([['municipality_code', 'per_mille'], ...rows], IMPORT_CSV));
    await page.getByLabel('CSV-fil med andelarna').setInputFiles(file);
    await page.getByText(`${rows.length} rader, 1 län. Inga fel.`).waitFor();
    await expectAccessible('administratör: förhandsgranskning');
    await page.getByRole('button', { name: 'Läs in' }).click();
    await heading('Andelarna är inlästa');
    await expectAccessible('administratör: andelarna är inlästa');

    await page.getByRole('link', { name: 'Tillbaka till året' }).click();
    await page.getByRole('button', { name: 'Starta året' }).click();
    await heading(/Starta året/);
    await expectAccessible('administratör: starta året');
    await page.getByRole('button', { name: 'Starta året' }).click();
    await heading('Året är startat');
    await expectAccessible('administratör: året är startat');
  });

  it('opens at publication (the clock page refuses to go back, at its field)', async () => {
    await page.getByRole('link', { name: 'flytta klockan' }).click();
    await page.getByLabel('Nytt datum').fill('2027-01-01');
    await page.getByRole('button', { name: 'Flytta klockan' }).click();
    const error = page.locator('#date-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('Klockan kan bara flyttas framåt. Den är nu 1 juli 2027 kl. 12:');
    await expectAccessible('klockan, bakåt vägrat');
    await page.getByRole('link', { name: 'Tillbaka till startsidan' }).click();
    await moveClock(OPEN_NOW);
    await page.getByRole('link', { name: 'Till startsidan' }).click();
    await heading('Länsrapporter');
    await reloadUntil('Öppet: kommunerna kan lämna förslag', 'the year open');
    await expectAccessible('administratör: året öppet');
  });

  it('Tierp proposes 0,5 promille to Uppsala', async () => {
    await signInAs('Tierp (0360)');
    await heading(/Det här väntar på oss/);
    await expectAccessible('Tierp: start');
    await page.getByRole('button', { name: 'Föreslå att ge en del av vår andel' }).click();
    await heading(/Föreslå att ge en del av er andel/);
    await expectAccessible('Tierp: föreslå');
    await page.getByLabel('Vilken kommun ska ta emot andelen?').selectOption(UPPSALA);
    await page.getByLabel('Hur stor del av andelen vill ni ge?').fill('0,5');
    await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/123 § 45');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await heading(/Kontrollera ert förslag/);
    await expectAccessible('Tierp: kontrollera förslaget');
    await page.getByRole('button', { name: 'Skicka förslaget' }).click();
    await heading('Förslaget är skickat');
    await expectAccessible('Tierp: förslaget är skickat');
  });

  it('Uppsala consents', async () => {
    await signInAs('Uppsala (0380)');
    await heading(/Det här väntar på oss/);
    await expectAccessible('Uppsala: ett förslag att svara på');
    await page.getByRole('button', { name: 'Svara på förslaget från Tierp' }).click();
    await heading(/Svara på förslaget/);
    await expectAccessible('Uppsala: svara');
    await page.getByLabel('Ja, vi samtycker').check();
    await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/200');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await heading(/Kontrollera ert svar/);
    await expectAccessible('Uppsala: kontrollera svaret');
    await page.getByRole('button', { name: 'Skicka svaret' }).click();
    await heading('Ni har samtyckt till förslaget');
    await expectAccessible('Uppsala: samtyckt');
  });

  it('the county rejects it with a reason', async () => {
    await signInAs('Länsstyrelsen i Uppsala län');
    await heading('Att besluta (1)');
    await expectAccessible('länet: att besluta');
    await page.getByRole('link', { name: 'Besluta om förslaget från Tierp' }).click();
    await heading(/Besluta om förslaget från Tierp till Uppsala/);
    await expectAccessible('länet: besluta');
    await page.getByLabel('Avslå förslaget').check();
    await page.getByLabel('Motivering').fill('Uppsala har inte platser för en halv promille.');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await heading(/Kontrollera beslutet/);
    await page.getByRole('button', { name: 'Skicka beslutet' }).click();
    await heading('Förslaget är avslaget');
    await expectAccessible('länet: avslaget');
  });

  it('Tierp sees the rejection and amends the proposal to 0,4 promille', async () => {
    await signInAs('Tierp (0360)');
    await heading(/Det här väntar på oss/);
    await page.getByText('Avslaget', { exact: true }).waitFor();
    await expectAccessible('Tierp: start, avslaget');
    await page.getByRole('link', { name: 'Visa förslaget' }).click();
    await heading(/Förslag från Tierp till Uppsala/);
    expect(await main()).toContain('Uppsala har inte platser för en halv promille.');
    await expectAccessible('Tierp: det avslagna förslaget');
    await page.getByRole('button', { name: 'Ändra förslaget' }).click();
    await heading(/Ändra ert förslag/);
    await page.getByLabel('Hur stor del av andelen vill ni ge?').fill('0,4');
    await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/140');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await heading(/Kontrollera ert förslag/);
    await expectAccessible('Tierp: kontrollera det ändrade förslaget');
    await page.getByRole('button', { name: 'Skicka det ändrade förslaget' }).click();
    await heading('Det ändrade förslaget är skickat');
    await expectAccessible('Tierp: det ändrade förslaget är skickat');
  });

  it('Uppsala consents again', async () => {
    await signInAs('Uppsala (0380)');
    await page.getByText('0,4 promille').waitFor();
    await page.getByRole('button', { name: 'Svara på förslaget från Tierp' }).click();
    await page.getByLabel('Ja, vi samtycker').check();
    await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/210');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await heading(/Kontrollera ert svar/);
    await page.getByRole('button', { name: 'Skicka svaret' }).click();
    await heading('Ni har samtyckt till förslaget');
  });

  it('the county approves it', async () => {
    await signInAs('Länsstyrelsen i Uppsala län');
    await heading('Att besluta (1)');
    await page.locator('section').first().getByText('0,4 promille').waitFor();
    await page.getByRole('link', { name: 'Besluta om förslaget från Tierp' }).click();
    await heading(/Besluta om förslaget från Tierp till Uppsala/);
    await page.getByLabel('Godkänn förslaget').check();
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await heading(/Kontrollera beslutet/);
    await expectAccessible('länet: kontrollera godkännandet');
    await page.getByRole('button', { name: 'Skicka beslutet' }).click();
    await heading('Förslaget är godkänt');
    await expectAccessible('länet: godkänt');
  });

  it('the deadline passes and the county submits its report', async () => {
    await moveClock(CLOSED_NOW);
    await page.getByRole('link', { name: 'Till startsidan' }).click();
    await heading(/Länets förslag/);
    await reloadUntil('Perioden för förslag är stängd.', 'the window closed');
    await expectAccessible('länet: perioden stängd');
    await page.getByRole('link', { name: 'Förhandsgranska och lämna länsrapporten' }).click();
    await heading(/Förhandsgranska länsrapporten/);
    await page.locator('#share-table').waitFor();
    const row = async (name: string) =>
      (await page.locator('#share-table tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) }).innerText()).split('\t').map((s) => s.trim());
    expect((await row('Tierp'))[4]).toBe(formatPerMille(round3(shareOf(TIERP) - 0.4)));
    expect((await row('Uppsala'))[4]).toBe(formatPerMille(round3(shareOf(UPPSALA) + 0.4)));
    await expectAccessible('länet: förhandsgranskning av rapporten');
    await page.getByRole('button', { name: 'Lämna länsrapporten' }).click();
    await heading('Länsrapporten är inlämnad');
    await expectAccessible('länet: rapporten inlämnad');
  });

  it('at the final shares’ date each municipality sees its final share, and the year is done', async () => {
    await moveClock(AFTER_FINALIZE);
    await signInAs('Administratör');
    await heading('Länsrapporter');
    await reloadUntil('Klart: de slutliga andelarna är fastställda', 'the year final');
    await expectAccessible('administratör: året klart');
    await page.getByRole('link', { name: 'Skickade e-postmeddelanden' }).click();
    await page.locator('main table').waitFor();
    const mails = await main();
    expect(mails).toContain('länsstyrelsen har godkänt förslaget från Tierp (0360) till Uppsala (0380)');
    expect(mails).toContain('ändrat förslag från Tierp (0360) väntar på ert samtycke');
    await expectAccessible('administratör: skickade e-postmeddelanden');

    await signInAs('Tierp (0360)');
    await heading('Vår slutliga andel');
    let text = await main();
    expect(text).toContain(formatPerMille(round3(shareOf(TIERP) - 0.4)));
    expect(text).toContain(`Den preliminära andelen var ${formatPerMille(shareOf(TIERP))}; ni har gett 0,4 promille.`);
    expect(text).toContain('Godkänt');
    await expectAccessible('Tierp: slutlig andel');

    await signInAs('Uppsala (0380)');
    await heading('Vår slutliga andel');
    text = await main();
    expect(text).toContain(formatPerMille(round3(shareOf(UPPSALA) + 0.4)));
    expect(text).toContain('ni har tagit emot 0,4 promille.');
    await expectAccessible('Uppsala: slutlig andel');
    // Every other municipality of the county keeps its preliminary share.
    const others = municipalitiesOf('03').filter((m) => m.code !== TIERP && m.code !== UPPSALA);
    const shares = (await stack.request('GET', `/v1/years/${YEAR}/shares?county=03`, { token: await stack.tokenFor({ role: 'admin' }) })).body as {
      shares: { municipality: string; finalPerMille: number }[];
    };
    for (const m of others) expect(shares.shares.find((s) => s.municipality === m.code)?.finalPerMille).toBe(shareOf(m.code));
  });

  it('ran axe on every page and state of the round', () => {
    expect(axe.states.length).toBeGreaterThanOrEqual(30);
  });
});

const round3 = (n: number) => Math.round(n * 1000) / 1000;
