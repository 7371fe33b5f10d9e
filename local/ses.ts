import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type startServer from 'aws-ses-v2-local';

export interface LocalSes {
  /** For AWS_ENDPOINT_URL_SES; also serves the inbox page (/) and `GET /store`. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** One e-mail as aws-ses-v2-local keeps it (the fields the tests and the simulation read). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

// A CommonJS module with `exports.default`: require it, so Node, tsx and vitest agree on the shape.
const { default: sesServer } = createRequire(import.meta.url)('aws-ses-v2-local') as { default: typeof startServer };

/**
 * Known limit of aws-ses-v2-local 2.10 (SES v1 SendEmail): it keeps only the first To and
 * the first Cc address of a mail (its request schema names `member.1` only), so the
 * notices address one municipality per mail. Real SES delivers to every address.
 *
 * aws-ses-v2-local in-process on 127.0.0.1, on a free port unless one is given (pass the
 * previous port to restart a stopped server at the same endpoint). Its mailbox lives in
 * the module, not the server: every server of this process shares it, across restarts.
 */
export async function startSes(opts: { port?: number } = {}): Promise<LocalSes> {
  const server = await sesServer({ host: '127.0.0.1', port: opts.port ?? 0 });
  // On a listen error (port taken) it still resolves, with a server that is not listening.
  if (!server.listening) throw new Error(`aws-ses-v2-local could not listen on 127.0.0.1:${opts.port ?? 0}`);
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections(); // keep-alive sockets of SDK clients would hold close() open
    });
  return { endpoint: `http://127.0.0.1:${port}`, port, stop };
}

export async function sentEmails(endpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`aws-ses-v2-local /store answered ${response.status}`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

export async function clearEmails(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  if (!response.ok) throw new Error(`aws-ses-v2-local /clear-store answered ${response.status}`);
}
