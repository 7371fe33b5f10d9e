/**
 * `npm run bench:rush -- [--seconds 30] [--think-ms 250] [--county 14] [--seed 1]`
 *
 * The 49 municipalities of the largest county (Västra Götalands län, 14) and its officer
 * acting at once on the local stack for 30 s (scripts/rush.ts: propose, amend, withdraw,
 * answer, decide, and the reads that go with them; each client with its own token and
 * Idempotency-Keys, a pause of about `--think-ms` between its actions). A script that prints,
 * not a test that asserts. The stack runs in a child process (this file with `--serve`): the
 * same startLocalStack as `npm start`, on a fresh data directory, with the virtual clock
 * inside share year 2028's submission window, so the load generator is off its event loop.
 *
 * Printed: requests and requests/s, answers by status and refusal code, p50/p99 latency (all
 * requests and the commands alone) beside the target p99 ≤ 500 ms; and the oracle: lost and
 * duplicated events (acknowledged commands against the ledger's events, by Idempotency-Key),
 * events without an acknowledged command, 5xx and network errors, the domain's invariants
 * on the folded ledger, and the API's proposals (the follower's view) against that fold.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RUSH_NOW, RUSH_YEAR, checkLedger, ledgerEvents, quantile, rush, viewDiffers, type RushRun, type RushSetup } from './rush';

const SELF = fileURLToPath(import.meta.url);
const TARGET_P99_MS = 500;

type Ready = { type: 'ready'; setup: RushSetup; dynamo: string; table: string };

/** The child: a fresh local stack with the county's example shares, and a token for each of its clients. */
async function serve(dataDir: string, county: string): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [{ startLocalStack }, { exampleShares }, { municipalitiesOf }, { toPerMille }] = await Promise.all([
    import('../local/stack'),
    import('../local/tools/example-data'),
    import('../shared/reference'),
    import('../shared/domain/per-mille'),
  ]);
  const stack = await startLocalStack({ port: 0, dataDir, now: RUSH_NOW, quiet: true });
  const all = exampleShares();
  const codes = municipalitiesOf(county).map((m) => m.code);
  const admin = await stack.token({ role: 'admin' });
  const res = await fetch(`${stack.apiUrl}/v1/years/${RUSH_YEAR}/shares`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ shares: codes.map((code) => ({ municipality: code, perMille: toPerMille(all[code]!) })) }),
  });
  if (res.status !== 200) throw new Error(`importing the shares answered ${res.status}: ${await res.text()}`);
  const municipalities = Object.fromEntries(await Promise.all(codes.map(async (code) => [code, await stack.token({ role: 'municipality', municipality: code })] as const)));
  const setup: RushSetup = { apiUrl: stack.apiUrl, county, municipalities, officer: await stack.token({ role: 'county', county }), admin, shares: Object.fromEntries(codes.map((c) => [c, all[c]!])) };
  process.send!({ type: 'ready', setup, dynamo: stack.dynamo.endpoint, table: stack.dynamo.tableName } satisfies Ready);
  process.on('message', async (message: string) => {
    if (message === 'idle') {
      const started = performance.now();
      await stack.streams.idle();
      process.send!({ type: 'idle', ms: performance.now() - started });
    } else if (message === 'stop') void stack.stop().then(() => process.exit(0));
  });
}

