import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EXPIRES_AT } from '../../shared/adapters/dynamodb/expiry';

/**
 * Event store of county ledgers (single-table design). Its stream (new images) feeds the
 * ledger follower, which keeps the ledger views and sends the e-mail notices.
 */
export class Storage extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
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
  }
}
