import { log } from '../platform/logger';
import type { CycleRecord } from '../schemas/cycle';
import type { ActContext } from './context';
import { pendingDeadlineMove, tellPendingDeadlineMove } from './cycle-acts/deadline-moved';

/** A cycle record as the table's stream delivers it (its new image); `id` names it when asking for redelivery. */
export interface FollowedCycle {
  id: string;
  record: CycleRecord;
}

/**
 * Follows the years' cycle records (docs/workflow.md "The moved deadline"): when a record's new image shows a
 * published year whose calendar deadline is not the one the parties were told (an
 * administrator moved it), the "deadline moved" notice goes out now, not at the workflow's
 * next check (up to four hours later). The same function as the workflow's act, claimed per
 * move (tellPendingDeadlineMove), so the two never both send it; the check stays the safety net.
 *
 * Per year only its latest image of the batch counts (the notice is computed from the record
 * as stored now). Returns the ids to deliver again: for a year that failed, its first record
 * of the batch (and so everything after it).
 */
export async function followCycles(app: ActContext, changes: readonly FollowedCycle[]): Promise<string[]> {
  const byYear = new Map<number, { first: string; latest: CycleRecord }>();
  for (const { id, record } of changes) {
    const seen = byYear.get(record.year);
    byYear.set(record.year, { first: seen?.first ?? id, latest: record });
  }
  const retry = await Promise.all(
    [...byYear.entries()].map(async ([year, { first, latest }]) => {
      if (!pendingDeadlineMove(latest)) return [];
      try {
        const told = await tellPendingDeadlineMove(app, year, 'stream');
        if (told.busy) log.info('deadline moved: left to the workflow, which is telling it', { year, until: told.busy.until });
        return [];
      } catch (error) {
        log.error('cycle record not followed', { year, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        return [first];
      }
    }),
  );
  return retry.flat();
}
