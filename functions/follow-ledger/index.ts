import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { cycleChangesOf, isCycleRecord } from '../../shared/adapters/dynamodb/cycle-stream';
import { ledgerEventsOf } from '../../shared/adapters/dynamodb/ledger-stream';
import { followCycles } from '../../shared/app/follow-cycle';
import { followLedgers } from '../../shared/app/follow-ledger';
import { instrumented } from '../../shared/platform/invocation';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';

const app = uses(tables, mailing);

/**
 * The table's stream: each ledger's new events update its view and send their notices; each
 * changed cycle record sends a "deadline moved" notice it has pending. The two are independent
 * (different items) and followed in parallel; the failures of both are reported for redelivery.
 * A batch may hold several years and counties: its log lines name theirs each, not the invocation.
 */
export const handler = instrumented(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const cycles = event.Records.filter(isCycleRecord);
  const ledgerRecords = event.Records.filter((r) => !isCycleRecord(r));
  const retry = await Promise.all([
    ledgerRecords.length > 0 ? followLedgers(app, ledgerEventsOf(ledgerRecords)) : [],
    cycles.length > 0 ? followCycles(app, cycleChangesOf(cycles)) : [],
  ]);
  return { batchItemFailures: retry.flat().map((itemIdentifier) => ({ itemIdentifier })) };
});
