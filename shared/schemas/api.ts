import * as z from 'zod';
import { ActorSchema, DecisionOutcome, PersonSchema, ProposalStatus, ReportMode, ResolutionSchema } from './ledger';
import { MailKind } from './mail-log';
import { CountyCode, MunicipalityCode } from './reference';
import { freeText } from './text';

/**
 * The HTTP contract (docs/DESIGN.md "Requests"). Request schemas are strict: unknown fields are
 * refused. The OpenAPI document is generated from these schemas (`.meta({ id })`).
 */

/** A per-mille amount as JSON: a number with at most 3 decimals (parsed exactly by the domain). */
const PerMilleAmount = z.number().meta({ id: 'PerMille', description: 'Promille, högst tre decimaler', example: 1.25 });
const Instant = z.string().meta({ description: 'Tidpunkt (ISO 8601, UTC)', example: '2027-08-15T07:00:00Z' });

/**
 * A share year in a path: exactly four digits, 2000–2999. Not coerced: `02028`, `0x7EC`,
 * `2.028e3`, ` 2028` and `2028.0` are refused, not read as 2028.
 */
const YearParam = z
  .string()
  .regex(/^\d{4}$/, 'Året ska skrivas med fyra siffror, till exempel 2028.')
  .transform(Number)
  .pipe(z.number().int().min(2000, 'Året ska vara mellan 2000 och 2999.').max(2999, 'Året ska vara mellan 2000 och 2999.'))
  .meta({ description: 'Andelsåret, fyra siffror (2000–2999)', example: '2028' });
export const YearParams = z.strictObject({ year: YearParam });
export const GiverParams = z.strictObject({ year: YearParam, giver: MunicipalityCode });
export const CountyParams = z.strictObject({ year: YearParam, county: CountyCode });

/** `?county=01`: optional; who may ask for which county is decided by the use case. */
export const CountyQuery = z.strictObject({ county: CountyCode.optional() });
export type CountyQuery = z.infer<typeof CountyQuery>;

export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

// --- Reference data ------------------------------------------------------------------

const CountyView = z.object({ code: CountyCode, name: z.string() }).meta({ id: 'County' });
export const CountyList = z.object({ counties: z.array(CountyView) }).meta({ id: 'CountyList' });
const MunicipalityView = z.object({ code: MunicipalityCode, name: z.string(), county: CountyCode }).meta({ id: 'Municipality' });
export const MunicipalityList = z.object({ municipalities: z.array(MunicipalityView) }).meta({ id: 'MunicipalityList' });

// --- Shares --------------------------------------------------------------------------

const ShareInput = z.strictObject({ municipality: MunicipalityCode, perMille: PerMilleAmount });
export const ImportSharesJson = z.strictObject({ shares: z.array(ShareInput).min(1) }).meta({ id: 'ImportShares' });
/** CSV text `municipality_code,per_mille` (the handler passes text/* bodies as a string). */
export const ImportSharesCsv = z.string().meta({
  description: 'CSV med rubrikraden municipality_code,per_mille; decimalpunkt eller decimalkomma (citera eller använd semikolon som avgränsare).',
  example: 'municipality_code,per_mille\n0114,1.234\n0115,"0,5"\n',
});
export const ImportSharesBody = z.union([ImportSharesCsv, ImportSharesJson]);
export type ImportSharesBody = z.infer<typeof ImportSharesBody>;

export const ShareRow = z
  .object({
    municipality: MunicipalityCode,
    name: z.string(),
    county: CountyCode,
    preliminaryPerMille: z.number(),
    givenPerMille: z.number(),
    receivedPerMille: z.number(),
    finalPerMille: z.number().nullable(),
  })
  .meta({ id: 'ShareRow' });
export const ShareList = z.object({ year: z.number().int(), shares: z.array(ShareRow) }).meta({ id: 'ShareList' });
export type ShareRow = z.infer<typeof ShareRow>;
export type ShareList = z.infer<typeof ShareList>;

// --- Proposals -----------------------------------------------------------------------

/** A telephone number as people write it: digits, spaces, parentheses and hyphens, optionally a leading +. */
const PHONE_PATTERN = /^\+?[0-9 ()-]{5,30}$/;

