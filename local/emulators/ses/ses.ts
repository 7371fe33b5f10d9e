import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface LocalSes {
  /** For AWS_ENDPOINT_URL_SES; also serves the inbox page (/) and `GET /store`. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * One e-mail as aws-ses-v2-local keeps it (the fields the tests and the simulation read),
 * with each recipient as one address (see sentEmails).
 */
export interface StoredEmail {
  messageId: string;
  from: string;
  /** Reply-To addresses (a raw message's header; SendEmail's ReplyToAddresses). */
  replyTo?: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Of a raw message, as the emulator's MIME parser (mailparser) decoded them: content base64. */
  attachments?: { filename?: string; contentType: string; content: string; size: number }[];
  /** A raw message exactly as SES received it (base64 MIME), kept by our wrapper (see SES_WORKER). */
  raw?: string;
  at: number;
}

/**
 * Our SesMailer sends every mail with SendRawEmail (a MIME message). aws-ses-v2-local parses
 * it with mailparser and keeps every To and Cc address, but as one string per header
 * ("a@x.se, b@y.se"), and keeps only what mailparser read from it (text, attachments decoded,
 * Reply-To): sentEmails splits the addresses again. The worker keeps the raw message beside it
 * (`raw`), so a test can read the MIME as it was sent, not only the emulator's reading of it.
 * (Its SendEmail, which we no longer use, keeps only the first To and the first Cc.)
 *
 * aws-ses-v2-local on 127.0.0.1, on a free port unless one is given (pass the previous port
 * to restart a stopped server at the same endpoint), in a worker thread of its own (plain
 * Node, without tsx's loader), not on the main thread, where the API handlers run.
 *
 * Its mailbox (and templates) live in its module (dist/store.js: a module-level `store`),
 * not in the server: every server of that module shares it, across restarts. So there is
 * ONE long-lived worker per process (kept on globalThis, so module copies of a test runner
 * share it too, as they shared Node's require cache before) that loads the module once;
 * startSes opens a server inside it and stop() closes that server (letting requests under
 * way finish, then closing its keep-alive connections), never the worker: the e-mails sent before a stop are still in `/store`
 * after a start. The worker is unref()ed while no start or stop is under way, so it never
 * keeps the process alive (process exit ends it). Should it die nonetheless, the next
 * startSes starts a new one, with an empty mailbox.
 */
const SES_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { default: sesServer } = require(workerData.sesPath);
const { AsyncLocalStorage } = require('node:async_hooks');
const { dirname, join } = require('node:path');

// The raw message of a SendRawEmail request travels with the request (the emulator's handler
// and its store are read off their modules' exports at each call) to the stored e-mail.
const rawMessage = new AsyncLocalStorage();
const sendRaw = require(join(dirname(workerData.sesPath), 'v1', 'sendRawEmail.js'));
const store = require(join(dirname(workerData.sesPath), 'store.js'));
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const handleRaw = sendRaw.default;
sendRaw.default = (req, res, next) => rawMessage.run(req.body && req.body['RawMessage.Data'], () => handleRaw(req, res, next));
const saveEmail = store.saveEmail;
// The mailbox file of the latest start that named one: each e-mail is appended (synchronously,
// before the emulator answers) and read back at the next start, so a kill -9 keeps the mailbox.
let mailboxFile;
store.saveEmail = (email) => {
  const stored = rawMessage.getStore() ? { ...email, raw: rawMessage.getStore() } : email;
  if (mailboxFile) appendFileSync(mailboxFile, JSON.stringify(stored) + '\\n');
  saveEmail(stored);
};
const clearStore = store.clearStore;
store.clearStore = () => {
  clearStore();
  if (mailboxFile) writeFileSync(mailboxFile, '');
};
function loadMailbox(file) {
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { return; }
  const known = new Set(store.getStoreReadonly().emails.map((e) => e.messageId));
  for (const line of text.split('\\n')) {
    let email;
    try { email = JSON.parse(line); } catch { continue; } // a line cut short by a kill: never answered
    if (!known.has(email.messageId)) store.getStoreReadonly().emails.push(email);
  }
}
const servers = new Map(); // port -> http.Server

parentPort.on('message', async (message) => {
  const { id, type, port } = message;
  try {
    if (type === 'start') {
      if (message.mailboxFile) {
        loadMailbox(message.mailboxFile);
        mailboxFile = message.mailboxFile;
      }
      const server = await sesServer({ host: '127.0.0.1', port });
      // On a listen error (port taken) it still resolves, with a server that is not listening.
      if (!server.listening) {
        server.close(() => {});
        return parentPort.postMessage({ id, error: 'aws-ses-v2-local could not listen on 127.0.0.1:' + port });
      }
      server.on('error', (error) => console.error('aws-ses-v2-local: ' + String((error && error.stack) || error)));
      const bound = server.address().port;
      servers.set(bound, server);
      return parentPort.postMessage({ id, port: bound });
    }
    if (type === 'stop') {
      const server = servers.get(port);
      servers.delete(port);
      if (!server) return parentPort.postMessage({ id });
      // Requests under way finish first (a SendRawEmail is parsed asynchronously: cut off, it would be
      // stored without its answer reaching the sender, which then sends it again); idle keep-alive
      // sockets of SDK clients, which would hold close() open, are closed at once, and the rest once idle.
      const sweep = setInterval(() => server.closeIdleConnections(), 20);
      const cutOff = setTimeout(() => server.closeAllConnections(), 2000);
      server.close((error) => {
        clearInterval(sweep);
        clearTimeout(cutOff);
        parentPort.postMessage(error ? { id, error: String(error.message || error) } : { id });
      });
      server.closeIdleConnections();
      return;
    }
    parentPort.postMessage({ id, error: 'unknown request ' + type });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

interface WorkerAnswer {
  id: number;
  port?: number;
  error?: string;
}

interface SesHost {
  worker: Worker;
  pending: Map<number, { resolve(answer: WorkerAnswer): void; reject(error: Error): void }>;
  nextId: number;
}

const HOST_KEY = Symbol.for('omfordelning.local.ses.worker');
const processGlobal = globalThis as { [HOST_KEY]?: SesHost };

/** The process's SES worker, started on first use (and again if it has died). */
function sesHost(): SesHost {
  const existing = processGlobal[HOST_KEY];
  if (existing) return existing;
  const sesPath = createRequire(import.meta.url).resolve('aws-ses-v2-local');
  const worker = new Worker(SES_WORKER, { eval: true, execArgv: [], workerData: { sesPath } });
  worker.unref();
  const host: SesHost = { worker, pending: new Map(), nextId: 0 };
  const fail = (error: Error) => {
    if (processGlobal[HOST_KEY] === host) delete processGlobal[HOST_KEY];
    for (const { reject } of host.pending.values()) reject(error);
    host.pending.clear();
  };
  worker.on('message', (answer: WorkerAnswer) => {
    const waiting = host.pending.get(answer.id);
    if (!waiting) return;
    host.pending.delete(answer.id);
    if (host.pending.size === 0) worker.unref();
    waiting.resolve(answer);
  });
  worker.on('error', (error) => {
    console.error(`aws-ses-v2-local worker: ${String(error?.stack ?? error)}`);
    fail(new Error(`aws-ses-v2-local worker failed: ${error?.message ?? error}`));
  });
  worker.on('exit', (code) => fail(new Error(`aws-ses-v2-local worker stopped (exit ${code})`)));
  processGlobal[HOST_KEY] = host;
  return host;
}

/** A request to the worker, which keeps the process alive while it is under way. */
function ask(host: SesHost, request: { type: 'start' | 'stop'; port: number; mailboxFile?: string }): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    const id = host.nextId++;
    host.pending.set(id, { resolve, reject });
    host.worker.ref();
    host.worker.postMessage({ ...request, id });
  });
}

/**
 * `mailboxFile`: the mailbox on disk (JSON lines): read into the emulator's mailbox (e-mails
 * it does not hold yet) and appended to with every e-mail sent from now on.
 */
export async function startSes(opts: { port?: number; mailboxFile?: string } = {}): Promise<LocalSes> {
  const host = sesHost();
  const started = await ask(host, { type: 'start', port: opts.port ?? 0, ...(opts.mailboxFile !== undefined && { mailboxFile: opts.mailboxFile }) });
  if (started.error !== undefined) throw new Error(started.error);
  const port = started.port!;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (processGlobal[HOST_KEY] !== host) return; // the worker is gone, and its server with it
      const answer = await ask(host, { type: 'stop', port });
      if (answer.error !== undefined) throw new Error(`aws-ses-v2-local did not stop: ${answer.error}`);
    })());
  return { endpoint: `http://127.0.0.1:${port}`, port, stop };
}

