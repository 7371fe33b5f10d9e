import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';

/** CloudWatch namespace of the business metrics (EMF; CloudWatch makes metrics of the log lines). */
const METRICS_NAMESPACE = 'Omfordelning';

/** A count of one thing, by at most one dimension. */
interface Count {
  name: string;
  dimension?: { name: string; value: string };
  value: number;
}

const counts = new Map<string, Count>();

function add(name: string, dimension?: Count['dimension']): void {
  const id = dimension ? `${name}\n${dimension.name}\n${dimension.value}` : name;
  const count = counts.get(id) ?? { name, ...(dimension && { dimension }), value: 0 };
  count.value++;
  counts.set(id, count);
}

/**
 * The business metrics, counted where they happen and flushed once per invocation by the
 * handler wrapper (./invocation.ts). Counts only; their names are the dashboard's.
 */
export const count = {
  /**
   * An API command wrote this event to a county ledger (a replay writes none): the proposals
   * by what happened to them (ProposalSubmitted, ReceiverConsented, ProposalDecided, …), and
   * the imports and reports that are API commands too.
   */
  ledgerEvent: (type: string) => add('LedgerEvents', { name: 'event', value: type }),
  /** A notice went out to its (remaining) recipients. */
  mailSent: () => add('MailsSent'),
  /** A notice failed after its retries (the caller retries it later). */
  mailFailed: () => add('MailsFailed'),
  /** A request was refused by a rule, by the rule's error code. */
  ruleRefused: (code: string) => add('RuleRefusals', { name: 'code', value: code }),
  /** A command lost the race for a ledger's next sequence number and tried again. */
  ledgerRetry: () => add('LedgerContentionRetries'),
};

let metrics: Metrics | undefined;

/**
 * Writes what this invocation counted as EMF lines: one for the counts without a dimension,
 * one per dimension value (EMF gives every metric of a line the same dimensions), each also
 * by `service`. Nothing counted, nothing written; with POWERTOOLS_METRICS_DISABLED=true (tests,
 * the local stack) nothing is written either.
 */
export function publishMetrics(): void {
  if (counts.size === 0) return;
  metrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'omfordelning', logger });
  const all = [...counts.values()];
  counts.clear();
  const plain = all.filter((c) => !c.dimension);
  for (const c of plain) metrics.addMetric(c.name, MetricUnit.Count, c.value);
  if (plain.length > 0) metrics.publishStoredMetrics();
  for (const c of all) {
    if (!c.dimension) continue;
    metrics.addDimension(c.dimension.name, c.dimension.value);
    metrics.addMetric(c.name, MetricUnit.Count, c.value);
    metrics.publishStoredMetrics();
  }
}
