import type { Milli } from '../shared/domain/per-mille';
import { MUNICIPALITIES } from '../shared/reference';

/**
 * EXAMPLE DATA, not Migrationsverket's figures: deterministic preliminary shares for all
 * 290 municipalities that add up to exactly 1000 ‰ (1 000 000 milli), spread unevenly
 * as real shares are (a few large, many small).
 */
export function exampleShares(): Record<string, Milli> {
  const weights = MUNICIPALITIES.map((m) => 1 + (pseudoRandom(Number(m.code)) * 12) ** 2);
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / total) * 1_000_000);
  const floors = exact.map(Math.floor);
  // Largest remainder: hand out the milli lost to flooring so the sum is exact.
  let missing = 1_000_000 - floors.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (missing-- <= 0) break;
    floors[i]! += 1;
  }
  return Object.fromEntries(MUNICIPALITIES.map((m, i) => [m.code, floors[i]!]));
}

function pseudoRandom(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}
