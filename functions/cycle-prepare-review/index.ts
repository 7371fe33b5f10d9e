import { prepareReview } from '../../shared/app/cycle-acts/prepare-review';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { YearActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Prepare the county review. */
export const handler = taskHandler(YearActInput, prepareReview, uses(tables, mailing));
