import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { ROLES, type Role } from '../../shared/domain/roles';
import type { Change, PoolUser } from './plan';

const attribute = (user: UserType, name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;

/** Every user of the pool with their role groups and organisation codes (a few paged calls, not one per user). */
export async function readPool(client: CognitoIdentityProviderClient, userPoolId: string): Promise<PoolUser[]> {
  const users = new Map<string, PoolUser>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken: token }));
    for (const u of page.Users ?? []) {
      const email = attribute(u, 'email');
      if (!email || !u.Username) continue;
      const municipality = attribute(u, 'custom:municipality');
      const county = attribute(u, 'custom:county');
      users.set(u.Username, { email: email.toLowerCase(), username: u.Username, roles: [], ...(municipality && { municipality }), ...(county && { county }) });
    }
    token = page.PaginationToken;
  } while (token);
  for (const role of ROLES) {
    let next: string | undefined;
    do {
      const page = await client.send(new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: role, NextToken: next }));
      for (const u of page.Users ?? []) users.get(u.Username ?? '')?.roles.push(role);
      next = page.NextToken;
    } while (next);
  }
  return [...users.values()];
}

const ORGANISATION = { municipality: 'custom:municipality', county: 'custom:county' } as const;

/** Makes one change in the pool. A new user gets Cognito's invitation (a temporary password) by e-mail. */
export async function applyChange(client: CognitoIdentityProviderClient, userPoolId: string, change: Change): Promise<void> {
  const to = change.kind === 'create' ? change.user : change.to;
  const codes = (['municipality', 'county'] as const).filter((key) => to[key] !== undefined).map((key) => ({ Name: ORGANISATION[key], Value: to[key]! }));
  let username: string;
  let roles: Role[] = [];
  if (change.kind === 'create') {
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: to.email,
        UserAttributes: [{ Name: 'email', Value: to.email }, { Name: 'email_verified', Value: 'true' }, ...codes],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    username = created.User?.Username ?? to.email;
  } else {
    username = change.from.username ?? to.email;
    roles = change.from.roles;
    if (codes.length > 0) await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributes: codes }));
    const stale = (['municipality', 'county'] as const).filter((key) => change.from[key] !== undefined && to[key] === undefined).map((key) => ORGANISATION[key]);
    if (stale.length > 0) await client.send(new AdminDeleteUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributeNames: stale }));
  }
  for (const role of to.roles.filter((r) => !roles.includes(r))) {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: role }));
  }
  for (const role of roles.filter((r) => !to.roles.includes(r))) {
    await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: role }));
  }
}
