import { publish } from '../../shared/app/cycle-acts/publish';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Publish preliminary shares. */
export const handler = taskHandler(ActInput, publish);
