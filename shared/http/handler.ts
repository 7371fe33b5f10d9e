import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent, APIGatewayProxyStructuredResultV2 as ApiResult, Context } from 'aws-lambda';
import type { ZodMiniType } from 'zod/mini';
import { IdempotencyKeyReusedError, LedgerBusyError, Refusal } from '../app/errors';
import { RuleError } from '../domain/errors';
import { findCounty, findMunicipality } from '../reference';
import { personFromClaims, userClaims, type User } from '../schemas/user';
import { jsonAnswer } from './answer';
import { HttpError, STATUS_OF_KIND, badRequest, unauthorized, unsupportedMediaType } from './errors';
import { IDEMPOTENCY_KEY_MAX_LENGTH, idempotencyScope, isValidIdempotencyKey, normalizeContentType, requestFingerprint } from './idempotency';
import type { IdempotencyStore } from '../app/ports';
import { instrumented } from '../platform/invocation';
import { log, logAbout, type LogSubject } from '../platform/logger';
import { count } from '../platform/metrics';
import { swedishErrors, type Place } from './zod-sv';

const MAX_BODY_BYTES = 64 * 1024;
/** Retry-After of a 503: a stopped table or a busy ledger is usually back within a second or two. */
const RETRY_AFTER_SECONDS = '2';

export interface Request<B, P, Q, D> {
  body: B;
  params: P;
  query: Q;
  /** The caller, or null on public routes. */
  user: User | null;
  /** When the API received the request (the local stack sets its virtual clock here). */
  now: string;
  headers: Record<string, string | undefined>;
  idempotencyKey?: string;
  /** The use case tells the edge that the ledger replayed the event recorded under the key. */
  onReplay: () => void;
  /** The ports the route's use case reaches, as the function gave them (each built on first use). */
  app: D;
}

export interface Response {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON (for example CSV), with its content type. */
  text?: { contentType: string; content: string };
  headers?: Record<string, string>;
}

type Spec<B, P, Q, D> = Shape<B, P, Q> &
  (
    | { /** Public routes have no user (and so no Idempotency-Key). */ public: true; app?: D }
    | { /** Every other route requires valid claims; its keys are kept in `app.idempotency`. */ public?: false; app: D & { idempotency: IdempotencyStore } }
  );

interface Shape<B, P, Q> {
  body?: ZodMiniType<B>;
  params?: ZodMiniType<P>;
  query?: ZodMiniType<Q>;
  /** Accept CSV bodies (`text/csv`) as text: the body schema then receives the string. */
  acceptsText?: boolean;
}

/**
 * The one way a Lambda answers HTTP: parse the event with zod, resolve the caller,
 * run the use case, and turn refusals into `{error: {code, message, details}}`.
 *
 * `Idempotency-Key` (POST, PUT, PATCH, DELETE of a signed-in caller; GET ignores it): the
 * key is bound to the request's fingerprint (method, path and query, content type, body)
 * with a conditional write before the use case runs, per caller and not per route.
 * - the same request again: the first accepted (2xx) response, with `idempotent-replayed: true`;
 * - another request with the key: 422 IDEMPOTENCY_KEY_REUSED, nothing runs;
 * - the same request while the first is still running: 409 IDEMPOTENCY_KEY_IN_FLIGHT (Retry-After);
 * - a refusal (4xx) writes nothing and frees the key again; a failure (5xx) is never kept,
 *   the same request may run again (the ledger then replays what it recorded) and the key
 *   stays bound to it.
 */
