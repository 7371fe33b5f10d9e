import { listCounties } from '../../shared/app/reference';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler({ public: true }, async () => ({ status: 200, body: listCounties() }));
