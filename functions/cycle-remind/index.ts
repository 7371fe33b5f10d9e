import { remind } from '../../shared/app/cycle-acts/remind';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Send reminders. */
export const handler = taskHandler(ActInput, remind);
