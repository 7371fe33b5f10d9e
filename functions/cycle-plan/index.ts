import { plan } from '../../shared/app/cycle-acts/plan';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { PlanInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Plan the year. */
export const handler = taskHandler(PlanInput, plan, uses(tables, mailing));
