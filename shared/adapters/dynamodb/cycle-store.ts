import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CycleStore } from '../../app/ports';
import { CycleRecordSchema, type CycleRecord } from '../../schemas/cycle';
import { cycleKey } from './cycle-keys';

/** One item per share year (pk `Y#2028`, sk `CYCLE`), written with a version check. */
export class DynamoCycleStore implements CycleStore {
  /** Records this container read, by year, with when (performance.now) they were read. */
  private readonly lastRead = new Map<number, { record: CycleRecord | undefined; at: number }>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(year: number): Promise<CycleRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(year), ConsistentRead: true }));
    const record = Item ? CycleRecordSchema.parse(Item.record) : undefined;
    this.lastRead.set(year, { record, at: performance.now() });
    return record;
  }

  /** The record as read by this container at most `maxAgeMs` ago, else read now. */
  async recent(year: number, maxAgeMs: number): Promise<CycleRecord | undefined> {
    const last = this.lastRead.get(year);
    return last && performance.now() - last.at <= maxAgeMs ? last.record : this.get(year);
  }

  /** Stores `record` iff the stored version is `record.version - 1` (or none for version 1). */
  async save(record: CycleRecord): Promise<boolean> {
    this.lastRead.delete(record.year);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(record.year), version: record.version, record },
          ConditionExpression: record.version === 1 ? 'attribute_not_exists(pk)' : 'version = :previous',
          ...(record.version === 1 ? {} : { ExpressionAttributeValues: { ':previous': record.version - 1 } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

const key = cycleKey;
