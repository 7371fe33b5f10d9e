import { listCounties } from '../../shared/app/reference';
import { jsonAnswer } from '../../shared/http/answer';

/** GET /v1/counties, a standalone route (shared/http/routes.ts): the reference data's counties, nothing to parse or refuse. */
export const handler = async () => jsonAnswer(200, listCounties());
