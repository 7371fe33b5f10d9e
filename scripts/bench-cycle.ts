/**
 * `npm run bench:cycle -- [--year 2022] [--wait-poll-ms 100] [--probes 5]`
 *
 * Benchmark of a whole share year (a script that prints, not a test that asserts): the year of
 * `npm run simulate` (local/tools/year-run.ts: all 290 municipalities, EXAMPLE shares, the virtual
 * clock jumping from milestone to milestone) on a fresh local stack, with
 *  - wall time against the target (≤ 15 s on 2 cores), start-up and per-step timings;
 *  - what the year did, counted where it happens (local/metrics.ts): state transitions,
 *    Lambda invocations and handler time, DynamoDB requests and request units, e-mails, API
 *    requests;
 *  - the AWS cost of that year at list prices (PRICES below, printed with the table), against
 *    the target (< 1 USD for a national year).
 *
 * One local deviation is corrected, with measured figures: the local state machine's Wait
 * polls every `--wait-poll-ms` of real time (stack option workflow.waitPollMs; a local
 * emulation setting, 1000 ms in `npm start`/`simulate`, shorter here so that a clock move is
 * acted on sooner) while on AWS a Wait lasts until its timestamp, at most 4 hours (the check's
 * cap). So the local run has one Wait → Check → Choice round per poll and AWS one per ≤ 4 h of
 * the real calendar. The cost table uses the AWS rounds (counted by replaying the check's own
 * rule, checkNext with its cap, over the year's calendar from the execution's start), each
 * priced as a local round measured: 3 state transitions, one check invocation (its mean
 * measured time) and the DynamoDB units of a check (measured on `--probes` check invocations
 * after the year, alone on the stack).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DescribeTableCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { maxWaitSeconds } from '../shared/app/cycle-acts/check';
import { defaultCalendar } from '../shared/domain/calendar';
import { checkNext } from '../shared/domain/cycle';
import { STATES } from '../shared/workflow/contract';
import { diffMetrics, sumCounts, type LocalStackMetrics } from '../local/emulators/metrics';
import { PROJECT_ROOT, type LocalStack } from '../local/stack';
import { invokeLocally, type TaskHandler } from '../local/emulators/step-functions/lambda';
import { runYear, type YearRunResult } from '../local/tools/year-run';
import { localTemplate } from '../local/template';
import { FIXED_PRICES, fixedMonthlyCosts } from './fixed-costs';

/**
 * AWS list prices in USD, without free tiers, as known in 2026-01: us-east-1, the figures of
 * each service's public pricing page (and of the issue). eu-north-1 (Stockholm, the local
 * stack's region) was not checked here; a regional difference would have to be about
 * fourfold to move the total past the target. Re-check before quoting.
 */
const PRICES = {
  asOf: '2026-01',
  region: 'us-east-1 (eu-north-1 not checked)',
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  transition: 0.025 / 1_000,
  /** Lambda, per request ($0.20 per 1M). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda arm64 compute, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per write request unit ($0.625 per 1M). */
  writeUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand, per read request unit ($0.125 per 1M). */
  readUnit: 0.125 / 1_000_000,
  /** SES outbound, per e-mail: each recipient counts as one ($0.10 per 1,000). */
  email: 0.1 / 1_000,
  /** API Gateway HTTP API, per request up to 512 KB ($1.00 per 1M). */
  apiRequest: 1 / 1_000_000,
  // Not per year-run (per month), or bounds only:
  /** DynamoDB Standard table storage, per GB-month. */
  storageGbMonth: 0.25,
  /** DynamoDB point-in-time recovery, per GB-month. */
  pitrGbMonth: 0.2,
  /** X-Ray, per trace recorded ($5.00 per 1M). */
  xrayTrace: 5 / 1_000_000,
  /** CloudWatch Logs ingestion, per GB. */
  logsIngestGb: 0.5,
} as const;

