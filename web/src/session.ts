/**
 * The signed-in person: the ID token (the API's bearer) kept in sessionStorage, so a tab's
 * session ends when the tab closes; signing out removes it. The claims are read for display
 * and for which pages to show; the API checks the token itself.
 */
import { ADMIN_TOTP_CLAIM, roleOfClaims } from '../../shared/domain/roles';

const TOKEN_KEY = 'omf.token';
/** On AWS: the access token too, for Cognito's user API (registering TOTP), never sent to the API. */
const ACCESS_KEY = 'omf.access';
const RETURN_KEY = 'omf.return';

export type SessionUser =
  | { role: 'municipality'; municipality: string; name: string }
  | { role: 'county'; county: string; name: string }
  | { role: 'admin'; name: string }
  /** An administrator signed in without TOTP (ADMIN_TOTP_CLAIM): no role until TOTP is registered. */
  | { role: 'admin-without-totp'; name: string };

export function token(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function accessToken(): string | undefined {
  return sessionStorage.getItem(ACCESS_KEY) ?? undefined;
}

export function setAccessToken(value: string): void {
  sessionStorage.setItem(ACCESS_KEY, value);
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ACCESS_KEY);
}

function claims(jwt: string): Record<string, unknown> | undefined {
  try {
    const part = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(part), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The user of the stored token, or undefined when there is none or it has expired. */
export function currentUser(nowMs = Date.now()): SessionUser | undefined {
  const jwt = token();
  const c = jwt ? claims(jwt) : undefined;
  if (!c) return undefined;
  if (typeof c.exp === 'number' && c.exp * 1000 <= nowMs) return undefined;
  const name = typeof c.name === 'string' ? c.name : typeof c.email === 'string' ? c.email : 'Okänd användare';
  switch (roleOfClaims(c)) {
    case 'municipality':
      return typeof c['custom:municipality'] === 'string' ? { role: 'municipality', municipality: c['custom:municipality'], name } : undefined;
    case 'county':
      return typeof c['custom:county'] === 'string' ? { role: 'county', county: c['custom:county'], name } : undefined;
    case 'admin':
      return { role: 'admin', name };
    default:
      return c[ADMIN_TOTP_CLAIM] === 'missing' ? { role: 'admin-without-totp', name } : undefined;
  }
}

/** Where to go back after signing in (set when a session expired or a page needed sign-in). */
export function rememberReturn(path: string): void {
  if (SIGN_IN_PAGES.some((page) => path === page || path.startsWith(`${page}?`))) return;
  sessionStorage.setItem(RETURN_KEY, path);
}

/** Pages of the sign-in itself: never a place to return to. */
const SIGN_IN_PAGES = ['/logga-in', '/inloggad'];

export function takeReturn(): string {
  const path = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return path?.startsWith('/') && !path.startsWith('//') ? path : '/';
}
