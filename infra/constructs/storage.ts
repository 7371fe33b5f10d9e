import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EXPIRES_AT } from '../../shared/adapters/dynamodb/expiry';

export interface StorageProps {
  /** How long each daily backup is kept (setting backupRetentionDays). */
  backupRetentionDays: number;
}

/**
 * Event store of county ledgers (single-table design). Its stream (new images) feeds the
 * ledger follower, which keeps the ledger views and sends the e-mail notices. PITR restores
 * any second of the last 35 days; a daily AWS Backup copy, in a vault of its own, keeps the
 * ledger for years beyond that (and survives a deleted table).
 */
export class Storage extends Construct {
  readonly table: dynamodb.TableV2;
  readonly backupPlan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    const string = dynamodb.AttributeType.STRING;
    // Construct id 'Ledger' fixes the logical id; changing it replaces the table.
    this.table = new dynamodb.TableV2(this, 'Ledger', {
      partitionKey: { name: 'pk', type: string },
      sortKey: { name: 'sk', type: string },
      globalSecondaryIndexes: [
        {
          indexName: 'byYear',
          partitionKey: { name: 'gsi1pk', type: string },
          sortKey: { name: 'gsi1sk', type: string },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
      billing: dynamodb.Billing.onDemand(),
      // New images only: the follower reads each new ledger event, never the old item.
      dynamoStream: dynamodb.StreamViewType.NEW_IMAGE,
      // Only the API's idempotency records carry it (a day); ledger events, views and the rest never expire.
      timeToLiveAttribute: EXPIRES_AT,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // The ledger is the legal record of past redistributions: never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const vault = new backup.BackupVault(this, 'Vault', {
      // Backups outlive the stack, like the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backupPlan = new backup.BackupPlan(this, 'Backups', {
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          // 03:00 UTC: after the day's work, before the next.
          scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
          deleteAfter: Duration.days(props.backupRetentionDays),
        }),
      ],
    });
    const selection = this.backupPlan.addSelection('Ledger', {
      resources: [backup.BackupResource.fromArn(this.table.tableArn)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: "AWS Backup's own service role policy: the backup actions of each service it protects, kept current by AWS.",
    });
  }
}
