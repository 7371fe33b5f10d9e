import type { AppContext } from '../app/context';
import { buildMailing } from './mailing';
import { buildTables } from './tables';
import { buildWorkflow } from './workflow';

/** Every port at once, from `env` (for the tests; a function takes only the groups it uses). */
export function buildContext(env: NodeJS.ProcessEnv): AppContext {
  return { ...buildTables(env), ...buildMailing(env), ...buildWorkflow(env) };
}
