import { decide, evolve, idempotencyScope, type Command, type CommandContext, type LedgerState } from '../../domain/ledger';
import { count } from '../../platform/metrics';
import type { LedgerEvent, LedgerKey } from '../../schemas/ledger';
import { IdempotencyKeyReusedError, LedgerBusyError } from '../errors';
import { replayMatches } from './replay';
import type { LedgerStore } from '../ports';

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

const defaultRetry: RetryPolicy = {
  maxAttempts: 60,
  baseDelayMs: 2,
  maxDelayMs: 50,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Commands of this process on one ledger take turns: they never race each other for the
 * same sequence number (a lost race costs a Put, a re-read and a backoff). Each command
 * starts from the state the previous one left, kept for as long as the process lives (a warm
 * Lambda container across invocations), so an accepted command costs one conditional Put and
 * no read. That state may be stale when another process wrote since: the conditional Put
 * then fails and the command catches up, and a refusal decided on it is confirmed against
 * the stored ledger before it is given. A Lambda container, which runs one request at a
 * time, never queues here.
 */
interface Lane {
  tail: Promise<unknown>;
  /** The state after the last command this process decided (undefined before the first). */
  state: LedgerState | undefined;
}

const lanes = new WeakMap<LedgerStore, Map<string, Lane>>();

function laneOf(store: LedgerStore, { year, county }: LedgerKey): Lane {
  let byLedger = lanes.get(store);
  if (!byLedger) lanes.set(store, (byLedger = new Map()));
  const id = `${year}#${county}`;
  let lane = byLedger.get(id);
  if (!lane) byLedger.set(id, (lane = { tail: Promise.resolve(), state: undefined }));
  return lane;
}

/**
 * Runs one command against a county ledger: decide on the latest state, append the one
 * event with a conditional Put, and on a lost race (another process wrote first) re-read,
 * re-decide and retry with jittered backoff. A rule refusal is thrown as the domain's
 * RuleError; nothing is written. The conditional Put is what guarantees that every
 * accepted command was decided on the latest state; a refusal decided on a state carried
 * over from the previous command is confirmed against the stored ledger before it is
 * given. The ledger's first event also stores its view, which lists the ledger in the
 * year's index; later views are kept by the ledger's follower (shared/app/follow-ledger.ts).
 */
export async function execute(
  store: LedgerStore,
  key: LedgerKey,
  command: Command,
  ctx: CommandContext,
  idempotencyKey?: string,
  retry: RetryPolicy = defaultRetry,
): Promise<Outcome> {
  const lane = laneOf(store, key);
  const turn = lane.tail.then(() => decideAndAppend(store, key, command, ctx, idempotencyKey, retry, lane));
  lane.tail = turn.catch(() => {});
  const outcome = await turn;
  if (!outcome.replayed && outcome.event.seq === 1) await store.saveView(outcome.state);
  return outcome;
}

async function decideAndAppend(
  store: LedgerStore,
  key: LedgerKey,
  command: Command,
  ctx: CommandContext,
  idempotencyKey: string | undefined,
  retry: RetryPolicy,
  lane: Lane,
): Promise<Outcome> {
  let state = lane.state ?? (await store.load(key));
  /** True once `state` was read from the store during this command. */
  let confirmed = lane.state === undefined;
  lane.state = undefined; // set again below once this command knows the ledger's state
  for (let attempt = 1; attempt <= retry.maxAttempts; ) {
    const replayed = idempotencyKey ? await findReplay(store, state, command, ctx, idempotencyKey) : undefined;
    if (replayed) {
      lane.state = state;
      return replayed;
    }
    const decision = decide(state, command, ctx);
    if (!decision.ok) {
      if (!confirmed) {
        // Decided on the state the previous command left: another process may have written since.
        state = await store.catchUp(state);
        confirmed = true;
        continue;
      }
      lane.state = state;
      throw decision.error;
    }
    const event = { seq: state.version + 1, at: ctx.now, actor: ctx.actor, ...(idempotencyKey ? { idempotencyKey } : {}), ...decision.event } as LedgerEvent;
    if (await store.append(key, event)) {
      const next = evolve(state, event);
      lane.state = next;
      return { event, state: next, replayed: false };
    }
    // Another process wrote first. A carried-over state was just stale: catch up at once.
    count.ledgerRetry();
    if (confirmed) await retry.sleep(retry.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt));
    state = await store.catchUp(state);
    confirmed = true;
    attempt++;
  }
  throw new LedgerBusyError(retry.maxAttempts);
}

/** The event this actor recorded under the key, if the command is the one it answers (else refused). */
async function findReplay(store: LedgerStore, state: LedgerState, command: Command, ctx: CommandContext, key: string): Promise<Outcome | undefined> {
  const seq = state.idempotency[idempotencyScope(ctx.actor, key)];
  if (seq === undefined) return undefined;
  const event = (await store.events(state)).find((e) => e.seq === seq)!;
  if (!replayMatches(command, event)) throw new IdempotencyKeyReusedError(key, seq);
  return { event, state, replayed: true };
}
