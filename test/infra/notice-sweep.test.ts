import { describe, expect, it } from 'vitest';
import { entryOf } from '../../infra/constructs/function';
import { SWEEP_FUNCTION } from '../../infra/constructs/notice-sweep';
import { ENTRY_METADATA_KEY } from '../../infra/metadata';
import { synthesizeTemplate } from '../../infra/synth';

const resources: Record<string, any> = synthesizeTemplate().Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const [fnId, fn] = ofType('AWS::Lambda::Function').find(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY] === entryOf(SWEEP_FUNCTION)) ?? ['', undefined];

describe('The daily notice sweep', () => {
  const schedules = ofType('AWS::Scheduler::Schedule').filter(([, s]) => s.Properties.Target.Arn['Fn::GetAtt']?.[0] === fnId);

  it('runs sweep-notices every day at 04:00 Europe/Stockholm, with an explicit input, retries and a bounded age', () => {
    expect(fn).toBeDefined();
    expect(schedules).toHaveLength(1);
    const { Properties } = schedules[0]![1];
    expect(Properties).toMatchObject({ ScheduleExpression: 'cron(0 4 * * ? *)', ScheduleExpressionTimezone: 'Europe/Stockholm', State: 'ENABLED' });
    expect(Properties.Target).toMatchObject({ Input: '{}', RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 20 * 3600 } });
  });

  it('reaches the table and the sender, and alarms on its errors', () => {
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['TABLE_NAME', 'MAIL_FROM']));
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.some((a) => a.MetricName === 'Errors' && a.Dimensions?.[0]?.Value?.Ref === fnId)).toBe(true);
    const roleId: string = fn.Properties.Role['Fn::GetAtt'][0];
    const actions = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem', 'ses:SendRawEmail']));
  });
});
