import { check } from '../../shared/app/cycle-acts/check';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { YearInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Check the next milestone: DUE, WAIT (until) or DONE. */
export const handler = taskHandler(YearInput, check, uses(tables, mailing));
