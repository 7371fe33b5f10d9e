import { describe, it, expect } from 'vitest';
import { RuleError } from '../../shared/domain/errors.js';
import { MAX_PER_MILLE, parsePerMille, sum, toPerMille } from '../../shared/domain/per-mille.js';

/** The RuleError thrown by `fn`; fails the test when nothing (or something else) is thrown. */
function refusal(fn: () => unknown): RuleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError);
    return error as RuleError;
  }
  expect.fail('expected a RuleError, but nothing was thrown');
}

describe('parsePerMille: accepted amounts (R5: at most 3 decimals, exact thousandths)', () => {
  it.each([
    [0, 0],
    [1, 1000],
    [1.5, 1500],
    [1.234, 1234],
    ['2,5', 2500],
    ['3.100', 3100],
    [1000, 1_000_000],
  ] as const)('%j is %i thousandths', (input, milli) => {
    expect(parsePerMille(input)).toBe(milli);
  });

  it('accepts a Swedish decimal comma and surrounding blanks in strings', () => {
    expect(parsePerMille(' 0,001 ')).toBe(1);
    expect(parsePerMille('999,999')).toBe(999_999);
    expect(parsePerMille('1000')).toBe(1_000_000);
  });

  it('always returns a safe integer', () => {
    for (const input of [0.001, 0.1, 0.3, 12.345, 999.999, '7,07']) {
      expect(Number.isSafeInteger(parsePerMille(input))).toBe(true);
    }
  });
});

describe('parsePerMille: refused amounts (INVALID_AMOUNT)', () => {
  it('refuses four decimals with a message about three decimals', () => {
    const error = refusal(() => parsePerMille(1.2345));
    expect(error.code).toBe('INVALID_AMOUNT');
    expect(error.kind).toBe('invalid');
    // The specific message, not the generic one (which also mentions decimals).
    expect(error.message).toBe('Beloppet får ha högst tre decimaler.');
    expect(error.details).toEqual([{ value: 1.2345 }]);
  });

  it('refuses a negative amount with a message about negative amounts', () => {
    for (const input of [-1, '-1', -0.5]) {
      const error = refusal(() => parsePerMille(input));
      expect(error.code).toBe('INVALID_AMOUNT');
      expect(error.message).toBe('Beloppet får inte vara negativt.');
    }
  });

  it('refuses more than 1000 per mille with a message naming the maximum', () => {
    expect(MAX_PER_MILLE).toBe(1000);
    const error = refusal(() => parsePerMille(1000.001));
    expect(error.code).toBe('INVALID_AMOUNT');
    expect(error.message).toBe('Beloppet får vara högst 1000 promille.');
    expect(refusal(() => parsePerMille('1000,001')).code).toBe('INVALID_AMOUNT');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['1e21', 1e21],
    ['"abc"', 'abc'],
    ['""', ''],
    ['null', null],
    ['undefined', undefined],
    ['{}', {}],
    ['true', true],
    ['1000.001', 1000.001],
    ['1.2345', 1.2345],
    ['-1', -1],
    ['"1e3"', '1e3'],
    ['"1."', '1.'],
    ['"1,2,3"', '1,2,3'],
  ])('refuses %s', (_label, input) => {
    const error = refusal(() => parsePerMille(input));
    expect(error.code).toBe('INVALID_AMOUNT');
    expect(error.kind).toBe('invalid');
  });

  it('refuses non-numeric input with the generic message', () => {
    for (const input of ['abc', '', null, undefined, {}, true, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      expect(refusal(() => parsePerMille(input)).message).toBe('Beloppet ska vara ett tal i promille med högst tre decimaler.');
    }
  });
});

describe('exactness', () => {
  it('ten times 0.1 is exactly 1 per mille (1000 thousandths), unlike binary floats', () => {
    const tenth = parsePerMille(0.1);
    expect(tenth).toBe(100);
    const total = sum(Array.from({ length: 10 }, () => tenth));
    expect(total).toBe(1000);
    expect(toPerMille(total)).toBe(1);

    let float = 0;
    for (let i = 0; i < 10; i++) float += 0.1;
    expect(float).not.toBe(1); // the bug that integer thousandths avoid
  });

  it('0.1 + 0.2 is exactly 0.3', () => {
    expect(toPerMille(sum([parsePerMille(0.1), parsePerMille(0.2)]))).toBe(0.3);
  });

  it('toPerMille gives the shortest decimal JSON number', () => {
    expect(toPerMille(1234)).toBe(1.234);
    expect(JSON.stringify(toPerMille(1234))).toBe('1.234');
    expect(JSON.stringify({ perMille: toPerMille(1) })).toBe('{"perMille":0.001}');
    expect(JSON.stringify(toPerMille(1_000_000))).toBe('1000');
    expect(toPerMille(0)).toBe(0);
  });

  it('sum of nothing is 0 and sum accepts any iterable', () => {
    expect(sum([])).toBe(0);
    expect(sum(new Set([1, 2, 3]))).toBe(6);
  });

  it('every amount 0..1000 (step 0.007) round-trips: parsePerMille(toPerMille(m)) === m', () => {
    const failures: number[] = [];
    let checked = 0;
    for (let milli = 0; milli <= 1_000_000; milli += 7) {
      checked++;
      if (parsePerMille(toPerMille(milli)) !== milli) failures.push(milli);
      // …also through JSON, as an amount travels over the API.
      else if (parsePerMille(JSON.parse(JSON.stringify(toPerMille(milli)))) !== milli) failures.push(milli);
    }
    expect(checked).toBe(142_858);
    expect(failures).toEqual([]);
  });

  it('every amount 0..1000 (step 0.007) written with a decimal comma parses exactly', () => {
    const failures: number[] = [];
    for (let milli = 0; milli <= 1_000_000; milli += 7) {
      const text = `${Math.floor(milli / 1000)},${String(milli % 1000).padStart(3, '0')}`;
      if (parsePerMille(text) !== milli) failures.push(milli);
    }
    expect(failures).toEqual([]);
  });
});
