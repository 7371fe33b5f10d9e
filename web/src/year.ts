import type { CycleView } from '../../shared/schemas/api';
import { ApiError, api } from './api';
import { loadClockOffset } from './clock';
import { defaultDeadline } from '../../shared/domain/default-deadline';

export interface YearInfo {
  year: number;
  /** Undefined: no year has been started yet. */
  cycle: CycleView | undefined;
  /** Milliseconds to add to Date.now() for the system's time. */
  offsetMs: number;
}

/**
 * The share year the app is about: the next calendar year's round (decided in the autumn
 * before it), else the one after, else this year's (finished) one; the first that has started.
 * When none has, the next share year whose deadline is still ahead (the one to start).
 */
export async function loadYear(): Promise<YearInfo> {
  const offsetMs = await loadClockOffset();
  const thisYear = new Date(Date.now() + offsetMs).getUTCFullYear();
  for (const year of [thisYear + 1, thisYear + 2, thisYear]) {
    try {
      const cycle = await api<CycleView>('GET', `/v1/years/${year}/cycle`);
      return { year, cycle, offsetMs };
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }
  return { year: nextShareYear(Date.now() + offsetMs), cycle: undefined, offsetMs };
}

/** The first share year whose statutory deadline is still ahead (in December that is the year after next). */
export function nextShareYear(nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  return Date.parse(defaultDeadline(thisYear + 1)) > nowMs ? thisYear + 1 : thisYear + 2;
}
