import { decide, evolve, idempotencyScope, type Command, type CommandContext, type LedgerState } from '../domain/ledger';
import type { LedgerEvent, LedgerKey } from '../schemas/ledger';
import type { LedgerStore } from './store';

export interface Outcome {
  event: LedgerEvent;
  /** The ledger right after the event (for a replay: the current ledger). */
  state: LedgerState;
  /** True when the idempotency key was already in the stream and nothing was written. */
  replayed: boolean;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const defaultRetry: RetryPolicy = {
  maxAttempts: 60,
  baseDelayMs: 2,
  maxDelayMs: 50,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Too many writers raced for the same ledger; the command was not applied. */
export class LedgerBusyError extends Error {
  constructor(readonly attempts: number) {
    super(`Ledger still contended after ${attempts} attempts`);
    this.name = 'LedgerBusyError';
  }
}

/**
 * Runs one command against a county ledger: decide on the latest state, append the one
 * event with a conditional Put, and on a lost race re-read, re-decide and retry with
 * jittered backoff. A rule refusal is thrown as the domain's RuleError; nothing is written.
 */
export async function execute(
  store: LedgerStore,
  key: LedgerKey,
  command: Command,
  ctx: CommandContext,
  idempotencyKey?: string,
  retry: RetryPolicy = defaultRetry,
): Promise<Outcome> {
  let state = await store.load(key);
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    const replayed = idempotencyKey ? await findReplay(store, state, ctx, idempotencyKey) : undefined;
    if (replayed) return replayed;
    const decision = decide(state, command, ctx);
    if (!decision.ok) throw decision.error;
    const event = { seq: state.version + 1, at: ctx.now, actor: ctx.actor, ...(idempotencyKey ? { idempotencyKey } : {}), ...decision.event } as LedgerEvent;
    if (await store.append(key, event)) {
      const next = evolve(state, event);
      await store.saveView(next);
      return { event, state: next, replayed: false };
    }
    await retry.sleep(retry.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt));
    state = await store.catchUp(state);
  }
  throw new LedgerBusyError(retry.maxAttempts);
}

async function findReplay(store: LedgerStore, state: LedgerState, ctx: CommandContext, key: string): Promise<Outcome | undefined> {
  const seq = state.idempotency[idempotencyScope(ctx.actor, key)];
  if (seq === undefined) return undefined;
  const event = (await store.events(state)).find((e) => e.seq === seq)!;
  return { event, state, replayed: true };
}
