import * as z from 'zod/mini';
import { CountyCode, MunicipalityCode } from './reference';

/**
 * What the year's list of sent mails says about each mail besides its subject and recipients
 * (GET /v1/years/{year}/mails): which notice it is and to which organisation it went.
 */

/**
 * Which notice a mail is: one of the workflow's (shared/notifications/cycle-messages.ts and
 * calendar-notices.ts) or the ledger event it tells of (shared/notifications/messages.ts).
 */
export const MailKind = z
  .enum([
    'publish',
    'reminder',
    'deadline',
    'auto-submit',
    'report',
    'finalize',
    'failure',
    'deadline-moved',
    'county-warning',
    'left-out',
    'ProposalSubmitted',
    'ProposalAmended',
    'ProposalWithdrawn',
    'ReceiverConsented',
    'ReceiverDeclined',
    'ProposalDecided',
  ])
  .register(z.globalRegistry, {
    id: 'MailKind',
    description:
      'Vilket meddelande det är: arbetsflödets (publish, reminder, deadline, auto-submit, report, finalize, failure, deadline-moved, county-warning, left-out) eller händelsen i länets logg som det berättar om.',
  });
export type MailKind = z.infer<typeof MailKind>;

/** To whom a mail is addressed, as an organisation (its addresses are the mail's own). */
export const Addressee = z.discriminatedUnion('organisation', [
  z.object({ organisation: z.literal('municipality'), code: MunicipalityCode }),
  z.object({ organisation: z.literal('county'), code: CountyCode }),
  z.object({ organisation: z.literal('migrationsverket') }),
  z.object({ organisation: z.literal('administrators') }),
]);
export type Addressee = z.infer<typeof Addressee>;

/** One mail as the service sent it: to the addresses it went to then (a resend names only the new ones). */
export const SentMailEntry = z.object({
  sentAt: z.string(),
  kind: MailKind,
  subject: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  addressee: Addressee,
  /** The county the mail concerns; none for the administrators' mails. */
  county: z.optional(CountyCode),
});
export type SentMailEntry = z.infer<typeof SentMailEntry>;