function ask<T>(child: ChildProcess, message: string | undefined, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the stack stopped (exit ${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message) child.send(message);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, 'think-ms': { type: 'string', default: '250' }, county: { type: 'string', default: '14' }, seed: { type: 'string', default: '1' } } });
  const [seconds, thinkMs, seed] = [Number(values.seconds), Number(values['think-ms']), Number(values.seed)];
  const dataDir = mkdtempSync(join(tmpdir(), 'omfordelning-rush-'));
  const child = fork(SELF, ['--serve', dataDir, values.county], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--import', 'tsx'] });
  try {
    const ready = await ask<Ready>(child, undefined, 'ready');
    const clients = Object.keys(ready.setup.municipalities).length + 1;
    console.log(`bench:rush: ${clients - 1} municipalities of county ${values.county} and its officer, ${seconds} s, think time ≈ ${thinkMs} ms, seed ${seed}; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}`);
    const run = await rush(ready.setup, { seconds, thinkMs, seed });
    const { ms: drainMs } = await ask<{ ms: number }>(child, 'idle', 'idle');
    const raw = new DynamoDBClient({ endpoint: ready.dynamo, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const events = await ledgerEvents(DynamoDBDocumentClient.from(raw), ready.table, values.county);
    raw.destroy();
    const check = checkLedger(values.county, events, run.acknowledged);
    const list = await fetch(`${ready.setup.apiUrl}/v1/years/${RUSH_YEAR}/proposals?county=${values.county}`, { headers: { authorization: `Bearer ${ready.setup.admin}` } });
    const view = viewDiffers(check.state, ((await list.json()) as { proposals: never[] }).proposals);
    report(run, check, view, drainMs);
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(run: RushRun, check: ReturnType<typeof checkLedger>, view: string[], drainMs: number): void {
  const { samples } = run;
  const byStatus = count(samples.map((s) => String(s.status)));
  const refusals = count(samples.filter((s) => s.code).map((s) => s.code!));
  const commands = samples.filter((s) => !s.op.startsWith('read') && s.op !== 'county list');
  const ms = (q: number, of = samples) => `${quantile(of.map((s) => s.ms), q).toFixed(0)} ms`;
  const serverErrors = samples.filter((s) => s.status >= 500).length;
  const line = (label: string, value: string | number) => console.log(`  ${label.padEnd(34)} ${value}`);
  console.log('');
  line('requests', `${samples.length} in ${run.seconds.toFixed(1)} s (${(samples.length / run.seconds).toFixed(0)}/s), ${commands.length} commands`);
  line('by status', Object.entries(byStatus).map(([s, n]) => `${s}: ${n}`).join(', '));
  line('refusals by code', Object.entries(refusals).map(([c, n]) => `${c} ${n}`).join(', ') || 'none');
  line('latency, all requests', `p50 ${ms(0.5)}, p99 ${ms(0.99)} (target p99 ≤ ${TARGET_P99_MS} ms), max ${ms(1)}`);
  line('latency, commands', `p50 ${ms(0.5, commands)}, p99 ${ms(0.99, commands)}`);
  const ops = [...new Set(samples.map((s) => s.op))].sort();
  line('p50 by action', ops.map((op) => `${op} ${ms(0.5, samples.filter((s) => s.op === op))}`).join(', '));
  line('acknowledged commands', run.acknowledged.length);
  line('ledger events', `${check.events} (the import and the commands)`);
  line('lost events', check.lost.length);
  line('duplicated events', check.duplicated.length);
  line('events without acknowledgement', check.unexplained.length);
  line('5xx / network errors', `${serverErrors} / ${run.networkErrors}`);
  line('invariants (R1 R2 R4 R5 R9)', check.invariants.length === 0 ? 'held' : `BROKEN: ${check.invariants.join('; ')}`);
  line('API view = folded ledger', view.length === 0 ? 'yes' : `NO: ${view.slice(0, 5).join('; ')}`);
  line('notices idle after the last answer', `${drainMs.toFixed(0)} ms`);
  for (const detail of [...check.lost, ...check.duplicated, ...check.unexplained].slice(0, 10)) console.log(`    ${detail}`);
  const ok = check.lost.length + check.duplicated.length + check.unexplained.length + serverErrors + run.networkErrors + check.invariants.length + view.length === 0;
  if (!ok) process.exitCode = 1;
}

function count(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

if (process.argv[2] === '--serve') void serve(process.argv[3]!, process.argv[4]!);
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
