import { Invalid } from './errors';

/** One data row of a shares CSV: the amount is left as text for the domain's exact parser. */
export interface CsvShare {
  municipality: string;
  perMille: string;
  line: number;
}

const HEADER = ['municipality_code', 'per_mille'] as const;

/**
 * Parses `municipality_code,per_mille` CSV as people actually produce it: a byte-order
 * mark, CRLF, blank lines, a `;` or tab separator (Swedish spreadsheets use `;` with a
 * decimal comma), quoted fields, and a bare decimal comma under a `,` separator (the row
 * then has one field too many, which is unambiguous with two columns). Codes that lost
 * their leading zero in a spreadsheet ("114") get it back. Malformed rows → 400 INVALID_CSV.
 */
export function parseSharesCsv(text: string): CsvShare[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).map((content, i) => ({ content, line: i + 1 }));
  const rows = lines.filter((l) => l.content.trim() !== '');
  const [header, ...data] = rows;
  if (!header) throw invalidCsv('CSV-filen är tom.');
  const separator = [';', '\t'].find((s) => header.content.includes(s)) ?? ',';
  const columns = splitRow(header.content, separator).map((c) => c.trim().toLowerCase());
  const codeAt = columns.indexOf(HEADER[0]);
  const amountAt = columns.indexOf(HEADER[1]);
  if (codeAt < 0 || amountAt < 0 || columns.length !== 2) {
    throw invalidCsv(`Rubrikraden ska vara ${HEADER.join(',')}.`, [{ line: header.line, header: header.content }]);
  }
  if (data.length === 0) throw invalidCsv('CSV-filen har inga rader med andelar.');
  const problems: unknown[] = [];
  const shares = data.flatMap(({ content, line }) => {
    let fields = splitRow(content, separator).map((f) => f.trim());
    if (fields.length === 3 && separator === ',' && amountAt === 1) fields = [fields[0]!, `${fields[1]},${fields[2]}`];
    const raw = fields[codeAt] ?? '';
    if (fields.length !== 2 || !/^\d{3,4}$/.test(raw)) {
      problems.push({ line, row: content });
      return [];
    }
    return [{ municipality: raw.padStart(4, '0'), perMille: fields[amountAt]!, line }];
  });
  if (problems.length > 0) throw invalidCsv('Raderna ska ha en kommunkod (fyra siffror) och en andel i promille.', problems);
  return shares;
}

/** Splits one line at the separator, honouring double quotes ("" inside quotes is a quote). */
function splitRow(line: string, separator: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === separator) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

const invalidCsv = (message: string, details: unknown[] = []) => new Invalid('INVALID_CSV', message, details);
