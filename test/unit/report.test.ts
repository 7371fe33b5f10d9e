import { describe, expect, it } from 'vitest';
import { FIXED_COMPENSATION_STATEMENT, countyReport, countyReportCsv } from '../../shared/domain/report';
import { fold } from '../../shared/domain/ledger';
import { municipalitiesOf } from '../../shared/reference';
import type { EventBody, LedgerEvent } from '../../shared/schemas/ledger';

// Uppsala län (03): Tierp (0360) and Heby (0331) give to Uppsala (0380), Knivsta (0330) to
// Enköping (0381), Östhammar (0382) withdraws, Älvkarleby (0319) never gets consent.
const KEY = { year: 2022, county: '03' };
const codes = municipalitiesOf('03').map((m) => m.code);
const shares = Object.fromEntries(codes.map((code, i) => [code, 5_000 + i * 1_111]));

function ledgerOf(bodies: EventBody[]) {
  const events = bodies.map((body, i) => ({ seq: i + 1, at: `2021-09-${String(10 + i).padStart(2, '0')}T08:00:00Z`, actor: { role: 'county', id: '03' }, ...body }) as LedgerEvent);
  return fold(KEY, events);
}

const state = ledgerOf([
  { type: 'SharesImported', shares },
  { type: 'ProposalSubmitted', giver: '0360', receiver: '0380', perMille: 800 },
  { type: 'ProposalSubmitted', giver: '0331', receiver: '0380', perMille: 1_250 },
  { type: 'ProposalSubmitted', giver: '0330', receiver: '0381', perMille: 333 },
  { type: 'ProposalSubmitted', giver: '0382', receiver: '0381', perMille: 100 },
  { type: 'ProposalSubmitted', giver: '0319', receiver: '0381', perMille: 100 },
  { type: 'ReceiverConsented', giver: '0360' },
  { type: 'ReceiverConsented', giver: '0331' },
  { type: 'ReceiverConsented', giver: '0330' },
  { type: 'ProposalWithdrawn', giver: '0382' },
  { type: 'WindowClosed', expired: ['0319'] },
  { type: 'ProposalDecided', giver: '0360', outcome: 'APPROVED' },
  { type: 'ProposalDecided', giver: '0331', outcome: 'REJECTED', reason: 'Underlaget saknas, "enligt" beslut' },
  { type: 'ProposalDecided', giver: '0330', outcome: 'APPROVED' },
  { type: 'CountyReportSubmitted', mode: 'SUBMITTED' },
]);
const report = countyReport({ ...state, report: state.report! });

describe('countyReport', () => {
  it('names the county, mode and submission', () => {
    expect(report).toMatchObject({ year: 2022, county: '03', countyName: 'Uppsala län', mode: 'SUBMITTED', submittedBy: '03' });
    expect(report.submittedAt).toBe(state.report!.at);
  });

  it('lists every proposal with its outcome and the reason for a rejection', () => {
    expect(report.proposals.map((p) => [p.giver, p.receiver, p.perMille, p.status])).toEqual([
      ['0319', '0381', 0.1, 'EXPIRED'],
      ['0330', '0381', 0.333, 'APPROVED'],
      ['0331', '0380', 1.25, 'REJECTED'],
      ['0360', '0380', 0.8, 'APPROVED'],
      ['0382', '0381', 0.1, 'WITHDRAWN'],
    ]);
    expect(report.proposals.find((p) => p.giver === '0331')).toMatchObject({ giverName: 'Heby', receiverName: 'Uppsala', reason: expect.stringContaining('Underlaget') });
  });

  it('gives every municipality preliminary, given, received and resulting shares; only approved proposals move shares', () => {
    expect(report.municipalities.map((m) => m.municipality)).toEqual([...codes].sort());
    const row = (code: string) => report.municipalities.find((m) => m.municipality === code)!;
    expect(row('0360')).toMatchObject({ givenPerMille: 0.8, receivedPerMille: 0, resultingPerMille: (shares['0360']! - 800) / 1000 });
    expect(row('0380')).toMatchObject({ givenPerMille: 0, receivedPerMille: 0.8, resultingPerMille: (shares['0380']! + 800) / 1000 });
    expect(row('0331')).toMatchObject({ givenPerMille: 0, resultingPerMille: shares['0331']! / 1000 });
    expect(row('0381')).toMatchObject({ receivedPerMille: 0.333 });
  });

  it('keeps the county total exactly (R9) and states the fixed compensation is unchanged (R10)', () => {
    const total = Object.values(shares).reduce((a, b) => a + b, 0) / 1000;
    expect(report.totals).toEqual({ beforePerMille: total, afterPerMille: total });
    expect(report.fixedCompensation).toEqual({ amountSek: 500_000, unchanged: true, statement: FIXED_COMPENSATION_STATEMENT });
    expect(FIXED_COMPENSATION_STATEMENT).toMatch(/fasta ersättningen på 500 000 kr per kommun påverkas inte/);
  });

  it('works for a county that reported without shares', () => {
    const empty = ledgerOf([{ type: 'WindowClosed', expired: [] }, { type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' }]);
    const r = countyReport({ ...empty, report: empty.report! });
    expect(r).toMatchObject({ mode: 'AUTO_SUBMITTED', proposals: [], municipalities: [], totals: { beforePerMille: 0, afterPerMille: 0 } });
  });
});

describe('countyReportCsv', () => {
  const csv = countyReportCsv(report);
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n');

  it('starts with a byte-order mark and ends every line with CRLF', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('has the four sections with their headers', () => {
    for (const title of ['Länsrapport', 'Kommuner', 'Förslag', 'Fast ersättning']) expect(lines).toContain(title);
    expect(lines).toContain('kommunkod,kommun,preliminär andel (promille),given (promille),mottagen (promille),resulterande andel (promille)');
  });

  it('has a row for every municipality and every proposal, and the county totals', () => {
    for (const m of report.municipalities) {
      expect(lines).toContain([m.municipality, m.name, m.preliminaryPerMille, m.givenPerMille, m.receivedPerMille, m.resultingPerMille].join(','));
    }
    expect(lines).toContain('0360,Tierp,0380,Uppsala,0.8,APPROVED,,2021-09-21T08:00:00Z');
    expect(lines).toContain('0319,Älvkarleby,0381,Enköping,0.1,EXPIRED,,');
    expect(lines).toContain(`Summa,Uppsala län,${report.totals.beforePerMille},1.133,1.133,${report.totals.afterPerMille}`);
  });

  it('quotes fields with commas or quotes', () => {
    expect(csv).toContain('"Underlaget saknas, ""enligt"" beslut"');
    expect(csv).toContain(`500000,ja,"${FIXED_COMPENSATION_STATEMENT}"`);
  });
});
