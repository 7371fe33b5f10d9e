/**
 * E-mail notices end to end: after each proposal event, the local SES (aws-ses-v2-local)
 * holds exactly the expected mails: recipient, copy and Swedish subject (docs/DESIGN.md "E-mail"):
 *   submitted, amended → receiver (consent asked), on a new receiver also the previous one, giver (receipt)
 *   consented, declined → giver, receiver (receipt) · decided → giver and receiver (one mail each)
 *   withdrawn → receiver, giver (receipt)
 *   and every event → the county's mailbox, with the county's officers in copy.
 * A mail with something to do links the page of the web app where it is done, at the local
 * stack's own address (APP_BASE_URL).
 * Addresses are the example defaults (shared/notifications/default-contacts.ts) unless an
 * administrator imported others. Every mail is a raw MIME message: the emulator keeps
 * every To and Cc (local/emulators/ses/ses.ts), so several addresses are seen as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEmail } from '../../local/emulators/ses/ses';
import { startTestStack, type TestStack } from '../support/local-stack';
import { CLOSED_NOW, OPEN_NOW, YEAR, importExampleShares, tokens, type Tokens } from '../support/e2e';
import { HABO, KNIVSTA, HEBY, TIERP, UPPSALA, ENKOPING, OSTHAMMAR, SUNDBYBERG, SOLNA } from '../support/places';


const FROM = 'omfordelning@example.se';
const municipality = (code: string) => `kommun-${code}@kommun.example.se`;
const countyMailbox = (code: string) => `lansstyrelsen-${code}@lst.example.se`;
const countyOfficer = (code: string) => `handlaggare-${code}@lst.example.se`;
const UPPSALA_LAN = { to: [countyMailbox('03')], cc: [countyOfficer('03')] };

interface Seen {
  to: string[];
  cc: string[];
  subject: string;
}


let stack: TestStack;
let t: Tokens;
let seenSoFar = 0;
let last: StoredEmail[] = [];

/** The mails sent since the last call, as {to, cc, subject}, in the order they were sent. */
async function newMails(): Promise<Seen[]> {
  const all = await stack.emails();
  last = all.slice(seenSoFar);
  seenSoFar = all.length;
  for (const mail of last) {
    expect(mail.from).toBe(FROM);
    expect(mail.destination.bcc ?? []).toEqual([]);
    expect(mail.body.text).toMatch(/^Hej!\n/);
    expect(mail.body.text).toContain('(Det här är ett automatiskt meddelande.)');
    expect(mail.body.text).not.toMatch(/POST|\/v1\/|händelse|\b(AGREED|APPROVED|REJECTED|AWAITING_RECEIVER)\b/);
    expect(mail.replyTo).toEqual([countyMailbox(/Solna|Sundbyberg/.test(mail.subject) ? '01' : '03')]);
  }
  return last.map((mail) => ({ to: mail.destination.to, cc: mail.destination.cc ?? [], subject: mail.subject }));
}
const textTo = (address: string) => last.find((mail) => mail.destination.to.includes(address))!.body.text!;

const year = `/v1/years/${YEAR}`;
async function ok(method: string, path: string, token: string, json?: unknown, status = 200) {
  const res = await stack.request(method, path, { token, ...(json !== undefined && { json }) });
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  return res;
}
const submit = async (giver: string, receiver: string, perMille: number) =>
  ok('POST', `${year}/proposals`, await t.municipality(giver), { receiver, perMille }, 201);
const answer = async (giver: string, receiver: string, accept: boolean) =>
  ok('POST', `${year}/proposals/${giver}/consent`, await t.municipality(receiver), { accept });

beforeAll(async () => {
  stack = await startTestStack({ now: OPEN_NOW });
  t = tokens(stack);
  await importExampleShares(stack, await t.admin(), YEAR, ['01', '03']);
  seenSoFar = (await stack.emails()).length;
});
afterAll(async () => {
  await stack?.stop();
});

