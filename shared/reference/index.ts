import type { County, Municipality } from '../schemas/reference';
import { COUNTIES, MUNICIPALITIES } from './data';

export { COUNTIES, MUNICIPALITIES };

const countyByCode = new Map(COUNTIES.map((c) => [c.code, c]));
const municipalityByCode = new Map(MUNICIPALITIES.map((m) => [m.code, m]));

export function findCounty(code: string): County | undefined {
  return countyByCode.get(code);
}

export function findMunicipality(code: string): Municipality | undefined {
  return municipalityByCode.get(code);
}

export function municipalitiesOf(county: string): Municipality[] {
  return MUNICIPALITIES.filter((m) => m.county === county);
}
