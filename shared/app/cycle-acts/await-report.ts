import { log } from '../../platform/logger';
import type { AwaitReportInput } from '../../workflow/contract';
import { StaleTaskTokenError } from '../../workflow/port';
import type { AppContext } from '../context';

/**
 * Wait for the county report (invoked with a task token; the execution waits until the token
 * is used or the wait times out at the report date). The token is stored for the county's
 * POST …/report to resume with. A county that has reported already, before the token was
 * stored, is resumed here at once: between the two, one of them always sees the other.
 */
export async function awaitReport(app: AppContext, input: AwaitReportInput, now: string) {
  const key = { year: input.year, county: input.county };
  await app.reportStore.putToken(key, input.taskToken, now);
  const state = await app.ledgers.load(key);
  if (!state.report) {
    log.info('waiting for the county report', { ...key, timeoutSeconds: input.timeoutSeconds });
    return { county: input.county, waiting: true };
  }
  try {
    await app.workflow.sendTaskSuccess(input.taskToken, { county: input.county, report: state.report.mode });
  } catch (error) {
    // Resumed already by the county's own request: nothing left to do.
    if (!(error instanceof StaleTaskTokenError)) throw error;
    log.warn('county report: the token was used already', { ...key });
  }
  return { county: input.county, waiting: false };
}
