import { jsonAnswer } from '../../shared/http/answer';

/**
 * GET /v1/health, a standalone route (shared/http/routes.ts): nothing to parse, refuse, read
 * or log (Lambda's own START, END and REPORT lines record each probe), so no HTTP adapter,
 * no zod and no Powertools are loaded, and it starts as fast as an empty handler.
 */
export const handler = async () => jsonAnswer(200, { status: 'ok' });
