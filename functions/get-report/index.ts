import { countyReportCsv, getCountyReport } from '../../shared/app/reports';
import { httpHandler } from '../../shared/http/handler';
import { CountyParams } from '../../shared/schemas/api';

/** JSON by default; CSV when the client accepts text/csv (see countyReportCsv for the format). */
export const handler = httpHandler({ params: CountyParams }, async ({ params, headers, ...request }) => {
  const report = await getCountyReport({ ...request, year: params.year }, params.county);
  if (!wantsCsv(headers)) return { status: 200, body: report };
  return {
    status: 200,
    text: { contentType: 'text/csv; charset=utf-8', content: countyReportCsv(report) },
    headers: { 'content-disposition': `attachment; filename="lansrapport-${report.year}-${report.county}.csv"` },
  };
});

function wantsCsv(headers: Record<string, string | undefined>): boolean {
  const accept = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'accept')?.[1] ?? '';
  return accept.toLowerCase().includes('text/csv');
}
