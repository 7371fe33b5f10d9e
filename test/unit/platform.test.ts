/**
 * The platform (shared/platform, Powertools): a handler invocation logs JSON lines with the
 * Lambda context (request id, cold start) and what it is about (year, county, municipality),
 * reset at its end; the business metrics it counted leave as EMF lines at its end; SDK clients
 * are traced in Lambda only. Read from
 * stdout/stderr, as CloudWatch Logs reads them. Each test loads the modules afresh, because
 * Powertools reads its settings (level, metrics on or off) when the logger and metrics are built.
 */
import { createRequire } from 'node:module';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiEvent, claims } from '../support/api-event';
import type { IdempotencyStore } from '../../shared/app/ports';

let lines: Record<string, unknown>[];

beforeEach(() => {
  vi.resetModules();
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('TABLE_NAME', 'test-table');
  vi.stubEnv('MAIL_FROM', 'omfordelning@example.se');
  vi.stubEnv('AWS_REGION', 'eu-north-1');
  // Lambda says how it started the environment; Powertools reports a cold start only for on-demand ones.
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  lines = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const context = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'omfordelning-get-proposal',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-north-1:123456789012:function:omfordelning-get-proposal',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/omfordelning-get-proposal',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

const logLines = () => lines.filter((l) => !('_aws' in l));
const emfLines = () => lines.filter((l) => '_aws' in l);

describe('Logger', () => {
  it('logs an API invocation with its request id, cold start and what it is about; the next one starts clean', async () => {
    const { httpHandler } = await import('../../shared/http/handler');
    const { log } = await import('../../shared/platform/logger');
    // GET requests without an Idempotency-Key never reach the key store.
    const idempotency = {} as IdempotencyStore;
    const handler = httpHandler<undefined, { year: string; giver?: string }, Record<string, never>, { idempotency: IdempotencyStore }>({ params: z.object({ year: z.string(), giver: z.string().optional() }), app: { idempotency } }, async () => {
      log.info('looked up', { found: true });
      return { status: 200, body: {} };
    });

    const path = '/v1/years/{year}/proposals/{giver}';
    await handler(apiEvent({ method: 'GET', path, pathParameters: { year: '2027', giver: '0360' }, claims: claims.county('03') }), context('req-1'));
    await handler(apiEvent({ method: 'GET', path: '/v1/years/{year}/proposals', pathParameters: { year: '2028' }, claims: claims.county('01') }), context('req-2'));

    const [first, second] = logLines();
    expect(first).toMatchObject({
      level: 'INFO',
      message: 'looked up',
      found: true,
      service: 'omfordelning',
      function_request_id: 'req-1',
      function_name: 'omfordelning-get-proposal',
      cold_start: true,
      year: 2027,
      county: '03', // Tierp's (0360) county
      municipality: '0360',
    });
    expect(typeof first!.timestamp).toBe('string');
    expect(second).toMatchObject({ function_request_id: 'req-2', cold_start: false, year: 2028, county: '01' });
    expect(second).not.toHaveProperty('municipality');
  });

  it('logs a workflow task with the year and county of its input', async () => {
    const { taskHandler } = await import('../../shared/adapters/sfn/task-handler');
    const { log } = await import('../../shared/platform/logger');
    const handler = taskHandler(z.object({ year: z.number(), county: z.string() }), async function remind() {
      log.info('reminded');
      return { ok: true };
    }, {});
    await handler({ year: 2027, county: '03' }, context('req-3'));
    expect(logLines().map((l) => [l.message, l.year, l.county, l.function_request_id])).toEqual([
      ['reminded', 2027, '03', 'req-3'],
      ['task done', 2027, '03', 'req-3'],
    ]);
  });

  it('writes warnings and errors only at WARN, as the tests and a quiet local stack run', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
    const { log } = await import('../../shared/platform/logger');
    log.debug('not this');
    log.info('nor this');
    log.warn('this');
    log.error('and this', { error: 'boom' });
    expect(logLines().map((l) => [l.level, l.message])).toEqual([
      ['WARN', 'this'],
      ['ERROR', 'and this'],
    ]);
  });

  it('takes the level from Lambda\'s own setting (advanced logging controls) over POWERTOOLS_LOG_LEVEL', async () => {
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'ERROR');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const { log } = await import('../../shared/platform/logger');
    log.warn('not this');
    log.error('this');
    expect(logLines().map((l) => l.message)).toEqual(['this']);
  });
});

