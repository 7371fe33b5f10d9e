/**
 * The keys of a year's cycle item: pk `Y#<year>`, sk `CYCLE` (cycle-store.ts writes it; the
 * table stream's filter in infra/constructs/ledger-follower.ts and cycle-stream.ts match it).
 * No imports: the CDK app reads these too.
 */
export const CYCLE_PK_PREFIX = 'Y#';
export const CYCLE_SK = 'CYCLE';

export const cycleKey = (year: number) => ({ pk: `${CYCLE_PK_PREFIX}${year}`, sk: CYCLE_SK });
