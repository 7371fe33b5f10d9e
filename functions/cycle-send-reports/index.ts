import { sendReports } from '../../shared/app/cycle-acts/send-reports';
import { YearActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Send the county reports. */
export const handler = taskHandler(YearActInput, sendReports);
