import { finalize } from '../../shared/app/cycle-acts/finalize';
import { YearActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Fix the final shares. */
export const handler = taskHandler(YearActInput, finalize);