export function httpHandler<B = undefined, P = Record<string, never>, Q = Record<string, never>, D = Record<string, never>>(
  spec: Spec<B, P, Q, D>,
  run: (request: Request<B, P, Q, D>) => Promise<Response>,
): (event: ApiEvent, context?: Context) => Promise<ApiResult> {
  return instrumented(async (event: ApiEvent) => {
    let held: { store: IdempotencyStore; scope: string; owner: string } | undefined;
    try {
      const user = spec.public ? null : caller(event);
      logAbout(subjectOf(event, user));
      const method = event.requestContext.http.method;
      const idempotencyKey = user && method !== 'GET' ? idempotencyKeyOf(event) : undefined;
      const raw = rawBody(event);
      let replayed = false;
      const request: Request<B, P, Q, D> = {
        body: parseBody(event, spec, raw),
        params: parse(spec.params, event.pathParameters ?? {}, 'Sökvägen är ogiltig.', 'path') as P,
        query: parse(spec.query, event.queryStringParameters ?? {}, 'Frågeparametrarna är ogiltiga.', 'query') as Q,
        user,
        now: new Date(event.requestContext.timeEpoch).toISOString(),
        headers: event.headers,
        idempotencyKey,
        onReplay: () => {
          replayed = true;
        },
        app: spec.app as D,
      };
      if (user && idempotencyKey && !spec.public) {
        const scope = idempotencyScope(user, idempotencyKey);
        const target = event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath;
        const fingerprint = requestFingerprint({ method, target, contentType: header(event, 'content-type'), body: raw });
        const store = spec.app.idempotency;
        const reservation = await store.reserve(scope, fingerprint);
        if (reservation.kind === 'replay') return asReplay(reservation.response);
        if (reservation.kind === 'mismatch') throw keyReused();
        if (reservation.kind === 'in-flight') throw keyInFlight();
        held = { store, scope, owner: reservation.owner };
      }
      const result = toResult(await run(request));
      if (held) await settle(held, result);
      held = undefined;
      return replayed ? asReplay(result) : result;
    } catch (error) {
      const result = errorResult(error, event);
      if (held) await settle(held, result).catch((e) => log.error('idempotency record not settled', { route: event.routeKey, error: String(e) }));
      return result;
    }
  });
}

/**
 * What the request is about, for its log lines: the year in the path; the municipality in the
 * path (a proposal's giver) or else the calling municipality; the county in the path, else that
 * municipality's, else the calling county.
 */
function subjectOf(event: ApiEvent, user: User | null): LogSubject {
  const path = event.pathParameters ?? {};
  const year = /^\d{4}$/.test(path.year ?? '') ? Number(path.year) : undefined;
  const municipality = findMunicipality(path.giver ?? '')?.code ?? (user?.role === 'municipality' ? user.municipality : undefined);
  const county = findCounty(path.county ?? '')?.code ?? (municipality && findMunicipality(municipality)?.county) ?? (user?.role === 'county' ? user.county : undefined);
  return { year, county, municipality };
}

/** Accepted: keep the response. Refused (4xx, nothing written): free the key. Failed (5xx): never kept, may run again. */
async function settle({ store, scope, owner }: { store: IdempotencyStore; scope: string; owner: string }, result: ApiResult): Promise<void> {
  const status = result.statusCode ?? 200;
  if (status < 300) await store.complete(scope, owner, result);
  else if (status < 500) await store.release(scope, owner);
  else await store.unlock(scope, owner);
}

const asReplay = (result: ApiResult): ApiResult => ({ ...result, headers: { ...result.headers, 'idempotent-replayed': 'true' } });

const keyReused = () =>
  new HttpError(
    422,
    'IDEMPOTENCY_KEY_REUSED',
    'Idempotency-Key har redan använts för en annan förfrågan (en annan metod, sökväg eller kropp). Använd en ny nyckel för varje ny förfrågan.',
  );

const keyInFlight = () =>
  new HttpError(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'En förfrågan med samma Idempotency-Key behandlas redan. Vänta en stund och försök igen.', [], {
    'retry-after': '1',
  });

/** The key, if the request has one; a key outside the contract is refused. */
function idempotencyKeyOf(event: ApiEvent): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'idempotency-key');
  if (!entry) return undefined;
  const key = (entry[1] ?? '').trim();
  if (!isValidIdempotencyKey(key)) {
    throw badRequest(
      'INVALID_IDEMPOTENCY_KEY',
      `Idempotency-Key ska vara 1–${IDEMPOTENCY_KEY_MAX_LENGTH} tecken långt och bara innehålla synliga ASCII-tecken utan mellanslag, till exempel ett UUID.`,
      [{ path: 'Idempotency-Key', length: key.length }],
    );
  }
  return key;
}

function caller(event: ApiEvent): User {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const c = userClaims(claims ?? {});
  if (!c) throw unauthorized('Token saknar giltig roll.');
  const person = personFromClaims(claims ?? {});
  const withPerson = person ? { person } : {};
  if (c.role === 'municipality') {
    const m = findMunicipality(c['custom:municipality']);
    if (!m) throw unauthorized('Token anger en okänd kommun.');
    return { role: 'municipality', municipality: m.code, county: m.county, ...withPerson };
  }
  if (c.role === 'county') {
    if (!findCounty(c['custom:county'])) throw unauthorized('Token anger ett okänt län.');
    return { role: 'county', county: c['custom:county'], ...withPerson };
  }
  return { role: 'admin', ...withPerson };
}

