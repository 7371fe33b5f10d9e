import { SesMailer } from '../adapters/ses/ses-mailer';
import type { Mailing } from '../app/context';
import { appUrlOf, required } from './env';
import { lazyGroup } from './lazy';

/**
 * MAIL_FROM is required: a sender address SES has not verified would fail every notice, so a
 * missing one fails at the first use of the group, not at the first mail. APP_BASE_URL (the
 * web app's address) that is not an http(s) address fails the same way, rather than put a
 * broken link in every notice. The endpoint comes from AWS_ENDPOINT_URL_SES.
 */
export function buildMailing(env: NodeJS.ProcessEnv): Mailing {
  return {
    mailer: new SesMailer(required(env, 'MAIL_FROM')),
    ...(env.APP_BASE_URL && { appUrl: appUrlOf(env.APP_BASE_URL) }),
  };
}

export const mailing: Mailing = lazyGroup(['mailer', 'appUrl'], buildMailing);
