import { close } from '../../shared/app/cycle-acts/close';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Close the submission window. */
export const handler = taskHandler(ActInput, close);
