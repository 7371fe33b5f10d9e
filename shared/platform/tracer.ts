import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray (Powertools Tracer). On in Lambda with active tracing (infra/constructs/function.ts);
 * off wherever there is no Lambda execution environment (AWS_EXECUTION_ENV: the local stack,
 * tests) or POWERTOOLS_TRACE_ENABLED=false, and then silent about missing segments.
 */
const tracer = new Tracer({ serviceName: 'omfordelning' });

/** The SDK client with each of its calls traced as a subsegment (unchanged when tracing is off). */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
