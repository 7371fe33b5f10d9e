/**
 * The local API Gateway's JWT authorizer: checks a route's `Authorization` header against
 * the issuer, audience and public key the stack gives it, and hands the claims on as API
 * Gateway does.
 */
import { errors, jwtVerify, type CryptoKey } from 'jose';

export type Verification =
  | { ok: true; claims: Record<string, string> }
  | { ok: false; message: string };

const CACHE_LIMIT = 10_000;

/**
 * Checks `Authorization` headers as API Gateway's JWT authorizer does (issuer, audience,
 * signature, expiry). Expiry is checked against real time, not the virtual clock: a token
 * is a person's session, the virtual clock is the business calendar. Verified tokens are
 * cached until they expire, so repeated requests skip the signature check.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, { claims: Record<string, string>; expMs: number }>();

  constructor(
    private readonly publicKey: CryptoKey,
    private readonly expected: { issuer: string; audience: string; algorithm: string },
    private readonly realNow: () => number = Date.now,
  ) {}

  async verify(authorization: string | undefined): Promise<Verification> {
    const token = bearer(authorization);
    if (token === undefined) return { ok: false, message: 'Inloggning krävs: skicka en token i huvudet Authorization (Bearer).' };
    const now = this.realNow();
    const cached = this.cache.get(token);
    if (cached && now < cached.expMs) return { ok: true, claims: cached.claims };
    if (cached) this.cache.delete(token);
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return { ok: false, message: 'Token är ogiltig eftersom den inte är en JWT.' };
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.expected.issuer,
        audience: this.expected.audience,
        algorithms: [this.expected.algorithm],
        requiredClaims: ['exp'],
        currentDate: new Date(now),
      });
      const claims = flattenClaims(payload as Record<string, unknown>);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(token, { claims, expMs: (payload.exp as number) * 1000 });
      return { ok: true, claims };
    } catch (error) {
      return { ok: false, message: rejection(error) };
    }
  }
}

function bearer(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  // API Gateway accepts the token with or without the Bearer prefix.
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return (match ? match[1]! : value).trim() || undefined;
}

function rejection(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Token har gått ut.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Token är ogiltig eftersom signaturen inte stämmer. Den är kanske utfärdad av en annan lokal stack.';
  if (error instanceof errors.JWTClaimValidationFailed) return `Token är ogiltig eftersom anspråket ${error.claim} inte stämmer.`;
  return 'Token är ogiltig.';
}

/** Claims the way API Gateway hands them to the Lambda: values as strings, arrays as "[a b]". */
function flattenClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    claims[name] = Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  }
  return claims;
}
