import type { ProposalHistoryEvent } from '../../shared/schemas/api';
import { formatInstant } from './format';
import { statedWith, whatHappened, whoActed } from './history-words';

/**
 * "Förslagets historik": every step of the proposal, oldest first, as an ordered list a
 * screen reader reads item by item: when (Stockholm time), what, who, and what was stated.
 */
export function ProposalHistoryList({ events }: { events: ProposalHistoryEvent[] }) {
  return (
    <section aria-labelledby="proposal-history">
      <h2 class="heading-m" id="proposal-history">Förslagets historik</h2>
      <ol class="history">
        {events.map((e, i) => (
          <li class="history__item" key={i}>
            <time class="history__when" dateTime={e.at}>{formatInstant(e.at)}</time>
            <p class="history__what">{whatHappened(e)}</p>
            <p class="history__who">{whoActed(e.actor)}</p>
            {statedWith(e).length > 0 && (
              <ul class="history__stated">
                {statedWith(e).map((line) => <li key={line}>{line}</li>)}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
