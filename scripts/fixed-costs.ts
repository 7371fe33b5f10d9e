/**
 * The stack's fixed monthly costs, counted in the synthesized template (what exists whether
 * or not anybody uses the system), at list prices. bench-cycle.ts adds twelve months of them
 * to the cost of a year.
 *
 * Prices: USD, us-east-1, from each service's public pricing page as known in 2026-01 (no
 * internet here to re-check: re-check before quoting). CloudWatch: $0.10 per standard-
 * resolution alarm metric per month (a metric-math alarm pays per metric it reads), $3.00
 * per dashboard per month (the free tier's three dashboards not counted); AWS Backup:
 * $0.10 per GB-month of DynamoDB backup (warm) storage; Secrets Manager: $0.40 per secret
 * per month; KMS: $1.00 per customer-managed key per month; Cognito user pools (Essentials,
 * the default tier since Nov 2024): the first 10,000 monthly active users free, then
 * $0.015 each. Lambda, DynamoDB on demand, SQS, SNS, EventBridge Scheduler and HTTP API
 * have no fixed monthly charge.
 */
export const FIXED_PRICES = {
  asOf: '2026-01',
  alarmMetricMonth: 0.1,
  dashboardMonth: 3,
  backupGbMonth: 0.1,
  secretMonth: 0.4,
  kmsKeyMonth: 1,
  cognitoFreeMau: 10_000,
  cognitoMau: 0.015,
} as const;

export interface FixedCost {
  item: string;
  count: number;
  unitPrice: string;
  monthly: number;
}

/**
 * The fixed items of `template` per month; `backupGb`: the ledger table's size (each DynamoDB
 * backup is a full copy of about that size), `users`: Cognito's monthly active users.
 */
export function fixedMonthlyCosts(template: Record<string, any>, opts: { backupGb: number; users: number }): FixedCost[] {
  const resources = Object.values<Record<string, any>>(template.Resources ?? {});
  const ofType = (type: string) => resources.filter((r) => r.Type === type);
  const backupCopies = ofType('AWS::Backup::BackupPlan').reduce((n, plan) => n + copiesKept(plan), 0);
  // A metric-math alarm is billed per metric it reads; a plain one reads one.
  const alarmMetrics = ofType('AWS::CloudWatch::Alarm').reduce((n, a) => n + (a.Properties?.Metrics?.filter((m: any) => m.MetricStat).length || 1), 0);
  const hasBackup = ofType('AWS::Backup::BackupPlan').length > 0;
  const pools = ofType('AWS::Cognito::UserPool').length;
  const billableUsers = Math.max(0, opts.users - FIXED_PRICES.cognitoFreeMau) * pools;
  const keys = ofType('AWS::KMS::Key').length;
  const secrets = ofType('AWS::SecretsManager::Secret').length;
  const rows: FixedCost[] = [
    { item: `CloudWatch alarms (${ofType('AWS::CloudWatch::Alarm').length}, metrics read)`, count: alarmMetrics, unitPrice: '$0.10 / metric-month', monthly: alarmMetrics * FIXED_PRICES.alarmMetricMonth },
    { item: 'CloudWatch dashboards', count: ofType('AWS::CloudWatch::Dashboard').length, unitPrice: '$3.00 / month', monthly: ofType('AWS::CloudWatch::Dashboard').length * FIXED_PRICES.dashboardMonth },
    {
      item: hasBackup ? `AWS Backup storage (GB, ${backupCopies} copies)` : 'AWS Backup storage (no plan in the template)',
      count: hasBackup ? opts.backupGb * backupCopies : 0,
      unitPrice: '$0.10 / GB-month',
      monthly: hasBackup ? opts.backupGb * backupCopies * FIXED_PRICES.backupGbMonth : 0,
    },
    { item: `Cognito MAUs beyond ${FIXED_PRICES.cognitoFreeMau.toLocaleString('en')} free (${opts.users} users)`, count: billableUsers, unitPrice: '$0.015 / MAU', monthly: billableUsers * FIXED_PRICES.cognitoMau },
    { item: 'KMS customer-managed keys', count: keys, unitPrice: '$1.00 / key-month', monthly: keys * FIXED_PRICES.kmsKeyMonth },
    { item: 'Secrets Manager secrets', count: secrets, unitPrice: '$0.40 / secret-month', monthly: secrets * FIXED_PRICES.secretMonth },
  ];
  return rows;
}

/** Backups a plan keeps at a time: per rule, its retention over its period (daily, weekly or monthly cron). */
function copiesKept(plan: Record<string, any>): number {
  const rules: any[] = plan.Properties?.BackupPlan?.BackupPlanRule ?? [];
  return rules.reduce((n, rule) => {
    const days = Number(rule.Lifecycle?.DeleteAfterDays ?? 0);
    const [, , dayOfMonth = '*', , dayOfWeek = '?'] = /cron\((.*)\)/.exec(String(rule.ScheduleExpression ?? ''))?.[1]?.split(' ') ?? [];
    const period = dayOfMonth !== '*' && dayOfMonth !== '?' ? 30 : dayOfWeek !== '*' && dayOfWeek !== '?' ? 7 : 1;
    return n + Math.ceil(days / period);
  }, 0);
}
