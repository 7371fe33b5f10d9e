import type { PreTokenGenerationTriggerHandler } from 'aws-lambda';
import { hasTotp } from '../../shared/adapters/cognito/totp';
import { ADMIN_TOTP_CLAIM, groupsGranted } from '../../shared/domain/roles';
import { logger } from '../../shared/platform/logger';

/**
 * Cognito's pre token generation trigger (every sign-in and refresh): an administrator's
 * tokens carry the `admin` group only when the user has TOTP registered (shared/domain/roles.ts);
 * without it the ID token says so (ADMIN_TOTP_CLAIM), and the web app offers to register it.
 */
export const handler: PreTokenGenerationTriggerHandler = async (event) => {
  const groups = event.request.groupConfiguration.groupsToOverride ?? [];
  if (!groups.includes('admin')) return event;
  const totp = await hasTotp(event.userPoolId, event.userName);
  const granted = groupsGranted(groups, totp);
  const withoutTotp = granted.length !== groups.length;
  if (withoutTotp) logger.warn('Administratör utan TOTP: inloggad utan administratörsroll', { sub: event.request.userAttributes.sub });
  event.response.claimsOverrideDetails = {
    groupOverrideDetails: { ...event.request.groupConfiguration, groupsToOverride: granted },
    ...(withoutTotp && { claimsToAddOrOverride: { [ADMIN_TOTP_CLAIM]: 'missing' } }),
  };
  return event;
};
