import { rmSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../infra/synth';
import { FilterPatternError, compileFilterCriteria, compilePattern, streamsFromTemplate, type StreamMapping } from '../../local/emulators/dynamodb/streams';
import { startTestStack, tempDataDir, type TestStack } from '../support/local-stack';
import { CRASH, STREAM_RECORDER_ENTRY, resetStreamRecorder, streamRecorder, type StreamRecorder } from '../support/stream-recorder';

// The pattern CDK renders for FilterCriteria.filter({eventName: isEqual('INSERT'), dynamodb: {Keys: {sk: {S: beginsWith('E#')}}}}).
const LEDGER_PATTERN = '{"eventName":["INSERT"],"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"E#"}]}}}}';
const CYCLE_PATTERN = '{"eventName":["INSERT","MODIFY"],"dynamodb":{"Keys":{"sk":{"S":["CYCLE"]}}}}';

/** A stream record as the local stream (and DynamoDB) produces it, reduced to what filters look at. */
const record = (eventName: string, keys: Record<string, string>, newImage?: Record<string, unknown>) => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    Keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, { S: v }])),
    ...(newImage && { NewImage: newImage }),
  },
});

/**
 * A copy of the real template whose stream mapping invokes the test recorder. Should the
 * template lack the stream or the mapping, they are added with the shapes the CDK stack
 * produces (infra/constructs/ledger-follower.ts).
 */
function recorderTemplate(): { template: Record<string, any>; mapping: StreamMapping } {
  const template = structuredClone(synthesizeTemplate());
  const resources: Record<string, any> = template.Resources;
  const [tableId, table] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable')!;
  table.Properties.StreamSpecification ??= { StreamViewType: 'NEW_IMAGE' };
  let mappingEntry = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping');
  if (!mappingEntry) {
    resources.TestFollower = { Type: 'AWS::Lambda::Function', Properties: { Timeout: 60, MemorySize: 512 }, Metadata: { 'omfordelning:entry': 'functions/follow-ledger/index.ts' } };
    resources.TestDeadLetters = { Type: 'AWS::SQS::Queue', Properties: {} };
    mappingEntry = [
      'TestFollowerMapping',
      (resources.TestFollowerMapping = {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          BatchSize: 100,
          BisectBatchOnFunctionError: true,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['TestDeadLetters', 'Arn'] } } },
          EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
          FilterCriteria: { Filters: [{ Pattern: LEDGER_PATTERN }] },
          FunctionName: { Ref: 'TestFollower' },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 10,
          ParallelizationFactor: 1,
          StartingPosition: 'TRIM_HORIZON',
        },
      }),
    ];
  }
  const functionId: string = mappingEntry[1].Properties.FunctionName.Ref;
  resources[functionId].Metadata['omfordelning:entry'] = STREAM_RECORDER_ENTRY;
  const mapping = streamsFromTemplate(template).mappings[0]!;
  return { template, mapping };
}

