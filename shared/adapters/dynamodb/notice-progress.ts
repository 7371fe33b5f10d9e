import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NoticeProgress } from '../../app/ports';
import type { LedgerKey } from '../../schemas/ledger';

/**
 * One item per ledger, pk `Y#<year>#NOTIFIED`, sk `C#<county>`, `through`: the sequence number
 * through which its notices are sent. A year's ledgers share the partition, so the sweep reads
 * them all with one Query (21 items). Not an event item (sk `E#…`) nor the cycle record: the
 * follower's stream filter lets none of its writes through.
 */
export class DynamoNoticeProgress implements NoticeProgress {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async ofYear(year: number): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': progressPk(year) },
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) found.set(String(item.sk).slice(2), Number(item.through));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async advance({ year, county }: LedgerKey, after: number, through: number): Promise<void> {
    if (through <= after) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: progressPk(year), sk: `C#${county}` },
          UpdateExpression: 'SET through = :through',
          // Only onward from where it stands (after it, or within what this call covers): never past a gap, never back.
          ConditionExpression: after === 0 ? 'attribute_not_exists(through) OR (through < :through)' : 'through BETWEEN :after AND :below',
          ExpressionAttributeValues: { ':through': through, ...(after !== 0 && { ':after': after, ':below': through - 1 }) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

const progressPk = (year: number): string => `Y#${year}#NOTIFIED`;
