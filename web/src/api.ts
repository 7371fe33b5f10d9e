import { clearSession, rememberReturn, token } from './session';

/** A refusal from the API: its stable code, its Swedish message and its details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The session expired (401): the app has gone to the sign-in page; the page does nothing more. */
export class SessionExpired extends Error {
  constructor() {
    super('Inloggningen har gått ut.');
    this.name = 'SessionExpired';
  }
}

type Listener = () => void;
let onExpired: Listener = () => {};
export function onSessionExpired(listener: Listener): void {
  onExpired = listener;
}

/**
 * Calls the API with the bearer token; JSON in and out (or, with `contentType`, the body is
 * text sent as is, e.g. text/csv). Throws ApiError or SessionExpired.
 */
export async function api<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
  const headers: Record<string, string> = {};
  const jwt = token();
  if (jwt) headers.authorization = `Bearer ${jwt}`;
  if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined && { body: contentType ? String(body) : JSON.stringify(body) }) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Tjänsten gick inte att nå. Kontrollera anslutningen och försök igen.');
  }
  if (res.status === 401) {
    // Sent without a token: the user signed out while the page was still loading. Nothing expired.
    if (!jwt) throw new SessionExpired();
    clearSession();
    rememberReturn(location.pathname + location.search);
    onExpired();
    throw new SessionExpired();
  }
  const text = await res.text();
  const json = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const error = json?.error;
    throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? 'Något gick fel. Försök igen om en stund.', error?.details ?? []);
  }
  return json as T;
}