/**
 * What the municipality's leadership decided, sent with a proposal, an amendment or an
 * answer. Every field is optional; the ledger records only the fields given (trimmed, empty
 * ones left out).
 */
const ResolutionFields = {
  decisionReference: freeText(200)
    .optional()
    .meta({ description: 'Beslutets diarienummer eller paragraf, till exempel KS 2027/123 § 45.', example: 'KS 2027/123 § 45' }),
  contact: z
    .strictObject({
      name: freeText(200).optional().meta({ description: 'Kontaktpersonens namn.', example: 'Anna Svensson' }),
      email: z.email('Ange en giltig e-postadress.').max(254).optional().meta({ description: 'Kontaktpersonens e-postadress.', example: 'anna.svensson@kommun.se' }),
      phone: z
        .string()
        .regex(PHONE_PATTERN, 'Ange telefonnumret med siffror, gärna med riktnummer (5–30 tecken; mellanslag, bindestreck, parenteser och inledande + går bra).')
        .optional()
        .meta({ description: 'Kontaktpersonens telefonnummer.', example: '+46 18-123 45 67' }),
    })
    .optional()
    .meta({ description: 'Kontaktperson för beslutet.' }),
  comment: freeText(2000).optional().meta({ description: 'Kommentar till beslutet, högst 2 000 tecken.' }),
};

export const SubmitProposalBody = z
  .strictObject({ receiver: MunicipalityCode, perMille: PerMilleAmount, ...ResolutionFields })
  .meta({ id: 'SubmitProposal' });
export const AmendProposalBody = z
  .strictObject({ receiver: MunicipalityCode.optional(), perMille: PerMilleAmount.optional(), ...ResolutionFields })
  .refine((b) => b.receiver !== undefined || b.perMille !== undefined, { message: 'Ange receiver eller perMille.' })
  .meta({ id: 'AmendProposal' });
export const ConsentBody = z.strictObject({ accept: z.boolean(), ...ResolutionFields }).meta({ id: 'Consent' });
export const DecisionBody = z
  .strictObject({
    outcome: DecisionOutcome,
    reason: freeText(2000).optional().meta({ description: 'Motivering; krävs vid avslag. Högst 2 000 tecken.' }),
  })
  .meta({ id: 'Decision' });
export type SubmitProposalBody = z.infer<typeof SubmitProposalBody>;
export type ConsentBody = z.infer<typeof ConsentBody>;
export type AmendProposalBody = z.infer<typeof AmendProposalBody>;
export type DecisionBody = z.infer<typeof DecisionBody>;

export const ProposalView = z
  .object({
    year: z.number().int(),
    giver: MunicipalityCode,
    receiver: MunicipalityCode,
    county: CountyCode,
    perMille: z.number(),
    status: ProposalStatus,
    version: z.number().int(),
    createdAt: Instant,
    updatedAt: Instant,
    receiverConsentAt: Instant.optional(),
    decision: z
      .object({
        outcome: DecisionOutcome,
        reason: z.string().optional(),
        at: Instant,
        /** Who decided, as a person reads it: the name, else the e-mail, else the token subject. */
        by: z.string(),
        person: PersonSchema.optional(),
      })
      .optional(),
    /** What the giver's leadership stated with the proposal (decision reference, contact, comment). */
    giverResolution: ResolutionSchema.optional(),
    /** What the receiver's leadership stated with its answer. */
    receiverResolution: ResolutionSchema.optional(),
  })
  .meta({ id: 'Proposal' });
export const ProposalList = z.object({ year: z.number().int(), proposals: z.array(ProposalView) }).meta({ id: 'ProposalList' });

export type ProposalView = z.infer<typeof ProposalView>;
export type ProposalList = z.infer<typeof ProposalList>;

// --- Proposal history ----------------------------------------------------------------

/** Who acted, as a proposal's history shows it: the role, the organisation's code and the person's name (no e-mail, no token subject). */
export const HistoryActor = z
  .object({
    role: ActorSchema.shape.role,
    id: z.string().optional().meta({ description: 'Kommunens eller länets kod' }),
    name: z.string().optional().meta({ description: 'Personens namn, när inloggningen angav det' }),
  })
  .meta({ id: 'HistoryActor' });

