/**
 * The local HTTP server: stands in for API Gateway (HTTP API, payload format 2.0) in front
 * of the handlers. Per request it matches a route read from the template, checks the JWT
 * for JWT routes, builds the v2 event with the virtual clock's time, has the stack invoke the
 * handler (in an API container, or in-process: local/stack.ts) and writes its result back.
 * Also serves `/_local/*`, which exists only here.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer as ApiEvent, APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../account';
import { ClockError, type Clock } from '../clock';
import { LocalStackError } from '../errors';
import type { LambdaContextLike } from '../lambda/context';
import type { Verification } from './jwt-authorizer';
import type { LocalRoute, Router } from './router';

const MAX_REQUEST_BYTES = 1024 * 1024;
/** API Gateway's integration timeout for HTTP APIs. */
const INTEGRATION_TIMEOUT_MS = 30_000;

export interface LocalServerOptions {
  router: Router;
  /** Calls the route's handler with the event (and a Lambda-like context). */
  invoke(route: LocalRoute, event: ApiEvent, context: LambdaContextLike): Promise<unknown>;
  verifier: { verify(authorization: string | undefined): Promise<Verification> };
  clock: Clock;
  /** One line per request (method, path, status, duration). */
  accessLog?: (line: string) => void;
  /** Errors: handler threw, result malformed. */
  errorLog: (message: string, fields: Record<string, unknown>) => void;
  /** Serves the web app for every path outside /v1 and /_local (the stack's web app, or none). */
  webApp?: (method: string, rawPath: string, res: ServerResponse) => void;
  /** The local sign-in (GET /_local/identities, POST /_local/sign-in); `signIn` throws LocalStackError on a bad request. */
  signIn?: { identities(): unknown[]; signIn(input: unknown): Promise<string> };
  /** Added to the gateway's 401s (in AWS, API Gateway's JWT authorizer answers those itself): how to get a token locally. */
  tokenHint?: string;
}


const JSON_TYPE = 'application/json; charset=utf-8';

/** `Metoden PUT stöds inte här. Tillåtna metoder är GET och POST.` */
function methodNotAllowed(method: string, allowed: readonly string[]): string {
  const list = allowed.length <= 1 ? (allowed[0] ?? '') : `${allowed.slice(0, -1).join(', ')} och ${allowed.at(-1)}`;
  return `Metoden ${method} stöds inte här. ${allowed.length === 1 ? `Den enda tillåtna metoden är ${list}` : `Tillåtna metoder är ${list}`}.`;
}

function errorBody(code: string, message: string, details: unknown[] = []): string {
  return JSON.stringify({ error: { code, message, details } });
}

/**
 * The server. `current()` gives the routes and collaborators once the stack is ready;
 * until then (the port is bound first, so a taken port fails fast) requests get 503.
 */
export function createLocalServer(current: () => LocalServerOptions | undefined): Server {
  const server = createServer({ keepAlive: true, keepAliveInitialDelay: 1_000 }, (req, res) => {
    const options = current();
    if (options) void handle(options, req, res);
    else sendError(res, 503, 'STARTING', 'Den lokala stacken startar, försök igen om en stund.', { headers: { 'retry-after': '1' } });
  });
  // Outlive the keep-alive pools of common clients (undici keeps sockets 4 s, autocannon forever).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  // Refuse oversized bodies before curl sends them (it asks with `Expect: 100-continue`).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaredLength(req) > MAX_REQUEST_BYTES) return tooLarge(res, req);
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  return server;
}

