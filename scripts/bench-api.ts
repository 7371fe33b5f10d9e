/**
 * `npm run bench:api -- [--concurrency 48] [--rate 200] [--rounds 6] [--warmup 200] [--raw-puts 0]
 *                       [--seed 1] [--api-containers <n>] [--cpu-prof <dir>] [--keep]`
 *
 * Load benchmark of the proposals API on the local stack (a script that prints, not a test
 * that asserts). The server runs as a child process (this file with `--serve`): the same
 * startLocalStack that `npm start` runs, on a fresh data directory, with the virtual clock
 * inside share year 2028's submission window. A child keeps the load generator off the
 * server's event loop and is how the stack is really used; it also reports the dynalite
 * endpoint, so the raw Put rate is measured on the very same dynalite instance and table.
 *
 * Workload: example shares for all 290 municipalities are imported; in each county (Gotland
 * alone has no partner and sits out) about a third of the municipalities receive and the
 * rest give. Every municipality is a virtual client. A giver submits to a receiver of its
 * county, then for `--rounds` rounds amends the amount (or, one time in six, the receiver),
 * or withdraws and submits anew; a receiver answers the proposals it is told of (9 of 10
 * consent, 1 declines; a declined giver submits anew). Some clients err as people do: a
 * double-clicked submit (GIVER_HAS_PROPOSAL), a receiver trying to give (ROLE_CONFLICT), a
 * consent that crosses an amendment or withdrawal (NOT_RECEIVER, INVALID_STATUS). Those are
 * counted as expected rule rejections; anything else that is not 2xx (5xx, LEDGER_BUSY,
 * network errors, other codes) is an error. Every request is a command (no reads).
 *
 * Two sessions, each on a fresh stack: (1) capacity: `--concurrency` requests in flight, back
 * to back; then, in the same run and on the same dynalite instance and table, the raw rate of
 * conditional PutItem (attribute_not_exists) of new ledger-event-like items from this process
 * at the same concurrency; (2) latency at `--rate` requests started per second (at most
 * `--concurrency` in flight), counted from when each request was due. Printed against the
 * targets: ≥ 200 requests/s, p99 ≤ 100 ms (at 200/s), the API at least a third of the raw Put
 * rate, 0 errors. The server also reports where its time went, from the stack's own counters
 * (stack.metrics(), every thread): DynamoDB requests per request by operation (refused
 * conditional writes = ledger contention retries, mostly), API and follower invocations, its
 * main thread's utilisation and CPU. The e-mail notices are not part of a request: the
 * follower sends them from the table's stream while the load runs; after the last answer the
 * bench waits until the stream is idle and prints how long that took, the records and
 * batches delivered, the largest delay of a record and the e-mails sent, so work the
 * requests leave behind is in the figures too. `--cpu-prof <dir>` writes V8 CPU profiles of
 * the server and prints the main thread's top packages and functions. The load average is
 * printed: other work on the machine lowers the numbers. `--api-containers` sets the stack's
 * number of API containers (worker threads running the API's handlers; default one per core,
 * as `npm start`; 0 runs them on the server's main thread).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LocalStackMetrics } from '../local/emulators/metrics';
import { seededRandom } from './seeded-random';

const NOW = '2027-09-01T10:00:00Z';
const YEAR = 2028;
const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(SELF, '../..');
/** Refusals a real client meets in this mix; any other non-2xx answer is an error. */
const EXPECTED_REJECTIONS = new Set(['GIVER_HAS_PROPOSAL', 'ROLE_CONFLICT', 'NOT_RECEIVER', 'INVALID_STATUS']);
const TARGET = { rate: 200, p99: 100, ratio: 1 / 3 };

// =====================================================================================
// Server side (the child process)
// =====================================================================================

/**
 * The server's counters over the load (stack.metrics() between 'reset' and 'stats': every
 * thread's DynamoDB requests, Lambda invocations by trigger) and its main thread and process.
 */
type ServerStats = { metrics: LocalStackMetrics; elu: number; cpuMs: { user: number; system: number }; wallMs: number };
/** What the stream did for the load: the wait for it to fall idle after the last answer, its counters, the e-mails sent. */
type NoticeStats = { drainMs: number; delivered: number; batches: number; failedBatches: number; dropped: number; maxLagMs: number; emails: number };

