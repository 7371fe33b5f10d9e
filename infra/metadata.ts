/**
 * CloudFormation metadata key on every AWS::Lambda::Function: the handler source, relative to
 * the repo root. The local stack and the state machine's reader (asl.ts) read it to run the
 * same code the template deploys.
 */
export const ENTRY_METADATA_KEY = 'omfordelning:entry';
