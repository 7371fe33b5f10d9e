import { remind } from '../../shared/app/cycle-acts/remind';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Send reminders. */
export const handler = taskHandler(ActInput, remind, uses(tables, mailing));