async function serve(dataDir: string, now: string, apiContainers: number | undefined): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [{ startLocalStack }, { diffMetrics }] = await Promise.all([import('../local/stack'), import('../local/emulators/metrics')]);
  const stack = await startLocalStack({ port: 0, dataDir, now, quiet: true, ...(apiContainers !== undefined && { apiContainers }) });
  let before = await stack.metrics();
  let elu = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let since = performance.now();
  const send = (message: unknown) => process.send!(message);
  send({ type: 'ready', apiUrl: stack.apiUrl, dynamo: stack.dynamo.endpoint, table: stack.dynamo.tableName });
  process.on('message', async (message: string) => {
    if (message === 'reset') {
      before = await stack.metrics();
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
      since = performance.now();
      send({ type: 'reset' });
    } else if (message === 'notices') {
      const waited = performance.now();
      await stack.streams.idle();
      const drainMs = performance.now() - waited;
      const { delivered, batches, failedBatches, dropped, maxLagMs } = stack.streams.metrics();
      const { sentEmails } = await import('../local/emulators/ses/ses');
      const notices: NoticeStats = { drainMs, delivered, batches, failedBatches, dropped, maxLagMs, emails: (await sentEmails(stack.sesUrl)).length };
      send({ type: 'notices', stats: notices });
    } else if (message === 'stats') {
      const used = process.cpuUsage(cpu);
      const utilization = performance.eventLoopUtilization(elu).utilization;
      const wallMs = performance.now() - since;
      const stats: ServerStats = {
        metrics: diffMetrics(await stack.metrics(), before),
        elu: utilization,
        cpuMs: { user: used.user / 1000, system: used.system / 1000 },
        wallMs,
      };
      send({ type: 'stats', stats });
    } else if (message === 'stop') {
      void stack.stop().then(() => process.exit(0));
    }
  });
}

// =====================================================================================
// Load generator (the parent process)
// =====================================================================================

interface Options {
  concurrency: number;
  /** Requests started per second in the second session (0: skip it). */
  rate: number;
  rounds: number;
  warmup: number;
  rawPuts: number;
  seed: number;
  cpuProf?: string;
  keep: boolean;
  /** The stack's apiContainers; undefined: its default. */
  apiContainers?: number;
}

interface Sample {
  op: string;
  county: string;
  status: number;
  code: string | undefined;
  ms: number;
  end: number;
}

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}


interface Session {
  label: string;
  /** Requests started per second (0: as fast as the in-flight limit allows). */
  rate: number;
  samples: Sample[];
  started: number;
  ended: number;
  clients: number;
  server: ServerStats;
  notices: NoticeStats;
  raw?: RawResult;
}

/**
 * Two sessions, each on a fresh local stack: the capacity (as many requests as
 * `--concurrency` allows, back to back) with the raw Put rate after it, and the latency at
 * the target rate (`--rate` requests started per second; latency counted from when a request
 * was due, so a server that falls behind cannot hide it). At a fixed number in flight,
 * latency is that number divided by the rate (Little's law): p99 ≤ 100 ms with 48 in flight
 * would take about 500 requests/s, so the latency target is checked at the target rate.
 */
async function bench(options: Options): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const containers = options.apiContainers ?? Math.max(1, cpuCount());
  const where = containers === 0 ? "the API's handlers on its main thread" : `the API's handlers in ${containers} worker thread${containers === 1 ? '' : 's'}`;
  console.log(`${cpuCount()} cores; server in a child process (the same startLocalStack as npm start; ${where}); seed ${options.seed}`);
  const capacity = await session(options, 'Capacity', 0, true);
  const paced = options.rate > 0 ? await session(options, `Rate ${options.rate}/s`, options.rate, false) : undefined;
  printTargets(options, capacity, paced);
}

