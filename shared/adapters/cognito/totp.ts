import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { traced } from '../../platform/tracer';

const client = traced(new CognitoIdentityProviderClient({ maxAttempts: 2 }));

/** Whether the user has TOTP as an MFA method (so Cognito asks for a code at every sign-in). */
export async function hasTotp(userPoolId: string, username: string): Promise<boolean> {
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  return (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
}
