import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent, APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';
import type { ZodType } from 'zod';
import { RuleError } from '../domain/errors';
import { LedgerBusyError } from '../ledger/execute';
import { findCounty, findMunicipality } from '../reference';
import { UserSchema, personFromClaims, type User } from '../schemas/user';
import { HttpError, STATUS_OF_KIND, badRequest, unauthorized } from './errors';
import { appContext, type AppContext } from '../app/context';
import { log } from './log';
import './zod-sv';

export const MAX_BODY_BYTES = 64 * 1024;

export interface Request<B, P, Q> {
  body: B;
  params: P;
  query: Q;
  /** The caller, or null on public routes. */
  user: User | null;
  /** When the API received the request (the local stack sets its virtual clock here). */
  now: string;
  headers: Record<string, string | undefined>;
  idempotencyKey?: string;
  app: AppContext;
}

export interface Response {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON (for example CSV), with its content type. */
  text?: { contentType: string; content: string };
  headers?: Record<string, string>;
}

interface Spec<B, P, Q> {
  /** Public routes have no user; every other route requires valid claims. */
  public?: boolean;
  body?: ZodType<B>;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  /** Accept CSV bodies as text (the body schema then receives the string). */
  acceptsText?: boolean;
}

/**
 * The one way a Lambda answers HTTP: parse the event with zod, resolve the caller,
 * run the use case, and turn refusals into `{error: {code, message, details}}`.
 * Repeated requests with the same `Idempotency-Key` get the first response back.
 */
export function httpHandler<B = undefined, P = Record<string, never>, Q = Record<string, never>>(
  spec: Spec<B, P, Q>,
  run: (request: Request<B, P, Q>) => Promise<Response>,
): (event: ApiEvent) => Promise<ApiResult> {
  return async (event) => {
    try {
      const app = appContext();
      const user = spec.public ? null : caller(event);
      const idempotencyKey = header(event, 'idempotency-key');
      const scope = user && idempotencyKey && event.requestContext.http.method !== 'GET' ? idempotencyScope(event, user, idempotencyKey) : undefined;
      const earlier = scope ? await app.idempotency.find(scope) : undefined;
      if (earlier) return { ...earlier, headers: { ...earlier.headers, 'idempotent-replayed': 'true' } };
      const request: Request<B, P, Q> = {
        body: parseBody(event, spec),
        params: parse(spec.params, event.pathParameters ?? {}, 'Ogiltig sökväg.') as P,
        query: parse(spec.query, event.queryStringParameters ?? {}, 'Ogiltiga frågeparametrar.') as Q,
        user,
        now: new Date(event.requestContext.timeEpoch).toISOString(),
        headers: event.headers,
        idempotencyKey,
        app,
      };
      const result = toResult(await run(request));
      if (scope && result.statusCode! < 300) await app.idempotency.remember(scope, result);
      return result;
    } catch (error) {
      return errorResult(error, event);
    }
  };
}

function caller(event: ApiEvent): User {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const parsed = UserSchema.safeParse(claims ?? {});
  if (!parsed.success) throw unauthorized('Token saknar giltig roll.');
  const c = parsed.data;
  const person = personFromClaims(claims ?? {});
  const withPerson = person ? { person } : {};
  if (c['custom:role'] === 'municipality') {
    const m = findMunicipality(c['custom:municipality']);
    if (!m) throw unauthorized('Token anger en okänd kommun.');
    return { role: 'municipality', municipality: m.code, county: m.county, ...withPerson };
  }
  if (c['custom:role'] === 'county') {
    if (!findCounty(c['custom:county'])) throw unauthorized('Token anger ett okänt län.');
    return { role: 'county', county: c['custom:county'], ...withPerson };
  }
  return { role: 'admin', ...withPerson };
}

function idempotencyScope(event: ApiEvent, user: User, key: string): string {
  const who = user.role === 'municipality' ? user.municipality : user.role === 'county' ? user.county : '';
  return `${user.role}:${who}:${event.routeKey}:${event.rawPath}:${key}`;
}

function header(event: ApiEvent, name: string): string | undefined {
  const value = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  return value?.trim() || undefined;
}

function parseBody<B>(event: ApiEvent, spec: Spec<B, unknown, unknown>): B {
  if (!spec.body) return undefined as B;
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw badRequest('BODY_TOO_LARGE', `Förfrågan är för stor (högst ${MAX_BODY_BYTES / 1024} kB).`);
  const contentType = header(event, 'content-type') ?? 'application/json';
  if (spec.acceptsText && contentType.startsWith('text/')) return parse(spec.body, raw, 'Ogiltig text.');
  let json: unknown;
  try {
    json = raw === '' ? {} : JSON.parse(raw);
  } catch {
    throw badRequest('MALFORMED_JSON', 'Förfrågan är inte giltig JSON.');
  }
  return parse(spec.body, json, 'Förfrågan har fel innehåll.');
}

function parse<T>(schema: ZodType<T> | undefined, input: unknown, message: string): T {
  if (!schema) return input as T;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badRequest('VALIDATION_FAILED', message, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

function toResult(response: Response): ApiResult {
  if (response.text) {
    return { statusCode: response.status, headers: { 'content-type': response.text.contentType, ...response.headers }, body: response.text.content };
  }
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...response.headers },
    ...(response.body === undefined ? {} : { body: JSON.stringify(response.body) }),
  };
}

export function errorResult(error: unknown, event: Pick<ApiEvent, 'routeKey'>): ApiResult {
  const [status, code, message, details] =
    error instanceof HttpError
      ? [error.status, error.code, error.message, error.details]
      : error instanceof RuleError
        ? [STATUS_OF_KIND[error.kind], error.code, error.message, error.details]
        : error instanceof LedgerBusyError
          ? [503, 'LEDGER_BUSY', 'Länets förslag ändras av många samtidigt. Försök igen om en stund.', []]
          : [500, 'INTERNAL_ERROR', 'Ett oväntat fel inträffade.', []];
  if (status >= 500) log.error('request failed', { route: event.routeKey, error: String((error as Error)?.stack ?? error) });
  return toResult({ status, body: { error: { code, message, details } } });
}


