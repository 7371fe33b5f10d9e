/**
 * The local stack serves the built web app from the API's origin: index.html for the app's
 * paths (SPA fallback), the assets, `/config.json` for local sign-in, security headers, and
 * the local sign-in endpoints; /v1 and /_local stay the API's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTokenVerifier } from '../../local/tools/tokens';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('the web app on the local stack', () => {
  it('serves index.html at / and at every app path, with a CSP without inline scripts', async () => {
    for (const path of ['/', '/forslag/nytt', '/forslag/0360/svara']) {
      const res = await stack.request('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('<html lang="sv">');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const index = (await stack.request('GET', '/')).text;
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(index)?.[1];
    expect(script).toMatch(/^\/assets\/.+\.js$/);
    const asset = await stack.request('GET', script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await stack.request('GET', '/assets/missing.js')).status).toBe(404);
    expect((await stack.request('GET', '/../package.json')).text).not.toContain('"name": "omfordelning"');
    expect((await stack.request('POST', '/')).status).toBe(405);
  });

  it('gives the local config, and keeps /v1 the API', async () => {
    expect((await stack.request('GET', '/config.json')).body).toEqual({ auth: { kind: 'local' }, clock: '/_local/clock' });
    const api = await stack.request('GET', '/v1/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('NOT_FOUND');
  });

  it('lists example identities and signs a token the API accepts', async () => {
    const identities = (await stack.request('GET', '/_local/identities')).body.identities as { role: string; organisation: string; name: string }[];
    expect(identities).toEqual(
      expect.arrayContaining([
        { role: 'admin', name: 'Administratör', organisation: 'Administratör' },
        { role: 'county', county: '03', name: 'Handläggare (Länsstyrelsen i Uppsala län)', organisation: 'Länsstyrelsen i Uppsala län' },
        { role: 'municipality', municipality: '0360', name: 'Handläggare (Tierp)', organisation: 'Tierp (0360)' },
        { role: 'municipality', municipality: '0380', name: 'Handläggare (Uppsala)', organisation: 'Uppsala (0380)' },
      ]),
    );
    const signed = await stack.request('POST', '/_local/sign-in', { json: { role: 'municipality', municipality: '0360', name: 'Karin Ek' } });
    expect(signed.status).toBe(200);
    const verdict = await localTokenVerifier(stack.keys.publicKey).verify(`Bearer ${signed.body.token}`);
    expect(verdict).toMatchObject({ ok: true, claims: { 'cognito:groups': '[municipality]', 'custom:municipality': '0360', name: 'Karin Ek' } });
    const refused = await stack.request('POST', '/_local/sign-in', { json: { role: 'municipality', municipality: '9999' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('Okänd kommunkod "9999"');
    expect((await stack.request('GET', '/_local/sign-in')).status).toBe(405);
  });
});
