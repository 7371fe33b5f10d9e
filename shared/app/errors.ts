import type { ErrorKind } from '../domain/errors';

/**
 * The kinds of refusal a use case gives: the domain's own (RuleError) and `unavailable`, a
 * service the use case needs that does not answer just now (try again). Only the driving
 * adapters turn a kind into something else (the HTTP adapter: a status).
 */
export type RefusalKind = ErrorKind | 'unavailable';

/** The codes of the use cases' refusals (the domain's own are its ERROR_CODES). */
export const REFUSAL_CODES = [
  'FORBIDDEN',
  'VALIDATION_FAILED',
  'INVALID_CSV',
  'DUPLICATE_MUNICIPALITY',
  'INVALID_CALENDAR',
  'CALENDAR_TOO_FAR_AHEAD',
  'REPORT_NOT_FOUND',
  'MILESTONE_PASSED',
  'WORKFLOW_UNAVAILABLE',
  'STORE_UNAVAILABLE',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** A use case's refusal beside the domain's rules: a stable code, a Swedish message, details. */
export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    readonly code: RefusalCode,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

/** The caller may not do or see this. */
export class Forbidden extends Refusal {
  constructor(message = 'Du har inte behörighet till detta.') {
    super('forbidden', 'FORBIDDEN', message);
  }
}

/** The input is not what the use case takes (a malformed file, a broken calendar). */
export class Invalid extends Refusal {
  constructor(code: RefusalCode, message: string, details: unknown[] = []) {
    super('invalid', code, message, details);
  }
}

export class NotFound extends Refusal {
  constructor(code: RefusalCode, message: string, details: unknown[] = []) {
    super('not_found', code, message, details);
  }
}

/** The request clashes with where things stand (a milestone that has passed). */
export class Conflict extends Refusal {
  constructor(code: RefusalCode, message: string, details: unknown[] = []) {
    super('conflict', code, message, details);
  }
}

/** A service the use case needs (the workflow) does not answer; the same request may succeed later. */
export class Unavailable extends Refusal {
  constructor(code: RefusalCode, message: string, details: unknown[] = []) {
    super('unavailable', code, message, details);
  }
}

/* The ledger service's own failures (shared/app/ledger/execute.ts), kept here so that an edge can tell them apart without loading the ledger. */

/** Too many writers raced for the same ledger; the command was not applied. */
export class LedgerBusyError extends Error {
  constructor(readonly attempts: number) {
    super(`Ledger still contended after ${attempts} attempts`);
    this.name = 'LedgerBusyError';
  }
}

/**
 * The idempotency key was recorded with another command by the same actor: nothing is
 * replayed and nothing is written (the HTTP layer refuses such a reuse before the command
 * runs; this is the ledger's own check for when the HTTP record of the key is gone).
 */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly idempotencyKey: string, readonly seq: number) {
    super(`Idempotency key already recorded with another command (event ${seq})`);
    this.name = 'IdempotencyKeyReusedError';
  }
}
