/**
 * Who acted: the person read from a token's claims (leniently), how a person reads, and the
 * local stand-in for Cognito's ID tokens, which always name a person.
 */
import { decodeJwt } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../shared/app/access';
import { displayOf } from '../../shared/domain/person';
import { personFromClaims } from '../../shared/schemas/user';
import { claimsFor, defaultName, loadOrCreateKeys, mintToken, subjectOf } from '../../local/tools/tokens';
import { LocalStackError } from '../../local/emulators/errors';

describe('the person from the claims', () => {
  it('takes sub, name and e-mail as given (trimmed)', () => {
    expect(personFromClaims({ sub: 'abc-123', name: ' Anna Berg ', email: 'anna.berg@kommun.se', 'cognito:groups': ['county'] })).toEqual({
      sub: 'abc-123',
      name: 'Anna Berg',
      email: 'anna.berg@kommun.se',
    });
    expect(personFromClaims({ sub: 'abc-123' })).toEqual({ sub: 'abc-123' });
  });

  it('drops a bad name or e-mail instead of refusing the request', () => {
    const bad = ['', '   ', 'Anna\u0000Berg', 'Anna\u202EBerg', 'x'.repeat(201), 42];
    for (const name of bad) expect(personFromClaims({ sub: 's', name, email: 'a@b.se' }), String(name)).toEqual({ sub: 's', email: 'a@b.se' });
    for (const email of ['inte en adress', '', 'a@b', 42, `${'a'.repeat(250)}@b.se`]) {
      expect(personFromClaims({ sub: 's', name: 'Anna', email }), String(email)).toEqual({ sub: 's', name: 'Anna' });
    }
  });

  it('has no person without a usable subject', () => {
    for (const sub of [undefined, '', '  ', 7, 'a\u0007b']) expect(personFromClaims({ sub, name: 'Anna', email: 'a@b.se' }), String(sub)).toBeUndefined();
  });

  it('puts the person into the actor the ledger records; without one the actor is as before', () => {
    const person = { sub: 's', name: 'Anna' };
    expect(actorOf({ role: 'municipality', municipality: '0360', county: '03', person })).toEqual({ role: 'municipality', id: '0360', person });
    expect(actorOf({ role: 'county', county: '03', person })).toEqual({ role: 'county', id: '03', person });
    expect(actorOf({ role: 'admin', person })).toEqual({ role: 'admin', person });
    expect(actorOf({ role: 'county', county: '03' })).toEqual({ role: 'county', id: '03' });
  });

  it('reads as the name, else the e-mail, else the subject, else the organisation, else the role', () => {
    expect(displayOf({ role: 'county', id: '03', person: { sub: 's', name: 'Anna', email: 'a@b.se' } })).toBe('Anna');
    expect(displayOf({ role: 'county', id: '03', person: { sub: 's', email: 'a@b.se' } })).toBe('a@b.se');
    expect(displayOf({ role: 'county', id: '03', person: { sub: 's' } })).toBe('s');
    expect(displayOf({ role: 'county', id: '03' })).toBe('03');
    expect(displayOf({ role: 'system' })).toBe('system');
  });
});

describe('local tokens name a person', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const keys = () => {
    const d = mkdtempSync(join(tmpdir(), 'omfordelning-person-'));
    dirs.push(d);
    return loadOrCreateKeys(d);
  };

  it('--name and --email go into the claims; a bad one is refused in both languages', () => {
    expect(claimsFor({ role: 'county', county: '03', name: 'Anna Berg', email: 'anna.berg@lst.se' })).toEqual({
      'cognito:groups': ['county'],
      'custom:county': '03',
      name: 'Anna Berg',
      email: 'anna.berg@lst.se',
    });
    expect(() => claimsFor({ role: 'admin', email: 'inte en adress' })).toThrow(LocalStackError);
    expect(() => claimsFor({ role: 'admin', email: 'inte en adress' })).toThrow(/Ogiltig e-postadress .* \/ Invalid e-mail address/);
    expect(() => claimsFor({ role: 'admin', name: '  ' })).toThrow(/--name ska vara/);
  });

  it('every token has sub and name; the default identity keeps its organisation subject', async () => {
    const k = await keys();
    const plain = decodeJwt(await mintToken(k, { 'cognito:groups': ['municipality'], 'custom:municipality': '0360' }));
    expect(plain).toMatchObject({ sub: 'local-municipality-0360', name: 'Handläggare (Tierp)' });
    expect(plain).not.toHaveProperty('email');
    expect(decodeJwt(await mintToken(k, { 'cognito:groups': ['county'], 'custom:county': '03' }))).toMatchObject({ sub: 'local-county-03', name: 'Handläggare (Länsstyrelsen i Uppsala län)' });
    expect(decodeJwt(await mintToken(k, { 'cognito:groups': ['admin'] }))).toMatchObject({ sub: 'local-admin', name: 'Administratör' });
  });

  it('a named person has a subject of its own, the same for the same role, organisation and name', async () => {
    const k = await keys();
    const anna = claimsFor({ role: 'county', county: '03', name: 'Anna Berg', email: 'anna.berg@lst.se' });
    const first = decodeJwt(await mintToken(k, anna));
    const again = decodeJwt(await mintToken(k, anna));
    expect(first).toMatchObject({ name: 'Anna Berg', email: 'anna.berg@lst.se', sub: expect.stringMatching(/^local-county-03-[0-9a-f]{8}$/) });
    expect(again.sub).toBe(first.sub);
    expect(subjectOf(claimsFor({ role: 'county', county: '03', name: 'Per Ek' }))).not.toBe(first.sub);
    expect(subjectOf(claimsFor({ role: 'county', county: '01', name: 'Anna Berg' }))).not.toBe(first.sub);
    expect(subjectOf({ ...anna, name: defaultName(anna) })).toBe('local-county-03');
  });
});
