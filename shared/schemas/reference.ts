import * as z from 'zod/mini';

/** A county code exactly as in the reference data: two digits, `03` (not `3`, not `003`). */
export const CountyCode = z.string().check(z.regex(/^\d{2}$/, 'Länskoden ska vara två siffror, till exempel 03.'));
/** A municipality code exactly as in the reference data: four digits, `0180` (not `180`, `01800` or `0x0B4`). */
export const MunicipalityCode = z.string().check(z.regex(/^\d{4}$/, 'Kommunkoden ska vara fyra siffror, till exempel 0180.'));

const CountySchema = z.object({
  code: CountyCode,
  name: z.string(),
  shortName: z.string(),
});

const MunicipalitySchema = z.object({
  code: MunicipalityCode,
  name: z.string(),
  county: CountyCode,
});

export type County = z.infer<typeof CountySchema>;
export type Municipality = z.infer<typeof MunicipalitySchema>;
