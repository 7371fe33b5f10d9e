import { describe, expect, it } from 'vitest';
import { FIXED_COMPENSATION_STATEMENT, countyReport, countyReportCsv, countyReportFileName } from '../../shared/domain/report';
import { IMPORT_CSV, neutraliseFormula, writeCsv } from '../../shared/format/csv';
import type { ReportView } from '../../shared/schemas/api';
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

/** RFC 4180 with `;`: rows of cells, quotes undone. */
function parseCsv(text: string, separator = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

describe('countyReportCsv', () => {
  const csv = countyReportCsv(report);
  const rows = parseCsv(csv.replace(/^\uFEFF/, ''));
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
  const row = (first: string) => rows.find((r) => r[0] === first)!;
  /** A row of the proposals' section (its first cell is the giver's code, as a municipality row's is). */
  const proposalRow = (text: string, giver: string) => parseCsv(text.replace(/^\uFEFF/, '')).find((r) => r.length === 15 && r[0] === giver)!;

  it('is UTF-8 with a byte-order mark, semicolons and CRLF, for a spreadsheet with Swedish settings', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(lines).toContain('Kommunkod;Kommun;Preliminär andel (promille);Given (promille);Mottagen (promille);Resulterande andel (promille)');
  });

  it('has the four sections with their headers, the county named', () => {
    for (const title of ['Länsrapport', 'Kommuner', 'Förslag', 'Fast ersättning']) expect(lines).toContain(title);
    expect(row('Andelsår')).toEqual(['Andelsår', 'Länskod', 'Län', 'Sätt', 'Lämnad', 'Lämnad av']);
    expect(row('2022')).toEqual(['2022', '03', 'Uppsala län', 'lämnad av länsstyrelsen', '2021-09-24 10:00', 'Länsstyrelsen i Uppsala län']);
  });

  it('writes amounts with a decimal comma, a row for every municipality, and the county totals', () => {
    for (const m of report.municipalities) {
      expect(row(m.municipality)).toEqual([m.municipality, m.name, ...[m.preliminaryPerMille, m.givenPerMille, m.receivedPerMille, m.resultingPerMille].map((n) => String(n).replace('.', ','))]);
    }
    expect(row('Summa')).toEqual(['Summa', 'Uppsala län', String(report.totals.beforePerMille).replace('.', ','), '1,133', '1,133', String(report.totals.afterPerMille).replace('.', ',')]);
    expect(csv).not.toMatch(/\d\.\d/);
  });

  it('names every proposal’s status in Swedish, with Stockholm times of the decisions', () => {
    expect(proposalRow(csv, '0360')).toEqual(['0360', 'Tierp', '0380', 'Uppsala', '0,8', 'godkänt av länsstyrelsen', '', '2021-09-21 10:00', 'Länsstyrelsen i Uppsala län', '', '', '', '', '', '']);
    expect(proposalRow(csv, '0319').slice(0, 6)).toEqual(['0319', 'Älvkarleby', '0381', 'Enköping', '0,1', 'förfallet (mottagande kommuns samtycke saknades)']);
    expect(proposalRow(csv, '0382')[5]).toBe('återkallat av givande kommun');
    expect(proposalRow(csv, '0331').slice(5, 7)).toEqual(['avslaget av länsstyrelsen', 'Underlaget saknas, "enligt" beslut']);
    expect(csv).not.toMatch(/\b(AWAITING_RECEIVER|AGREED|APPROVED|REJECTED|DECLINED|WITHDRAWN|EXPIRED|SUBMITTED|AUTO_SUBMITTED)\b/);
    expect(csv).not.toMatch(/\d{4}-\d\d-\d\dT/); // no ISO instants
    // Summer time too: 14:03 in Stockholm is 12:03 UTC in August.
    const summer = countyReportCsv({ ...report, submittedAt: '2027-08-20T12:03:00Z' });
    expect(parseCsv(summer.slice(1)).find((r) => r[0] === '2022')![4]).toBe('2027-08-20 14:03');
  });

  it('shows who decided and both leaderships’ resolutions', () => {
    const withPeople: ReportView = {
      ...report,
      proposals: report.proposals.map((p) =>
        p.giver === '0360'
          ? {
              ...p,
              decidedBy: 'Eva Lind',
              giverResolution: { decisionReference: 'KS 2021/12 § 4', contact: { name: 'Anna Ek', email: 'anna@tierp.example.se', phone: '0293-100 00' }, comment: 'Enligt avtal; se bilaga' },
              receiverResolution: { decisionReference: 'KF 2021/3', comment: 'Vi tar emot.' },
            }
          : p,
      ),
    };
    const r = proposalRow(countyReportCsv(withPeople), '0360');
    expect(r.slice(8)).toEqual(['Eva Lind', 'KS 2021/12 § 4', 'Anna Ek, anna@tierp.example.se, 0293-100 00', 'Enligt avtal; se bilaga', 'KF 2021/3', '', 'Vi tar emot.']);
  });

  it('quotes fields with separators or quotes, and keeps the fixed-compensation statement whole', () => {
    expect(csv).toContain('"Underlaget saknas, ""enligt"" beslut"');
    expect(writeCsv([['a;b', 'c\r\nd', 'e,f']])).toBe('\uFEFF"a;b";"c\r\nd";e,f\r\n');
    expect(row('500000')).toEqual(['500000', 'ja', FIXED_COMPENSATION_STATEMENT]);
  });

  it('neutralises every cell a spreadsheet would read as a formula: in a reason, a decision reference, a comment', () => {
    const dangerous = ['=HYPERLINK("http://evil.example","klicka")', '+1+2', '-1 för lite', '@SUM(A1:A2)', '\tflik', '\rretur'];
    for (const text of dangerous) {
      const evil: ReportView = {
        ...report,
        proposals: report.proposals.map((p) =>
          p.giver === '0331' ? { ...p, reason: text, decidedBy: text, giverResolution: { decisionReference: text, comment: text, contact: { name: text } }, receiverResolution: { comment: text } } : p,
        ),
      };
      const out = countyReportCsv(evil);
      const cells = proposalRow(out, '0331');
      expect(cells[6]).toBe(`'${text}`); // the county's reason
      expect(cells[8]).toBe(`'${text}`); // who decided
      expect(cells[9]).toBe(`'${text}`); // decision reference
      expect(cells[10]).toBe(`'${text}`); // contact person
      expect(cells[11]).toBe(`'${text}`); // comment
      expect(cells[14]).toBe(`'${text}`); // the receiver's comment
      // No cell of the file starts a formula.
      for (const c of parseCsv(out.slice(1)).flat()) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('has an ASCII file name with the year, county code and county name', () => {
    expect(countyReportFileName(report)).toBe('lansrapport-2022-03-uppsala-lan.csv');
    expect(countyReportFileName({ year: 2028, county: '14', countyName: 'Västra Götalands län' })).toBe('lansrapport-2028-14-vastra-gotalands-lan.csv');
    expect(countyReportFileName({ year: 2028, county: '25', countyName: 'Norrbottens län' })).toBe('lansrapport-2028-25-norrbottens-lan.csv');
  });
});

describe('writeCsv', () => {
  it('neutralises a dangerous first character of text, never a number, and leaves other text alone', () => {
    expect(['=1', '+1', '-1', '@a', '\t1', '\r1', 'a=1', ' =1', '1-2'].map(neutraliseFormula)).toEqual(["'=1", "'+1", "'-1", "'@a", "'\t1", "'\r1", 'a=1', ' =1', '1-2']);
    expect(writeCsv([[-1.5, '-1,5', 0.25, 'text', null, undefined]])).toBe("\uFEFF-1,5;'-1,5;0,25;text;;\r\n");
  });

  it('writes the import dialect (comma, decimal point, LF) for the example shares, neutralised too', () => {
    expect(writeCsv([['municipality_code', 'per_mille'], ['0180', 12.345], ['=cmd', 1]], IMPORT_CSV)).toBe("municipality_code,per_mille\n0180,12.345\n'=cmd,1\n");
  });
});
