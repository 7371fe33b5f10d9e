import * as z from 'zod/mini';
import { REFUSAL_CODES } from '../app/errors';
import { ERROR_CODES } from '../domain/errors';
import { EDGE_CODES } from './errors';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN } from './idempotency';
import { ROUTES, type ErrorStatus, type RouteSpec } from './routes';

/**
 * The OpenAPI 3.1 document, generated from ROUTES (each route's method, path, schemas,
 * summary and refusals are declared there once, beside what its handler parses with), so it
 * cannot drift from what the API accepts. The schemas are converted with zod's own
 * z.toJSONSchema, which reads classic and zod/mini schemas alike and takes their `id`,
 * `description` and `example` from z.globalRegistry.
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
  'Idempotency-Key': z.optional(
    z.string().check(
      z.minLength(1),
      z.maxLength(IDEMPOTENCY_KEY_MAX_LENGTH),
      z.regex(IDEMPOTENCY_KEY_PATTERN),
      z.meta({
        description:
          `Frivillig nyckel, 1–${IDEMPOTENCY_KEY_MAX_LENGTH} synliga ASCII-tecken (0x21–0x7E, inga mellanslag), till exempel ett UUID; annars 400 INVALID_IDEMPOTENCY_KEY. ` +
          'Nyckeln gäller per anropare (roll och kommun eller län), inte per väg. Samma förfrågan igen (metod, sökväg, innehållstyp och kropp byte för byte) får det första godtagna svaret med huvudet idempotent-replayed: true; ' +
          'en annan förfrågan med samma nyckel får 422 IDEMPOTENCY_KEY_REUSED och ingenting görs; samma förfrågan medan den första pågår får 409 IDEMPOTENCY_KEY_IN_FLIGHT. ' +
          'Ett avvisat svar (4xx) sparas inte och nyckeln kan användas igen; ett serverfel (5xx) sparas aldrig.',
        example: '7f1c2d9e-5b1a-4c53-9d0e-2a6f0c1b8e47',
      }),
    ),
  ),
});

/** A refusal as every route answers it, with each code the API may give. */
const ErrorBody = z
  .object({
    error: z.object({ code: z.enum([...new Set([...ERROR_CODES, ...REFUSAL_CODES, ...EDGE_CODES])]), message: z.string(), details: z.array(z.unknown()) }),
  })
  .check(z.meta({ id: 'Error' }));

const BEARER = 'bearerAuth';
const COMPONENTS = '#/components/schemas/';

/** Classic and mini schemas share the core type, so routes may declare either. */
type Schema = z.core.$ZodType;
type JsonSchema = z.core.JSONSchema.BaseSchema;
type Media = Record<string, Schema>;

/**
 * Converts every schema of one side in one pass, so each schema with a registry `id` is
 * converted once, as its component, and every use of it is a `$ref` to that; other schemas are
 * inlined where they are used. Requests are documented as the input a client sends (before
 * transforms such as the year's string-to-number pipe), responses as the output the API sends.
 */
