import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { FollowedEvent } from '../../app/follow-ledger';
import { log } from '../../platform/logger';
import { eventOfItem, ledgerKeyOf } from './ledger-store';

/**
 * The new ledger events among a batch of the table's stream records (the event source's
 * filter passes only INSERTs of event items; anything else is skipped with a warning).
 * Each event is parsed with the ledger's event schema; its id is the record's sequence number.
 */
export function ledgerEventsOf(records: DynamoDBRecord[]): FollowedEvent[] {
  const events: FollowedEvent[] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    const key = ledgerKeyOf(image?.pk?.S);
    if (record.eventName !== 'INSERT' || !image || !key || !image.sk?.S?.startsWith('E#')) {
      log.warn('stream record skipped', { eventName: record.eventName, keys: record.dynamodb?.Keys });
      continue;
    }
    const item = unmarshall(image as Record<string, AttributeValue>);
    events.push({ id: record.dynamodb!.SequenceNumber!, key, event: eventOfItem(item) });
  }
  return events;
}
