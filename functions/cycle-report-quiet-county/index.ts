import { reportQuietCounty } from '../../shared/app/cycle-acts/report-quiet-county';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { CountyItem } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Report a county without proposals. */
export const handler = taskHandler(CountyItem, reportQuietCounty, uses(tables, mailing));