describe('stream filter patterns', () => {
  const ledger = compilePattern(LEDGER_PATTERN);

  it('lets inserted ledger events through (INSERT and sk prefix E#)', () => {
    expect(ledger(record('INSERT', { pk: 'L#01#2028', sk: 'E#000000001' }))).toBe(true);
    expect(ledger(record('INSERT', { pk: 'L#01#2028', sk: 'E#' }))).toBe(true);
  });

  it('rejects updates and removals of ledger events', () => {
    expect(ledger(record('MODIFY', { pk: 'L#01#2028', sk: 'E#000000001' }))).toBe(false);
    expect(ledger(record('REMOVE', { pk: 'L#01#2028', sk: 'E#000000001' }))).toBe(false);
  });

  it('rejects other items: VIEW, a prefix elsewhere in the key, another type, missing keys', () => {
    expect(ledger(record('INSERT', { pk: 'L#01#2028', sk: 'VIEW' }))).toBe(false);
    expect(ledger(record('INSERT', { pk: 'L#01#2028', sk: 'XE#1' }))).toBe(false);
    expect(ledger(record('INSERT', { pk: 'E#1', sk: 'VIEW' }))).toBe(false);
    expect(ledger({ eventName: 'INSERT', dynamodb: { Keys: { sk: { N: '1' } } } })).toBe(false);
    expect(ledger({ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'E#1' } } } })).toBe(false);
    expect(ledger({ eventName: 'INSERT' })).toBe(false);
    expect(ledger(undefined)).toBe(false);
  });

  it('matches nested keys at any depth, every key of an object and any value of a list', () => {
    const nested = compilePattern({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { type: { S: ['submitted', 'answered'] }, meta: { M: { county: { S: [{ prefix: '0' }] } } } } },
    });
    const image = (type: string, county: string) => ({ type: { S: type }, meta: { M: { county: { S: county } } } });
    expect(nested(record('MODIFY', { sk: 'x' }, image('answered', '01')))).toBe(true);
    expect(nested(record('INSERT', { sk: 'x' }, image('submitted', '03')))).toBe(true);
    expect(nested(record('INSERT', { sk: 'x' }, image('withdrawn', '03')))).toBe(false);
    expect(nested(record('INSERT', { sk: 'x' }, image('submitted', '13')))).toBe(false);
    expect(nested(record('REMOVE', { sk: 'x' }, image('submitted', '03')))).toBe(false);
    // A list in the record matches when one element does.
    expect(compilePattern({ tags: ['a'] })({ tags: ['b', 'a'] })).toBe(true);
  });

  it('knows suffix, exists and anything-but; filters are alternatives; none means everything', () => {
    expect(compilePattern({ k: [{ suffix: '#x' }] })({ k: 'a#x' })).toBe(true);
    expect(compilePattern({ k: [{ exists: false }] })({})).toBe(true);
    expect(compilePattern({ k: [{ exists: false }] })({ k: 1 })).toBe(false);
    expect(compilePattern({ k: [{ exists: true }] })({ k: 'v' })).toBe(true);
    expect(compilePattern({ k: [{ 'anything-but': ['a', 'b'] }] })({ k: 'c' })).toBe(true);
    expect(compilePattern({ k: [{ 'anything-but': { prefix: 'E#' } }] })({ k: 'E#1' })).toBe(false);
    const either = compileFilterCriteria({ Filters: [{ Pattern: '{"eventName":["REMOVE"]}' }, { Pattern: LEDGER_PATTERN }] })!;
    expect(either(record('REMOVE', { sk: 'VIEW' }))).toBe(true);
    expect(either(record('INSERT', { sk: 'E#1' }))).toBe(true);
    expect(either(record('INSERT', { sk: 'VIEW' }))).toBe(false);
    expect(compileFilterCriteria(undefined)).toBeUndefined();
    expect(compileFilterCriteria({ Filters: [] })).toBeUndefined();
  });

  it('refuses operators it does not evaluate, and malformed patterns, with a clear error', () => {
    expect(() => compilePattern('{"n":[{"numeric":[">",1]}]}', 'Mapping')).toThrow(/Mapping: n: operatorn "numeric" stöds inte lokalt/);
    expect(() => compilePattern('{"ip":[{"cidr":"10.0.0.0/24"}]}')).toThrow(FilterPatternError);
    expect(() => compilePattern('{"$or":[{"a":["1"]},{"b":["2"]}]}')).toThrow(/\$or stöds inte/);
    expect(() => compilePattern('{"a":"INSERT"}')).toThrow(/ska vara en lista/);
    expect(() => compilePattern('{"a":[]}')).toThrow(/tom lista/);
    expect(() => compilePattern('{not json')).toThrow(/inte giltig JSON/);
    expect(() => compileFilterCriteria({ Filters: [{ Pattern: '{"k":[{"wildcard":"E*"}]}' }] }, 'M1')).toThrow(/M1: Filters\[0\]: k: operatorn "wildcard"/);
  });

  it('reads the mapping of the synthesized template as deployed', () => {
    const { stream, mappings } = streamsFromTemplate(synthesizeTemplate());
    expect(stream?.viewType).toBe('NEW_IMAGE');
    expect(mappings).toHaveLength(1);
    const [mapping] = mappings;
    expect(mapping).toMatchObject({
      entry: 'functions/follow-ledger/index.ts',
      batchSize: 100,
      maxRetries: 10,
      bisect: true,
      reportBatchItemFailures: true,
      startingPosition: 'TRIM_HORIZON',
      filterPatterns: [LEDGER_PATTERN, CYCLE_PATTERN],
      onFailure: expect.stringMatching(/DeadLetters.*\(AWS::SQS::Queue\)$/),
    });
    expect(mapping!.filter!(record('INSERT', { pk: 'L#01#2028', sk: 'E#000000001' }))).toBe(true);
    // The years' cycle records, as they are written (a moved deadline is told at once).
    expect(mapping!.filter!(record('INSERT', { pk: 'Y#2028', sk: 'CYCLE' }))).toBe(true);
    expect(mapping!.filter!(record('MODIFY', { pk: 'Y#2028', sk: 'CYCLE' }))).toBe(true);
    expect(mapping!.filter!(record('REMOVE', { pk: 'Y#2028', sk: 'CYCLE' }))).toBe(false);
    expect(mapping!.filter!(record('MODIFY', { pk: 'Y#2028#C#01', sk: 'VIEW' }))).toBe(false);
  });

  it('refuses a mapping on a table without a stream, or with a filter it cannot evaluate', () => {
    const { template } = recorderTemplate();
    const table = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::DynamoDB::GlobalTable' || r.Type === 'AWS::DynamoDB::Table');
    const mapping = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    const noStream = structuredClone(template);
    delete Object.values<any>(noStream.Resources).find((r) => r.Type === table.Type).Properties.StreamSpecification;
    expect(() => streamsFromTemplate(noStream)).toThrow(/har ingen StreamSpecification/);
    mapping.Properties.FilterCriteria.Filters[0].Pattern = '{"dynamodb":{"SizeBytes":[{"numeric":["<",10]}]}}';
    expect(() => streamsFromTemplate(template)).toThrow(/numeric/);
  });
});

