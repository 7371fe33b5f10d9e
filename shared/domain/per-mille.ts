import { refuse } from './errors';

/**
 * A per-mille amount as an integer number of thousandths of a per mille, so that
 * sums and differences are exact (1.234 ‰ is 1234). Never a binary fraction.
 */
export type Milli = number;

export const MAX_PER_MILLE = 1000;
const DECIMAL = /^(\d+)(?:\.(\d{1,3}))?$/;

/** Parses a JSON number or a decimal string ("1.25", "1,25") with at most three decimals. */
export function parsePerMille(input: unknown): Milli {
  const text = typeof input === 'number' ? numberText(input) : typeof input === 'string' ? input.trim().replace(',', '.') : '';
  const match = DECIMAL.exec(text);
  if (!match) refuse('INVALID_AMOUNT', invalidMessage(text), [{ value: input }]);
  const milli = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  if (milli > MAX_PER_MILLE * 1000) refuse('INVALID_AMOUNT', `Beloppet får vara högst ${MAX_PER_MILLE} promille.`, [{ value: input }]);
  return milli;
}

// String(1e21) is "1e+21" and String(NaN) is "NaN": neither matches DECIMAL, as wanted.
function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : 'NaN';
}

function invalidMessage(text: string): string {
  if (text.startsWith('-')) return 'Beloppet får inte vara negativt.';
  if (/^\d+\.\d{4,}$/.test(text)) return 'Beloppet får ha högst tre decimaler.';
  return 'Beloppet ska vara ett tal i promille med högst tre decimaler.';
}

/** The JSON number for an amount: exact, because n/1000 prints as its shortest decimal. */
export function toPerMille(milli: Milli): number {
  return milli / 1000;
}

export function sum(values: Iterable<Milli>): Milli {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
