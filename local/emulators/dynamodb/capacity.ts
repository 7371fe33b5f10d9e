/**
 * Request accounting for metrics() (cost benchmarks), in dynalite's worker: requests by
 * X-Amz-Target operation and error status, and capacity units as DynamoDB bills them,
 * computed at dynalite's own hooks with its own size rule (db.capacityUnits: reads
 * ceil(bytes / 4 KB), halved unless ConsistentRead; writes ceil(max(old, new) bytes / 1 KB)),
 * whether or not the client asked for ReturnConsumedCapacity (a Query runs with TOTAL; the
 * figure is removed again if not asked). Added to dynalite's figures as AWS bills them: the
 * minimum read for a Query that reads nothing, index entries put or deleted, and writes
 * refused by their condition (the existing item's units, at least 1).
 */
import type { Server } from 'node:http';
import type db from 'dynalite/db/index.js';
import type { DynamoMetrics } from '../metrics';

type Db = typeof db;

export function countCapacity(dynaliteDb: Db, server: Server): DynamoMetrics {
  const metrics: DynamoMetrics = { requests: {}, errors: {}, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, conditionalCheckFailures: 0 };
  const units = (item: db.Item | null | undefined, isRead: boolean, consistent?: boolean) => dynaliteDb.capacityUnits(item, isRead, consistent);
  const { addConsumedCapacity, checkConditional, updateIndexes, queryTable } = dynaliteDb;

  dynaliteDb.addConsumedCapacity = function (data, isRead, item, other) {
    if (isRead) metrics.readUnits += units(item, true, data.ConsistentRead);
    else metrics.writeUnits += Math.max(units(item, false), other == null ? 0 : units(other, false));
    return addConsumedCapacity.call(this, data, isRead, item, other);
  };
  dynaliteDb.checkConditional = function (data, existingItem) {
    const refused = checkConditional.call(this, data, existingItem);
    if (refused != null) {
      metrics.conditionalCheckFailures++;
      metrics.writeUnits += units(existingItem, false);
    }
    return refused;
  };
  dynaliteDb.updateIndexes = function (store, table, existingItem, item, cb) {
    for (const indexes of [table.LocalSecondaryIndexes, table.GlobalSecondaryIndexes]) {
      const actions = dynaliteDb.getIndexActions(indexes ?? [], existingItem, item, table);
      for (const put of actions.puts) metrics.indexWriteUnits += units(put.item, false);
      metrics.indexWriteUnits += actions.deletes.length * units(existingItem, false);
    }
    return updateIndexes.call(this, store, table, existingItem, item, cb);
  };
  dynaliteDb.queryTable = function (store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb) {
    const asked = data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES';
    const counted = asked ? data : { ...data, ReturnConsumedCapacity: 'TOTAL' };
    return queryTable.call(this, store, table, counted, opts, isLocal, fetchFromItemDb, startKeyNames, (err, result) => {
      if (result?.ConsumedCapacity) {
        // A Query or Scan that reads nothing still costs the minimum read (dynalite counts 0).
        metrics.readUnits += Math.max(result.ConsumedCapacity.CapacityUnits, data.ConsistentRead ? 1 : 0.5);
        if (!asked) delete result.ConsumedCapacity;
      }
      cb(err, result);
    });
  };
  server.prependListener('request', (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] || '(none)';
    metrics.requests[operation] = (metrics.requests[operation] ?? 0) + 1;
    res.once('finish', () => {
      if (res.statusCode >= 400) metrics.errors[operation] = (metrics.errors[operation] ?? 0) + 1;
    });
  });
  return metrics;
}