const TARGET = { wallMs: 15_000, usd: 1 };
/** States a Wait round enters: Wait → Check → Choice (shared/workflow/contract.ts). */
const ROUND_STATES = [STATES.wait, STATES.check, STATES.due];
/** Assumed INIT duration of a cold start, for the bound only (not measurable locally). */
const COLD_INIT_SECONDS = 1;
/** Cognito users (monthly active at most): an officer per municipality and county (311, the issue's count). */
const USERS = 311;

const { values } = parseArgs({
  options: { year: { type: 'string', default: '2022' }, 'wait-poll-ms': { type: 'string', default: '100' }, probes: { type: 'string', default: '5' } },
});
const year = Number(values.year);
const waitPollMs = Number(values['wait-poll-ms']);
const probes = Number(values.probes);
if (!Number.isInteger(year) || year < 2001 || year > 2999) fail(`--year: a share year such as 2022 (got ${values.year})`);
if (!Number.isInteger(waitPollMs) || waitPollMs < 1) fail(`--wait-poll-ms: a whole number of ms ≥ 1 (got ${values['wait-poll-ms']})`);
if (!Number.isInteger(probes) || probes < 1) fail(`--probes: a whole number ≥ 1 (got ${values.probes})`);

// As `npm run simulate`: the handlers would log every notice at INFO.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

interface Probe {
  /** DynamoDB use of one check invocation (mean of the probes). */
  check: { functionId: string; readUnits: number; writeUnits: number; requests: number };
  storage: { items: number; tableBytes: number; indexBytes: number } | undefined;
}

async function main(): Promise<number> {
  let probe: Probe | undefined;
  const result = await runYear({
    year,
    log: () => {},
    workflow: { waitPollMs },
    afterYear: async ({ stack }) => {
      probe = { check: await probeCheck(stack, year, probes), storage: await tableSize(stack).catch(() => undefined) };
    },
  });
  report(result, probe!, await localTemplate(PROJECT_ROOT));
  if (result.problems.length > 0) {
    console.log(`\nINVARIANTS BROKEN (${result.problems.length}):\n  ${result.problems.join('\n  ')}`);
    return 1;
  }
  return 0;
}

/** The check task's handler, invoked `n` times alone on the stack after the year (it answers DONE, reading what a waiting check reads). */
async function probeCheck(stack: LocalStack, year: number, n: number): Promise<Probe['check']> {
  const task = stack.stepFunctions!.definition.tasks[STATES.check]!;
  // The very module the stack loaded (same URL), like a warm Lambda.
  const handler = (await import(pathToFileURL(resolve(PROJECT_ROOT, task.entry)).href)).handler as TaskHandler;
  const fn = { functionId: task.functionId, timeoutSeconds: task.lambdaTimeoutSeconds, region: 'eu-north-1', accountId: '000000000000' };
  const before = await stack.metrics();
  for (let i = 0; i < n; i++) await invokeLocally(handler, fn, { year });
  const d = diffMetrics(await stack.metrics(), before).dynamo;
  return { functionId: task.functionId, readUnits: d.readUnits / n, writeUnits: (d.writeUnits + d.indexWriteUnits) / n, requests: sumCounts(d.requests) / n };
}

/** Bytes the table would bill as storage (estimate: AWS's item-size rules plus 100 bytes per item and per index entry). */
async function tableSize(stack: LocalStack): Promise<Probe['storage']> {
  const { raw, tableName } = stack.dynamo;
  const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
  const indexKeys = (Table?.GlobalSecondaryIndexes ?? []).map((i) => (i.KeySchema ?? []).map((k) => k.AttributeName!));
  let items = 0;
  let tableBytes = 0;
  let indexBytes = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await raw.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const size = itemBytes(item) + 100;
      items++;
      tableBytes += size;
      for (const keys of indexKeys) if (keys.every((k) => item[k] !== undefined)) indexBytes += size;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { items, tableBytes, indexBytes };
}

/** DynamoDB's item size: attribute names plus values (numbers ~1 byte per 2 digits + 1). */
function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((s, x) => s + Buffer.byteLength(x), 0);
  if (v.NS) return v.NS.reduce((s, x) => s + Math.ceil(x.length / 2) + 1, 0);
  if (v.L) return 3 + v.L.reduce((s, x) => s + 1 + valueBytes(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k) + valueBytes(x), 0);
  return 0;
}

