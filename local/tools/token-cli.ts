/**
 * `npm run -s token -- --role municipality --municipality 0180 [--data-dir .data]`
 * `npm run -s token -- --role county --county 01`
 * `npm run -s token -- --role admin`
 * `… [--name "Anna Svensson"] [--email anna.svensson@kommun.se]`
 *
 * Every token names a person: `--name` (else the organisation's default identity,
 * "Handläggare (Tierp)"), `--email` when given, and a `sub` that is the same for the same
 * role, organisation and name (see subjectOf in local/tools/tokens.ts).
 *
 * Prints only the token on stdout (use `npm run -s`, otherwise npm prints its own banner
 * there too). Signs with the local stack's key in `<dataDir>/jwt-key.json`, creating the
 * key file if it does not exist yet; a running `npm start` on the same data directory
 * accepts the token. Errors: one line on stderr, exit code 1.
 */
import { parseArgs } from 'node:util';
import { LocalStackError } from '../emulators/errors';
import { claimsFor, loadOrCreateKeys, mintToken } from './tokens';

const USAGE =
  'Användning / usage: npm run -s token -- --role municipality --municipality 0180 | --role county --county 01 | --role admin [--name "Anna Svensson"] [--email anna@kommun.se] [--data-dir .data]';

async function main(argv: string[]): Promise<void> {
  let values: { role?: string; municipality?: string; county?: string; name?: string; email?: string; 'data-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        role: { type: 'string' },
        municipality: { type: 'string' },
        county: { type: 'string' },
        name: { type: 'string' },
        email: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new LocalStackError('BAD_ARGUMENT', `${(error as Error).message}. ${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const claims = claimsFor(values);
  const keys = await loadOrCreateKeys(values['data-dir'] ?? '.data');
  if (keys.created) process.stderr.write(`Skapade en ny signeringsnyckel i ${keys.path} (npm start använder samma).\n`);
  process.stdout.write(`${await mintToken(keys, claims)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof LocalStackError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
