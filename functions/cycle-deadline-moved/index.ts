import { tellDeadlineMoved } from '../../shared/app/cycle-acts/deadline-moved';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Tell of the moved deadline. */
export const handler = taskHandler(ActInput, tellDeadlineMoved);
