/**
 * `npm run status` (scripts/status.ts, its own process) against a test stack: the phase, the
 * next milestone in Stockholm time, each county's proposals by state and its report, and the
 * e-mail failures, in Swedish; a clear line when no stack answers.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OPEN_NOW, YEAR, importExampleShares } from '../support/e2e';
import { PROJECT_ROOT, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  const admin = await stack.tokenFor({ role: 'admin' });
  await importExampleShares(stack, admin, YEAR, ['03']);
  const tierp = await stack.tokenFor({ role: 'municipality', municipality: '0360' });
  const heby = await stack.tokenFor({ role: 'municipality', municipality: '0331' });
  expect((await stack.request('POST', `/v1/years/${YEAR}/proposals`, { token: tierp, json: { receiver: '0380', perMille: 0.5 } })).status).toBe(201);
  expect((await stack.request('POST', `/v1/years/${YEAR}/proposals`, { token: heby, json: { receiver: '0380', perMille: 0.5 } })).status).toBe(201);
  expect((await stack.request('POST', `/v1/years/${YEAR}/proposals/0331/consent`, { token: await stack.tokenFor({ role: 'municipality', municipality: '0380' }), json: { accept: true } })).status).toBe(200);
  await stack.emails(); // the notices are sent (and logged) before the status reads them
}, 90_000);
afterAll(() => stack?.stop());

/** The script in its own process (asynchronously: the stack answers from this one). */
const status = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'scripts/status.ts', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30_000, env }, (_, stdout, stderr) =>
      resolve({ status: child.exitCode, stdout, stderr }),
    );
  });

it('prints the year, its next milestone, the counties and the e-mail', async () => {
  const run = await status(['--url', stack.apiUrl, '--year', String(YEAR), '--data-dir', stack.dataDir]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines.slice(0, 4)).toEqual([
    `Omfördelning ${YEAR}`,
    'Fas: öppet (kommunerna kan lämna förslag)',
    // No workflow runs on this stack: the publication (default date, Stockholm time) is past but not done.
    'Nästa milstolpe: publicering, perioden för förslag öppnar, 16 augusti 2027 kl. 09:00 (tiden har passerat, men milstolpen är inte utförd)',
    'Arbetsflödet: inte startat',
  ]);
  expect(lines).toContain('  03 Uppsala län: 1 väntar på samtycke, 1 överenskommet; rapport inte inlämnad');
  expect(lines).toContain('  01 Stockholms län: inga förslag; rapport inte inlämnad');
  expect(lines.filter((l) => /^ {2}\d\d /.test(l))).toHaveLength(21);
  expect(lines).toContain('E-postfel: inga');
  expect(lines.find((l) => l.startsWith('E-post:'))).toMatch(/^E-post: [1-9]\d* skickade meddelanden$/);
});

it('says in one line when no stack answers, or a deployed one has no token', async () => {
  const down = await status(['--url', 'http://127.0.0.1:9', '--data-dir', stack.dataDir]);
  expect(down.status).toBe(1);
  expect(down.stderr.trim()).toBe('Ingen stack svarar på http://127.0.0.1:9 (starta den lokala med npm start, eller ange --url).');
  const deployed = await status(['--url', 'https://api.example.se'], { ...process.env, OMFORDELNING_TOKEN: '' });
  expect(deployed.status).toBe(1);
  expect(deployed.stderr.trim()).toBe('Ange en administratörs ID-token med --token eller OMFORDELNING_TOKEN (för en driftsatt stack).');
});
