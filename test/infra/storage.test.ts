import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build';
import { inProcessContext, synthesizeTemplate } from '../../infra/synth';

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

describe('Backups beyond PITR', () => {
  it('copy the ledger table daily into a retained vault of their own, kept ten years by default', () => {
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const vaultId = Object.keys(template.findResources('AWS::Backup::BackupVault'))[0]!;
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          {
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 3 * * ? *)',
            Lifecycle: { DeleteAfterDays: 3650 },
            TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': ['StorageLedger5E7CB2E3', 'Arn'] }] }),
    });
  });

  it('are kept as long as the setting backupRetentionDays says', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'omfordelning-backup-'));
    try {
      const { stack } = buildApp(inProcessContext({ backupRetentionDays: '400' }), outdir, { builtinValidation: false });
      Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 400 } })] },
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
