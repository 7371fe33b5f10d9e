/**
 * Task tokens of the local `.waitForTaskToken` emulation: issued when such a task starts,
 * settled by SendTaskSuccess/SendTaskFailure on the endpoint, expired at the task's timeout,
 * cancelled when its execution ends or the stack stops. Only pending tokens are kept (memory
 * stays bounded); a token that is not pending answers like AWS: malformed → InvalidToken,
 * well-formed but unknown, used or expired → TaskTimedOut. Nothing is persisted: after a
 * restart the waiting task runs again and issues a new token.
 */
import { randomUUID } from 'node:crypto';

export type TokenOutcome =
  | { kind: 'success'; output: unknown }
  | { kind: 'failure'; error: string; cause: string }
  /** The execution ended or the stack stopped while the task waited. */
  | { kind: 'cancelled' };

export type SettleResult = 'ok' | 'invalid' | 'stale';

interface Pending {
  owner: string;
  settle: (outcome: TokenOutcome) => void;
}

const TOKEN_PREFIX = 'lsft1-';
const TOKEN_FORMAT = /^lsft1-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class TaskTokens {
  private readonly pending = new Map<string, Pending>();

  /** A new token of `owner` (an execution ARN); `outcome` settles once, and never rejects. */
  issue(owner: string): { token: string; outcome: Promise<TokenOutcome> } {
    const token = `${TOKEN_PREFIX}${randomUUID()}`;
    let settle!: (outcome: TokenOutcome) => void;
    const outcome = new Promise<TokenOutcome>((resolve) => (settle = resolve));
    this.pending.set(token, { owner, settle });
    return { token, outcome };
  }

  /** SendTaskSuccess / SendTaskFailure. */
  settle(token: string, outcome: Exclude<TokenOutcome, { kind: 'cancelled' }>): SettleResult {
    const check = this.check(token);
    if (check !== 'ok') return check;
    this.take(token)!.settle(outcome);
    return 'ok';
  }

  /** SendTaskHeartbeat: is the token still waited for? */
  check(token: string): SettleResult {
    if (!TOKEN_FORMAT.test(token)) return 'invalid';
    return this.pending.has(token) ? 'ok' : 'stale';
  }

  /** Ends the wait without an answer (timed out, or the task gave up); false if it was settled already. */
  expire(token: string): boolean {
    const entry = this.take(token);
    entry?.settle({ kind: 'cancelled' });
    return entry !== undefined;
  }

  /** Cancels every pending token of an execution. */
  cancelOwner(owner: string): number {
    let count = 0;
    for (const [token, entry] of this.pending) {
      if (entry.owner !== owner) continue;
      this.pending.delete(token);
      entry.settle({ kind: 'cancelled' });
      count++;
    }
    return count;
  }

  /** How many tokens of `owner` (or of all executions) are waited for. */
  count(owner?: string): number {
    if (owner === undefined) return this.pending.size;
    let count = 0;
    for (const entry of this.pending.values()) if (entry.owner === owner) count++;
    return count;
  }

  private take(token: string): Pending | undefined {
    const entry = this.pending.get(token);
    this.pending.delete(token);
    return entry;
  }
}
