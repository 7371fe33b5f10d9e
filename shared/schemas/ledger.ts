import * as z from 'zod/mini';
import { CountyCode, MunicipalityCode } from './reference';

/** Amounts inside the ledger: integer thousandths of a per mille (see domain/per-mille). */
const Milli = z.int().check(z.nonnegative());
const Instant = z.string();

export const ProposalStatus = z.enum(['AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED', 'DECLINED', 'WITHDRAWN', 'EXPIRED']);
export const DecisionOutcome = z.enum(['APPROVED', 'REJECTED']);
export const ReportMode = z.enum(['SUBMITTED', 'AUTO_SUBMITTED']);

/** The person who acted: the token's subject, with name and e-mail when the token has them. */
export const PersonSchema = z.object({ sub: z.string(), name: z.optional(z.string()), email: z.optional(z.string()) });

/** Who acted: the role, the organisation (municipality or county code) and the person. */
export const ActorSchema = z.object({
  role: z.enum(['municipality', 'county', 'admin', 'system']),
  id: z.optional(z.string()),
  person: z.optional(PersonSchema),
});

/**
 * What a municipality's leadership decided, as it states it with a proposal or a consent:
 * the decision's reference (for example "KS 2027/123 § 45"), a contact person and a comment.
 */
export const ResolutionSchema = z.object({
  decisionReference: z.optional(z.string()),
  contact: z.optional(z.object({ name: z.optional(z.string()), email: z.optional(z.string()), phone: z.optional(z.string()) })),
  comment: z.optional(z.string()),
});

/** What a county ledger records: one event per accepted command. */
export const EventBodySchema = z.lazy(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('SharesImported'), shares: z.record(MunicipalityCode, Milli) }),
  z.object({ type: z.literal('WindowOpened') }),
  z.object({ type: z.literal('ProposalSubmitted'), giver: MunicipalityCode, receiver: MunicipalityCode, perMille: Milli, resolution: z.optional(ResolutionSchema) }),
  z.object({ type: z.literal('ProposalAmended'), giver: MunicipalityCode, receiver: MunicipalityCode, perMille: Milli, resolution: z.optional(ResolutionSchema) }),
  z.object({ type: z.literal('ProposalWithdrawn'), giver: MunicipalityCode }),
  z.object({ type: z.literal('ReceiverConsented'), giver: MunicipalityCode, resolution: z.optional(ResolutionSchema) }),
  z.object({ type: z.literal('ReceiverDeclined'), giver: MunicipalityCode, resolution: z.optional(ResolutionSchema) }),
  z.object({ type: z.literal('WindowClosed'), expired: z.array(MunicipalityCode) }),
  z.object({ type: z.literal('ProposalDecided'), giver: MunicipalityCode, outcome: DecisionOutcome, reason: z.optional(z.string()) }),
  z.object({ type: z.literal('CountyReportSubmitted'), mode: ReportMode }),
  z.object({ type: z.literal('SharesFinalized'), shares: z.record(MunicipalityCode, Milli) }),
]));

export const LedgerEventSchema = z.lazy(() => z.intersection(
  z.object({
    seq: z.int().check(z.positive()),
    at: Instant,
    actor: ActorSchema,
    idempotencyKey: z.optional(z.string()),
  }),
  EventBodySchema,
));

const LedgerKeySchema = z.object({ year: z.int(), county: CountyCode });

export type ProposalStatus = z.infer<typeof ProposalStatus>;
export type DecisionOutcome = z.infer<typeof DecisionOutcome>;
export type ReportMode = z.infer<typeof ReportMode>;
export type Actor = z.infer<typeof ActorSchema>;
export type Person = z.infer<typeof PersonSchema>;
export type Resolution = z.infer<typeof ResolutionSchema>;
export type EventBody = z.infer<typeof EventBodySchema>;
export type EventType = EventBody['type'];
export type LedgerEvent = z.infer<typeof LedgerEventSchema>;
export type LedgerKey = z.infer<typeof LedgerKeySchema>;
