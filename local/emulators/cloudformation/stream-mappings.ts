/**
 * The template's DynamoDB stream consumers: every AWS::Lambda::EventSourceMapping whose
 * EventSourceArn is `{"Fn::GetAtt": [<table>, "StreamArn"]}` (or LatestStreamArn), with the
 * function it invokes (`FunctionName: {"Ref": <function>}`, or its Arn, an alias or a version)
 * and that function's `omfordelning:entry` metadata; and the table's StreamSpecification.
 * Mappings of other sources (SQS, Kinesis, ...) are not run locally and are listed in `ignored`.
 * Pure: no I/O. Problems are thrown as one StreamTemplateError listing all of them.
 */
import { FilterPatternError, compileFilterCriteria, type RecordFilter } from '../dynamodb/streams/filter';
import { entryOf, lambdaFunctionOf } from './functions';
import { ENTRY_METADATA, TABLE_TYPES, type Template } from './resolver';

type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

const VIEW_TYPES = new Set<string>(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']);

export class StreamTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamTemplateError';
  }
}

export interface StreamMapping {
  /** Logical id of the AWS::Lambda::EventSourceMapping. */
  logicalId: string;
  /** Logical id of the table whose stream it reads. */
  tableId: string;
  functionId: string;
  /** Project-relative handler module (`omfordelning:entry`). */
  entry: string;
  /** The function's Timeout (default 3 s) and MemorySize (default 128 MB). */
  timeoutSeconds: number;
  memoryMb: number;
  /** Records per invocation at most (DynamoDB default 100). */
  batchSize: number;
  /** Retries of a failed batch before it is given up; -1 = until the record is too old (the AWS default). */
  maxRetries: number;
  /** Records older than this are given up; -1 = never (the AWS default). */
  maxRecordAgeSeconds: number;
  /** BisectBatchOnFunctionError. */
  bisect: boolean;
  /** FunctionResponseTypes contains ReportBatchItemFailures. */
  reportBatchItemFailures: boolean;
  startingPosition: string;
  /** The patterns as the template has them (JSON text). */
  filterPatterns: string[];
  /** Compiled FilterCriteria; undefined = every record passes. */
  filter: RecordFilter | undefined;
  /** Where AWS would send the coordinates of records given up on: the destination's logical id (and type), if any. */
  onFailure: string | undefined;
}

interface TableStream {
  tableId: string;
  viewType: StreamViewType;
}

export interface TemplateStreams {
  /** The table's stream, or undefined when the table has no StreamSpecification. */
  stream: TableStream | undefined;
  mappings: StreamMapping[];
  /** EventSourceMappings not run locally (other sources, or Enabled: false), with why. */
  ignored: { logicalId: string; reason: string }[];
}

export function streamsFromTemplate(template: Template): TemplateStreams {
  const resources = template.Resources ?? {};
  const problems: string[] = [];
  const tables = Object.entries(resources).filter(([, r]) => TABLE_TYPES.has(r?.Type));
  let stream: TableStream | undefined;
  for (const [tableId, table] of tables) {
    const spec = table.Properties?.StreamSpecification;
    if (!spec) continue;
    const viewType = spec.StreamViewType;
    if (!VIEW_TYPES.has(viewType)) {
      problems.push(`${tableId}: StreamSpecification.StreamViewType ${JSON.stringify(viewType)} är ingen av ${[...VIEW_TYPES].join(', ')}`);
      continue;
    }
    stream = { tableId, viewType };
  }

  const mappings: StreamMapping[] = [];
  const ignored: TemplateStreams['ignored'] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource?.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const props = resource.Properties ?? {};
    const tableId = tableStreamOf(resources, props.EventSourceArn);
    if (!tableId) {
      ignored.push({ logicalId, reason: `källan ${describe(props.EventSourceArn)} är ingen DynamoDB-tabells ström` });
      continue;
    }
    if (props.Enabled === false) {
      ignored.push({ logicalId, reason: 'Enabled: false' });
      continue;
    }
    if (stream?.tableId !== tableId) {
      problems.push(`${logicalId}: läser strömmen från ${tableId}, men tabellen har ingen StreamSpecification`);
      continue;
    }
    const functionId = lambdaFunctionOf(resources, props.FunctionName);
    if (!functionId) {
      problems.push(`${logicalId}: FunctionName ${describe(props.FunctionName)} pekar inte på en AWS::Lambda::Function i mallen`);
      continue;
    }
    const fn = resources[functionId];
    const entry = entryOf(resources, functionId);
    if (entry === undefined) {
      problems.push(`${functionId}: Metadata saknar "${ENTRY_METADATA}" (handlerns fil, t.ex. functions/follow-ledger/index.ts)`);
      continue;
    }
    const filterPatterns: string[] = (props.FilterCriteria?.Filters ?? []).map((f: { Pattern?: unknown }) => f?.Pattern);
    let filter: RecordFilter | undefined;
    try {
      filter = compileFilterCriteria(props.FilterCriteria, logicalId);
    } catch (error) {
      if (!(error instanceof FilterPatternError)) throw error;
      problems.push(error.message);
      continue;
    }
    const batchSize = integer(props.BatchSize, 100);
    if (batchSize < 1 || batchSize > 10_000) problems.push(`${logicalId}: BatchSize ${batchSize} utanför 1–10000`);
    mappings.push({
      logicalId,
      tableId,
      functionId,
      entry,
      timeoutSeconds: integer(fn.Properties?.Timeout, 3),
      memoryMb: integer(fn.Properties?.MemorySize, 128),
      batchSize,
      maxRetries: integer(props.MaximumRetryAttempts, -1),
      maxRecordAgeSeconds: integer(props.MaximumRecordAgeInSeconds, -1),
      bisect: props.BisectBatchOnFunctionError === true || props.BisectBatchOnFunctionError === 'true',
      reportBatchItemFailures: Array.isArray(props.FunctionResponseTypes) && props.FunctionResponseTypes.includes('ReportBatchItemFailures'),
      startingPosition: String(props.StartingPosition ?? 'TRIM_HORIZON'),
      filterPatterns,
      filter,
      onFailure: destinationOf(resources, props.DestinationConfig?.OnFailure?.Destination),
    });
  }
  if (problems.length > 0) throw new StreamTemplateError(`Mallens DynamoDB-ström går inte att köra lokalt:\n  - ${problems.join('\n  - ')}`);
  return { stream, mappings, ignored };
}

/** The table whose stream an EventSourceArn names, if it is `Fn::GetAtt [<table>, StreamArn|LatestStreamArn]`. */
function tableStreamOf(resources: Record<string, any>, arn: unknown): string | undefined {
  const getAtt = (arn as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  const [id, attr] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split(/\.(.*)/) : [];
  if (typeof id !== 'string' || (attr !== 'StreamArn' && attr !== 'LatestStreamArn')) return undefined;
  return TABLE_TYPES.has(resources[id]?.Type) ? id : undefined;
}

function refOf(value: unknown): string | undefined {
  const o = value as Record<string, unknown> | undefined;
  if (typeof o?.Ref === 'string') return o.Ref;
  const getAtt = o?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

function destinationOf(resources: Record<string, any>, destination: unknown): string | undefined {
  if (destination === undefined || destination === null) return undefined;
  if (typeof destination === 'string') return destination;
  const id = refOf(destination);
  if (!id) return describe(destination);
  const type: string | undefined = resources[id]?.Type;
  return type ? `${id} (${type})` : id;
}

function integer(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : fallback;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}
