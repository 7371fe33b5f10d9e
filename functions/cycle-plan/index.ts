import { plan } from '../../shared/app/cycle-acts/plan';
import { PlanInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Plan the year. */
export const handler = taskHandler(PlanInput, plan);
