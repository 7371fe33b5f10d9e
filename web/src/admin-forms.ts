/**
 * The administrator's form logic: Stockholm wall-clock time to an instant with its offset,
 * the shares file previewed with the API's own CSV parser and amount parser, and the
 * calendar's refusals in plain Swedish at the field.
 */
import { parseSharesCsv } from '../../shared/app/shares-csv';
import { RuleError } from '../../shared/domain/errors';
import { parsePerMille } from '../../shared/domain/per-mille';
import { Refusal } from '../../shared/app/errors';
import { findCounty, findMunicipality } from '../../shared/reference';
import { ContactsImportBody } from '../../shared/schemas/contacts';
import { ApiError } from './api';
import type { FieldError } from './components';
import { formatInstant } from './format';

interface PreviewRow {
  line: number;
  municipality: string;
  amount: string;
  problem?: string;
}
export interface Preview {
  fileName: string;
  text: string;
  rows: PreviewRow[];
  /** A problem with the whole file (no header, empty). */
  fileProblem?: string;
}

const ROW_SHAPE = 'Raden ska ha en kommunkod (fyra siffror) och en andel i promille.';

/** The file as the API will read it: the API's CSV parser, then each row's code and amount. */
export function previewShares(fileName: string, text: string): Preview {
  let parsed;
  try {
    parsed = parseSharesCsv(text);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const bad = error.details as { line?: number; row?: string }[];
    if (bad.length === 0 || bad[0]!.row === undefined) return { fileName, text, rows: [], fileProblem: error.message };
    // Rows of the right shape are previewed too, so every problem is seen at once.
    const badLines = new Set(bad.map((b) => b.line));
    const good = parseSharesCsv(text.split(/\r\n|\n|\r/).filter((_, i) => !badLines.has(i + 1)).join('\n'));
    const lineOf = new Map<number, number>();
    let n = 0;
    text.split(/\r\n|\n|\r/).forEach((_, i) => !badLines.has(i + 1) && lineOf.set(++n, i + 1));
    const rows: PreviewRow[] = [
      ...good.map((g) => ({ line: lineOf.get(g.line) ?? g.line, municipality: g.municipality, amount: g.perMille })),
      ...bad.map((b) => ({ line: b.line ?? 0, municipality: '', amount: b.row ?? '', problem: ROW_SHAPE })),
    ];
    return { fileName, text, rows: checkRows(rows).sort((a, b) => a.line - b.line) };
  }
  return { fileName, text, rows: checkRows(parsed.map((p) => ({ line: p.line, municipality: p.municipality, amount: p.perMille }))) };
}

function checkRows(rows: PreviewRow[]): PreviewRow[] {
  const count = new Map<string, number>();
  for (const r of rows) if (!r.problem) count.set(r.municipality, (count.get(r.municipality) ?? 0) + 1);
  return rows.map((r) => {
    if (r.problem) return r;
    if (!findMunicipality(r.municipality)) return { ...r, problem: `Kommunkoden ${r.municipality} finns inte.` };
    if (count.get(r.municipality)! > 1) return { ...r, problem: `Kommunen ${r.municipality} förekommer flera gånger.` };
    try {
      parsePerMille(r.amount);
      return r;
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return { ...r, problem: error.message };
    }
  });
}

const plain = (problem: string): string =>
  problem.replace(/ \((?:publishAt|deadline|countyReportAt|finalizeAt|reminders(?:\[\d+\])?)\)/g, '').replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, (iso) => formatInstant(iso));

/** API refusal → messages at the date field (the calendar's problems, each in Swedish). */
export function moveRefusal(error: unknown): FieldError[] {
  if (!(error instanceof ApiError)) return [{ message: 'Något gick fel. Försök igen om en stund.' }];
  // The calendar's problems name the API's fields and give instants in UTC: plain Swedish here.
  const problems = error.details.filter((d): d is string => typeof d === 'string').map(plain);
  return problems.length > 0 ? problems.map((message) => ({ field: 'date', message })) : [{ field: 'date', message: error.message }];
}


// --- Contacts ---------------------------------------------------------------------------

export interface ContactsPreview {
  fileName: string;
  body?: unknown;
  /** Who gets which addresses, as people read it. */
  rows: { who: string; addresses: string }[];
  problems: string[];
}

const ZOD_WORDS: Record<string, string> = {
  invalid_format: 'är inte en giltig e-postadress',
  too_small: 'har för få adresser',
  too_big: 'har för många adresser',
  unrecognized_keys: 'har fält som inte finns',
  invalid_type: 'har fel form',
  invalid_key: 'är ingen känd kod',
};

function whoOf(path: readonly PropertyKey[]): string {
  const [group, code] = path.map(String);
  if (group === 'municipalities' && code) return `${findMunicipality(code)?.name ?? code} (${code})`;
  if (group === 'counties' && code) return `${findCounty(code)?.name ?? code} (${code})`;
  if (group === 'migrationsverket') return 'Migrationsverket';
  if (group === 'administrators') return 'Administratörerna';
  return 'Filen';
}

/** A contacts JSON file (the body of PUT /v1/contacts) checked with the API's own schema. */
export function previewContacts(fileName: string, text: string): ContactsPreview {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { fileName, rows: [], problems: ['Filen är inte JSON.'] };
  }
  const parsed = ContactsImportBody.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const where = i.path.length > 2 ? ` (${i.path.slice(2).map(String).join('.')})` : '';
      return i.code === 'custom' ? `${whoOf(i.path)}: ${i.message}` : `${whoOf(i.path)}${where} ${ZOD_WORDS[i.code] ?? 'har ett fel'}.`;
    });
    return { fileName, rows: [], problems: [...new Set(problems)] };
  }
  const b = parsed.data;
  const rows: ContactsPreview['rows'] = [];
  for (const [code, m] of Object.entries(b.municipalities ?? {})) rows.push({ who: whoOf(['municipalities', code]), addresses: (m.emails ?? [m.email!]).join(', ') });
  for (const [code, c] of Object.entries(b.counties ?? {})) {
    const officers = c.officers ?? (c.officer ? [c.officer] : undefined);
    rows.push({ who: whoOf(['counties', code]), addresses: [c.mailbox && `Funktionsbrevlåda ${c.mailbox}`, officers && `handläggare: ${officers.join(', ') || 'inga'}`].filter(Boolean).join('; ') });
  }
  if (b.migrationsverket) rows.push({ who: 'Migrationsverket', addresses: b.migrationsverket.mailbox });
  if (b.administrators) rows.push({ who: 'Administratörerna', addresses: b.administrators.mailbox });
  return { fileName, body: parsed.data, rows, problems: [] };
}
