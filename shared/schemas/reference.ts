import { z } from 'zod';

export const CountyCode = z.string().regex(/^\d{2}$/, 'Länskod ska vara två siffror');
export const MunicipalityCode = z.string().regex(/^\d{4}$/, 'Kommunkod ska vara fyra siffror');

export const CountySchema = z.object({
  code: CountyCode,
  name: z.string(),
  shortName: z.string(),
});

export const MunicipalitySchema = z.object({
  code: MunicipalityCode,
  name: z.string(),
  county: CountyCode,
});

export type County = z.infer<typeof CountySchema>;
export type Municipality = z.infer<typeof MunicipalitySchema>;
