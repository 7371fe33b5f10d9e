import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { ZodObject, ZodType } from 'zod';
import {
  AmendProposalBody,
  AuditList,
  ConsentBody,
  CountyList,
  CountyParams,
  CountyQuery,
  CycleView,
  DecisionBody,
  ErrorBody,
  GiverParams,
  Health,
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
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN } from './idempotency';
import { ROUTES, type RouteName } from './routes';

/**
 * The OpenAPI 3.1 document, generated from ROUTES and the zod schemas the handlers parse
 * with, so it cannot drift from what the API accepts. Each route's operation is declared
 * once below; the Record type makes a new route in ROUTES fail to compile until it is here.
 */
interface Operation {
  summary: string;
  description?: string;
  params?: ZodObject;
  query?: ZodObject;
  /** Request body by media type. */
  body?: Record<string, ZodType>;
  /** Success status, its schema and any further media types (CSV). */
  ok: { status: 200 | 201; description: string; schema: ZodType; also?: Record<string, ZodType> };
  /** A 201 route that answers 200 with the same schema when the thing already existed. */
  existed?: string;
  /** Refusals this route may answer with (401 is added for every signed-in route). */
  errors: ErrorStatus[];
}

type ErrorStatus = 400 | 403 | 404 | 409 | 415 | 422 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus | 401, string> = {
  400: 'Ogiltig förfrågan (fel format, okända fält, ogiltigt belopp, ogiltig Idempotency-Key).',
  401: 'Inloggning krävs (saknad eller ogiltig token).',
  403: 'Saknar behörighet för åtgärden.',
  404: 'Finns inte (okänd kommun, okänt län, inget förslag, ingen rapport).',
  409: 'Krockar med läget (perioden stängd, fel status, redan inlämnad) eller med en förfrågan med samma Idempotency-Key som behandlas just nu (IDEMPOTENCY_KEY_IN_FLIGHT, med Retry-After).',
  415: 'Kroppen har en innehållstyp som vägen inte tar emot (UNSUPPORTED_MEDIA_TYPE): JSON kräver application/json (eventuellt med charset=utf-8) eller application/*+json.',
  422: 'Bryter mot en regel (annat län, samma kommun, mer än andelen) eller återanvänder en Idempotency-Key för en annan förfrågan (IDEMPOTENCY_KEY_REUSED).',
  503: 'Länets förslag ändras av många samtidigt; försök igen.',
};

/** The header every signed-in POST, PUT, PATCH and DELETE takes (shared/http/handler.ts). */
const IdempotencyHeaders = z.strictObject({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(IDEMPOTENCY_KEY_MAX_LENGTH)
    .regex(IDEMPOTENCY_KEY_PATTERN)
    .optional()
    .meta({
      description:
        `Frivillig nyckel, 1–${IDEMPOTENCY_KEY_MAX_LENGTH} synliga ASCII-tecken (0x21–0x7E, inga mellanslag), till exempel ett UUID; annars 400 INVALID_IDEMPOTENCY_KEY. ` +
        'Nyckeln gäller per anropare (roll och kommun eller län), inte per väg. Samma förfrågan igen (metod, sökväg, innehållstyp och kropp byte för byte) får det första godtagna svaret med huvudet idempotent-replayed: true; ' +
        'en annan förfrågan med samma nyckel får 422 IDEMPOTENCY_KEY_REUSED och ingenting görs; samma förfrågan medan den första pågår får 409 IDEMPOTENCY_KEY_IN_FLIGHT. ' +
        'Ett avvisat svar (4xx) sparas inte och nyckeln kan användas igen; ett serverfel (5xx) sparas aldrig.',
      example: '7f1c2d9e-5b1a-4c53-9d0e-2a6f0c1b8e47',
    }),
});

const COMMAND_ERRORS: ErrorStatus[] = [400, 403, 404, 409, 422, 503];
const json = (schema: ZodType) => ({ 'application/json': schema });
const CsvText = ImportSharesCsv;
const OpenApiDocument = z.looseObject({ openapi: z.string() }).meta({ id: 'OpenApiDocument' });

