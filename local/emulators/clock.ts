/**
 * The local stack's virtual clock. It starts at `--now` (or at real time) and then runs
 * forward in real time; it can be moved forward, never back. Nothing about it is persisted:
 * every start begins at `--now`, or at real time when `--now` is not given.
 *
 * The workflow's task Lambdas read "now" as real time + CLOCK_OFFSET_MS (shared/app/clock.ts);
 * exportClockOffset keeps that variable equal to the clock's offset while the stack runs.
 */

/** The variable the task Lambdas read the virtual clock from (shared/app/clock.ts). */
const CLOCK_OFFSET_ENV = 'CLOCK_OFFSET_MS';

export class ClockError extends Error {
  constructor(
    readonly code: 'INVALID_INSTANT' | 'CLOCK_BACKWARDS',
    message: string,
  ) {
    super(message);
    this.name = 'ClockError';
  }
}

export interface Clock {
  /** Virtual "now" in epoch milliseconds. */
  now(): number;
  nowIso(): string;
  /** Moves the clock to an ISO-8601 instant (with Z or ±HH:MM); throws ClockError if invalid or earlier than now. */
  set(instant: string): string;
  /** True once the clock differs from real time (started with --now or moved). */
  readonly virtual: boolean;
  /** Called after every move; returns an unsubscribe function. */
  onChange(listener: (nowMs: number) => void): () => void;
  /** Virtual minus real time, in milliseconds (0 for a clock at real time). */
  offsetMs(): number;
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Epoch ms of an ISO-8601 instant carrying Z or an offset, or undefined if it is not one. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_INSTANT.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, oh, om] = m.map((part) => (part === undefined ? 0 : Number(part)));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59 || oh! > 23 || om! > 59) return undefined;
  const ms = Date.parse(value.trim().replace(',', '.'));
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 31 Feb over to March: check that the date survived.
  const probe = new Date(Date.UTC(y!, mo! - 1, d!));
  if (probe.getUTCDate() !== d) return undefined;
  return ms;
}

export function createClock(start?: string | number, realNow: () => number = Date.now): Clock {
  let startMs: number | undefined;
  if (typeof start === 'number') startMs = start;
  else if (start !== undefined) {
    startMs = parseInstant(start);
    if (startMs === undefined) throw invalid(start);
  }
  let offset = startMs === undefined ? 0 : startMs - realNow();
  let virtual = startMs !== undefined;
  const listeners = new Set<(nowMs: number) => void>();

  const clock: Clock = {
    now: () => realNow() + offset,
    nowIso: () => new Date(clock.now()).toISOString(),
    set(instant) {
      const target = parseInstant(instant);
      if (target === undefined) throw invalid(instant);
      const current = clock.now();
      if (target < current) {
        throw new ClockError(
          'CLOCK_BACKWARDS',
          `Klockan kan bara flyttas framåt: ${new Date(target).toISOString()} är före nuvarande tid ${new Date(current).toISOString()}.`,
        );
      }
      offset = target - realNow();
      virtual = true;
      for (const listener of listeners) listener(target);
      return new Date(target).toISOString();
    },
    get virtual() {
      return virtual;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    offsetMs: () => offset,
  };
  return clock;
}

/**
 * Sets `env.CLOCK_OFFSET_MS` to the clock's offset now and whenever the clock is set or moved
 * (for a clock on the real Date.now). Returns a function that stops following the clock and
 * puts the variable back as it was.
 */
export function exportClockOffset(clock: Clock, env: NodeJS.ProcessEnv = process.env): () => void {
  const before = env[CLOCK_OFFSET_ENV];
  const write = () => {
    env[CLOCK_OFFSET_ENV] = String(clock.offsetMs());
  };
  write();
  const unsubscribe = clock.onChange(write);
  return () => {
    unsubscribe();
    if (before === undefined) delete env[CLOCK_OFFSET_ENV];
    else env[CLOCK_OFFSET_ENV] = before;
  };
}

function invalid(value: unknown): ClockError {
  return new ClockError(
    'INVALID_INSTANT',
    `Tidpunkten ${JSON.stringify(value)} är ogiltig. Ange den enligt ISO 8601 med tidszon, till exempel 2027-09-01T08:00:00Z.`,
  );
}
