import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue';
import { DomainFunction, entryOf, missingEntries } from './function';
import type { Notifications } from './notifications';
import { CYCLE_SK } from '../../shared/adapters/dynamodb/cycle-keys';
import { acknowledgeTableIndexes } from './workflow';

/** The stream consumer: functions/follow-ledger/index.ts. */
export const FOLLOWER_FUNCTION = 'follow-ledger';

/** Sort-key prefix of a ledger event item (`E#000000001`, ...). */
const LEDGER_EVENT_SK_PREFIX = 'E#';

export interface LedgerFollowerProps {
  /** The ledger table; its stream must carry new images (see storage.ts). */
  table: dynamodb.TableV2;
  notifications: Notifications;
}

/**
 * Follows every county ledger's new events: keeps the ledger views and sends the e-mail
 * notices. One Lambda reads the table's stream, filtered to inserted event items
 * (sk `E#...`); the API only appends events and never waits for mail. The same mapping
 * (a second filter pattern) delivers each year's cycle record (pk `Y#<year>`, sk `CYCLE`) as
 * it is inserted or modified: a deadline moved after publication is told within seconds,
 * not at the workflow's next check (which stays the safety net; the two claim each move, so
 * nobody is told twice). One consumer of the stream: one poller, one dead-letter queue, one
 * alarm, and the permissions it already has (table, contacts, the sender).
 *
 * Per ledger the events arrive in order (a ledger's items share a partition key, hence a
 * shard, and parallelization 1 keeps one batch per shard in flight);
 * a failing record is retried (the batch is split to isolate it, and the function reports
 * partial failures), and after the retries or a day its stream coordinates go to the
 * dead-letter queue, which alarms (observability.ts).
 */
export class LedgerFollower extends Construct {
  readonly function: NodejsFunction;
  /** Stream coordinates of the batches the follower gave up on (the records stay in the stream for 24 h). */
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: LedgerFollowerProps) {
    super(scope, id);
    const { table, notifications } = props;
    const missing = missingEntries([FOLLOWER_FUNCTION]);
    if (missing.length > 0) throw new Error(`Missing ledger follower handler: ${missing.map(entryOf).join(', ')}`);

    this.function = new DomainFunction(this, 'FollowLedger', {
      name: FOLLOWER_FUNCTION,
      description: "Follows the county ledgers' new events: updates the ledger views and sends the e-mail notices",
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: table.tableName,
        MAIL_FROM: notifications.mailFrom,
      },
    }).handler;
    table.grantReadWriteData(this.function);
    notifications.connectSender(this.function);
    acknowledgeTableIndexes(this, table);

    this.deadLetters = deadLetterQueue(this, 'the ledger follower');

    this.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        // No batching window (maxBatchingWindow unset): notices go out as soon as the event is stored.
        batchSize: 100,
        // One concurrent batch per shard: a ledger's events are handled in order.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.deadLetters),
        // Only new ledger events (not VIEW, mail markers or other items, nor updates), and
        // the years' cycle records as they are written (a moved deadline is told at once).
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { sk: { S: lambda.FilterRule.beginsWith(LEDGER_EVENT_SK_PREFIX) } } },
          }),
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
            // sk CYCLE is the cycle item's alone (a ledger's pk Y#<year>#C#<county> starts like a year's too).
            dynamodb: { Keys: { sk: { S: lambda.FilterRule.isEqual(CYCLE_SK) } } },
          }),
        ],
      }),
    );
  }
}
