import { findCounty, findMunicipality } from '../reference';
import { SWEDISH_CSV, writeCsv, type CsvCell } from '../format/csv';
import type { ReportView } from '../schemas/api';
import type { ProposalStatus, Resolution } from '../schemas/ledger';
import { approvedProposals, shareLines } from './ledger/final-shares';
import type { LedgerState } from './ledger/state';
import { displayOf } from './person';
import { stockholmFormat } from './stockholm-time';
import { sum, toPerMille } from './per-mille';

/** R10: the fixed compensation per municipality, which no redistribution touches. */
const FIXED_COMPENSATION_SEK = 500_000;
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
 * The report as CSV for a spreadsheet with Swedish settings (shared/format/csv: UTF-8 with
 * a byte-order mark, `;` between fields, decimal comma, CRLF; no cell can start a formula).
 * Statuses in Swedish words, times in Stockholm time ("2027-11-10 14:03"). Sections
 * separated by an empty line, each a title row, a header row and its rows:
 *   1. Länsrapport — share year, county code and name, how and when it was submitted, by whom;
 *   2. Kommuner — one row per municipality: code, name, preliminary, given, received,
 *      resulting share (per mille), and a last row "Summa" with the county totals;
 *   3. Förslag — one row per proposal: giver, receiver, amount, status, the county's reason,
 *      when and by whom it was decided, and each leadership's resolution (decision
 *      reference, contact person, comment);
 *   4. Fast ersättning — amount, unchanged, statement (R10).
 * The e-mail to Migrationsverket attaches exactly this; GET …/report with Accept: text/csv answers it.
 */
export function countyReportCsv(report: ReportView): string {
  const given = sum(report.municipalities.map((m) => Math.round(m.givenPerMille * 1000)));
  const received = sum(report.municipalities.map((m) => Math.round(m.receivedPerMille * 1000)));
  const rows: CsvCell[][] = [
    ['Länsrapport'],
    ['Andelsår', 'Länskod', 'Län', 'Sätt', 'Lämnad', 'Lämnad av'],
    [report.year, report.county, report.countyName, REPORT_MODE_TEXT[report.mode], csvTime(report.submittedAt), submitterText(report)],
    [],
    ['Kommuner'],
    ['Kommunkod', 'Kommun', 'Preliminär andel (promille)', 'Given (promille)', 'Mottagen (promille)', 'Resulterande andel (promille)'],
    ...report.municipalities.map((m) => [m.municipality, m.name, m.preliminaryPerMille, m.givenPerMille, m.receivedPerMille, m.resultingPerMille]),
    ['Summa', report.countyName, report.totals.beforePerMille, toPerMille(given), toPerMille(received), report.totals.afterPerMille],
    [],
    ['Förslag'],
    [
      'Givande kommunkod',
      'Givande kommun',
      'Mottagande kommunkod',
      'Mottagande kommun',
      'Andel (promille)',
      'Status',
      'Länsstyrelsens motivering',
      'Beslutad',
      'Beslutad av',
      'Givande kommunens beslut',
      'Givande kommunens kontaktperson',
      'Givande kommunens kommentar',
      'Mottagande kommunens beslut',
      'Mottagande kommunens kontaktperson',
      'Mottagande kommunens kommentar',
    ],
    ...report.proposals.map((p) => [
      p.giver,
      p.giverName,
      p.receiver,
      p.receiverName,
      p.perMille,
      REPORT_STATUS_TEXT[p.status],
      p.reason,
      p.decidedAt ? csvTime(p.decidedAt) : '',
      p.decidedBy === report.county ? `Länsstyrelsen i ${report.countyName}` : p.decidedBy,
      ...resolutionCells(p.giverResolution),
      ...resolutionCells(p.receiverResolution),
    ]),
    [],
    ['Fast ersättning'],
    ['Belopp per kommun (kr)', 'Oförändrad', 'Upplysning'],
    [report.fixedCompensation.amountSek, 'ja', report.fixedCompensation.statement],
  ];
  return writeCsv(rows, SWEDISH_CSV);
}

/** The report's file name, ASCII: `lansrapport-2028-03-uppsala-lan.csv`. */
export function countyReportFileName(report: Pick<ReportView, 'year' | 'county' | 'countyName'>): string {
  const slug = report.countyName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `lansrapport-${report.year}-${report.county}${slug ? `-${slug}` : ''}.csv`;
}

/** A proposal's status as the report names it. */
export const REPORT_STATUS_TEXT: Record<ProposalStatus, string> = {
  AWAITING_RECEIVER: 'väntar på mottagande kommuns samtycke',
  AGREED: 'överenskommet, inte beslutat (ändrar inte andelarna)',
  APPROVED: 'godkänt av länsstyrelsen',
  REJECTED: 'avslaget av länsstyrelsen',
  DECLINED: 'avböjt av mottagande kommun',
  WITHDRAWN: 'återkallat av givande kommun',
  EXPIRED: 'förfallet (mottagande kommuns samtycke saknades)',
};

const REPORT_MODE_TEXT: Record<ReportView['mode'], string> = {
  SUBMITTED: 'lämnad av länsstyrelsen',
  AUTO_SUBMITTED: 'lämnad automatiskt vid rapportdagen',
};

function submitterText(report: ReportView): string {
  if (report.mode === 'AUTO_SUBMITTED' || report.submittedBy === 'system') return 'tjänsten Omfördelning';
  if (report.submittedBy === report.county || report.submittedBy === 'county') return `Länsstyrelsen i ${report.countyName}`;
  return report.submittedBy;
}

/** Decision reference, contact person ("Namn, e-post, telefon") and comment; empty cells when not stated. */
function resolutionCells(resolution: Resolution | undefined): CsvCell[] {
  const contact = resolution?.contact;
  const person = [contact?.name, contact?.email, contact?.phone].filter((v) => v !== undefined && v !== '').join(', ');
  return [resolution?.decisionReference, person, resolution?.comment];
}

const CSV_TIME = stockholmFormat('sv-SE', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "2027-11-10 14:03": Stockholm time, as a spreadsheet with Swedish settings reads a date and time. */
const csvTime = (instant: string): string => CSV_TIME().format(new Date(instant));
