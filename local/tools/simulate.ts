/**
 * `npm run simulate -- [--year 2022]`: a whole share year on a fresh temporary local stack,
 * for all 290 municipalities (EXAMPLE shares), driven over the API with the virtual clock
 * jumping from milestone to milestone (local/year-run.ts). Prints a line per milestone with
 * the e-mails it sent, and the final shares of the counties that redistributed. Exits 0 only
 * if every invariant held.
 */
import { parseArgs } from 'node:util';
import { runYear } from './year-run';

const { values } = parseArgs({ options: { year: { type: 'string', default: '2022' } } });
const year = Number(values.year);
if (!Number.isInteger(year) || year < 2001 || year > 2999) {
  console.error(`--year: ange ett andelsår, t.ex. 2022 (fick ${values.year}).`);
  process.exit(2);
}

// The handlers log every notice at INFO; the simulation prints its own summary instead.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

async function main(): Promise<number> {
  const { problems } = await runYear({ year });
  if (problems.length > 0) {
    console.log(`\nINVARIANTS BROKEN (${problems.length}):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log('\nEvery invariant held.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Simulation failed: ${String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  },
);