describe('Metrics', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
  });

  it('flushes what an invocation counted as EMF: one line without dimensions, one per dimension value', async () => {
    const { instrumented } = await import('../../shared/platform/invocation');
    const { count } = await import('../../shared/platform/metrics');
    const handler = instrumented(async () => {
      count.ledgerEvent('ProposalSubmitted');
      count.ledgerEvent('ProposalSubmitted');
      count.ledgerEvent('ReceiverConsented');
      count.mailSent();
      count.mailSent();
      count.mailFailed();
      count.ledgerRetry();
      return 'done';
    });
    expect(await handler({}, context('req-4'))).toBe('done');

    const emf = emfLines();
    expect(emf.map(({ _aws, ...values }) => ({ ...(_aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics[0]!, values }))).toEqual([
      {
        Namespace: 'Omfordelning',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'MailsSent', Unit: 'Count' },
          { Name: 'MailsFailed', Unit: 'Count' },
          { Name: 'LedgerContentionRetries', Unit: 'Count' },
        ],
        values: { service: 'omfordelning', MailsSent: 2, MailsFailed: 1, LedgerContentionRetries: 1 },
      },
      {
        Namespace: 'Omfordelning',
        Dimensions: [['service', 'event']],
        Metrics: [{ Name: 'LedgerEvents', Unit: 'Count' }],
        values: { service: 'omfordelning', event: 'ProposalSubmitted', LedgerEvents: 2 },
      },
      {
        Namespace: 'Omfordelning',
        Dimensions: [['service', 'event']],
        Metrics: [{ Name: 'LedgerEvents', Unit: 'Count' }],
        values: { service: 'omfordelning', event: 'ReceiverConsented', LedgerEvents: 1 },
      },
    ]);
    expect(logLines()).toEqual([]);
  });

  it('counts an API request refused by a rule by its code, also when nothing else was counted; a quiet invocation writes nothing', async () => {
    const { httpHandler } = await import('../../shared/http/handler');
    const { RuleError } = await import('../../shared/domain/errors');
    const refusing = httpHandler({ public: true }, async () => {
      throw new RuleError('SAME_MUNICIPALITY');
    });
    const quiet = httpHandler({ public: true }, async () => ({ status: 200 }));

    expect((await refusing(apiEvent({ method: 'GET', path: '/v1/health' }), context('req-5'))).statusCode).toBe(422);
    expect((await quiet(apiEvent({ method: 'GET', path: '/v1/health' }), context('req-6'))).statusCode).toBe(200);

    expect(emfLines()).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({ CloudWatchMetrics: [{ Namespace: 'Omfordelning', Dimensions: [['service', 'code']], Metrics: [{ Name: 'RuleRefusals', Unit: 'Count' }] }] }),
        code: 'SAME_MUNICIPALITY',
        RuleRefusals: 1,
      }),
    ]);
    expect(logLines()).toEqual([]); // no "no metrics to publish" warning either
  });

  it('flushes also when the handler throws', async () => {
    const { instrumented } = await import('../../shared/platform/invocation');
    const { count } = await import('../../shared/platform/metrics');
    const handler = instrumented(async () => {
      count.mailFailed();
      throw new Error('SES down');
    });
    await expect(handler({}, context('req-7'))).rejects.toThrow('SES down');
    expect(emfLines()).toEqual([expect.objectContaining({ MailsFailed: 1 })]);
  });

  it('writes nothing with POWERTOOLS_METRICS_DISABLED=true (tests, the local stack)', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const { instrumented } = await import('../../shared/platform/invocation');
    const { count } = await import('../../shared/platform/metrics');
    await instrumented(async () => count.mailSent())({}, context('req-8'));
    expect(lines).toEqual([]);
  });
});

describe('Tracer', () => {
  const region = 'eu-north-1';
  const xray = (client: { middlewareStack: { identify(): string[] } }) => client.middlewareStack.identify().some((m) => m.startsWith('XRaySDKInstrumentation'));

  it('leaves SDK clients alone off Lambda (tests, the local stack), without a word and without loading the X-Ray SDK', async () => {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { traced } = await import('../../shared/platform/tracer');
    expect(xray(traced(new DynamoDBClient({ region })))).toBe(false);
    expect(lines).toEqual([]);
    // Its async hooks would slow every await of the process (shared/platform/tracer.ts).
    expect(Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('aws-xray-sdk-core'))).toEqual([]);
  });

  it('captures every call of an SDK client in Lambda with tracing on', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', '');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { traced } = await import('../../shared/platform/tracer');
    expect(xray(traced(new DynamoDBClient({ region })))).toBe(true);
  });
});
