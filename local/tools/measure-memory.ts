/**
 * Does an execution that polls for months keep its memory flat? Runs the template's state
 * machine in the local runner with stub tasks (the check always answers WAIT) and a 1 ms
 * Wait poll, and prints the heap after a full GC every `step` Wait rounds; then the same
 * rounds on the bare emulator without draining its event log, for comparison.
 *
 *   node --expose-gc --import tsx local/tools/measure-memory.ts [rounds=20000] [step=5000]
 *
 * One round is Wait → Check → Choice (a 1 s poll in the local stack: 20 000 rounds ≈ 5.5 h).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeTemplate } from '../../infra/synth';
import { STATES } from '../../shared/workflow/contract';
import { createClock } from '../emulators/clock';
import { localDefinition } from '../emulators/step-functions/definition';
import { WorkflowRunner } from '../emulators/step-functions/runner';

const rounds = Number(process.argv[2] ?? 20_000);
const step = Number(process.argv[3] ?? 5_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc');

const EVENTS_PER_ROUND = 6; // Wait, Check, Choice: entered + exited each
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

process.env.CDK_VALIDATION ??= 'false';
const definition = localDefinition(synthesizeTemplate(), { region: 'eu-north-1', accountId: '000000000000' });
const milestone = { kind: 'publish', id: 'publish', at: '2099-08-15T07:00:00Z' };
let checks = 0;
const stubs: Record<string, () => unknown> = {
  [definition.tasks[STATES.plan]!.entry]: () => ({ year: 2099, next: 'stub' }),
  [definition.tasks[STATES.check]!.entry]: () => {
    checks++;
    return { status: 'WAIT', milestone, waitUntil: '2099-08-15T07:00:00Z' };
  },
};

async function measureRunner(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'omfordelning-memory-'));
  const runner = await WorkflowRunner.create({
    definition,
    file: join(dir, 'executions.json'),
    clock: createClock(),
    loadHandler: async (entry) => stubs[entry] ?? (() => null),
    region: 'eu-north-1',
    accountId: '000000000000',
    waitPollMs: 1,
  });
  runner.startExecution({ stateMachineArn: definition.stateMachineArn, name: 'cycle-2099', input: '{"year":2099}' });
  const started = performance.now();
  let base: number | undefined;
  for (let target = 1_000; target <= rounds; target = target === 1_000 ? step : target + step) {
    while (checks < target) await sleep(20);
    const used = heap();
    base ??= used;
    const info = runner.executions()[0]!;
    console.log(
      `runner   rounds ${String(checks).padStart(6)}  heapUsed ${mb(used)} MB  (${used >= base ? '+' : ''}${mb(used - base)} MB since round 1000)  events drained ${info.events}`,
    );
  }
  console.log(`runner   ${checks} rounds in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await runner.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** The same rounds on the bare emulator, its event log never read: what the runner's draining avoids. */
async function measureUndrained(): Promise<void> {
  await import('../emulators/step-functions/polyfill');
  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(structuredClone(definition.local) as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { noValidate: true } });
  checks = 0;
  const handlers = Object.fromEntries(Object.values(definition.tasks).map((t) => [t.state, async () => (stubs[t.entry] ?? (() => null))() as never]));
  const execution = machine.run(
    { year: 2099 },
    { overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: { [STATES.wait]: 1 } }, noThrowOnAbort: true, context: { Execution: { Id: 'x' } } },
  );
  let base: number | undefined;
  const limit = Math.min(rounds, 20_000);
  for (let target = 1_000; target <= limit; target = target === 1_000 ? step : target + step) {
    while (checks < target) await sleep(20);
    const used = heap();
    base ??= used;
    console.log(`undrained rounds ${String(checks).padStart(6)}  heapUsed ${mb(used)} MB  (+${mb(used - base)} MB since round 1000)  events queued ≈ ${checks * EVENTS_PER_ROUND}`);
  }
  execution.abort();
}

await measureRunner();
await measureUndrained();
