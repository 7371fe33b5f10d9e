import { COUNTIES, MUNICIPALITIES } from '../reference';
import type { Contacts, CountyContact, MunicipalityContact } from '../schemas/contacts';

/**
 * Example addresses for every contact, derived from the reference data, so the local stack
 * (and a fresh deployment before the first import) has a recipient for every notice.
 * All are under example.se: reserved for examples, so nothing real is ever reached.
 */
export const defaultMunicipalityContact = (code: string): MunicipalityContact => ({ emails: [`kommun-${code}@kommun.example.se`] });

export const defaultCountyContact = (code: string): CountyContact => ({
  mailbox: `lansstyrelsen-${code}@lst.example.se`,
  officers: [`handlaggare-${code}@lst.example.se`],
});

const DEFAULT_MIGRATIONSVERKET = { mailbox: 'ensamkommande@migrationsverket.example.se' } as const;
const DEFAULT_ADMINISTRATORS = { mailbox: 'admin@omfordelning.example.se' } as const;

export function defaultContacts(): Contacts {
  return {
    municipalities: Object.fromEntries(MUNICIPALITIES.map((m) => [m.code, defaultMunicipalityContact(m.code)])),
    counties: Object.fromEntries(COUNTIES.map((c) => [c.code, defaultCountyContact(c.code)])),
    migrationsverket: { ...DEFAULT_MIGRATIONSVERKET },
    administrators: { ...DEFAULT_ADMINISTRATORS },
  };
}
