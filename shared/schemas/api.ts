import * as z from 'zod/mini';
import { ActorSchema, DecisionOutcome, PersonSchema, ProposalStatus, ReportMode, ResolutionSchema } from './ledger';
import { MailKind } from './mail-log';
import { CountyCode, MunicipalityCode } from './reference';
import { freeText } from './text';

/**
 * The HTTP contract (docs/DESIGN.md "Requests"). Request schemas are strict: unknown fields are
 * refused. The OpenAPI document is generated from these schemas (`.register(z.globalRegistry, { id })`).
 * The answers' schemas are `z.lazy`: every function imports the whole contract (ROUTES), but
 * a function parses requests and only documents answers, so their schemas are built where
 * they are used (the OpenAPI document at bundle time, tests), not at every cold start.
 */

/** A per-mille amount as JSON: a number with at most 3 decimals (parsed exactly by the domain). */
const PerMilleAmount = z.number().register(z.globalRegistry, { id: 'PerMille', description: 'Promille, högst tre decimaler', example: 1.25 });
const Instant = z.string().register(z.globalRegistry, { description: 'Tidpunkt (ISO 8601, UTC)', example: '2027-08-15T07:00:00Z' });

/**
 * A share year in a path: exactly four digits, 2000–2999. Not coerced: `02028`, `0x7EC`,
 * `2.028e3`, ` 2028` and `2028.0` are refused, not read as 2028.
 */
const YearParam = z
  .pipe(
    z.pipe(z.string().check(z.regex(/^\d{4}$/, 'Året ska skrivas med fyra siffror, till exempel 2028.')), z.transform(Number)),
    z.int().check(z.gte(2000, 'Året ska vara mellan 2000 och 2999.'), z.lte(2999, 'Året ska vara mellan 2000 och 2999.')),
  )
  .register(z.globalRegistry, { description: 'Andelsåret, fyra siffror (2000–2999)', example: '2028' });
export const YearParams = z.strictObject({ year: YearParam });
export const GiverParams = z.strictObject({ year: YearParam, giver: MunicipalityCode });
export const CountyParams = z.strictObject({ year: YearParam, county: CountyCode });

/** `?county=01`: optional; who may ask for which county is decided by the use case. */
export const CountyQuery = z.strictObject({ county: z.optional(CountyCode) });
export type CountyQuery = z.infer<typeof CountyQuery>;

export const Health = z.lazy(() => z.object({ status: z.literal('ok') })).register(z.globalRegistry, { id: 'Health' });

// --- Reference data ------------------------------------------------------------------

const CountyView = z.lazy(() => z.object({ code: CountyCode, name: z.string() })).register(z.globalRegistry, { id: 'County' });
export const CountyList = z.lazy(() => z.object({ counties: z.array(CountyView) })).register(z.globalRegistry, { id: 'CountyList' });
const MunicipalityView = z.lazy(() => z.object({ code: MunicipalityCode, name: z.string(), county: CountyCode })).register(z.globalRegistry, { id: 'Municipality' });
export const MunicipalityList = z.lazy(() => z.object({ municipalities: z.array(MunicipalityView) })).register(z.globalRegistry, { id: 'MunicipalityList' });

// --- Shares --------------------------------------------------------------------------

const ShareInput = z.strictObject({ municipality: MunicipalityCode, perMille: PerMilleAmount });
export const ImportSharesJson = z.lazy(() => z.strictObject({ shares: z.array(ShareInput).check(z.minLength(1)) })).register(z.globalRegistry, { id: 'ImportShares' });
/** CSV text `municipality_code,per_mille` (the handler passes text/* bodies as a string). */
export const ImportSharesCsv = z.string().register(z.globalRegistry, {
  description: 'CSV med rubrikraden municipality_code,per_mille; decimalpunkt eller decimalkomma (citera eller använd semikolon som avgränsare).',
  example: 'municipality_code,per_mille\n0114,1.234\n0115,"0,5"\n',
});
export const ImportSharesBody = z.union([ImportSharesCsv, ImportSharesJson]);
export type ImportSharesBody = z.infer<typeof ImportSharesBody>;

export const ShareRow = z.lazy(() => z
  .object({
    municipality: MunicipalityCode,
    name: z.string(),
    county: CountyCode,
    preliminaryPerMille: z.number(),
    givenPerMille: z.number(),
    receivedPerMille: z.number(),
    finalPerMille: z.nullable(z.number()),
  }))
  .register(z.globalRegistry, { id: 'ShareRow' });
