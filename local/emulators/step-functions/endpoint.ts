/**
 * A thin Step Functions endpoint on 127.0.0.1 for the handlers' @aws-sdk/client-sfn calls
 * (AWS_ENDPOINT_URL_SFN): the AWS JSON 1.0 protocol (`POST /`, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`, JSON bodies, epoch-second timestamps) for StartExecution,
 * DescribeExecution, SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat. Errors are
 * HTTP 400 with `x-amzn-errortype` and `{"__type", "message"}`, which the SDK turns into an
 * exception named after the code (ExecutionAlreadyExists, TaskTimedOut, InvalidToken, …).
 * Requests are not signature-checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnError } from './errors';
import type { ExecutionInfo, WorkflowRunner } from './runner';

const JSON_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
/** Inputs are at most 256 KiB; leave room for the JSON around them. */
const MAX_BODY_BYTES = 1024 * 1024;

export type StepFunctionsApi = Pick<WorkflowRunner, 'startExecution' | 'describeExecution' | 'sendTaskSuccess' | 'sendTaskFailure' | 'sendTaskHeartbeat'>;

export interface StepFunctionsEndpoint {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_SFN. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

type Operation = (api: StepFunctionsApi, body: Record<string, unknown>) => Record<string, unknown>;

const OPERATIONS: Record<string, Operation> = {
  StartExecution: (api, body) => {
    const { executionArn, startDate } = api.startExecution({ stateMachineArn: body.stateMachineArn, name: body.name, input: body.input });
    return { executionArn, startDate: epochSeconds(startDate) };
  },
  DescribeExecution: (api, body) => describe(api.describeExecution(body.executionArn)),
  SendTaskSuccess: (api, body) => (api.sendTaskSuccess(body.taskToken, body.output), {}),
  SendTaskFailure: (api, body) => (api.sendTaskFailure(body.taskToken, body.error, body.cause), {}),
  SendTaskHeartbeat: (api, body) => (api.sendTaskHeartbeat(body.taskToken), {}),
};

/** Listens on 127.0.0.1:`port` (0: a free port). */
export async function startStepFunctionsEndpoint(api: StepFunctionsApi, port = 0): Promise<StepFunctionsEndpoint> {
  const server = createServer({ keepAlive: true }, (req, res) => void handle(api, req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${actual}`, port: actual, stop: () => close(server) };
}

async function handle(api: StepFunctionsApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method !== 'POST') throw new SfnError('UnknownOperationException', 'Only POST / is served (AWS JSON 1.0)', 404);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? OPERATIONS[target.slice(TARGET_PREFIX.length)] : undefined;
    if (!operation) throw new SfnError('UnknownOperationException', `Operation not supported by the local endpoint: ${target || '(no X-Amz-Target)'}`);
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new SfnError('SerializationException', 'The request body is not valid JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new SfnError('SerializationException', 'The request body must be a JSON object');
    send(res, 200, operation(api, body as Record<string, unknown>));
  } catch (error) {
    if (error instanceof SfnError) return sendError(res, error.status, error.code, error.message);
    console.error(JSON.stringify({ level: 'ERROR', message: 'local step functions endpoint: request failed', error: String((error as Error)?.stack ?? error) }));
    sendError(res, 500, 'InternalFailure', 'The local Step Functions endpoint failed; see the local stack log.');
  }
}

function describe(info: ExecutionInfo): Record<string, unknown> {
  return {
    executionArn: info.executionArn,
    stateMachineArn: info.stateMachineArn,
    name: info.name,
    status: info.status,
    startDate: epochSeconds(info.startDate),
    ...(info.stopDate !== undefined && { stopDate: epochSeconds(info.stopDate) }),
    input: info.input,
    inputDetails: { included: true },
    ...(info.output !== undefined && { output: info.output, outputDetails: { included: true } }),
    ...(info.error !== undefined && { error: info.error }),
    ...(info.cause !== undefined && { cause: info.cause }),
    redriveCount: 0,
    redriveStatus: 'NOT_REDRIVABLE',
  };
}

const epochSeconds = (ms: number): number => ms / 1000;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new SfnError('ValidationException', 'The request body is too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify({ __type: code, message });
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': code });
  res.end(text);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
