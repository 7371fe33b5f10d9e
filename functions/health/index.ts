import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler(route('health'), async () => ({ status: 200, body: { status: 'ok' } }));