export const ShareList = z.lazy(() => z.object({ year: z.int(), shares: z.array(ShareRow) })).register(z.globalRegistry, { id: 'ShareList' });
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
  decisionReference: z
    .optional(freeText(200))
    .register(z.globalRegistry, { description: 'Beslutets diarienummer eller paragraf, till exempel KS 2027/123 § 45.', example: 'KS 2027/123 § 45' }),
  contact: z
    .optional(
      z.strictObject({
        name: z.optional(freeText(200)).register(z.globalRegistry, { description: 'Kontaktpersonens namn.', example: 'Anna Svensson' }),
        email: z
          .optional(z.email('Ange en giltig e-postadress.').check(z.maxLength(254)))
          .register(z.globalRegistry, { description: 'Kontaktpersonens e-postadress.', example: 'anna.svensson@kommun.se' }),
        phone: z
          .optional(
            z
              .string()
              .check(
                z.regex(PHONE_PATTERN, 'Ange telefonnumret med siffror, gärna med riktnummer (5–30 tecken; mellanslag, bindestreck, parenteser och inledande + går bra).'),
              ),
          )
          .register(z.globalRegistry, { description: 'Kontaktpersonens telefonnummer.', example: '+46 18-123 45 67' }),
      }),
    )
    .register(z.globalRegistry, { description: 'Kontaktperson för beslutet.' }),
  comment: z.optional(freeText(2000)).register(z.globalRegistry, { description: 'Kommentar till beslutet, högst 2 000 tecken.' }),
};

export const SubmitProposalBody = z.lazy(() => z
  .strictObject({ receiver: MunicipalityCode, perMille: PerMilleAmount, ...ResolutionFields }))
  .register(z.globalRegistry, { id: 'SubmitProposal' });
export const AmendProposalBody = z.lazy(() => z
  .strictObject({ receiver: z.optional(MunicipalityCode), perMille: z.optional(PerMilleAmount), ...ResolutionFields })
  .check(z.refine((b) => b.receiver !== undefined || b.perMille !== undefined, { message: 'Ange receiver eller perMille.' })))
  .register(z.globalRegistry, { id: 'AmendProposal' });
export const ConsentBody = z.lazy(() => z.strictObject({ accept: z.boolean(), ...ResolutionFields })).register(z.globalRegistry, { id: 'Consent' });
export const DecisionBody = z.lazy(() => z
  .strictObject({
    outcome: DecisionOutcome,
    reason: z.optional(freeText(2000)).register(z.globalRegistry, { description: 'Motivering; krävs vid avslag. Högst 2 000 tecken.' }),
  }))
  .register(z.globalRegistry, { id: 'Decision' });
export type SubmitProposalBody = z.infer<typeof SubmitProposalBody>;
export type ConsentBody = z.infer<typeof ConsentBody>;
export type AmendProposalBody = z.infer<typeof AmendProposalBody>;
export type DecisionBody = z.infer<typeof DecisionBody>;

export const ProposalView = z.lazy(() => z
  .object({
    year: z.int(),
    giver: MunicipalityCode,
    receiver: MunicipalityCode,
    county: CountyCode,
    perMille: z.number(),
    status: ProposalStatus,
    version: z.int(),
    createdAt: Instant,
    updatedAt: Instant,
    receiverConsentAt: z.optional(Instant),
    decision: z.optional(
      z.object({
        outcome: DecisionOutcome,
        reason: z.optional(z.string()),
        at: Instant,
        /** Who decided, as a person reads it: the name, else the e-mail, else the token subject. */
        by: z.string(),
        person: z.optional(PersonSchema),
      }),
    ),
    /** What the giver's leadership stated with the proposal (decision reference, contact, comment). */
    giverResolution: z.optional(ResolutionSchema),
    /** What the receiver's leadership stated with its answer. */
    receiverResolution: z.optional(ResolutionSchema),
  }))
  .register(z.globalRegistry, { id: 'Proposal' });
export const ProposalList = z.lazy(() => z.object({ year: z.int(), proposals: z.array(ProposalView) })).register(z.globalRegistry, { id: 'ProposalList' });

export type ProposalView = z.infer<typeof ProposalView>;
export type ProposalList = z.infer<typeof ProposalList>;

// --- Proposal history ----------------------------------------------------------------

