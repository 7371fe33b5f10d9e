import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 as ApiResult } from 'aws-lambda';
import { EXPIRES_AT, epochSeconds } from './expiry';
import type { IdempotencyStore, Reservation } from '../../app/ports';

/**
 * Requests that carried an `Idempotency-Key`, one item per caller and key (not per route):
 * the request's fingerprint, whether it is being run, and its first accepted response.
 *
 * - `reserve` binds the key to the fingerprint with one conditional Put before the request
 *   runs, so of two concurrent requests with the same key exactly one runs; the other is
 *   told the key is in use by another request (other fingerprint) or in flight (same one).
 * - `complete` keeps an accepted (2xx) response; later requests with the key replay it.
 * - `release` forgets the key after a refusal (4xx: nothing was written), so the key may be
 *   used again, also with a corrected request.
 * - `unlock` keeps the binding but lets the same request run again after a failure (5xx or
 *   a crash), whose response is never kept: the ledger may have written, so the key must
 *   not become free for another request.
 *
 * A reservation whose process died (no complete, release or unlock) is taken over by the
 * same request once its lease has run out.
 *
 * A record is kept a day (`expiresAt`, epoch seconds, the table's TTL attribute): long enough
 * for any retry of a request, and the ledger replays its commands' keys for good anyway
 * (shared/ledger/replay.ts). DynamoDB deletes expired items only eventually (and dynalite
 * never), so an expired record counts as absent here: the key is free again.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long a reservation is exclusive: longer than any API Lambda runs. */
    private readonly leaseMs = IN_FLIGHT_LEASE_MS,
    private readonly clock: () => number = Date.now,
    private readonly keptMs = RECORD_KEPT_MS,
  ) {}

  async reserve(scope: string, fingerprint: string): Promise<Reservation> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const owner = randomUUID();
      const now = this.clock();
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key(scope), fingerprint, state: 'IN_FLIGHT', owner, leaseUntil: now + this.leaseMs, [EXPIRES_AT]: epochSeconds(now + this.keptMs) },
            ConditionExpression:
              'attribute_not_exists(pk) OR #expiresAt < :nowSeconds OR (fingerprint = :fp AND (#state = :open OR (#state = :inFlight AND leaseUntil < :now)))',
            ExpressionAttributeNames: { '#state': 'state', '#expiresAt': EXPIRES_AT },
            ExpressionAttributeValues: { ':fp': fingerprint, ':open': 'OPEN', ':inFlight': 'IN_FLIGHT', ':now': now, ':nowSeconds': epochSeconds(now) },
          }),
        );
        return { kind: 'run', owner };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(scope), ConsistentRead: true }));
      if (!Item || Number(Item[EXPIRES_AT]) < epochSeconds(this.clock())) continue; // released or expired in between: try again
      if (Item.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (Item.state === 'DONE') return { kind: 'replay', response: Item.response as ApiResult };
      if (Item.state === 'IN_FLIGHT' && Number(Item.leaseUntil) >= this.clock()) return { kind: 'in-flight' };
      // Unlocked or its lease ran out in between: try again.
    }
    return { kind: 'in-flight' };
  }

  /** Keeps the accepted response of the reservation's request; a lost lease keeps the other's. */
  async complete(scope: string, owner: string, response: ApiResult): Promise<void> {
    await ignoringLostLease(() => this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(scope),
        UpdateExpression: 'SET #state = :done, #response = :response REMOVE leaseUntil',
        ConditionExpression: '#owner = :owner AND #state = :inFlight',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response', '#owner': 'owner' },
        ExpressionAttributeValues: { ':done': 'DONE', ':response': response, ':owner': owner, ':inFlight': 'IN_FLIGHT' },
      }),
    ));
  }

  /** Forgets the key: its request was refused and wrote nothing. */
  async release(scope: string, owner: string): Promise<void> {
    await ignoringLostLease(() => this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: key(scope),
        ConditionExpression: '#owner = :owner AND #state = :inFlight',
        ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':inFlight': 'IN_FLIGHT' },
      }),
    ));
  }

  /** Lets the same request run again (it failed), keeping the key bound to it. */
  async unlock(scope: string, owner: string): Promise<void> {
    await ignoringLostLease(() => this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(scope),
        UpdateExpression: 'SET #state = :open REMOVE leaseUntil',
        ConditionExpression: '#owner = :owner AND #state = :inFlight',
        ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
        ExpressionAttributeValues: { ':open': 'OPEN', ':owner': owner, ':inFlight': 'IN_FLIGHT' },
      }),
    ));
  }

}

/** A write conditioned on holding the reservation: when the lease ran out and the same request took the key over, its outcome counts. */
async function ignoringLostLease(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Longer than any API Lambda may run (10 s) and API Gateway waits (30 s). */
const IN_FLIGHT_LEASE_MS = 60_000;

/** How long a key is remembered from its first request: a day. */
export const RECORD_KEPT_MS = 24 * 60 * 60 * 1000;

const key = (scope: string) => ({ pk: `IDEMPOTENCY#${scope}`, sk: 'REQUEST' });
