/**
 * The table's stream, for tests that run commands without the local stack: the ledger's
 * event items as stream records (read back from the table as stored), or an outcome's
 * event handed to the follower as the stream would deliver it.
 */
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { followLedgers } from '../../shared/app/follow-ledger';
import type { AppContext } from '../../shared/app/context';
import type { Outcome } from '../../shared/app/ledger/execute';
import type { LedgerKey } from '../../shared/schemas/ledger';

/** INSERT records (NEW_IMAGE) of every event item of a ledger, in order. */
export async function streamEventOf(raw: DynamoDBClient, tableName: string, { year, county }: LedgerKey): Promise<DynamoDBStreamEvent> {
  const { Items = [] } = await raw.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': { S: `Y#${year}#C#${county}` }, ':e': { S: 'E#' } },
    }),
  );
  const Records = Items.map((item, i) => ({
    eventName: 'INSERT',
    dynamodb: { Keys: { pk: item.pk, sk: item.sk }, NewImage: item, SequenceNumber: String(i + 1).padStart(21, '0'), StreamViewType: 'NEW_IMAGE' },
  }));
  return { Records } as unknown as DynamoDBStreamEvent;
}

/** Hands an outcome's event to the follower (its view and notices), as the stream would. */
export async function follow(app: Pick<AppContext, 'ledgers' | 'contacts' | 'mailer' | 'sentMail' | 'notified' | 'cycles'>, { event, state }: Outcome): Promise<void> {
  const retry = await followLedgers(app, [{ id: String(event.seq), key: { year: state.year, county: state.county }, event }]);
  if (retry.length > 0) throw new Error(`event ${event.seq} of ${state.year}#${state.county} was not followed`);
}
