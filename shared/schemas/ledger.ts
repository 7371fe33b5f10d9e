import { z } from 'zod';
import { CountyCode, MunicipalityCode } from './reference';

/** Amounts inside the ledger: integer thousandths of a per mille (see domain/per-mille). */
const Milli = z.number().int().nonnegative();
const Instant = z.string();

export const ProposalStatus = z.enum(['AWAITING_RECEIVER', 'AGREED', 'APPROVED', 'REJECTED', 'DECLINED', 'WITHDRAWN', 'EXPIRED']);
export const DecisionOutcome = z.enum(['APPROVED', 'REJECTED']);
export const ReportMode = z.enum(['SUBMITTED', 'AUTO_SUBMITTED']);

export const ActorSchema = z.object({
  role: z.enum(['municipality', 'county', 'admin', 'system']),
  id: z.string().optional(),
});

/** What a county ledger records: one event per accepted command. */
export const EventBodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SharesImported'), shares: z.record(MunicipalityCode, Milli) }),
  z.object({ type: z.literal('WindowOpened') }),
  z.object({ type: z.literal('ProposalSubmitted'), giver: MunicipalityCode, receiver: MunicipalityCode, perMille: Milli }),
  z.object({ type: z.literal('ProposalAmended'), giver: MunicipalityCode, receiver: MunicipalityCode, perMille: Milli }),
  z.object({ type: z.literal('ProposalWithdrawn'), giver: MunicipalityCode }),
  z.object({ type: z.literal('ReceiverConsented'), giver: MunicipalityCode }),
  z.object({ type: z.literal('ReceiverDeclined'), giver: MunicipalityCode }),
  z.object({ type: z.literal('WindowClosed'), expired: z.array(MunicipalityCode) }),
  z.object({ type: z.literal('ProposalDecided'), giver: MunicipalityCode, outcome: DecisionOutcome, reason: z.string().optional() }),
  z.object({ type: z.literal('CountyReportSubmitted'), mode: ReportMode }),
  z.object({ type: z.literal('SharesFinalized'), shares: z.record(MunicipalityCode, Milli) }),
]);

export const LedgerEventSchema = z.intersection(
  z.object({
    seq: z.number().int().positive(),
    at: Instant,
    actor: ActorSchema,
    idempotencyKey: z.string().optional(),
  }),
  EventBodySchema,
);

export const LedgerKeySchema = z.object({ year: z.number().int(), county: CountyCode });

export type ProposalStatus = z.infer<typeof ProposalStatus>;
export type DecisionOutcome = z.infer<typeof DecisionOutcome>;
export type ReportMode = z.infer<typeof ReportMode>;
export type Actor = z.infer<typeof ActorSchema>;
export type EventBody = z.infer<typeof EventBodySchema>;
export type EventType = EventBody['type'];
export type LedgerEvent = z.infer<typeof LedgerEventSchema>;
export type LedgerKey = z.infer<typeof LedgerKeySchema>;
