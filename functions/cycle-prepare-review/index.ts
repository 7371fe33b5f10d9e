import { prepareReview } from '../../shared/app/cycle-acts/prepare-review';
import { YearActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Prepare the county review. */
export const handler = taskHandler(YearActInput, prepareReview);
