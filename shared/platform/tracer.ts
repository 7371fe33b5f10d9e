import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray subsegments for the AWS SDK calls (Powertools Tracer), where the deployment asks for
 * them (setting traceAwsCalls, infra/settings.ts): the bundler writes the setting in place of
 * OMF_TRACE_AWS_CALLS (infra/bundling.ts), so that without it the Tracer and the X-Ray SDK
 * are not even in the bundle. Where it is on, the Tracer runs in Lambda with active tracing
 * (infra/constructs/function.ts) and is off wherever there is no Lambda execution environment
 * (AWS_EXECUTION_ENV: the local stack, tests) or POWERTOOLS_TRACE_ENABLED=false, as Powertools
 * decides.
 *
 * Where tracing is off the Tracer is not loaded: the X-Ray SDK it brings installs async
 * hooks (cls-hooked) that make every `await` of the thread several times slower whether or not
 * anything is traced (300 000 awaits: 57 ms before the import, 480–1 040 ms after it), which
 * was a good part of the local API container's CPU under load (npm run bench:rush).
 */
const tracer: Tracer | undefined =
  process.env.OMF_TRACE_AWS_CALLS !== 'false' && tracingOn(process.env)
    ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: 'omfordelning' })
    : undefined;

/** Powertools' rule (Tracer.setTracingEnabled): not disabled, and in Lambda, neither SAM local nor Amplify's mock. */
function tracingOn(env: NodeJS.ProcessEnv): boolean {
  const lambda = env.AWS_EXECUTION_ENV ?? '';
  return (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false' && lambda !== '' && lambda !== 'AWS_Lambda_amplify-mock' && !env.AWS_SAM_LOCAL;
}

/** The SDK client with each of its calls traced as a subsegment (unchanged when tracing is off). */
export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
