import * as z from 'zod/mini';
import type { ZodMiniObject, ZodMiniType } from 'zod/mini';
import {
  AmendProposalBody,
  AuditList,
  ConsentBody,
  CountyList,
  CountyParams,
  CountyQuery,
  CycleView,
  DecisionBody,
  GiverParams,
  Health,
  ImportSharesBody,
  ImportSharesCsv,
  ImportSharesJson,
  MailsQuery,
  MoveCalendarBody,
  MunicipalityList,
  ProposalHistory,
  ProposalList,
  ProposalView,
  ReportView,
  SentMailList,
  ShareList,
  StartCycleBody,
  SubmitProposalBody,
  YearParams,
} from '../schemas/api';
import { ContactsImportBody, ContactsSchema } from '../schemas/contacts';

/** Refusal statuses a route documents (401 is added for every signed-in route, 415 for every body, 409 and 422 for every Idempotency-Key). */
export type ErrorStatus = 400 | 403 | 404 | 409 | 415 | 422 | 503;

/**
 * One route of the API, declared once: the CDK stack makes one Lambda and one HTTP API route
 * per entry (code in `functions/<name>/index.ts`, which takes its schemas from here), the
 * local stack reads the same routes back from the synthesized template, and the OpenAPI
 * document (shared/http/openapi.ts) is generated from the entries.
 */
export interface RouteSpec {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Public routes skip the JWT authorizer. */
  public?: boolean;
  /**
   * Answered without the HTTP adapter (./handler.ts: zod, the logger, metrics): a public route
   * with no parameters, no body and no refusals, whose answer is a constant (health, the
   * counties, the OpenAPI document, which the bundler writes into its function), so its
   * function starts about as fast as an empty one. Its handler answers with
   * ./answer.ts; the tests hold it to `ok` (test/unit/architecture.test.ts) and its bundle to
   * no package at all (test/unit/function-imports.test.ts).
   */
  standalone?: true;
  summary: string;
  description?: string;
  params?: ZodMiniObject;
  query?: ZodMiniObject;
  /** The body the handler parses (JSON, or the text of a CSV body when `acceptsText`). */
  body?: ZodMiniType;
  /** An empty body is accepted (as `{}`), so the document says the body is optional. */
  bodyOptional?: boolean;
  /** Accept CSV bodies (`text/csv`) as text: the body schema then receives the string. */
  acceptsText?: boolean;
  /** The body by media type as documented, when it is not simply `body` as JSON. */
  documentedBody?: Record<string, ZodMiniType>;
  /** Success status, its schema and any further media types (CSV). */
  ok: { status: 200 | 201; description: string; schema: ZodMiniType; also?: Record<string, ZodMiniType> };
  /** A 201 route that answers 200 with the same schema when the thing already existed. */
  existed?: string;
  /** Refusals this route may answer with. */
  errors: readonly ErrorStatus[];
}

const COMMAND_ERRORS: ErrorStatus[] = [400, 403, 404, 409, 422, 503];
const OpenApiDocument = z.looseObject({ openapi: z.string() }).register(z.globalRegistry, { id: 'OpenApiDocument' });

