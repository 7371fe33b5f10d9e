import type { Actor, Person } from '../schemas/ledger';

/**
 * A person as people read it: the name, else the e-mail, else the token subject. Without a
 * person (events recorded before persons were, or the workflow) the actor's organisation
 * code, else its role.
 */
export function displayOf(actor: Actor): string {
  return displayPerson(actor.person) ?? actor.id ?? actor.role;
}

function displayPerson(person: Person | undefined): string | undefined {
  if (!person) return undefined;
  return person.name || person.email || person.sub || undefined;
}
