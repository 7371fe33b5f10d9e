import { describe, expect, it } from 'vitest';
import { intlOffsetAt, offsetAt, stockholmToUtc } from '../../shared/domain/stockholm-time';

/**
 * Stockholm's offset is computed by the EU summer-time rule from 1996 (shared/domain/stockholm-time.ts);
 * the tz database (Intl) is the authority it must agree with, at every transition and around it.
 */
const HOUR = 3_600_000;
const MINUTE = 60_000;

describe("Stockholm's UTC offset", () => {
  it('agrees with the tz database at every summer-time transition from 1996 to 2200, a second either side', () => {
    const differing: string[] = [];
    for (let year = 1996; year <= 2200; year++) {
      for (const month of [3, 10]) {
        // Every hour of the month's last eight days: each transition and the days around it.
        const start = Date.UTC(year, month, 1) - 8 * 24 * HOUR;
        for (let t = start; t < Date.UTC(year, month, 1); t += HOUR) {
          for (const instant of [t - 1000, t, t + 30 * MINUTE]) {
            if (offsetAt(instant) !== intlOffsetAt(instant)) differing.push(new Date(instant).toISOString());
          }
        }
      }
    }
    expect(differing).toEqual([]);
  });

  it('agrees with the tz database on 5,000 instants spread from 1970 to 2200, New Year included', () => {
    const from = Date.UTC(1970, 0, 1);
    const span = Date.UTC(2200, 0, 1) - from;
    const instants = Array.from({ length: 5000 }, (_, i) => from + Math.floor((span * i) / 5000 / 1000) * 1000);
    for (let year = 1995; year <= 2100; year++) instants.push(Date.UTC(year, 0, 1) - HOUR - 1000, Date.UTC(year, 0, 1) - HOUR);
    expect(instants.filter((t) => offsetAt(t) !== intlOffsetAt(t)).map((t) => new Date(t).toISOString())).toEqual([]);
  });

  it('is +1 h in winter and +2 h in summer, switching at 01:00 UTC', () => {
    expect(offsetAt(Date.parse('2027-01-15T12:00:00Z'))).toBe(HOUR);
    expect(offsetAt(Date.parse('2027-07-15T12:00:00Z'))).toBe(2 * HOUR);
    expect(offsetAt(Date.parse('2027-03-28T00:59:59Z'))).toBe(HOUR);
    expect(offsetAt(Date.parse('2027-03-28T01:00:00Z'))).toBe(2 * HOUR);
    expect(offsetAt(Date.parse('2027-10-31T00:59:59Z'))).toBe(2 * HOUR);
    expect(offsetAt(Date.parse('2027-10-31T01:00:00Z'))).toBe(HOUR);
    expect(stockholmToUtc(2027, 11, 2, 23, 59, 0)).toBe('2027-11-02T22:59:00Z');
  });
});