export const ROUTES = [
  { name: 'health', method: 'GET', path: '/v1/health', public: true, standalone: true, summary: 'Hälsokontroll', ok: { status: 200, description: 'Tjänsten svarar.', schema: Health }, errors: [] },
  { name: 'openapi', method: 'GET', path: '/v1/openapi.json', public: true, standalone: true, summary: 'Detta API-dokument (OpenAPI 3.1)', ok: { status: 200, description: 'OpenAPI-dokumentet.', schema: OpenApiDocument }, errors: [] },
  { name: 'list-counties', method: 'GET', path: '/v1/counties', public: true, standalone: true, summary: 'Alla län', ok: { status: 200, description: 'De 21 länen.', schema: CountyList }, errors: [] },
  {
    name: 'list-municipalities', method: 'GET', path: '/v1/municipalities', public: true,
    summary: 'Kommuner, alla eller ett läns',
    query: CountyQuery,
    ok: { status: 200, description: 'Kommunerna.', schema: MunicipalityList },
    errors: [400, 404],
  },
  {
    name: 'import-shares', method: 'PUT', path: '/v1/years/{year}/shares',
    summary: 'Läs in preliminära andelar (administratör)',
    description: 'JSON eller CSV (`municipality_code,per_mille`). Varje län som finns med ska vara komplett. Allt eller inget.',
    params: YearParams,
    body: ImportSharesBody,
    acceptsText: true,
    documentedBody: { 'application/json': ImportSharesJson, 'text/csv': ImportSharesCsv },
    ok: { status: 200, description: 'Andelarna för de inlästa länen.', schema: ShareList },
    errors: [400, 403, 404, 409],
  },
  {
    name: 'list-shares', method: 'GET', path: '/v1/years/{year}/shares',
    summary: 'Andelar per kommun: preliminär, given, mottagen, slutlig',
    params: YearParams,
    query: CountyQuery,
    ok: { status: 200, description: 'Andelarna.', schema: ShareList },
    errors: [400, 403, 404],
  },
  {
    name: 'submit-proposal', method: 'POST', path: '/v1/years/{year}/proposals',
    summary: 'Lämna ett förslag om omfördelning (givande kommun)',
    params: YearParams,
    body: SubmitProposalBody,
    ok: { status: 201, description: 'Förslaget, som väntar på mottagarens samtycke.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  {
    name: 'list-proposals', method: 'GET', path: '/v1/years/{year}/proposals',
    summary: 'Förslag: egna (kommun), länets (länsstyrelse), alla (administratör)',
    params: YearParams,
    query: CountyQuery,
    ok: { status: 200, description: 'Förslagen.', schema: ProposalList },
    errors: [400, 403, 404],
  },
  {
    name: 'get-proposal', method: 'GET', path: '/v1/years/{year}/proposals/{giver}',
    summary: 'Ett förslag',
    params: GiverParams,
    ok: { status: 200, description: 'Förslaget.', schema: ProposalView },
    errors: [400, 403, 404],
  },
  {
    name: 'amend-proposal', method: 'PATCH', path: '/v1/years/{year}/proposals/{giver}',
    summary: 'Ändra förslaget (givande kommun)',
    params: GiverParams,
    body: AmendProposalBody,
    ok: { status: 200, description: 'Det ändrade förslaget; mottagaren ska samtycka på nytt.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  {
    name: 'withdraw-proposal', method: 'DELETE', path: '/v1/years/{year}/proposals/{giver}',
    summary: 'Återkalla förslaget (givande kommun)',
    params: GiverParams,
    ok: { status: 200, description: 'Det återkallade förslaget.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  {
    name: 'get-proposal-history', method: 'GET', path: '/v1/years/{year}/proposals/{giver}/history',
    summary: 'Förslagets historik: när, vem och vad',
    description:
      'Händelserna om den givande kommunens förslag i år, de äldsta först, även ett återkallat eller avböjt förslag före det som gäller nu. ' +
      'Den givande kommunen, länsstyrelsen i länet och administratörer ser allt. En kommun som förslaget har gällt som mottagare ser det som hände medan förslaget gällde den, ' +
      'och att förslaget sedan ändrades till en annan mottagare (ReceiverReplaced), men inte de nya villkoren. Andra får 403.',
    params: GiverParams,
    ok: { status: 200, description: 'Förslagets historik.', schema: ProposalHistory },
    errors: [400, 403, 404],
  },
  {
    name: 'answer-proposal', method: 'POST', path: '/v1/years/{year}/proposals/{giver}/consent',
    summary: 'Samtyck till eller avböj förslaget (mottagande kommun)',
    params: GiverParams,
    body: ConsentBody,
    ok: { status: 200, description: 'Förslaget efter svaret.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  {
    name: 'decide-proposal', method: 'POST', path: '/v1/years/{year}/proposals/{giver}/decision',
    summary: 'Bevilja eller avslå förslaget (länsstyrelsen, så snart mottagaren har samtyckt och fram till länsrapporten)',
    params: GiverParams,
    body: DecisionBody,
    ok: { status: 200, description: 'Förslaget med beslutet.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  {
    name: 'submit-report', method: 'POST', path: '/v1/years/{year}/counties/{county}/report',
    summary: 'Lämna länsrapporten (länsstyrelsen)',
    params: CountyParams,
    ok: { status: 200, description: 'Länsrapporten.', schema: ReportView },
    errors: COMMAND_ERRORS,
  },
  {
    name: 'get-report', method: 'GET', path: '/v1/years/{year}/counties/{county}/report',
    summary: 'Länsrapporten som JSON, eller CSV med `Accept: text/csv`',
    params: CountyParams,
    ok: { status: 200, description: 'Länsrapporten.', schema: ReportView, also: { 'text/csv': z.string().register(z.globalRegistry, { description: 'CSV (UTF-8, kommatecken, decimalpunkt) i avsnitten Länsrapport, Kommuner, Förslag och Fast ersättning.' }) } },
    errors: [400, 403, 404],
  },
  {
    name: 'get-cycle', method: 'GET', path: '/v1/years/{year}/cycle',
    summary: 'Årets läge, kalender och arbetsflöde',
    params: YearParams,
    ok: { status: 200, description: 'Årets cykel.', schema: CycleView },
    errors: [400],
  },
  {
    name: 'start-cycle', method: 'POST', path: '/v1/years/{year}/cycle',
    summary: 'Starta årets arbetsflöde (administratör), med egen kalender om så önskas',
    description: '201 när året startas, 200 om det redan var startat (att starta två gånger är ofarligt).',
    params: YearParams,
    body: StartCycleBody,
    bodyOptional: true,
    ok: { status: 201, description: 'Årets cykel, nu startad.', schema: CycleView },
    existed: 'Året var redan startat; cykeln som den är.',
    errors: [400, 403, 409],
  },
  {
    name: 'move-calendar', method: 'PATCH', path: '/v1/years/{year}/cycle/calendar',
    summary: 'Flytta tidpunkter som inte har passerats (administratör)',
    params: YearParams,
    body: MoveCalendarBody,
    ok: { status: 200, description: 'Årets cykel med den nya kalendern.', schema: CycleView },
    errors: [400, 403, 409],
  },
  {
    name: 'list-audit', method: 'GET', path: '/v1/years/{year}/audit',
    summary: 'Ett läns händelselogg (länsstyrelsen, administratör)',
    params: YearParams,
    query: CountyQuery,
    ok: { status: 200, description: 'Händelserna i ordning.', schema: AuditList },
    errors: [400, 403, 404],
  },
  {
    name: 'list-mails', method: 'GET', path: '/v1/years/{year}/mails',
    summary: 'E-post som året har skickat, den senaste först (administratör)',
    description:
      'Ett meddelande per utskick, till de adresser det gick till då. Med `?county=` bara de som gäller länet. ' +
      'En sida i taget: finns `next` i svaret finns fler, äldre meddelanden, som hämtas med `?after=<next>`.',
    params: YearParams,
    query: MailsQuery,
    ok: { status: 200, description: 'Meddelandena, det senaste först.', schema: SentMailList },
    errors: [400, 403, 404],
  },
  {
    name: 'import-contacts', method: 'PUT', path: '/v1/contacts',
    summary: 'Läs in kontaktuppgifter för e-post (administratör)',
    body: ContactsImportBody,
    ok: { status: 200, description: 'Alla kontaktuppgifter efter inläsningen.', schema: ContactsSchema },
    errors: [400, 403, 404],
  },
] as const satisfies readonly RouteSpec[];

export type RouteName = (typeof ROUTES)[number]['name'];
export type Route<N extends RouteName> = Extract<(typeof ROUTES)[number], { name: N }>;

/** The declaration of a route, for its handler. */
export const route = <N extends RouteName>(name: N): Route<N> => ROUTES.find((r) => r.name === name) as Route<N>;
