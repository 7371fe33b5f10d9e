import { publish } from '../../shared/app/cycle-acts/publish';
import { uses } from '../../shared/composition/lazy';
import { mailing } from '../../shared/composition/mailing';
import { tables } from '../../shared/composition/tables';
import { ActInput } from '../../shared/workflow/contract';
import { taskHandler } from '../../shared/adapters/sfn/task-handler';

/** Publish preliminary shares. */
export const handler = taskHandler(ActInput, publish, uses(tables, mailing));
