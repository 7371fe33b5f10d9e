import { z } from 'zod';
import { CountyCode, MunicipalityCode } from './reference';

/**
 * Who receives the e-mail notices. Contacts are data (DESIGN.md "E-mail"): stored in the
 * table, imported by an administrator, with example defaults for every missing entry.
 */
export const EmailAddress = z.email().max(254).meta({ example: 'registrator@kommun.se' });

export const MunicipalityContact = z.object({ email: EmailAddress });
export const CountyContact = z.object({
  /** The county administrative board's functional mailbox. */
  mailbox: EmailAddress,
  /** The officer handling redistribution, copied on every proposal event. */
  officer: EmailAddress,
});
export const MailboxContact = z.object({ mailbox: EmailAddress });

export const ContactsSchema = z
  .object({
    municipalities: z.record(MunicipalityCode, MunicipalityContact),
    counties: z.record(CountyCode, CountyContact),
    migrationsverket: MailboxContact,
    administrators: MailboxContact,
  })
  .meta({ id: 'Contacts' });

/**
 * PUT /v1/contacts: any subset of the contacts; what is left out stays as it is. A county
 * entry may change only its mailbox or only its officer (an officer changes jobs more
 * often than a mailbox does).
 */
export const ContactsImportBody = z
  .strictObject({
    municipalities: z.record(MunicipalityCode, z.strictObject({ email: EmailAddress })).optional(),
    counties: z
      .record(
        CountyCode,
        z
          .strictObject({ mailbox: EmailAddress.optional(), officer: EmailAddress.optional() })
          .refine((c) => c.mailbox !== undefined || c.officer !== undefined, { message: 'Ange mailbox eller officer.' }),
      )
      .optional(),
    migrationsverket: z.strictObject({ mailbox: EmailAddress }).optional(),
    administrators: z.strictObject({ mailbox: EmailAddress }).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'Ange minst en av municipalities, counties, migrationsverket eller administrators.',
  })
  .meta({ id: 'ContactsImport' });

export type Contacts = z.infer<typeof ContactsSchema>;
export type MunicipalityContact = z.infer<typeof MunicipalityContact>;
export type CountyContact = z.infer<typeof CountyContact>;
export type ContactsImport = z.infer<typeof ContactsImportBody>;
