import { finalize } from '../../shared/app/cycle-acts/finalize';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { YearActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Fix the final shares. */
export const handler = taskHandler(YearActInput, finalize, uses(tables, mailing));
