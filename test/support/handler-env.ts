import { vi } from 'vitest';
import type { LedgerDynamo } from '../../local/tools/ledger-dynamo';
import type { LocalSes } from '../../local/emulators/ses/ses';

/** The environment a deployed handler gets, pointed at in-process emulators through the SDK's standard variables. */
export function stubHandlerEnv(dynamo: LedgerDynamo, ses: LocalSes, mailFrom = 'omfordelning@example.se'): void {
  vi.stubEnv('TABLE_NAME', dynamo.tableName);
  vi.stubEnv('MAIL_FROM', mailFrom);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_SES', ses.endpoint);
  vi.stubEnv('AWS_REGION', 'eu-north-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
}
