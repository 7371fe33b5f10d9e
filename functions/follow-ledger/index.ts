import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { ledgerEventsOf } from '../../shared/adapters/dynamodb/ledger-stream';
import { appContext } from '../../shared/app/context';
import { followLedgers } from '../../shared/app/follow-ledger';

/** The table's stream: each ledger's new events update its view and send their notices. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const retry = await followLedgers(appContext(), ledgerEventsOf(event.Records));
  return { batchItemFailures: retry.map((itemIdentifier) => ({ itemIdentifier })) };
};
