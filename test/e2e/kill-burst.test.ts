/**
 * `kill -9` of the local stack (`npm start`, its own process) in the middle of a burst of
 * 100 proposals, then a restart on the same data directory: every acknowledged proposal is
 * there, and its notices (to the receiver and the giver's receipt) are each sent exactly once
 * per recipient, as the SES emulator's mailbox (kept on disk) shows.
 *
 * The one duplicate the design allows (shared/app/notify.ts): a mail SES accepted in the
 * instant before the kill whose marker was not written yet is sent again. The test finds
 * those exactly, by reading the markers between the kill and the restart, and allows a
 * second copy only of them.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/emulators/account';
import { startDynalite } from '../../local/emulators/dynamodb/dynalite';
import { addresses, sentEmails, type StoredEmail } from '../../local/emulators/ses/ses';
import { LOCAL_TABLE_NAME } from '../../local/stack';
import { claimsFor, loadOrCreateKeys, mintToken, type LocalClaims } from '../../local/tools/tokens';
import { COUNTIES, municipalitiesOf } from '../../shared/reference';
import { defaultMunicipalityContact } from '../../shared/notifications/default-contacts';
import { OPEN_NOW, YEAR, shareRows } from '../support/e2e';
import { spawnLocalStack, tempDataDir, type SpawnedStack } from '../support/local-stack';

const dataDir = tempDataDir('omfordelning-e2e-kill-');
const children: SpawnedStack[] = [];
afterAll(async () => {
  for (const child of children) await child.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** 100 proposals, each giver once, to the next municipality of its county. */
const PROPOSALS = COUNTIES.flatMap((c) => {
  const codes = municipalitiesOf(c.code).map((m) => m.code);
  return codes.slice(0, -1).map((giver, i) => ({ giver, receiver: codes[i + 1]! }));
}).slice(0, 100);

async function start(): Promise<{ stack: SpawnedStack; api: string; ses: string }> {
  const stack = await spawnLocalStack(['--port', '0', '--data-dir', dataDir, '--now', OPEN_NOW], { timeoutMs: 90_000 });
  children.push(stack);
  for (let i = 0; i < 50 && !/E-post:\s+http/.test(stack.output()); i++) await new Promise((r) => setTimeout(r, 100));
  const ses = /E-post:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output());
  expect(stack.apiUrl && ses, stack.output()).toBeTruthy();
  return { stack, api: stack.apiUrl!, ses: ses![1]! };
}

const keys = loadOrCreateKeys(dataDir);
const token = async (claims: LocalClaims) => mintToken(await keys, claims);
const send = (api: string, method: string, path: string, bearer: string, json: unknown) =>
  fetch(api + path, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(json) });

/** (recipient, subject, text): one notice to one recipient. */
const noticeKeys = (emails: StoredEmail[]) =>
  emails.flatMap((e) => [...e.destination.to, ...e.destination.cc].map((to) => JSON.stringify([to.toLowerCase(), e.subject, e.body.text ?? ''])));

