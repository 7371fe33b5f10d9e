import { reportQuietCounty } from '../../shared/app/cycle-acts/report-quiet-county';
import { CountyItem } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Report a county without proposals. */
export const handler = taskHandler(CountyItem, reportQuietCounty);
