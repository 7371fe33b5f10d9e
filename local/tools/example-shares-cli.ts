/** Prints EXAMPLE preliminary shares for all 290 municipalities as the import CSV. */
import { toPerMille } from '../../shared/domain/per-mille';
import { IMPORT_CSV, writeCsv } from '../../shared/format/csv';
import { exampleShares } from './example-data';

const rows = Object.entries(exampleShares())
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([code, milli]) => [code, toPerMille(milli)]);
process.stdout.write(writeCsv([['municipality_code', 'per_mille'], ...rows], IMPORT_CSV));
