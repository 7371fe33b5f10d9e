import { countyReportCsv, getCountyReport } from '../../shared/app/reports';
import { countyReportFileName } from '../../shared/domain/report';
import { uses } from '../../shared/composition/lazy';
import { cycles } from '../../shared/composition/stores/cycles';
import { idempotency } from '../../shared/composition/stores/idempotency';
import { ledgers } from '../../shared/composition/stores/ledgers';
import { httpHandler } from '../../shared/http/handler';
import { route } from '../../shared/http/routes';

/** JSON by default; CSV when the client accepts text/csv (see countyReportCsv for the format: the same file as the e-mail's attachment). */
export const handler = httpHandler({ ...route('get-report'), app: uses(ledgers, cycles, idempotency) }, async ({ params, headers, ...request }) => {
  const report = await getCountyReport({ ...request, year: params.year }, params.county);
  if (!wantsCsv(headers)) return { status: 200, body: report };
  return {
    status: 200,
    text: { contentType: 'text/csv; charset=utf-8', content: countyReportCsv(report) },
    headers: { 'content-disposition': `attachment; filename="${countyReportFileName(report)}"` },
  };
});

function wantsCsv(headers: Record<string, string | undefined>): boolean {
  const accept = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'accept')?.[1] ?? '';
  return accept.toLowerCase().includes('text/csv');
}
