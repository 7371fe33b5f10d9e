/**
 * dynalite parses every condition expression with a PEG parser, request after request: under
 * load (npm run bench:rush) that was about half of its thread's CPU, and so a good part of
 * every write's round trip. The application sends the same few expressions again and again
 * with other values (a lease's `:now`, an owner's UUID), so the parse is kept per expression,
 * attribute names and value types, and a later request gets a copy of the parsed tree with
 * its own values put where the first request's were (the parser puts the value objects
 * themselves into the tree). What the parser checks beyond the types of the values is left
 * to it: BETWEEN compares its bounds and attribute_type reads its value, so expressions with
 * either are parsed every time; so is one that failed (the parser answers a message, not a tree).
 */

type Values = Record<string, Record<string, unknown>>;

interface ParseContext {
  attrNames?: Record<string, string>;
  attrVals?: Values;
  unusedAttrNames: Record<string, boolean>;
  unusedAttrVals: Record<string, boolean>;
  isKeyCondition?: boolean;
}

interface Parser {
  parse(input: string, options: { context: ParseContext }): unknown;
}

interface Parsed {
  tree: unknown;
  /** The value objects of the request that was parsed, by name: replaced in a copy of `tree`. */
  values: Map<object, string>;
  /** The names and values the expression used (the parser deletes them from the context's "unused"). */
  usedNames: string[];
  usedValues: string[];
}

const UNCACHEABLE = /\bbetween\b|\battribute_type\b/i;
const LIMIT = 1_000;

/** Replaces `parser.parse` (dynalite's conditionParser module object) with the cached form. */
export function cacheExpressions(parser: Parser): void {
  const parse = parser.parse.bind(parser);
  const cache = new Map<string, Parsed>();
  parser.parse = (input, options) => {
    const { context } = options;
    if (UNCACHEABLE.test(input)) return parse(input, options);
    const key = JSON.stringify([input, context.attrNames ?? null, typesOf(context.attrVals), context.isKeyCondition === true]);
    const hit = cache.get(key);
    if (hit) {
      for (const name of hit.usedNames) delete context.unusedAttrNames[name];
      for (const name of hit.usedValues) delete context.unusedAttrVals[name];
      return withValues(hit.tree, hit.values, context.attrVals ?? {});
    }
    const names = Object.keys(context.unusedAttrNames);
    const values = Object.keys(context.unusedAttrVals);
    const tree = parse(input, options);
    if (typeof tree !== 'object' || tree === null) return tree; // the parser's error message: parsed again next time
    if (cache.size >= LIMIT) cache.clear();
    cache.set(key, {
      tree,
      values: new Map(Object.entries(context.attrVals ?? {}).map(([name, value]) => [value, name])),
      usedNames: names.filter((n) => !(n in context.unusedAttrNames)),
      usedValues: values.filter((v) => !(v in context.unusedAttrVals)),
    });
    return withValues(tree, new Map(), {});
  };
}

/** `:name` → the value's type (S, N, M, …), which the parser's type checks read. */
function typesOf(values: Values | undefined): Record<string, string> | null {
  if (!values) return null;
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, Object.keys(value ?? {}).join()]));
}

/** A deep copy of the tree (the cached one is never handed out), with each of the first request's value objects replaced by this request's. */
function withValues(node: unknown, first: Map<object, string>, current: Values): unknown {
  if (node === null || typeof node !== 'object') return node;
  const name = first.get(node);
  if (name !== undefined) return current[name];
  if (Array.isArray(node)) return node.map((n) => withValues(n, first, current));
  const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(node));
  for (const [k, v] of Object.entries(node)) copy[k] = withValues(v, first, current);
  return copy;
}
