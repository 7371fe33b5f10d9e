import { fold, type LedgerState } from '../domain/ledger';
import { log } from '../http/log';
import type { Outcome } from '../ledger/execute';
import { MailDeliveryError, recipientKey, type Mail } from '../notifications/mailer';
import { mailsForLedgerEvent } from '../notifications/messages';
import type { AppContext } from './context';

export interface MailRetry {
  attempts: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** A few quick tries: a request waits for them, and a later call (or replay) catches up. */
export const defaultMailRetry: MailRetry = {
  attempts: 3,
  baseDelayMs: 200,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Sends the e-mail notices of a ledger event, each recipient once (DESIGN.md "E-mail").
 *
 * Never throws. The event is already stored when this runs, so failing the request would
 * tell the caller that the command failed when it did not, and a retry without an
 * Idempotency-Key would be refused (for example GIVER_HAS_PROPOSAL). A mail that still
 * fails after the retries is logged as an error (for the alarm) and stays unmarked, so the
 * next call for the same event (a replayed request) sends it, to whoever still lacks it.
 */
export async function notifyLedgerEvent(app: AppContext, outcome: Outcome): Promise<void> {
  const { event } = outcome;
  const key = { year: outcome.state.year, county: outcome.state.county };
  try {
    const mails = mailsForLedgerEvent(key, event, await stateAfterEvent(app, outcome), await app.contacts.load());
    // One after another: an address named in two mails of one event then gets only the first.
    for (const mail of mails) await sendOrLog(app, mail);
  } catch (error) {
    log.error('notices not composed', { ...key, seq: event.seq, type: event.type, error: describe(error) });
  }
}

/**
 * Sends `mail` to those of its recipients that have not had a mail with its dedupe key,
 * retrying transient failures; marks them once the mailer accepted it. Throws when it
 * still fails (a workflow task then retries); returns the addresses it sent to.
 */
export async function sendOnce(app: Pick<AppContext, 'mailer' | 'sentMail'>, mail: Mail, retry: MailRetry = defaultMailRetry): Promise<string[]> {
  const pending = unsentPart(mail, await app.sentMail.sentTo(mail.dedupeKey));
  if (!pending) return [];
  await withRetry(() => app.mailer.send(pending), retry);
  const recipients = [...pending.to, ...pending.cc];
  await app.sentMail.markSent(mail.dedupeKey, recipients, { subject: mail.subject, sentAt: new Date().toISOString() });
  log.info('notice sent', { dedupeKey: mail.dedupeKey, to: pending.to, cc: pending.cc, subject: mail.subject });
  return recipients;
}

/** The mail restricted to recipients not yet sent to (each address once), or null. Pure. */
export function unsentPart(mail: Mail, sent: ReadonlySet<string>): Mail | null {
  const seen = new Set(sent);
  const keep = (address: string): boolean => {
    const key = recipientKey(address);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const to = mail.to.filter(keep);
  const cc = mail.cc.filter(keep);
  if (to.length + cc.length === 0) return null;
  // If only copies are left (the main recipient already has it), the copies become the recipients.
  return to.length ? { ...mail, to, cc } : { ...mail, to: cc, cc: [] };
}

async function sendOrLog(app: AppContext, mail: Mail): Promise<void> {
  try {
    await sendOnce(app, mail);
  } catch (error) {
    log.error('notice not sent', { dedupeKey: mail.dedupeKey, to: mail.to, cc: mail.cc, subject: mail.subject, error: describe(error) });
  }
}

async function withRetry(send: () => Promise<void>, retry: MailRetry): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const transient = error instanceof MailDeliveryError && error.transient;
      if (!transient || attempt >= retry.attempts) throw error;
      await retry.sleep(retry.baseDelayMs * 2 ** (attempt - 1) * (0.5 + retry.random() / 2));
    }
  }
}

/**
 * The ledger just after the event. For a replay `outcome.state` is the current ledger, which
 * may have moved on (an amendment may even have changed the receiver), so fold up to the event.
 */
async function stateAfterEvent(app: AppContext, { event, state }: Outcome): Promise<LedgerState> {
  if (state.version === event.seq) return state;
  const events = await app.ledgers.events(state);
  return fold({ year: state.year, county: state.county }, events.filter((e) => e.seq <= event.seq));
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
