/**
 * The municipality's pages in a real browser (Chromium through playwright-core) against the
 * local stack, which serves the built web app: sign in locally, see what awaits us, propose
 * (decimal comma), check, send, receipt; the receiver consents; refusals at their fields;
 * keyboard only; another county's data stays out of reach. axe-core on every page and state.
 * A link from an e-mail, opened signed out, goes through sign-in (local, and Cognito's with a
 * stand-in identity provider) to the page it names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { OPEN_NOW, YEAR, shareOf, shareRows } from '../support/e2e';
import { accessibilityChecks, arrive, startBrowser, tabTo, type TestBrowser } from '../support/browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { municipalitiesOf } from '../../shared/reference';
import { formatInstant } from '../../web/src/format';

const code = (county: string, name: string) => municipalitiesOf(county).find((m) => m.name === name)!.code;
const TIERP = code('03', 'Tierp');
const UPPSALA = code('03', 'Uppsala');
const ENKOPING = code('03', 'Enköping');
const HEBY = code('03', 'Heby');
const STOCKHOLM = code('01', 'Stockholm');
const SOLNA = code('01', 'Solna');
const KNIVSTA = code('03', 'Knivsta');
const HABO = code('03', 'Håbo');

let stack: TestStack;
let browser: TestBrowser;
const axe = accessibilityChecks();
const expectAccessible = (page: Page, state: string) => axe.check(page, state);

async function signIn(page: Page, organisation: string): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  await page.getByRole('heading', { name: 'Logga in' }).waitFor();
  await page.getByRole('button', { name: new RegExp(`^${organisation.replace(/[()]/g, '\\$&')}`) }).click();
}

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  const admin = await stack.tokenFor({ role: 'admin' });
  const imported = await stack.request('PUT', `/v1/years/${YEAR}/shares`, { token: admin, json: { shares: shareRows(['01', '03']) } });
  expect(imported.status).toBe(200);
  const started = await stack.request('POST', `/v1/years/${YEAR}/cycle`, { token: admin });
  expect([200, 201, 202]).toContain(started.status);
  browser = await startBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the municipality in the browser', () => {
  it('signs in locally as Tierp, proposes 0,5 promille to Uppsala, checks, sends and sees the receipt', async () => {
    const page = await browser.page();
    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await expectAccessible(page, 'lokal inloggning');
    await page.getByRole('button', { name: /^Tierp \(0360\)/ }).click();

    await page.getByRole('heading', { name: /Det här väntar på oss/, level: 1 }).waitFor();
    await page.getByText('Sista dag för förslag:').waitFor();
    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain(`${String(shareOf(TIERP)).replace('.', ',')} promille`);
    // The countdown runs on the stack's virtual clock (1 September 2027 12:00 in Stockholm): 62 days and almost 13 hours.
    expect(await main.innerText()).toMatch(/2 november 2027 kl\. 23:59 \(62 dagar och 12 timmar kvar\)/);
    expect(await page.locator('header').innerText()).toContain('Handläggare (Tierp), Tierp (0360)');
    await expectAccessible(page, 'startsidan, inget förslag');

    await page.getByRole('button', { name: 'Föreslå att ge en del av vår andel' }).click();
    await page.getByRole('heading', { name: /Föreslå att ge en del av er andel/, level: 1 }).waitFor();
    await expectAccessible(page, 'förslagsformuläret');
    // Only the county's municipalities (not Tierp itself) can be chosen.
    const options = await page.locator('#receiver option').allInnerTexts();
    expect(options).toContain('Uppsala');
    expect(options).not.toContain('Tierp');
    expect(options).not.toContain('Stockholm');
    expect(options.length).toBe(municipalitiesOf('03').length); // the placeholder + the others

    // Nothing chosen: the error summary at the top links to each field.
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    const summary = page.getByRole('alert');
    await summary.getByText('Välj vilken kommun som ska ta emot andelen.').waitFor();
    expect(await summary.innerText()).toContain('Ange hur stor del av andelen ni vill ge, i promille.');
    expect(await page.evaluate(`document.activeElement?.classList.contains('error-summary')`)).toBe(true);
    expect(await page.title()).toMatch(/^Fel: /);
    await expectAccessible(page, 'förslagsformuläret med fel');
    await summary.getByRole('link', { name: 'Välj vilken kommun som ska ta emot andelen.' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('receiver');

    await page.getByLabel('Vilken kommun ska ta emot andelen?').selectOption(UPPSALA);
    await page.getByLabel('Hur stor del av andelen vill ni ge?').fill('0,5');
    await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/123 § 45');
    await page.getByLabel('Namn').fill('Anna Svensson');
    await page.getByRole('button', { name: 'Fortsätt' }).click();

    await page.getByRole('heading', { name: /Kontrollera ert förslag/, level: 1 }).waitFor();
    const check = await main.innerText();
    expect(check).toContain('Uppsala');
    expect(check).toContain('0,5 promille');
    expect(check).toContain('KS 2027/123 § 45');
    expect(check).toContain('Anna Svensson');
    await expectAccessible(page, 'kontrollera förslaget');
    await page.getByRole('button', { name: 'Skicka förslaget' }).click();

    await page.getByRole('heading', { name: 'Förslaget är skickat' }).waitFor();
    expect(await main.innerText()).toContain('Ni föreslår att ge 0,5 promille till Uppsala.');
    await expectAccessible(page, 'kvitto på förslaget');

    const stored = await stack.request('GET', `/v1/years/${YEAR}/proposals/${TIERP}`, { token: await stack.tokenFor({ role: 'admin' }) });
    expect(stored.body).toMatchObject({ receiver: UPPSALA, perMille: 0.5, status: 'AWAITING_RECEIVER', giverResolution: { decisionReference: 'KS 2027/123 § 45', contact: { name: 'Anna Svensson' } } });

    await page.getByRole('link', { name: 'Tillbaka till det som väntar på er' }).click();
    await page.getByRole('heading', { name: /Det här väntar på oss/, level: 1 }).waitFor();
    await page.getByText('Väntar på samtycke').waitFor();
    await expectAccessible(page, 'startsidan med eget förslag');
    await page.close();
  });

  it('signs in as Uppsala and consents with its decision reference', async () => {
    const page = await browser.page();
    await signIn(page, 'Uppsala (0380)');
    await page.getByRole('heading', { name: /Det här väntar på oss/, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Från Tierp' }).waitFor();
    await expectAccessible(page, 'startsidan med inkommande förslag');
    await page.getByRole('button', { name: 'Svara på förslaget från Tierp' }).click();
    await page.getByRole('heading', { name: /Svara på förslaget/, level: 1 }).waitFor();
    await expectAccessible(page, 'svarsformuläret');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('alert').getByText('Välj om ni samtycker till förslaget eller avböjer det.').waitFor();
    await expectAccessible(page, 'svarsformuläret med fel');
    await page.getByLabel('Ja, vi samtycker').check();
    await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/200');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('heading', { name: /Kontrollera ert svar/, level: 1 }).waitFor();
    await expectAccessible(page, 'kontrollera svaret');
    await page.getByRole('button', { name: 'Skicka svaret' }).click();
    await page.getByRole('heading', { name: 'Ni har samtyckt till förslaget' }).waitFor();
    await expectAccessible(page, 'kvitto på svaret');
    const stored = await stack.request('GET', `/v1/years/${YEAR}/proposals/${TIERP}`, { token: await stack.tokenFor({ role: 'admin' }) });
    expect(stored.body).toMatchObject({ status: 'AGREED', receiverResolution: { decisionReference: 'KS 2027/200' } });
    await page.close();
  });

  it("shows the proposal's history after propose → consent: when in Stockholm time, who and what, to the giver and the receiver", async () => {
    const admin = await stack.tokenFor({ role: 'admin' });
    const recorded = (await stack.request('GET', `/v1/years/${YEAR}/proposals/${TIERP}/history`, { token: admin })).body.events as { at: string }[];
    expect(recorded).toHaveLength(2);
    const expected = [
      [formatInstant(recorded[0]!.at), 'Lämnade förslaget: 0,5 promille till Uppsala (0380)', 'Handläggare (Tierp), Tierp (0360)', 'Beslutets diarienummer: KS 2027/123 § 45', 'Kontaktperson: Anna Svensson'],
      [formatInstant(recorded[1]!.at), 'Samtyckte', 'Handläggare (Uppsala), Uppsala (0380)', 'Beslutets diarienummer: KS 2027/200'],
    ];
    // The stack's clock started at 1 September 2027 12:00 in Stockholm: both steps happened minutes later.
    for (const [when] of expected) expect(when).toMatch(/^1 september 2027 kl\. 12:\d{2}$/);

    for (const organisation of ['Tierp (0360)', 'Uppsala (0380)']) {
      const page = await browser.page();
      await signIn(page, organisation);
      await page.getByRole('heading', { name: /Det här väntar på oss/, level: 1 }).waitFor();
      await page.goto(`${stack.apiUrl}/forslag/${TIERP}`);
      const history = page.getByRole('region', { name: 'Förslagets historik' });
      await history.waitFor();
      const items = history.getByRole('list').first().locator(':scope > li');
      expect(await items.count()).toBe(2);
      for (const [i, lines] of expected.entries()) {
        expect((await items.nth(i).innerText()).split('\n').map((l) => l.trim()).filter(Boolean)).toEqual(lines);
      }
      expect(await items.first().locator('time').getAttribute('datetime')).toBe(recorded[0]!.at);
      await expectAccessible(page, `förslagets historik (${organisation})`);
      await page.close();
    }
  });

  it('shows the refusal of an amount larger than the share at the amount field, keeping what was typed', async () => {
    const page = await browser.page();
    await signIn(page, 'Enköping (0381)');
    await page.getByRole('button', { name: 'Föreslå att ge en del av vår andel' }).click();
    await page.getByLabel('Vilken kommun ska ta emot andelen?').selectOption(HEBY);
    await page.getByLabel('Hur stor del av andelen vill ni ge?').fill('999.5');
    await page.getByLabel('Kommentar (valfritt)').fill('Vi har lediga platser.');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('button', { name: 'Skicka förslaget' }).click();
    // Back on the form: the API's message at the amount field and in the summary.
    const error = page.locator('#amount-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('Beloppet är större än kommunens preliminära andel.');
    expect(await error.innerText()).toContain(`Er preliminära andel är ${String(shareOf(ENKOPING)).replace('.', ',')} promille.`);
    expect(await page.getByRole('alert').innerText()).toContain('Beloppet är större än kommunens preliminära andel.');
    expect(await page.inputValue('#amount')).toBe('999.5');
    expect(await page.inputValue('#receiver')).toBe(HEBY);
    expect(await page.inputValue('#comment')).toBe('Vi har lediga platser.');
    await expectAccessible(page, 'förslagsformuläret med API:ets fel');

    // A malformed amount is refused by the ledger's own parser before anything is sent.
    await page.getByLabel('Hur stor del av andelen vill ni ge?').fill('0,1234');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    expect(await page.locator('#amount-error').innerText()).toContain('Beloppet får ha högst tre decimaler.');
    await page.close();
  });

  it('works with the keyboard alone: Tab, Enter and Space', async () => {
    const page = await browser.page();
    await signIn(page, 'Östhammar (0382)');
    await page.getByRole('heading', { name: /Det här väntar på oss/, level: 1 }).waitFor();
    // Arriving at the page (a load, not the sign-in's navigation), the skip link is the first stop.
    await page.reload();
    await page.getByRole('heading', { name: /Det här väntar på oss/, level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Hoppa till huvudinnehållet');
    await tabTo(page, `document.activeElement?.textContent === 'Föreslå att ge en del av vår andel'`);
    await page.keyboard.press('Enter');
    await arrive(page, /Föreslå att ge en del av er andel/);
    await tabTo(page, `document.activeElement?.id === 'receiver'`);
    // A focused select changes with the arrow-free way too: typing the option's first letters.
    await page.keyboard.type('Uppsala');
    expect(await page.inputValue('#receiver')).toBe(UPPSALA);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.id')).toBe('amount');
    await page.keyboard.type('0,25');
    await tabTo(page, `document.activeElement?.textContent === 'Fortsätt'`);
    await page.keyboard.press('Space');
    await arrive(page, /Kontrollera ert förslag/);
    await tabTo(page, `document.activeElement?.textContent === 'Skicka förslaget'`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Förslaget är skickat' }).waitFor();
    await page.close();
  });

  it('never shows another county: the receivers are the own county only, a direct URL is refused in Swedish', async () => {
    const page = await browser.page();
    await signIn(page, 'Stockholm (0180)');
    await page.getByRole('button', { name: 'Föreslå att ge en del av vår andel' }).click();
    await page.getByLabel('Vilken kommun ska ta emot andelen?').waitFor();
    const options = await page.locator('#receiver option').allInnerTexts();
    expect(options).toContain('Solna');
    for (const m of municipalitiesOf('03')) expect(options).not.toContain(m.name);
    expect(SOLNA).toMatch(/^01/);
    expect(STOCKHOLM).toBe('0180');

    await page.goto(`${stack.apiUrl}/forslag/${TIERP}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Du kan bara se förslag i ditt eget län.');
    expect(await page.locator('main').innerText()).not.toContain('Uppsala');
    await expectAccessible(page, 'förslag i ett annat län');
    await page.close();
  });

  it('asks to sign in again when the session has expired and returns to the same page; signing out clears it', async () => {
    const page = await browser.page();
    await signIn(page, 'Tierp (0360)');
    await page.getByRole('heading', { name: /Det här väntar på oss/, level: 1 }).waitFor();
    await page.goto(`${stack.apiUrl}/forslag/${TIERP}`);
    await page.getByRole('heading', { name: /Förslag från Tierp till Uppsala/, level: 1 }).waitFor();
    // A token the API no longer accepts (as when it expired).
    await page.evaluate(`sessionStorage.setItem('omf.token', sessionStorage.getItem('omf.token').slice(0, -4) + 'AAAA')`);
    await page.reload();
    await page.getByText('Din inloggning har gått ut.').waitFor();
    await expectAccessible(page, 'inloggningen har gått ut');
    await page.getByRole('button', { name: /^Tierp \(0360\)/ }).click();
    await page.getByRole('heading', { name: /Förslag från Tierp till Uppsala/, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/forslag/${TIERP}`);
    await expectAccessible(page, 'ett förslag');

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    expect(await page.evaluate(`sessionStorage.getItem('omf.token')`)).toBeNull();
    await page.close();
  });

  it('declines an incoming proposal (Östhammar → Uppsala) with the keyboard-made proposal', async () => {
    const page = await browser.page();
    await signIn(page, 'Uppsala (0380)');
    await page.getByRole('button', { name: 'Svara på förslaget från Östhammar' }).click();
    await page.getByLabel('Nej, vi avböjer').check();
    await page.getByLabel('Kommentar (valfritt)').fill('Vi har inte platser i år.');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('heading', { name: /Kontrollera ert svar/, level: 1 }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Vi avböjer');
    await page.getByRole('button', { name: 'Skicka svaret' }).click();
    await page.getByRole('heading', { name: 'Ni har avböjt förslaget' }).waitFor();
    const admin = await stack.tokenFor({ role: 'admin' });
    expect((await stack.request('GET', `/v1/years/${YEAR}/proposals/${code('03', 'Östhammar')}`, { token: admin })).body.status).toBe('DECLINED');
    await page.getByRole('link', { name: 'Tillbaka till det som väntar på er' }).click();
    await page.getByText('Avböjt', { exact: true }).waitFor();
    await expectAccessible(page, 'startsidan med avböjt förslag');
    await page.close();
  });

  it('amends the proposal (prefilled with what stands) and then withdraws it', async () => {
    const page = await browser.page();
    await signIn(page, 'Tierp (0360)');
    await page.getByRole('link', { name: 'Visa förslaget' }).click();
    await page.getByRole('heading', { name: /Förslag från Tierp till Uppsala/, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Ändra förslaget' }).click();
    await page.getByRole('heading', { name: /Ändra ert förslag/, level: 1 }).waitFor();
    await expect.poll(() => page.inputValue('#amount')).toBe('0,5');
    expect(await page.inputValue('#receiver')).toBe(UPPSALA);
    await expectAccessible(page, 'ändra förslaget');
    await page.getByLabel('Hur stor del av andelen vill ni ge?').fill('0.4');
    await page.getByLabel('Beslutets diarienummer eller paragraf (valfritt)').fill('KS 2027/130');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('heading', { name: /Kontrollera ert förslag/, level: 1 }).waitFor();
    expect(await page.locator('main').innerText()).toContain('0,4 promille');
    await page.getByRole('button', { name: 'Skicka det ändrade förslaget' }).click();
    await page.getByRole('heading', { name: 'Det ändrade förslaget är skickat' }).waitFor();
    await expectAccessible(page, 'kvitto på ändringen');
    const admin = await stack.tokenFor({ role: 'admin' });
    expect((await stack.request('GET', `/v1/years/${YEAR}/proposals/${TIERP}`, { token: admin })).body).toMatchObject({ perMille: 0.4, receiver: UPPSALA, giverResolution: { decisionReference: 'KS 2027/130' } });

    await page.goto(`${stack.apiUrl}/forslag/${TIERP}`);
    await page.getByRole('button', { name: 'Återkalla förslaget' }).click();
    await page.getByRole('heading', { name: /Vill ni återkalla ert förslag/, level: 1 }).waitFor();
    await expectAccessible(page, 'återkalla förslaget');
    await page.getByRole('button', { name: 'Ja, återkalla förslaget' }).click();
    await page.getByRole('heading', { name: 'Förslaget är återkallat' }).waitFor();
    expect((await stack.request('GET', `/v1/years/${YEAR}/proposals/${TIERP}`, { token: admin })).body.status).toBe('WITHDRAWN');
    await page.getByRole('link', { name: 'Tillbaka till det som väntar på er' }).click();
    await page.getByText('Återkallat', { exact: true }).waitFor();
    // Withdrawn: a new proposal may be made.
    await page.getByRole('button', { name: 'Föreslå att ge en del av vår andel' }).waitFor();
    await expectAccessible(page, 'startsidan med återkallat förslag');
    await page.close();
  });

  it('ran axe on every page and state', () => {
    expect(axe.states.length).toBeGreaterThanOrEqual(22);
  });
});

describe('a link from an e-mail, opened signed out', () => {
  /** The link in Håbo's consent request, as the local e-mail service received it. */
  let link: string;

  beforeAll(async () => {
    const proposed = await stack.request('POST', `/v1/years/${YEAR}/proposals`, {
      token: await stack.tokenFor({ role: 'municipality', municipality: KNIVSTA }),
      json: { receiver: HABO, perMille: 0.25 },
    });
    expect(proposed.status, proposed.text).toBe(201);
    const mail = (await stack.emails()).find((m) => m.destination.to.includes(`kommun-${HABO}@kommun.example.se`) && m.subject.includes('nytt förslag från Knivsta'));
    link = /^Svara på förslaget här: (\S+)$/m.exec(mail?.body.text ?? '')?.[1] ?? '';
  });

  /** The answer form, loaded with Knivsta's proposal, at the link's own address. */
  async function expectAnswerPage(page: Page): Promise<void> {
    await page.getByLabel('Ja, vi samtycker').waitFor();
    expect(await page.locator('main').innerText()).toContain('Knivsta');
    expect(page.url()).toBe(link);
  }

  it('is the answer page of the local stack', () => {
    expect(link).toBe(`${stack.apiUrl}/forslag/${KNIVSTA}/svara`);
  });

  it('leads to the local sign-in and then to the page it names', async () => {
    const page = await browser.page();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('button', { name: /^Håbo \(0305\)/ }).click();
    await expectAnswerPage(page);
    await expectAccessible(page, 'svarsformuläret via länken i e-brevet');
    await page.close();
  });

  it('leads through Cognito’s sign-in and back to the page it names', async () => {
    // A stand-in for the user pool, on the stack's own origin (the pages' CSP allows no
    // other): discovery, the authorize endpoint (signs in at once and sends the code back)
    // and the token endpoint, which hands out an ID token the local API accepts.
    const idp = `${stack.apiUrl}/test-idp`;
    const idToken = await stack.tokenFor({ role: 'municipality', municipality: HABO });
    const authorized: URL[] = [];
    const page = await browser.page();
    const at = (path: string) => (url: URL) => url.origin === stack.apiUrl && url.pathname === path;
    await page.route(at('/config.json'), (route: Route) =>
      route.fulfill({
        json: {
          auth: { kind: 'cognito', authority: idp, clientId: 'web-client', domain: idp, redirectUri: `${stack.apiUrl}/inloggad`, logoutUri: `${stack.apiUrl}/` },
          // As the stack's own config.json: the year follows its virtual clock.
          clock: '/_local/clock',
        },
      }),
    );
    await page.route(at('/test-idp/.well-known/openid-configuration'), (route: Route) =>
      route.fulfill({ json: { issuer: idp, authorization_endpoint: `${idp}/authorize`, token_endpoint: `${idp}/token`, jwks_uri: `${idp}/jwks`, response_types_supported: ['code'] } }),
    );
    await page.route(at('/test-idp/authorize'), (route: Route) => {
      const url = new URL(route.request().url());
      authorized.push(url);
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.search = new URLSearchParams({ code: 'the-code', state: url.searchParams.get('state')! }).toString();
      return route.fulfill({ status: 302, headers: { location: back.href } });
    });
    await page.route(at('/test-idp/token'), (route: Route) => {
      expect(new URLSearchParams(route.request().postData() ?? '').get('code')).toBe('the-code');
      return route.fulfill({ json: { id_token: idToken, access_token: 'access', token_type: 'Bearer', expires_in: 3600 } });
    });

    await page.goto(link);
    await expectAnswerPage(page);
    expect(authorized).toHaveLength(1);
    expect(authorized[0]!.searchParams.get('redirect_uri')).toBe(`${stack.apiUrl}/inloggad`);
    expect(authorized[0]!.searchParams.get('code_challenge_method')).toBe('S256');
    await page.close();
  });
});
