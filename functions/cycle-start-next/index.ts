import { startNext } from '../../shared/app/cycle-acts/start-next';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { workflow } from '../../shared/composition/workflow';
import { StartNextInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** The yearly schedule's target: starts the next share year's execution (cycle-<year>). */
export const handler = taskHandler(StartNextInput, startNext, uses(tables, mailing, workflow));
