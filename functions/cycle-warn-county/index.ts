import { warnCounty } from '../../shared/app/cycle-acts/warn-county';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { CountyItem } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Warn the county of undecided proposals (3 working days before its report date). */
export const handler = taskHandler(CountyItem, warnCounty, uses(tables, mailing));
