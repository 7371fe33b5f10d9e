import { BatchWriteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recipientKey } from '../../notifications/mailer';

/**
 * Which recipients already got the mail of a dedupe key: one marker item per
 * (dedupeKey, recipient), pk `MAIL#<dedupeKey>`, sk the address in lower case, so one
 * Query answers for every recipient of an event.
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

  /** The (lower-cased) addresses already marked as sent for `dedupeKey`. */
  async sentTo(dedupeKey: string): Promise<Set<string>> {
    const sent = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': markerPk(dedupeKey) },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) sent.add(String(item.sk));
      start = page.LastEvaluatedKey;
    } while (start);
    return sent;
  }

  async markSent(dedupeKey: string, recipients: string[], mail: { subject: string; sentAt: string }): Promise<void> {
    const items = recipients.map((recipient) => ({ pk: markerPk(dedupeKey), sk: recipientKey(recipient), recipient, subject: mail.subject, sentAt: mail.sentAt }));
    if (items.length === 1) {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: items[0] }));
      return;
    }
    // A mail has a handful of recipients: one batch, with what DynamoDB leaves unprocessed retried.
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`sent-mail markers not written for ${dedupeKey}`);
      const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }
}

const markerPk = (dedupeKey: string): string => `MAIL#${dedupeKey}`;
