import { listCounties } from '../../shared/app/reference';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

export const handler = httpHandler(route('list-counties'), async () => ({ status: 200, body: listCounties() }));
