import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../infra/synth';

const TABLE = 'AWS::DynamoDB::GlobalTable';
const template = Template.fromJSON(synthesizeTemplate());

describe('Storage', () => {
  it('declares exactly one ledger table, at a pinned logical id', () => {
    template.resourceCountIs(TABLE, 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    // Logical id derives from the construct path Storage/Ledger; a change would replace the table.
    expect(Object.keys(template.findResources(TABLE))).toEqual(['StorageLedger5E7CB2E3']);
  });

  it('has pk/sk keys and the byYear GSI projecting ALL', () => {
    template.hasResourceProperties(TABLE, {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byYear',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      LocalSecondaryIndexes: Match.absent(),
    });
  });

  it('is on-demand, with PITR and deletion protection, TTL on expiresAt, streaming new images', () => {
    template.hasResourceProperties(TABLE, {
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
      // The idempotency records' expiry (shared/adapters/dynamodb/idempotency-store.ts).
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      // The ledger follower reads new items only (test/infra/follower.test.ts).
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('is retained on stack deletion and replacement', () => {
    template.hasResource(TABLE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('exports the table name', () => {
    template.hasOutput('TableName', { Value: { Ref: 'StorageLedger5E7CB2E3' } });
  });
});