/** Who acted, as a proposal's history shows it: the role, the organisation's code and the person's name (no e-mail, no token subject). */
export const HistoryActor = z.lazy(() => z
  .object({
    role: ActorSchema.shape.role,
    id: z.optional(z.string()).register(z.globalRegistry, { description: 'Kommunens eller länets kod' }),
    name: z.optional(z.string()).register(z.globalRegistry, { description: 'Personens namn, när inloggningen angav det' }),
  }))
  .register(z.globalRegistry, { id: 'HistoryActor' });

const Happened = { at: Instant, actor: HistoryActor };
const Terms = { receiver: MunicipalityCode, perMille: z.number() };

export const ProposalHistoryEvent = z.lazy(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('ProposalSubmitted'), ...Happened, ...Terms, resolution: z.optional(ResolutionSchema) }),
    z.object({ type: z.literal('ProposalAmended'), ...Happened, ...Terms, resolution: z.optional(ResolutionSchema) }),
    z.object({ type: z.literal('ReceiverReplaced'), ...Happened }).register(z.globalRegistry, {
      description: 'Den givande kommunen ändrade förslaget till en annan mottagare; så ser den tidigare mottagaren ändringen, utan de nya villkoren.',
    }),
    z.object({ type: z.literal('ProposalWithdrawn'), ...Happened }),
    z.object({ type: z.literal('ReceiverConsented'), ...Happened, resolution: z.optional(ResolutionSchema) }),
    z.object({ type: z.literal('ReceiverDeclined'), ...Happened, resolution: z.optional(ResolutionSchema) }),
    z.object({ type: z.literal('ProposalDecided'), ...Happened, outcome: DecisionOutcome, reason: z.optional(z.string()) }),
    z.object({ type: z.literal('ProposalExpired'), ...Happened }).register(z.globalRegistry, { description: 'Perioden för förslag stängde innan mottagaren hade svarat.' }),
    z.object({ type: z.literal('ProposalLeftOut'), ...Happened }).register(z.globalRegistry, {
      description: 'Länsrapporten lämnades automatiskt medan förslaget var överenskommet men obeslutat; det ändrar inga andelar.',
    }),
  ]))
  .register(z.globalRegistry, { id: 'ProposalHistoryEvent', description: 'En händelse i förslagets historik: när, vem och vad; belopp i promille.' });
export const ProposalHistory = z.lazy(() => z
  .object({ year: z.int(), county: CountyCode, giver: MunicipalityCode, events: z.array(ProposalHistoryEvent) }))
  .register(z.globalRegistry, { id: 'ProposalHistory' });
export type HistoryActor = z.infer<typeof HistoryActor>;
export type ProposalHistoryEvent = z.infer<typeof ProposalHistoryEvent>;
export type ProposalHistory = z.infer<typeof ProposalHistory>;

// --- County report -------------------------------------------------------------------

export const ReportView = z.lazy(() => z
  .object({
    year: z.int(),
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
        reason: z.optional(z.string()),
        decidedAt: z.optional(Instant),
        /** Who decided (the person, as in the proposal's decision.by). */
        decidedBy: z.optional(z.string()),
        giverResolution: z.optional(ResolutionSchema),
        receiverResolution: z.optional(ResolutionSchema),
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
    fixedCompensation: z.object({ amountSek: z.int(), unchanged: z.literal(true), statement: z.string() }),
  }))
  .register(z.globalRegistry, { id: 'CountyReport' });
export type ReportView = z.infer<typeof ReportView>;

// --- Cycle ---------------------------------------------------------------------------

const CalendarFields = {
  publishAt: z.string(),
  reminders: z.array(z.string()),
  deadline: z.string(),
  countyReportAt: z.string(),
  finalizeAt: z.string(),
};
const CalendarView = z.lazy(() => z
  .object({ publishAt: Instant, reminders: z.array(Instant), deadline: Instant, countyReportAt: Instant, finalizeAt: Instant }))
  .register(z.globalRegistry, { id: 'Calendar' });
/** Any of the calendar's fields, as ISO 8601 instants with an offset ('Z' or ±HH:MM). */
export const CalendarPatch = z.partial(z.strictObject(CalendarFields)).register(z.globalRegistry, { id: 'CalendarPatch' });
export const StartCycleBody = z.lazy(() => z.strictObject({ calendar: z.optional(CalendarPatch) })).register(z.globalRegistry, { id: 'StartCycle' });
export const MoveCalendarBody = CalendarPatch.check(
  z.refine((b) => Object.keys(b).length > 0, {
    message: 'Ange minst ett av kalenderns fält.',
  }),
);
export type CalendarPatch = z.infer<typeof CalendarPatch>;

