import * as z from 'zod/mini';
import { roleOfClaims } from '../domain/roles';
import type { Person } from './ledger';
import { CountyCode, MunicipalityCode } from './reference';
import { hasForbiddenCharacters } from './text';

/**
 * Who is calling, from the verified JWT's claims: the role from its Cognito group
 * (shared/domain/roles.ts), the organisation from the custom attributes, which only an
 * administrator can write.
 */
const UserClaims = z.discriminatedUnion('role', [
  z.object({ role: z.literal('municipality'), 'custom:municipality': MunicipalityCode }),
  z.object({ role: z.literal('county'), 'custom:county': CountyCode }),
  z.object({ role: z.literal('admin') }),
]);

/** The role and organisation code of `claims`, or undefined when they name no valid role. */
export function userClaims(claims: Record<string, unknown>): z.infer<typeof UserClaims> | undefined {
  const parsed = UserClaims.safeParse({ ...claims, role: roleOfClaims(claims) });
  return parsed.success ? parsed.data : undefined;
}

/** The person behind a token, when its claims name one (see personFromClaims). */
type WithPerson = { person?: Person };

export type User =
  | ({ role: 'municipality'; municipality: string; county: string } & WithPerson)
  | ({ role: 'county'; county: string } & WithPerson)
  | ({ role: 'admin' } & WithPerson);

/** A claim that may name a person: trimmed, 1–200 characters, no control or direction characters. */
const PersonText = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(200),
  z.refine((text) => !hasForbiddenCharacters(text)),
);

/**
 * The person from the standard OpenID claims of an ID token (Cognito's and the local
 * ones): `sub`, `name`, `email`. Read leniently, since they only say who acted and never
 * what one may do: a missing or unusable `name` or `email` is left out, and without a
 * usable `sub` there is no person at all. None of this ever refuses a request.
 */
export function personFromClaims(claims: Record<string, unknown>): Person | undefined {
  const sub = PersonText.safeParse(claims.sub);
  if (!sub.success) return undefined;
  const name = PersonText.safeParse(claims.name);
  const email = z.email().check(z.maxLength(254)).safeParse(typeof claims.email === 'string' ? claims.email.trim() : claims.email);
  return { sub: sub.data, ...(name.success ? { name: name.data } : {}), ...(email.success ? { email: email.data } : {}) };
}

