/**
 * dynalite's worker thread (dynalite.ts starts it): dynalite on 127.0.0.1 with LevelDB under
 * the given path, its request accounting (capacity.ts), its table stream (stream-tap.ts)
 * and the parsed condition expressions it keeps (expression-cache.ts).
 * It answers the main thread's requests by id: metrics, the tables to follow, sync (every
 * record of the writes answered so far has been posted) and stop.
 */
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { DynamoDBRecord } from 'aws-lambda';
import type dynaliteDb from 'dynalite/db/index.js';
import type dynaliteServer from 'dynalite';
import type { DynamoMetrics } from '../metrics';
import { countCapacity } from './capacity';
import { cacheExpressions } from './expression-cache';
import { openJournal } from './stream-journal';
import { tapStreams } from './stream-tap';

export interface DynaliteWorkerData {
  /** dynalite's main file, resolved by the main thread (the bundled worker has no module URL of its own). */
  dynaliteEntry: string;
  path: string | undefined;
  /** Where the stream's records are journaled (stream-journal.ts); none in memory. */
  streamDir: string | undefined;
  port: number;
  region: string;
  accountId: string;
}

/** What the main thread sends. */
export type DynaliteRequest =
  | { type: 'metrics'; id: number }
  | { type: 'streams'; id: number; tables: Record<string, 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES'> }
  | { type: 'sync'; id: number }
  | { type: 'stop' };

/** What the worker posts: its start, answers (by id), stream records, and its end. */
export type DynaliteMessage =
  | { type: 'listening'; port: number }
  | { type: 'error'; code: string | undefined; message: string }
  | { type: 'metrics'; id: number; metrics: DynamoMetrics }
  | { type: 'streams'; id: number }
  | { type: 'sync'; id: number }
  | { type: 'records'; records: DynamoDBRecord[]; times: number[] }
  | { type: 'stopped'; error: string | undefined };

// dynalite and its storage module as CommonJS, so the hooks below replace the functions
// dynalite's actions call (they call them through this very module object).
const data = workerData as DynaliteWorkerData;
const fromDynalite = createRequire(data.dynaliteEntry);
const dynalite = fromDynalite('./index.js') as typeof dynaliteServer;
const db = fromDynalite('./db/index.js') as typeof dynaliteDb;
cacheExpressions(fromDynalite('./db/conditionParser.js'));

const port = parentPort!;
const post = (message: DynaliteMessage) => port.postMessage(message);

const server = dynalite({ ...(data.path !== undefined && { path: data.path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const metrics = countCapacity(db, server);
const journal = data.streamDir === undefined ? undefined : openJournal(data.streamDir);
const tap = tapStreams(db, data, (records, times) => post({ type: 'records', records, times }), journal);

const fail = (error: NodeJS.ErrnoException) => post({ type: 'error', code: error?.code, message: String(error?.message ?? error) });
server.once('error', fail);
server.listen(data.port, '127.0.0.1', () => {
  server.off('error', fail);
  post({ type: 'listening', port: (server.address() as AddressInfo).port });
});

port.on('message', (message: DynaliteRequest) => {
  switch (message.type) {
    case 'metrics':
      return post({ type: 'metrics', id: message.id, metrics });
    case 'streams':
      tap.follow(message.tables);
      return post({ type: 'streams', id: message.id });
    case 'sync':
      tap.flush();
      return post({ type: 'sync', id: message.id });
    case 'stop':
      tap.flush();
      // dynalite's close also closes LevelDB, releasing its lock for the next start on this directory.
      server.close((error) => {
        journal?.close();
        post({ type: 'stopped', error: error ? String(error.message || error) : undefined });
        port.close();
      });
      server.closeAllConnections();
  }
});
