/**
 * `npm run users` against a real Cognito API (cognito-local 5.3, a pool shaped as the
 * template's): it creates the officers and the administrator with their groups and codes,
 * a second run changes nothing, a dry run writes nothing, and a bad file writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminListGroupsForUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUsers } from '../../scripts/users';
import { startCognitoLocal, type LocalCognito } from '../support/cognito-local';

let cognito: LocalCognito;
const dir = mkdtempSync(join(tmpdir(), 'omfordelning-users-'));

beforeAll(async () => {
  cognito = await startCognitoLocal();
}, 60_000);
afterAll(async () => {
  await cognito?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function contactsFile(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

const CONTACTS = {
  municipalities: {
    '0360': { emails: ['registrator@tierp.example.se', 'Karin.Ek@tierp.example.se'] },
    // The first contract's single address is still read.
    '0380': { email: 'socialtjanst@uppsala.example.se' },
  },
  // The mailbox is a functional address, not a person: only the officers become users.
  counties: { '03': { mailbox: 'uppsala@lst.example.se', officers: ['per.lind@lst.example.se'] } },
  migrationsverket: { mailbox: 'ensamkommande@migrationsverket.example.se' },
};

async function run(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runUsers([...args, '--user-pool-id', cognito.userPoolId, '--endpoint', cognito.endpoint], (line) => lines.push(line));
  return lines;
}

/** Every user of the pool: e-mail → groups and organisation codes. */
async function pool(): Promise<Record<string, { groups: string[]; municipality?: string; county?: string }>> {
  const { Users = [] } = await cognito.client.send(new ListUsersCommand({ UserPoolId: cognito.userPoolId }));
  const out: Record<string, { groups: string[]; municipality?: string; county?: string }> = {};
  for (const user of Users) {
    const attr = (name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;
    const { Groups = [] } = await cognito.client.send(new AdminListGroupsForUserCommand({ UserPoolId: cognito.userPoolId, Username: user.Username! }));
    out[attr('email')!] = {
      groups: Groups.map((g) => g.GroupName!).sort(),
      ...(attr('custom:municipality') && { municipality: attr('custom:municipality') }),
      ...(attr('custom:county') && { county: attr('custom:county') }),
    };
  }
  return out;
}

describe('npm run users', () => {
  it('creates the officers and the administrator, each in their group with their code', async () => {
    const lines = await run('--contacts', contactsFile('contacts.json', CONTACTS), '--admin', 'admin@kommun.example.se');
    expect(lines).toContain('Skapa   karin.ek@tierp.example.se: kommun 0360 (Tierp)');
    expect(lines).toContain('Skapa   per.lind@lst.example.se: län 03 (Uppsala län)');
    expect(lines).toContain('5 skapas, 0 ändras, 0 oförändrade.');
    expect(await pool()).toEqual({
      'registrator@tierp.example.se': { groups: ['municipality'], municipality: '0360' },
      'karin.ek@tierp.example.se': { groups: ['municipality'], municipality: '0360' },
      'socialtjanst@uppsala.example.se': { groups: ['municipality'], municipality: '0380' },
      'per.lind@lst.example.se': { groups: ['county'], county: '03' },
      'admin@kommun.example.se': { groups: ['admin'] },
    });
  });

  it('changes nothing when run again', async () => {
    const before = await pool();
    const lines = await run('--contacts', contactsFile('contacts.json', CONTACTS), '--admin', 'ADMIN@kommun.example.se');
    expect(lines.at(-2)).toBe('0 skapas, 0 ändras, 5 oförändrade.');
    expect(lines.filter((l) => /^(Skapa|Ändra)/.test(l))).toEqual([]);
    expect(await pool()).toEqual(before);
  });

  it('with --dry-run prints what would change and writes nothing', async () => {
    const before = await pool();
    // Per Lind moves to the municipality of Tierp; a new officer joins the county.
    const moved = {
      municipalities: { '0360': { emails: ['per.lind@lst.example.se'] } },
      counties: { '03': { officers: ['anna.berg@lst.example.se'] } },
    };
    const lines = await run('--dry-run', '--contacts', contactsFile('moved.json', moved), '--admin', 'admin@kommun.example.se');
    expect(lines).toEqual([
      `Användarpool ${cognito.userPoolId} (torrkörning: inget ändras)`,
      'Skapa   anna.berg@lst.example.se: län 03 (Uppsala län)',
      'Ändra   per.lind@lst.example.se: län 03 (Uppsala län) → kommun 0360 (Tierp)',
      'Finns i poolen men inte i kontakterna (rörs inte): karin.ek@tierp.example.se, registrator@tierp.example.se, socialtjanst@uppsala.example.se',
      '1 skapas, 1 ändras, 1 oförändrade.',
    ]);
    expect(await pool()).toEqual(before);

    await run('--contacts', contactsFile('moved.json', moved), '--admin', 'admin@kommun.example.se');
    const after = await pool();
    expect(after['per.lind@lst.example.se']).toEqual({ groups: ['municipality'], municipality: '0360' });
    expect(after['anna.berg@lst.example.se']).toEqual({ groups: ['county'], county: '03' });
    expect(after['karin.ek@tierp.example.se']).toEqual(before['karin.ek@tierp.example.se']);
  });

  it('refuses a bad file, or an address with two roles, in Swedish, writing nothing', async () => {
    const before = await pool();
    const unknown = contactsFile('unknown.json', { municipalities: { '0360': { emails: ['inte-en-adress'] } } });
    await expect(run('--contacts', unknown, '--admin', 'admin@kommun.example.se')).rejects.toThrow(/Kontaktfilen .* har fel .*municipalities\.0360\.emails\[0\]/);
    const twice = contactsFile('twice.json', { municipalities: { '0360': { emails: ['a@x.example.se'] }, '0380': { emails: ['a@x.example.se'] } } });
    await expect(run('--contacts', twice, '--admin', 'admin@kommun.example.se')).rejects.toThrow(
      'a@x.example.se står både som kommun 0360 (Tierp) och som kommun 0380 (Uppsala). En användare har en roll: rätta kontaktfilen.',
    );
    await expect(run('--contacts', contactsFile('c.json', CONTACTS), '--admin', 'admin')).rejects.toThrow('--admin admin är ingen e-postadress.');
    expect(await pool()).toEqual(before);
  });

  it('runs as npm run users: a dry run without a pool shows what an empty pool would get', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', '--dry-run', '--contacts', contactsFile('contacts.json', CONTACTS), '--admin', 'admin@kommun.example.se'], {
      encoding: 'utf8',
    });
    expect(out.split('\n')[0]).toBe('Ingen användarpool angiven (torrkörning mot en tom pool: inget ändras)');
    expect(out).toContain('5 skapas, 0 ändras, 0 oförändrade.');
  });
});
