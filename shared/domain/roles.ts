/**
 * The roles, as Cognito groups of the same names. A token's role is its one group among
 * these, read from the `cognito:groups` claim: an array in the token itself (the web app
 * reads it so), a string `[admin]` (space-separated inside brackets) once API Gateway's JWT
 * authorizer has flattened it for the handler. Other groups are ignored; two roles are none.
 * The one place a role is read from claims: the API's handlers, the web app and the local
 * token signer all go through here.
 */
export const ROLES = ['municipality', 'county', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The claim Cognito puts a user's groups in (ID and access tokens). */
export const ROLE_CLAIM = 'cognito:groups';

/** The groups a `cognito:groups` claim names, in either form; none for anything else. */
export function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value !== 'string') return [];
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(/[\s,]+/).filter((g) => g !== '');
}

/** The role of a token's claims: exactly one of ROLES among its groups, else undefined. */
export function roleOfClaims(claims: Record<string, unknown>): Role | undefined {
  const roles = groupsOf(claims[ROLE_CLAIM]).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  return new Set(roles).size === 1 ? roles[0] : undefined;
}

/**
 * A claim of the ID token of an administrator signed in without TOTP (the trigger adds it,
 * value `missing`): the web app shows the page that registers TOTP. It grants nothing; the
 * API reads roles from the groups only.
 */
export const ADMIN_TOTP_CLAIM = 'omf:admin_totp';

/**
 * The groups a signed-in user's tokens carry: all of them, except `admin` for an
 * administrator without TOTP. Cognito's MFA is per pool and optional here (municipal
 * officers sign in with a password alone); a user with TOTP registered is asked for a code
 * at every sign-in, so an administrator's token carries the role only when the sign-in
 * took one. Without it, the person is signed in with no role until they register TOTP.
 */
export function groupsGranted(groups: readonly string[], hasTotp: boolean): string[] {
  return hasTotp ? [...groups] : groups.filter((g) => g !== 'admin');
}
