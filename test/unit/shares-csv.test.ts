import { describe, expect, it } from 'vitest';
import { parseSharesCsv } from '../../shared/app/shares-csv';
import { Refusal } from '../../shared/app/errors';

const rows = (text: string) => parseSharesCsv(text).map(({ municipality, perMille }) => [municipality, perMille]);

function problem(text: string): [string, unknown[]] {
  try {
    parseSharesCsv(text);
  } catch (error) {
    if (error instanceof Refusal) return [error.code, error.details];
    throw error;
  }
  throw new Error('accepted');
}

describe('parseSharesCsv', () => {
  it('reads the plain format', () => {
    expect(rows('municipality_code,per_mille\n0114,1.234\n0115,0.5\n')).toEqual([['0114', '1.234'], ['0115', '0.5']]);
  });

  it('takes a BOM, CRLF, blank lines, spaces and a header in any case or order', () => {
    expect(rows('\uFEFFPER_MILLE , Municipality_Code\r\n\r\n 2 , 0114 \r\n')).toEqual([['0114', '2']]);
  });

  it('takes a decimal comma: quoted, under a semicolon or tab separator, or bare with two columns', () => {
    expect(rows('municipality_code,per_mille\n0114,"1,25"\n0115,2,5\n')).toEqual([['0114', '1,25'], ['0115', '2,5']]);
    expect(rows('municipality_code;per_mille\n0114;1,25\n')).toEqual([['0114', '1,25']]);
    expect(rows('municipality_code\tper_mille\n0114\t1,25\n')).toEqual([['0114', '1,25']]);
  });

  it('gives a code its leading zero back when a spreadsheet dropped it', () => {
    expect(rows('municipality_code,per_mille\n114,1\n')).toEqual([['0114', '1']]);
  });

  it('refuses a wrong header, an empty file and malformed rows, naming the lines', () => {
    expect(problem('')[0]).toBe('INVALID_CSV');
    expect(problem('kommun,andel\n0114,1\n')[0]).toBe('INVALID_CSV');
    expect(problem('municipality_code,per_mille\n')[0]).toBe('INVALID_CSV');
    expect(problem('municipality_code,per_mille\n0114\nabc,1\n0115,1\n,1\n')).toEqual(['INVALID_CSV', [
      { line: 2, row: '0114' },
      { line: 3, row: 'abc,1' },
      { line: 5, row: ',1' },
    ]]);
  });
});
