import { awaitReport } from '../../shared/app/cycle-acts/await-report';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { workflow } from '../../shared/composition/workflow';
import { AwaitReportInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Wait for the county report (invoked with a task token). */
export const handler = taskHandler(AwaitReportInput, awaitReport, uses(tables, mailing, workflow));
