import { sendReports } from '../../shared/app/cycle-acts/send-reports';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { YearActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Send the county reports. */
export const handler = taskHandler(YearActInput, sendReports, uses(tables, mailing));