function convertAll(schemas: Schema[], io: 'input' | 'output') {
  const converted = z.toJSONSchema(z.tuple(schemas as [Schema, ...Schema[]]), {
    target: 'draft-2020-12',
    io,
    // As output, toJSONSchema closes every object (parsing strips unknown keys), but the API's
    // answers are not parsed and may gain fields: only a strict object says it has no others.
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'object' && !zodSchema._zod.def.catchall) delete jsonSchema.additionalProperties;
    },
  });
  // toJSONSchema refers to its own $defs; OpenAPI keeps them in components.schemas.
  const { prefixItems, $defs } = JSON.parse(JSON.stringify(converted), (key, value) => (key === '$ref' ? value.replace(/^#\/\$defs\//, COMPONENTS) : value));
  const bySchema = new Map<Schema, JsonSchema>(schemas.map((schema, i) => [schema, prefixItems[i]]));
  const of = (schema: Schema) => bySchema.get(schema) ?? fail('a schema the document uses was not converted with its side');
  return { of, components: ($defs ?? {}) as Record<string, JsonSchema> };
}

const fail = (reason: string): never => {
  throw new Error(`OpenAPI: ${reason}`);
};

const isIdempotent = (route: RouteSpec) => route.public !== true && route.method !== 'GET';

type ParameterLocation = 'path' | 'query' | 'header';

/** What a route's request is made of: an object schema per parameter location, and the body by media type. */
function requestOf(route: RouteSpec): { parameters: [ParameterLocation, Schema | undefined][]; body?: Media } {
  return {
    parameters: [
      ['path', route.params],
      ['query', route.query],
      ['header', isIdempotent(route) ? IdempotencyHeaders : undefined],
    ],
    body: route.documentedBody ?? (route.body && { 'application/json': route.body }),
  };
}
const responseMedia = (route: RouteSpec): Media => ({ 'application/json': route.ok.schema, ...route.ok.also });

function requestSchemas(route: RouteSpec): Schema[] {
  const { parameters, body } = requestOf(route);
  return [...parameters.map(([, object]) => object), ...Object.values(body ?? {})].filter((schema) => schema !== undefined);
}
const responseSchemas = (route: RouteSpec): Schema[] => [...Object.values(responseMedia(route)), ErrorBody];

type Convert = (schema: Schema) => JsonSchema;

/** One parameter per key of a route's params, query or headers object, as OpenAPI lists them. */
function parameters(location: ParameterLocation, object: Schema | undefined, request: Convert) {
  if (!object) return [];
  const { properties = {}, required = [] } = request(object);
  return Object.entries(properties as Record<string, JsonSchema>).map(([name, schema]) => ({
    name,
    in: location,
    required: required.includes(name),
    ...(schema.description ? { description: schema.description } : {}),
    schema,
  }));
}

const content = (media: Media, convert: Convert) => Object.fromEntries(Object.entries(media).map(([type, schema]) => [type, { schema: convert(schema) }]));

function operation(route: RouteSpec, request: Convert, response: Convert) {
  const isPublic = route.public === true;
  const errors = [
    ...new Set<ErrorStatus | 401>([
      ...(isPublic ? [] : [401 as const]),
      ...route.errors,
      ...(route.body ? [415 as const] : []),
      ...(isIdempotent(route) ? [409 as const, 422 as const] : []),
    ]),
  ].sort();
  const okContent = content(responseMedia(route), response);
  const errorContent = content({ 'application/json': ErrorBody }, response);
  const { parameters: objects, body } = requestOf(route);
  const params = objects.flatMap(([location, object]) => parameters(location, object, request));
  return {
    operationId: camel(route.name),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: isPublic ? [] : [{ [BEARER]: [] }],
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: { required: !route.bodyOptional, content: content(body, request) } } : {}),
    responses: {
      [route.ok.status]: { description: route.ok.description, content: okContent },
      // The 200 of a route that found the thing already there answers in JSON only.
      ...(route.existed ? { 200: { description: route.existed, content: { 'application/json': okContent['application/json'] } } } : {}),
      ...Object.fromEntries(errors.map((s) => [s, { description: ERROR_DESCRIPTIONS[s], content: errorContent }])),
    },
  };
}

const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The components both sides converted must agree: one id, one schema. */
function mergeComponents(...sides: Record<string, JsonSchema>[]) {
  const merged: Record<string, JsonSchema> = {};
  for (const [id, schema] of sides.flatMap(Object.entries)) {
    if (id in merged && JSON.stringify(merged[id]) !== JSON.stringify(schema)) throw new Error(`Schema ${id} differs between requests and responses`);
    merged[id] = schema;
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

function buildDocument() {
  const requests = convertAll(ROUTES.flatMap(requestSchemas), 'input');
  const responses = convertAll(ROUTES.flatMap(responseSchemas), 'output');
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, requests.of, responses.of);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Omfördelning',
      version: '1.0.0',
      description:
        'Omfördelning av anvisningsandelar för ensamkommande barn mellan kommuner i samma län. Fel: `{error: {code, message, details}}` på svenska. ' +
        'En kropp skickas som JSON med Content-Type: application/json (CSV med text/csv där det anges). POST, PUT, PATCH och DELETE tar en frivillig Idempotency-Key.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Claims: cognito:groups (one of municipality, county, admin), custom:municipality, custom:county.',
        },
      },
      schemas: mergeComponents(requests.components, responses.components),
    },
    paths,
  };
}

let cached: ReturnType<typeof buildDocument> | undefined;

export function openApiDocument() {
  cached ??= buildDocument();
  return cached;
}
