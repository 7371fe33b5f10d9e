/**
 * An administrator without TOTP registers an authenticator app in a real browser, against a
 * real Cognito API (cognito-local): signed in through a stand-in of Cognito's hosted sign-in
 * (cognito-local has none) whose ID token is what the trigger gives such a user (no role, the
 * claim `omf:admin_totp`), with a real access token of cognito-local. The page's calls to the
 * user API go to the web app's origin, as the local stack's CSP allows no other, and are
 * passed on unchanged to cognito-local. A wrong code at its field, the right one, then sign
 * out; cognito-local then has TOTP as the user's MFA. axe-core on every state.
 */
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOTP_CLAIM } from '../../shared/domain/roles';
import { accessibilityChecks, startBrowser, type TestBrowser } from '../support/browser';
import { startCognitoLocal, type LocalCognito } from '../support/cognito-local';
import { startTestStack, type TestStack } from '../support/local-stack';
import { totp } from '../support/totp';

const EMAIL = 'eva.admin@kommun.example.se';
const PASSWORD = 'Ett-långt-lösenord-1';

let stack: TestStack;
let cognito: LocalCognito;
let browser: TestBrowser;

beforeAll(async () => {
  [stack, cognito, browser] = await Promise.all([startTestStack(), startCognitoLocal(), startBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await cognito?.stop();
  await stack?.stop();
});

/** An administrator of cognito-local, signed in: their username and access token. */
async function signedInAdmin(): Promise<{ username: string; accessToken: string }> {
  const UserPoolId = cognito.userPoolId;
  const created = await cognito.client.send(new AdminCreateUserCommand({ UserPoolId, Username: EMAIL, UserAttributes: [{ Name: 'email', Value: EMAIL }], MessageAction: 'SUPPRESS' }));
  const username = created.User!.Username!;
  await cognito.client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName: 'admin' }));
  await cognito.client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: username, Password: PASSWORD, Permanent: true }));
  const auth = await cognito.client.send(new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: EMAIL, PASSWORD } }));
  return { username, accessToken: auth.AuthenticationResult!.AccessToken! };
}

/** The ID token the trigger gives an administrator without TOTP (the web app reads, never verifies, it). */
function idTokenWithoutTotp(sub: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { sub, email: EMAIL, 'cognito:groups': [], [ADMIN_TOTP_CLAIM]: 'missing', aud: 'web-client', exp: Math.floor(Date.now() / 1000) + 3600 };
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('an administrator without TOTP', () => {
  it('registers an authenticator app: a wrong code at its field, the right one, then signs out', async () => {
    const a11y = accessibilityChecks();
    const { username, accessToken } = await signedInAdmin();
    const idp = `${stack.apiUrl}/test-idp`;
    const page = await browser.page();
    const at = (path: string) => (url: URL) => url.origin === stack.apiUrl && url.pathname === path;
    await page.route(at('/config.json'), (route: Route) =>
      route.fulfill({
        json: { auth: { kind: 'cognito', authority: `${stack.apiUrl}/${cognito.userPoolId}`, clientId: 'web-client', domain: idp, redirectUri: `${stack.apiUrl}/inloggad`, logoutUri: `${stack.apiUrl}/` } },
      }),
    );
    await page.route(at(`/${cognito.userPoolId}/.well-known/openid-configuration`), (route: Route) =>
      route.fulfill({ json: { issuer: idp, authorization_endpoint: `${idp}/authorize`, token_endpoint: `${idp}/token`, jwks_uri: `${idp}/jwks`, response_types_supported: ['code'] } }),
    );
    const scopes: string[] = [];
    await page.route(at('/test-idp/authorize'), (route: Route) => {
      const url = new URL(route.request().url());
      scopes.push(url.searchParams.get('scope')!);
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.search = new URLSearchParams({ code: 'the-code', state: url.searchParams.get('state')! }).toString();
      return route.fulfill({ status: 302, headers: { location: back.href } });
    });
    await page.route(at('/test-idp/token'), (route: Route) =>
      route.fulfill({ json: { id_token: idTokenWithoutTotp(username), access_token: accessToken, token_type: 'Bearer', expires_in: 3600 } }),
    );
    // Cognito's user API: the page posts to the issuer's origin; passed on to cognito-local as it is.
    const actions: string[] = [];
    await page.route(at('/'), async (route: Route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.fallback();
      actions.push(request.headers()['x-amz-target']!);
      const response = await route.fetch({ url: `${cognito.endpoint}/` });
      return route.fulfill({ response });
    });
    const loggedOut: URL[] = [];
    await page.route(at('/test-idp/logout'), (route: Route) => {
      loggedOut.push(new URL(route.request().url()));
      return route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="sv"><title>Utloggad</title><main><h1>Utloggad</h1></main></html>' });
    });

    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: /Tvåstegsverifiering/, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tvastegsverifiering');
    expect(scopes).toEqual(['openid email profile aws.cognito.signin.user.admin']);
    await a11y.check(page, 'tvåstegsverifiering, början');

    await page.getByRole('button', { name: 'Registrera en app' }).click();
    const key = page.locator('code.secret');
    await key.waitFor();
    const secret = (await key.innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
    expect(await page.getByRole('link', { name: 'öppna länken i appen' }).getAttribute('href')).toBe(
      `otpauth://totp/Omf%C3%B6rdelning:eva.admin%40kommun.example.se?secret=${secret}&issuer=Omf%C3%B6rdelning&algorithm=SHA1&digits=6&period=30`,
    );
    await a11y.check(page, 'tvåstegsverifiering, nyckeln');

    const right = totp(secret);
    await page.getByLabel('Kod med 6 siffror').fill(String((Number(right) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: 'Spara' }).click();
    const summary = page.getByRole('alert');
    await summary.getByRole('link', { name: 'Koden stämmer inte. Skriv de 6 siffror som appen visar just nu.' }).waitFor();
    expect(await page.locator('#code-error').innerText()).toContain('Koden stämmer inte.');
    expect(await page.title()).toMatch(/^Fel: /);
    await a11y.check(page, 'tvåstegsverifiering, fel kod');
    expect((await cognito.client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: username }))).UserMFASettingList ?? []).toEqual([]);

    await page.getByLabel('Kod med 6 siffror').fill(totp(secret));
    await page.getByRole('button', { name: 'Spara' }).click();
    await page.getByRole('heading', { name: 'Tvåstegsverifieringen är klar', level: 1 }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Logga ut och logga in igen för att få administratörens behörighet.');
    await a11y.check(page, 'tvåstegsverifiering, klar');
    expect((await cognito.client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: username }))).UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(actions).toEqual([
      'AWSCognitoIdentityProviderService.AssociateSoftwareToken',
      'AWSCognitoIdentityProviderService.VerifySoftwareToken',
      'AWSCognitoIdentityProviderService.VerifySoftwareToken',
      'AWSCognitoIdentityProviderService.SetUserMFAPreference',
    ]);

    await page.getByRole('main').getByRole('button', { name: 'Logga ut' }).click();
    await page.getByRole('heading', { name: 'Utloggad' }).waitFor();
    expect(loggedOut[0]!.searchParams.get('logout_uri')).toBe(`${stack.apiUrl}/`);
    expect(await page.evaluate("sessionStorage.getItem('omf.access')")).toBeNull();
    expect(a11y.states).toHaveLength(4);
    await page.close();
  }, 90_000);
});
