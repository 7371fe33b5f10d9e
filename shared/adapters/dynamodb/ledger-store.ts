import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyLedger, fold, type LedgerState } from '../../domain/ledger';
import { LedgerEventSchema, type LedgerEvent, type LedgerKey } from '../../schemas/ledger';
import type { LedgerStore } from '../../app/ports';

/**
 * Key layout of the county-ledger stream in the one table:
 *   pk `Y#2028#C#01`, sk `E#000000001` … one item per event, in order;
 *   pk `Y#2028#C#01`, sk `VIEW` the folded state (snapshot and projection), also
 *   indexed by `byYear` (gsi1pk `Y#2028#LEDGERS`) so a year's counties read in one query.
 */
export const ledgerPk = ({ year, county }: LedgerKey): string => `Y#${year}#C#${county}`;
const eventSk = (seq: number): string => `E#${String(seq).padStart(9, '0')}`;
const VIEW_SK = 'VIEW';
const yearIndexPk = (year: number): string => `Y#${year}#LEDGERS`;

/** The ledger an item's pk belongs to, or undefined for items that are not in a ledger. */
export function ledgerKeyOf(pk: unknown): LedgerKey | undefined {
  const match = typeof pk === 'string' ? /^Y#(\d{4})#C#(\d{2})$/.exec(pk) : null;
  return match ? { year: Number(match[1]), county: match[2]! } : undefined;
}

/** An event item as stored by `append` (envelope attributes plus the event's body), parsed. */
export function eventOfItem({ seq, at, actor, idempotencyKey, body }: Record<string, unknown>): LedgerEvent {
  return LedgerEventSchema.parse({ seq, at, actor, ...(idempotencyKey ? { idempotencyKey } : {}), ...(body as object) });
}

/** Ledgers whose latest state a store keeps (a process touches a year's 21 counties, a few years at most). */
const KNOWN_LIMIT = 256;

export class DynamoLedgerStore implements LedgerStore {
  /**
   * The latest state this store has loaded of each ledger. Events are never changed once
   * written, so a later load only needs the events after it (one Query) instead of the view
   * (one Get of an item that grows with the ledger's idempotency keys) and those events.
   */
  private readonly known = new Map<string, LedgerState>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(key: LedgerKey): Promise<LedgerState> {
    const id = ledgerPk(key);
    const cached = this.known.get(id);
    const state = await this.catchUp(cached ?? (await this.storedView(key)));
    if ((this.known.get(id)?.version ?? -1) < state.version) {
      if (!this.known.has(id) && this.known.size >= KNOWN_LIMIT) this.known.clear();
      this.known.set(id, state);
    }
    return state;
  }

  async storedView(key: LedgerKey): Promise<LedgerState> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: ledgerPk(key), sk: VIEW_SK }, ConsistentRead: true }),
    );
    return (Item?.state as LedgerState | undefined) ?? emptyLedger(key);
  }

  async catchUp(state: LedgerState): Promise<LedgerState> {
    return fold(state, await this.query(state, eventSk(state.version)), state);
  }

  async append(key: LedgerKey, event: LedgerEvent): Promise<boolean> {
    const { seq, at, actor, idempotencyKey, ...body } = event;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ledgerPk(key), sk: eventSk(seq), seq, at, actor, idempotencyKey, body },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async saveView(state: LedgerState): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ledgerPk(state), sk: VIEW_SK, gsi1pk: yearIndexPk(state.year), gsi1sk: `C#${state.county}`, version: state.version, state },
          ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
          ExpressionAttributeValues: { ':version': state.version },
        }),
      );
    } catch (error) {
      // A newer view is already stored: ours is stale and not needed.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  events(key: LedgerKey, after = 0): Promise<LedgerEvent[]> {
    return this.query(key, eventSk(after));
  }

  /** The year index lists every ledger from its first event on; each view is then caught up (in parallel). */
  async views(year: number): Promise<LedgerState[]> {
    const items = await this.paginate({
      IndexName: 'byYear',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': yearIndexPk(year) },
    });
    return Promise.all(items.map((item) => this.catchUp(item.state as LedgerState)));
  }

  /** Events strictly after `afterSk`, in sequence order. */
  private async query(key: LedgerKey, afterSk: string): Promise<LedgerEvent[]> {
    const items = await this.paginate({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': ledgerPk(key), ':from': `${afterSk}\u0000`, ':to': 'E#\uffff' },
      ConsistentRead: true,
    });
    return items.map(eventOfItem);
  }

  private async paginate(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
