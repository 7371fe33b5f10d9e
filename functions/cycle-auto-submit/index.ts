import { autoSubmit } from '../../shared/app/cycle-acts/auto-submit';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { CountyItem } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Submit the report automatically (after the county's wait timed out). */
export const handler = taskHandler(CountyItem, autoSubmit, uses(tables, mailing));