describe('window open', () => {
  it('submitted: the receiver is asked for consent, the county is told', async () => {
    await submit(TIERP, UPPSALA, 0.5);
    expect(await newMails()).toEqual([
      { to: [municipality(UPPSALA)], cc: [], subject: 'Omfördelning 2028: nytt förslag från Tierp (0360) väntar på ert samtycke' },
      { to: [municipality(TIERP)], cc: [], subject: 'Omfördelning 2028: ert förslag till Uppsala (0380) är registrerat' },
      { ...UPPSALA_LAN, subject: 'Omfördelning 2028: nytt förslag från Tierp (0360) till Uppsala (0380)' },
    ]);
    const text = textTo(municipality(UPPSALA));
    expect(text).toContain('Tierp (0360) föreslår att överlåta 0,5 promille av sin anvisningsandel för 2028 till er kommun.');
    expect(text).toContain('Vad ni behöver göra: Samtyck till eller avböj förslaget från Tierp (0360) senast tisdag 2 november 2027 kl. 23:59.');
    // The page where Uppsala answers, on the local stack's own address (its web app).
    expect(text).toContain(`\nSvara på förslaget här: http://127.0.0.1:${stack.port}/forslag/${TIERP}/svara\n`);
    expect(text).not.toMatch(/logga in/i);
    expect(text).toContain('Med vänlig hälsning\nLänsstyrelsen i Uppsala län');
    expect(text).toContain('Status: väntar på mottagande kommuns samtycke');
    expect(textTo(countyMailbox('03'))).toContain('Nytt förslag från Tierp (0360) till Uppsala (0380).');
  });

  it('amended: the (new) receiver is asked again, the previous one is told it is no longer concerned, the county is told', async () => {
    await ok('PATCH', `${year}/proposals/${TIERP}`, await t.municipality(TIERP), { receiver: ENKOPING, perMille: 0.75 });
    expect(await newMails()).toEqual([
      { to: [municipality(ENKOPING)], cc: [], subject: 'Omfördelning 2028: ändrat förslag från Tierp (0360) väntar på ert samtycke' },
      { to: [municipality(UPPSALA)], cc: [], subject: 'Omfördelning 2028: förslaget från Tierp (0360) gäller inte längre er kommun' },
      { to: [municipality(TIERP)], cc: [], subject: 'Omfördelning 2028: ert ändrade förslag till Enköping (0381) är registrerat' },
      { ...UPPSALA_LAN, subject: 'Omfördelning 2028: ändrat förslag från Tierp (0360) till Enköping (0381)' },
    ]);
    expect(textTo(municipality(ENKOPING))).toContain('0,75 promille');
    expect(textTo(municipality(ENKOPING))).toContain('Förslaget har ändrats och behöver ert samtycke på nytt.');
    expect(textTo(municipality(UPPSALA))).not.toContain('samtycke'); // Uppsala had not consented
  });

  it('consented: the giver and the county are told', async () => {
    await answer(TIERP, ENKOPING, true);
    expect(await newMails()).toEqual([
      { to: [municipality(TIERP)], cc: [], subject: 'Omfördelning 2028: Enköping (0381) har samtyckt till ert förslag' },
      { to: [municipality(ENKOPING)], cc: [], subject: 'Omfördelning 2028: ert samtycke till förslaget från Tierp (0360) är registrerat' },
      { ...UPPSALA_LAN, subject: 'Omfördelning 2028: Enköping (0381) har samtyckt till förslaget från Tierp (0360)' },
    ]);
    expect(textTo(municipality(TIERP))).toContain('Status: överenskommet, väntar på länsstyrelsens beslut');
  });

  it('declined: the giver and the county are told', async () => {
    await submit(HEBY, KNIVSTA, 1);
    expect((await newMails()).map((mail) => mail.to)).toEqual([[municipality(KNIVSTA)], [municipality(HEBY)], [countyMailbox('03')]]);
    await answer(HEBY, KNIVSTA, false);
    expect(await newMails()).toEqual([
      { to: [municipality(HEBY)], cc: [], subject: 'Omfördelning 2028: Knivsta (0330) har avböjt ert förslag' },
      { to: [municipality(KNIVSTA)], cc: [], subject: 'Omfördelning 2028: ert avböjande av förslaget från Heby (0331) är registrerat' },
      { ...UPPSALA_LAN, subject: 'Omfördelning 2028: Knivsta (0330) har avböjt förslaget från Heby (0331)' },
    ]);
    expect(textTo(municipality(HEBY))).toContain('kan ni lämna ett nytt förslag, till samma eller en annan kommun i länet, senast tisdag 2 november 2027 kl. 23:59');
  });

  it('withdrawn: the receiver and the county are told', async () => {
    await submit(HABO, UPPSALA, 1);
    await newMails();
    await ok('DELETE', `${year}/proposals/${HABO}`, await t.municipality(HABO));
    expect(await newMails()).toEqual([
      { to: [municipality(UPPSALA)], cc: [], subject: 'Omfördelning 2028: Håbo (0305) har återkallat sitt förslag' },
      { to: [municipality(HABO)], cc: [], subject: 'Omfördelning 2028: ert förslag till Uppsala (0380) är återkallat' },
      { ...UPPSALA_LAN, subject: 'Omfördelning 2028: Håbo (0305) har återkallat sitt förslag' },
    ]);
  });

  it('sends nothing for a refused command or a replayed request', async () => {
    const refused = await stack.request('POST', `${year}/proposals`, { token: await t.municipality(TIERP), json: { receiver: UPPSALA, perMille: 0.1 } });
    expect(refused.body.error.code).toBe('GIVER_HAS_PROPOSAL');
    const post = async () =>
      stack.request('POST', `${year}/proposals`, { token: await t.municipality(OSTHAMMAR), json: { receiver: UPPSALA, perMille: 0.5 }, headers: { 'idempotency-key': 'ost-1' } });
    expect((await post()).status).toBe(201);
    expect((await newMails()).map((mail) => mail.subject)).toEqual([
      'Omfördelning 2028: nytt förslag från Östhammar (0382) väntar på ert samtycke',
      'Omfördelning 2028: ert förslag till Uppsala (0380) är registrerat',
      'Omfördelning 2028: nytt förslag från Östhammar (0382) till Uppsala (0380)',
    ]);
    const replay = await post();
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(await newMails()).toEqual([]);
    await answer(OSTHAMMAR, UPPSALA, true); // agreed: rejected by the county below
    await newMails();
  });

  it('goes to every address an administrator imported, in the county of the proposal', async () => {
    const contacts = {
      municipalities: { [SUNDBYBERG]: { emails: ['Registrator@Sundbyberg.example.se', 'socialtjansten@sundbyberg.example.se'] }, [SOLNA]: { email: 'registrator@solna.example.se' } },
      counties: { '01': { officers: ['omfordelning@stockholm.lst.example.se', 'andra@stockholm.lst.example.se'] } },
    };
    await ok('PUT', '/v1/contacts', await t.admin(), contacts);
    await submit(SOLNA, SUNDBYBERG, 0.25);
    expect(await newMails()).toEqual([
      { to: ['Registrator@Sundbyberg.example.se', 'socialtjansten@sundbyberg.example.se'], cc: [], subject: 'Omfördelning 2028: nytt förslag från Solna (0184) väntar på ert samtycke' },
      { to: ['registrator@solna.example.se'], cc: [], subject: 'Omfördelning 2028: ert förslag till Sundbyberg (0183) är registrerat' },
      {
        to: [countyMailbox('01')],
        cc: ['omfordelning@stockholm.lst.example.se', 'andra@stockholm.lst.example.se'],
        subject: 'Omfördelning 2028: nytt förslag från Solna (0184) till Sundbyberg (0183)',
      },
    ]);
    expect(textTo('socialtjansten@sundbyberg.example.se')).toContain('Med vänlig hälsning\nLänsstyrelsen i Stockholms län');
  });
});

