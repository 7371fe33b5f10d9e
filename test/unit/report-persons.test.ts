/**
 * The county report's JSON names the persons who decided and submitted, and carries what the
 * leaderships stated (countyReport in shared/domain/report.ts; the CSV is tested elsewhere).
 */
import { describe, expect, it } from 'vitest';
import { AUTO_SUBMITTED_BY, countyReport } from '../../shared/domain/report';
import { fold } from '../../shared/domain/ledger';
import { municipalitiesOf } from '../../shared/reference';
import type { Actor, EventBody, LedgerEvent } from '../../shared/schemas/ledger';

const KEY = { year: 2022, county: '03' };
const shares = Object.fromEntries(municipalitiesOf('03').map((m) => [m.code, 5_000]));
const KARIN: Actor = { role: 'county', id: '03', person: { sub: 'sub-karin', name: 'Karin Lind', email: 'karin.lind@lst.se' } };
const OLD_COUNTY: Actor = { role: 'county', id: '03' };
const TIERP: Actor = { role: 'municipality', id: '0360', person: { sub: 'sub-eva', name: 'Eva Holm' } };
const SYSTEM: Actor = { role: 'system' };

function reportOf(entries: [Actor, EventBody][]) {
  const events = entries.map(([actor, body], i) => ({ seq: i + 1, at: `2021-09-${String(10 + i).padStart(2, '0')}T08:00:00Z`, actor, ...body }) as LedgerEvent);
  const state = fold(KEY, events);
  return countyReport({ ...state, report: state.report! });
}

const giverSaid = { decisionReference: 'KS 2021/12 § 3', contact: { name: 'Eva Holm', phone: '0293-123 45' } };
const receiverSaid = { comment: 'Vi tar emot.' };
const year: [Actor, EventBody][] = [
  [SYSTEM, { type: 'SharesImported', shares }],
  [TIERP, { type: 'ProposalSubmitted', giver: '0360', receiver: '0380', perMille: 800, resolution: giverSaid }],
  [{ role: 'municipality', id: '0380' }, { type: 'ReceiverConsented', giver: '0360', resolution: receiverSaid }],
  [TIERP, { type: 'ProposalSubmitted', giver: '0331', receiver: '0380', perMille: 100 }],
  [{ role: 'municipality', id: '0380' }, { type: 'ReceiverConsented', giver: '0331' }],
  [KARIN, { type: 'ProposalDecided', giver: '0360', outcome: 'APPROVED' }],
  [OLD_COUNTY, { type: 'ProposalDecided', giver: '0331', outcome: 'REJECTED', reason: 'Nej.' }],
  [SYSTEM, { type: 'WindowClosed', expired: [] }],
];

describe('countyReport: persons and resolutions', () => {
  it('names who decided each proposal (the person, else the county code of an old event) and carries the resolutions', () => {
    const report = reportOf([...year, [KARIN, { type: 'CountyReportSubmitted', mode: 'SUBMITTED' }]]);
    expect(report.submittedBy).toBe('Karin Lind');
    expect(report.proposals.find((p) => p.giver === '0360')).toMatchObject({
      decidedBy: 'Karin Lind',
      giverResolution: giverSaid,
      receiverResolution: receiverSaid,
    });
    const rejected = report.proposals.find((p) => p.giver === '0331')!;
    expect(rejected).toMatchObject({ decidedBy: '03', reason: 'Nej.' });
    expect(rejected).not.toHaveProperty('giverResolution');
    expect(rejected).not.toHaveProperty('receiverResolution');
  });

  it('says the system submitted an automatic report, and the county code for an old manual one', () => {
    expect(reportOf([...year, [SYSTEM, { type: 'CountyReportSubmitted', mode: 'AUTO_SUBMITTED' }]]).submittedBy).toBe(AUTO_SUBMITTED_BY);
    expect(AUTO_SUBMITTED_BY).toBe('systemet (automatiskt)');
    expect(reportOf([...year, [OLD_COUNTY, { type: 'CountyReportSubmitted', mode: 'SUBMITTED' }]]).submittedBy).toBe('03');
  });
});
