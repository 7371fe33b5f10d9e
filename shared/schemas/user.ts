import { z } from 'zod';
import { CountyCode, MunicipalityCode } from './reference';

/** Who is calling, from the verified JWT's claims (Cognito custom attributes). */
export const UserSchema = z.discriminatedUnion('custom:role', [
  z.object({ 'custom:role': z.literal('municipality'), 'custom:municipality': MunicipalityCode }),
  z.object({ 'custom:role': z.literal('county'), 'custom:county': CountyCode }),
  z.object({ 'custom:role': z.literal('admin') }),
]);

export type User =
  | { role: 'municipality'; municipality: string; county: string }
  | { role: 'county'; county: string }
  | { role: 'admin' };

export const ROLES = ['municipality', 'county', 'admin'] as const;
export type Role = (typeof ROLES)[number];
