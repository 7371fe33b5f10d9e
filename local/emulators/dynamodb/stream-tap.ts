/**
 * DynamoDB Streams, which dynalite lacks, in dynalite's worker: for the tables the main
 * thread names (with their StreamViewType), every write that is stored yields a stream
 * record: INSERT, MODIFY (not when nothing changed, as in DynamoDB) or REMOVE, with Keys and
 * the images the view type asks for (dynalite keeps items as AttributeValue JSON already: no
 * conversion; the structured clone of postMessage is the only copy), and a SequenceNumber
 * that grows across restarts too (it starts from the clock in microseconds).
 *
 * How a write is caught: PutItem, UpdateItem and DeleteItem (and BatchWriteItem through
 * them) call db.updateIndexes with the old and the new item, and in its callback store the
 * item synchronously with the table's sublevel put or del. The tap wraps updateIndexes to
 * "arm" that write for the callback's duration, and the sublevel's put/del to turn the armed
 * write into a record once LevelDB has it.
 */
import { randomUUID } from 'node:crypto';
import type db from 'dynalite/db/index.js';
import type { DynamoDBRecord } from 'aws-lambda';
import type { JournalWriter } from './stream-journal';

type Db = typeof db;
type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

interface TableStream {
  viewType: StreamViewType;
  /** The table's CreationDateTime the ARN was made for (a recreated table gets a new stream ARN). */
  created: number | undefined;
  arn: string | undefined;
}

interface ArmedWrite {
  stream: TableStream;
  table: db.Table;
  existingItem: db.Item | null | undefined;
  item: db.Item | null | undefined;
}

export interface StreamTap {
  /** Follow exactly these tables (name → StreamViewType) from now on. */
  follow(tables: Record<string, StreamViewType>): void;
  /** Hands on the records waiting for the next turn of the event loop at once. */
  flush(): void;
}

const FOLLOWED = Symbol('followed by the stream');

/**
 * Installs the tap; `emit` gets the records of each turn of the event loop (with the
 * milliseconds each was made at), in write order. With a `journal`, each record is written to
 * it before dynalite answers the write (stream-journal.ts).
 */
export function tapStreams(
  dynaliteDb: Db,
  account: { region: string; accountId: string },
  emit: (records: DynamoDBRecord[], times: number[]) => void,
  journal?: JournalWriter,
): StreamTap {
  const streams = new Map<string, TableStream>();
  let armed: ArmedWrite | undefined;
  let sequence = Date.now() * 1000;
  let outbox: DynamoDBRecord[] = [];
  let outboxTimes: number[] = [];
  let flushQueued = false;

  const flush = () => {
    flushQueued = false;
    if (outbox.length === 0) return;
    const records = outbox;
    const times = outboxTimes;
    outbox = [];
    outboxTimes = [];
    emit(records, times);
  };

  const { updateIndexes } = dynaliteDb;
  dynaliteDb.updateIndexes = function (store, table, existingItem, item, cb) {
    const stream = streams.get(table.TableName);
    if (stream === undefined || (!existingItem && !item)) return updateIndexes.call(this, store, table, existingItem, item, cb);
    const itemDb = store.getItemDb(table.TableName);
    if (!itemDb[FOLLOWED]) followWrites(itemDb);
    return updateIndexes.call(this, store, table, existingItem, item, (err) => {
      if (err) return cb(err);
      // The put or del that follows, synchronously, is this write's.
      armed = { stream, table, existingItem, item };
      try {
        return cb(err);
      } finally {
        armed = undefined;
      }
    });
  };

  function followWrites(itemDb: db.ItemDb): void {
    const { put, del } = itemDb;
    itemDb.put = function (key, value, cb) {
      const write = armed;
      if (write === undefined || write.item !== value) return put.call(this, key, value, cb);
      armed = undefined;
      return put.call(this, key, value, (err) => {
        if (!err) record(write);
        cb(err);
      });
    };
    itemDb.del = function (key, cb) {
      const write = armed;
      if (write === undefined || write.item !== null) return del.call(this, key, cb);
      armed = undefined;
      return del.call(this, key, (err) => {
        if (!err) record(write);
        cb(err);
      });
    };
    itemDb[FOLLOWED] = true;
  }

  function record({ stream, table, existingItem, item }: ArmedWrite): void {
    const eventName = existingItem ? (item ? 'MODIFY' : 'REMOVE') : 'INSERT';
    if (eventName === 'MODIFY' && sameValue(existingItem, item)) return;
    const image = (item ?? existingItem)!;
    const Keys: db.Item = {};
    for (const key of table.KeySchema) Keys[key.AttributeName] = image[key.AttributeName]!;
    const now = Date.now();
    const view = stream.viewType;
    const change: NonNullable<DynamoDBRecord['dynamodb']> = { ApproximateCreationDateTime: Math.floor(now / 1000), Keys: Keys as Image };
    let size = dynaliteDb.itemSize(Keys);
    if (item && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
      change.NewImage = item as Image;
      size += dynaliteDb.itemSize(item);
    }
    if (existingItem && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
      change.OldImage = existingItem as Image;
      size += dynaliteDb.itemSize(existingItem);
    }
    change.SequenceNumber = String(++sequence).padStart(21, '0');
    change.SizeBytes = size;
    change.StreamViewType = view;
    if (stream.created !== table.CreationDateTime) {
      stream.created = table.CreationDateTime;
      const label = new Date(table.CreationDateTime * 1000).toISOString().slice(0, -1);
      stream.arn = `arn:aws:dynamodb:${account.region}:${account.accountId}:table/${table.TableName}/stream/${label}`;
    }
    const streamRecord: DynamoDBRecord = {
      eventID: randomUUID().replace(/-/g, ''),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: account.region,
      dynamodb: change,
      eventSourceARN: stream.arn!,
    };
    // Synchronously, inside the put's callback: before dynalite's answer to the write.
    journal?.append(streamRecord, now);
    outbox.push(streamRecord);
    outboxTimes.push(now);
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  }

  return {
    follow(tables) {
      streams.clear();
      for (const [name, viewType] of Object.entries(tables)) streams.set(name, { viewType, created: undefined, arn: undefined });
    },
    flush,
  };
}

/** Deep equality of two AttributeValue JSON values (a MODIFY that changes nothing yields no record, as in DynamoDB). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((k) => k in right && sameValue(left[k], right[k]));
}
