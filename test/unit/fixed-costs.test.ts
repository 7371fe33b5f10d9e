import { describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../infra/synth';
import { fixedMonthlyCosts } from '../../scripts/fixed-costs';

const template = synthesizeTemplate();
const count = (type: string) => Object.values<any>(template.Resources).filter((r) => r.Type === type).length;
const row = (rows: ReturnType<typeof fixedMonthlyCosts>, prefix: string) => rows.find((r) => r.item.startsWith(prefix))!;

describe('fixedMonthlyCosts', () => {
  it('counts the alarms and the dashboard of the synthesized template', () => {
    const rows = fixedMonthlyCosts(template, { backupGb: 0.01, users: 311 });
    const alarms = row(rows, 'CloudWatch alarms');
    expect(count('AWS::CloudWatch::Alarm')).toBeGreaterThan(10);
    expect(alarms.count).toBeGreaterThanOrEqual(count('AWS::CloudWatch::Alarm'));
    expect(alarms.monthly).toBeCloseTo(alarms.count * 0.1);
    expect(row(rows, 'CloudWatch dashboards')).toMatchObject({ count: 1, monthly: 3 });
    expect(row(rows, 'Cognito').monthly).toBe(0); // 311 users: within the free 10,000
  });

  it('prices a backup plan by the copies its rules keep, and Cognito users beyond the free tier', () => {
    const plan = {
      Type: 'AWS::Backup::BackupPlan',
      Properties: { BackupPlan: { BackupPlanRule: [{ ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 90 } }, { ScheduleExpression: 'cron(0 3 1 * ? *)', Lifecycle: { DeleteAfterDays: 365 } }] } },
    };
    const rows = fixedMonthlyCosts({ Resources: { Plan: plan, Pool: { Type: 'AWS::Cognito::UserPool' } } }, { backupGb: 2, users: 10_100 });
    expect(row(rows, 'AWS Backup')).toMatchObject({ count: 2 * (90 + 13) });
    expect(row(rows, 'AWS Backup').monthly).toBeCloseTo(2 * 103 * 0.1);
    expect(row(rows, 'Cognito').monthly).toBeCloseTo(100 * 0.015);
  });
});
