import { refuse } from '../domain/errors';
import { findCounty, findMunicipality } from '../reference';
import type { Actor } from '../schemas/ledger';
import type { User } from '../schemas/user';
import { Forbidden } from './errors';

/** Who may act on what: pure checks that throw 403 with a Swedish message. */
export function asMunicipality(user: User | null): Extract<User, { role: 'municipality' }> {
  if (user?.role !== 'municipality') throw new Forbidden('Endast kommuner kan göra detta.');
  return user;
}

/** A municipality acting as the giver named in the path: only for itself. */
export function asGiver(user: User | null, giver: string): Extract<User, { role: 'municipality' }> {
  const me = asMunicipality(user);
  if (me.municipality !== giver) throw new Forbidden('En kommun kan bara ändra eller återkalla sitt eget förslag.');
  return me;
}

export function asCountyOf(user: User | null, county: string): void {
  if (user?.role !== 'county' || user.county !== county) throw new Forbidden('Endast länsstyrelsen i länet kan göra detta.');
}

/** Reading a county's records: that county's board, or an administrator. */
export function asCountyOrAdmin(user: User | null, county: string): void {
  if (user?.role === 'admin') return;
  if (user?.role !== 'county' || user.county !== county) throw new Forbidden('Endast länsstyrelsen i länet eller en administratör kan se detta.');
}

export function asAdmin(user: User | null): void {
  if (user?.role !== 'admin') throw new Forbidden('Endast administratörer kan göra detta.');
}

/**
 * The county a signed-in user may read, given an optional `?county=`: municipalities and
 * county boards read their own county (asking for another is refused, never filtered
 * silently); administrators read the one asked for, or every county (undefined).
 */
export function readableCounty(user: User | null, requested: string | undefined): string | undefined {
  if (requested !== undefined) requireCounty(requested);
  if (user?.role === 'admin') return requested;
  if (!user) throw new Forbidden();
  if (requested !== undefined && requested !== user.county) throw new Forbidden('Du kan bara se uppgifter för ditt eget län.');
  return user.county;
}

/** Who the ledger records as having acted: the role, the organisation and the person. */
export function actorOf(user: User): Actor {
  const person = user.person ? { person: user.person } : {};
  if (user.role === 'municipality') return { role: 'municipality', id: user.municipality, ...person };
  if (user.role === 'county') return { role: 'county', id: user.county, ...person };
  return { role: 'admin', ...person };
}

/** The county whose ledger holds a giver's proposal. */
export function countyOfMunicipality(code: string): string {
  return findMunicipality(code)?.county ?? refuse('UNKNOWN_MUNICIPALITY', `Kommunen ${code} finns inte.`, [{ municipality: code }]);
}

export function requireCounty(code: string): string {
  return findCounty(code)?.code ?? refuse('UNKNOWN_COUNTY', `Länet ${code} finns inte.`, [{ county: code }]);
}
