/**
 * The web app on the local stack, from the same origin as the API: the built files of
 * web/dist (SPA fallback to index.html), `/config.json` for local sign-in, and the local
 * sign-in itself (`GET /_local/identities`, `POST /_local/sign-in`), which exist only here.
 * `ensureWebBuilt` builds web/dist when it is missing or older than its sources.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { COUNTIES, municipalitiesOf } from '../../shared/reference';
import type { LocalServerOptions } from '../emulators/api-gateway/server';
import { ROLE_CLAIM, type Role } from '../../shared/domain/roles';
import { claimsFor, defaultName, mintToken, type LocalKeys, type TokenRequest } from './tokens';

export const WEB_DIST = 'web/dist';

/** What `/config.json` says on the local stack: sign in locally, read the virtual clock. */
export const LOCAL_WEB_CONFIG = { auth: { kind: 'local' }, clock: '/_local/clock' } as const;

/**
 * Served with every page (the CloudFront distribution sets the same): no inline scripts, no
 * framing, nothing from elsewhere.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves a GET/HEAD for a path outside /v1 and /_local. */
export function serveWeb(distDir: string, method: string, rawPath: string, res: ServerResponse): void {
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Metoden stöds inte här.');
    return;
  }
  if (rawPath === '/config.json') {
    res.writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store', ...SECURITY_HEADERS });
    res.end(method === 'HEAD' ? undefined : JSON.stringify(LOCAL_WEB_CONFIG));
    return;
  }
  const root = resolve(distDir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
    res.end('Webbappen är inte byggd. Kör npm run build:web (npm start bygger den själv).');
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = '/';
  }
  const file = normalize(join(root, path));
  const inside = file.startsWith(root + sep);
  if (inside && existsSync(file) && statSync(file).isFile()) {
    const immutable = path.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(method === 'HEAD' ? undefined : readFileSync(file));
    return;
  }
  // A missing asset is a 404; every other path is a page of the app (SPA fallback).
  if (path.startsWith('/assets/') || extname(path) !== '') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Filen finns inte.');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  res.end(method === 'HEAD' ? undefined : readFileSync(index));
}

export interface LocalIdentity {
  role: Role;
  municipality?: string;
  county?: string;
  name: string;
  organisation: string;
}

/** The example identities of the local sign-in page: an administrator, two county boards, their municipalities. */
export function localIdentities(): LocalIdentity[] {
  const counties = ['03', '01'];
  const out: LocalIdentity[] = [];
  for (const county of counties) {
    for (const m of municipalitiesOf(county)) {
      out.push({ role: 'municipality', municipality: m.code, name: defaultName({ [ROLE_CLAIM]: ['municipality'], 'custom:municipality': m.code }), organisation: `${m.name} (${m.code})` });
    }
  }
  for (const county of counties) {
    const c = COUNTIES.find((x) => x.code === county)!;
    out.push({ role: 'county', county, name: defaultName({ [ROLE_CLAIM]: ['county'], 'custom:county': county }), organisation: `Länsstyrelsen i ${c.name}` });
  }
  out.push({ role: 'admin', name: 'Administratör', organisation: 'Administratör' });
  return out;
}

/** The body of POST /_local/sign-in as a token request (unknown fields ignored, the rest checked by claimsFor). */
export function signInRequest(input: unknown): TokenRequest {
  const o = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const req: TokenRequest = {};
  for (const key of ['role', 'municipality', 'county', 'name'] as const) {
    const value = text(o[key]);
    if (value !== undefined) req[key] = value;
  }
  return req;
}

/** The web app and its local sign-in, as the local API Gateway serves them beside the API. */
export function localWebApp(distDir: string, keys: LocalKeys): Required<Pick<LocalServerOptions, 'webApp' | 'signIn'>> {
  return {
    webApp: (method, rawPath, res) => serveWeb(distDir, method, rawPath, res),
    signIn: { identities: localIdentities, signIn: (input) => mintToken(keys, claimsFor(signInRequest(input))) },
  };
}

const SOURCES = ['web/src', 'web/index.html', 'web/vite.config.ts', 'shared'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when web/dist is missing or older than any of its sources (web/src, index.html, the config, shared/). */
export function webIsStale(projectRoot: string): boolean {
  const built = join(projectRoot, WEB_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(projectRoot, s)) > builtAt);
}

/**
 * Builds web/dist when stale: into a directory of its own, then swapped in, so that a stack
 * serving the old build never sees a half-written one. Returns the build's size line, or
 * undefined when nothing needed building.
 */
export async function ensureWebBuilt(projectRoot: string, log: (line: string) => void = () => {}): Promise<boolean> {
  if (!webIsStale(projectRoot)) return false;
  const tmp = join(projectRoot, `web/.dist-${process.pid}-${Date.now()}`);
  const { build } = await import('vite');
  // A production build whatever runs it (vitest sets NODE_ENV=test).
  const previous = { out: process.env.WEB_OUT_DIR, env: process.env.NODE_ENV };
  process.env.WEB_OUT_DIR = tmp;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(projectRoot, 'web/vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    for (const [name, value] of [['WEB_OUT_DIR', previous.out], ['NODE_ENV', previous.env]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const dist = join(projectRoot, WEB_DIST);
  const old = `${dist}-old-${process.pid}-${Date.now()}`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(tmp, dist);
  rmSync(old, { recursive: true, force: true });
  log('Webbappen byggd i web/dist.');
  return true;
}
