/**
 * The web app's configuration and session (web/src/config.ts, session.ts): the AWS and the
 * local shapes of /config.json, the user read from the ID token, expiry, and the return path.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AppConfig } from '../../web/src/config';
import { accessToken, clearSession, currentUser, rememberReturn, setAccessToken, setToken, takeReturn } from '../../web/src/session';

const store = new Map<string, string>();
(globalThis as { sessionStorage?: unknown }).sessionStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
};

const base64url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: Record<string, unknown>) => `${['{"alg":"ES256"}', JSON.stringify(claims)].map(base64url).join('.')}.c2ln`;

beforeEach(() => store.clear());

describe('config.json', () => {
  it('accepts the AWS shape and the local one, and refuses others', () => {
    const aws = {
      auth: {
        kind: 'cognito',
        authority: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_abc',
        clientId: 'client',
        domain: 'https://omf.auth.eu-north-1.amazoncognito.com',
        redirectUri: 'https://omf.example.se/inloggad',
        logoutUri: 'https://omf.example.se/',
      },
    };
    expect(AppConfig.parse(aws)).toEqual(aws);
    expect(AppConfig.parse({ auth: { kind: 'local' }, clock: '/_local/clock' })).toEqual({ auth: { kind: 'local' }, clock: '/_local/clock' });
    expect(AppConfig.safeParse({ auth: { kind: 'cognito', clientId: 'x' } }).success).toBe(false);
    expect(AppConfig.safeParse({ auth: { kind: 'local' }, clock: 'https://elsewhere.example/clock' }).success).toBe(false);
  });
});

describe('the session', () => {
  it('reads the role, organisation and name from the ID token (UTF-8 names too)', () => {
    setToken(jwt({ 'cognito:groups': ['municipality'], 'custom:municipality': '0360', name: 'Åsa Öberg', exp: 2_000_000_000 }));
    expect(currentUser(1_900_000_000_000)).toEqual({ role: 'municipality', municipality: '0360', name: 'Åsa Öberg' });
    setToken(jwt({ 'cognito:groups': ['county'], 'custom:county': '03', email: 'k@lst.example.se' }));
    expect(currentUser()).toEqual({ role: 'county', county: '03', name: 'k@lst.example.se' });
  });

  it('knows an administrator signed in without TOTP by the trigger’s claim (no role), and keeps the access token until sign-out', () => {
    setToken(jwt({ 'cognito:groups': [], 'omf:admin_totp': 'missing', email: 'eva@lst.example.se' }));
    setAccessToken('access');
    expect(currentUser()).toEqual({ role: 'admin-without-totp', name: 'eva@lst.example.se' });
    expect(accessToken()).toBe('access');
    // The claim grants nothing beside a role: the role wins.
    setToken(jwt({ 'cognito:groups': ['county'], 'custom:county': '03', 'omf:admin_totp': 'missing', name: 'K' }));
    expect(currentUser()).toEqual({ role: 'county', county: '03', name: 'K' });
    clearSession();
    expect(accessToken()).toBeUndefined();
  });

  it('has no user without a token, with an expired one, or with unknown claims; signing out clears it', () => {
    expect(currentUser()).toBeUndefined();
    setToken(jwt({ 'cognito:groups': ['admin'], exp: 1_000 }));
    expect(currentUser(2_000_000)).toBeUndefined();
    setToken(jwt({ 'cognito:groups': ['superuser'] }));
    expect(currentUser()).toBeUndefined();
    setToken('not-a-jwt');
    expect(currentUser()).toBeUndefined();
    setToken(jwt({ 'cognito:groups': ['admin'] }));
    clearSession();
    expect(currentUser()).toBeUndefined();
  });

  it('returns only to a path of its own', () => {
    rememberReturn('/forslag/0360?x=1');
    expect(takeReturn()).toBe('/forslag/0360?x=1');
    expect(takeReturn()).toBe('/');
    rememberReturn('//evil.example/');
    expect(takeReturn()).toBe('/');
  });

  it('never returns to the sign-in itself (a request still under way at sign-out remembers where it was)', () => {
    rememberReturn('/rapport');
    rememberReturn('/logga-in');
    rememberReturn('/inloggad?code=x&state=y');
    expect(takeReturn()).toBe('/rapport');
  });
});
