import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar';
import { emptyLedger, type LedgerState } from '../../shared/domain/ledger';
import { countyReports, phaseOf } from '../../shared/domain/phase';
import { COUNTIES } from '../../shared/reference';

// Share year 2022: publish 2021-08-16T07:00:00Z (15 Aug was a Sunday), deadline 2021-11-02T22:59:59Z (window closes a second later).
const calendar = defaultCalendar(2022);
const BEFORE = '2021-08-16T06:59:59.999Z';
const PUBLISH = '2021-08-16T07:00:00.000Z';
const DURING = '2021-09-15T10:00:00.000Z';
const LAST_MOMENT = '2021-11-02T22:59:59.999Z';
const CLOSES = '2021-11-02T23:00:00.000Z';
const AFTER = '2021-11-20T10:00:00.000Z';

const report = { mode: 'SUBMITTED' as const, at: AFTER, by: { role: 'county' as const, id: '03' } };

function ledger(county: string, patch: Partial<LedgerState> = {}): LedgerState {
  return { ...emptyLedger({ year: 2022, county }), preliminary: { x: 1 }, ...patch };
}

describe('phaseOf', () => {
  it('is PLANNED before publish, and while no county has shares', () => {
    expect(phaseOf([ledger('03')], calendar, BEFORE)).toBe('PLANNED');
    expect(phaseOf([], calendar, DURING)).toBe('PLANNED');
    expect(phaseOf([ledger('03', { preliminary: null })], calendar, DURING)).toBe('PLANNED');
  });

  it('is OPEN from publish through the deadline second, once shares exist', () => {
    for (const now of [PUBLISH, DURING, LAST_MOMENT]) expect(phaseOf([ledger('03'), ledger('01')], calendar, now)).toBe('OPEN');
  });

  it('is CLOSED from the moment the window closes, or earlier when the workflow closed a ledger', () => {
    expect(phaseOf([ledger('03')], calendar, CLOSES)).toBe('CLOSED');
    expect(phaseOf([], calendar, AFTER)).toBe('CLOSED');
    expect(phaseOf([ledger('03'), ledger('01', { windowClosedAt: DURING })], calendar, DURING)).toBe('CLOSED');
  });

  it('is CLOSED while some county with shares has not reported', () => {
    expect(phaseOf([ledger('03', { report }), ledger('01')], calendar, AFTER)).toBe('CLOSED');
  });

  it('is REPORTED when every county with shares has reported (counties without shares do not count)', () => {
    const views = [ledger('03', { report }), ledger('01', { report: { ...report, mode: 'AUTO_SUBMITTED' } }), ledger('09', { preliminary: null, windowClosedAt: CLOSES })];
    expect(phaseOf(views, calendar, AFTER)).toBe('REPORTED');
  });

  it('is FINAL when every county with shares is finalized, and only then', () => {
    const final = { x: 1 };
    expect(phaseOf([ledger('03', { report, final }), ledger('01', { report, final })], calendar, AFTER)).toBe('FINAL');
    expect(phaseOf([ledger('03', { report, final }), ledger('01', { report })], calendar, AFTER)).toBe('REPORTED');
  });
});

describe('countyReports', () => {
  it('lists all 21 counties in code order, PENDING unless reported', () => {
    const rows = countyReports([ledger('03', { report }), ledger('01', { report: { ...report, mode: 'AUTO_SUBMITTED' } }), ledger('09')]);
    expect(rows.map((r) => r.county)).toEqual(COUNTIES.map((c) => c.code));
    expect(rows).toHaveLength(21);
    const byCounty = Object.fromEntries(rows.map((r) => [r.county, r.report]));
    expect(byCounty).toMatchObject({ '01': 'AUTO_SUBMITTED', '03': 'SUBMITTED', '09': 'PENDING', '25': 'PENDING' });
  });
});
