import { recordFailure } from '../../shared/app/cycle-acts/record-failure';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { FailureInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Record the failure (every task's Catch). */
export const handler = taskHandler(FailureInput, recordFailure, uses(tables, mailing));
