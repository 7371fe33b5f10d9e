import { refuse } from '../domain/errors';
import type { LedgerState, Proposal } from '../domain/ledger';
import { parsePerMille } from '../domain/per-mille';
import { Forbidden } from './errors';
import type { AmendProposalBody, ConsentBody, CountyQuery, DecisionBody, ProposalList, ProposalView, SubmitProposalBody } from '../schemas/api';
import type { Resolution } from '../schemas/ledger';
import { actorOf, asCountyOf, asGiver, asMunicipality, countyOfMunicipality, readableCounty } from './access';
import { runCommand, type CommandInput } from './command';
import { presentProposal, presentProposals } from './present';

export type { CommandInput } from './command';

/** The proposal a giver has in its county's ledger after a command. */
const proposalAfter = (state: LedgerState, giver: string): ProposalView => presentProposal(state, state.proposals[giver]!);

/** The leadership's resolution fields of a request body, when any is given (the domain tidies them). */
function resolutionOf(body: Resolution): { resolution?: Resolution } {
  const resolution: Resolution = {
    ...(body.decisionReference !== undefined ? { decisionReference: body.decisionReference } : {}),
    ...(body.contact !== undefined ? { contact: body.contact } : {}),
    ...(body.comment !== undefined ? { comment: body.comment } : {}),
  };
  return Object.keys(resolution).length > 0 ? { resolution } : {};
}

/** A municipality proposes to give part of its share to another municipality (R1–R6). */
export async function submitProposal(input: CommandInput, body: SubmitProposalBody) {
  const giver = asMunicipality(input.user);
  const key = { year: input.year, county: giver.county };
  const command = {
    type: 'SubmitProposal',
    giver: giver.municipality,
    receiver: body.receiver,
    perMille: parsePerMille(body.perMille),
    ...resolutionOf(body),
  } as const;
  const outcome = await runCommand(input, key, command, actorOf(giver));
  return { outcome, proposal: proposalAfter(outcome.state, giver.municipality) };
}

/**
 * The giver changes receiver and/or amount before the deadline, also after the county has
 * decided; the receiver must consent again and the county decide again (R2, R6, R8).
 */
export async function amendProposal(input: CommandInput, giver: string, body: AmendProposalBody): Promise<ProposalView> {
  const key = { year: input.year, county: countyOfMunicipality(giver) };
  const me = asGiver(input.user, giver);
  const command = {
    type: 'AmendProposal',
    giver,
    ...(body.receiver !== undefined ? { receiver: body.receiver } : {}),
    ...(body.perMille !== undefined ? { perMille: parsePerMille(body.perMille) } : {}),
    ...resolutionOf(body),
  } as const;
  const outcome = await runCommand(input, key, command, actorOf(me));
  return proposalAfter(outcome.state, giver);
}

/** The giver withdraws its proposal before the deadline, decided or not (R2). */
export async function withdrawProposal(input: CommandInput, giver: string): Promise<ProposalView> {
  const key = { year: input.year, county: countyOfMunicipality(giver) };
  const me = asGiver(input.user, giver);
  const outcome = await runCommand(input, key, { type: 'WithdrawProposal', giver }, actorOf(me));
  return proposalAfter(outcome.state, giver);
}

/** The receiver consents or declines (R4, R7); the domain refuses anyone but the receiver. */
export async function answerProposal(input: CommandInput, giver: string, body: ConsentBody): Promise<ProposalView> {
  const key = { year: input.year, county: countyOfMunicipality(giver) };
  const me = asMunicipality(input.user);
  const command = { type: 'AnswerProposal', giver, respondent: me.municipality, accept: body.accept, ...resolutionOf(body) } as const;
  const outcome = await runCommand(input, key, command, actorOf(me));
  return proposalAfter(outcome.state, giver);
}

/** The giver's county approves or rejects an agreed proposal, at any time before its report (R8). */
export async function decideProposal(input: CommandInput, giver: string, body: DecisionBody): Promise<ProposalView> {
  const key = { year: input.year, county: countyOfMunicipality(giver) };
  asCountyOf(input.user, key.county);
  const command = { type: 'DecideProposal', giver, outcome: body.outcome, ...(body.reason !== undefined ? { reason: body.reason } : {}) } as const;
  const outcome = await runCommand(input, key, command, actorOf(input.user!));
  return proposalAfter(outcome.state, giver);
}

type ReadInput = Pick<CommandInput, 'app' | 'user' | 'year'>;

/** One giver's proposal, for its parties, its county's board and administrators. */
export async function getProposal({ app, user, year }: ReadInput, giver: string): Promise<ProposalView> {
  const county = countyOfMunicipality(giver);
  // Outsiders are refused before anything is read, so they cannot probe what exists.
  if (!user || (user.role !== 'admin' && user.county !== county)) throw new Forbidden('Du kan bara se förslag i ditt eget län.');
  const state = await app.ledgers.load({ year, county });
  const proposal = state.proposals[giver] ?? refuse('PROPOSAL_NOT_FOUND', undefined, [{ giver }]);
  if (user.role === 'municipality' && !isParty(user.municipality)(proposal)) {
    throw new Forbidden('Endast den givande och den mottagande kommunen kan se förslaget.');
  }
  return presentProposal(state, proposal);
}

/**
 * The proposals a caller may see: a municipality its own (as giver or receiver), a county
 * board its county's, an administrator every county's (or the one asked for). Reading all
 * counties goes through the year's ledger views: one query, not one load per county.
 */
export async function listProposals({ app, user, year }: ReadInput, query: CountyQuery): Promise<ProposalList> {
  const county = readableCounty(user, query.county);
  const states = county === undefined ? await app.ledgers.views(year) : [await app.ledgers.load({ year, county })];
  const keep = user?.role === 'municipality' ? isParty(user.municipality) : () => true;
  const proposals = states.sort((a, b) => a.county.localeCompare(b.county)).flatMap((s) => presentProposals(s, keep));
  return { year, proposals };
}

const isParty = (municipality: string) => (p: Proposal) => p.giver === municipality || p.receiver === municipality;
