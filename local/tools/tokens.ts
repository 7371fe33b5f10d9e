/**
 * Local stand-in for the Cognito user pool: an ES256 key pair kept in `<dataDir>/jwt-key.json`
 * signs tokens with the same custom claims Cognito issues in the cloud. The key file is
 * created on first use (by `npm start` or by `npm run token`, whichever runs first) and
 * reused afterwards, so tokens stay valid across restarts until they expire (12 h).
 */
import { createHash, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { findCounty, findMunicipality } from '../../shared/reference';
import { z } from 'zod';
import { hasForbiddenCharacters } from '../../shared/schemas/text';
import { ROLE_CLAIM, ROLES, type Role } from '../../shared/domain/roles';
import { reason } from '../data-dir';
import { TokenVerifier } from '../emulators/api-gateway/jwt-authorizer';
import { LocalStackError } from '../emulators/errors';

export const ISSUER = 'omfordelning-local';
export const AUDIENCE = 'omfordelning';
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
export const KEY_FILE = 'jwt-key.json';
const ALG = 'ES256';

export interface LocalKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** Absolute path of the key file. */
  path: string;
  /** True when this call created the key file. */
  created: boolean;
}

interface KeyFile {
  alg: typeof ALG;
  kid: string;
  createdAt: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Reads `<dataDir>/jwt-key.json`, creating the data directory and the key pair if absent. */
export async function loadOrCreateKeys(dataDir: string): Promise<LocalKeys> {
  const path = join(resolve(dataDir), KEY_FILE);
  let created = false;
  let text = readIfExists(path);
  if (text === undefined) {
    try {
      mkdirSync(resolve(dataDir), { recursive: true });
    } catch (error) {
      throw new LocalStackError('DATA_DIR_NOT_WRITABLE', `Datakatalogen ${resolve(dataDir)} går inte att skapa (${reason(error)}).`);
    }
    created = await createKeyFile(path);
    text = readIfExists(path)!;
  }
  let file: KeyFile;
  try {
    file = JSON.parse(text) as KeyFile;
    if (file.alg !== ALG || !file.privateJwk || !file.publicJwk || !file.kid) throw new Error('fields missing');
    const [privateKey, publicKey] = await Promise.all([importJWK(file.privateJwk, ALG), importJWK(file.publicJwk, ALG)]);
    return { kid: file.kid, privateKey: privateKey as CryptoKey, publicKey: publicKey as CryptoKey, publicJwk: file.publicJwk, path, created };
  } catch (error) {
    throw new LocalStackError(
      'BAD_KEY_FILE',
      `Nyckelfilen ${path} är skadad (${(error as Error).message}). Ta bort den så skapas en ny (utfärdade tokens slutar då gälla).`,
    );
  }
}

/** Writes a new key file atomically; false if another process got there first. */
async function createKeyFile(path: string): Promise<boolean> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const file: KeyFile = {
    alg: ALG,
    kid,
    createdAt: new Date().toISOString(),
    privateJwk: { ...(await exportJWK(privateKey)), alg: ALG, kid },
    publicJwk: { ...publicJwk, alg: ALG, kid, use: 'sig' },
  };
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    linkSync(tmp, path); // atomic, and fails if the file appeared meanwhile
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LocalStackError('DATA_DIR_NOT_WRITABLE', `Kan inte skriva nyckelfilen ${path} (${reason(error)}).`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalStackError('BAD_KEY_FILE', `Kan inte läsa nyckelfilen ${path} (${reason(error)}).`);
  }
}

/**
 * The claims of a signed-in user as Cognito's ID token has them: the role as the user's one
 * group (`cognito:groups`), the organisation's code, and the person's name and e-mail.
 */
export type LocalClaims = (
  | { [ROLE_CLAIM]: ['municipality']; 'custom:municipality': string }
  | { [ROLE_CLAIM]: ['county']; 'custom:county': string }
  | { [ROLE_CLAIM]: ['admin'] }
) & { name?: string; email?: string };

export interface TokenRequest {
  role?: string;
  municipality?: string;
  county?: string;
  /** The person's name (`name` claim); without it the organisation's default identity's name. */
  name?: string;
  /** The person's e-mail (`email` claim); none unless given. */
  email?: string;
}