/** Listens on 127.0.0.1; a port in use becomes a one-line LocalStackError. */
export function listen(server: Server, port: number, what = 'API'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new LocalStackError('PORT_IN_USE', `Port ${port} används redan (${what}). Stoppa det som kör där eller välj en annan port med --port.`));
      } else if (error.code === 'EACCES') {
        reject(new LocalStackError('PORT_IN_USE', `Port ${port} får inte användas (EACCES). Välj en port över 1024 med --port.`));
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/** Closes the server and every connection it still has (keep-alive included). */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function handle(options: LocalServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  if (options.accessLog) {
    const write = options.accessLog;
    res.once('finish', () => write(`${method} ${url} → ${res.statusCode} ${(performance.now() - started).toFixed(1)} ms`));
  }
  // Answering before the body is read: close the connection after the answer instead of
  // letting Node read (and discard) the rest of a body nobody wants.
  const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    sendError(res, status, code, message, { headers: hasBody(req) ? { ...headers, connection: 'close' } : headers });
  try {
    if (declaredLength(req) > MAX_REQUEST_BYTES) return tooLarge(res, req);
    if (rawPath === '/_local' || rawPath.startsWith('/_local/')) {
      await handleLocal(options, req, res, method, rawPath);
      return;
    }
    if (options.webApp !== undefined && rawPath !== '/v1' && !rawPath.startsWith('/v1/')) {
      if (hasBody(req)) res.setHeader('connection', 'close');
      return options.webApp(method, rawPath, res);
    }
    const match = options.router.match(method, rawPath);
    if (match.kind === 'not-found') return refuse(404, 'NOT_FOUND', 'Sidan finns inte.');
    if (match.kind === 'method-not-allowed') {
      return refuse(405, 'METHOD_NOT_ALLOWED', methodNotAllowed(method, match.allowed), { allow: match.allowed.join(', ') });
    }
    const { route, params } = match;
    let claims: Record<string, string> | undefined;
    if (route.authorization === 'JWT') {
      const verdict = await options.verifier.verify(req.headers.authorization);
      if (!verdict.ok) return refuse(401, 'UNAUTHORIZED', options.tokenHint ? `${verdict.message} ${options.tokenHint}` : verdict.message, { 'www-authenticate': 'Bearer' });
      claims = verdict.claims;
    }
    const body = await readBody(req);
    if (body === 'too-large') return tooLarge(res, req);
    const requestId = randomUUID();
    const event = toEvent({ req, method, rawPath, rawQueryString, route, params, body, claims, requestId, nowMs: options.clock.now() });
    const result = await withTimeout(options.invoke(route, event, lambdaContext(route, requestId)), INTEGRATION_TIMEOUT_MS);
    if (result === TIMED_OUT) {
      options.errorLog('handler timed out', { route: route.routeKey, entry: route.entry, timeoutMs: INTEGRATION_TIMEOUT_MS });
      return sendError(res, 504, 'GATEWAY_TIMEOUT', 'Tjänsten svarade inte i tid.');
    }
    writeResult(res, result, requestId);
  } catch (error) {
    options.errorLog('request failed', { method, path: rawPath, error: String((error as Error)?.stack ?? error) });
    if (!res.headersSent) sendError(res, 500, 'INTERNAL_ERROR', 'Ett oväntat fel inträffade.');
    else res.destroy();
  }
}

async function handleLocal(options: LocalServerOptions, req: IncomingMessage, res: ServerResponse, method: string, rawPath: string): Promise<void> {
  if (rawPath === '/_local/clock') {
    if (method === 'GET') return sendJson(res, 200, { now: options.clock.nowIso(), virtual: options.clock.virtual });
    if (method !== 'POST') return sendError(res, 405, 'METHOD_NOT_ALLOWED', methodNotAllowed(method, ['GET', 'POST']), { headers: { allow: 'GET, POST' } });
    const parsed = await jsonBody(req, res);
    if (!parsed) return;
    const { input } = parsed;
    const now = (input as { now?: unknown } | null)?.now;
    if (typeof now !== 'string') {
      return sendError(res, 400, 'VALIDATION_FAILED', 'Ange den nya tiden som {"now": "…"} med en tidpunkt enligt ISO 8601 med tidszon.', {
        details: [{ path: 'now', message: 'Fältet now saknas eller är inte en tidpunkt.' }],
      });
    }
    try {
      return sendJson(res, 200, { now: options.clock.set(now), virtual: true });
    } catch (error) {
      if (!(error instanceof ClockError)) throw error;
      if (error.code === 'CLOCK_BACKWARDS') return sendError(res, 409, 'CLOCK_BACKWARDS', error.message, { details: [{ now: options.clock.nowIso() }] });
      return sendError(res, 400, 'VALIDATION_FAILED', error.message, { details: [{ path: 'now', message: error.message }] });
    }
  }
  if (rawPath === '/_local/identities' && options.signIn) {
    if (method !== 'GET') return sendError(res, 405, 'METHOD_NOT_ALLOWED', methodNotAllowed(method, ['GET']), { headers: { allow: 'GET' } });
    return sendJson(res, 200, { identities: options.signIn.identities() });
  }
  if (rawPath === '/_local/sign-in' && options.signIn) {
    if (method !== 'POST') return sendError(res, 405, 'METHOD_NOT_ALLOWED', methodNotAllowed(method, ['POST']), { headers: { allow: 'POST' } });
    const parsed = await jsonBody(req, res);
    if (!parsed) return;
    const { input } = parsed;
    try {
      return sendJson(res, 200, { token: await options.signIn.signIn(input) }, { 'cache-control': 'no-store' });
    } catch (error) {
      if (!(error instanceof LocalStackError)) throw error;
      return sendError(res, 400, 'VALIDATION_FAILED', error.message);
    }
  }
  if (rawPath === '/_local/routes') {
    if (method !== 'GET') return sendError(res, 405, 'METHOD_NOT_ALLOWED', methodNotAllowed(method, ['GET']), { headers: { allow: 'GET' } });
    return sendJson(res, 200, {
      routes: options.router.routes.map((r) => ({ routeKey: r.routeKey, authorization: r.authorization, entry: r.entry })),
    });
  }
  return sendError(res, 404, 'NOT_FOUND', 'Sidan finns inte.');
}

function hasBody(req: IncomingMessage): boolean {
  return !req.readableEnded && (declaredLength(req) > 0 || req.headers['transfer-encoding'] !== undefined);
}

function declaredLength(req: IncomingMessage): number {
  const value = req.headers['content-length'];
  return value === undefined ? 0 : Number(value);
}

/** The body, or 'too-large' as soon as it passes 1 MiB (the rest is never read). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  if (declaredLength(req) > MAX_REQUEST_BYTES) return Promise.resolve('too-large');
  if (req.readableEnded || (req.headers['content-length'] === '0' && !req.headers['transfer-encoding'])) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        cleanup();
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** The request's JSON body, or undefined once its 413 or 400 has been sent. */
async function jsonBody(req: IncomingMessage, res: ServerResponse): Promise<{ input: unknown } | undefined> {
  const body = await readBody(req);
  if (body === 'too-large') {
    tooLarge(res, req);
    return undefined;
  }
  try {
    return { input: JSON.parse(body.toString('utf8') || 'null') };
  } catch {
    sendError(res, 400, 'MALFORMED_JSON', 'Förfrågan är inte giltig JSON.');
    return undefined;
  }
}

function tooLarge(res: ServerResponse, req: IncomingMessage): void {
  sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Förfrågan är för stor (högst ${MAX_REQUEST_BYTES / 1024 / 1024} MiB).`, { headers: { connection: 'close' } });
  // Do not read the rest: close the connection once the answer is out.
  res.once('finish', () => req.socket.destroySoon?.() ?? req.socket.end());
}

interface EventInput {
  req: IncomingMessage;
  method: string;
  rawPath: string;
  rawQueryString: string;
  route: LocalRoute;
  params: Record<string, string>;
  body: Buffer;
  claims: Record<string, string> | undefined;
  requestId: string;
  nowMs: number;
}

const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|csv)|application\/[\w.+-]+\+(json|xml))/i;

/** The API Gateway HTTP API (payload format 2.0) event for a request. */
export function toEvent(input: EventInput): ApiEvent {
  const { req, method, rawPath, rawQueryString, route, params, body, claims, requestId, nowMs } = input;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'cookie') {
      (cookies ??= []).push(...value.split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const host = headers.host ?? '127.0.0.1';
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || contentType === '' || TEXT_TYPE.test(contentType);
  const queryStringParameters = parseQuery(rawQueryString);
  const event: ApiEvent = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies && { cookies }),
    headers,
    ...(queryStringParameters && { queryStringParameters }),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(nowMs),
      timeEpoch: nowMs,
      ...(claims ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null } } } : {}),
    } as ApiEvent['requestContext'],
    ...(route.paramNames.length > 0 && { pathParameters: params }),
    ...(body.length > 0 && { body: isText ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: !isText,
  };
  return event;
}

function parseQuery(raw: string): Record<string, string> | undefined {
  if (raw === '') return undefined;
  const out: Record<string, string> = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeQuery(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeQuery(part.slice(eq + 1));
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function decodeQuery(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `29/Nov/2026:20:46:20 +0000`, API Gateway's requestContext.time format. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function lambdaContext(route: LocalRoute, requestId: string): LambdaContextLike {
  const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
  return {
    functionName: route.functionId,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${route.functionId}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${route.functionId}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Writes a Lambda result the way API Gateway interprets payload format 2.0 results. */
function writeResult(res: ServerResponse, result: unknown, requestId: string): void {
  let structured: ApiResult;
  if (typeof result === 'string') structured = { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body: result };
  else if (result && typeof result === 'object' && 'statusCode' in result) structured = result as ApiResult;
  else structured = { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body: result === undefined ? '' : JSON.stringify(result) };

  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body === undefined ? undefined : structured.isBase64Encoded ? Buffer.from(structured.body, 'base64') : structured.body;
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, ...headers });
  res.end(JSON.stringify(value));
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: { details?: unknown[]; headers?: Record<string, string> } = {},
): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, ...extra.headers });
  res.end(errorBody(code, message, extra.details));
}
