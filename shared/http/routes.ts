/**
 * Every route of the API, once. The CDK stack makes one Lambda and one HTTP API route
 * per entry (code in `functions/<name>/index.ts`); the local stack reads the same routes
 * back from the synthesized template.
 */
export interface RouteSpec {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Public routes skip the JWT authorizer. */
  public?: boolean;
}

export const ROUTES = [
  { name: 'health', method: 'GET', path: '/v1/health', public: true },
  { name: 'openapi', method: 'GET', path: '/v1/openapi.json', public: true },
  { name: 'list-counties', method: 'GET', path: '/v1/counties', public: true },
  { name: 'list-municipalities', method: 'GET', path: '/v1/municipalities', public: true },
  { name: 'import-shares', method: 'PUT', path: '/v1/years/{year}/shares' },
  { name: 'list-shares', method: 'GET', path: '/v1/years/{year}/shares' },
  { name: 'submit-proposal', method: 'POST', path: '/v1/years/{year}/proposals' },
  { name: 'list-proposals', method: 'GET', path: '/v1/years/{year}/proposals' },
  { name: 'get-proposal', method: 'GET', path: '/v1/years/{year}/proposals/{giver}' },
  { name: 'amend-proposal', method: 'PATCH', path: '/v1/years/{year}/proposals/{giver}' },
  { name: 'withdraw-proposal', method: 'DELETE', path: '/v1/years/{year}/proposals/{giver}' },
  { name: 'get-proposal-history', method: 'GET', path: '/v1/years/{year}/proposals/{giver}/history' },
  { name: 'answer-proposal', method: 'POST', path: '/v1/years/{year}/proposals/{giver}/consent' },
  { name: 'decide-proposal', method: 'POST', path: '/v1/years/{year}/proposals/{giver}/decision' },
  { name: 'submit-report', method: 'POST', path: '/v1/years/{year}/counties/{county}/report' },
  { name: 'get-report', method: 'GET', path: '/v1/years/{year}/counties/{county}/report' },
  { name: 'get-cycle', method: 'GET', path: '/v1/years/{year}/cycle' },
  { name: 'start-cycle', method: 'POST', path: '/v1/years/{year}/cycle' },
  { name: 'move-calendar', method: 'PATCH', path: '/v1/years/{year}/cycle/calendar' },
  { name: 'list-audit', method: 'GET', path: '/v1/years/{year}/audit' },
  { name: 'list-mails', method: 'GET', path: '/v1/years/{year}/mails' },
  { name: 'import-contacts', method: 'PUT', path: '/v1/contacts' },
] as const satisfies readonly RouteSpec[];

export type RouteName = (typeof ROUTES)[number]['name'];
