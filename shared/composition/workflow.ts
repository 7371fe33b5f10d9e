import { StepFunctionsWorkflow } from '../adapters/sfn/step-functions-workflow';
import type { AppContext } from '../app/context';
import { lazyGroup } from './lazy';

/**
 * STATE_MACHINE_ARN is needed only to start an execution (start-cycle, cycle-start-next):
 * functions that only resume a task or read a status (submit-report, get-cycle) need not be
 * given it, which also keeps the state machine's own tasks free of a reference to it;
 * starting without it throws WorkflowNotConfiguredError. The endpoint: AWS_ENDPOINT_URL_SFN.
 */
export function buildWorkflow(env: NodeJS.ProcessEnv): Pick<AppContext, 'workflow'> {
  return { workflow: new StepFunctionsWorkflow(env.STATE_MACHINE_ARN || undefined) };
}

export const workflow: Pick<AppContext, 'workflow'> = lazyGroup(['workflow'], buildWorkflow);