const Happened = { at: Instant, actor: HistoryActor };
const Terms = { receiver: MunicipalityCode, perMille: z.number() };

export const ProposalHistoryEvent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('ProposalSubmitted'), ...Happened, ...Terms, resolution: ResolutionSchema.optional() }),
    z.object({ type: z.literal('ProposalAmended'), ...Happened, ...Terms, resolution: ResolutionSchema.optional() }),
    z.object({ type: z.literal('ReceiverReplaced'), ...Happened }).meta({
      description: 'Den givande kommunen ändrade förslaget till en annan mottagare; så ser den tidigare mottagaren ändringen, utan de nya villkoren.',
    }),
    z.object({ type: z.literal('ProposalWithdrawn'), ...Happened }),
    z.object({ type: z.literal('ReceiverConsented'), ...Happened, resolution: ResolutionSchema.optional() }),
    z.object({ type: z.literal('ReceiverDeclined'), ...Happened, resolution: ResolutionSchema.optional() }),
    z.object({ type: z.literal('ProposalDecided'), ...Happened, outcome: DecisionOutcome, reason: z.string().optional() }),
    z.object({ type: z.literal('ProposalExpired'), ...Happened }).meta({ description: 'Perioden för förslag stängde innan mottagaren hade svarat.' }),
    z.object({ type: z.literal('ProposalLeftOut'), ...Happened }).meta({
      description: 'Länsrapporten lämnades automatiskt medan förslaget var överenskommet men obeslutat; det ändrar inga andelar.',
    }),
  ])
  .meta({ id: 'ProposalHistoryEvent', description: 'En händelse i förslagets historik: när, vem och vad; belopp i promille.' });
export const ProposalHistory = z
  .object({ year: z.number().int(), county: CountyCode, giver: MunicipalityCode, events: z.array(ProposalHistoryEvent) })
  .meta({ id: 'ProposalHistory' });
export type HistoryActor = z.infer<typeof HistoryActor>;
export type ProposalHistoryEvent = z.infer<typeof ProposalHistoryEvent>;
export type ProposalHistory = z.infer<typeof ProposalHistory>;

// --- County report -------------------------------------------------------------------

export const ReportView = z
  .object({
    year: z.number().int(),
    county: CountyCode,
    countyName: z.string(),
    mode: ReportMode,
    submittedAt: Instant,
    submittedBy: z.string(),
    proposals: z.array(
      z.object({
        giver: MunicipalityCode,
        giverName: z.string(),
        receiver: MunicipalityCode,
        receiverName: z.string(),
        perMille: z.number(),
        status: ProposalStatus,
        reason: z.string().optional(),
        decidedAt: Instant.optional(),
        /** Who decided (the person, as in the proposal's decision.by). */
        decidedBy: z.string().optional(),
        giverResolution: ResolutionSchema.optional(),
        receiverResolution: ResolutionSchema.optional(),
      }),
    ),
    municipalities: z.array(
      z.object({
        municipality: MunicipalityCode,
        name: z.string(),
        preliminaryPerMille: z.number(),
        givenPerMille: z.number(),
        receivedPerMille: z.number(),
        resultingPerMille: z.number(),
      }),
    ),
    totals: z.object({ beforePerMille: z.number(), afterPerMille: z.number() }),
    fixedCompensation: z.object({ amountSek: z.number().int(), unchanged: z.literal(true), statement: z.string() }),
  })
  .meta({ id: 'CountyReport' });
export type ReportView = z.infer<typeof ReportView>;

// --- Cycle ---------------------------------------------------------------------------

const CalendarFields = {
  publishAt: z.string(),
  reminders: z.array(z.string()),
  deadline: z.string(),
  countyReportAt: z.string(),
  finalizeAt: z.string(),
};
const CalendarView = z
  .object({ publishAt: Instant, reminders: z.array(Instant), deadline: Instant, countyReportAt: Instant, finalizeAt: Instant })
  .meta({ id: 'Calendar' });