describe('window closed (clock after the deadline)', () => {
  beforeAll(async () => {
    await stack.setClock(CLOSED_NOW);
  });
  const decide = async (giver: string, body: unknown) => ok('POST', `${year}/proposals/${giver}/decision`, await t.county('03'), body);

  it('decided, approved: the giver and the receiver (one mail each) and the county are told', async () => {
    await decide(TIERP, { outcome: 'APPROVED' });
    const subject = 'Omfördelning 2028: länsstyrelsen har godkänt förslaget från Tierp (0360) till Enköping (0381)';
    expect(await newMails()).toEqual([
      { to: [municipality(TIERP)], cc: [], subject },
      { to: [municipality(ENKOPING)], cc: [], subject },
      { ...UPPSALA_LAN, subject: 'Omfördelning 2028: förslaget från Tierp (0360) till Enköping (0381) har godkänts' },
    ]);
    expect(textTo(municipality(TIERP))).toContain('Länsstyrelsen i Uppsala län har godkänt ert förslag om att överlåta 0,75 promille av er anvisningsandel för 2028 till Enköping (0381).');
    expect(textTo(municipality(ENKOPING))).toContain('förslaget om att Tierp (0360) överlåter 0,75 promille av sin anvisningsandel för 2028 till er kommun');
    expect(textTo(municipality(TIERP))).toContain('Rätten till den fasta ersättningen påverkas inte.');
  });

  it('decided, rejected: the same three, with the reason', async () => {
    await decide(OSTHAMMAR, { outcome: 'REJECTED', reason: 'Uppsala har redan tagit emot tillräckligt.' });
    const subject = 'Omfördelning 2028: länsstyrelsen har avslagit förslaget från Östhammar (0382) till Uppsala (0380)';
    expect(await newMails()).toEqual([
      { to: [municipality(OSTHAMMAR)], cc: [], subject },
      { to: [municipality(UPPSALA)], cc: [], subject },
      { ...UPPSALA_LAN, subject: 'Omfördelning 2028: förslaget från Östhammar (0382) till Uppsala (0380) har avslagits' },
    ]);
    for (const to of [municipality(OSTHAMMAR), municipality(UPPSALA), countyMailbox('03')]) {
      expect(textTo(to)).toContain('Motivering: Uppsala har redan tagit emot tillräckligt.');
    }
    expect(textTo(municipality(OSTHAMMAR))).toContain('Andelarna ändras inte av förslaget.');
  });

  it('sends no proposal notice for the county report (the workflow mails Migrationsverket)', async () => {
    await ok('POST', `${year}/counties/03/report`, await t.county('03'));
    expect(await newMails()).toEqual([]);
  });
});
