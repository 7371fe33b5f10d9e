import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { FollowedCycle } from '../../app/follow-cycle';
import { log } from '../../platform/logger';
import { CycleRecordSchema } from '../../schemas/cycle';
import { CYCLE_PK_PREFIX, CYCLE_SK } from './cycle-keys';

const YEAR_PK = new RegExp(`^${CYCLE_PK_PREFIX}\\d+$`);

/** A stream record of a year's cycle item (pk `Y#<year>`, sk `CYCLE`), by its keys. */
export function isCycleRecord(record: DynamoDBRecord): boolean {
  const keys = record.dynamodb?.Keys;
  return keys?.sk?.S === CYCLE_SK && YEAR_PK.test(keys.pk?.S ?? '');
}

/**
 * The cycle records among a batch of the table's stream records: inserted or modified, with
 * their new image parsed (the event source's filter passes only those). Anything else, and
 * an image that does not parse (a bug: redelivery would not help; the workflow's check still
 * sees the stored record), is skipped with a log line. The id is the record's sequence number.
 */
export function cycleChangesOf(records: DynamoDBRecord[]): FollowedCycle[] {
  const changes: FollowedCycle[] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if ((record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') || !image || !isCycleRecord(record)) {
      log.warn('stream record skipped', { eventName: record.eventName, keys: record.dynamodb?.Keys });
      continue;
    }
    const parsed = CycleRecordSchema.safeParse(unmarshall(image as Record<string, AttributeValue>).record);
    if (!parsed.success) {
      log.error('cycle record in the stream does not parse; skipped', { keys: record.dynamodb?.Keys, error: parsed.error.message });
      continue;
    }
    changes.push({ id: record.dynamodb!.SequenceNumber!, record: parsed.data });
  }
  return changes;
}
