/**
 * Sign-in on AWS: Cognito's hosted UI, authorization code flow with PKCE (oidc-client-ts),
 * the ID token as the API's bearer. Loaded only when config.json says `cognito`.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { CognitoConfig } from './config';
import { clearSession, setAccessToken, setToken } from './session';

function manager(config: CognitoConfig): UserManager {
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    post_logout_redirect_uri: config.logoutUri,
    response_type: 'code',
    // aws.cognito.signin.user.admin: the access token registers an administrator's TOTP (web/src/totp.ts).
    scope: 'openid email profile aws.cognito.signin.user.admin',
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    // Cognito's discovery document has no end_session_endpoint: its logout endpoint takes client_id and logout_uri.
    metadataSeed: { end_session_endpoint: `${config.domain}/logout` },
    extraQueryParams: {},
  });
}

export async function signInRedirect(config: CognitoConfig): Promise<void> {
  await manager(config).signinRedirect();
}

/** On /inloggad: exchanges the code for tokens and keeps the ID token (and the access token for Cognito's user API). */
export async function completeSignIn(config: CognitoConfig): Promise<void> {
  const user = await manager(config).signinRedirectCallback();
  if (!user.id_token) throw new Error('Inloggningen gav ingen ID-token.');
  setToken(user.id_token);
  setAccessToken(user.access_token);
}

export async function signOutRedirect(config: CognitoConfig): Promise<void> {
  const m = manager(config);
  await m.removeUser();
  clearSession();
  location.assign(`${config.domain}/logout?client_id=${encodeURIComponent(config.clientId)}&logout_uri=${encodeURIComponent(config.logoutUri)}`);
}
