/**
 * The web app's TOTP registration (web/src/totp.ts) against a real Cognito API (cognito-local):
 * the calls the page makes with the administrator's access token, by plain fetch with
 * Cognito's JSON protocol. A wrong code is refused as the code field's error and changes
 * nothing; the right one makes TOTP the user's MFA, so the trigger then grants the admin role.
 */
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { associateSoftwareToken, codeRefusal, otpauthUri, userApiEndpoint, verifyAndPrefer } from '../../web/src/totp';
import { startCognitoLocal, type LocalCognito } from '../support/cognito-local';
import { totp } from '../support/totp';

let cognito: LocalCognito;
const EMAIL = 'eva.admin@kommun.example.se';
const PASSWORD = 'Ett-långt-lösenord-1';

beforeAll(async () => {
  cognito = await startCognitoLocal();
}, 60_000);
afterAll(async () => {
  await cognito?.stop();
});

async function signedInAdmin(): Promise<{ username: string; accessToken: string }> {
  const { UserPoolId } = { UserPoolId: cognito.userPoolId };
  const created = await cognito.client.send(new AdminCreateUserCommand({ UserPoolId, Username: EMAIL, UserAttributes: [{ Name: 'email', Value: EMAIL }], MessageAction: 'SUPPRESS' }));
  const username = created.User!.Username!;
  await cognito.client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName: 'admin' }));
  await cognito.client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: username, Password: PASSWORD, Permanent: true }));
  // cognito-local has no SRP; the password flow here only stands in for the hosted sign-in.
  const auth = await cognito.client.send(new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: EMAIL, PASSWORD } }));
  return { username, accessToken: auth.AuthenticationResult!.AccessToken! };
}

const mfaOf = async (username: string) =>
  (await cognito.client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: username }))).UserMFASettingList ?? [];

describe('registering TOTP from the web app', () => {
  it('finds the user API at the origin of the pool’s issuer', () => {
    expect(userApiEndpoint('https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_abc')).toBe('https://cognito-idp.eu-north-1.amazonaws.com/');
    expect(userApiEndpoint(`${cognito.endpoint}/${cognito.userPoolId}`)).toBe(`${cognito.endpoint}/`);
  });

  it('refuses a wrong code at the field, then registers with the right one', async () => {
    const { username, accessToken } = await signedInAdmin();
    const endpoint = userApiEndpoint(`${cognito.endpoint}/${cognito.userPoolId}`);
    const secret = await associateSoftwareToken(endpoint, accessToken);
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(otpauthUri(secret, EMAIL)).toBe(
      `otpauth://totp/Omf%C3%B6rdelning:eva.admin%40kommun.example.se?secret=${secret}&issuer=Omf%C3%B6rdelning&algorithm=SHA1&digits=6&period=30`,
    );

    const right = totp(secret);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const refused = await verifyAndPrefer(endpoint, accessToken, wrong).then(() => undefined, (e: unknown) => e);
    expect(codeRefusal(refused)).toEqual({ field: 'code', message: 'Koden stämmer inte. Skriv de 6 siffror som appen visar just nu.' });
    expect(await mfaOf(username)).toEqual([]);

    await verifyAndPrefer(endpoint, accessToken, right);
    expect(await mfaOf(username)).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  // Cognito answers NotAuthorizedException, cognito-local InvalidParameterException: either is the page's error, not the field's.
  it('says in Swedish when the access token is not accepted', async () => {
    const endpoint = userApiEndpoint(`${cognito.endpoint}/${cognito.userPoolId}`);
    const refused = await associateSoftwareToken(endpoint, 'not-a-token').then(() => undefined, (e: unknown) => e);
    expect(codeRefusal(refused).field).toBeUndefined();
    expect(codeRefusal(refused).message).toMatch(/^(Inloggningen har gått ut|Tvåstegsverifieringen kunde inte sparas)/);
  });
});
