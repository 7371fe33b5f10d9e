import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recipientKey } from '../../notifications/mailer';

/**
 * Which recipients already got the mail of a dedupe key: one marker item per
 * (dedupeKey, recipient), pk `MAIL#<dedupeKey>`, sk the address in lower case, so the
 * markers of a whole batch of mails are read with one BatchGetItem per 100 recipients.
 *
 * At-least-once, by choice: the marker is written only after SES accepted the mail, so a
 * crash (or a concurrent twin) between the send and the marker may send a mail twice,
 * but a mail is never lost to a marker written for a send that then failed. A duplicate
 * notice is harmless; a missing consent request is not.
 */
export class SentMailStore {
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

  /** Marks each mail's recipients as sent (BatchWriteItem, 25 at a time). */
  async markSent(marks: readonly { dedupeKey: string; recipients: readonly string[]; subject: string; sentAt: string }[]): Promise<void> {
    const items = marks.flatMap(({ dedupeKey, recipients, subject, sentAt }) =>
      recipients.map((recipient) => ({ pk: markerPk(dedupeKey), sk: recipientKey(recipient), recipient, subject, sentAt })),
    );
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === 5) throw new Error('sent-mail markers not written');
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }
}

const MARKER_PREFIX = 'MAIL#';
const markerPk = (dedupeKey: string): string => `${MARKER_PREFIX}${dedupeKey}`;
