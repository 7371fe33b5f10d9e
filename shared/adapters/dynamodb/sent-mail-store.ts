import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SentMail, SentMailPage, SentMailStore } from '../../app/ports';
import { recipientKey } from '../../notifications/mailer';
import { SentMailEntry } from '../../schemas/mail-log';

/**
 * Which recipients already got the mail of a dedupe key: one marker item per
 * (dedupeKey, recipient), pk `MAIL#<dedupeKey>`, sk the address in lower case, so the
 * markers of a whole batch of mails are read with one BatchGetItem per 100 recipients.
 *
 * At-least-once, by choice: the marker is written only after SES accepted the mail, so a
 * crash (or a concurrent twin) between the send and the marker may send a mail twice,
 * but a mail is never lost to a marker written for a send that then failed. A duplicate
 * notice is harmless; a missing consent request is not.
 *
 * With the markers, in the same BatchWriteItem, one log item per mail sent: pk
 * `MAILLOG#<year>`, sk `<sentAt>#<dedupeKey>#<first address>`, so a year's mails are listed
 * newest first with a Query (no Scan). The log tells what was sent; the markers alone decide
 * what is sent again. A mail sent twice (the crash above) is logged twice, as it went out
 * twice; a send whose markers were not written is sent and logged again on the retry. A log
 * item is missing only if DynamoDB left it unprocessed through every retry of a write whose
 * markers it took; the write then throws, and the caller's retry skips what is marked.
 */
export class DynamoSentMailStore implements SentMailStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Of these mails' recipients, those already marked: by dedupe key, the (lower-cased) addresses. */
  async sentAmong(mails: readonly { dedupeKey: string; recipients: readonly string[] }[]): Promise<Map<string, Set<string>>> {
    const keys = new Map<string, { pk: string; sk: string }>();
    for (const { dedupeKey, recipients } of mails) {
      for (const recipient of recipients) {
        const key = { pk: markerPk(dedupeKey), sk: recipientKey(recipient) };
        keys.set(`${key.pk}\n${key.sk}`, key);
      }
    }
    const sent = new Map<string, Set<string>>();
    const all = [...keys.values()];
    // BatchGetItem takes 100 keys; what DynamoDB leaves unprocessed is asked again.
    for (let i = 0; i < all.length; i += 100) {
      let pending: Record<string, unknown>[] = all.slice(i, i + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === 5) throw new Error('sent-mail markers not read');
        const result = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ProjectionExpression: 'pk, sk', ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const dedupeKey = String(item.pk).slice(MARKER_PREFIX.length);
          sent.set(dedupeKey, (sent.get(dedupeKey) ?? new Set()).add(String(item.sk)));
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return sent;
  }

  /**
   * Marks each mail's recipients as sent and logs the mail under its year (BatchWriteItem, 25
   * items at a time: a mail's log item first, then its markers).
   */
  async recordSent(sent: readonly SentMail[]): Promise<void> {
    const items = sent.flatMap(({ mail, sentAt }) => [
      logItem(mail, sentAt),
      ...[...mail.to, ...mail.cc].map((recipient) => ({ pk: markerPk(mail.dedupeKey), sk: recipientKey(recipient), recipient, subject: mail.subject, sentAt })),
    ]);
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === 5) throw new Error('sent-mail markers not written');
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  /**
   * A year's sent mails, newest first, `limit` at a time, those concerning `county` only if
   * given (a filter on the year's partition: a year has some 2,000 mails, so reading past
   * other counties' costs little). `after`: a page's `next`.
   */
  async list(year: number, { county, limit, after }: { county?: string; limit: number; after?: string }): Promise<SentMailPage> {
    const found: { sk: string; entry: SentMailEntry }[] = [];
    let start: Record<string, unknown> | undefined = after === undefined ? undefined : { pk: logPk(year), sk: Buffer.from(after, 'base64url').toString('utf8') };
    // One more than a page, to know whether there is a next one; each request evaluates at most that many items.
    while (found.length <= limit) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': logPk(year), ...(county && { ':county': county }) },
          ...(county && { FilterExpression: 'county = :county' }),
          ScanIndexForward: false,
          Limit: limit + 1,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const { pk: _pk, sk, ...entry } of result.Items ?? []) found.push({ sk: String(sk), entry: SentMailEntry.parse(entry) });
      start = result.LastEvaluatedKey;
      if (!start) break;
    }
    const page = found.slice(0, limit);
    return { mails: page.map((f) => f.entry), ...(found.length > limit && { next: Buffer.from(page.at(-1)!.sk).toString('base64url') }) };
  }
}

const MARKER_PREFIX = 'MAIL#';
const markerPk = (dedupeKey: string): string => `${MARKER_PREFIX}${dedupeKey}`;
const logPk = (year: number): string => `MAILLOG#${year}`;

function logItem(mail: SentMail['mail'], sentAt: string): Record<string, unknown> {
  const entry: SentMailEntry = {
    sentAt,
    kind: mail.kind,
    subject: mail.subject,
    to: mail.to,
    cc: mail.cc,
    addressee: mail.addressee,
    ...(mail.county !== undefined && { county: mail.county }),
  };
  // Unique per mail: an address gets one mail per dedupe key in a run, and runs differ in sentAt.
  return { pk: logPk(mail.year), sk: `${sentAt}#${mail.dedupeKey}#${recipientKey(mail.to[0] ?? '')}`, ...entry };
}
