/**
 * The handlers' environment: the local stack runs every function in one Node process (its
 * main thread and worker threads share process.env), so the template's per-function
 * environments become one, and what the template asks for is applied to process.env.
 */
import type { FunctionEnvironment } from '../cloudformation/functions';

/** Variables the template sets that make no sense inside one shared Node process. */
const SKIPPED_ENV: ReadonlySet<string> = new Set(['NODE_OPTIONS', 'AWS_LAMBDA_EXEC_WRAPPER', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED']);

/** One environment for the whole process, merged from every function but the variables in `own`; conflicts and resolutions are reported. */
export function mergedEnvironment(functions: FunctionEnvironment[], say: (line: string) => void, own: ReadonlySet<string>): Record<string, string> {
  const env: Record<string, string> = {};
  const seen = new Set<string>();
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.env)) {
      if (SKIPPED_ENV.has(name) || own.has(name)) continue;
      if (name in env && env[name] !== value) {
        say(`Varning: ${name} skiljer sig mellan funktionerna (${env[name]} / ${value}); lokalt gäller ${env[name]}.`);
        continue;
      }
      env[name] = value;
    }
    for (const r of fn.resolutions) {
      const line = `  ${r.variable} = ${r.value}   (${r.from})`;
      if (seen.has(line) || SKIPPED_ENV.has(r.variable) || own.has(r.variable)) continue;
      seen.add(line);
    }
  }
  if (seen.size > 0) say(`Miljövariabler ur mallen, tolkade lokalt:\n${[...seen].join('\n')}`);
  return env;
}

/** Sets `env` and removes `remove` in process.env; the function returned puts every one back. */
export function applyEnv(env: Record<string, string>, remove: string[]): () => void {
  const before = new Map<string, string | undefined>();
  for (const name of [...Object.keys(env), ...remove]) before.set(name, process.env[name]);
  for (const name of remove) delete process.env[name];
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
