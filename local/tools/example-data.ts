import type { Milli } from '../../shared/domain/per-mille';
import { MUNICIPALITIES } from '../../shared/reference';

/** Rough relative sizes of the largest municipalities; the rest get 1–3.5 at random. */
const LARGE: Record<string, number> = {
  '0180': 40, '1480': 30, '1280': 18, '0380': 12, '0580': 9, '1880': 8, '1980': 8, '0581': 7,
  '1283': 7, '0680': 7, '2480': 6, '1281': 6, '1780': 5, '2180': 5, '0184': 4, '1380': 4, '2281': 4, '2580': 4,
};

/**
 * EXAMPLE DATA, not Migrationsverket's figures: deterministic preliminary shares for all
 * 290 municipalities that add up to exactly 1000 ‰ (1 000 000 milli), spread unevenly
 * as real shares are (a few large, many small).
 */
export function exampleShares(): Record<string, Milli> {
  const weights = MUNICIPALITIES.map((m) => LARGE[m.code] ?? 1 + 2.5 * pseudoRandom(Number(m.code)));
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
