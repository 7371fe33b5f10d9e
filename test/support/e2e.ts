/**
 * Helpers for the end-to-end tests (test/e2e): real HTTP against the local stack started by
 * startTestStack, example shares, tokens per role, the exact error-body check and a
 * "what is stored" snapshot to prove that a refused request wrote nothing.
 */
import { expect } from 'vitest';
import { exampleShares } from '../../local/tools/example-data';
import { toPerMille } from '../../shared/domain/per-mille';
import { municipalitiesOf } from '../../shared/reference';
import type { TestResponse, TestStack } from './local-stack';

/** Share year of the tests, and instants inside and after its default submission window. */
export const YEAR = 2028;
/** Inside the default window of 2028 (15 Aug 2027 09:00 – 2 Nov 2027 23:59:59 Stockholm). */
export const OPEN_NOW = '2027-09-01T10:00:00Z';
/** After the deadline of 2028, before its county report date (15 Nov 2027). */
export const CLOSED_NOW = '2027-11-03T10:00:00Z';

/** Example preliminary shares (local/example-data.ts) of some counties, as the import body's rows. */
export function shareRows(counties: readonly string[]): { municipality: string; perMille: number }[] {
  const all = exampleShares();
  return counties.flatMap((county) => municipalitiesOf(county).map((m) => ({ municipality: m.code, perMille: toPerMille(all[m.code]!) })));
}

/** A municipality's example preliminary share in per mille. */
export function shareOf(code: string): number {
  return toPerMille(exampleShares()[code]!);
}


/** Hands out distinct municipalities of a county, so each scenario has parties of its own. */
export class MunicipalityPool {
  private readonly free: string[];

  constructor(county: string, exclude: readonly string[] = []) {
    this.free = municipalitiesOf(county)
      .map((m) => m.code)
      .filter((code) => !exclude.includes(code));
  }

  take(): string;
  take(n: number): string[];
  take(n?: number): string | string[] {
    const count = n ?? 1;
    if (this.free.length < count) throw new Error(`MunicipalityPool: only ${this.free.length} municipalities left, ${count} asked for`);
    const taken = this.free.splice(0, count);
    return n === undefined ? taken[0]! : taken;
  }
}

export type Who = { role: 'admin' } | { role: 'county'; county: string } | { role: 'municipality'; municipality: string } | null;

/** Tokens per caller, minted once per stack. `null` is the anonymous caller (no token). */
export function tokens(stack: Pick<TestStack, 'tokenFor'>) {
  const cache = new Map<string, Promise<string>>();
  const get = (who: Exclude<Who, null>): Promise<string> => {
    const key = JSON.stringify(who);
    let token = cache.get(key);
    if (!token) cache.set(key, (token = stack.tokenFor(who)));
    return token;
  };
  return {
    of: (who: Who): Promise<string | undefined> => (who ? get(who) : Promise.resolve(undefined)),
    admin: () => get({ role: 'admin' }),
    county: (county: string) => get({ role: 'county', county }),
    municipality: (municipality: string) => get({ role: 'municipality', municipality }),
  };
}
export type Tokens = ReturnType<typeof tokens>;

/**
 * The error body of the contract, exactly: `{error: {code, message, details: [...]}}` with a
 * Swedish message. (Swedish: has å, ä or ö, or one of the common words the messages use.)
 */
export function expectError(res: TestResponse, status: number, code: string, context = ''): void {
  const where = `${context} → ${res.status} ${res.text.slice(0, 300)}`;
  expect({ status: res.status, code: res.body?.error?.code }, where).toEqual({ status, code });
  expect(res.headers.get('content-type'), where).toMatch(/^application\/json/);
  expect(res.body, where).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  expect(res.body.error.message, where).toMatch(SWEDISH);
}

/** A message in Swedish: å, ä or ö, or one of the common words the messages use. */
export const SWEDISH = /[åäöÅÄÖ]|\b(inte|är|och|för|kan|ska|har|finns|saknar|ogiltigt?|ange)\b/i;


/**
 * What the ledgers hold: every event of the given counties (admin audit), all proposals and
 * all shares of the year. Equal before and after a request = the request wrote nothing.
 */
export async function storedState(stack: TestStack, admin: string, year: number, counties: readonly string[]) {
  const get = async (path: string) => {
    const res = await stack.request('GET', path, { token: admin });
    expect(res.status, `GET ${path}: ${res.text.slice(0, 200)}`).toBe(200);
    return res.body;
  };
  const audits = await Promise.all(counties.map((county) => get(`/v1/years/${year}/audit?county=${county}`)));
  const [proposals, shares] = await Promise.all([get(`/v1/years/${year}/proposals`), get(`/v1/years/${year}/shares`)]);
  return { audits, proposals, shares };
}

/** PUTs example shares of the counties for a year (as admin) and checks the answer. */
export async function importExampleShares(stack: TestStack, admin: string, year: number, counties: readonly string[]): Promise<void> {
  const res = await stack.request('PUT', `/v1/years/${year}/shares`, { token: admin, json: { shares: shareRows(counties) } });
  expect(res.status, res.text.slice(0, 300)).toBe(200);
}

