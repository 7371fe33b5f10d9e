/**
 * The administrator's form logic (web/src/admin-forms.ts): Stockholm wall-clock time to an
 * instant with its offset across daylight saving, the shares file's preview row by row with
 * the API's own parsers, and the calendar's refusals in plain Swedish at the date field.
 */
import { describe, expect, it } from 'vitest';
import { stockholmToUtc } from '../../shared/domain/calendar';
import { ApiError } from '../../web/src/api';
import { moveRefusal, previewContacts, previewShares } from '../../web/src/admin-forms';
import { stockholmFields, stockholmInstant } from '../../web/src/stockholm';

describe('Stockholm local time in the form', () => {
  it('gives the instant with the offset in force, as the domain converts it', () => {
    expect(stockholmInstant('2027-11-09', '23:59')).toBe('2027-11-09T23:59:59+01:00');
    expect(stockholmInstant('2027-07-01', '9.00')).toBe('2027-07-01T09:00:00+02:00');
    // The autumn overlap: the first 02:30 (summer time); the spring gap: moved forward by the hour.
    expect(stockholmInstant('2027-10-31', '02:30')).toBe('2027-10-31T02:30:00+02:00');
    expect(stockholmInstant('2027-03-28', '02:30')).toBe('2027-03-28T03:30:00+02:00');
    const cases: [string, string, [number, number, number, number, number, number]][] = [
      ['2027-10-31', '02:30', [2027, 10, 31, 2, 30, 0]],
      ['2027-03-28', '02:30', [2027, 3, 28, 2, 30, 0]],
      ['2027-11-02', '23:59', [2027, 11, 2, 23, 59, 59]],
      ['2028-06-15', '12:00', [2028, 6, 15, 12, 0, 0]],
    ];
    for (const [date, time, [y, mo, d, h, mi, s]] of cases) {
      expect(Date.parse(stockholmInstant(date, time)!)).toBe(Date.parse(stockholmToUtc(y, mo, d, h, mi, s)));
    }
  });

  it('refuses dates and times that do not exist, and shows an instant back in the form', () => {
    expect(stockholmInstant('2027-02-30', '09:00')).toBeUndefined();
    expect(stockholmInstant('2027-02-03', '24:00')).toBeUndefined();
    expect(stockholmInstant('3 feb', '09:00')).toBeUndefined();
    expect(stockholmFields('2027-11-02T22:59:59Z')).toEqual({ date: '2027-11-02', time: '23:59' });
    expect(stockholmFields('2027-08-16T07:00:00Z')).toEqual({ date: '2027-08-16', time: '09:00' });
  });
});

describe('the shares file preview', () => {
  it('reads a decimal comma or point and finds every bad row', () => {
    const p = previewShares('a.csv', 'municipality_code,per_mille\n0114,1.5\n0115,"0,5"\n9999,1\n0117,1,2345\nbad row\n0114,2\n');
    expect(p.fileProblem).toBeUndefined();
    expect(p.rows.map((r) => [r.line, r.municipality, r.problem === undefined])).toEqual([
      [2, '0114', false],
      [3, '0115', true],
      [4, '9999', false],
      [5, '0117', false],
      [6, '', false],
      [7, '0114', false],
    ]);
    expect(p.rows[2]!.problem).toBe('Kommunkoden 9999 finns inte.');
    expect(p.rows[4]!.problem).toBe('Raden ska ha en kommunkod (fyra siffror) och en andel i promille.');
    expect(p.rows[0]!.problem).toBe('Kommunen 0114 förekommer flera gånger.');
  });

  it('takes semicolons and codes without their leading zero, and names a bad header', () => {
    expect(previewShares('b.csv', '\uFEFFmunicipality_code;per_mille\r\n114;1,234\r\n').rows).toEqual([{ line: 2, municipality: '0114', amount: '1,234' }]);
    expect(previewShares('c.csv', 'kod,andel\n0114,1\n').fileProblem).toBe('Rubrikraden ska vara municipality_code,per_mille.');
    expect(previewShares('d.csv', '').fileProblem).toBe('CSV-filen är tom.');
  });
});

describe('the calendar refusals', () => {
  it('are shown at the date field in plain Swedish', () => {
    const error = new ApiError(409, 'MILESTONE_PASSED', 'En tidpunkt som redan har passerats kan inte ändras.', [
      'Sista svarsdag (deadline) kan inte flyttas till en tidpunkt som redan har passerats.',
      'Påminnelsen 2027-10-19T07:00:00Z har redan skickats och kan inte flyttas eller tas bort.',
    ]);
    expect(moveRefusal(error)).toEqual([
      { field: 'date', message: 'Sista svarsdag kan inte flyttas till en tidpunkt som redan har passerats.' },
      { field: 'date', message: 'Påminnelsen 19 oktober 2027 kl. 09:00 har redan skickats och kan inte flyttas eller tas bort.' },
    ]);
    expect(moveRefusal(new ApiError(400, 'VALIDATION_FAILED', 'Kontrollera uppgifterna.'))).toEqual([{ field: 'date', message: 'Kontrollera uppgifterna.' }]);
  });
});

describe('the contacts file preview', () => {
  it('checks the file with the API schema and names who gets which addresses', () => {
    const ok = previewContacts('k.json', JSON.stringify({ municipalities: { '0360': { emails: ['a@tierp.se', 'b@tierp.se'] } }, counties: { '03': { mailbox: 'uppsala@lst.se', officers: [] } }, administrators: { mailbox: 'admin@example.se' } }));
    expect(ok.problems).toEqual([]);
    expect(ok.rows).toEqual([
      { who: 'Tierp (0360)', addresses: 'a@tierp.se, b@tierp.se' },
      { who: 'Uppsala län (03)', addresses: 'Funktionsbrevlåda uppsala@lst.se; handläggare: inga' },
      { who: 'Administratörerna', addresses: 'admin@example.se' },
    ]);
  });

  it('gives each problem in Swedish, with whom it is about', () => {
    expect(previewContacts('k.json', '{').problems).toEqual(['Filen är inte JSON.']);
    const bad = previewContacts('k.json', JSON.stringify({ municipalities: { '0360': { emails: ['inte en adress'] } } }));
    expect(bad.problems).toEqual(['Tierp (0360) (emails.0) är inte en giltig e-postadress.']);
    expect(previewContacts('k.json', '{}').problems).toEqual(['Filen: Ange minst en av municipalities, counties, migrationsverket eller administrators.']);
  });
});
