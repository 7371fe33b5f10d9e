/**
 * Every way a command can be refused, with a stable code and a Swedish message.
 * `kind` says what sort of refusal it is; the API maps kinds to HTTP statuses.
 */
export type ErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'rule';

const catalog = {
  INVALID_AMOUNT: ['invalid', 'Beloppet ska vara ett tal i promille med högst tre decimaler, mellan 0 och 1000.'],
  INVALID_SHARES: ['invalid', 'De preliminära andelarna är ofullständiga eller felaktiga.'],
  UNKNOWN_MUNICIPALITY: ['not_found', 'Kommunen finns inte.'],
  UNKNOWN_COUNTY: ['not_found', 'Länet finns inte.'],
  PROPOSAL_NOT_FOUND: ['not_found', 'Det finns inget förslag från den kommunen.'],
  // R1
  SAME_MUNICIPALITY: ['rule', 'En kommun kan inte omfördela till sig själv.'],
  OTHER_COUNTY: ['rule', 'Mottagande kommun ska ligga i samma län som den givande kommunen.'],
  // R2
  GIVER_HAS_PROPOSAL: ['conflict', 'Kommunen har redan ett aktivt förslag detta år. Ändra eller återkalla det först.'],
  // R4
  ROLE_CONFLICT: ['conflict', 'En kommun kan inte både ge och ta emot andelar samma år.'],
  // R5
  AMOUNT_NOT_POSITIVE: ['rule', 'Beloppet ska vara större än noll.'],
  AMOUNT_EXCEEDS_SHARE: ['rule', 'Beloppet är större än kommunens preliminära andel.'],
  // R6
  SUBMISSION_WINDOW_CLOSED: ['conflict', 'Perioden för förslag är inte öppen.'],
  SHARES_NOT_IMPORTED: ['conflict', 'Preliminära andelar har inte lästs in för året.'],
  // R7
  CONSENT_MISSING: ['conflict', 'Förslaget saknar mottagande kommuns samtycke.'],
  NOT_RECEIVER: ['forbidden', 'Endast den mottagande kommunen kan svara på förslaget.'],
  // R8
  REJECTION_REASON_REQUIRED: ['rule', 'Ett avslag ska motiveras.'],
  UNDECIDED_PROPOSALS: ['conflict', 'Alla överenskomna förslag ska beslutas innan länsrapporten lämnas.'],
  // R9
  TOTALS_CHANGED: ['rule', 'Omfördelningen skulle ändra länets eller rikets totala andel.'],
  NEGATIVE_SHARE: ['rule', 'En slutlig andel kan inte bli negativ.'],
  // Lifecycle of the ledger
  INVALID_STATUS: ['conflict', 'Förslaget har fel status för åtgärden.'],
  SHARES_LOCKED: ['conflict', 'Andelarna kan inte ändras när förslag redan finns eller perioden har stängt.'],
  WINDOW_ALREADY_OPEN: ['conflict', 'Perioden för förslag är redan öppnad.'],
  WINDOW_ALREADY_CLOSED: ['conflict', 'Perioden för förslag är redan stängd.'],
  WINDOW_NOT_CLOSED: ['conflict', 'Perioden för förslag har inte stängt ännu.'],
  REPORT_ALREADY_SUBMITTED: ['conflict', 'Länsrapporten är redan inlämnad.'],
  REPORT_NOT_SUBMITTED: ['conflict', 'Länsrapporten är inte inlämnad.'],
  ALREADY_FINAL: ['conflict', 'De slutliga andelarna är redan fastställda.'],
} as const satisfies Record<string, readonly [ErrorKind, string]>;

export type ErrorCode = keyof typeof catalog;
export const ERROR_CODES = Object.keys(catalog) as ErrorCode[];

export class RuleError extends Error {
  readonly kind: ErrorKind;

  constructor(
    readonly code: ErrorCode,
    message: string = catalog[code][1],
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'RuleError';
    this.kind = catalog[code][0];
  }
}

export function refuse(code: ErrorCode, message?: string, details?: unknown[]): never {
  throw new RuleError(code, message, details);
}