const OPERATIONS: Record<RouteName, Operation> = {
  health: { summary: 'Hälsokontroll', ok: { status: 200, description: 'Tjänsten svarar.', schema: Health }, errors: [] },
  openapi: { summary: 'Detta API-dokument (OpenAPI 3.1)', ok: { status: 200, description: 'OpenAPI-dokumentet.', schema: OpenApiDocument }, errors: [] },
  'list-counties': { summary: 'Alla län', ok: { status: 200, description: 'De 21 länen.', schema: CountyList }, errors: [] },
  'list-municipalities': {
    summary: 'Kommuner, alla eller ett läns',
    query: CountyQuery,
    ok: { status: 200, description: 'Kommunerna.', schema: MunicipalityList },
    errors: [400, 404],
  },
  'import-shares': {
    summary: 'Läs in preliminära andelar (administratör)',
    description: 'JSON eller CSV (`municipality_code,per_mille`). Varje län som finns med ska vara komplett. Allt eller inget.',
    params: YearParams,
    body: { ...json(ImportSharesJson), 'text/csv': CsvText },
    ok: { status: 200, description: 'Andelarna för de inlästa länen.', schema: ShareList },
    errors: [400, 403, 404, 409],
  },
  'list-shares': {
    summary: 'Andelar per kommun: preliminär, given, mottagen, slutlig',
    params: YearParams,
    query: CountyQuery,
    ok: { status: 200, description: 'Andelarna.', schema: ShareList },
    errors: [400, 403, 404],
  },
  'submit-proposal': {
    summary: 'Lämna ett förslag om omfördelning (givande kommun)',
    params: YearParams,
    body: json(SubmitProposalBody),
    ok: { status: 201, description: 'Förslaget, som väntar på mottagarens samtycke.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  'list-proposals': {
    summary: 'Förslag: egna (kommun), länets (länsstyrelse), alla (administratör)',
    params: YearParams,
    query: CountyQuery,
    ok: { status: 200, description: 'Förslagen.', schema: ProposalList },
    errors: [400, 403, 404],
  },
  'get-proposal': {
    summary: 'Ett förslag',
    params: GiverParams,
    ok: { status: 200, description: 'Förslaget.', schema: ProposalView },
    errors: [400, 403, 404],
  },
  'amend-proposal': {
    summary: 'Ändra förslaget (givande kommun)',
    params: GiverParams,
    body: json(AmendProposalBody),
    ok: { status: 200, description: 'Det ändrade förslaget; mottagaren ska samtycka på nytt.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  'withdraw-proposal': {
    summary: 'Återkalla förslaget (givande kommun)',
    params: GiverParams,
    ok: { status: 200, description: 'Det återkallade förslaget.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  'get-proposal-history': {
    summary: 'Förslagets historik: när, vem och vad',
    description:
      'Händelserna om den givande kommunens förslag i år, de äldsta först, även ett återkallat eller avböjt förslag före det som gäller nu. ' +
      'Den givande kommunen, länsstyrelsen i länet och administratörer ser allt. En kommun som förslaget har gällt som mottagare ser det som hände medan förslaget gällde den, ' +
      'och att förslaget sedan ändrades till en annan mottagare (ReceiverReplaced), men inte de nya villkoren. Andra får 403.',
    params: GiverParams,
    ok: { status: 200, description: 'Förslagets historik.', schema: ProposalHistory },
    errors: [400, 403, 404],
  },
  'answer-proposal': {
    summary: 'Samtyck till eller avböj förslaget (mottagande kommun)',
    params: GiverParams,
    body: json(ConsentBody),
    ok: { status: 200, description: 'Förslaget efter svaret.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  'decide-proposal': {
    summary: 'Bevilja eller avslå förslaget (länsstyrelsen, så snart mottagaren har samtyckt och fram till länsrapporten)',
    params: GiverParams,
    body: json(DecisionBody),
    ok: { status: 200, description: 'Förslaget med beslutet.', schema: ProposalView },
    errors: COMMAND_ERRORS,
  },
  'submit-report': {
    summary: 'Lämna länsrapporten (länsstyrelsen)',
    params: CountyParams,
    ok: { status: 200, description: 'Länsrapporten.', schema: ReportView },
    errors: COMMAND_ERRORS,
  },
  'get-report': {
    summary: 'Länsrapporten som JSON, eller CSV med `Accept: text/csv`',
    params: CountyParams,
    ok: { status: 200, description: 'Länsrapporten.', schema: ReportView, also: { 'text/csv': z.string().meta({ description: 'CSV (UTF-8, kommatecken, decimalpunkt) i avsnitten Länsrapport, Kommuner, Förslag och Fast ersättning.' }) } },
    errors: [400, 403, 404],
  },
  'get-cycle': {
    summary: 'Årets läge, kalender och arbetsflöde',
    params: YearParams,
    ok: { status: 200, description: 'Årets cykel.', schema: CycleView },
    errors: [400],
  },
  'start-cycle': {
    summary: 'Starta årets arbetsflöde (administratör), med egen kalender om så önskas',
    description: '201 när året startas, 200 om det redan var startat (att starta två gånger är ofarligt).',
    params: YearParams,
    body: json(StartCycleBody),
    ok: { status: 201, description: 'Årets cykel, nu startad.', schema: CycleView },
    existed: 'Året var redan startat; cykeln som den är.',
    errors: [400, 403, 409],
  },
  'move-calendar': {
    summary: 'Flytta tidpunkter som inte har passerats (administratör)',
    params: YearParams,
    body: json(MoveCalendarBody),
    ok: { status: 200, description: 'Årets cykel med den nya kalendern.', schema: CycleView },
    errors: [400, 403, 409],
  },
  'list-audit': {
    summary: 'Ett läns händelselogg (länsstyrelsen, administratör)',
    params: YearParams,
    query: CountyQuery,
    ok: { status: 200, description: 'Händelserna i ordning.', schema: AuditList },
    errors: [400, 403, 404],
  },
  'list-mails': {
    summary: 'E-post som året har skickat, den senaste först (administratör)',
    description:
      'Ett meddelande per utskick, till de adresser det gick till då. Med `?county=` bara de som gäller länet. ' +
      'En sida i taget: finns `next` i svaret finns fler, äldre meddelanden, som hämtas med `?after=<next>`.',
    params: YearParams,
    query: MailsQuery,
    ok: { status: 200, description: 'Meddelandena, det senaste först.', schema: SentMailList },
    errors: [400, 403, 404],
  },
  'import-contacts': {
    summary: 'Läs in kontaktuppgifter för e-post (administratör)',
    body: json(ContactsImportBody),
    ok: { status: 200, description: 'Alla kontaktuppgifter efter inläsningen.', schema: ContactsSchema },
    errors: [400, 403, 404],
  },
};

export const BEARER = 'bearerAuth';

function routeConfig(route: (typeof ROUTES)[number]): RouteConfig {
  const op = OPERATIONS[route.name];
  const isPublic = 'public' in route && route.public;
  const idempotent = !isPublic && route.method !== 'GET';
  const errors = [
    ...new Set<ErrorStatus | 401>([
      ...(isPublic ? [] : [401 as const]),
      ...op.errors,
      ...(op.body ? [415 as const] : []),
      ...(idempotent ? [409 as const, 422 as const] : []),
    ]),
  ].sort();
  const responses: Record<string, ResponseConfig> = {
    [op.ok.status]: { description: op.ok.description, content: contentOf({ ...json(op.ok.schema), ...op.ok.also }) },
    ...(op.existed ? { 200: { description: op.existed, content: contentOf(json(op.ok.schema)) } } : {}),
    ...Object.fromEntries(errors.map((s) => [s, { description: ERROR_DESCRIPTIONS[s], content: contentOf(json(ErrorBody)) }])),
  };
  return {
    method: route.method.toLowerCase() as RouteConfig['method'],
    path: route.path,
    operationId: camel(route.name),
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(isPublic ? { security: [] } : { security: [{ [BEARER]: [] }] }),
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(idempotent ? { headers: IdempotencyHeaders } : {}),
      ...(op.body ? { body: { required: route.name !== 'start-cycle', content: contentOf(op.body) } } : {}),
    },
    responses,
  };
}

const contentOf = (media: Record<string, ZodType>) => Object.fromEntries(Object.entries(media).map(([type, schema]) => [type, { schema }]));
const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

let cached: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

export function openApiDocument() {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Claims: custom:role (municipality | county | admin), custom:municipality, custom:county.',
  });
  for (const route of ROUTES) registry.registerPath(routeConfig(route));
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Omfördelning',
      version: '1.0.0',
      description:
        'Omfördelning av anvisningsandelar för ensamkommande barn mellan kommuner i samma län. Fel: `{error: {code, message, details}}` på svenska. ' +
        'En kropp skickas som JSON med Content-Type: application/json (CSV med text/csv där det anges). POST, PUT, PATCH och DELETE tar en frivillig Idempotency-Key.',
    },
    servers: [{ url: '/' }],
  });
  return cached;
}
