import { countyWarningInstant, reviewItems } from '../../domain/cycle';
import { log } from '../../platform/logger';
import { longTime } from '../../notifications/cycle-messages';
import type { PrepareReviewResult, YearActInput } from '../../workflow/contract';
import { calendarOf } from '../calendar';
import type { ActContext } from '../context';
import { participants, recordProgress } from './common';

/**
 * Prepare the county review: one Map item per county taking part, flagged with whether it
 * has agreed proposals to decide on (only those counties are waited for), each first waiting
 * until the county warning (`next` countyWarning, the seconds left until it as the timeout).
 */
export async function prepareReview(app: ActContext, { year }: YearActInput, now: string): Promise<PrepareReviewResult> {
  const calendar = await calendarOf(app, year);
  const { taking, withoutShares } = await participants(app, year);
  const counties = reviewItems(year, taking, now, calendar);
  const waiting = counties.filter((c) => c.hasProposals).length;
  log.info('county review prepared', { year, waitingFor: counties.filter((c) => c.hasProposals).map((c) => c.county), withoutShares });
  await recordProgress(app, year, {
    state:
      `Länsgranskning: väntar på länsrapporter från ${waiting} län senast ${longTime(calendar.countyReportAt)} ` +
      `(län med förslag som inte är beslutade varnas ${longTime(countyWarningInstant(calendar))}); ` +
      `${counties.length - waiting} län utan överenskomna förslag rapporteras direkt.`,
  });
  return { counties };
}
