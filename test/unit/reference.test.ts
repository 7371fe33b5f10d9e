import { describe, it, expect } from 'vitest';
import { COUNTIES, MUNICIPALITIES, findCounty, findMunicipality, municipalitiesOf } from '../../shared/reference/index.js';

describe('reference data (SCB codes)', () => {
  it('has 21 counties and 290 municipalities', () => {
    expect(COUNTIES).toHaveLength(21);
    expect(MUNICIPALITIES).toHaveLength(290);
  });

  it('county codes are two digits, municipality codes four digits', () => {
    for (const c of COUNTIES) expect(c.code, c.name).toMatch(/^\d{2}$/);
    for (const m of MUNICIPALITIES) expect(m.code, m.name).toMatch(/^\d{4}$/);
  });

  it('has the 21 SCB county codes (01, 03–10, 12–14, 17–25)', () => {
    expect(COUNTIES.map((c) => c.code)).toEqual([
      '01', '03', '04', '05', '06', '07', '08', '09', '10', '12', '13', '14',
      '17', '18', '19', '20', '21', '22', '23', '24', '25',
    ]);
  });

  it('codes are unique, and so are county names', () => {
    expect(new Set(COUNTIES.map((c) => c.code)).size).toBe(COUNTIES.length);
    expect(new Set(MUNICIPALITIES.map((m) => m.code)).size).toBe(MUNICIPALITIES.length);
    expect(new Set(COUNTIES.map((c) => c.name)).size).toBe(COUNTIES.length);
  });

  it("each municipality's county exists and is the first two digits of its code", () => {
    const counties = new Set(COUNTIES.map((c) => c.code));
    const orphans = MUNICIPALITIES.filter((m) => !counties.has(m.county)).map((m) => m.code);
    const mismatched = MUNICIPALITIES.filter((m) => m.code.slice(0, 2) !== m.county).map((m) => m.code);
    expect(orphans).toEqual([]);
    expect(mismatched).toEqual([]);
  });

  it("Gotland ('09') has exactly one municipality, '0980'", () => {
    expect(findCounty('09')?.name).toBe('Gotlands län');
    expect(municipalitiesOf('09').map((m) => m.code)).toEqual(['0980']);
    expect(findMunicipality('0980')).toEqual({ code: '0980', name: 'Gotland', county: '09' });
  });

  it('every county has at least one municipality; the largest is Västra Götaland with 49', () => {
    const counts = new Map(COUNTIES.map((c) => [c.code, municipalitiesOf(c.code).length]));
    expect([...counts].filter(([, n]) => n < 1)).toEqual([]);
    expect(Math.max(...counts.values())).toBe(49);
    expect([...counts].filter(([, n]) => n === 49).map(([code]) => code)).toEqual(['14']);
    expect(findCounty('14')?.name).toBe('Västra Götalands län');
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(290);
  });

  it('lookups find known codes and nothing for unknown ones', () => {
    expect(findCounty('01')?.name).toBe('Stockholms län');
    expect(findMunicipality('0180')).toEqual({ code: '0180', name: 'Stockholm', county: '01' });
    expect(findMunicipality('1480')?.county).toBe('14');
    expect(findCounty('02')).toBeUndefined();
    expect(findCounty('11')).toBeUndefined();
    expect(findMunicipality('0100')).toBeUndefined();
    expect(municipalitiesOf('02')).toEqual([]);
  });
});
