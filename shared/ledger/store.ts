import type { LedgerEvent, LedgerKey } from '../schemas/ledger';
import type { LedgerState } from '../domain/ledger';

/** The port through which the application reads and appends county-ledger events. */
export interface LedgerStore {
  /** The latest state: the stored view (if any) caught up with every newer event. */
  load(key: LedgerKey): Promise<LedgerState>;
  /** The view as stored, possibly behind the events (an empty ledger when none is stored). */
  storedView(key: LedgerKey): Promise<LedgerState>;
  /** Folds in events written after `state.version`. */
  catchUp(state: LedgerState): Promise<LedgerState>;
  /** Appends at `event.seq` iff nothing is there yet; false when another writer won. */
  append(key: LedgerKey, event: LedgerEvent): Promise<boolean>;
  /** Stores the projection of `state`, unless a newer one is already stored. */
  saveView(state: LedgerState): Promise<void>;
  /** The events after sequence number `after` (default: all), in order. */
  events(key: LedgerKey, after?: number): Promise<LedgerEvent[]>;
  /** The latest state of every county ledger of a year that has events (each view caught up). */
  views(year: number): Promise<LedgerState[]>;
}
