import {
  DescribeExecutionCommand,
  SFNClient,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { traced } from '../../platform/tracer';
import { executionName } from '../../workflow/contract';
import { StaleTaskTokenError, WorkflowNotConfiguredError, type Workflow } from '../../workflow/port';

/**
 * The Workflow port on Step Functions (@aws-sdk/client-sfn). The endpoint comes from the SDK's
 * own settings (AWS_ENDPOINT_URL_SFN points it at the local stack's endpoint); the state
 * machine's ARN is needed only to start an execution, so functions that just resume tasks or
 * read a status work without it. The client is created at the first call.
 */
export class StepFunctionsWorkflow implements Workflow {
  private client: SFNClient | undefined;

  constructor(
    private readonly stateMachineArn: string | undefined,
    client?: SFNClient,
  ) {
    this.client = client;
  }

  async start(year: number, attempt = 1): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    if (!this.stateMachineArn) throw new WorkflowNotConfiguredError();
    const name = executionName(year, attempt);
    try {
      const { executionArn } = await this.sfn().send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify({ year }) }),
      );
      return { executionArn: executionArn ?? executionArnOf(this.stateMachineArn, name), alreadyStarted: false };
    } catch (error) {
      // Match by name: instanceof breaks if two copies of the SDK are loaded.
      if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
      return { executionArn: executionArnOf(this.stateMachineArn, name), alreadyStarted: true };
    }
  }

  async execution(year: number, attempt: number): Promise<{ executionArn: string; status: string } | undefined> {
    if (!this.stateMachineArn) throw new WorkflowNotConfiguredError();
    const executionArn = executionArnOf(this.stateMachineArn, executionName(year, attempt));
    try {
      return { executionArn, ...(await this.describe(executionArn)) };
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  }

  async describe(executionArn: string): Promise<{ status: string }> {
    const { status } = await this.sfn().send(new DescribeExecutionCommand({ executionArn }));
    return { status: status ?? 'UNKNOWN' };
  }

  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    await this.resume(() => this.sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output ?? {}) })));
  }

  async sendTaskFailure(token: string, error: string, cause: string): Promise<void> {
    await this.resume(() => this.sfn().send(new SendTaskFailureCommand({ taskToken: token, error, cause })));
  }

  private async resume(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (STALE_TOKEN.has(errorName(error))) throw new StaleTaskTokenError(`Task token no longer waits: ${errorName(error)}`, { cause: error });
      throw error;
    }
  }

  private sfn(): SFNClient {
    this.client ??= traced(new SFNClient({}));
    return this.client;
  }
}

const STALE_TOKEN = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

const errorName = (error: unknown): string => String((error as { name?: unknown } | undefined)?.name ?? '');

/**
 * An execution's ARN from its state machine's and its name (the documented format:
 * arn:<partition>:states:<region>:<account>:execution:<state machine>:<execution>).
 */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
