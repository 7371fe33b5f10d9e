/** vitest globalSetup: builds web/dist once when it is missing or older than its sources. */
import { ensureWebBuilt } from '../../local/tools/web';
import { PROJECT_ROOT } from './local-stack';

export default async function setup(): Promise<void> {
  await ensureWebBuilt(PROJECT_ROOT);
}
