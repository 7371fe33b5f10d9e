import type { LedgerState } from '../domain/ledger';
import { countyReport, countyReportCsv } from '../domain/report';
import { NotFound } from './errors';
import { log } from '../platform/logger';
import type { ReportView } from '../schemas/api';
import type { LedgerKey } from '../schemas/ledger';
import { StaleTaskTokenError } from '../workflow/port';
import { actorOf, asCountyOf, asCountyOrAdmin, requireCounty } from './access';
import { runCommand, type CommandInput } from './command';
import type { AppContext } from './context';

/**
 * The county board submits its report (R8): every agreed proposal must be decided first.
 * A report after the workflow submitted it automatically (at the report date) is refused by
 * the ledger: 409 REPORT_ALREADY_SUBMITTED. Once the report is stored, the workflow waiting
 * for this county is resumed (SendTaskSuccess with the token its wait stored).
 */
export async function submitCountyReport(input: CommandInput<Pick<AppContext, 'ledgers' | 'cycles' | 'reportStore' | 'workflow'>>, county: string): Promise<ReportView> {
  const key = { year: input.year, county: requireCounty(county) };
  asCountyOf(input.user, county);
  const outcome = await runCommand(input, key, { type: 'SubmitCountyReport', auto: false }, actorOf(input.user!));
  const state = outcome.state;
  await resumeWorkflowAfterReport(input.app, key, state);
  return countyReport({ ...state, report: state.report! });
}

/**
 * Resumes the execution waiting for this county's report, if one has stored its task token.
 * Best effort, never throws: the report is stored whatever happens here. A token that no
 * longer waits (its wait timed out, or was resumed already) is logged; any other failure is
 * logged as an error, and the county's wait then ends at the report date, when the workflow
 * finds the report submitted and goes on with it. A wait that stores its token after this
 * read finds the report itself and resumes at once (cycle-acts/await-report).
 */
async function resumeWorkflowAfterReport(app: Pick<AppContext, 'reportStore' | 'workflow'>, key: LedgerKey, state: Pick<LedgerState, 'report'>): Promise<void> {
  try {
    const token = await app.reportStore.getToken(key);
    if (!token) return;
    await app.workflow.sendTaskSuccess(token, { county: key.county, report: state.report?.mode ?? 'SUBMITTED' });
    log.info('workflow resumed after the county report', { ...key });
  } catch (error) {
    if (error instanceof StaleTaskTokenError) log.warn('county report: the workflow no longer waits for this token', { ...key, error: error.message });
    else log.error('county report: workflow not resumed; it goes on at the report date', { ...key, error: String((error as Error)?.message ?? error) });
  }
}

/** A submitted report, for its county board and administrators. */
export async function getCountyReport({ app, user, year }: Pick<CommandInput, 'app' | 'user' | 'year'>, county: string): Promise<ReportView> {
  requireCounty(county);
  asCountyOrAdmin(user, county);
  const state = await app.ledgers.load({ year, county });
  if (!state.report) throw new NotFound('REPORT_NOT_FOUND', 'Länsrapporten är inte inlämnad ännu.', [{ year, county }]);
  return countyReport({ ...state, report: state.report });
}

export { countyReportCsv };
