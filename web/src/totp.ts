/**
 * An administrator registers TOTP with Cognito's user API, called with the user's own access
 * token (scope aws.cognito.signin.user.admin): plain fetch with Cognito's JSON protocol, no
 * SDK in the bundle. The endpoint is the origin of the pool's issuer (cognito-idp.<region>).
 */

/** A refusal from Cognito: its exception name (`CodeMismatchException`, …) and message. */
class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

/** Cognito's user API endpoint for a pool whose issuer is `authority` (`https://cognito-idp.<region>.amazonaws.com/<pool>`). */
export const userApiEndpoint = (authority: string): string => `${new URL(authority).origin}/`;

async function call<T>(endpoint: string, action: string, body: Record<string, unknown>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError('NETWORK', 'Inloggningstjänsten gick inte att nå.');
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    // Cognito names the exception in __type (`…#CodeMismatchException` in some answers).
    const type = String(json.__type ?? res.headers.get('x-amzn-errortype') ?? `HTTP_${res.status}`);
    throw new CognitoError(type.split('#').pop()!.split(':')[0]!, String(json.message ?? json.Message ?? ''));
  }
  return json as T;
}

/** Step 1: a new secret for the user's authenticator app (base32). */
export async function associateSoftwareToken(endpoint: string, accessToken: string): Promise<string> {
  const { SecretCode } = await call<{ SecretCode?: string }>(endpoint, 'AssociateSoftwareToken', { AccessToken: accessToken });
  if (!SecretCode) throw new CognitoError('NO_SECRET', 'Inloggningstjänsten gav ingen nyckel.');
  return SecretCode;
}

/** Step 2: the code the app shows proves it has the secret; then TOTP becomes the user's MFA, asked at every sign-in. */
export async function verifyAndPrefer(endpoint: string, accessToken: string, code: string): Promise<void> {
  const { Status } = await call<{ Status?: string }>(endpoint, 'VerifySoftwareToken', { AccessToken: accessToken, UserCode: code, FriendlyDeviceName: 'Omfördelning' });
  if (Status !== 'SUCCESS') throw new CognitoError('CodeMismatchException', 'Koden stämde inte.');
  await call(endpoint, 'SetUserMFAPreference', { AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
}

/** The link an authenticator app opens (Key URI format): issuer and account shown in the app. */
export function otpauthUri(secret: string, account: string): string {
  const issuer = 'Omfördelning';
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}

/** A wrong code, as the field's error (Swedish); other refusals as the page's. */
export function codeRefusal(error: unknown): { field?: 'code'; message: string } {
  if (error instanceof CognitoError) {
    // Cognito answers a wrong code with EnableSoftwareTokenMFAException ("Code mismatch"), cognito-local with CodeMismatchException.
    if (error.code === 'CodeMismatchException' || error.code === 'EnableSoftwareTokenMFAException')
      return { field: 'code', message: 'Koden stämmer inte. Skriv de 6 siffror som appen visar just nu.' };
    if (error.code === 'NotAuthorizedException') return { message: 'Inloggningen har gått ut. Logga ut och logga in igen, och börja om.' };
  }
  return { message: 'Tvåstegsverifieringen kunde inte sparas. Försök igen om en stund.' };
}