const TABLE = 'omfordelning-ledger';
const TEST_PK = 'TEST#streams#';

/** What the recorder got for this file's test items: per invocation, the sort keys (pk/sk of test items only). */
function keysOf(records: DynamoDBRecord[]): string[] {
  return records.filter((r) => r.dynamodb?.Keys?.pk?.S?.startsWith(TEST_PK)).map((r) => `${r.dynamodb!.Keys!.pk!.S!.slice(TEST_PK.length)}/${r.dynamodb!.Keys!.sk!.S}`);
}

function delivered(recorder: StreamRecorder): string[][] {
  return recorder.invocations.map((i) => keysOf(i.records)).filter((keys) => keys.length > 0);
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const hasSk = (event: DynamoDBStreamEvent, sk: string) => event.Records.some((r) => r.dynamodb?.Keys?.sk?.S === sk);

describe('local stream delivery (in-process stack, the function in its worker thread)', () => {
  let stack: TestStack;
  let dataDir: string;
  let mapping: StreamMapping;
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const put = (pk: string, sk: string, extra: Record<string, unknown> = {}) =>
    stack.dynamo.client.send(new PutCommand({ TableName: TABLE, Item: { pk: TEST_PK + pk, sk, ...extra } }));

  beforeAll(async () => {
    resetStreamRecorder(); // listens to the recorder in the function's worker from here on
    dataDir = tempDataDir();
    const prepared = recorderTemplate();
    mapping = prepared.mapping;
    stack = await startTestStack({
      dataDir,
      template: prepared.template,
      streams: { retryIntervalMs: 5, log: (level, message, fields = {}) => logs.push({ level, message, fields }) },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await stack.streams.idle();
    resetStreamRecorder();
    logs.length = 0;
  });

  it('runs the template mapping with the recorder, and has loaded it at start', () => {
    expect(stack.loadErrors).toEqual([]);
    expect(stack.streams.mappings.map((m) => [m.functionId, m.entry])).toEqual([[mapping.functionId, STREAM_RECORDER_ENTRY]]);
    // The follower's own environment is part of the handlers' environment.
    expect(stack.env.MAIL_FROM).toBeTruthy();
  });

  it("runs the function in a worker thread of its own, not on the API's (this) thread, and keeps it warm", async () => {
    await put('w', 'E#1');
    await stack.streams.idle();
    await put('w', 'E#2');
    await stack.streams.idle();
    const invocations = streamRecorder().invocations;
    expect(invocations.map((i) => keysOf(i.records))).toEqual([['w/E#1'], ['w/E#2']]);
    // The API's handlers run in-process on the thread that started the stack: this one.
    expect(invocations[0]!.isMainThread).toBe(false);
    expect(invocations[0]!.threadId).not.toBe(threadId);
    // One container: the same worker serves the next batch.
    expect(invocations[1]!.threadId).toBe(invocations[0]!.threadId);
  });

  it('fails the batch when the worker crashes, and retries it in a fresh worker (a new container)', async () => {
    const m0 = stack.streams.metrics();
    const recorder = streamRecorder();
    let calls = 0;
    recorder.behaviour = () => (++calls === 1 ? CRASH : undefined);
    await put('c', 'E#1');
    await stack.streams.idle();
    const [crashed, retried] = recorder.invocations;
    expect(recorder.invocations.map((i) => [keysOf(i.records), i.finished])).toEqual([
      [['c/E#1'], false],
      [['c/E#1'], true],
    ]);
    expect(retried!.threadId).not.toBe(crashed!.threadId);
    expect(retried!.isMainThread).toBe(false);
    const failures = logs.filter((l) => l.level === 'error');
    expect(failures).toHaveLength(1);
    expect(String(failures[0]!.fields.error)).toMatch(/crashed: stream recorder: crashing the worker/);
    const m1 = stack.streams.metrics();
    expect(m1.failedBatches - m0.failedBatches).toBe(1);
    expect(m1.delivered - m0.delivered).toBe(1);
    expect(m1.dropped).toBe(m0.dropped);
  });

  it('delivers a PutItem of an E# item as one INSERT record with its NewImage', async () => {
    const before = Math.floor(Date.now() / 1000);
    await put('a', 'E#000000001', { type: 'PROPOSAL_SUBMITTED', perMille: 1.5, tags: ['x'] });
    await stack.streams.idle();
    const recorder = streamRecorder();
    expect(recorder.invocations).toHaveLength(1);
    const [rec] = recorder.invocations[0]!.records;
    expect(rec).toEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-north-1',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: `${TEST_PK}a` }, sk: { S: 'E#000000001' } },
        NewImage: { pk: { S: `${TEST_PK}a` }, sk: { S: 'E#000000001' }, type: { S: 'PROPOSAL_SUBMITTED' }, perMille: { N: '1.5' }, tags: { L: [{ S: 'x' }] } },
        SequenceNumber: expect.stringMatching(/^\d{21}$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: expect.stringMatching(/^arn:aws:dynamodb:eu-north-1:000000000000:table\/omfordelning-ledger\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/),
    });
    expect(rec!.dynamodb!.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before);
    expect(rec!.dynamodb!.SizeBytes).toBeGreaterThan(40);
  });

  it('gives the handler nothing for a VIEW write, an update or a delete of an event (filtered, as AWS)', async () => {
    const m0 = stack.streams.metrics();
    await put('a', 'VIEW', { version: 1 });
    await stack.dynamo.client.send(new UpdateCommand({ TableName: TABLE, Key: { pk: `${TEST_PK}a`, sk: 'E#000000001' }, UpdateExpression: 'SET seen = :t', ExpressionAttributeValues: { ':t': true } }));
    await stack.dynamo.client.send(new DeleteCommand({ TableName: TABLE, Key: { pk: `${TEST_PK}a`, sk: 'E#000000001' } }));
    await stack.streams.idle();
    expect(streamRecorder().invocations).toEqual([]);
    const m1 = stack.streams.metrics();
    expect(m1.records - m0.records).toBe(3);
    expect(m1.filteredOut - m0.filteredOut).toBe(3);
    expect(m1.delivered).toBe(m0.delivered);
  });

  it('keeps the order over 200 quick puts on 3 ledgers, in batches of at most BatchSize', async () => {
    const m0 = stack.streams.metrics();
    const ledgers = ['o1', 'o2', 'o3'];
    const written: Record<string, string[]> = { o1: [], o2: [], o3: [] };
    let n = 0;
    await Promise.all(
      ledgers.map(async (pk) => {
        while (n < 200) {
          const sk = `E#${String(++n).padStart(9, '0')}`;
          written[pk]!.push(sk);
          await put(pk, sk);
        }
      }),
    );
    await stack.streams.idle();
    const recorder = streamRecorder();
    const records = recorder.invocations.flatMap((i) => i.records);
    expect(records).toHaveLength(200);
    // One shard locally: sequence numbers strictly increase over the whole delivery.
    const sequence = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
    expect(sequence.every((s, i) => i === 0 || s > sequence[i - 1]!)).toBe(true);
    for (const pk of ledgers) {
      expect(records.filter((r) => r.dynamodb!.Keys!.pk!.S === TEST_PK + pk).map((r) => r.dynamodb!.Keys!.sk!.S)).toEqual(written[pk]);
    }
    expect(Math.max(...recorder.invocations.map((i) => i.records.length))).toBeLessThanOrEqual(mapping.batchSize);
    expect(recorder.invocations.every((i) => i.finished && !i.threw)).toBe(true);
    const m1 = stack.streams.metrics();
    expect(m1.delivered - m0.delivered).toBe(200);
    expect(m1.batches - m0.batches).toBe(recorder.invocations.length);
    expect(m1.pending).toBe(0);
    expect(m1.maxLagMs).toBeGreaterThanOrEqual(0);
  });

  /**
   * Holds the handler on a gate record (`g/E#gate`, its own ledger per test) until `writes`
   * are written and have reached the stream, so that they form the next batch.
   */
  async function gated(ledger: string, sks: string[], behaviour: (event: DynamoDBStreamEvent) => unknown): Promise<void> {
    const recorder = streamRecorder();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    recorder.behaviour = async (event) => {
      if (hasSk(event, 'E#gate')) return void (await gate);
      return (await behaviour(event)) as never;
    };
    await put(`g${ledger}`, 'E#gate');
    await until(() => recorder.invocations.length === 1);
    const records = stack.streams.metrics().records;
    for (const sk of sks) await put(ledger, sk);
    // The records travel from dynalite's thread separately from its answers.
    await until(() => stack.streams.metrics().records === records + sks.length);
    release();
    await stack.streams.idle();
  }

  it('retries from the lowest failed record a handler reports (batchItemFailures), skipping nothing after it', async () => {
    const seen = new Map<string, number>();
    await gated('f', ['E#A', 'E#B', 'E#C'], (event) => {
      const b = event.Records.find((r) => r.dynamodb?.Keys?.sk?.S === 'E#B');
      if (!b) return;
      const times = (seen.get('B') ?? 0) + 1;
      seen.set('B', times);
      if (times === 1) return { batchItemFailures: [{ itemIdentifier: b.dynamodb!.SequenceNumber! }] };
    });
    expect(delivered(streamRecorder())).toEqual([['gf/E#gate'], ['f/E#A', 'f/E#B', 'f/E#C'], ['f/E#B', 'f/E#C']]);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(stack.streams.metrics()).toMatchObject({ pending: 0, dropped: 0 });
  });

  it('retries a batch whose handler throws, and splits it to isolate a poison record (BisectBatchOnFunctionError)', async () => {
    const m0 = stack.streams.metrics();
    await gated('t', ['E#X', 'E#Y', 'E#Z'], (event) => {
      if (hasSk(event, 'E#Y')) throw new Error('poison Y');
    });
    const y = Array.from({ length: mapping.maxRetries + 1 }, () => ['t/E#Y']);
    expect(delivered(streamRecorder())).toEqual([['gt/E#gate'], ['t/E#X', 't/E#Y', 't/E#Z'], ['t/E#X', 't/E#Y'], ['t/E#X'], ...y, ['t/E#Z']]);
    const dropped = logs.filter((l) => l.level === 'error' && /gave up/.test(l.message));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.message).toMatch(/gave up on 1 record\(s\) \(MaximumRetryAttempts \(10\) exhausted: poison Y\); AWS would send their stream coordinates to .*DeadLetters.*AWS::SQS::Queue/);
    expect(dropped[0]!.fields.keys).toEqual([{ pk: { S: `${TEST_PK}t` }, sk: { S: 'E#Y' } }]);
    const m1 = stack.streams.metrics();
    expect(m1.dropped - m0.dropped).toBe(1);
    expect(m1.delivered - m0.delivered).toBe(3); // gate, X, Z
    expect(m1.pending).toBe(0);
  });

  it('gives up a record the handler always reports failed after the retries, and delivers the ones after it', async () => {
    const m0 = stack.streams.metrics();
    await gated('p', ['E#P', 'E#Q'], (event) => {
      const p = event.Records.find((r) => r.dynamodb?.Keys?.sk?.S === 'E#P');
      if (p) return { batchItemFailures: [{ itemIdentifier: p.dynamodb!.SequenceNumber! }] };
    });
    const pq = Array.from({ length: mapping.maxRetries + 1 }, () => ['p/E#P', 'p/E#Q']);
    // Retried as a whole from P on; once the retries are spent the batch is split, P given up, Q delivered.
    expect(delivered(streamRecorder())).toEqual([['gp/E#gate'], ...pq, ['p/E#P'], ['p/E#Q']]);
    expect(stack.streams.metrics().dropped - m0.dropped).toBe(1);
    expect(logs.filter((l) => /gave up/.test(l.message)).map((l) => l.fields.keys)).toEqual([[{ pk: { S: `${TEST_PK}p` }, sk: { S: 'E#P' } }]]);
  });

  it('idle() resolves only once the records are delivered', async () => {
    const recorder = streamRecorder();
    recorder.behaviour = () => new Promise((resolve) => setTimeout(resolve, 300));
    await put('i', 'E#1');
    const idle = stack.streams.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(recorder.invocations.filter((i) => i.finished)).toHaveLength(0);
    await idle;
    expect(recorder.invocations.map((i) => [keysOf(i.records), i.finished])).toEqual([[['i/E#1'], true]]);
    expect(stack.streams.metrics().pending).toBe(0);
  });

  it('counts the function in metrics() with trigger stream', async () => {
    await put('m', 'E#1');
    await stack.streams.idle();
    const metrics = await stack.metrics();
    expect(metrics.lambda[mapping.functionId]).toMatchObject({ trigger: 'stream', memoryMb: mapping.memoryMb, count: expect.any(Number) });
    expect(metrics.lambda[mapping.functionId]!.count).toBe(stack.streams.metrics().batches);
  });
});

describe('local stream at stop and restart', () => {
  it('delivers pending records before stop() restores the environment, and works again after a restart', async () => {
    const dataDir = tempDataDir();
    const { template } = recorderTemplate();
    const recorder = resetStreamRecorder();
    let stack: TestStack | undefined = await startTestStack({ dataDir, template, streams: { retryIntervalMs: 5 } });
    try {
      const endpoint = stack.dynamo.endpoint;
      recorder.behaviour = () => new Promise((resolve) => setTimeout(resolve, 400));
      await stack.dynamo.client.send(new PutCommand({ TableName: TABLE, Item: { pk: `${TEST_PK}s`, sk: 'E#1' } }));
      await stack.stop();
      stack = undefined;
      expect(recorder.invocations.map((i) => [keysOf(i.records), i.finished, i.endpointAtEnd])).toEqual([[['s/E#1'], true, endpoint]]);
      const firstSequence = BigInt(recorder.invocations[0]!.records[0]!.dynamodb!.SequenceNumber!);
      const firstArn = recorder.invocations[0]!.records[0]!.eventSourceARN;

      resetStreamRecorder();
      stack = await startTestStack({ dataDir, template, streams: { retryIntervalMs: 5 } });
      await stack.dynamo.client.send(new PutCommand({ TableName: TABLE, Item: { pk: `${TEST_PK}s`, sk: 'E#2' } }));
      await stack.streams.idle();
      const again = streamRecorder().invocations;
      expect(again.map((i) => keysOf(i.records))).toEqual([['s/E#2']]);
      expect(BigInt(again[0]!.records[0]!.dynamodb!.SequenceNumber!)).toBeGreaterThan(firstSequence);
      // The same table, so the same stream.
      expect(again[0]!.records[0]!.eventSourceARN).toBe(firstArn);
    } finally {
      await stack?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('starts without stream mappings (idle at once)', async () => {
    const template = structuredClone(synthesizeTemplate());
    for (const [id, r] of Object.entries<any>(template.Resources)) if (r.Type === 'AWS::Lambda::EventSourceMapping') delete template.Resources[id];
    const stack = await startTestStack({ template });
    try {
      expect(stack.streams.mappings).toEqual([]);
      await stack.dynamo.client.send(new PutCommand({ TableName: TABLE, Item: { pk: `${TEST_PK}n`, sk: 'E#1' } }));
      await stack.streams.idle();
      expect(stack.streams.metrics()).toMatchObject({ records: 0, pending: 0, batches: 0 });
    } finally {
      await stack.stop();
    }
  });
});
