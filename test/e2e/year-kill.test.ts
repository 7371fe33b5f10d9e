/**
 * `kill -9` mid-year: the local stack (`npm start`, its own process) is killed with SIGKILL
 * twice, once just as the submission window closes and once while the county review waits
 * for the county's report, and started again on the same data directory each time. The
 * year's one execution resumes (from the beginning, passing over what the year has done),
 * and the year ends with exactly the final shares of an undisturbed run of the same year.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTIONS_FILE } from '../../local/emulators/step-functions';
import type { ShareRow } from '../../shared/schemas/api';
import { spawnLocalStack, startTestStack, tempDataDir, type SpawnedStack } from '../support/local-stack';
import {
  CALENDAR,
  callerFor,
  decideAndReport,
  finalShares,
  finishSmallYear,
  milestoneDone,
  proposeAndAgree,
  setClock,
  SMALL_YEAR,
  START,
  startSmallYear,
  WINDOW_CLOSES,
} from '../support/small-year';
import { sleep, waitFor } from '../support/workflow';

const dataDir = tempDataDir('omfordelning-e2e-kill-');
/** Virtual times the stack is started again at: the clock is not kept, and a few seconds passed before the kill. */
const after = (instant: string, seconds: number) => new Date(Date.parse(instant) + seconds * 1000).toISOString();
let cli: SpawnedStack | undefined;
let undisturbed: ShareRow[];
let disturbed: ShareRow[];

async function spawnAt(now: string): Promise<SpawnedStack> {
  cli = await spawnLocalStack(['--port', '0', '--data-dir', dataDir, '--now', now, '--quiet']);
  if (!cli.apiUrl) throw new Error(`the local stack did not start:\n${cli.output()}`);
  return cli;
}

async function killNow(): Promise<void> {
  expect(await cli!.stop('SIGKILL')).toBeNull();
  expect(cli!.child.signalCode).toBe('SIGKILL');
}

beforeAll(async () => {
  const stack = await startTestStack({ now: START, workflow: { waitPollMs: 100 } });
  try {
    const call = await callerFor(() => stack.apiUrl, stack.dataDir);
    await startSmallYear(call);
    await setClock(stack.apiUrl, CALENDAR.publishAt);
    await milestoneDone(call, 'publish');
    await proposeAndAgree(call);
    await setClock(stack.apiUrl, WINDOW_CLOSES);
    undisturbed = await finishSmallYear(call, () => stack.apiUrl);
  } finally {
    await stack.stop();
  }

  await spawnAt(START);
  const call = await callerFor(() => cli!.apiUrl!, dataDir);
  await startSmallYear(call);
  await setClock(cli!.apiUrl!, CALENDAR.publishAt);
  await milestoneDone(call, 'publish');
  await proposeAndAgree(call);
  // The first kill: as the window closes (the execution's next poll acts on it).
  await setClock(cli!.apiUrl!, WINDOW_CLOSES);
  await sleep(1200);
  await killNow();

  await spawnAt(after(WINDOW_CLOSES, 30));
  await milestoneDone(call, 'deadline');
  // The second: while the county review waits for the county's report (its task token is lost with the process).
  await sleep(1500);
  await killNow();

  await spawnAt(after(WINDOW_CLOSES, 90));
  await decideAndReport(call);
  await setClock(cli!.apiUrl!, CALENDAR.countyReportAt);
  await milestoneDone(call, 'countyReports');
  await setClock(cli!.apiUrl!, CALENDAR.finalizeAt);
  const cycle = await milestoneDone(call, 'finalize');
  expect(cycle.phase).toBe('FINAL');
  disturbed = await finalShares(call);
}, 120_000);

afterAll(async () => {
  if (cli) await cli.stop('SIGINT');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 of the local stack mid-year', () => {
  it('ends the year with the same final shares as an undisturbed run', () => {
    expect(undisturbed.map((s) => s.finalPerMille)).not.toContain(null);
    // Something moved: the approved proposal (Tierp 0,5 ‰ to Uppsala).
    expect(undisturbed.find((s) => s.municipality === '0360')!.finalPerMille).not.toBe(undisturbed.find((s) => s.municipality === '0360')!.preliminaryPerMille);
    expect(disturbed).toEqual(undisturbed);
  });

  it('resumed the one execution of the year at each start, and it succeeded', async () => {
    const executions = () =>
      (JSON.parse(readFileSync(join(dataDir, EXECUTIONS_FILE), 'utf8')) as { executions: { name: string; status: string; restarts?: number }[] }).executions;
    await waitFor('the execution to succeed', () => executions()[0]?.status === 'SUCCEEDED');
    expect(executions().map((e) => [e.name, e.status, e.restarts])).toEqual([[`cycle-${SMALL_YEAR}`, 'SUCCEEDED', 2]]);
  });
});
