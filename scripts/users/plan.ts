/**
 * What `npm run users` changes, as a pure function of what the pool has and what the contacts
 * say (no I/O): every municipality address and every county officer is a user of that role
 * and organisation, each `--admin` an administrator. Users the contacts do not name are left
 * alone (an officer who left is disabled by hand, on purpose): nothing is ever deleted.
 */
import { findCounty, findMunicipality } from '../../shared/reference';
import type { Role } from '../../shared/domain/roles';
import type { NormalisedContactsImport } from '../../shared/schemas/contacts';

/** A user as the pool should have them, or has them: e-mail (the user name), role, organisation code. */
export interface PoolUser {
  email: string;
  /** The role groups the user is in (desired: exactly one). */
  roles: Role[];
  municipality?: string;
  county?: string;
  /** The pool's user name (its `sub`, the pool signs in by e-mail), for a user read from the pool. */
  username?: string;
}

export type Change =
  | { kind: 'create'; user: PoolUser }
  | { kind: 'update'; from: PoolUser; to: PoolUser };

export interface Plan {
  changes: Change[];
  unchanged: number;
  /** Users in the pool that neither the contacts nor --admin name (left as they are). */
  notInContacts: string[];
}

/** A problem with the input: nothing is written. */
export class UsersInputError extends Error {
  override readonly name = 'UsersInputError';
}

/** The users the contacts and the administrators' addresses describe; an address named twice differently is refused. */
export function desiredUsers(contacts: NormalisedContactsImport, admins: readonly string[]): PoolUser[] {
  const byEmail = new Map<string, PoolUser>();
  const add = (user: PoolUser) => {
    const earlier = byEmail.get(user.email);
    if (earlier && describe(earlier) !== describe(user)) {
      throw new UsersInputError(`${user.email} står både som ${describe(earlier)} och som ${describe(user)}. En användare har en roll: rätta kontaktfilen.`);
    }
    byEmail.set(user.email, user);
  };
  for (const [code, m] of Object.entries(contacts.municipalities ?? {})) {
    for (const email of m.emails) add({ email: email.toLowerCase(), roles: ['municipality'], municipality: code });
  }
  for (const [code, c] of Object.entries(contacts.counties ?? {})) {
    for (const email of c.officers ?? []) add({ email: email.toLowerCase(), roles: ['county'], county: code });
  }
  for (const email of admins) add({ email: email.toLowerCase(), roles: ['admin'] });
  return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
}

/** The changes that make `current` what `desired` says, for the users `desired` names. */
export function planUsers(desired: readonly PoolUser[], current: readonly PoolUser[]): Plan {
  const existing = new Map(current.map((u) => [u.email.toLowerCase(), u]));
  const changes: Change[] = [];
  let unchanged = 0;
  for (const user of desired) {
    const now = existing.get(user.email);
    if (!now) changes.push({ kind: 'create', user });
    else if (same(now, user)) unchanged++;
    else changes.push({ kind: 'update', from: now, to: user });
  }
  const named = new Set(desired.map((u) => u.email));
  const notInContacts = current.map((u) => u.email.toLowerCase()).filter((email) => !named.has(email)).sort();
  return { changes, unchanged, notInContacts };
}

function same(a: PoolUser, b: PoolUser): boolean {
  return describe(a) === describe(b);
}

/** "kommun 0180 (Stockholm)", "län 01 (Stockholms län)", "administratör"; several roles joined. */
function describe(user: PoolUser): string {
  const roles = [...user.roles].sort();
  if (roles.length === 0) return 'ingen roll';
  return roles
    .map((role) => {
      if (role === 'municipality') return `kommun ${user.municipality ?? '?'} (${findMunicipality(user.municipality ?? '')?.name ?? 'okänd'})`;
      if (role === 'county') return `län ${user.county ?? '?'} (${findCounty(user.county ?? '')?.name ?? 'okänt'})`;
      return 'administratör';
    })
    .join(' och ');
}

/** The plan in plain Swedish, one line per change and a summary. */
export function planLines(plan: Plan): string[] {
  const lines = plan.changes.map((change) =>
    change.kind === 'create'
      ? `Skapa   ${change.user.email}: ${describe(change.user)}`
      : `Ändra   ${change.to.email}: ${describe(change.from)} → ${describe(change.to)}`,
  );
  const created = plan.changes.filter((c) => c.kind === 'create').length;
  const updated = plan.changes.length - created;
  if (plan.notInContacts.length > 0) {
    lines.push(`Finns i poolen men inte i kontakterna (rörs inte): ${plan.notInContacts.join(', ')}`);
  }
  lines.push(`${created} skapas, ${updated} ändras, ${plan.unchanged} oförändrade.`);
  return lines;
}
