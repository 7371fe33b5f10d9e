import { stockholmToUtc } from './stockholm-time';

/**
 * The statutory last moment for proposals of a share year: 2 November 23:59:59 Stockholm time
 * of the year before. A module of its own (no holiday rules), so the web app can tell which
 * share year is still ahead without loading the whole calendar.
 */
export function defaultDeadline(shareYear: number): string {
  return stockholmToUtc(shareYear - 1, 11, 2, 23, 59, 59);
}
