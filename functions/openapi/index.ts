import { httpHandler } from '../../shared/http/handler';
import { openApiDocument } from '../../shared/http/openapi';

export const handler = httpHandler({ public: true }, async () => ({ status: 200, body: openApiDocument() }));
