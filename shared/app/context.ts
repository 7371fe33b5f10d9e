import { documentClient } from '../adapters/dynamodb/client';
import { ContactStore } from '../adapters/dynamodb/contact-store';
import { CountyReportStore } from '../adapters/dynamodb/county-report-store';
import { CycleStore } from '../adapters/dynamodb/cycle-store';
import { IdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store';
import { SentMailStore } from '../adapters/dynamodb/sent-mail-store';
import { SesMailer } from '../adapters/ses/ses-mailer';
import { StepFunctionsWorkflow } from '../adapters/sfn/step-functions-workflow';
import type { LedgerStore } from '../ledger/store';
import type { Mailer } from '../notifications/mailer';
import type { Workflow } from '../workflow/port';

/** The adapters a use case may reach, built once per Lambda container from its environment. */
export interface AppContext {
  ledgers: LedgerStore;
  idempotency: IdempotencyStore;
  cycles: CycleStore;
  contacts: ContactStore;
  mailer: Mailer;
  sentMail: SentMailStore;
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

let cached: AppContext | undefined;

export function appContext(): AppContext {
  cached ??= buildContext(process.env);
  return cached;
}

/**
 * Replaces the context every handler of this process uses (tests: a fake workflow port for
 * the HTTP handlers); undefined builds it again from the environment at the next call.
 */
export function setAppContext(context: AppContext | undefined): void {
  cached = context;
}

/**
 * Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_SES, AWS_ENDPOINT_URL_SFN, …). MAIL_FROM is required: a sender address SES
 * has not verified would fail every notice, so a missing one should fail at start, not at the
 * first mail. STATE_MACHINE_ARN is not: the workflow adapter is lazy (no client until its
 * first call) and needs the ARN only to start an execution (start-cycle, cycle-start-next).
 * Handlers that only resume a task or read a status (submit-report, get-cycle, the task
 * Lambdas) need not be given it, which also keeps the state machine's own tasks free of a
 * reference to it; starting without it throws WorkflowNotConfiguredError.
 * APP_BASE_URL (the web app's address) is given to the functions that send mail; one that
 * is not an http(s) address fails at start, as a missing MAIL_FROM does, rather than put a
 * broken link in every notice.
 */
export function buildContext(env: NodeJS.ProcessEnv): AppContext {
  const tableName = required(env, 'TABLE_NAME');
  const mailFrom = required(env, 'MAIL_FROM');
  const db = documentClient();
  return {
    ledgers: new DynamoLedgerStore(db, tableName),
    idempotency: new IdempotencyStore(db, tableName),
    cycles: new CycleStore(db, tableName),
    contacts: new ContactStore(db, tableName),
    mailer: new SesMailer(mailFrom),
    sentMail: new SentMailStore(db, tableName),
    reportStore: new CountyReportStore(db, tableName),
    workflow: new StepFunctionsWorkflow(env.STATE_MACHINE_ARN || undefined),
    ...(env.APP_BASE_URL && { appUrl: appUrlOf(env.APP_BASE_URL) }),
  };
}

/** An http(s) origin without a trailing slash, or an error naming the variable. */
export function appUrlOf(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`Environment variable APP_BASE_URL is not the web app's address (https://host, no path): ${value}`);
  }
  return url.origin;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
