/**
 * Lambda event filtering (an event source mapping's FilterCriteria) for stream records, as
 * far as the templates use it: a pattern is a JSON object whose keys follow the record
 * (`eventName`, `dynamodb.Keys.sk.S`, ...); a nested object narrows to a nested field (all
 * keys must match), an array at a leaf lists what the field may be (any one matches):
 * exact strings, numbers, booleans or null, and the operators `prefix`, `suffix`,
 * `equals-ignore-case`, `exists` and `anything-but` (values or a `prefix`). A record passes
 * when any one of the filters matches it, or when there are no filters. Any other operator
 * (numeric, cidr, wildcard, `$or`, ...) is refused when the pattern is compiled, at start,
 * rather than silently letting everything through. Pure: no I/O.
 */

export type RecordFilter = (record: unknown) => boolean;

export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternError';
  }
}

type Leaf = (value: unknown, present: boolean) => boolean;
type Scalar = string | number | boolean | null;

/**
 * The filter of `FilterCriteria` (`{ Filters: [{ Pattern: '<json>' }] }`), or undefined when
 * it has no filters (everything passes). `where` names the mapping in error messages.
 */
export function compileFilterCriteria(criteria: unknown, where = 'FilterCriteria'): RecordFilter | undefined {
  if (criteria === undefined || criteria === null) return undefined;
  if (typeof criteria !== 'object' || Array.isArray(criteria)) throw new FilterPatternError(`${where}: FilterCriteria är inte ett objekt`);
  const filters = (criteria as { Filters?: unknown }).Filters;
  if (filters === undefined || filters === null) return undefined;
  if (!Array.isArray(filters)) throw new FilterPatternError(`${where}: FilterCriteria.Filters är inte en lista`);
  if (filters.length === 0) return undefined;
  const compiled = filters.map((filter, i) => {
    const pattern = (filter as { Pattern?: unknown } | null)?.Pattern;
    if (typeof pattern !== 'string') throw new FilterPatternError(`${where}: Filters[${i}].Pattern är ingen sträng (ett JSON-mönster)`);
    return compilePattern(pattern, `${where}: Filters[${i}]`);
  });
  if (compiled.length === 1) return compiled[0];
  return (record) => compiled.some((f) => f(record));
}

/** One filter pattern (the JSON text of `Pattern`, or the parsed object). */
export function compilePattern(pattern: string | Record<string, unknown>, where = 'Pattern'): RecordFilter {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new FilterPatternError(`${where}: mönstret är inte giltig JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(parsed) || Object.keys(parsed).length === 0) throw new FilterPatternError(`${where}: mönstret ska vara ett JSON-objekt med minst ett fält`);
  return compileObject(parsed, where, '');
}

function compileObject(pattern: Record<string, unknown>, where: string, path: string): (value: unknown) => boolean {
  const checks: { key: string; object?: (value: unknown) => boolean; leaf?: Leaf }[] = [];
  for (const [key, sub] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key.startsWith('$')) throw new FilterPatternError(`${where}: ${at}: ${key} stöds inte lokalt`);
    if (Array.isArray(sub)) checks.push({ key, leaf: compileLeaf(sub, where, at) });
    else if (isObject(sub)) {
      if (Object.keys(sub).length === 0) throw new FilterPatternError(`${where}: ${at}: tomt objekt i mönstret`);
      checks.push({ key, object: compileObject(sub, where, at) });
    } else throw new FilterPatternError(`${where}: ${at}: ska vara en lista av värden eller ett objekt, inte ${JSON.stringify(sub)}`);
  }
  return (value) => {
    if (!isObject(value)) return false;
    for (const check of checks) {
      const field = value[check.key];
      if (check.object) {
        if (!check.object(field)) return false;
      } else if (!check.leaf!(field, field !== undefined)) return false;
    }
    return true;
  };
}

function compileLeaf(rules: unknown[], where: string, at: string): Leaf {
  if (rules.length === 0) throw new FilterPatternError(`${where}: ${at}: tom lista i mönstret`);
  const exact = new Set<Scalar>();
  const matchers: ((value: unknown) => boolean)[] = [];
  let exists: boolean | undefined;
  for (const rule of rules) {
    if (isScalar(rule)) {
      exact.add(rule);
      continue;
    }
    if (!isObject(rule)) throw new FilterPatternError(`${where}: ${at}: ${JSON.stringify(rule)} är varken ett värde eller en operator`);
    const keys = Object.keys(rule);
    if (keys.length !== 1) throw new FilterPatternError(`${where}: ${at}: en operator per objekt (${JSON.stringify(rule)})`);
    const operator = keys[0]!;
    const arg = rule[operator];
    switch (operator) {
      case 'prefix':
        matchers.push(stringOperand(arg, where, at, operator, (s, p) => s.startsWith(p)));
        break;
      case 'suffix':
        matchers.push(stringOperand(arg, where, at, operator, (s, p) => s.endsWith(p)));
        break;
      case 'equals-ignore-case':
        matchers.push(stringOperand(arg, where, at, operator, (s, p) => s.toLowerCase() === p.toLowerCase()));
        break;
      case 'exists':
        if (typeof arg !== 'boolean') throw new FilterPatternError(`${where}: ${at}: exists tar true eller false`);
        if (exists !== undefined && exists !== arg) throw new FilterPatternError(`${where}: ${at}: exists både true och false`);
        exists = arg;
        break;
      case 'anything-but':
        matchers.push(anythingBut(arg, where, at));
        break;
      default:
        throw new FilterPatternError(
          `${where}: ${at}: operatorn "${operator}" stöds inte lokalt (bara exakta värden, prefix, suffix, equals-ignore-case, exists och anything-but)`,
        );
    }
  }
  const one = (value: unknown): boolean => (isScalar(value) && exact.has(value)) || matchers.some((m) => m(value));
  return (value, present) => {
    if (!present) return exists === false;
    if (exists === true) return true;
    if (exact.size === 0 && matchers.length === 0) return false; // only exists:false, and the field is there
    // A list in the record matches when one of its elements does.
    return Array.isArray(value) ? value.some(one) : one(value);
  };
}

function stringOperand(arg: unknown, where: string, at: string, operator: string, test: (s: string, operand: string) => boolean): (value: unknown) => boolean {
  if (typeof arg !== 'string') throw new FilterPatternError(`${where}: ${at}: ${operator} tar en sträng, inte ${JSON.stringify(arg)}`);
  return (value) => typeof value === 'string' && test(value, arg);
}

function anythingBut(arg: unknown, where: string, at: string): (value: unknown) => boolean {
  if (isScalar(arg)) return (value) => isScalar(value) && value !== arg;
  if (Array.isArray(arg) && arg.length > 0 && arg.every(isScalar)) {
    const excluded = new Set<Scalar>(arg);
    return (value) => isScalar(value) && !excluded.has(value);
  }
  if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg.prefix === 'string') {
    const prefix = arg.prefix;
    return (value) => typeof value === 'string' && !value.startsWith(prefix);
  }
  throw new FilterPatternError(`${where}: ${at}: anything-but stöds lokalt bara med värden eller {"prefix": ...}, inte ${JSON.stringify(arg)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
