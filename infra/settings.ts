import * as z from 'zod';
import { BadContextError, appUrlFromContext } from './constructs/web-app';

/**
 * The deployment's settings, from CDK context (`-c key=value` or cdk.json's "context"), read
 * and checked once, before any construct is built. Four have no sensible default: a wrong
 * sender fails every e-mail, a wrong Migrationsverket mailbox sends its notices nowhere, an
 * alarm nobody receives is no alarm, and a stage names the stack. Missing ones stop synthesis
 * with one line naming all of them.
 */
export interface DeploymentSettings {
  /** Names the stack (`Omfordelning-<stage>`) and tags every resource. */
  stage: string;
  /** The sender: an address (`omfordelning@kommun.se`) or a domain (we send as `omfordelning@<domain>`). */
  mailFrom: string;
  /** `existing`: the SES identity is verified already (the default); `create`: the stack creates it. */
  mailIdentity: 'existing' | 'create';
  /** Migrationsverket's functional mailbox, until an administrator imports another one. */
  migrationsverketMailbox: string;
  /** The operator's address subscribed to the alarms. */
  alarmEmail: string;
  /** `https://<host>`, or undefined: the distribution's own address. */
  appUrl?: string;
  /** How long AWS Backup keeps each daily backup of the ledger table. */
  backupRetentionDays: number;
  authDomainPrefix?: string;
  /**
   * Each AWS SDK call of the functions as an X-Ray subsegment (the Powertools Tracer in every
   * bundle, about 115 KB and 15–24 ms a cold start). Off by default: X-Ray still shows each
   * invocation, its start and its duration (active tracing).
   */
  traceAwsCalls: boolean;
}

/** Ten years: the ledger is the legal record of the redistributions. */
const DEFAULT_BACKUP_RETENTION_DAYS = 3650;

const REQUIRED = ['stage', 'mailFrom', 'migrationsverketMailbox', 'alarmEmail'] as const;

/** Where the example values of the README and the message come from. */
const EXAMPLES: Record<(typeof REQUIRED)[number], string> = {
  stage: 'prod',
  mailFrom: 'omfordelning@kommun.se',
  migrationsverketMailbox: 'ensamkommande@migrationsverket.se',
  alarmEmail: 'drift@kommun.se',
};

const Email = z.email().max(254);
const Domain = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i);

/** The settings of `context`, or a BadContextError whose one-line message says what to give. */
export function deploymentSettings(context: (key: string) => unknown): DeploymentSettings {
  const text = (key: string): string | undefined => {
    const value = context(key);
    return value === undefined || value === null || String(value).trim() === '' ? undefined : String(value).trim();
  };
  const missing = REQUIRED.filter((key) => text(key) === undefined);
  if (missing.length > 0) {
    const flags = missing.map((key) => `-c ${key}=${EXAMPLES[key]}`).join(' ');
    throw new BadContextError(
      `Inställningar saknas: ${missing.join(', ')}. Ange dem med ${flags} eller under "context" i cdk.json (se README, "Deploying to AWS").`,
    );
  }
  const stage = text('stage')!;
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new BadContextError(`stage ska vara 1–20 små bokstäver, siffror eller bindestreck och börja med en bokstav (till exempel prod), inte ${stage}.`);
  }
  const mailFrom = text('mailFrom')!;
  if (!Email.safeParse(mailFrom).success && !Domain.safeParse(mailFrom).success) {
    throw new BadContextError(`mailFrom ska vara en e-postadress eller en domän (till exempel omfordelning@kommun.se), inte ${mailFrom}.`);
  }
  const mailIdentity = text('mailIdentity') ?? 'existing';
  if (mailIdentity !== 'existing' && mailIdentity !== 'create') {
    throw new BadContextError(`mailIdentity ska vara existing (identiteten är redan verifierad i SES) eller create, inte ${mailIdentity}.`);
  }
  for (const key of ['migrationsverketMailbox', 'alarmEmail'] as const) {
    if (!Email.safeParse(text(key)).success) throw new BadContextError(`${key} ska vara en e-postadress, inte ${text(key)}.`);
  }
  const retention = text('backupRetentionDays');
  const backupRetentionDays = retention === undefined ? DEFAULT_BACKUP_RETENTION_DAYS : Number(retention);
  if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 36 || backupRetentionDays > 36_500) {
    throw new BadContextError(`backupRetentionDays ska vara ett heltal mellan 36 och 36500 (dagar, mer än PITR:s 35), inte ${retention}.`);
  }
  const tracing = text('traceAwsCalls') ?? 'false';
  if (tracing !== 'true' && tracing !== 'false') throw new BadContextError(`traceAwsCalls ska vara true eller false, inte ${tracing}.`);
  const appUrl = appUrlFromContext(text('appUrl'));
  const authDomainPrefix = text('authDomainPrefix');
  return {
    stage,
    mailFrom,
    mailIdentity,
    migrationsverketMailbox: text('migrationsverketMailbox')!,
    alarmEmail: text('alarmEmail')!,
    backupRetentionDays,
    traceAwsCalls: tracing === 'true',
    ...(appUrl && { appUrl }),
    ...(authDomainPrefix && { authDomainPrefix }),
  };
}

/** `Omfordelning-<stage>`: two stages can live in one account and region. */
export function stackNameFor(stage: string): string {
  return `Omfordelning-${stage}`;
}

/**
 * The settings of in-process synthesis (tests, the local stack): the addresses are under
 * example.se, which reaches nobody, and match the contacts' example defaults.
 */
export const LOCAL_SETTINGS = {
  stage: 'local',
  mailFrom: 'omfordelning@example.se',
  migrationsverketMailbox: 'ensamkommande@migrationsverket.example.se',
  alarmEmail: 'larm@example.se',
} as const;