const Phase = z.enum(['PLANNED', 'OPEN', 'CLOSED', 'REPORTED', 'FINAL']).register(z.globalRegistry, { id: 'Phase' });
const CountyReportStatus = z.enum(['PENDING', 'SUBMITTED', 'AUTO_SUBMITTED']);
export const CycleView = z.lazy(() => z
  .object({
    year: z.int(),
    phase: Phase,
    calendar: CalendarView,
    /** True while the reminders follow the deadline (recomputed when it moves); false once an administrator set them. */
    remindersFollowDeadline: z.boolean(),
    counties: z.array(z.object({ county: CountyCode, report: CountyReportStatus })),
    workflow: z.object({ status: z.string(), state: z.nullable(z.string()) }),
    /**
     * The workflow's milestones in order, each at the instant it happens (working-day moves and
     * recomputed reminders included; the county warning too), with when each was acted on (null: not yet).
     */
    milestones: z.array(z.object({ id: z.string(), kind: z.string(), at: Instant, doneAt: z.nullable(Instant) })),
    /**
     * The last failure the workflow recorded (null: none, or a new execution has planned the
     * year since): when, the error's name and message, and the step it stopped in (Swedish).
     */
    failure: z.nullable(z.object({ at: Instant, error: z.string(), message: z.string(), step: z.nullable(z.string()) })),
  }))
  .register(z.globalRegistry, { id: 'Cycle' });
export type CycleView = z.infer<typeof CycleView>;

// --- Audit ---------------------------------------------------------------------------

export const AuditEvent = z.lazy(() => z
  .looseObject({
    seq: z.int(),
    type: z.string(),
    at: Instant,
    actor: z.object({ role: z.string(), id: z.optional(z.string()), person: z.optional(PersonSchema) }),
    idempotencyKey: z.optional(z.string()),
  }))
  .register(z.globalRegistry, { id: 'AuditEvent', description: 'Händelsen med sitt innehåll; belopp i promille.' });
export const AuditList = z.lazy(() => z.object({ year: z.int(), county: CountyCode, events: z.array(AuditEvent) })).register(z.globalRegistry, { id: 'AuditList' });
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditList = z.infer<typeof AuditList>;

// --- Sent mails ----------------------------------------------------------------------

/** How many mails a page has unless `?limit=` says otherwise. */
export const MAIL_PAGE_SIZE = 100;

export const MailsQuery = z.strictObject({
  county: z.optional(CountyCode),
  after: z
    .optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{4,1400}$/, 'Ange after som värdet next i förra svaret.')))
    .register(z.globalRegistry, { description: 'Nästa sida: värdet next i förra svaret.' }),
  limit: z
    .optional(
      z.pipe(
        z.pipe(z.string().check(z.regex(/^\d{1,3}$/, 'Ange limit som ett heltal mellan 1 och 500.')), z.transform(Number)),
        z.int().check(z.gte(1, 'Ange limit som ett heltal mellan 1 och 500.'), z.lte(500, 'Ange limit som ett heltal mellan 1 och 500.')),
      ),
    )
    .register(z.globalRegistry, { description: `Högst så många meddelanden på sidan (1–500, annars ${MAIL_PAGE_SIZE}).`, example: '100' }),
});
export type MailsQuery = z.infer<typeof MailsQuery>;

export const SentMailView = z.lazy(() => z
  .object({
    sentAt: Instant,
    kind: MailKind,
    subject: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    addressee: z.object({
      organisation: z.enum(['municipality', 'county', 'migrationsverket', 'administrators']),
      /** The municipality's or county's code. */
      code: z.optional(z.string()),
      /** As a person reads it: "Tierp (0360)", "Länsstyrelsen i Uppsala län", "Migrationsverket", "Administratörerna". */
      name: z.string(),
    }),
    county: z.optional(CountyCode),
  }))
  .register(z.globalRegistry, { id: 'SentMail', description: 'Ett skickat meddelande, till de adresser det gick till då.' });
export const SentMailList = z.lazy(() => z
  .object({
    year: z.int(),
    county: z.optional(CountyCode),
    mails: z.array(SentMailView),
    next: z.optional(z.string()).register(z.globalRegistry, { description: 'Finns när det finns fler, äldre meddelanden: skicka det som after.' }),
  }))
  .register(z.globalRegistry, { id: 'SentMailList' });
export type SentMailView = z.infer<typeof SentMailView>;
export type SentMailList = z.infer<typeof SentMailList>;
