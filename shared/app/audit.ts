import { Forbidden, Invalid } from './errors';
import type { AuditList, CountyQuery } from '../schemas/api';
import { readableCounty, requireCounty } from './access';
import type { CommandInput } from './command';
import { presentEvent } from './present';

/**
 * A county ledger's events, oldest first: who did what, when, with which idempotency key.
 * County boards read their own county (implied when `?county=` is left out); administrators
 * name the county.
 */
export async function listAudit({ app, user, year }: Pick<CommandInput, 'app' | 'user' | 'year'>, query: CountyQuery): Promise<AuditList> {
  if (user?.role === 'municipality') throw new Forbidden('Endast länsstyrelsen i länet eller en administratör kan se händelseloggen.');
  const county = requireCounty(readableCounty(user, query.county) ?? missingCounty());
  const events = await app.ledgers.events({ year, county });
  return { year, county, events: events.map(presentEvent) };
}

function missingCounty(): never {
  throw new Invalid('VALIDATION_FAILED', 'Ange länet med ?county=.', [{ path: 'county', message: 'Länskod saknas.' }]);
}
