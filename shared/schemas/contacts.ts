import * as z from 'zod/mini';
import { CountyCode, MunicipalityCode } from './reference';

/**
 * Who receives the e-mail notices. Contacts are data (docs/DESIGN.md "E-mail"): stored in the
 * table, imported by an administrator, with example defaults for every missing entry.
 * A municipality has one or more addresses (for example its registry and the person
 * handling the matter), all of which receive every mail to it; a county has one functional
 * mailbox (the mails' Reply-To, and their main recipient when sent to the county) and any
 * number of officers, copied on every mail to the county.
 */
const EmailAddress = z.email().check(z.maxLength(254)).register(z.globalRegistry, { example: 'registrator@kommun.se' });

/** At most this many addresses per list: enough for a registry and a few officers. */
const MAX_ADDRESSES = 10;
const Addresses = (min: number) => z.array(EmailAddress).check(z.minLength(min), z.maxLength(MAX_ADDRESSES));

export const MunicipalityContact = z.lazy(() => z.object({
  /** Every address that receives the municipality's mails (at least one). */
  emails: Addresses(1),
}));
export const CountyContact = z.lazy(() => z.object({
  /** The county administrative board's functional mailbox: the To and the Reply-To of its mails. */
  mailbox: EmailAddress,
  /** The officers handling redistribution, copied on every mail to the county (may be none). */
  officers: Addresses(0),
}));
const MailboxContact = z.object({ mailbox: EmailAddress });

export const ContactsSchema = z.lazy(() => z
  .object({
    municipalities: z.record(MunicipalityCode, MunicipalityContact),
    counties: z.record(CountyCode, CountyContact),
    migrationsverket: MailboxContact,
    administrators: MailboxContact,
  }))
  .register(z.globalRegistry, { id: 'Contacts' });

/**
 * PUT /v1/contacts: any subset of the contacts; what is left out stays as it is. A named
 * list replaces the stored list. A county entry may change only its mailbox or only its
 * officers (an officer changes jobs more often than a mailbox does). The single-address
 * fields of the first contract (`email` of a municipality, `officer` of a county) are still
 * accepted, as a list of one.
 */
export const ContactsImportBody = z
  .strictObject({
    municipalities: z.optional(
      z.record(
        MunicipalityCode,
        z
          .strictObject({
            emails: z.optional(Addresses(1)),
            email: z.optional(EmailAddress).register(z.globalRegistry, { deprecated: true, description: 'Som emails med en adress (äldre form).' }),
          })
          .check(z.refine((m) => (m.emails === undefined) !== (m.email === undefined), { message: 'Ange emails (en lista med minst en adress).' })),
      ),
    ),
    counties: z.optional(
      z.record(
        CountyCode,
        z
          .strictObject({
            mailbox: z.optional(EmailAddress),
            officers: z.optional(Addresses(0)),
            officer: z.optional(EmailAddress).register(z.globalRegistry, { deprecated: true, description: 'Som officers med en adress (äldre form).' }),
          })
          .check(
            z.refine((c) => !(c.officers !== undefined && c.officer !== undefined), { message: 'Ange officers eller officer, inte båda.' }),
            z.refine((c) => c.mailbox !== undefined || c.officers !== undefined || c.officer !== undefined, { message: 'Ange mailbox eller officers.' }),
          ),
      ),
    ),
    migrationsverket: z.optional(z.strictObject({ mailbox: EmailAddress })),
    administrators: z.optional(z.strictObject({ mailbox: EmailAddress })),
  })
  .check(
    z.refine((b) => Object.values(b).some((v) => v !== undefined), {
      message: 'Ange minst en av municipalities, counties, migrationsverket eller administrators.',
    }),
  )
  .register(z.globalRegistry, { id: 'ContactsImport' });

export type Contacts = z.infer<typeof ContactsSchema>;
export type MunicipalityContact = z.infer<typeof MunicipalityContact>;
export type CountyContact = z.infer<typeof CountyContact>;
export type ContactsImport = z.infer<typeof ContactsImportBody>;

/** An import in the current shape only: the single-address fields made lists of one. Pure. */
export function normaliseContactsImport(body: ContactsImport): NormalisedContactsImport {
  return {
    ...(body.municipalities && {
      municipalities: Object.fromEntries(Object.entries(body.municipalities).map(([code, m]) => [code, { emails: m.emails ?? [m.email!] }])),
    }),
    ...(body.counties && {
      counties: Object.fromEntries(
        Object.entries(body.counties).map(([code, c]) => {
          const officers = c.officers ?? (c.officer !== undefined ? [c.officer] : undefined);
          return [code, { ...(c.mailbox !== undefined && { mailbox: c.mailbox }), ...(officers && { officers }) }];
        }),
      ),
    }),
    ...(body.migrationsverket && { migrationsverket: body.migrationsverket }),
    ...(body.administrators && { administrators: body.administrators }),
  };
}

export interface NormalisedContactsImport {
  municipalities?: Record<string, MunicipalityContact>;
  counties?: Record<string, Partial<CountyContact>>;
  migrationsverket?: { mailbox: string };
  administrators?: { mailbox: string };
}
