import { refuse } from '../domain/errors';
import { proposalHistory, seenByReceiver } from '../domain/ledger';
import { Forbidden } from './errors';
import type { ProposalHistory } from '../schemas/api';
import { countyOfMunicipality } from './access';
import type { CommandInput } from './command';
import { presentHistoryEntry } from './present';

/**
 * The history of a giver's proposals this year, oldest first: for the giver, its county's
 * board and administrators all of it; for a municipality the proposal has named as receiver
 * (now or before) the part while it was named (see seenByReceiver).
 */
export async function getProposalHistory({ app, user, year }: Pick<CommandInput, 'app' | 'user' | 'year'>, giver: string): Promise<ProposalHistory> {
  const county = countyOfMunicipality(giver);
  // Outsiders are refused before anything is read, so they cannot probe what exists.
  if (!user || (user.role !== 'admin' && user.county !== county)) throw new Forbidden('Du kan bara se förslag i ditt eget län.');
  const key = { year, county };
  const steps = proposalHistory(key, await app.ledgers.events(key), giver);
  if (steps.length === 0) refuse('PROPOSAL_NOT_FOUND', undefined, [{ giver }]);
  const entries = user.role === 'municipality' && user.municipality !== giver ? seenByReceiver(steps, user.municipality) : steps.map((s) => s.entry);
  if (entries.length === 0) throw new Forbidden('Endast den givande kommunen och de kommuner som förslaget har gällt som mottagare kan se förslagets historik.');
  return { year, county, giver, events: entries.map(presentHistoryEntry) };
}
