import { COUNTIES, MUNICIPALITIES, municipalitiesOf } from '../reference';
import { requireCounty } from './access';

export function listCounties() {
  return { counties: COUNTIES.map(({ code, name }) => ({ code, name })) };
}

/** Every municipality, or one county's (unknown county → 404 UNKNOWN_COUNTY). */
export function listMunicipalities(county?: string) {
  const list = county === undefined ? MUNICIPALITIES : municipalitiesOf(requireCounty(county));
  return { municipalities: list.map(({ code, name, county }) => ({ code, name, county })) };
}
