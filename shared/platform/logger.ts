import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger (Powertools): one JSON line each, with the invocation's request id and cold
 * start once a handler wrapper gave it the Lambda context (./invocation.ts), and the year,
 * county and municipality the invocation is about where known (`logAbout`).
 *
 * One level control: in AWS, the function's own log level (Lambda's advanced logging
 * controls set AWS_LAMBDA_LOG_LEVEL, infra/constructs/function.ts), which Powertools obeys
 * first; elsewhere POWERTOOLS_LOG_LEVEL (default INFO). Tests set WARN (vitest.config.ts),
 * and so does the local stack when it is quiet.
 */
export const logger = new Logger({ serviceName: 'omfordelning' });

type Fields = Record<string, unknown>;

/** The call shape of every log line: a message and its fields. Arrow functions, so `log.info` may be passed around. */
export const log = {
  debug: (message: string, fields: Fields = {}) => logger.debug(message, fields),
  info: (message: string, fields: Fields = {}) => logger.info(message, fields),
  warn: (message: string, fields: Fields = {}) => logger.warn(message, fields),
  error: (message: string, fields: Fields = {}) => logger.error(message, fields),
};

/** What an invocation is about, as far as its wrapper knows. */
export interface LogSubject {
  year?: number;
  county?: string;
  municipality?: string;
}

/**
 * Puts the subject's keys on every later line of this invocation (they are reset when it
 * ends). Per invocation, not per container: the next request may be another county's.
 */
export function logAbout(subject: LogSubject): void {
  const keys = Object.fromEntries(Object.entries(subject).filter(([, value]) => value !== undefined));
  if (Object.keys(keys).length > 0) logger.appendKeys(keys);
}
