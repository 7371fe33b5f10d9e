import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CountyReportStore, StoredCountyReport } from '../../app/ports';
import type { ReportView } from '../../schemas/api';
import type { LedgerKey } from '../../schemas/ledger';
import { ledgerPk } from './ledger-store';

/**
 * What the workflow keeps per county and year, next to the county's ledger (pk `Y#2028#C#01`,
 * outside the ledger's `E#…` event range and its `VIEW`):
 *   sk `REPORT_TOKEN` {token, storedAt}  the task token of the execution waiting for the report;
 *   sk `REPORT`       {report, csv, storedAt}  the report as sent to Migrationsverket.
 */
export class DynamoCountyReportStore implements CountyReportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Replaces any earlier token: only the latest wait (after a moved report date) can be resumed. */
  async putToken(key: LedgerKey, token: string, storedAt: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: ledgerPk(key), sk: TOKEN_SK, token, storedAt } }));
  }

  async getToken(key: LedgerKey): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: ledgerPk(key), sk: TOKEN_SK }, ConsistentRead: true }));
    return typeof Item?.token === 'string' ? Item.token : undefined;
  }

  /** Stores the report unless one is stored already (a report never changes once submitted); true if this call stored it. */
  async putReport(key: LedgerKey, report: ReportView, csv: string, storedAt: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ledgerPk(key), sk: REPORT_SK, report, csv, storedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getReport(key: LedgerKey): Promise<StoredCountyReport | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: ledgerPk(key), sk: REPORT_SK }, ConsistentRead: true }));
    return Item ? { report: Item.report as ReportView, csv: String(Item.csv), storedAt: String(Item.storedAt) } : undefined;
  }
}

const TOKEN_SK = 'REPORT_TOKEN';
const REPORT_SK = 'REPORT';
