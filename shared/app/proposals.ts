import { parsePerMille } from '../domain/per-mille';
import { execute } from '../ledger/execute';
import type { User } from '../schemas/user';
import { asMunicipality, countyOfMunicipality } from './access';
import { calendarOf } from './calendar';
import type { AppContext } from './context';
import { presentProposal } from './present';

export interface CommandInput {
  app: AppContext;
  user: User | null;
  year: number;
  now: string;
  idempotencyKey?: string;
}

/** A municipality proposes to give part of its share to another municipality (R1–R6). */
export async function submitProposal(input: CommandInput, body: { receiver: string; perMille: number }) {
  const { app, year, now, idempotencyKey } = input;
  const giver = asMunicipality(input.user);
  const key = { year, county: giver.county };
  const command = { type: 'SubmitProposal', giver: giver.municipality, receiver: body.receiver, perMille: parsePerMille(body.perMille) } as const;
  const calendar = await calendarOf(app, year);
  const outcome = await execute(app.ledgers, key, command, { now, calendar, actor: { role: 'municipality', id: giver.municipality } }, idempotencyKey);
  return { outcome, proposal: presentProposal(key, outcome.state.proposals[giver.municipality]!) };
}

