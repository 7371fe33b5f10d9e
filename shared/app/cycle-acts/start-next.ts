import { stockholmYear } from '../../domain/cycle';
import type { StartNextInput, StartNextResult } from '../../workflow/contract';
import type { AppContext } from '../context';
import { launchYear } from '../cycle';

/**
 * The yearly schedule's target: starts the execution of the next share year (the Stockholm
 * calendar year of the scheduled time, or now, + 1), or of the share year given. Harmless when
 * it runs or has finished already; a year whose execution failed is continued by a new one.
 */
export async function startNext(app: AppContext, input: StartNextInput, now: string): Promise<StartNextResult> {
  const year = input.year ?? stockholmYear(input.scheduledTime ?? now) + 1;
  const started = await launchYear(app, year, now);
  return { year, ...started };
}
