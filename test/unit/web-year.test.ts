import { describe, expect, it } from 'vitest';
import { nextShareYear } from '../../web/src/year';

describe('the share year the web app offers to start', () => {
  it('is next year until its deadline (2 November 23:59:59 Stockholm), then the year after', () => {
    expect(nextShareYear(Date.parse('2027-07-01T10:00:00Z'))).toBe(2028);
    expect(nextShareYear(Date.parse('2027-11-02T22:59:58Z'))).toBe(2028);
    expect(nextShareYear(Date.parse('2027-11-02T23:00:00Z'))).toBe(2029);
    expect(nextShareYear(Date.parse('2026-12-03T12:00:00Z'))).toBe(2028);
  });
});
