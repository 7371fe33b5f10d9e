import type { Calendar } from '../domain/calendar';
import { emptyLedger, evolve, type LedgerState } from '../domain/ledger';
import { log } from '../platform/logger';
import { mailsForLedgerEvent } from '../notifications/messages';
import type { Contacts } from '../schemas/contacts';
import type { LedgerEvent, LedgerKey } from '../schemas/ledger';
import { calendarOf } from './calendar';
import type { AppContext } from './context';
import { sendEachOnce } from './notify';

/** A new ledger event as its stream delivers it; `id` names it when asking for redelivery. */
export interface FollowedEvent {
  id: string;
  key: LedgerKey;
  event: LedgerEvent;
}

/**
 * Follows the ledgers' new events (docs/ledger.md "The stream and the follower", docs/DESIGN.md "E-mail"): brings each ledger's view up
 * to its newest event and sends each event's notices (linking the web app's pages under
 * `app.appUrl`), each recipient once. Returns the ids
 * of the events to deliver again: for a ledger whose view or notices failed, its first such
 * event and every later one of the batch. Ledgers are independent and followed in parallel;
 * within one, events are handled in sequence order.
 */
export async function followLedgers(
  app: Pick<AppContext, 'ledgers' | 'contacts' | 'mailer' | 'sentMail' | 'notified' | 'cycles' | 'appUrl'>,
  events: FollowedEvent[],
): Promise<string[]> {
  const byLedger = new Map<string, FollowedEvent[]>();
  for (const followed of events) {
    const id = `${followed.key.year}#${followed.key.county}`;
    byLedger.set(id, [...(byLedger.get(id) ?? []), followed]);
  }
  // Read for every batch (one query): an import reaches the very next notices.
  const contacts = app.contacts.load(0);
  contacts.catch(() => {}); // each ledger awaits it and reports a failure as its own
  // The year's calendar (stored, or the default), once per year of the batch: the notices say by when.
  const calendars = new Map<number, Promise<Calendar>>();
  const calendarFor = (year: number): Promise<Calendar> => {
    if (!calendars.has(year)) calendars.set(year, calendarOf(app, year));
    return calendars.get(year)!;
  };
  const retry = await Promise.all([...byLedger.values()].map((batch) => followLedger(app, batch, contacts, calendarFor)));
  return retry.flat();
}

async function followLedger(
  app: Pick<AppContext, 'ledgers' | 'mailer' | 'sentMail' | 'notified' | 'appUrl'>,
  batch: FollowedEvent[],
  contactsRead: Promise<Contacts>,
  calendarFor: (year: number) => Promise<Calendar>,
): Promise<string[]> {
  const ordered = [...batch].sort((a, b) => a.event.seq - b.event.seq);
  const key = ordered[0]!.key;
  let failedAt = 0;
  try {
    const states = await statesAround(app, key, ordered.map((f) => f.event));
    await app.ledgers.saveView(states.get(ordered.at(-1)!.event.seq)!.after);
    const contacts = await contactsRead;
    const calendar = await calendarFor(key.year);
    const notices = ordered.flatMap((followed, at) => {
      const { before, after } = states.get(followed.event.seq)!;
      return mailsForLedgerEvent(key, followed.event, after, contacts, before, calendar, app.appUrl).map((mail) => ({ at, mail }));
    });
    const { failure } = await sendEachOnce(app, notices.map((n) => n.mail));
    if (!failure) {
      await app.notified.advance(key, ordered[0]!.event.seq - 1, contiguousThrough(ordered));
      return [];
    }
    failedAt = notices[failure.index]!.at;
    throw failure.error;
  } catch (error) {
    const first = ordered[failedAt]!.event;
    log.error('ledger event not followed', { ...key, seq: first.seq, type: first.type, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return ordered.slice(failedAt).map((f) => f.id);
  }
}

/** The last sequence number of the run of consecutive events the batch starts with. */
function contiguousThrough(ordered: readonly FollowedEvent[]): number {
  let through = ordered[0]!.event.seq;
  for (const { event } of ordered.slice(1)) {
    if (event.seq !== through + 1) break;
    through = event.seq;
  }
  return through;
}

/**
 * The ledger just before and just after each of `events` (ascending, of one ledger), from the stored view.
 * The common case: the view stands just before the first event and the events follow on, so
 * nothing is read but the view. Otherwise (a gap, or a redelivery the view has passed) the
 * missing events are read from the ledger itself.
 */
async function statesAround(app: Pick<AppContext, 'ledgers'>, key: LedgerKey, events: LedgerEvent[]): Promise<Map<number, { before: LedgerState; after: LedgerState }>> {
  const first = events[0]!.seq;
  const last = events.at(-1)!.seq;
  let state = await app.ledgers.storedView(key);
  if (state.version >= first) state = emptyLedger(key);
  const follows = state.version + 1 === first && events.every((e, i) => e.seq === first + i);
  const stream = follows ? events : (await app.ledgers.events(key, state.version)).filter((e) => e.seq <= last);
  const states = new Map<number, { before: LedgerState; after: LedgerState }>();
  for (const event of stream) {
    const before = state;
    state = evolve(state, event);
    states.set(event.seq, { before, after: state });
  }
  if (!states.has(last)) throw new Error(`event ${last} of ${key.year}#${key.county} is not in the ledger`);
  return states;
}