async function session(options: Options, label: string, rate: number, measureRaw: boolean): Promise<Session> {
  const [{ loadOrCreateKeys, mintToken }, { exampleShares }, { MUNICIPALITIES, COUNTIES, municipalitiesOf }, { toPerMille }] = await Promise.all([
    import('../local/tools/tokens'),
    import('../local/tools/example-data'),
    import('../shared/reference'),
    import('../shared/domain/per-mille'),
  ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'omfordelning-bench-'));
  const server = await startServer(dataDir, options);
  try {
    console.log('');
    console.log(`=== ${label}: ${rate ? `${rate} requests started per second, ` : ''}at most ${options.concurrency} in flight — stack pid ${server.child.pid} at ${server.apiUrl}, dynalite ${server.dynamo}`);
    warnIfBusy('before the load');
    const keys = await loadOrCreateKeys(dataDir);
    const admin = await mintToken(keys, { 'cognito:groups': ['admin'] });
    const tokenOf = new Map<string, string>();
    for (const m of MUNICIPALITIES) tokenOf.set(m.code, await mintToken(keys, { 'cognito:groups': ['municipality'], 'custom:municipality': m.code }));
    const tokenCode = new Map([...tokenOf].map(([code, token]) => [token, code]));
    const countyOf = new Map(MUNICIPALITIES.map((m) => [m.code, m.county]));

    const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    const http = (method: string, path: string, token: string, body?: unknown) => call(agent, server.apiUrl, method, path, token, body);
    const shares = exampleShares();
    const imported = await http('PUT', `/v1/years/${YEAR}/shares`, admin, {
      shares: MUNICIPALITIES.map((m) => ({ municipality: m.code, perMille: toPerMille(shares[m.code]!) })),
    });
    if (imported.status !== 200) throw new Error(`Could not import the shares: ${imported.status} ${imported.text.slice(0, 300)}`);
    await server.request('reset');

    // --- The API under load -------------------------------------------------------------
    const random = seededRandom(options.seed);
    const limit = new Semaphore(options.concurrency);
    const samples: Sample[] = [];
    let nextSlot = 0;
    /** When the request is due: at once, or at the next slot of the rate. */
    const due = async (): Promise<number> => {
      const now = performance.now();
      if (!rate) return now;
      nextSlot = Math.max(now, nextSlot + 1000 / rate);
      const slot = nextSlot;
      if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
      return slot;
    };
    const timed = async (op: string, method: string, path: string, token: string, body?: unknown) => {
      const county = path.includes('/proposals/') ? countyOf.get(path.split('/')[5]!)! : countyOf.get(tokenCode.get(token)!)!;
      const dueAt = await due();
      await limit.acquire();
      const sent = performance.now();
      try {
        const res = await http(method, path, token, body);
        const end = performance.now();
        samples.push({ op, county, status: res.status, code: res.code, ms: end - (rate ? dueAt : sent), end });
        return res;
      } finally {
        limit.release();
      }
    };

    // A receiver's unanswered notices (one per giver: a newer mail about the same proposal
    // replaces the older); a notice is taken back when the proposal is withdrawn or moved.
    const inbox = new Map<string, Set<string>>();
    const wake = new Map<string, () => void>();
    const tell = (receiver: string, giver: string) => {
      inbox.get(receiver)!.add(giver);
      wake.get(receiver)?.();
    };
    const takeBack = (receiver: string, giver: string) => inbox.get(receiver)!.delete(giver);
    let giversLeft = 0;
    const clients: Promise<void>[] = [];
    const base = `/v1/years/${YEAR}/proposals`;
    const amountFor = (giver: string) => (1 + Math.floor(random() * Math.min(1000, shares[giver]!))) / 1000;

    const giver = async (code: string, receivers: string[]) => {
      const token = tokenOf.get(code)!;
      const pick = () => receivers[Math.floor(random() * receivers.length)]!;
      let receiver = pick();
      const submit = async () => {
        receiver = pick();
        const res = await timed('submit', 'POST', base, token, { receiver, perMille: amountFor(code) });
        if (res.status === 201) tell(receiver, code);
        return res.status === 201;
      };
      let live = await submit();
      if (random() < 0.05) await timed('submit (twice)', 'POST', base, token, { receiver, perMille: amountFor(code) });
      for (let round = 0; round < options.rounds; round++) {
        if (!live) {
          live = await submit();
          continue;
        }
        const r = random();
        if (r < 0.1) {
          const res = await timed('withdraw', 'DELETE', `${base}/${code}`, token);
          if (res.status === 200) takeBack(receiver, code);
          live = await submit();
          continue;
        }
        const move = r < 0.25 && receivers.length > 1;
        const next = move ? receivers.filter((x) => x !== receiver)[Math.floor(random() * (receivers.length - 1))]! : receiver;
        const res = await timed(move ? 'amend (receiver)' : 'amend (amount)', 'PATCH', `${base}/${code}`, token, move ? { receiver: next } : { perMille: amountFor(code) });
        if (res.status === 200) {
          if (next !== receiver) takeBack(receiver, code);
          receiver = next;
          tell(receiver, code);
        } else if (res.code === 'INVALID_STATUS') live = false; // declined meanwhile: submit anew
      }
      giversLeft--;
      if (giversLeft === 0) for (const w of wake.values()) w();
    };

    const receiver = async (code: string) => {
      const token = tokenOf.get(code)!;
      const queue = inbox.get(code)!;
      let triedToGive = random() >= 0.05;
      for (;;) {
        const next: string | undefined = queue.values().next().value;
        if (next === undefined) {
          if (giversLeft === 0) return;
          await new Promise<void>((resolve) => wake.set(code, resolve));
          wake.delete(code);
          continue;
        }
        queue.delete(next);
        const accept = random() < 0.9;
        const res = await timed(accept ? 'consent' : 'decline', 'POST', `${base}/${next}/consent`, token, { accept });
        if (res.status === 200 && !triedToGive) {
          triedToGive = true; // a receiver tries to give as well: ROLE_CONFLICT
          await timed('submit (receiver)', 'POST', base, token, { receiver: next, perMille: 0.001 });
        }
      }
    };

    for (const county of COUNTIES) {
      const codes = municipalitiesOf(county.code).map((m) => m.code);
      if (codes.length < 2) continue; // Gotland: no one to redistribute with
      const shuffled = [...codes].sort(() => random() - 0.5);
      const receivers = shuffled.slice(0, Math.max(1, Math.round(codes.length / 3)));
      for (const r of receivers) inbox.set(r, new Set());
      for (const g of shuffled.slice(receivers.length)) {
        giversLeft++;
        clients.push(giver(g, receivers));
      }
      for (const r of receivers) clients.push(receiver(r));
    }
    const started = performance.now();
    await Promise.all(clients);
    const ended = performance.now();
    const notices = await server.request<NoticeStats>('notices');
    const serverStats = await server.request<ServerStats>('stats');
    warnIfBusy('after the load (1-minute average, the load itself included)');
    agent.destroy();

    // --- Raw dynalite conditional Puts on the same instance and table ---------------------
    const raw = measureRaw ? await rawPutRate(server.dynamo, server.table, options.concurrency, options.rawPuts || Math.max(3000, samples.length)) : undefined;
    const result: Session = { label, rate, samples, started, ended, clients: clients.length, server: serverStats, notices, ...(raw && { raw }) };
    report(options, result);
    return result;
  } finally {
    await server.stop();
    if (options.cpuProf) printCpuProfile(options.cpuProf, server.child.pid!);
    if (options.keep) console.log(`Data directory kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Reply {
  status: number;
  code: string | undefined;
  text: string;
}

function call(agent: Agent, base: string, method: string, path: string, token: string, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = httpRequest(
      base + path,
      {
        method,
        agent,
        headers: { authorization: `Bearer ${token}`, ...(payload !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let code: string | undefined;
          if (res.statusCode! >= 300) {
            try {
              code = JSON.parse(text).error?.code;
            } catch {
              code = 'NOT_JSON';
            }
          }
          resolve({ status: res.statusCode!, code, text });
        });
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, code: error.code ?? error.message, text: '' }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, code: error.code ?? error.message, text: '' }));
    req.end(payload);
  });
}

interface RawResult {
  puts: number;
  failed: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  /** CPU of this process (the SDK client) per Put: what one SDK call costs its caller. */
  clientCpuMsPerPut: number;
}

/** Conditional PutItem of new keys, shaped like ledger events, `concurrency` in flight. */
async function rawPutRate(endpoint: string, table: string, concurrency: number, count: number): Promise<RawResult> {
  const [{ DynamoDBClient }, { PutCommand }, { documentClient }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('../shared/adapters/dynamodb/client'),
  ]);
  const rawClient = new DynamoDBClient({ endpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const db = documentClient({ client: rawClient });
  const put = (i: number) =>
    db.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `BENCH#RAW#C#${String(i % 21).padStart(2, '0')}`,
          sk: `E#${String(i).padStart(9, '0')}`,
          seq: i,
          at: new Date().toISOString(),
          actor: { role: 'municipality', id: '0360' },
          body: { type: 'ProposalAmended', giver: '0360', receiver: '0380', perMille: 1234 },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  for (let i = 0; i < 50; i++) await put(-1 - i); // warm the connections and the client
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        try {
          await put(i);
        } catch {
          failed++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  rawClient.destroy();
  latencies.sort((a, b) => a - b);
  const clientCpuMsPerPut = (used.user + used.system) / 1000 / count;
  return { puts: count, failed, seconds, rate: count / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), clientCpuMsPerPut };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const f = (n: number) => n.toFixed(1);
const isOk = (s: Sample) => s.status >= 200 && s.status < 300;
const isExpected = (s: Sample) => !isOk(s) && (s.status === 403 || s.status === 409 || s.status === 422) && EXPECTED_REJECTIONS.has(s.code ?? '');

/** Rate and latency after the warm-up (the first `--warmup` answers, at most a fifth). */
function steadyState(options: Options, r: Session): { rate: number; ms: number[]; count: number } {
  const byEnd = [...r.samples].sort((a, b) => a.end - b.end);
  const steady = byEnd.slice(Math.min(options.warmup, Math.floor(byEnd.length / 5)));
  const from = steady.length < byEnd.length ? byEnd[byEnd.length - steady.length - 1]!.end : r.started;
  return { rate: steady.length / ((r.ended - from) / 1000), ms: steady.map((s) => s.ms).sort((a, b) => a - b), count: steady.length };
}

function report(options: Options, r: Session): void {
  const { samples, started, ended, server } = r;
  const { rate, ms, count } = steadyState(options, r);
  const errors = samples.filter((s) => !isOk(s) && !isExpected(s));

  console.log(`Load: ${r.clients} virtual clients (municipalities), ${options.rounds} amendment rounds; ${samples.length} requests in ${f((ended - started) / 1000)} s, the first ${samples.length - count} counted as warm-up`);
  console.log(`API (steady state, ${count} requests):  ${f(rate)} requests/s   p50 ${f(percentile(ms, 0.5))} ms   p90 ${f(percentile(ms, 0.9))} ms   p99 ${f(percentile(ms, 0.99))} ms   max ${f(ms.at(-1) ?? NaN)} ms${r.rate ? '  (latency from when the request was due)' : ''}`);
  console.log('Per operation (all requests, warm-up included):');
  const ops = new Map<string, Sample[]>();
  for (const s of samples) ops.set(s.op, [...(ops.get(s.op) ?? []), s]);
  for (const [op, list] of [...ops].sort((a, b) => b[1].length - a[1].length)) {
    const l = list.map((s) => s.ms).sort((a, b) => a - b);
    console.log(`  ${op.padEnd(18)} ${String(list.length).padStart(6)}   p50 ${f(percentile(l, 0.5)).padStart(6)} ms   p99 ${f(percentile(l, 0.99)).padStart(6)} ms`);
  }
  console.log('Per county (the largest; the ledger is per county and year; all requests, warm-up included):');
  const byCounty = new Map<string, number[]>();
  for (const s of samples) byCounty.set(s.county, [...(byCounty.get(s.county) ?? []), s.ms]);
  for (const [county, list] of [...byCounty].sort((a, b) => b[1].length - a[1].length).slice(0, 3)) {
    const l = list.sort((a, b) => a - b);
    console.log(`  county ${county}  ${String(l.length).padStart(6)}   p50 ${f(percentile(l, 0.5)).padStart(6)} ms   p99 ${f(percentile(l, 0.99)).padStart(6)} ms`);
  }
  console.log('Per status and code:');
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = `${s.status}${s.code ? ` ${s.code}` : ''}${isOk(s) ? '' : isExpected(s) ? '  (expected rejection)' : '  (ERROR)'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, n] of [...counts].sort()) console.log(`  ${key.padEnd(44)} ${String(n).padStart(6)}`);
  console.log(`Expected rejections: ${samples.filter(isExpected).length}   Errors: ${errors.length}`);
  for (const e of errors.slice(0, 5)) console.log(`  error: ${e.op}: ${e.status} ${e.code ?? ''}`);

  const nt = r.notices;
  console.log(`E-mail notices (the follower on the table's stream, outside the requests): ${nt.emails} e-mails for ${nt.delivered} records in ${nt.batches} batches; largest delay of a record ${f(nt.maxLagMs)} ms; all sent ${f(nt.drainMs)} ms after the last answer${nt.failedBatches || nt.dropped ? `; failed batches ${nt.failedBatches}, dropped ${nt.dropped} (ERROR)` : ''}`);
  console.log("Server during the load, follower included (average per API request; the stack's counters, every thread):");
  const n = samples.length;
  const { dynamo, lambda } = server.metrics;
  const dynamoRequests = Object.values(dynamo.requests).reduce((a, b) => a + b, 0);
  console.log('  DynamoDB requests by operation (API containers, follower and workflow):');
  for (const [operation, count] of Object.entries(dynamo.requests).sort((a, b) => b[1] - a[1])) {
    const failed = dynamo.errors[operation] ? `   errors ${dynamo.errors[operation]} (${f((100 * dynamo.errors[operation]!) / count)} %)` : '';
    console.log(`    ${operation.padEnd(24)} ${(count / n).toFixed(2).padStart(6)} per API request   ${String(count).padStart(7)} in all${failed}`);
  }
  console.log(`  DynamoDB requests per API request: ${(dynamoRequests / n).toFixed(2)}; conditional-check failures (lost ledger races, stale views): ${dynamo.conditionalCheckFailures} (${(dynamo.conditionalCheckFailures / n).toFixed(3)} per API request)`);
  const byTrigger = (trigger: 'api' | 'workflow' | 'stream') => {
    const fns = Object.values(lambda).filter((fn) => fn.trigger === trigger);
    const count = fns.reduce((a, fn) => a + fn.count, 0);
    const ms = fns.reduce((a, fn) => a + fn.ms, 0);
    return `${count} (${(count / n).toFixed(2)} per API request, ${f(count ? ms / count : 0)} ms each)`;
  };
  const workflow = Object.values(lambda).some((fn) => fn.trigger === 'workflow') ? `, workflow tasks ${byTrigger('workflow')}` : '';
  console.log(`  Lambda invocations: API ${byTrigger('api')}, follower (stream batches) ${byTrigger('stream')}${workflow}`);
  const busyMs = server.elu * server.wallMs;
  console.log(`  Main thread time per API request: ${f(busyMs / n)} ms (single-thread ceiling: ${f(1000 / (busyMs / n))} requests/s)`);
  console.log(`  Main thread event loop utilisation: ${(server.elu * 100).toFixed(0)} %   CPU (whole process, every thread: dynalite, API containers, follower): ${f(server.cpuMs.user / 1000)} s user + ${f(server.cpuMs.system / 1000)} s system in ${f(server.wallMs / 1000)} s = ${f(((server.cpuMs.user + server.cpuMs.system) / server.wallMs) * 100)} % of one core`);
  if (r.raw) {
    const raw = r.raw;
    console.log(`Raw dynalite, conditional PutItem (same instance and table, ${options.concurrency} in flight): ${raw.puts} in ${f(raw.seconds)} s = ${f(raw.rate)} Put/s   p50 ${f(raw.p50)} ms   p99 ${f(raw.p99)} ms${raw.failed ? `   failed ${raw.failed}` : ''}`);
    console.log(`  Client CPU per Put (what one SDK call costs its caller): ${raw.clientCpuMsPerPut.toFixed(2)} ms`);
    console.log(`Ratio API/raw Put: ${(rate / raw.rate).toFixed(3)} (1/${(raw.rate / rate).toFixed(1)})`);
  }
}

function printTargets(options: Options, capacity: Session, paced: Session | undefined): void {
  const cap = steadyState(options, capacity);
  const mark = (okay: boolean) => (okay ? 'met' : 'NOT met');
  const errors = [capacity, ...(paced ? [paced] : [])].flatMap((r) => r.samples).filter((s) => !isOk(s) && !isExpected(s)).length;
  console.log('');
  console.log('=== Summary');
  console.log(`Capacity: ${f(cap.rate)} requests/s (${options.concurrency} in flight; p50 ${f(percentile(cap.ms, 0.5))} ms, p99 ${f(percentile(cap.ms, 0.99))} ms)`);
  if (capacity.raw) console.log(`Raw conditional Put: ${f(capacity.raw.rate)} Put/s; ratio ${(cap.rate / capacity.raw.rate).toFixed(3)}`);
  console.log(`Target: ≥ ${TARGET.rate} requests/s: ${f(cap.rate)} → ${mark(cap.rate >= TARGET.rate)}`);
  if (paced) {
    const p = steadyState(options, paced);
    const p99 = percentile(p.ms, 0.99);
    const kept = p.rate >= 0.95 * paced.rate;
    console.log(`Target: p99 ≤ ${TARGET.p99} ms at ${paced.rate} requests/s: achieved rate ${f(p.rate)}/s, p50 ${f(percentile(p.ms, 0.5))} ms, p99 ${f(p99)} ms → ${mark(kept && p99 <= TARGET.p99)}`);
  } else console.log(`Target: p99 ≤ ${TARGET.p99} ms: not measured (--rate 0); at ${options.concurrency} in flight: p99 ${f(percentile(cap.ms, 0.99))} ms`);
  if (capacity.raw) console.log(`Target: API ≥ 1/3 of the raw Put rate: ${(cap.rate / capacity.raw.rate).toFixed(3)} → ${mark(cap.rate / capacity.raw.rate >= TARGET.ratio)}`);
  console.log(`Target: 0 errors besides expected rejections: ${errors} → ${mark(errors === 0)}`);
}

interface ServerHandle {
  child: ChildProcess;
  apiUrl: string;
  dynamo: string;
  table: string;
  request<T>(message: 'reset' | 'stats' | 'notices'): Promise<T>;
  stop(): Promise<void>;
}

async function startServer(dataDir: string, options: Options): Promise<ServerHandle> {
  const execArgv = [...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(options.cpuProf)}`] : []), '--import', 'tsx'];
  const child = spawn(process.execPath, [...execArgv, SELF, '--serve', dataDir, NOW, ...(options.apiContainers !== undefined ? [String(options.apiContainers)] : [])], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The handlers log a line per e-mail: drain stdout, or a full pipe would stall the server.
  child.stdout!.resume();
  const errorLines: string[] = [];
  let errorCount = 0;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      errorCount++;
      if (errorLines.length < 5) errorLines.push(line.slice(0, 300));
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const messages: { type: string; [key: string]: any }[] = [];
  const waiters: ((m: any) => void)[] = [];
  child.on('message', (m: any) => {
    const w = waiters.shift();
    if (w) w(m);
    else messages.push(m);
  });
  const nextMessage = <T>(): Promise<T> =>
    messages.length ? Promise.resolve(messages.shift() as T) : new Promise<T>((resolve) => waiters.push(resolve as (m: any) => void));
  const ready = await Promise.race([
    nextMessage<{ type: 'ready'; apiUrl: string; dynamo: string; table: string }>(),
    exited.then((code) => {
      throw new Error(`Server exited (code ${code}) before it was ready:\n${errorLines.join('\n')}`);
    }),
  ]);
  return {
    child,
    apiUrl: ready.apiUrl,
    dynamo: ready.dynamo,
    table: ready.table,
    async request<T>(message: 'reset' | 'stats' | 'notices') {
      child.send(message);
      const reply = await nextMessage<{ type: string; stats?: T }>();
      return reply.stats as T;
    },
    async stop() {
      if (child.exitCode === null) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      if (errorCount > 0) console.log(`\nServer stderr: ${errorCount} lines, the first:\n  ${errorLines.join('\n  ')}`);
    },
  };
}

/** Other work on the machine skews the numbers: say so (load average over 1 minute). */
function warnIfBusy(when: string): void {
  const [one] = loadavg();
  console.log(`Machine load ${when}: ${one!.toFixed(2)}${one! > 0.5 && when.startsWith('before') ? '  (NOTE: other work is running; the numbers will be lower and noisier)' : ''}`);
}

function cpuCount(): number {
  return availableParallelism();
}

/** Top self time of the server's main thread, by function and by package. */
type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
};

/** Self time per profile node, without idle time. */
function busyTime(profile: CpuProfile): Map<number, number> {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return selfUs;
}

function printCpuProfile(dir: string, pid: number): void {
  // One profile per thread of the server (tsx's loader thread too): the main thread is the busiest.
  const candidates = readdirSync(resolve(dir))
    .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`))
    .map((f) => {
      const profile = JSON.parse(readFileSync(join(resolve(dir), f), 'utf8')) as CpuProfile;
      const selfUs = busyTime(profile);
      return { f, profile, selfUs, total: [...selfUs.values()].reduce((a, b) => a + b, 0) };
    })
    .sort((a, b) => b.total - a.total);
  const busiest = candidates[0];
  if (!busiest) return void console.log(`No CPU profile for pid ${pid} in ${dir}`);
  const { f: latest, profile, selfUs, total } = busiest;
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodeById.get(id)!.callFrame;
    const where = url.replace(/^file:\/\//, '').replace(ROOT, '');
    byFunction.set(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, (byFunction.get(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`) ?? 0) + us);
    byPackage.set(packageOf(where, functionName), (byPackage.get(packageOf(where, functionName)) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`\nCPU profile (server's main thread, ${latest}: ${(total / 1e6).toFixed(1)} s busy, whole run including startup):`);
  const byCategory = new Map<string, number>();
  for (const [name, us] of byPackage) byCategory.set(categoryOf(name), (byCategory.get(categoryOf(name)) ?? 0) + us);
  console.log('  Per category:');
  for (const [name, us] of [...byCategory].sort((a, b) => b[1] - a[1])) console.log(`    ${pct(us)}  ${name}`);
  console.log('  Per package:');
  for (const [name, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`    ${pct(us)}  ${name}`);
  console.log('  Per function (self time):');
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`    ${pct(us)}  ${name}`);
}

function categoryOf(pkg: string): string {
  if (/^@(aws-sdk|smithy|aws-crypto)\//.test(pkg) || pkg === 'fast-xml-parser' || pkg === 'bowser') return 'AWS SDK (DynamoDB and SES clients)';
  if (/^node:(_http|http|net|stream|events|dns|buffer|internal\/(streams|http))/.test(pkg) || pkg === 'node:internal' || pkg === 'node (built-in)') return 'Node (http, net, streams, timers, microtasks)';
  if (pkg === '(garbage collector)') return 'garbage collection';
  if (['express', 'body-parser', 'aws-ses-v2-local', 'router', 'raw-body', 'iconv-lite', 'qs', 'send', 'finalhandler', 'serve-static', 'nodemailer', 'mailparser'].includes(pkg)) return 'SES emulator (aws-ses-v2-local in the same process)';
  if (/^(shared|functions)\//.test(pkg)) return 'the app (shared/, functions/)';
  if (pkg.startsWith('local/')) return 'local API server (local/)';
  if (['aws-cdk-lib', 'constructs', 'tsx', 'ajv', 'esbuild', 'jsonschema', 'yaml'].includes(pkg)) return 'startup (CDK template synthesis, tsx)';
  if (pkg === 'zod' || pkg === 'jose') return 'zod and jose';
  return 'other';
}

function packageOf(where: string, functionName: string): string {
  if (where === '') return functionName.startsWith('(') ? functionName : 'node (built-in)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (pkg) return pkg[1]!;
  if (where.startsWith('node:')) return `node:${where.slice(5).split('/')[0]}`;
  const dir = /^\/?([^/]+\/[^/]+)\//.exec(where);
  return dir ? dir[1]! : where;
}

// =====================================================================================

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      concurrency: { type: 'string', default: '48' },
      rate: { type: 'string', default: String(TARGET.rate) },
      rounds: { type: 'string', default: '6' },
      warmup: { type: 'string', default: '200' },
      'raw-puts': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      'api-containers': { type: 'string' },
      'cpu-prof': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  return {
    concurrency: int('concurrency', values.concurrency, 1),
    rate: int('rate', values.rate, 0),
    rounds: int('rounds', values.rounds, 0),
    warmup: int('warmup', values.warmup, 0),
    rawPuts: int('raw-puts', values['raw-puts'], 0),
    seed: int('seed', values.seed, 0),
    ...(values['api-containers'] !== undefined && { apiContainers: int('api-containers', values['api-containers'], 0) }),
    ...(values['cpu-prof'] !== undefined && { cpuProf: values['cpu-prof'] }),
    keep: values.keep ?? false,
  };
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3]!, process.argv[4]!, process.argv[5] ? Number(process.argv[5]) : undefined).catch((error: unknown) => {
    console.error(`bench-server: ${String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  });
} else {
  bench(parseOptions(process.argv.slice(2))).catch((error: unknown) => {
    console.error(String((error as Error)?.stack ?? error));
    process.exit(1);
  });
}
