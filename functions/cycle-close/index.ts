import { close } from '../../shared/app/cycle-acts/close';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Close the submission window. */
export const handler = taskHandler(ActInput, close, uses(tables, mailing));
