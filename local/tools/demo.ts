/**
 * A small demo of the county ledger: replays Uppsala län's share year 2022 against an
 * in-process dynalite (table from the synthesized CDK template) and prints the shares.
 */
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store';
import { defaultCalendar } from '../../shared/domain/calendar';
import { RuleError } from '../../shared/domain/errors';
import { shareLines, approvedProposals, type Command, type CommandContext } from '../../shared/domain/ledger';
import { sum, toPerMille } from '../../shared/domain/per-mille';
import { execute } from '../../shared/app/ledger/execute';
import { findMunicipality, municipalitiesOf } from '../../shared/reference';
import { startLedgerDynamo } from './ledger-dynamo';
import { exampleShares } from './example-data';

const year = 2022;
const county = '03';
const calendar = defaultCalendar(year);
const key = { year, county };

const byName = (name: string): string => municipalitiesOf(county).find((m) => m.name === name)!.code;
const [uppsala, enkoping, tierp, heby, knivsta] = ['Uppsala', 'Enköping', 'Tierp', 'Heby', 'Knivsta'].map(byName) as string[];
const context = (now: string, role: 'admin' | 'county' | 'municipality' | 'system', id?: string): CommandContext => ({
  now,
  calendar,
  actor: { role, ...(id ? { id } : {}) },
});

const script: [string, Command, CommandContext][] = [
  ['Admin imports preliminary shares', { type: 'ImportShares', shares: countyShares() }, context('2021-08-10T08:00:00Z', 'admin')],
  ['Workflow opens the window', { type: 'OpenWindow' }, context(calendar.publishAt, 'system')],
  ['Tierp offers 0.8 ‰ to Uppsala', { type: 'SubmitProposal', giver: tierp!, receiver: uppsala!, perMille: 800 }, context('2021-09-01T08:00:00Z', 'municipality', tierp)],
  ['Heby offers 1.25 ‰ to Uppsala', { type: 'SubmitProposal', giver: heby!, receiver: uppsala!, perMille: 1250 }, context('2021-09-02T08:00:00Z', 'municipality', heby)],
  ['Uppsala tries to give too (R4)', { type: 'SubmitProposal', giver: uppsala!, receiver: enkoping!, perMille: 100 }, context('2021-09-03T08:00:00Z', 'municipality', uppsala)],
  ['Knivsta offers 0.3 ‰ to Enköping', { type: 'SubmitProposal', giver: knivsta!, receiver: enkoping!, perMille: 300 }, context('2021-09-04T08:00:00Z', 'municipality', knivsta)],
  ['Uppsala consents to Tierp', { type: 'AnswerProposal', giver: tierp!, respondent: uppsala!, accept: true }, context('2021-09-10T08:00:00Z', 'municipality', uppsala)],
  ['Uppsala consents to Heby', { type: 'AnswerProposal', giver: heby!, respondent: uppsala!, accept: true }, context('2021-09-11T08:00:00Z', 'municipality', uppsala)],
  ['Knivsta amends to 0.5 ‰', { type: 'AmendProposal', giver: knivsta!, perMille: 500 }, context('2021-10-01T08:00:00Z', 'municipality', knivsta)],
  ['Workflow closes the window', { type: 'CloseWindow' }, context('2021-11-02T23:00:00Z', 'system')],
  ['County approves Tierp', { type: 'DecideProposal', giver: tierp!, outcome: 'APPROVED' }, context('2021-11-05T08:00:00Z', 'county', county)],
  ['County rejects Heby', { type: 'DecideProposal', giver: heby!, outcome: 'REJECTED', reason: 'Underlag saknas' }, context('2021-11-05T08:05:00Z', 'county', county)],
  ['County submits its report', { type: 'SubmitCountyReport', auto: false }, context('2021-11-10T08:00:00Z', 'county', county)],
  ['Workflow fixes final shares', { type: 'FinalizeShares' }, context(calendar.finalizeAt, 'system')],
];

function countyShares() {
  const all = exampleShares();
  return Object.fromEntries(municipalitiesOf(county).map((m) => [m.code, all[m.code]!]));
}

const fmt = (milli: number): string => toPerMille(milli).toFixed(3).padStart(8);

async function main(): Promise<void> {
  const dynamo = await startLedgerDynamo();
  try {
    const store = new DynamoLedgerStore(dynamo.client, dynamo.tableName);
    console.log(`Replaying ${county} Uppsala län, share year ${year}, on dynalite at ${dynamo.endpoint}\n`);
    for (const [label, command, ctx] of script) {
      try {
        const { event } = await execute(store, key, command, ctx);
        console.log(`  ${ctx.now}  ${label.padEnd(36)} → #${event.seq} ${event.type}`);
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        console.log(`  ${ctx.now}  ${label.padEnd(36)} → refused ${error.code}: ${error.message}`);
      }
    }
    const state = await store.load(key);
    const lines = shareLines(state.preliminary!, approvedProposals(state));
    console.log('\n  municipality        preliminary   given  received     final   (‰, EXAMPLE shares)');
    for (const line of lines) {
      const name = findMunicipality(line.municipality)!.name;
      console.log(`  ${line.municipality} ${name.padEnd(14)} ${fmt(line.preliminary)} ${fmt(line.given)} ${fmt(line.received)}  ${fmt(state.final![line.municipality]!)}`);
    }
    const before = sum(Object.values(state.preliminary!));
    const after = sum(Object.values(state.final!));
    console.log(`\n  County total before ${fmt(before)} ‰, after ${fmt(after)} ‰: ${before === after ? 'unchanged' : 'CHANGED'}`);
    if (before !== after) process.exitCode = 1;
  } finally {
    await dynamo.stop();
  }
}

await main();
