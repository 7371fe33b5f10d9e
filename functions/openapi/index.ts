import { jsonAnswer } from '../../shared/http/answer';

/**
 * The OpenAPI document as JSON, written into the bundle by the bundler (infra/bundling.ts);
 * unbundled (the local stack, tests) it is not defined, and the document is generated from
 * ROUTES at the first call, as the bundler does.
 */
declare const OMF_OPENAPI_DOCUMENT: string;

let document: unknown;

export const handler = async () => {
  document ??= typeof OMF_OPENAPI_DOCUMENT === 'string' ? JSON.parse(OMF_OPENAPI_DOCUMENT) : (await import('../../shared/http/openapi')).openApiDocument();
  return jsonAnswer(200, document);
};
