/** The local AWS account: every local ARN, the handlers' AWS_REGION and the pseudo parameters. */
export const LOCAL_REGION = 'eu-north-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
