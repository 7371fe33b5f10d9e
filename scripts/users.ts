/**
 * `npm run users -- [--dry-run] --contacts <file> --admin <email> [--admin <email>…]
 *                   [--user-pool-id <id>] [--endpoint <url>] [--region <region>]`
 *
 * Creates and updates the user pool's users from the contacts file (the JSON of
 * `PUT /v1/contacts`, README "The web app"): every municipality address a municipality officer
 * (group `municipality`, `custom:municipality`), every county officer a county officer (group
 * `county`, `custom:county`), each `--admin` an administrator (group `admin`). Run it again
 * and it changes nothing; users the contacts do not name are left alone. `--dry-run` prints
 * what would change and writes nothing (without a pool: as against an empty one). The pool
 * is the stack's output `UserPoolId` (or OMFORDELNING_USER_POOL_ID); `--endpoint` points at
 * another Cognito API (cognito-local in the tests). New users get Cognito's invitation e-mail.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { fieldName } from '../shared/http/zod-sv';
import { ContactsImportBody, normaliseContactsImport } from '../shared/schemas/contacts';
import { applyChange, readPool } from './users/cognito';
import { desiredUsers, planLines, planUsers, UsersInputError } from './users/plan';

const USAGE =
  'Användning: npm run users -- [--dry-run] --contacts <fil> --admin <e-post> [--user-pool-id <id>] [--endpoint <url>] [--region <region>]';

interface Options {
  dryRun: boolean;
  contacts: string;
  admins: string[];
  userPoolId?: string;
  endpoint?: string;
  region?: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'dry-run': { type: 'boolean', default: false },
      contacts: { type: 'string' },
      admin: { type: 'string', multiple: true },
      'user-pool-id': { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
    },
    strict: true,
  });
  if (!values.contacts) throw new UsersInputError(`Ange kontaktfilen med --contacts. ${USAGE}`);
  if (!values.admin?.length) throw new UsersInputError(`Ange minst en administratör med --admin. ${USAGE}`);
  const userPoolId = values['user-pool-id'] ?? process.env.OMFORDELNING_USER_POOL_ID;
  return {
    dryRun: values['dry-run'],
    contacts: values.contacts,
    admins: values.admin,
    ...(userPoolId && { userPoolId }),
    ...(values.endpoint && { endpoint: values.endpoint }),
    ...(values.region && { region: values.region }),
  };
}

/** The contacts file, checked as the API checks an import; the administrators' addresses too. */
function readContacts(path: string, admins: string[]) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsersInputError(`Kan inte läsa kontaktfilen ${path}: ${(error as Error).message}`);
  }
  const parsed = ContactsImportBody.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => (i.path.length ? `${fieldName(i.path)}: ${i.message}` : i.message));
    throw new UsersInputError(`Kontaktfilen ${path} har fel (formatet är det för PUT /v1/contacts): ${problems.join(' ')}`);
  }
  const bad = admins.find((a) => !ContactsImportBody.shape.administrators.def.innerType.shape.mailbox.safeParse(a).success);
  if (bad) throw new UsersInputError(`--admin ${bad} är ingen e-postadress.`);
  return desiredUsers(normaliseContactsImport(parsed.data), admins);
}

function client(o: Options): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    ...(o.region && { region: o.region }),
    ...(o.endpoint && {
      endpoint: o.endpoint,
      region: o.region ?? 'eu-north-1',
      // A local Cognito API takes any credentials; the real one the SDK's own.
      ...(!process.env.AWS_ACCESS_KEY_ID && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    }),
  });
}

/** Runs the command; what it prints goes to `print`. Exported for the test, which runs it in-process too. */
export async function runUsers(argv: string[], print: (line: string) => void = console.log): Promise<void> {
  const o = options(argv);
  const desired = readContacts(o.contacts, o.admins);
  if (!o.userPoolId && !o.dryRun) throw new UsersInputError(`Ange användarpoolen med --user-pool-id (stackens utdata UserPoolId). ${USAGE}`);
  const cognito = o.userPoolId ? client(o) : undefined;
  const current = cognito && o.userPoolId ? await readPool(cognito, o.userPoolId) : [];
  const plan = planUsers(desired, current);
  print(
    o.userPoolId
      ? `Användarpool ${o.userPoolId}${o.dryRun ? ' (torrkörning: inget ändras)' : ''}`
      : 'Ingen användarpool angiven (torrkörning mot en tom pool: inget ändras)',
  );
  for (const line of planLines(plan)) print(line);
  if (o.dryRun || !cognito || !o.userPoolId) return;
  for (const change of plan.changes) await applyChange(cognito, o.userPoolId, change);
  if (plan.changes.length > 0) print('Klart. Nya användare får ett e-postmeddelande med ett tillfälligt lösenord.');
  if (desired.some((u) => u.roles.includes('admin'))) {
    print('Administratörer får sin roll först när de har registrerat TOTP (README "Deploying to AWS", den första administratören).');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runUsers(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof UsersInputError ? error.message : `Fel från Cognito: ${(error as Error).message}`);
    process.exit(1);
  });
}
