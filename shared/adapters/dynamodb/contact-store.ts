import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactStore } from '../../app/ports';
import { defaultContacts } from '../../notifications/default-contacts';
import { normaliseContactsImport, type Contacts, type ContactsImport, type NormalisedContactsImport } from '../../schemas/contacts';

/**
 * Contacts in the one table, one item per entry under one partition, so a request reads
 * them all with one Query (about 310 small items) and an import touches only what it names:
 *   pk `CONTACTS`, sk `M#0180` {emails: [..]} · `C#01` {mailbox?, officers?: [..]} · `MIGRATIONSVERKET` {mailbox} · `ADMINISTRATORS` {mailbox}
 * A missing item or attribute reads as the example default. Items of the first contract
 * (`M#…` {email}, `C#…` {officer}) read as lists of one; writing the list removes the old
 * attribute.
 */
const PK = 'CONTACTS';
const municipalitySk = (code: string) => `M#${code}`;
const countySk = (code: string) => `C#${code}`;
const MIGRATIONSVERKET_SK = 'MIGRATIONSVERKET';
const ADMINISTRATORS_SK = 'ADMINISTRATORS';

type Fields = Record<string, string | string[]>;
type Entry = { sk: string; fields: Fields };

/** The attribute of the first contract that a list attribute replaces. */
const REPLACES: Record<string, string> = { emails: 'email', officers: 'officer' };

export class DynamoContactStore implements ContactStore {
  /** Contacts change a few times a year; every notice reads them (about 310 items). */
  private cached: { at: number; contacts: Promise<Contacts> } | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long a container reuses what it read: an import reaches other containers within this. */
    private readonly cacheMs = 30_000,
    /** What a missing entry reads as (the example defaults, with the deployment's Migrationsverket mailbox). */
    private readonly defaults: () => Contacts = defaultContacts,
  ) {}

  /** The contacts as read at most `maxAgeMs` ago by this container (default: the cache time). */
  load(maxAgeMs = this.cacheMs): Promise<Contacts> {
    if (!this.cached || Date.now() - this.cached.at > maxAgeMs) {
      const contacts = this.items().then((items) => overlay(this.defaults(), items));
      this.cached = { at: Date.now(), contacts };
      contacts.catch(() => (this.cached = undefined));
    }
    return this.cached.contacts;
  }

  /** Sets the named fields of the named entries; everything else stays as stored. */
  async upsert(partial: ContactsImport): Promise<void> {
    this.cached = undefined;
    await inBatches(entriesOf(normaliseContactsImport(partial)), (entry) => this.update(entry));
    this.cached = undefined;
  }

  /** Stores the example default of every entry not stored yet (never overwrites an import). */
  async seedDefaults(): Promise<number> {
    const stored = new Set((await this.items()).map((item) => item.sk as string));
    const missing = entriesOf(this.defaults()).filter((e) => !stored.has(e.sk));
    const written = await inBatches(missing, (entry) => this.putIfAbsent(entry));
    return written.filter(Boolean).length;
  }

  private async items(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK }, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async update({ sk, fields }: Entry): Promise<void> {
    const names = Object.keys(fields);
    const removed = names.flatMap((n) => (REPLACES[n] ? [REPLACES[n]] : []));
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: PK, sk },
        UpdateExpression:
          `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}${removed.length ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
        ExpressionAttributeNames: { ...Object.fromEntries(names.map((n, i) => [`#f${i}`, n])), ...Object.fromEntries(removed.map((n, i) => [`#r${i}`, n])) },
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n]])),
      }),
    );
  }

  private async putIfAbsent({ sk, fields }: Entry): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: PK, sk, ...fields }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      // An import (or a twin seeding) got there first: keep what is stored.
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function entriesOf(c: NormalisedContactsImport): Entry[] {
  return [
    ...Object.entries(c.municipalities ?? {}).map(([code, v]) => ({ sk: municipalitySk(code), fields: defined(v) })),
    ...Object.entries(c.counties ?? {}).map(([code, v]) => ({ sk: countySk(code), fields: defined(v) })),
    ...(c.migrationsverket ? [{ sk: MIGRATIONSVERKET_SK, fields: defined(c.migrationsverket) }] : []),
    ...(c.administrators ? [{ sk: ADMINISTRATORS_SK, fields: defined(c.administrators) }] : []),
  ].filter((e) => Object.keys(e.fields).length > 0);
}

/** Stored items over the defaults, attribute by attribute (an item may hold only officers). */
function overlay(contacts: Contacts, items: Record<string, unknown>[]): Contacts {
  for (const item of items) {
    const sk = String(item.sk);
    const [kind, code] = sk.split('#') as [string, string | undefined];
    // Only codes of the reference data: an import refuses others, so anything else is stale.
    const municipality = kind === 'M' && code ? contacts.municipalities[code] : undefined;
    const county = kind === 'C' && code ? contacts.counties[code] : undefined;
    if (municipality) {
      const emails = list(item, 'emails');
      if (emails.length > 0) contacts.municipalities[code!] = { emails };
    } else if (county) {
      const mailbox = text(item.mailbox);
      const officers = 'officers' in item || 'officer' in item ? list(item, 'officers') : undefined;
      contacts.counties[code!] = { mailbox: mailbox ?? county.mailbox, officers: officers ?? county.officers };
    } else if (sk === MIGRATIONSVERKET_SK) contacts.migrationsverket = { mailbox: text(item.mailbox) ?? contacts.migrationsverket.mailbox };
    else if (sk === ADMINISTRATORS_SK) contacts.administrators = { mailbox: text(item.mailbox) ?? contacts.administrators.mailbox };
  }
  return contacts;
}

/** A stored address list, or the single address of the first contract as a list of one. */
function list(item: Record<string, unknown>, name: string): string[] {
  const value = item[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  const old = text(item[REPLACES[name]!]);
  return old ? [old] : [];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function defined(record: object): Fields {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string | string[]] => Array.isArray(entry[1]) || (typeof entry[1] === 'string' && entry[1] !== '')),
  );
}

/** A few requests at a time: a full import is ~310 writes, more than one burst should carry. */
async function inBatches<T, R>(items: T[], run: (item: T) => Promise<R>, size = 25): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}
