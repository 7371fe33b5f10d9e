import { loadConfig } from './config';

/**
 * The system's time. On AWS the browser's clock; on the local stack the virtual clock
 * (config `clock`), read once and then run on by the browser's clock.
 */
let offset: Promise<number> | undefined;

export function loadClockOffset(): Promise<number> {
  offset ??= loadConfig().then(async (config) => {
    if (!config.clock) return 0;
    try {
      const res = await fetch(config.clock, { cache: 'no-store' });
      const body = (await res.json()) as { now: string };
      return Date.parse(body.now) - Date.now();
    } catch {
      return 0;
    }
  });
  return offset;
}

/** Read the clock again (after the local clock was moved). */
export function resetClock(): void {
  offset = undefined;
}
