/**
 * fast-check values shaped like a zod schema: the schema goes through zod's public
 * `z.toJSONSchema` (input side) and the JSON Schema is walked here, so nothing reaches into
 * zod's internals and the generator follows the schemas whatever form they take. Covers what
 * the API's request schemas use: $ref/$defs, anyOf, objects (required, optional and
 * dictionary properties), arrays, strings (pattern, maxLength, e-mail), numbers, booleans
 * and enums. Anything else becomes `fc.anything()`, which is hostile input too.
 */
import fc, { type Arbitrary } from 'fast-check';
import * as z from 'zod';

type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  type?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
};

/** Values the schema would (mostly) accept: the right shape, field types and string patterns. */
export function shapedLike(schema: z.core.$ZodType): Arbitrary<unknown> {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return arbitraryOf(root, root.$defs ?? {}, 0);
}

function arbitraryOf(s: JsonSchema, defs: Record<string, JsonSchema>, depth: number): Arbitrary<unknown> {
  if (s.$ref) return arbitraryOf(defs[s.$ref.replace('#/$defs/', '')] ?? {}, defs, depth + 1);
  if (s.anyOf) return fc.oneof(...s.anyOf.map((x) => arbitraryOf(x, defs, depth + 1)));
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  if (depth > 8) return fc.constant(null);
  switch (s.type) {
    case 'object':
      return objectOf(s, defs, depth);
    case 'array':
      return fc.array(arbitraryOf(s.items ?? {}, defs, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 5, 5) });
    case 'string':
      return stringOf(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      // Amounts as people type them (up to three decimals), and sometimes any double.
      return fc.oneof(fc.integer({ min: 0, max: 5000 }).map((n) => n / 1000), fc.double());
    case 'boolean':
      return fc.boolean();
    default:
      return fc.anything();
  }
}

function objectOf(s: JsonSchema, defs: Record<string, JsonSchema>, depth: number): Arbitrary<unknown> {
  if (s.properties) {
    const entries = Object.entries(s.properties).map(([k, v]) => [k, arbitraryOf(v, defs, depth + 1)] as const);
    return fc.record(Object.fromEntries(entries), { requiredKeys: s.required ?? [] });
  }
  if (typeof s.additionalProperties === 'object') {
    const keys = s.propertyNames ? (stringOf(s.propertyNames) as Arbitrary<string>) : fc.string();
    return fc.dictionary(keys, arbitraryOf(s.additionalProperties, defs, depth + 1), { maxKeys: 4 });
  }
  return fc.object();
}

function stringOf(s: JsonSchema): Arbitrary<unknown> {
  if (s.format === 'email') return fc.emailAddress();
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
  return fc.string({ maxLength: Math.min(s.maxLength ?? 40, 40), unit: 'grapheme' });
}
