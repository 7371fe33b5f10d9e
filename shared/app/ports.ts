import type { APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';
import type { LedgerState } from '../domain/ledger';
import type { Mail } from '../notifications/mailer';
import type { ReportView } from '../schemas/api';
import type { Contacts, ContactsImport } from '../schemas/contacts';
import type { CycleRecord } from '../schemas/cycle';
import type { LedgerEvent, LedgerKey } from '../schemas/ledger';
import type { SentMailEntry } from '../schemas/mail-log';

/*
 * The stores the use cases and the HTTP edge read and write, as the application sees them.
 * The DynamoDB adapters (shared/adapters/dynamodb) implement them; tests may stand in.
 */

/** The county ledgers: their events, and the view of each. */
export interface LedgerStore {
  /** The latest state: the stored view (if any) caught up with every newer event. */
  load(key: LedgerKey): Promise<LedgerState>;
  /** The view as stored, possibly behind the events (an empty ledger when none is stored). */
  storedView(key: LedgerKey): Promise<LedgerState>;
  /** Folds in events written after `state.version`. */
  catchUp(state: LedgerState): Promise<LedgerState>;
  /** Appends at `event.seq` iff nothing is there yet; false when another writer won. */
  append(key: LedgerKey, event: LedgerEvent): Promise<boolean>;
  /** Stores the projection of `state`, unless a newer one is already stored. */
  saveView(state: LedgerState): Promise<void>;
  /** The events after sequence number `after` (default: all), in order. */
  events(key: LedgerKey, after?: number): Promise<LedgerEvent[]>;
  /** The latest state of every county ledger of a year that has events (each view caught up). */
  views(year: number): Promise<LedgerState[]>;
}

/**
 * Per county ledger, the event through which every notice is sent: where the daily sweep
 * (sweep-notices.ts) starts looking for notices the stream did not get out.
 */
export interface NoticeProgress {
  /** A year's ledgers by county, each with the sequence number through which its notices are sent (absent: none yet). */
  ofYear(year: number): Promise<Map<string, number>>;
  /**
   * Records that the notices of the events after `after` through `through` are sent, iff
   * those through `after` were already (a gap is never skipped: the sweep fills it first).
   */
  advance(key: LedgerKey, after: number, through: number): Promise<void>;
}

/** One record per share year (calendar, milestones done, the workflow), saved with a version check. */
export interface CycleStore {
  get(year: number): Promise<CycleRecord | undefined>;
  /** The record as read by this process at most `maxAgeMs` ago, else read now. */
  recent(year: number, maxAgeMs: number): Promise<CycleRecord | undefined>;
  /** Stores `record` iff the stored version is `record.version - 1` (or none for version 1). */
  save(record: CycleRecord): Promise<boolean>;
}

/** Who gets the notices: a missing entry reads as the example default. */
export interface ContactStore {
  /** The contacts as read at most `maxAgeMs` ago by this process (default: the store's cache time). */
  load(maxAgeMs?: number): Promise<Contacts>;
  /** Sets the named fields of the named entries; everything else stays as stored. */
  upsert(partial: ContactsImport): Promise<void>;
  /** Stores the example default of every entry not stored yet (never overwrites an import); how many it stored. */
  seedDefaults(): Promise<number>;
}

/** A mail as it went out (`to` and `cc` the addresses it was sent to then), and when the service accepted it. */
export interface SentMail {
  mail: Pick<Mail, 'dedupeKey' | 'year' | 'kind' | 'addressee' | 'county' | 'subject' | 'to' | 'cc'>;
  sentAt: string;
}

/** A page of a year's sent mails, newest first; `next` (opaque) asks for the page after it. */
export interface SentMailPage {
  mails: SentMailEntry[];
  next?: string;
}

/** Which recipients got which mail (each recipient once per dedupe key), and the year's log of mails sent. */
export interface SentMailStore {
  /** Of these mails' recipients, those already marked: by dedupe key, the (lower-cased) addresses. */
  sentAmong(mails: readonly { dedupeKey: string; recipients: readonly string[] }[]): Promise<Map<string, Set<string>>>;
  /** Marks each mail's recipients as sent and logs the mail under its year. */
  recordSent(sent: readonly SentMail[]): Promise<void>;
  /** A year's sent mails, newest first, `limit` at a time, those concerning `county` only if given. */
  list(year: number, page: { county?: string; limit: number; after?: string }): Promise<SentMailPage>;
}

export interface StoredCountyReport {
  report: ReportView;
  /** The report as CSV (countyReportCsv), exactly as e-mailed. */
  csv: string;
  storedAt: string;
}

/** Per county and year: the waiting workflow task's token and the report as sent. */
export interface CountyReportStore {
  /** Replaces any earlier token: only the latest wait (after a moved report date) can be resumed. */
  putToken(key: LedgerKey, token: string, storedAt: string): Promise<void>;
  getToken(key: LedgerKey): Promise<string | undefined>;
  /** Stores the report unless one is stored already (a report never changes once submitted); true if this call stored it. */
  putReport(key: LedgerKey, report: ReportView, csv: string, storedAt: string): Promise<boolean>;
  getReport(key: LedgerKey): Promise<StoredCountyReport | undefined>;
}

export type Reservation =
  /** This request holds the key: run it, then complete, release or unlock. */
  | { kind: 'run'; owner: string }
  /** The same request was accepted before: answer with its response. */
  | { kind: 'replay'; response: ApiResult }
  /** The key belongs to another request (another method, path, content type or body). */
  | { kind: 'mismatch' }
  /** The same request is being run right now. */
  | { kind: 'in-flight' };

/** The API's `Idempotency-Key` records (shared/http/handler.ts): one per caller and key. */
export interface IdempotencyStore {
  /** Binds the key to the request's fingerprint before it runs: of two concurrent requests exactly one runs. */
  reserve(scope: string, fingerprint: string): Promise<Reservation>;
  /** Keeps the accepted response of the reservation's request. */
  complete(scope: string, owner: string, response: ApiResult): Promise<void>;
  /** Forgets the key: its request was refused and wrote nothing. */
  release(scope: string, owner: string): Promise<void>;
  /** Lets the same request run again (it failed), keeping the key bound to it. */
  unlock(scope: string, owner: string): Promise<void>;
}
