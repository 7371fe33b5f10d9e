import { log } from '../platform/logger';
import { count } from '../platform/metrics';
import { MailDeliveryError, recipientKey, type Mail } from '../notifications/mailer';
import { currentTime } from './clock';
import type { AppContext } from './context';

export interface MailRetry {
  attempts: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** A few quick tries; what still fails is retried by the caller's own retry (the stream, a workflow task). */
const defaultMailRetry: MailRetry = {
  attempts: 3,
  baseDelayMs: 200,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Sends `mail` to those of its recipients that have not had a mail with its dedupe key,
 * retrying transient failures; marks them once the mailer accepted it. Throws when it
 * still fails (the workflow task then retries); returns the addresses it sent to.
 */
export async function sendOnce(app: Pick<AppContext, 'mailer' | 'sentMail'>, mail: Mail, retry: MailRetry = defaultMailRetry): Promise<string[]> {
  const { sent, failure } = await sendEachOnce(app, [mail], retry);
  if (failure) throw failure.error;
  return sent[0]!;
}

export interface SendReport {
  /** Per mail, the addresses it was sent to now (empty: everyone had it). */
  sent: string[][];
  /** The first mail that could not be sent; the ones after it were not tried. */
  failure?: { index: number; error: unknown };
}

/**
 * Sends mails one after another, each to those of its recipients that have not had a mail
 * with its dedupe key (so an address named twice under one key gets only the first): one
 * read of the markers for all of them, then per mail sent one write of its markers and its
 * entry in the year's log, right after the mailer accepted it. A failed mail stops the run.
 * A duplicate is possible only when a crash comes between a send and its marker: at most
 * the one mail being sent per caller (at-least-once, see SentMailStore; marking before the
 * send would lose that mail instead). What fails is not logged: the caller retries it
 * (the stream, a workflow task), and what it gives up on ends in the follower's dead-letter
 * queue or the year's failure notice to the administrators.
 */
export async function sendEachOnce(app: Pick<AppContext, 'mailer' | 'sentMail'>, mails: readonly Mail[], retry: MailRetry = defaultMailRetry): Promise<SendReport> {
  const already = await app.sentMail.sentAmong(mails.map((m) => ({ dedupeKey: m.dedupeKey, recipients: [...m.to, ...m.cc] })));
  const sent: string[][] = [];
  for (const [index, mail] of mails.entries()) {
    const had = already.get(mail.dedupeKey) ?? new Set<string>();
    already.set(mail.dedupeKey, had);
    const pending = unsentPart(mail, had);
    if (!pending) {
      sent.push([]);
      continue;
    }
    try {
      await withRetry(() => app.mailer.send(pending), retry);
    } catch (error) {
      count.mailFailed();
      return { sent, failure: { index, error } };
    }
    count.mailSent();
    const recipients = [...pending.to, ...pending.cc];
    for (const recipient of recipients) had.add(recipientKey(recipient));
    // The virtual clock on the local stack, as the workflow's acts; real time on AWS.
    await app.sentMail.recordSent([{ mail: pending, sentAt: currentTime() }]);
    log.info('notice sent', { dedupeKey: mail.dedupeKey, to: pending.to, cc: pending.cc, subject: mail.subject });
    sent.push(recipients);
  }
  return { sent };
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