/** Claims for a role, checked against the reference data; throws LocalStackError (BAD_ARGUMENT) with a bilingual message. */
export function claimsFor(request: TokenRequest): LocalClaims {
  const { role, municipality, county, name, email } = request;
  const fail = (sv: string, en: string): never => {
    throw new LocalStackError('BAD_ARGUMENT', `${sv} / ${en}`);
  };
  if (name !== undefined && (name.trim() === '' || name.length > 200 || hasForbiddenCharacters(name))) {
    fail('--name ska vara 1–200 tecken utan styrtecken', '--name must be 1–200 characters without control characters');
  }
  if (email !== undefined && !z.email().max(254).safeParse(email).success) fail(`Ogiltig e-postadress "${email}" för --email`, `Invalid e-mail address "${email}" for --email`);
  const person = { ...(name !== undefined ? { name: name.trim() } : {}), ...(email !== undefined ? { email } : {}) };
  if (!role) fail('Ange --role municipality|county|admin', 'Missing --role municipality|county|admin');
  if (!(ROLES as readonly string[]).includes(role!)) fail(`Okänd roll "${role}", välj municipality, county eller admin`, `Unknown role "${role}", use municipality, county or admin`);
  switch (role as Role) {
    case 'municipality': {
      if (county !== undefined) fail('--county gäller bara --role county', '--county only applies to --role county');
      if (!municipality) fail('Ange kommunkod med --municipality, t.ex. 0180', 'Missing --municipality code, e.g. 0180');
      if (!findMunicipality(municipality!)) fail(`Okänd kommunkod "${municipality}" (fyra siffror, t.ex. 0180 Stockholm)`, `Unknown municipality code "${municipality}" (four digits, e.g. 0180)`);
      return { [ROLE_CLAIM]: ['municipality'], 'custom:municipality': municipality!, ...person };
    }
    case 'county': {
      if (municipality !== undefined) fail('--municipality gäller bara --role municipality', '--municipality only applies to --role municipality');
      if (!county) fail('Ange länskod med --county, t.ex. 01', 'Missing --county code, e.g. 01');
      if (!findCounty(county!)) fail(`Okänd länskod "${county}" (två siffror, t.ex. 01 Stockholms län)`, `Unknown county code "${county}" (two digits, e.g. 01)`);
      return { [ROLE_CLAIM]: ['county'], 'custom:county': county!, ...person };
    }
    case 'admin':
      if (municipality !== undefined || county !== undefined) fail('--role admin tar varken --municipality eller --county', '--role admin takes neither --municipality nor --county');
      return { [ROLE_CLAIM]: ['admin'], ...person };
  }
}

/** The organisation's default identity: `local-municipality-0180`, `local-county-01`, `local-admin`. */
function organisationSubject(claims: LocalClaims): string {
  if ('custom:municipality' in claims) return `local-municipality-${claims['custom:municipality']}`;
  if ('custom:county' in claims) return `local-county-${claims['custom:county']}`;
  return 'local-admin';
}

/**
 * The name of an organisation's default identity, so that every local token names a person
 * as a Cognito ID token does: "Handläggare (Tierp)", "Handläggare (Länsstyrelsen i Uppsala
 * län)", "Administratör".
 */
export function defaultName(claims: LocalClaims): string {
  if ('custom:municipality' in claims) {
    return `Handläggare (${findMunicipality(claims['custom:municipality'])?.name ?? claims['custom:municipality']})`;
  }
  if ('custom:county' in claims) return `Handläggare (Länsstyrelsen i ${findCounty(claims['custom:county'])?.name ?? claims['custom:county']})`;
  return 'Administratör';
}

/**
 * The token subject (`sub`), stable for the same role, organisation and name, so that the
 * same person keeps the same subject across tokens and restarts: the default identity is
 * `local-<role>[-<code>]`, a named person `local-<role>[-<code>]-<first 8 hex digits of
 * SHA-256 of the name>`. (Cognito's subjects are UUIDs; nothing may read meaning into them.)
 */
export function subjectOf(claims: LocalClaims): string {
  const base = organisationSubject(claims);
  if (claims.name === undefined || claims.name === defaultName(claims)) return base;
  return `${base}-${createHash('sha256').update(claims.name).digest('hex').slice(0, 8)}`;
}

/** Signs a token (issuer omfordelning-local, audience omfordelning, 12 h) with the local key; always with `sub` and `name`. */
export async function mintToken(
  keys: Pick<LocalKeys, 'privateKey' | 'kid'>,
  claims: LocalClaims,
  opts: { nowSeconds?: number; ttlSeconds?: number } = {},
): Promise<string> {
  const iat = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const named: LocalClaims = { ...claims, name: claims.name ?? defaultName(claims) };
  return new SignJWT({ ...named, token_use: 'id' })
    .setProtectedHeader({ alg: ALG, kid: keys.kid, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subjectOf(named))
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.ttlSeconds ?? TOKEN_TTL_SECONDS))
    .sign(keys.privateKey);
}

/** The gateway's JWT authorizer for this stack's tokens (issuer omfordelning-local, audience omfordelning). */
export function localTokenVerifier(publicKey: CryptoKey, realNow?: () => number): TokenVerifier {
  return new TokenVerifier(publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithm: ALG }, realNow);
}

/** Added to the local gateway's 401s: how to get a token here. */
export const LOCAL_TOKEN_HINT = 'På den lokala stacken skapar du en token med npm run -s token -- --role admin (eller municipality eller county, se README).';
