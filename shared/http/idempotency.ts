import { createHash } from 'node:crypto';
import type { User } from '../schemas/user';

/**
 * The `Idempotency-Key` contract. A key is 1–255 printable ASCII characters without spaces
 * (0x21–0x7E), for example a UUID. It belongs to the caller (role and municipality or
 * county), not to a route: the same key on another route, with another method or another
 * body is another request and is refused, never answered with the first one's response.
 */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

export const isValidIdempotencyKey = (key: string): boolean => IDEMPOTENCY_KEY_PATTERN.test(key);

/** Whose keys these are: the caller's role and organisation (the ledger scopes its keys the same way). */
export function idempotencyScope(user: User, key: string): string {
  const who = user.role === 'municipality' ? user.municipality : user.role === 'county' ? user.county : '';
  return `${user.role}:${who}:${key}`;
}

export interface RequestFacts {
  method: string;
  /** The path as received, with the query string if there is one. */
  target: string;
  /** The Content-Type header as sent (normalized here), or undefined. */
  contentType: string | undefined;
  /** The body's bytes as received. */
  body: Buffer;
}

/**
 * What makes two requests the same request: SHA-256 (hex) over the method, the target
 * (path and query), the media type and the body's exact bytes. A retry sends the same
 * bytes; a body that differs in any way, even only in spacing, is another request.
 */
export function requestFingerprint({ method, target, contentType, body }: RequestFacts): string {
  const hash = createHash('sha256');
  for (const part of [method.toUpperCase(), target, normalizeContentType(contentType)]) {
    hash.update(part, 'utf8');
    hash.update('\n');
  }
  hash.update(body);
  return hash.digest('hex');
}

/** `Application/JSON ; Charset=UTF-8` → `application/json;charset=utf-8`; none → ''. */
export const normalizeContentType = (contentType: string | undefined): string => (contentType ?? '').toLowerCase().replace(/\s+/g, '');
