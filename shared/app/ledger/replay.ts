import type { Command, CommandType } from '../../domain/ledger';
import { EventBodySchema, type EventBody, type EventType, type LedgerEvent } from '../../schemas/ledger';

/**
 * Whether an event recorded under an idempotency key is what the command would have
 * recorded: the event type the command leads to, and every field the command states equal
 * to the event's field of the same name (text compared trimmed, empty text as absent, as the
 * rules store it). Fields the event type does not record at all are not compared. The ledger replays an event only to the command it answers; a key reused
 * for another command (possible when the HTTP layer's record of the key is gone) is refused.
 */
export function replayMatches(command: Command, event: LedgerEvent): boolean {
  return (MATCHES[command.type] as (c: Command, e: EventBody) => boolean)(command, event);
}

type Matcher<T extends CommandType> = (command: Extract<Command, { type: T }>, event: EventBody) => boolean;

const MATCHES: { [T in CommandType]: Matcher<T> } = {
  ImportShares: (c, e) => e.type === 'SharesImported' && sameFields(c, e),
  OpenWindow: (_, e) => e.type === 'WindowOpened',
  SubmitProposal: (c, e) => e.type === 'ProposalSubmitted' && sameFields(c, e),
  AmendProposal: (c, e) => e.type === 'ProposalAmended' && sameFields(c, e),
  WithdrawProposal: (c, e) => e.type === 'ProposalWithdrawn' && sameFields(c, e),
  // The event records the answer in its type and the respondent as its actor.
  AnswerProposal: (c, e) => e.type === (c.accept ? 'ReceiverConsented' : 'ReceiverDeclined') && sameFields(c, e, ['accept', 'respondent']),
  CloseWindow: (_, e) => e.type === 'WindowClosed',
  DecideProposal: (c, e) => e.type === 'ProposalDecided' && sameFields(c, e),
  SubmitCountyReport: (c, e) => e.type === 'CountyReportSubmitted' && e.mode === (c.auto ? 'AUTO_SUBMITTED' : 'SUBMITTED'),
  FinalizeShares: (_, e) => e.type === 'SharesFinalized',
};

function sameFields(command: Command, event: EventBody, notRecorded: string[] = []): boolean {
  const recorded = event as Record<string, unknown>;
  const fields = fieldsOf(event.type);
  return Object.entries(command).every(
    ([name, value]) => name === 'type' || value === undefined || notRecorded.includes(name) || !fields.has(name) || sameValue(value, recorded[name]),
  );
}

let fieldsByType: Record<EventType, Set<string>> | undefined;

/** The fields each event type records, from the ledger's schema (built at its first use, as the schema is). */
const fieldsOf = (type: EventType): Set<string> =>
  (fieldsByType ??= Object.fromEntries(
    EventBodySchema.def.getter().def.options.map((option) => [option.shape.type.def.values[0], new Set(Object.keys(option.shape))]),
  ) as Record<EventType, Set<string>>)[type];

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Text trimmed (empty text as absent), objects with their keys sorted and absent values dropped. */
function normalize(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, normalize(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}
