import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';
import { openApiDocument } from '../../shared/http/openapi';

export const handler = httpHandler(route('openapi'), async () => ({ status: 200, body: openApiDocument() }));
