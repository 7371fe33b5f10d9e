import { describe, expect, it } from 'vitest';
import { groupsGranted, groupsOf, roleOfClaims } from '../../shared/domain/roles';
import { userClaims } from '../../shared/schemas/user';

describe('the role from cognito:groups', () => {
  it('reads the claim as the token has it (a list) and as API Gateway hands it on (a string in brackets)', () => {
    expect(groupsOf(['county'])).toEqual(['county']);
    expect(groupsOf('[county]')).toEqual(['county']);
    expect(groupsOf('[admin other-group]')).toEqual(['admin', 'other-group']);
    expect(groupsOf(undefined)).toEqual([]);
    expect(groupsOf(42)).toEqual([]);
  });

  it('is the one role among the groups; other groups are ignored, two roles are none', () => {
    expect(roleOfClaims({ 'cognito:groups': '[municipality]' })).toBe('municipality');
    expect(roleOfClaims({ 'cognito:groups': ['testers', 'admin'] })).toBe('admin');
    expect(roleOfClaims({ 'cognito:groups': '[admin county]' })).toBeUndefined();
    expect(roleOfClaims({ 'cognito:groups': '[superuser]' })).toBeUndefined();
    // The attribute of the first contract is no role any more: a user could have written it.
    expect(roleOfClaims({ 'custom:role': 'admin' })).toBeUndefined();
  });

  it('needs the organisation code the role acts for', () => {
    expect(userClaims({ 'cognito:groups': '[municipality]', 'custom:municipality': '0180' })).toEqual({ role: 'municipality', 'custom:municipality': '0180' });
    expect(userClaims({ 'cognito:groups': '[municipality]' })).toBeUndefined();
    expect(userClaims({ 'cognito:groups': '[county]', 'custom:county': '1' })).toBeUndefined();
    expect(userClaims({ 'cognito:groups': '[admin]' })).toEqual({ role: 'admin' });
  });
});

describe('the admin role without TOTP', () => {
  it('is left out of the tokens; every other group stays', () => {
    expect(groupsGranted(['admin', 'testers'], false)).toEqual(['testers']);
    expect(groupsGranted(['admin'], true)).toEqual(['admin']);
    expect(groupsGranted(['county'], false)).toEqual(['county']);
  });
});
