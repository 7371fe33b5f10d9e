/**
 * An oracle for "nothing is written but by accepted requests": the whole table scanned before
 * and after, and every item that appeared, changed or went away explained by an acknowledged
 * (2xx) request, or by what such a request sets off (the views, notices and sent-mail log the
 * stream's follower keeps; the workflow's events of a year that was started or moved). What
 * an acknowledged command must have written is there too: exactly one event each.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findMunicipality } from '../../shared/reference';

type Item = Record<string, any>;
export type TableSnapshot = Map<string, Item>;

export async function scanTable(client: DynamoDBDocumentClient, tableName: string): Promise<TableSnapshot> {
  const items: TableSnapshot = new Map();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.set(`${item.pk}|${item.sk}`, item);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** An acknowledged request, as far as the oracle needs it. */
export interface Acknowledged {
  route: string;
  params: Record<string, string>;
  /** The caller's municipality (the giver of a new proposal). */
  municipality?: string;
  /** The request's JSON body, if any. */
  body?: unknown;
  /** The response's JSON body. */
  response: any;
}

/** What an acknowledged request explains: the event types it wrote per ledger, and what else it may touch. */
export class Explanations {
  /** `${pk} ${type} ${giver}` → how many such events acknowledged commands wrote (must all be found). */
  private readonly events = new Map<string, number>();
  /** The same, for events a request may or may not have written (a share import per county). */
  private readonly optional = new Set<string>();
  private readonly years = new Set<string>();
  private contacts = false;

  add(ack: Acknowledged): void {
    const { year = '', giver = '', county = '' } = ack.params;
    const ledgerOf = (code: string) => `Y#${year}#C#${findMunicipality(code)?.county ?? '??'}`;
    const expect = (pk: string, type: string, who = '') => {
      const key = `${pk} ${type} ${who}`;
      this.events.set(key, (this.events.get(key) ?? 0) + 1);
    };
    switch (ack.route) {
      case 'submit-proposal':
        expect(ledgerOf(ack.municipality!), 'ProposalSubmitted', ack.municipality);
        return;
      case 'amend-proposal':
        expect(ledgerOf(giver), 'ProposalAmended', giver);
        return;
      case 'withdraw-proposal':
        expect(ledgerOf(giver), 'ProposalWithdrawn', giver);
        return;
      case 'answer-proposal':
        expect(ledgerOf(giver), (ack.body as { accept?: boolean })?.accept ? 'ReceiverConsented' : 'ReceiverDeclined', giver);
        return;
      case 'decide-proposal':
        expect(ledgerOf(giver), 'ProposalDecided', giver);
        return;
      case 'submit-report':
        expect(`Y#${year}#C#${county}`, 'CountyReportSubmitted');
        return;
      case 'import-shares':
        for (const row of ack.response?.shares ?? []) this.optional.add(`${ledgerOf(row.municipality)} SharesImported `);
        return;
      case 'start-cycle':
      case 'move-calendar':
        this.years.add(year);
        return;
      case 'import-contacts':
        this.contacts = true;
    }
  }

  /** Every difference between the snapshots that no acknowledged request explains, and every acknowledged event not found. */
  unexplained(before: TableSnapshot, after: TableSnapshot): string[] {
    const problems: string[] = [];
    const remaining = new Map(this.events);
    const touchedLedgers = new Set<string>();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
    for (const id of changed) {
      const item = after.get(id) ?? before.get(id)!;
      const [pk, sk] = [String(item.pk), String(item.sk)];
      if (/^E#\d{9}$/.test(sk)) {
        if (before.has(id)) problems.push(`event ${id} was changed or removed`);
        else if (!this.explainEvent(pk, item, remaining)) problems.push(`event ${id} (${item.body?.type} by ${JSON.stringify(item.actor)}) has no acknowledged request`);
        touchedLedgers.add(pk);
      }
    }
    for (const id of changed) {
      const item = after.get(id) ?? before.get(id)!;
      const [pk, sk] = [String(item.pk), String(item.sk)];
      if (/^E#\d{9}$/.test(sk)) continue;
      const year = /^Y#(\d{4})/.exec(pk)?.[1] ?? '';
      const explained =
        pk.startsWith('MAIL#') || pk.startsWith('MAILLOG#') || // the notices of events
        (pk.endsWith('#NOTIFIED') && touchedLedgers.has(`Y#${year}#${sk}`)) || // how far the follower has sent a ledger's notices
        (pk.startsWith('IDEMPOTENCY#') && after.get(id)?.state !== 'IN_FLIGHT') || // keys, all settled
        ((sk === 'VIEW' || sk === 'REPORT' || sk === 'REPORT_TOKEN') && (touchedLedgers.has(pk) || this.years.has(year))) ||
        (sk === 'CYCLE' && this.years.has(year)) ||
        (pk === 'CONTACTS' && this.contacts);
      if (!explained) problems.push(`item ${id} changed with no acknowledged request: ${JSON.stringify(after.get(id) ?? null).slice(0, 200)}`);
    }
    for (const [key, n] of remaining) if (n > 0) problems.push(`acknowledged but not in the ledger: ${n} × ${key}`);
    return problems;
  }

  private explainEvent(pk: string, item: Item, remaining: Map<string, number>): boolean {
    const type = String(item.body?.type);
    if (item.actor?.role === 'system') return this.years.has(/^Y#(\d{4})/.exec(pk)?.[1] ?? '');
    if (this.optional.has(`${pk} ${type} `)) return true;
    const key = `${pk} ${type} ${item.body?.giver ?? ''}`;
    const n = remaining.get(key) ?? 0;
    if (n === 0) return false;
    remaining.set(key, n - 1);
    return true;
  }
}
