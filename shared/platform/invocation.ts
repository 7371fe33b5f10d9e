import type { Context } from 'aws-lambda';
import { logger } from './logger';
import { publishMetrics } from './metrics';

/**
 * Wraps a Lambda handler in the platform: its log lines carry the Lambda context (request
 * id, function, cold start) and the keys the invocation put on them (logAbout), which are
 * reset at its end; the business metrics it counted are flushed as one EMF line, also when it
 * throws. Powertools' injectLambdaContext and logMetrics do the same as decorators or Middy
 * middlewares; the project's handlers are functions, so this is the plain-function form.
 * A call without a context (a test calling the handler directly) logs without one.
 * The keys belong to the container, as Lambda runs one invocation at a time in it; where
 * invocations overlap in one thread (the local stack's workflow tasks) a line may carry
 * another's keys.
 */
export function instrumented<E, R>(handler: (event: E, context?: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      logger.resetKeys();
      publishMetrics();
    }
  };
}
