import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { entryOf } from '../../infra/constructs/function';
import { ENTRY_METADATA_KEY } from '../../infra/metadata';
import { FOLLOWER_FUNCTION } from '../../infra/constructs/ledger-follower';
import { synthesizeTemplate } from '../../infra/synth';
import { streamsFromTemplate } from '../../local/emulators/dynamodb/streams';

const raw = synthesizeTemplate();
const template = Template.fromJSON(raw);
const resources: Record<string, any> = raw.Resources;

const TABLE_ID = 'StorageLedger5E7CB2E3';
const STREAM_ARN = { 'Fn::GetAtt': [TABLE_ID, 'StreamArn'] };

function ofType(type: string): [string, any][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

const followers = ofType('AWS::Lambda::Function').filter(
  ([, r]) => r.Metadata?.[ENTRY_METADATA_KEY] === entryOf(FOLLOWER_FUNCTION),
);
const [followerId, follower] = followers[0] ?? ['', undefined];
const mappings = ofType('AWS::Lambda::EventSourceMapping');
// The follower's dead-letter queue: the one its stream mapping sends failures to (the yearly schedule has one too).
const queueId: string = mappings[0]?.[1].Properties.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt']?.[0] ?? '';
const queue = resources[queueId];

function statementsOf(fnId: string): any[] {
  const roleId: string = resources[fnId].Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

/** Statements allowing `action`, by their resources. */
function resourcesAllowing(fnId: string, action: string): unknown[] {
  return statementsOf(fnId)
    .filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat());
}

describe('Ledger stream', () => {
  it('streams the new image of every item of the ledger table', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    expect(Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))).toEqual([TABLE_ID]);
  });
});

describe('Ledger follower', () => {
  it('is one function, from functions/follow-ledger/index.ts, with the table and the sender', () => {
    expect(followers).toHaveLength(1);
    expect(follower.Metadata[ENTRY_METADATA_KEY]).toBe('functions/follow-ledger/index.ts');
    expect(follower.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Timeout: 60,
      Description: expect.stringMatching(/\S/),
      Environment: { Variables: { TABLE_NAME: { Ref: TABLE_ID }, MAIL_FROM: expect.stringContaining('@') } },
    });
  });

  it('is the only consumer of the ledger stream, with one event source mapping', () => {
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(mapping.Properties.EventSourceArn).toEqual(STREAM_ARN);
    expect(mapping.Properties.FunctionName).toEqual({ Ref: followerId });
  });

  it('gets only inserted ledger events (sk E#...) and written cycle records (sk CYCLE), nothing else', () => {
    const [, mapping] = mappings[0]!;
    const filters = mapping.Properties.FilterCriteria.Filters;
    expect(filters).toHaveLength(2);
    expect(JSON.parse(filters[0].Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { Keys: { sk: { S: [{ prefix: 'E#' }] } } },
    });
    expect(JSON.parse(filters[1].Pattern)).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { Keys: { sk: { S: ['CYCLE'] } } },
    });
  });

  it("the template's filter, as the local stack compiles it, passes exactly those records", () => {
    const [mapping] = streamsFromTemplate(raw).mappings;
    const record = (eventName: string, pk: string, sk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } }, NewImage: {} } });
    const passes = (eventName: string, pk: string, sk: string) => mapping!.filter!(record(eventName, pk, sk));
    expect(passes('INSERT', 'Y#2028#C#03', 'E#000000001')).toBe(true);
    expect(passes('MODIFY', 'Y#2028#C#03', 'E#000000001')).toBe(false);
    expect(passes('INSERT', 'Y#2028', 'CYCLE')).toBe(true);
    expect(passes('MODIFY', 'Y#2028', 'CYCLE')).toBe(true);
    expect(passes('REMOVE', 'Y#2028', 'CYCLE')).toBe(false);
    expect(passes('MODIFY', 'Y#2028', 'CYCLES')).toBe(false);
    expect(passes('MODIFY', 'Y#2028#C#03', 'VIEW')).toBe(false);
    expect(passes('INSERT', 'MAIL#2028#deadline-moved#1', 'kommun@example.se')).toBe(false);
    expect(passes('INSERT', 'MAILLOG#2028', '2027-08-16T07:00:01.234Z#2028#publish#0360#kommun@example.se')).toBe(false);
  });

  it('reads in order from the start of the stream, at once, isolating and reporting failed records', () => {
    const [, mapping] = mappings[0]!;
    expect(mapping.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
    });
    // No batching window: notices go out as soon as the event is stored.
    expect(mapping.Properties.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
  });

  it('sends what it gives up on to an encrypted, TLS-only dead-letter queue kept 14 days', () => {
    const [, mapping] = mappings[0]!;
    expect(queue?.Type).toBe('AWS::SQS::Queue');
    expect(mapping.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    expect(resourcesAllowing(followerId, 'sqs:SendMessage')).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
  });

  it('may read and write the table, read its stream and send mail as the sender only', () => {
    const tableArn = { 'Fn::GetAtt': [TABLE_ID, 'Arn'] };
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      expect(resourcesAllowing(followerId, action), action).toContainEqual(tableArn);
    }
    for (const action of ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']) {
      expect(resourcesAllowing(followerId, action), action).toContainEqual(STREAM_ARN);
    }
    const sesResources = resourcesAllowing(followerId, 'ses:SendEmail');
    expect(sesResources).toHaveLength(2);
    expect(JSON.stringify(sesResources)).toContain(':identity/');
    expect(JSON.stringify(sesResources)).toContain(':configuration-set/');
    expect(sesResources).not.toContain('*');
  });
});

describe('Ledger follower observability', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const [[topicId]] = ofType('AWS::SNS::Topic') as [[string, any]];

  it('alarms when the follower errs', () => {
    const errors = alarms.filter(
      (a) => a.Namespace === 'AWS/Lambda' && a.MetricName === 'Errors' && a.Dimensions[0].Value.Ref === followerId,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: topicId }] });
  });

  it('alarms as soon as the dead-letter queue holds a message', () => {
    const dlq = alarms.filter(
      (a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible' && a.Dimensions[0].Value['Fn::GetAtt']?.[0] === queueId,
    );
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('shows its invocations, errors and iterator age on the dashboard', () => {
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, any]];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('Ledger follower');
    for (const metric of ['Invocations', 'IteratorAge', 'ApproximateNumberOfMessagesVisible']) {
      expect(body, metric).toContain(metric);
    }
    expect(body).toContain(followerId);
  });
});
