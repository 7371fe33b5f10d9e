// dynalite ships no typings; only what the test harness uses is declared.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  namespace dynalite {
    interface Options {
      /** LevelDB directory; in-memory when omitted. */
      path?: string;
      createTableMs?: number;
      deleteTableMs?: number;
      updateTableMs?: number;
      maxItemSizeKb?: number;
      ssl?: boolean;
      verbose?: boolean;
      debug?: boolean;
    }
  }

  function dynalite(options?: dynalite.Options): Server;
  export = dynalite;
}

// dynalite's storage module, whose hooks the local stack wraps (local/emulators/dynamodb):
// only what capacity.ts and stream-tap.ts call or replace is declared.
declare module 'dynalite/db/index.js' {
  type AttributeMap = Record<string, Record<string, unknown>>;
  type Callback<T = unknown> = (err: Error | null | undefined, result?: T) => void;

  namespace db {
    type Item = AttributeMap;
    interface Table {
      TableName: string;
      CreationDateTime: number;
      KeySchema: { AttributeName: string; KeyType: string }[];
      LocalSecondaryIndexes?: unknown[];
      GlobalSecondaryIndexes?: unknown[];
    }
    /** A table's LevelDB sublevel: dynalite stores an item with put and removes it with del. */
    interface ItemDb {
      put(key: string, value: Item, cb: Callback): void;
      del(key: string, cb: Callback): void;
      [followed: symbol]: boolean | undefined;
    }
    interface Store {
      getItemDb(name: string): ItemDb;
    }
    interface RequestData {
      ConsistentRead?: boolean;
      ReturnConsumedCapacity?: string;
      [field: string]: unknown;
    }
    interface QueryResult {
      ConsumedCapacity?: { CapacityUnits: number };
      [field: string]: unknown;
    }
  }

  interface Db {
    capacityUnits(item: db.Item | null | undefined, isRead: boolean, isConsistent?: boolean): number;
    itemSize(item: db.Item): number;
    addConsumedCapacity(data: db.RequestData, isRead: boolean, newItem: db.Item | null | undefined, oldItem?: db.Item | null): unknown;
    checkConditional(data: db.RequestData, existingItem: db.Item | null | undefined): unknown;
    getIndexActions(indexes: unknown[], existingItem: db.Item | null | undefined, item: db.Item | null | undefined, table: db.Table): { puts: { item: db.Item }[]; deletes: unknown[] };
    updateIndexes(store: db.Store, table: db.Table, existingItem: db.Item | null | undefined, item: db.Item | null | undefined, cb: Callback): void;
    queryTable(
      store: db.Store,
      table: db.Table,
      data: db.RequestData,
      opts: unknown,
      isLocal: unknown,
      fetchFromItemDb: unknown,
      startKeyNames: unknown,
      cb: Callback<db.QueryResult>,
    ): void;
  }

  const db: Db;
  export = db;
}
