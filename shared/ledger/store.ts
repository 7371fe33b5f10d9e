import type { LedgerEvent, LedgerKey } from '../schemas/ledger';
import type { LedgerState } from '../domain/ledger';

/** The port through which the application reads and appends county-ledger events. */
export interface LedgerStore {
  /** The latest state: the stored view (if any) caught up with every newer event. */
  load(key: LedgerKey): Promise<LedgerState>;
  /** Folds in events written after `state.version`. */
  catchUp(state: LedgerState): Promise<LedgerState>;
  /** Appends at `event.seq` iff nothing is there yet; false when another writer won. */
  append(key: LedgerKey, event: LedgerEvent): Promise<boolean>;
  /** Stores the projection of `state`, unless a newer one is already stored. */
  saveView(state: LedgerState): Promise<void>;
  events(key: LedgerKey): Promise<LedgerEvent[]>;
  /** Every stored view of a year, one per county that has events. */
  views(year: number): Promise<LedgerState[]>;
}
