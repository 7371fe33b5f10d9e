/**
 * The local stack for end-to-end tests.
 *
 *   const stack = await startTestStack({ now: '2027-09-01T08:00:00Z' });
 *   const admin = await stack.tokenFor({ role: 'admin' });
 *   const res = await stack.request('PUT', '/v1/years/2028/shares', { token: admin, json: { shares } });
 *   ...
 *   await stack.stop(); // also removes the temporary data directory unless keepDataDir
 *
 * In-process (fast): one stack per test file at a time (handlers, process.env and the SDK
 * clients they cache are process-wide). A restart on the same data directory in the same
 * file works (`startTestStack({ dataDir: stack.dataDir })` after `stop()`), since the
 * emulators come back on the same ports. For CLI behaviour use `spawnLocalStack`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sentEmails, type StoredEmail } from '../../local/emulators/ses/ses';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import type { LocalClaims, TokenRequest } from '../../local/tools/tokens';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function tempDataDir(prefix = 'omfordelning-local-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else undefined. */
  body: T;
  text: string;
}

interface RequestOptions {
  token?: string;
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  /** Sent as is (set content-type in headers). */
  body?: string;
  headers?: Record<string, string>;
}

export interface TestStack extends LocalStack {
  /** `fetch` against the API with a token and/or JSON body; never throws on HTTP errors. */
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  /** A valid token, e.g. `tokenFor({ role: 'municipality', municipality: '0180' })`. */
  tokenFor(request: TokenRequest | LocalClaims): Promise<string>;
  /** Moves the virtual clock forward through the API (POST /_local/clock). */
  setClock(now: string): Promise<string>;
  /** E-mails aws-ses-v2-local has received, once the stream has delivered every event written so far. */
  emails(): Promise<StoredEmail[]>;
}

export async function startTestStack(
  options: Omit<LocalStackOptions, 'port' | 'quiet'> & { port?: number; keepDataDir?: boolean; quiet?: boolean } = {},
): Promise<TestStack> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? tempDataDir();
  let stack: LocalStack;
  try {
    stack = await startLocalStack({ ...options, port: options.port ?? 0, quiet: options.quiet ?? true, dataDir });
  } catch (error) {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const request = async <T>(method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    }
    const response = await fetch(stack.apiUrl + path, { method, headers, ...(body !== undefined && { body }) });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, headers: response.headers, body: (isJson && text ? JSON.parse(text) : undefined) as T, text };
  };
  const stopStack = stack.stop;
  return Object.assign(stack, {
    request,
    tokenFor: (r: TokenRequest | LocalClaims) => stack.token(r),
    async setClock(now: string) {
      const res = await request<{ now: string }>('POST', '/_local/clock', { json: { now } });
      if (res.status !== 200) throw new Error(`POST /_local/clock answered ${res.status}: ${res.text}`);
      return res.body.now;
    },
    emails: async () => {
      await stack.streams.idle();
      return sentEmails(stack.sesUrl);
    },
    stop: async () => {
      await stopStack();
      if (ownDir && !options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export interface SpawnedStack {
  child: ChildProcess;
  /** Set once the ready line was printed. */
  apiUrl?: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Sends a signal (default SIGINT, like Ctrl-C) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `local/tools/start.ts` as its own process (what `npm start` runs), for CLI behaviour:
 * exit codes, messages, signals. Resolves when the ready line with the API URL appears,
 * or when the process exits first (check `exited`).
 */
export async function spawnLocalStack(args: string[], { timeoutMs = 60_000 } = {}): Promise<SpawnedStack> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/tools/start.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawned: SpawnedStack = {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not become ready in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /kör lokalt på (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (ready && !spawned.apiUrl) {
        spawned.apiUrl = ready[1];
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return spawned;
}
