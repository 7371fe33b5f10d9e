import * as z from 'zod/mini';

/**
 * Characters free text may not hold: control characters other than line breaks (CR, LF),
 * and the Unicode direction overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 * make a text read differently from what is stored (a reason that looks harmless in an
 * e-mail or a report but says something else).
 */
const FORBIDDEN = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

export const hasForbiddenCharacters = (text: string): boolean => FORBIDDEN.test(text);

/** Free text typed by a person (a reason, a comment, a decision reference), at most `max` characters. */
export function freeText(max: number) {
  return z.string().check(
    z.maxLength(max, `Texten får vara högst ${max} tecken lång.`),
    z.refine((text) => !hasForbiddenCharacters(text), {
      message: 'Texten innehåller styrtecken eller tecken som ändrar textriktningen. Ta bort dem och försök igen.',
    }),
  );
}