/** The sent-mail markers on disk, as (recipient, subject), read with dynalite alone. */
async function markers(): Promise<Set<string>> {
  const dynamo = await startDynalite({ path: join(dataDir, 'dynamodb'), region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID });
  try {
    const found = new Set<string>();
    let start: Record<string, any> | undefined;
    do {
      const page = await dynamo.raw.send(
        new ScanCommand({ TableName: LOCAL_TABLE_NAME, FilterExpression: 'begins_with(pk, :m)', ExpressionAttributeValues: { ':m': { S: 'MAIL#' } }, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) found.add(JSON.stringify([item.sk!.S, item.subject!.S]));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  } finally {
    await dynamo.stop();
  }
}

it('kill -9 in a burst: every acknowledged proposal is there and its notices are sent once per recipient', { timeout: 180_000 }, async () => {
  let { stack, api, ses } = await start();
  const admin = await token(claimsFor({ role: 'admin' }));
  const imported = await send(api, 'PUT', `/v1/years/${YEAR}/shares`, admin, { shares: shareRows(COUNTIES.map((c) => c.code)) });
  expect(imported.status).toBe(200);

  // The burst: 4 at a time; the stack is killed once 50 are acknowledged and the follower is
  // busy sending their notices (or at the 95th), so that some are sent and some are not.
  const acknowledged: typeof PROPOSALS = [];
  const queue = [...PROPOSALS];
  let killed = false;
  const kill = () => {
    killed = true;
    stack.child.kill('SIGKILL');
  };
  const lane = async () => {
    for (let p = queue.shift(); p && !killed; p = queue.shift()) {
      const bearer = await token(claimsFor({ role: 'municipality', municipality: p.giver }));
      const res = await send(api, 'POST', `/v1/years/${YEAR}/proposals`, bearer, { receiver: p.receiver, perMille: 0.1 }).catch(() => undefined);
      if (res?.status === 201 && !killed) acknowledged.push(p);
      if (acknowledged.length >= 95 && !killed) kill();
    }
  };
  const watch = async () => {
    while (!killed) {
      const sent = await sentEmails(ses).catch(() => []);
      if (acknowledged.length >= 50 && sent.length >= 40 && !killed) kill();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await Promise.all([...Array.from({ length: 4 }, lane), watch()]);
  await stack.exited;
  expect(acknowledged.length).toBeGreaterThanOrEqual(50);

  // Mails SES took before the kill whose markers are not on disk: the at-least-once window.
  const marked = await markers();
  const beforeKill = noticeKeys(await sentEmailsOnDisk());
  const unmarked = new Set(beforeKill.filter((k) => !marked.has(JSON.stringify(JSON.parse(k).slice(0, 2)))));

  ({ stack, api, ses } = await start());
  // Every acknowledged proposal is stored.
  const list = await (await fetch(`${api}/v1/years/${YEAR}/proposals`, { headers: { authorization: `Bearer ${admin}` } })).json();
  const stored = new Set(JSON.stringify(list).match(/"giver":"\d{4}"/g));
  for (const p of acknowledged) expect(stored.has(`"giver":"${p.giver}"`), p.giver).toBe(true);

  // Its notices: the receiver's request and the giver's receipt, once each (polling until the follower is through).
  const expected = acknowledged.flatMap((p) => [defaultMunicipalityContact(p.receiver).emails[0]!, defaultMunicipalityContact(p.giver).emails[0]!]);
  let emails: StoredEmail[] = [];
  for (let i = 0; i < 100; i++) {
    emails = await sentEmails(ses);
    const to = new Set(emails.flatMap((e) => e.destination.to));
    if (expected.every((a) => to.has(a))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1_000)); // anything sent twice would arrive meanwhile
  emails = await sentEmails(ses);
  const counts = new Map<string, number>();
  for (const k of noticeKeys(emails)) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const p of acknowledged) {
    const receiver = defaultMunicipalityContact(p.receiver).emails[0]!;
    const giver = defaultMunicipalityContact(p.giver).emails[0]!;
    expect(emails.some((e) => e.destination.to.includes(receiver) && e.subject.includes('väntar på ert samtycke')), `request to ${p.receiver}`).toBe(true);
    expect(emails.some((e) => e.destination.to.includes(giver) && e.subject.includes('är registrerat')), `receipt to ${p.giver}`).toBe(true);
  }
  const twice = [...counts].filter(([k, n]) => n > (unmarked.has(k) ? 2 : 1));
  expect(twice, 'notices sent more than once').toEqual([]);
  const resent = [...counts].filter(([, n]) => n === 2).length;
  console.log(
    `kill -9 after ${acknowledged.length} acknowledged proposals; ${beforeKill.length} notices sent before the kill, ${unmarked.size} of them not yet marked; ` +
      `${counts.size} distinct notices after the restart, ${resent} sent twice (of the unmarked)`,
  );
  await stack.stop('SIGINT');

  /** The SES emulator's mailbox file, as the killed stack left it. */
  async function sentEmailsOnDisk(): Promise<StoredEmail[]> {
    const file = join(dataDir, 'ses-mailbox.jsonl');
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    return lines.flatMap((l) => {
      try {
        const e = JSON.parse(l) as StoredEmail;
        return [{ ...e, destination: { to: addresses(e.destination.to), cc: addresses(e.destination.cc ?? []), bcc: [] } }];
      } catch {
        return [];
      }
    });
  }
});
