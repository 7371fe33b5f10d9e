import { findCounty, findMunicipality } from '../reference';
import type { ReportView } from '../schemas/api';
import { approvedProposals, shareLines } from './ledger/final-shares';
import type { LedgerState } from './ledger/state';
import { displayOf } from './person';
import { sum, toPerMille } from './per-mille';

/** R10: the fixed compensation per municipality, which no redistribution touches. */
export const FIXED_COMPENSATION_SEK = 500_000;
export const FIXED_COMPENSATION_STATEMENT =
  'Den fasta ersättningen på 500 000 kr per kommun påverkas inte av omfördelningen: ' +
  'varje kommun behåller sin rätt till den, även en kommun som har omfördelat hela sin andel.';

/**
 * Who submitted a report the workflow submitted on the county-report date (the actor is the
 * system, which is no person). Swedish, as the report is read by people.
 */
export const AUTO_SUBMITTED_BY = 'systemet (automatiskt)';

type Submitted = LedgerState & { report: NonNullable<LedgerState['report']> };

const nameOf = (code: string): string => findMunicipality(code)?.name ?? code;

/**
 * A county's report to Migrationsverket (R8–R10): every proposal with its outcome, every
 * municipality's share before and after, the county totals and the R10 statement. Pure.
 */
export function countyReport(state: Submitted): ReportView {
  const preliminary = state.preliminary ?? {};
  const lines = shareLines(preliminary, approvedProposals(state));
  return {
    year: state.year,
    county: state.county,
    countyName: findCounty(state.county)?.name ?? state.county,
    mode: state.report.mode,
    submittedAt: state.report.at,
    // The person who submitted (name, else e-mail, else token subject; the county code for old events).
    submittedBy: state.report.by.role === 'system' ? AUTO_SUBMITTED_BY : displayOf(state.report.by),
    proposals: Object.values(state.proposals)
      .sort((a, b) => a.giver.localeCompare(b.giver))
      .map((p) => ({
        giver: p.giver,
        giverName: nameOf(p.giver),
        receiver: p.receiver,
        receiverName: nameOf(p.receiver),
        perMille: toPerMille(p.perMille),
        status: p.status,
        ...(p.decision?.reason ? { reason: p.decision.reason } : {}),
        ...(p.decision ? { decidedAt: p.decision.at, decidedBy: p.decision.by } : {}),
        ...(p.giverResolution ? { giverResolution: p.giverResolution } : {}),
        ...(p.receiverResolution ? { receiverResolution: p.receiverResolution } : {}),
      })),
    municipalities: lines.map((l) => ({
      municipality: l.municipality,
      name: nameOf(l.municipality),
      preliminaryPerMille: toPerMille(l.preliminary),
      givenPerMille: toPerMille(l.given),
      receivedPerMille: toPerMille(l.received),
      resultingPerMille: toPerMille(l.resulting),
    })),
    totals: {
      beforePerMille: toPerMille(sum(lines.map((l) => l.preliminary))),
      afterPerMille: toPerMille(sum(lines.map((l) => l.resulting))),
    },
    fixedCompensation: { amountSek: FIXED_COMPENSATION_SEK, unchanged: true, statement: FIXED_COMPENSATION_STATEMENT },
  };
}

/**
 * The report as CSV (RFC 4180: comma separator, CRLF, fields quoted when needed; UTF-8 with
 * a byte-order mark so spreadsheet programs show å, ä and ö). Amounts in per mille with a
 * decimal point, exactly as in the JSON. Sections separated by an empty line, each a title
 * row, a header row and its rows:
 *   1. Länsrapport — year, county, mode, submission time and who submitted;
 *   2. Kommuner — one row per municipality: code, name, preliminary, given, received,
 *      resulting share, and a last row "Summa" with the county totals;
 *   3. Förslag — one row per proposal: giver, receiver, amount, status, reason, decided at;
 *   4. Fast ersättning — amount, unchanged, statement (R10).
 */
export function countyReportCsv(report: ReportView): string {
  const given = sum(report.municipalities.map((m) => Math.round(m.givenPerMille * 1000)));
  const received = sum(report.municipalities.map((m) => Math.round(m.receivedPerMille * 1000)));
  const rows: (string | number)[][] = [
    ['Länsrapport'],
    ['år', 'länskod', 'län', 'läge', 'inlämnad', 'inlämnad av'],
    [report.year, report.county, report.countyName, report.mode, report.submittedAt, report.submittedBy],
    [],
    ['Kommuner'],
    ['kommunkod', 'kommun', 'preliminär andel (promille)', 'given (promille)', 'mottagen (promille)', 'resulterande andel (promille)'],
    ...report.municipalities.map((m) => [m.municipality, m.name, m.preliminaryPerMille, m.givenPerMille, m.receivedPerMille, m.resultingPerMille]),
    ['Summa', report.countyName, report.totals.beforePerMille, toPerMille(given), toPerMille(received), report.totals.afterPerMille],
    [],
    ['Förslag'],
    ['givande kommunkod', 'givande kommun', 'mottagande kommunkod', 'mottagande kommun', 'promille', 'status', 'motivering', 'beslutad'],
    ...report.proposals.map((p) => [p.giver, p.giverName, p.receiver, p.receiverName, p.perMille, p.status, p.reason ?? '', p.decidedAt ?? '']),
    [],
    ['Fast ersättning'],
    ['belopp per kommun (kr)', 'oförändrad', 'upplysning'],
    [report.fixedCompensation.amountSek, 'ja', report.fixedCompensation.statement],
  ];
  return '\uFEFF' + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
