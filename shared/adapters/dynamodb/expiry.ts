/** The table's TTL attribute (infra/constructs/storage.ts): when DynamoDB may delete the item, in epoch seconds. */
export const EXPIRES_AT = 'expiresAt';

export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
