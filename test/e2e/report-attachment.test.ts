/**
 * The county report to Migrationsverket end to end, over HTTP on the local stack: the county
 * rejects with a reason that a spreadsheet would read as a formula, a municipality states a
 * decision reference and a comment that look like formulas too, the county reports, and at
 * the report date the workflow mails the report. The raw MIME message on the SES emulator is
 * read back here (test/support/mime.ts): a summary in the body and the report as a CSV
 * attachment that a spreadsheet with Swedish settings opens correctly, every formula-looking
 * cell neutralised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEmail } from '../../local/emulators/ses/ses';
import { defaultCalendar } from '../../shared/domain/calendar';
import { importExampleShares, tokens, type Tokens } from '../support/e2e';
import { startTestStack, type TestStack } from '../support/local-stack';
import { mimeParts, parseMime, partBytes, type MimePart } from '../support/mime';
import { HEBY, TIERP, UPPSALA, ENKOPING } from '../support/places';
import { waitFor } from '../support/workflow';


const YEAR = 2029;
const calendar = defaultCalendar(YEAR);
const MIGRATIONSVERKET = 'ensamkommande@migrationsverket.example.se';
const REASON = '=HYPERLINK("http://evil.example","-1 för lite")';
const after = (instant: string, seconds: number) => new Date(Date.parse(instant) + seconds * 1000).toISOString();

let stack: TestStack;
let t: Tokens;
let mail: StoredEmail;
let message: MimePart;
let csv: string;
let bytes: Buffer;

beforeAll(async () => {
  stack = await startTestStack({ now: after(calendar.publishAt, -3600) });
  t = tokens(stack);
  const admin = await t.admin();
  await importExampleShares(stack, admin, YEAR, ['03']);
  expect((await stack.request('POST', `/v1/years/${YEAR}/cycle`, { token: admin })).status).toBe(201);
  await stack.setClock(after(calendar.publishAt, 1));

  const proposals = `/v1/years/${YEAR}/proposals`;
  const county = await t.county('03');
  const send = async (method: string, path: string, token: string, json?: unknown) => {
    const res = await stack.request(method, path, { token, ...(json !== undefined && { json }) });
    expect(res.status, res.text.slice(0, 300)).toBeLessThan(300);
  };
  // Tierp → Uppsala: agreed, then rejected with a formula-looking reason.
  await send('POST', proposals, await t.municipality(TIERP), { receiver: UPPSALA, perMille: 0.5, decisionReference: '+KS 2028/1 § 2', comment: '@SUM(A1:A9)' });
  await send('POST', `${proposals}/${TIERP}/consent`, await t.municipality(UPPSALA), { accept: true, decisionReference: '-KS 2028/7' });
  await send('POST', `${proposals}/${TIERP}/decision`, county, { outcome: 'REJECTED', reason: REASON });
  // Heby → Enköping: agreed and approved.
  await send('POST', proposals, await t.municipality(HEBY), { receiver: ENKOPING, perMille: 0.25 });
  await send('POST', `${proposals}/${HEBY}/consent`, await t.municipality(ENKOPING), { accept: true });
  await send('POST', `${proposals}/${HEBY}/decision`, county, { outcome: 'APPROVED' });

  await stack.setClock(after(calendar.deadline, 2));
  await waitFor('the window to close', async () => (await stack.request('GET', `/v1/years/${YEAR}/cycle`, { token: admin })).body.phase === 'CLOSED');
  await send('POST', `/v1/years/${YEAR}/counties/03/report`, county);
  await stack.setClock(after(calendar.countyReportAt, 1));
  mail = await waitFor(
    'the report to Migrationsverket',
    async () => (await stack.emails()).find((m) => m.destination.to.includes(MIGRATIONSVERKET) && m.subject.includes('länsrapport från Uppsala län')),
    { timeoutMs: 20_000 },
  );
  message = parseMime(Buffer.from(mail.raw!, 'base64').toString('utf8'));
  const attachment = mimeParts(message)[1]!;
  bytes = partBytes(attachment);
  csv = bytes.toString('utf8');
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

const rows = () => csv.replace(/^\uFEFF/, '').split('\r\n').map((line) => line.split(';'));

describe('the county report to Migrationsverket', () => {
  it('is a MIME message with the summary as text and the report as a CSV attachment, Reply-To the county', () => {
    expect(message.headers['content-type']).toMatch(/^multipart\/mixed; boundary="/);
    expect(message.headers['reply-to']).toBe('lansstyrelsen-03@lst.example.se');
    const [text, attachment] = mimeParts(message) as [MimePart, MimePart];
    expect(text.headers['content-type']).toBe('text/plain; charset=UTF-8');
    const summary = partBytes(text).toString('utf8');
    expect(summary).toContain('Länsstyrelsen i Uppsala län');
    expect(summary).not.toContain('Kommunkod;'); // the CSV is attached, not in the body
    expect(attachment.headers['content-disposition']).toBe(`attachment; filename="lansrapport-${YEAR}-03-uppsala-lan.csv"`);
    expect(attachment.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
  });

  it('opens in a spreadsheet with Swedish settings: UTF-8 with BOM, semicolons, decimal comma, CRLF', () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(csv).toContain('Uppsala län');
    expect(csv).not.toMatch(/\d\.\d/); // no decimal point anywhere
    const tierp = rows().find((r) => r[0] === TIERP && r[2] === UPPSALA)!;
    expect(tierp.slice(0, 6)).toEqual([TIERP, 'Tierp', UPPSALA, 'Uppsala', '0,5', 'avslaget av länsstyrelsen']);
    const heby = rows().find((r) => r[0] === HEBY && r[2] === ENKOPING)!;
    expect(heby.slice(4, 6)).toEqual(['0,25', 'godkänt av länsstyrelsen']);
    expect(csv).not.toMatch(/\b(AGREED|APPROVED|REJECTED|SUBMITTED)\b/);
  });

  it('neutralises every cell a spreadsheet would read as a formula: the reason, the decision references, the comment', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""-1 för lite"")"`);
    expect(csv).toContain("'+KS 2028/1 § 2");
    expect(csv).toContain("'-KS 2028/7");
    expect(csv).toContain("'@SUM(A1:A9)");
    // No cell, quoted or not, starts with a formula character.
    const cells = csv.replace(/^\uFEFF/, '').split(/\r\n/).flatMap((line) => line.split(';'));
    for (const cell of cells) expect(cell.replace(/^"/, ''), cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
  });

  it('names who decided, in Stockholm time', () => {
    const tierp = rows().find((r) => r[0] === TIERP && r[2] === UPPSALA)!;
    expect(tierp.join(';')).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(tierp.join(';')).toContain('Handläggare (Länsstyrelsen i Uppsala län)');
  });
});