/** Wait rounds of the year on AWS: the check's rule (checkNext, its 4 h cap) replayed from the execution's start to the last milestone. */
function awsWaitRounds(year: number, start: string): number {
  const calendar = defaultCalendar(year);
  const done: Record<string, string> = {};
  let now = start;
  let rounds = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const next = checkNext(calendar, done, now, maxWaitSeconds());
    if (next.status === 'DONE') return rounds;
    if (next.status === 'WAIT') {
      rounds++;
      now = next.waitUntil;
    } else done[next.milestone.id] = now;
  }
  throw new Error('the replay of the year did not end');
}

function report(result: YearRunResult, probe: Probe, template: Record<string, any>): void {
  const m: LocalStackMetrics = result.metrics;
  const sfn = m.stepFunctions!;
  const out = (line = '') => console.log(line);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');

  out(`Whole-year benchmark: share year ${result.year}, 290 municipalities (EXAMPLE shares), Node ${process.version}, ${availableParallelism()} cores`);
  out(`Local Wait poll ${result.waitPollMs} ms (stack option workflow.waitPollMs; 1000 in npm start / simulate)`);
  out();
  const yearMs = result.wallMs - result.startupMs;
  out(`Wall time ${s(result.wallMs)}: target ≤ ${s(TARGET.wallMs)} ${result.wallMs <= TARGET.wallMs ? 'met' : 'NOT MET'}   (start-up ${s(result.startupMs)}, the year ${s(yearMs)})`);
  out(`  start-up phases: ${Object.entries(result.startupTimings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
  out(`  ${'step'.padEnd(16)} ${'virtual time'.padEnd(21)} ${'phase'.padEnd(9)} ${'e-mails'.padStart(7)} ${'ms'.padStart(7)}`);
  for (const step of result.steps) {
    out(`  ${step.name.padEnd(16)} ${(step.at ?? '').padEnd(21)} ${(step.phase ?? '').padEnd(9)} ${String(step.emails).padStart(7)} ${String(Math.round(step.ms)).padStart(7)}`);
  }

  // ---- Counts ------------------------------------------------------------------------------
  const fns = Object.entries(m.lambda).sort(([a], [b]) => a.localeCompare(b));
  const invocations = fns.reduce((sum, [, f]) => sum + f.count, 0);
  const gbSeconds = fns.reduce((sum, [, f]) => sum + (f.billedMs / 1000) * (f.memoryMb / 1024), 0);
  const apiInvocations = fns.filter(([, f]) => f.trigger === 'api').reduce((sum, [, f]) => sum + f.count, 0);
  const dynamoRequests = sumCounts(m.dynamo.requests);
  const writeUnits = m.dynamo.writeUnits + m.dynamo.indexWriteUnits;
  out();
  out('Measured on the local stack, from ready to the verified year (start-up, seeding and warm-up excluded):');
  out(`  API requests                 ${n(m.apiRequests).padStart(8)}   (the driver's: ${result.driver.writes} acts, ${result.driver.reads} reads; /_local/clock moves are not API requests)`);
  out(`  Lambda invocations           ${n(invocations).padStart(8)}   (API ${apiInvocations}, workflow tasks ${invocations - apiInvocations}); ${gbSeconds.toFixed(2)} GB-s billed`);
  out(`  Step Functions transitions   ${n(sfn.transitions).padStart(8)}   (states entered ${n(sfn.transitions - sfn.retries)}, Map iterations' included; retries ${sfn.retries})`);
  out(`  DynamoDB requests            ${n(dynamoRequests).padStart(8)}   (${Object.entries(m.dynamo.requests).map(([op, c]) => `${op} ${c}`).join(', ')}; errors ${sumCounts(m.dynamo.errors)})`);
  out(`  DynamoDB read units          ${n(m.dynamo.readUnits).padStart(8)}`);
  out(`  DynamoDB write units         ${n(writeUnits).padStart(8)}   (table ${n(m.dynamo.writeUnits)} incl. ${m.dynamo.conditionalCheckFailures} refused conditional writes, index ${n(m.dynamo.indexWriteUnits)})`);
  out(`  E-mails                      ${n(m.ses.recipients).padStart(8)}   recipients in ${n(m.ses.messages)} messages`);
  out();
  out(`  ${'Lambda function'.padEnd(40)} ${'trigger'.padEnd(8)} ${'calls'.padStart(6)} ${'mean ms'.padStart(8)} ${'MB'.padStart(5)} ${'GB-s'.padStart(8)}`);
  for (const [id, f] of fns) {
    out(`  ${id.slice(0, 40).padEnd(40)} ${f.trigger.padEnd(8)} ${String(f.count).padStart(6)} ${(f.ms / f.count).toFixed(1).padStart(8)} ${String(f.memoryMb).padStart(5)} ${((f.billedMs / 1000) * (f.memoryMb / 1024)).toFixed(3).padStart(8)}`);
  }

  // ---- The year on AWS: Wait rounds of the real calendar instead of the local polls ---------
  const checkTask = m.lambda[probe.check.functionId];
  const localRounds = sfn.entered[STATES.wait] ?? 0;
  const awsRounds = result.executionStart ? awsWaitRounds(result.year, result.executionStart) : localRounds;
  const extra = awsRounds - localRounds;
  const checkMeanMs = checkTask ? checkTask.billedMs / checkTask.count : 0;
  const checkMemoryMb = checkTask?.memoryMb ?? 512;
  const aws = {
    transitions: sfn.transitions + extra * ROUND_STATES.length,
    lambdaRequests: invocations + extra,
    gbSeconds: gbSeconds + (extra * checkMeanMs * checkMemoryMb) / 1000 / 1024,
    readUnits: m.dynamo.readUnits + extra * probe.check.readUnits,
    writeUnits: writeUnits + extra * probe.check.writeUnits,
    emails: m.ses.recipients,
    apiRequests: m.apiRequests,
  };
  out();
  out(`The year on AWS: the ${localRounds} local Wait rounds (one per ${result.waitPollMs} ms poll while the virtual clock stood still) are replaced by the`);
  const cap = maxWaitSeconds();
  out(`${awsRounds} of the real calendar (Wait → Check → Choice per wait of ${cap ? `≤ ${cap / 3600} h` : 'any length'}, from the execution's start ${result.executionStart ?? '?'} to the last milestone).`);
  out(`Per round, measured: ${ROUND_STATES.length} transitions, 1 check invocation (${checkMeanMs.toFixed(1)} ms billed mean, ${checkMemoryMb} MB), ` +
      `${probe.check.readUnits} read + ${probe.check.writeUnits} write units (${probe.check.requests} DynamoDB requests; mean of ${probes} probe checks).`);

  // ---- Cost ----------------------------------------------------------------------------------
  const rows: [string, number, string, number][] = [
    ['Step Functions state transitions', aws.transitions, '$0.025 / 1,000', aws.transitions * PRICES.transition],
    ['Lambda requests', aws.lambdaRequests, '$0.20 / 1M', aws.lambdaRequests * PRICES.lambdaRequest],
    ['Lambda compute, arm64 (GB-s)', aws.gbSeconds, '$0.0000133334 / GB-s', aws.gbSeconds * PRICES.lambdaGbSecond],
    ['DynamoDB write request units', aws.writeUnits, '$0.625 / 1M', aws.writeUnits * PRICES.writeUnit],
    ['DynamoDB read request units', aws.readUnits, '$0.125 / 1M', aws.readUnits * PRICES.readUnit],
    ['SES e-mails (recipients)', aws.emails, '$0.10 / 1,000', aws.emails * PRICES.email],
    ['API Gateway HTTP API requests', aws.apiRequests, '$1.00 / 1M', aws.apiRequests * PRICES.apiRequest],
  ];
  const total = rows.reduce((sum, r) => sum + r[3], 0);
  const usd = (x: number) => `$${x < 0.01 ? x.toFixed(6) : x.toFixed(4)}`;
  out();
  out(`AWS cost of the year at list prices: ${PRICES.region}, as of ${PRICES.asOf}, without free tiers:`);
  out(`  ${'item'.padEnd(36)} ${'count'.padStart(10)} ${'unit price'.padStart(22)} ${'cost'.padStart(11)}`);
  for (const [item, count, price, cost] of rows) {
    out(`  ${item.padEnd(36)} ${(Number.isInteger(count) ? n(count) : count.toFixed(2)).padStart(10)} ${price.padStart(22)} ${usd(cost).padStart(11)}`);
  }
  out(`  ${'Total'.padEnd(36)} ${''.padStart(10)} ${''.padStart(22)} ${usd(total).padStart(11)}`);
  out(`  Target < $${TARGET.usd.toFixed(2)} for a national year: ${total < TARGET.usd ? 'met' : 'NOT MET'}`);

  // ---- Fixed monthly costs, from the synthesized template -------------------------------------
  const tableGb = probe.storage ? (probe.storage.tableBytes + probe.storage.indexBytes) / 1024 ** 3 : 0;
  const fixed = fixedMonthlyCosts(template, { backupGb: tableGb, users: USERS });
  const monthly = fixed.reduce((sum, f) => sum + f.monthly, 0);
  out();
  out(`Fixed monthly costs, counted in the synthesized template (list prices as of ${FIXED_PRICES.asOf}, us-east-1; sources in scripts/fixed-costs.ts):`);
  for (const f of fixed) out(`  ${f.item.padEnd(48)} ${(Number.isInteger(f.count) ? n(f.count) : f.count.toFixed(4)).padStart(8)} ${f.unitPrice.padStart(22)} ${usd(f.monthly).padStart(11)}`);
  out(`  ${'Per month'.padEnd(48)} ${''.padStart(8)} ${''.padStart(22)} ${usd(monthly).padStart(11)}`);
  out(`A year with its fixed costs: ${usd(total)} + 12 × ${usd(monthly)} = ${usd(total + 12 * monthly)}`);

  // ---- Bounds and what is not per year-run ---------------------------------------------------
  const coldBound = aws.lambdaRequests * COLD_INIT_SECONDS * 0.5 * PRICES.lambdaGbSecond;
  const traceBound = (aws.apiRequests + aws.lambdaRequests) * PRICES.xrayTrace;
  out();
  out('Not in the total:');
  out(`  Lambda INIT (cold starts, billed since Aug 2025): not measurable locally; even if all ${n(aws.lambdaRequests)} invocations were cold with ${COLD_INIT_SECONDS} s of INIT at 512 MB: ≤ ${usd(coldBound)}`);
  out(`  X-Ray (active tracing): at most one trace per API request and per task invocation, $5.00 / 1M: ≤ ${usd(traceBound)}`);
  out(`  Upper bound with both: ${usd(total + coldBound + traceBound)} (target ${total + coldBound + traceBound < TARGET.usd ? 'met' : 'NOT MET'} even so)`);
  if (probe.storage) {
    const gb = (probe.storage.tableBytes + probe.storage.indexBytes) / 1024 ** 3;
    out(`  Per month, not per year-run: DynamoDB storage of the year's ${n(probe.storage.items)} items ≈ ${((probe.storage.tableBytes + probe.storage.indexBytes) / 1024 ** 2).toFixed(2)} MB with the index ` +
        `(estimate) → ${usd(gb * PRICES.storageGbMonth)}/month at $0.25/GB-month, PITR ${usd(gb * PRICES.pitrGbMonth)}/month at $0.20/GB-month;`);
  } else out('  Per month, not per year-run: DynamoDB storage ($0.25/GB-month) and PITR ($0.20/GB-month): table size not read;');
  out('  CloudWatch Logs ($0.50/GB ingested, storage per GB-month): not measured (POWERTOOLS_LOG_LEVEL=WARN here); the handlers log a line per notice, the');
  out('  state machine its events without their data (level ALL, includeExecutionData false): a few MB for a year, i.e. well under $0.01.');
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Benchmark failed: ${String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  },
);