export async function sentEmails(endpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`aws-ses-v2-local /store answered ${response.status}`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails.map((email) => ({
    ...email,
    ...(email.replyTo && { replyTo: addresses(email.replyTo) }),
    destination: { to: addresses(email.destination.to), cc: addresses(email.destination.cc ?? []), bcc: addresses(email.destination.bcc ?? []) },
  }));
}

/** `["a@x.se, Namn <b@y.se>"]` → `["a@x.se", "b@y.se"]`: each address once per entry, in order. */
export function addresses(entries: readonly string[]): string[] {
  return entries.flatMap((entry) => entry.match(/[^\s,;<>"]+@[^\s,;<>"]+/g) ?? []);
}

export async function clearEmails(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  if (!response.ok) throw new Error(`aws-ses-v2-local /clear-store answered ${response.status}`);
}

/** startSes on the preferred port if it is free (a restart keeps the port the handlers' SDK clients use), else on any free one. */
export async function startSesPreferring(preferredPort: number | undefined, mailboxFile?: string): Promise<LocalSes> {
  const file = mailboxFile !== undefined ? { mailboxFile } : {};
  try {
    return await startSes(preferredPort !== undefined ? { port: preferredPort, ...file } : file);
  } catch (error) {
    if (preferredPort === undefined) throw new Error(`aws-ses-v2-local did not start: ${(error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? String(error)}`);
    return startSes(file);
  }
}
