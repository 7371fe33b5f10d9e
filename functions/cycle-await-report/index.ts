import { awaitReport } from '../../shared/app/cycle-acts/await-report';
import { AwaitReportInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/workflow/task-handler';

/** Wait for the county report (invoked with a task token). */
export const handler = taskHandler(AwaitReportInput, awaitReport);
