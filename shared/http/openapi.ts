import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { ZodType } from 'zod';
import { REFUSAL_CODES } from '../app/errors';
import { ERROR_CODES } from '../domain/errors';
import { EDGE_CODES } from './errors';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN } from './idempotency';
import { ROUTES, type ErrorStatus, type RouteSpec } from './routes';

/**
 * The OpenAPI 3.1 document, generated from ROUTES (each route's method, path, schemas,
 * summary and refusals are declared there once, beside what its handler parses with), so it
 * cannot drift from what the API accepts.
 */

const ERROR_DESCRIPTIONS: Record<ErrorStatus | 401, string> = {
  400: 'Ogiltig förfrågan (fel format, okända fält, ogiltigt belopp, ogiltig Idempotency-Key).',
  401: 'Inloggning krävs (saknad eller ogiltig token).',
  403: 'Saknar behörighet för åtgärden.',
  404: 'Finns inte (okänd kommun, okänt län, inget förslag, ingen rapport).',
  409: 'Krockar med läget (perioden stängd, fel status, redan inlämnad) eller med en förfrågan med samma Idempotency-Key som behandlas just nu (IDEMPOTENCY_KEY_IN_FLIGHT, med Retry-After).',
  415: 'Kroppen har en innehållstyp som vägen inte tar emot (UNSUPPORTED_MEDIA_TYPE): JSON kräver application/json (eventuellt med charset=utf-8) eller application/*+json.',
  422: 'Bryter mot en regel (annat län, samma kommun, mer än andelen) eller återanvänder en Idempotency-Key för en annan förfrågan (IDEMPOTENCY_KEY_REUSED).',
  503: 'Tjänsten kan inte svara just nu: länets förslag ändras av många samtidigt (LEDGER_BUSY), databasen (STORE_UNAVAILABLE) eller arbetsflödet (WORKFLOW_UNAVAILABLE) svarar inte. Ingenting har ändrats som inte syns vid ett nytt försök; försök igen med samma Idempotency-Key efter Retry-After sekunder.',
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

const json = (schema: ZodType) => ({ 'application/json': schema });

/** A refusal as every route answers it, with each code the API may give. */
const ErrorBody = z
  .object({
    error: z.object({ code: z.enum([...new Set([...ERROR_CODES, ...REFUSAL_CODES, ...EDGE_CODES])]), message: z.string(), details: z.array(z.unknown()) }),
  })
  .meta({ id: 'Error' });

const BEARER = 'bearerAuth';

function routeConfig(route: RouteSpec): RouteConfig {
  const isPublic = route.public === true;
  const idempotent = !isPublic && route.method !== 'GET';
  const errors = [
    ...new Set<ErrorStatus | 401>([
      ...(isPublic ? [] : [401 as const]),
      ...route.errors,
      ...(route.body ? [415 as const] : []),
      ...(idempotent ? [409 as const, 422 as const] : []),
    ]),
  ].sort();
  const responses: Record<string, ResponseConfig> = {
    [route.ok.status]: { description: route.ok.description, content: contentOf({ ...json(route.ok.schema), ...route.ok.also }) },
    ...(route.existed ? { 200: { description: route.existed, content: contentOf(json(route.ok.schema)) } } : {}),
    ...Object.fromEntries(errors.map((s) => [s, { description: ERROR_DESCRIPTIONS[s], content: contentOf(json(ErrorBody)) }])),
  };
  return {
    method: route.method.toLowerCase() as RouteConfig['method'],
    path: route.path,
    operationId: camel(route.name),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(isPublic ? { security: [] } : { security: [{ [BEARER]: [] }] }),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(idempotent ? { headers: IdempotencyHeaders } : {}),
      ...(route.body ? { body: { required: !route.bodyOptional, content: contentOf(route.documentedBody ?? json(route.body)) } } : {}),
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
    description: 'Claims: cognito:groups (one of municipality, county, admin), custom:municipality, custom:county.',
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
