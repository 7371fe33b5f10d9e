/**
 * The pre token generation trigger (functions/pre-token-generation) against a real Cognito
 * API (cognito-local): an administrator's tokens carry the `admin` group only once the user
 * has registered TOTP (associate, verify a code, prefer it), as Cognito then asks for a code
 * at every sign-in. cognito-local does not run the trigger itself on sign-in, so the test
 * calls the handler with the event Cognito sends; the user's MFA state is the API's own.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Context, PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOTP_CLAIM } from '../../shared/domain/roles';
import { startCognitoLocal, type LocalCognito } from '../support/cognito-local';
import { totp } from '../support/totp';

let cognito: LocalCognito;
let handler: (event: PreTokenGenerationTriggerEvent, context: Context, callback: () => void) => Promise<PreTokenGenerationTriggerEvent>;
const PASSWORD = 'Ett-långt-lösenord-1';

beforeAll(async () => {
  cognito = await startCognitoLocal();
  // The SDK's own setting for the endpoint, read when the handler's client is made.
  process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = cognito.endpoint;
  process.env.AWS_REGION = 'eu-north-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  ({ handler } = (await import('../../functions/pre-token-generation/index')) as unknown as { handler: typeof handler });
}, 60_000);
afterAll(async () => {
  await cognito?.stop();
  for (const name of ['AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[name];
});

async function user(email: string, group: string): Promise<string> {
  const created = await cognito.client.send(
    new AdminCreateUserCommand({ UserPoolId: cognito.userPoolId, Username: email, UserAttributes: [{ Name: 'email', Value: email }], MessageAction: 'SUPPRESS' }),
  );
  const username = created.User!.Username!;
  await cognito.client.send(new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: username, GroupName: group }));
  await cognito.client.send(new AdminSetUserPasswordCommand({ UserPoolId: cognito.userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
  return username;
}

/** What the trigger answers for `username`, who is in `groups`. */
async function override(username: string, groups: string[]) {
  const event = {
    version: '1',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-north-1',
    userPoolId: cognito.userPoolId,
    userName: username,
    callerContext: { awsSdkVersion: 'x', clientId: cognito.clientId },
    request: { userAttributes: { sub: username }, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: undefined } },
    response: { claimsOverrideDetails: {} },
  } as unknown as PreTokenGenerationTriggerEvent;
  return (await handler(event, {} as Context, () => {})).response.claimsOverrideDetails;
}

/** The groups the trigger lets into the tokens of `username`, who is in `groups`. */
async function granted(username: string, groups: string[]): Promise<string[]> {
  return (await override(username, groups))?.groupOverrideDetails?.groupsToOverride ?? groups;
}

describe('the admin role and TOTP', () => {
  it('is left out of the tokens of an administrator without TOTP, and in once TOTP is registered', async () => {
    const admin = await user('admin@kommun.example.se', 'admin');
    expect(await granted(admin, ['admin'])).toEqual([]);
    // The web app reads this claim to show the page that registers TOTP.
    expect((await override(admin, ['admin']))?.claimsToAddOrOverride).toEqual({ [ADMIN_TOTP_CLAIM]: 'missing' });

    // What the administrator does once (README): sign in, register the authenticator app.
    const auth = await cognito.client.send(
      new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'admin@kommun.example.se', PASSWORD } }),
    );
    const accessToken = auth.AuthenticationResult!.AccessToken!;
    const { SecretCode } = await cognito.client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await cognito.client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!) }));
    await cognito.client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));

    expect(await granted(admin, ['admin'])).toEqual(['admin']);
    expect((await override(admin, ['admin']))?.claimsToAddOrOverride).toBeUndefined();
  });

  it('leaves the officers’ groups alone, without asking Cognito', async () => {
    const officer = await user('per.lind@lst.example.se', 'county');
    expect(await granted(officer, ['county'])).toEqual(['county']);
    // A user the pool does not know: the trigger would fail if it asked.
    expect(await granted('no-such-user', ['municipality'])).toEqual(['municipality']);
  });
});
