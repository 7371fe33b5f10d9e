import type { Milli } from '../../shared/domain/per-mille';
import { municipalitiesOf } from '../../shared/reference';

export interface ScenarioProposal {
  giver: string;
  receiver: string;
  perMille: number;
  /** The receiver consents, declines, or never answers (the proposal lapses). */
  answer: 'accept' | 'decline' | 'none';
  /** The county rejects the agreed proposal. */
  reject?: boolean;
}

export interface Scenario {
  counties: string[];
  proposals: ScenarioProposal[];
  /** A county that decides but never submits its report: auto-submitted at the report date. */
  silentCounty: string;
}

/** Six counties redistributed in 2022; shaped like that year: one receiver per county, five givers each. */
const COUNTIES = ['01', '05', '12', '14', '22', '25'];

/**
 * A year shaped like a real one (about 30 givers to 6 receivers): in each county the
 * largest municipality receives, five others give 40–90 % of their share. One proposal
 * lapses, one is declined, one is rejected by the county; Norrbotten never reports.
 */
export function yearScenario(shares: Record<string, Milli>): Scenario {
  const proposals: ScenarioProposal[] = COUNTIES.flatMap((county) => {
    const codes = municipalitiesOf(county).map((m) => m.code);
    const receiver = codes.reduce((a, b) => (shares[b]! > shares[a]! ? b : a));
    return codes
      .filter((code) => code !== receiver)
      .slice(0, 5)
      .map((giver, i) => ({ giver, receiver, perMille: Math.floor(shares[giver]! * (0.4 + 0.1 * i)) / 1000, answer: 'accept' }) satisfies ScenarioProposal);
  });
  proposals[3] = { ...proposals[3]!, answer: 'none' };
  proposals[8] = { ...proposals[8]!, answer: 'decline' };
  proposals[12] = { ...proposals[12]!, reject: true };
  return { counties: COUNTIES, proposals, silentCounty: '25' };
}
