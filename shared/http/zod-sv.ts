import * as z from 'zod/mini';

/**
 * Validation messages reach users: whole Swedish sentences that name the field by its
 * name in the contract ("Fältet perMille ska vara ett tal.") and never say zod's type
 * words (string, number, undefined). A schema's own message (a code's format, free text)
 * wins over these.
 */

/** Where the value was: the JSON body, a path parameter or a query parameter. */
export type Place = 'body' | 'path' | 'query';

type Issue = z.core.$ZodRawIssue;

const TYPE_NOUNS: Record<string, string> = {
  string: 'en text',
  number: 'ett tal',
  int: 'ett heltal',
  bigint: 'ett heltal',
  boolean: 'true eller false',
  object: 'ett objekt',
  array: 'en lista',
  date: 'ett datum',
  null: 'null',
};

const FORMATS: Record<string, string> = {
  email: 'ska vara en e-postadress',
  datetime: 'ska vara en tidpunkt enligt ISO 8601 med tidszon, till exempel 2027-09-01T08:00:00Z',
  date: 'ska vara ett datum, till exempel 2027-09-01',
  time: 'ska vara ett klockslag, till exempel 08:00:00',
  url: 'ska vara en webbadress',
  uuid: 'ska vara ett UUID',
};

/** The subject of the sentence: "Fältet shares[2].perMille", "Sökvägsparametern year", "Förfrågan". */
function subject(place: Place, path: readonly PropertyKey[]): { text: string; neuter: boolean } {
  if (path.length === 0) return place === 'body' ? { text: 'Förfrågan', neuter: false } : { text: place === 'path' ? 'Sökvägen' : 'Frågan', neuter: false };
  const name = fieldName(path);
  if (place === 'path') return { text: `Sökvägsparametern ${name}`, neuter: false };
  if (place === 'query') return { text: `Frågeparametern ${name}`, neuter: false };
  return { text: `Fältet ${name}`, neuter: true };
}

/** `['shares', 2, 'perMille']` → `shares[2].perMille`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name === '' ? String(part) : `${name}.${String(part)}`), '');
}

const or = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} eller ${items.at(-1)}`);
const and = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} och ${items.at(-1)}`);
const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const number = (n: number | bigint): string => String(n).replace('.', ',');

/** The message for one issue, as a whole sentence. */
function swedishMessage(issue: Issue, place: Place = 'body'): string {
  const path = issue.path ?? [];
  const { text: s, neuter } = subject(place, path);
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined && path.length > 0) return `${s} saknas.`;
      if (path.length === 0 && place === 'body' && issue.expected === 'object') return 'Förfrågan ska vara ett JSON-objekt.';
      const noun = TYPE_NOUNS[issue.expected];
      return noun ? `${s} ska vara ${noun}.` : `${s} har fel slags värde.`;
    }
    case 'too_small': {
      const min = issue.minimum;
      if (issue.origin === 'string') return `${s} ska ha minst ${number(min)} tecken.`;
      if (issue.origin === 'array' || issue.origin === 'set') return Number(min) === 1 ? `${s} ska ha minst en post.` : `${s} ska ha minst ${number(min)} poster.`;
      return issue.inclusive === false ? `${s} ska vara större än ${number(min)}.` : `${s} ska vara minst ${number(min)}.`;
    }
    case 'too_big': {
      const max = issue.maximum;
      if (issue.origin === 'string') return `${s} får ha högst ${number(max)} tecken.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${s} får ha högst ${number(max)} poster.`;
      return issue.inclusive === false ? `${s} ska vara mindre än ${number(max)}.` : `${s} får vara högst ${number(max)}.`;
    }
    case 'invalid_format':
      return `${s} ${FORMATS[issue.format] ?? 'har fel format'}.`;
    case 'not_multiple_of':
      return `${s} ska vara en multipel av ${number(issue.divisor)}.`;
    case 'unrecognized_keys': {
      const names = issue.keys.map((key) => fieldName([...path, key]));
      if (place === 'body') return names.length === 1 ? `Fältet ${names[0]} är okänt.` : `Fälten ${and(names)} är okända.`;
      const what = place === 'path' ? 'Sökvägsparameter' : 'Frågeparameter';
      return names.length === 1 ? `${what}n ${names[0]} är okänd.` : `${what}arna ${and(names)} är okända.`;
    }
    case 'invalid_value':
      return issue.values.length === 0 ? `${s} har ett ogiltigt värde.` : `${s} ska vara ${or(issue.values.map(shown))}.`;
    case 'invalid_union':
      return `${s} har fel form.`;
    case 'invalid_key':
      return `${s} har en ogiltig nyckel.`;
    case 'invalid_element':
      return `${s} har ett ogiltigt värde.`;
    default:
      return `${s} är ${neuter ? 'ogiltigt' : 'ogiltig'}.`;
  }
}

/** The error map for one place of a request (pass as `safeParse(input, { error })`). */
export const swedishErrors =
  (place: Place) =>
  (issue: Issue): string =>
    swedishMessage(issue, place);

// Everywhere else (a body parsed outside the handler, the domain's schemas) as a JSON body.
// It has a sentence for every issue, so zod's own locale (its fallback) is never asked.
z.config({ customError: swedishErrors('body') });