/** Any of the calendar's fields, as ISO 8601 instants with an offset ('Z' or ±HH:MM). */
export const CalendarPatch = z.strictObject(CalendarFields).partial().meta({ id: 'CalendarPatch' });
export const StartCycleBody = z.strictObject({ calendar: CalendarPatch.optional() }).meta({ id: 'StartCycle' });
export const MoveCalendarBody = CalendarPatch.refine((b) => Object.keys(b).length > 0, {
  message: 'Ange minst ett av kalenderns fält.',
});
export type CalendarPatch = z.infer<typeof CalendarPatch>;

const Phase = z.enum(['PLANNED', 'OPEN', 'CLOSED', 'REPORTED', 'FINAL']).meta({ id: 'Phase' });
const CountyReportStatus = z.enum(['PENDING', 'SUBMITTED', 'AUTO_SUBMITTED']);
export const CycleView = z
  .object({
    year: z.number().int(),
    phase: Phase,
    calendar: CalendarView,
    /** True while the reminders follow the deadline (recomputed when it moves); false once an administrator set them. */
    remindersFollowDeadline: z.boolean(),
    counties: z.array(z.object({ county: CountyCode, report: CountyReportStatus })),
    workflow: z.object({ status: z.string(), state: z.string().nullable() }),
    /**
     * The workflow's milestones in order, each at the instant it happens (working-day moves and
     * recomputed reminders included; the county warning too), with when each was acted on (null: not yet).
     */
    milestones: z.array(z.object({ id: z.string(), kind: z.string(), at: Instant, doneAt: Instant.nullable() })),
    /**
     * The last failure the workflow recorded (null: none, or a new execution has planned the
     * year since): when, the error's name and message, and the step it stopped in (Swedish).
     */
    failure: z.object({ at: Instant, error: z.string(), message: z.string(), step: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'Cycle' });
export type CycleView = z.infer<typeof CycleView>;

// --- Audit ---------------------------------------------------------------------------

export const AuditEvent = z
  .looseObject({
    seq: z.number().int(),
    type: z.string(),
    at: Instant,
    actor: z.object({ role: z.string(), id: z.string().optional(), person: PersonSchema.optional() }),
    idempotencyKey: z.string().optional(),
  })
  .meta({ id: 'AuditEvent', description: 'Händelsen med sitt innehåll; belopp i promille.' });
export const AuditList = z.object({ year: z.number().int(), county: CountyCode, events: z.array(AuditEvent) }).meta({ id: 'AuditList' });
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditList = z.infer<typeof AuditList>;

// --- Sent mails ----------------------------------------------------------------------

/** How many mails a page has unless `?limit=` says otherwise. */
export const MAIL_PAGE_SIZE = 100;

export const MailsQuery = z.strictObject({
  county: CountyCode.optional(),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{4,1400}$/, 'Ange after som värdet next i förra svaret.')
    .optional()
    .meta({ description: 'Nästa sida: värdet next i förra svaret.' }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'Ange limit som ett heltal mellan 1 och 500.')
    .transform(Number)
    .pipe(z.number().int().min(1, 'Ange limit som ett heltal mellan 1 och 500.').max(500, 'Ange limit som ett heltal mellan 1 och 500.'))
    .optional()
    .meta({ description: `Högst så många meddelanden på sidan (1–500, annars ${MAIL_PAGE_SIZE}).`, example: '100' }),
});
export type MailsQuery = z.infer<typeof MailsQuery>;

export const SentMailView = z
  .object({
    sentAt: Instant,
    kind: MailKind,
    subject: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    addressee: z.object({
      organisation: z.enum(['municipality', 'county', 'migrationsverket', 'administrators']),
      /** The municipality's or county's code. */
      code: z.string().optional(),
      /** As a person reads it: "Tierp (0360)", "Länsstyrelsen i Uppsala län", "Migrationsverket", "Administratörerna". */
      name: z.string(),
    }),
    county: CountyCode.optional(),
  })
  .meta({ id: 'SentMail', description: 'Ett skickat meddelande, till de adresser det gick till då.' });
export const SentMailList = z
  .object({
    year: z.number().int(),
    county: CountyCode.optional(),
    mails: z.array(SentMailView),
    next: z.string().optional().meta({ description: 'Finns när det finns fler, äldre meddelanden: skicka det som after.' }),
  })
  .meta({ id: 'SentMailList' });
export type SentMailView = z.infer<typeof SentMailView>;
export type SentMailList = z.infer<typeof SentMailList>;
