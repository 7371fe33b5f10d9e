import { refuse } from '../domain/errors';
import { findMunicipality } from '../reference';
import type { User } from '../schemas/user';
import { forbidden } from '../http/errors';

/** Who may act on what: pure checks that throw 403 with a Swedish message. */
export function asMunicipality(user: User | null): Extract<User, { role: 'municipality' }> {
  if (user?.role !== 'municipality') throw forbidden('Endast kommuner kan göra detta.');
  return user;
}

export function asCountyOf(user: User | null, county: string): void {
  if (user?.role !== 'county' || user.county !== county) throw forbidden('Endast länsstyrelsen i länet kan göra detta.');
}

export function asAdmin(user: User | null): void {
  if (user?.role !== 'admin') throw forbidden('Endast administratörer kan göra detta.');
}

/** The county whose ledger holds a giver's proposal. */
export function countyOfMunicipality(code: string): string {
  return findMunicipality(code)?.county ?? refuse('UNKNOWN_MUNICIPALITY', `Kommunen ${code} finns inte.`, [{ municipality: code }]);
}
