/**
 * The local API Gateway's routing: routes compiled once (cloudformation/routes.ts reads them
 * from the template), matched per request as HTTP APIs match them. Pure: no I/O.
 */
import type { EnvResolution } from '../cloudformation/functions';

export interface LocalRoute {
  /** `POST /v1/years/{year}/proposals` */
  routeKey: string;
  /** Upper case, or `ANY`. */
  method: string;
  /** `/v1/years/{year}/proposals`, or `$default`. */
  path: string;
  pattern: RegExp;
  paramNames: string[];
  authorization: 'JWT' | 'NONE';
  /** Project-relative handler module, from the function's `omfordelning:entry` metadata. */
  entry: string;
  functionId: string;
  env: Record<string, string>;
  resolutions: EnvResolution[];
}

/** `/v1/years/{year}/proposals` → a regex with one group per `{param}`; `{proxy+}` is greedy. */
export function compilePath(path: string): { pattern: RegExp; paramNames: string[] } {
  if (path === '$default') return { pattern: /^\/.*$/, paramNames: [] };
  const paramNames: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{([^{}+]+)(\+?)\}$/.exec(segment);
      if (!param) return escapeRegex(segment);
      paramNames.push(param[1]!);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), paramNames };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type RouteMatch =
  | { kind: 'found'; route: LocalRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** Routes compiled once; `match` runs per request. Specific routes win over `$default`. */
export class Router {
  private readonly specific: LocalRoute[];
  private readonly fallback: LocalRoute | undefined;
  private readonly exact = new Map<string, LocalRoute[]>();

  constructor(readonly routes: LocalRoute[]) {
    this.specific = routes.filter((r) => r.path !== '$default');
    this.fallback = routes.find((r) => r.path === '$default');
    for (const r of this.specific) {
      if (r.paramNames.length > 0) continue;
      this.exact.set(r.path, [...(this.exact.get(r.path) ?? []), r]);
    }
  }

  /** `rawPath` as received (percent-encoded); path parameters are decoded. */
  match(method: string, rawPath: string): RouteMatch {
    const allowed: string[] = [];
    const exact = this.exact.get(rawPath);
    if (exact) {
      const route = exact.find((r) => r.method === method || r.method === 'ANY');
      if (route) return { kind: 'found', route, params: {} };
      allowed.push(...exact.map((r) => r.method));
    }
    // Among templated paths, prefer the one with fewer parameters (literal segments win).
    let best: { route: LocalRoute; params: Record<string, string> } | undefined;
    for (const route of this.specific) {
      if (route.paramNames.length === 0) continue;
      const m = route.pattern.exec(rawPath);
      if (!m) continue;
      if (route.method !== method && route.method !== 'ANY') {
        allowed.push(route.method);
        continue;
      }
      if (best && best.route.paramNames.length <= route.paramNames.length) continue;
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => (params[name] = decode(m[i + 1]!)));
      best = { route, params };
    }
    if (best) return { kind: 'found', ...best };
    if (this.fallback) return { kind: 'found', route: this.fallback, params: {} };
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed: [...new Set(allowed)].sort() } : { kind: 'not-found' };
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

