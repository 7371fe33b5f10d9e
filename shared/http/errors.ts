import type { RefusalKind } from '../app/errors';

/** The codes of the refusals the HTTP edge gives itself (before or around the use case). */
export const EDGE_CODES = [
  'UNAUTHORIZED',
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_IDEMPOTENCY_KEY',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'LEDGER_BUSY',
  'INTERNAL_ERROR',
] as const;
export type EdgeCode = (typeof EDGE_CODES)[number];

/** A refusal at the HTTP edge (bad JSON, bad body, no access) with a stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: EdgeCode,
    message: string,
    readonly details: unknown[] = [],
    /** Response headers that go with the refusal (for example Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The one place a refusal's kind becomes an HTTP status. */
export const STATUS_OF_KIND: Record<RefusalKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rule: 422,
  unavailable: 503,
};

/** A 401 says how to authenticate (RFC 9110), as the gateway's own 401 does: the claims of a valid token may still be unusable. */
export const unauthorized = (message = 'Inloggning krävs.'): HttpError => new HttpError(401, 'UNAUTHORIZED', message, [], { 'www-authenticate': 'Bearer' });
export const badRequest = (code: EdgeCode, message: string, details: unknown[] = []): HttpError => new HttpError(400, code, message, details);
export const unsupportedMediaType = (message: string): HttpError => new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', message);
