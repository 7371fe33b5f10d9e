import { RuleError } from '../../shared/domain/errors';

/** 'accepted', or the rule code the command was refused with (anything else is rethrown). */
export async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof RuleError) return error.code;
    throw error;
  }
}
