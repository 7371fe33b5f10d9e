import { z } from 'zod';
import { DecisionOutcome, ProposalStatus } from './ledger';
import { CountyCode, MunicipalityCode } from './reference';

/**
 * The HTTP contract (DESIGN.md §3). Request schemas are strict: unknown fields are
 * refused. The OpenAPI document is generated from these schemas (`.meta({ id })`).
 */

/** A per-mille amount as JSON: a number with at most 3 decimals (parsed exactly by the domain). */
export const PerMilleAmount = z.number().meta({ id: 'PerMille', description: 'Promille, högst tre decimaler', example: 1.25 });

export const YearParam = z.coerce.number().int().min(2000).max(2999);
export const YearParams = z.object({ year: YearParam });
export const GiverParams = z.object({ year: YearParam, giver: MunicipalityCode });
export const CountyParams = z.object({ year: YearParam, county: CountyCode });

export const ErrorBody = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }),
  })
  .meta({ id: 'Error' });

export const SubmitProposalBody = z.strictObject({ receiver: MunicipalityCode, perMille: PerMilleAmount }).meta({ id: 'SubmitProposal' });
export const AmendProposalBody = z
  .strictObject({ receiver: MunicipalityCode.optional(), perMille: PerMilleAmount.optional() })
  .refine((b) => b.receiver !== undefined || b.perMille !== undefined, { message: 'Ange receiver eller perMille.' })
  .meta({ id: 'AmendProposal' });
export const ConsentBody = z.strictObject({ accept: z.boolean() }).meta({ id: 'Consent' });
export const DecisionBody = z
  .strictObject({ outcome: DecisionOutcome, reason: z.string().max(2000).optional() })
  .meta({ id: 'Decision' });

export const ProposalView = z
  .object({
    year: z.number().int(),
    giver: MunicipalityCode,
    receiver: MunicipalityCode,
    county: CountyCode,
    perMille: z.number(),
    status: ProposalStatus,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    receiverConsentAt: z.string().optional(),
    decision: z
      .object({ outcome: DecisionOutcome, reason: z.string().optional(), at: z.string(), by: z.string() })
      .optional(),
  })
  .meta({ id: 'Proposal' });
export const ProposalList = z.object({ year: z.number().int(), proposals: z.array(ProposalView) }).meta({ id: 'ProposalList' });

export type ProposalView = z.infer<typeof ProposalView>;
