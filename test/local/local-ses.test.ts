import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addresses, clearEmails, sentEmails, startSes, type LocalSes } from '../../local/emulators/ses/ses';
import { SesMailer } from '../../shared/adapters/ses/ses-mailer';
import { mimeParts, parseMime, partBytes } from '../support/mime';

const FROM = 'omfordelning@example.se';
const TO = 'kommun-0380@kommun.example.se';

const clientFor = (endpoint: string) =>
  new SESClient({ endpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

const send = (client: SESClient, subject: string) =>
  client.send(
    new SendEmailCommand({
      Source: FROM,
      Destination: { ToAddresses: [TO] },
      Message: { Subject: { Data: subject }, Body: { Text: { Data: `Text of ${subject}` } } },
    }),
  );

/** Listening TCP servers of this (the main) thread. */
const listeningHere = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

describe('local SES (aws-ses-v2-local in a worker thread)', () => {
  let ses: LocalSes;
  let client: SESClient;

  beforeAll(async () => {
    ses = await startSes();
    client = clientFor(ses.endpoint);
    await clearEmails(ses.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await ses?.stop();
  });

  it('stores a mail sent with the SDK, readable through sentEmails', async () => {
    expect(ses.endpoint).toBe(`http://127.0.0.1:${ses.port}`);
    const { MessageId } = await send(client, 'Första');
    const emails = await sentEmails(ses.endpoint);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      messageId: MessageId,
      from: FROM,
      destination: { to: [TO], cc: [], bcc: [] },
      subject: 'Första',
      body: { text: 'Text of Första' },
    });
  });

  it('keeps every To and Cc of a raw message (our SesMailer), its Reply-To and its attachment', async () => {
    await clearEmails(ses.endpoint);
    const mailer = new SesMailer(FROM, client);
    await mailer.send({
      to: [TO, 'registrator@uppsala.example.se'],
      cc: ['handlaggare-03@lst.example.se', 'andra-03@lst.example.se'],
      replyTo: ['lansstyrelsen-03@lst.example.se'],
      subject: 'Omfördelning 2028: länsrapport från Uppsala län (03)',
      text: 'Hej!\n\nRapporten är bifogad: 1,25 promille.\n',
      attachments: [{ filename: 'lansrapport-2028-03-uppsala-lan.csv', contentType: 'text/csv; charset=utf-8', content: '\uFEFFKommunkod;Kommun\r\n0380;Uppsala\r\n' }],
      dedupeKey: 'k',
      year: 2028,
      kind: 'report',
      addressee: { organisation: 'migrationsverket' },
    });
    const [email] = await sentEmails(ses.endpoint);
    expect(email).toMatchObject({
      from: FROM,
      replyTo: ['lansstyrelsen-03@lst.example.se'],
      destination: { to: [TO, 'registrator@uppsala.example.se'], cc: ['handlaggare-03@lst.example.se', 'andra-03@lst.example.se'], bcc: [] },
      subject: 'Omfördelning 2028: länsrapport från Uppsala län (03)',
      body: { text: 'Hej!\n\nRapporten är bifogad: 1,25 promille.\n' },
    });
    expect(email!.attachments!.map((a) => ({ ...a, content: Buffer.from(a.content, 'base64').toString('utf8') }))).toMatchObject([
      { filename: 'lansrapport-2028-03-uppsala-lan.csv', contentType: 'text/csv', content: '\uFEFFKommunkod;Kommun\r\n0380;Uppsala\r\n' },
    ]);
    // The raw message as sent, kept beside the emulator's reading of it.
    const raw = parseMime(Buffer.from(email!.raw!, 'base64').toString('utf8'));
    expect(raw.headers.to).toBe(`${TO}, registrator@uppsala.example.se`);
    expect(partBytes(mimeParts(raw)[1]!).toString('utf8')).toBe('\uFEFFKommunkod;Kommun\r\n0380;Uppsala\r\n');
    await clearEmails(ses.endpoint);
    await send(client, 'Första');
  });

  it('splits the address lists the emulator keeps as one string per header', () => {
    expect(addresses(['a@x.se, Namn <b@y.se>', 'c@z.se'])).toEqual(['a@x.se', 'b@y.se', 'c@z.se']);
    expect(addresses([])).toEqual([]);
  });

  it('refuses sends while stopped, and keeps the earlier mails across a restart on the same port', async () => {
    const port = ses.port;
    await ses.stop();
    await expect(send(client, 'Under avbrottet')).rejects.toThrow();
    await expect(sentEmails(`http://127.0.0.1:${port}`)).rejects.toThrow();

    ses = await startSes({ port });
    expect(ses.port).toBe(port);
    expect((await sentEmails(ses.endpoint)).map((e) => e.subject)).toEqual(['Första']);
    await send(client, 'Andra');
    expect((await sentEmails(ses.endpoint)).map((e) => e.subject)).toEqual(['Första', 'Andra']);
  });

  it('empties the store on clearEmails', async () => {
    await clearEmails(ses.endpoint);
    expect(await sentEmails(ses.endpoint)).toEqual([]);
  });

  it('listens off the main thread: no listening handle here, two servers share one mailbox, both stop cleanly', async () => {
    const before = listeningHere();
    const other = await startSes();
    const third = await startSes();
    try {
      expect(new Set([ses.port, other.port, third.port]).size).toBe(3);
      // Three servers answer, yet the main thread has no more listening handles than before.
      expect(listeningHere()).toBe(before);
      const otherClient = clientFor(other.endpoint);
      try {
        await send(otherClient, 'Via den andra');
      } finally {
        otherClient.destroy();
      }
      expect((await sentEmails(third.endpoint)).map((e) => e.subject)).toEqual(['Via den andra']);
      expect((await sentEmails(ses.endpoint)).map((e) => e.subject)).toEqual(['Via den andra']);
    } finally {
      await Promise.all([other.stop(), third.stop()]);
    }
    await expect(sentEmails(other.endpoint)).rejects.toThrow();
    await expect(sentEmails(third.endpoint)).rejects.toThrow();
    expect((await sentEmails(ses.endpoint)).map((e) => e.subject)).toEqual(['Via den andra']);
    await clearEmails(ses.endpoint);
  });

  it('refuses a port that is taken, with a clear error, and leaves nothing listening', async () => {
    await expect(startSes({ port: ses.port })).rejects.toThrow(`aws-ses-v2-local could not listen on 127.0.0.1:${ses.port}`);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startSes({ port })).rejects.toThrow(`aws-ses-v2-local could not listen on 127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    // The port is free again, and can be used.
    const later = await startSes({ port });
    expect(later.port).toBe(port);
    await later.stop();
    // The running server is not disturbed by the refusals.
    expect(await sentEmails(ses.endpoint)).toEqual([]);
  });

  it('does not keep a process alive (its worker is unref()ed)', async () => {
    const script = "const { startSes } = await import('./local/emulators/ses/ses.ts'); const s = await startSes(); console.log('listening', s.port);";
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      timeout: 20_000,
    });
    expect(stdout).toMatch(/^listening \d+/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
