import { RuleError, refuse } from '../domain/errors';
import { decide } from '../domain/ledger';
import { parsePerMille, type Milli } from '../domain/per-mille';
import { Invalid } from './errors';
import { findCounty, findMunicipality } from '../reference';
import type { CountyQuery, ImportSharesBody, ShareList } from '../schemas/api';
import { actorOf, asAdmin, readableCounty } from './access';
import { calendarOf } from './calendar';
import { runCommand, type CommandInput } from './command';
import { presentShareRows } from './present';
import { parseSharesCsv } from './shares-csv';

type ShareEntry = { municipality: string; perMille: unknown; line?: number };

/**
 * An administrator imports preliminary shares for one or more counties (JSON or CSV).
 * All or nothing: every county's ledger decides first, and only if all accept is anything
 * appended. (A proposal racing in between can still lock one county; its append is then
 * refused while the others stand, and a retry with the same Idempotency-Key completes it.)
 */
export async function importShares(input: CommandInput, body: ImportSharesBody): Promise<ShareList> {
  const { app, user, year, now } = input;
  asAdmin(user);
  const byCounty = sharesByCounty(typeof body === 'string' ? parseSharesCsv(body) : body.shares);
  const calendar = await calendarOf(app, year);
  const actor = actorOf(user!);
  const keys = [...byCounty.keys()].sort().map((county) => ({ year, county }));
  const states = await Promise.all(keys.map((key) => app.ledgers.load(key)));
  for (const state of states) {
    const decision = decide(state, { type: 'ImportShares', shares: byCounty.get(state.county)! }, { now, calendar, actor });
    if (!decision.ok) throw inCounty(decision.error, state.county);
  }
  const outcomes = [];
  for (const key of keys) outcomes.push(await runCommand(input, key, { type: 'ImportShares', shares: byCounty.get(key.county)! }, actor));
  return { year, shares: outcomes.flatMap((o) => presentShareRows(o.state)) };
}

/** Preliminary shares, given, received and final per municipality, for the counties the caller may read. */
export async function listShares({ app, user, year }: Pick<CommandInput, 'app' | 'user' | 'year'>, query: CountyQuery): Promise<ShareList> {
  const county = readableCounty(user, query.county);
  const states = county === undefined ? await app.ledgers.views(year) : [await app.ledgers.load({ year, county })];
  return { year, shares: states.sort((a, b) => a.county.localeCompare(b.county)).flatMap(presentShareRows) };
}

/** Checks the rows (no duplicates, known codes, exact amounts) and groups them per county ledger. */
function sharesByCounty(entries: readonly ShareEntry[]): Map<string, Record<string, Milli>> {
  const where = (e: ShareEntry) => ({ municipality: e.municipality, ...(e.line ? { line: e.line } : {}) });
  const count = new Map<string, number>();
  for (const e of entries) count.set(e.municipality, (count.get(e.municipality) ?? 0) + 1);
  const duplicates = entries.filter((e) => count.get(e.municipality)! > 1);
  if (duplicates.length > 0) throw new Invalid('DUPLICATE_MUNICIPALITY', 'Samma kommun förekommer flera gånger.', duplicates.map(where));
  const unknown = entries.filter((e) => !findMunicipality(e.municipality));
  if (unknown.length > 0) {
    refuse('UNKNOWN_MUNICIPALITY', `Okända kommunkoder: ${unknown.map((e) => e.municipality).join(', ')}.`, unknown.map(where));
  }
  const byCounty = new Map<string, Record<string, Milli>>();
  for (const entry of entries) {
    const county = findMunicipality(entry.municipality)!.county;
    const shares = byCounty.get(county) ?? {};
    shares[entry.municipality] = amountOf(entry, where(entry));
    byCounty.set(county, shares);
  }
  return byCounty;
}

function amountOf(entry: ShareEntry, where: object): Milli {
  try {
    return parsePerMille(entry.perMille);
  } catch (error) {
    if (error instanceof RuleError) throw new RuleError(error.code, `${error.message.replace(/\.$/, '')} (kommun ${entry.municipality}).`, [{ ...where, value: entry.perMille }]);
    throw error;
  }
}

/** A county's refusal, saying which county it was. */
function inCounty(error: RuleError, county: string): RuleError {
  const name = findCounty(county)?.name ?? county;
  return new RuleError(error.code, `${name}: ${error.message}`, error.details.map((d) => ({ county, ...(d as object) })));
}
