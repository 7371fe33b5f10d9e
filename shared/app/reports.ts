import { countyReport, countyReportCsv } from '../domain/report';
import { HttpError } from '../http/errors';
import type { ReportView } from '../schemas/api';
import { actorOf, asCountyOf, asCountyOrAdmin, requireCounty } from './access';
import { runCommand, type CommandInput } from './command';

/**
 * The county board submits its report (R8): every agreed proposal must be decided first.
 * The workflow waiting for this county is resumed by `resumeWorkflowAfterReport` (SendTaskSuccess),
 * which a later issue adds right after the command below.
 */
export async function submitCountyReport(input: CommandInput, county: string): Promise<ReportView> {
  const key = { year: input.year, county: requireCounty(county) };
  asCountyOf(input.user, county);
  const outcome = await runCommand(input, key, { type: 'SubmitCountyReport', auto: false }, actorOf(input.user!));
  const state = outcome.state;
  return countyReport({ ...state, report: state.report! });
}

/** A submitted report, for its county board and administrators. */
export async function getCountyReport({ app, user, year }: Pick<CommandInput, 'app' | 'user' | 'year'>, county: string): Promise<ReportView> {
  requireCounty(county);
  asCountyOrAdmin(user, county);
  const state = await app.ledgers.load({ year, county });
  if (!state.report) throw new HttpError(404, 'REPORT_NOT_FOUND', 'Länsrapporten är inte inlämnad ännu.', [{ year, county }]);
  return countyReport({ ...state, report: state.report });
}

export { countyReportCsv };
