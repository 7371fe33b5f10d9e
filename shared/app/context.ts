import type { Mailer } from '../notifications/mailer';
import type { Workflow } from '../workflow/port';
import type { ContactStore, CountyReportStore, CycleStore, IdempotencyStore, LedgerStore, NoticeProgress, SentMailStore } from './ports';

/**
 * The ports a use case may reach. Each use case asks for the part it uses (a Pick, or one of
 * the groups below), so that a function is given, and loads, only the clients it calls; the
 * composition root (shared/composition) builds them.
 */
export interface AppContext {
  ledgers: LedgerStore;
  idempotency: IdempotencyStore;
  cycles: CycleStore;
  contacts: ContactStore;
  mailer: Mailer;
  sentMail: SentMailStore;
  /** Per ledger, through which event the notices are sent (the daily sweep's start). */
  notified: NoticeProgress;
  /** Per county and year: the waiting task's token and the report as sent. */
  reportStore: CountyReportStore;
  /** The yearly state machine. */
  workflow: Workflow;
  /**
   * The web app's address (`https://omfordelning.example.se`, no trailing slash): the notices
   * link the page of each next step under it. Unset: they say "Logga in i tjänsten" instead.
   */
  appUrl?: string;
}

/** The stores in the one table (one DynamoDB client). */
export type Tables = Pick<AppContext, 'ledgers' | 'idempotency' | 'cycles' | 'contacts' | 'sentMail' | 'notified' | 'reportStore'>;

/** Sending the notices (the e-mail service) and the address they link to. */
export type Mailing = Pick<AppContext, 'mailer' | 'appUrl'>;

/** What the workflow's acts and the followers reach: the table and the mail, not the state machine. */
export type ActContext = Omit<AppContext, 'workflow'>;
