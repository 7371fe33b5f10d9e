/**
 * The one CSV writer: every CSV the system writes goes through here (the county report, the
 * example shares), so that none can carry a formula into a spreadsheet.
 *
 * Two dialects:
 *   - `swedish`: for people with a spreadsheet set to Swedish: UTF-8 with a byte-order mark,
 *     `;` between fields, decimal comma, CRLF;
 *   - `import`: the shares import format (`municipality_code,per_mille`): `,` between fields,
 *     decimal point, LF, no byte-order mark, as parseSharesCsv reads it.
 * Fields with the separator, a quote, CR or LF are quoted (RFC 4180). A text cell that a
 * spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
 * return) gets an apostrophe in front, as OWASP recommends ("CSV injection"); numbers are
 * written as numbers and never need it.
 */
export type CsvCell = string | number | null | undefined;

export interface CsvDialect {
  separator: ';' | ',';
  decimal: ',' | '.';
  newline: '\r\n' | '\n';
  bom: boolean;
}

export const SWEDISH_CSV: CsvDialect = { separator: ';', decimal: ',', newline: '\r\n', bom: true };
export const IMPORT_CSV: CsvDialect = { separator: ',', decimal: '.', newline: '\n', bom: false };

export function writeCsv(rows: readonly (readonly CsvCell[])[], dialect: CsvDialect = SWEDISH_CSV): string {
  const lines = rows.map((row) => row.map((cell) => field(cell, dialect)).join(dialect.separator));
  return (dialect.bom ? '\uFEFF' : '') + lines.join(dialect.newline) + dialect.newline;
}

/** What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell that cannot start a formula: an apostrophe in front of a dangerous first character. */
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

function field(cell: CsvCell, dialect: CsvDialect): string {
  if (cell === null || cell === undefined) return '';
  const text = typeof cell === 'number' ? formatNumber(cell, dialect) : neutraliseFormula(cell);
  return /["\r\n]/.test(text) || text.includes(dialect.separator) ? `"${text.replaceAll('"', '""')}"` : text;
}

function formatNumber(value: number, dialect: CsvDialect): string {
  if (!Number.isFinite(value)) throw new Error(`A CSV number must be finite, not ${value}`);
  // No exponent: amounts here are per mille with at most three decimals, or whole kronor.
  const plain = Math.abs(value) < 1e21 && !String(value).includes('e') ? String(value) : value.toFixed(3);
  return dialect.decimal === ',' ? plain.replace('.', ',') : plain;
}
