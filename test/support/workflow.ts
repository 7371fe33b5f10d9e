/**
 * Helpers for tests of the local state machine (local/stepfunctions) on a running test stack:
 * waiting for something the workflow does, a Step Functions client on the local endpoint,
 * the e-mails of one kind, and share imports built from the example data.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { exampleShares } from '../../local/tools/example-data';
import type { StoredEmail } from '../../local/emulators/ses/ses';
import type { ExecutionInfo } from '../../local/emulators/step-functions';
import { toPerMille } from '../../shared/domain/per-mille';
import { municipalitiesOf } from '../../shared/reference';
import type { TestStack } from './local-stack';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined/false/null,
 * and returns that; fails after `timeoutMs` with `what` and the last value seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 10_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last !== undefined && last !== null && last !== false) return last as T;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

/** @aws-sdk/client-sfn against the stack's local Step Functions endpoint. */
export function sfnClient(stack: TestStack): SFNClient {
  if (!stack.stepFunctions) throw new Error('The stack runs no state machine');
  return new SFNClient({
    endpoint: stack.stepFunctions.endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** The execution of `name` (e.g. cycle-2028) with its local details. */
export function execution(stack: TestStack, name: string): ExecutionInfo | undefined {
  return stack.stepFunctions?.executions().find((e) => e.name === name);
}

/** Subjects start `Omfördelning <year>: <what>` (shared/notifications/cycle-messages.ts). */
export async function mailsAbout(stack: TestStack, year: number, what: string): Promise<StoredEmail[]> {
  const prefix = `Omfördelning ${year}: ${what}`;
  return (await stack.emails()).filter((m) => m.subject.startsWith(prefix));
}

/** Every e-mail of a year (any subject). */
export async function mailsOfYear(stack: TestStack, year: number): Promise<StoredEmail[]> {
  return mailsAbout(stack, year, '');
}

/** How many mails each first recipient got. */
export function perRecipient(mails: readonly StoredEmail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of mails) {
    const to = mail.destination.to[0] ?? '';
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

/** PUT /shares body with the example shares of the given counties (all 290 municipalities without). */
export function exampleShareImport(counties?: readonly string[]): { shares: { municipality: string; perMille: number }[] } {
  const all = exampleShares();
  const codes = counties ? counties.flatMap((c) => municipalitiesOf(c).map((m) => m.code)) : Object.keys(all);
  return { shares: codes.map((municipality) => ({ municipality, perMille: toPerMille(all[municipality]!) })) };
}
