import { tellDeadlineMoved } from '../../shared/app/cycle-acts/deadline-moved';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Tell of the moved deadline. */
export const handler = taskHandler(ActInput, tellDeadlineMoved, uses(tables, mailing));