function header(event: ApiEvent, name: string): string | undefined {
  const value = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  return value?.trim() || undefined;
}

/** The body's bytes as the client sent them. */
function rawBody(event: ApiEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

const JSON_MEDIA = /^application\/(json|[a-z0-9!#$&^_.-]+\+json)(;charset="?utf-8"?)?$/;
const CSV_MEDIA = /^text\/csv(;charset="?utf-8"?)?$/;

/**
 * The body by its media type: JSON (`application/json` or `application/*+json`, UTF-8) and,
 * where the route takes CSV, `text/csv`. A body with another content type, or none, is
 * refused with 415. An empty body is an empty object whatever the content type, so routes
 * whose body is optional (POST …/cycle) need neither.
 */
function parseBody<B>(event: ApiEvent, spec: Shape<B, unknown, unknown>, bytes: Buffer): B {
  if (!spec.body) return undefined as B;
  if (bytes.length > MAX_BODY_BYTES) throw badRequest('BODY_TOO_LARGE', `Förfrågan är för stor (högst ${MAX_BODY_BYTES / 1024} kB).`);
  if (bytes.length === 0) return parse(spec.body, {}, 'Förfrågan har fel innehåll.', 'body');
  const accepted = spec.acceptsText ? 'application/json eller text/csv' : 'application/json';
  const contentType = header(event, 'content-type');
  if (contentType === undefined) throw unsupportedMediaType(`Förfrågan har en kropp men ingen Content-Type. Ange Content-Type: ${accepted}.`);
  const media = normalizeContentType(contentType);
  const raw = bytes.toString('utf8');
  if (spec.acceptsText && CSV_MEDIA.test(media)) return parse(spec.body, raw, 'Texten är ogiltig.', 'body');
  if (!JSON_MEDIA.test(media)) throw unsupportedMediaType(`Innehållstypen ${contentType.slice(0, 100)} stöds inte här. Ange Content-Type: ${accepted}.`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw badRequest('MALFORMED_JSON', 'Förfrågan är inte giltig JSON.');
  }
  return parse(spec.body, json, 'Förfrågan har fel innehåll.', 'body');
}

function parse<T>(schema: ZodMiniType<T> | undefined, input: unknown, message: string, where: Place): T {
  if (!schema) return input as T;
  const result = schema.safeParse(input, { error: swedishErrors(where) });
  if (result.success) return result.data;
  throw badRequest('VALIDATION_FAILED', message, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

function toResult(response: Response): ApiResult {
  if (response.text) {
    return { statusCode: response.status, headers: { 'content-type': response.text.contentType, ...response.headers }, body: response.text.content };
  }
  return jsonAnswer(response.status, response.body, response.headers);
}

function errorResult(error: unknown, event: Pick<ApiEvent, 'routeKey'>): ApiResult {
  const [status, code, message, details, headers] =
    error instanceof HttpError
      ? [error.status, error.code, error.message, error.details, error.headers]
      : error instanceof RuleError || error instanceof Refusal
        ? [STATUS_OF_KIND[error.kind], error.code, error.message, error.details, {}]
        : error instanceof IdempotencyKeyReusedError
          ? [422, keyReused().code, keyReused().message, [], {}]
          : error instanceof LedgerBusyError
            ? [503, 'LEDGER_BUSY', 'Länets förslag ändras av många samtidigt. Försök igen om en stund.', [], {}]
            : [500, 'INTERNAL_ERROR', 'Ett oväntat fel inträffade.', [], {}];
  if (error instanceof RuleError) count.ruleRefused(error.code);
  if (status >= 500) log.error('request failed', { route: event.routeKey, error: String((error as Error)?.stack ?? error) });
  // Unavailable (a service or the ledger busy): the same request may succeed in a moment.
  const retry: Record<string, string> = status === 503 ? { 'retry-after': RETRY_AFTER_SECONDS } : {};
  return toResult({ status, body: { error: { code, message, details } }, headers: { ...retry, ...headers } });
}


