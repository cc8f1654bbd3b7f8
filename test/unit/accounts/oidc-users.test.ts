import { describe, expect, it } from 'vitest';
import { admit, identityOf, type Admission, type OidcIdentity } from '../../../server/accounts/oidc/oidc-users.ts';
import { OidcRefusal } from '../../../server/accounts/oidc/oidc-refusal.ts';

const base = { iss: 'https://sso.example.com', sub: 'abc', aud: 'talkbook', iat: 1, exp: 2 };
const anyone: Admission = { allowedDomains: [], groupsClaim: 'groups', allowedGroups: [], firstAdmin: false };

function refusal(identity: OidcIdentity, rules: Admission): string | undefined {
  try {
    admit(identity, rules);
    return undefined;
  } catch (error) {
    if (error instanceof OidcRefusal) return error.reason;
    throw error;
  }
}

describe('identityOf', () => {
  it('takes who from issuer + subject and how to show them from the profile claims', () => {
    expect(identityOf({ ...base, email: ' Ada@Example.COM ', email_verified: true, name: 'Ada', roles: ['x', 3, 'y'] }, 'roles')).toEqual({
      issuer: 'https://sso.example.com',
      subject: 'abc',
      email: 'ada@example.com',
      emailVerified: true,
      displayName: 'Ada',
      groups: ['x', 'y'],
    });
  });

  it('falls back to the username, the email, then the subject for the name; a verified flag as a string counts', () => {
    expect(identityOf({ ...base, preferred_username: 'ada' }, 'groups')).toMatchObject({ displayName: 'ada', email: null, emailVerified: false, groups: [] });
    expect(identityOf({ ...base, email: 'a@b.c', email_verified: 'true' }, 'groups')).toMatchObject({ displayName: 'a@b.c', emailVerified: true });
    expect(identityOf(base, 'groups').displayName).toBe('abc');
  });
});

describe('admit', () => {
  const ada = identityOf({ ...base, email: 'ada@example.com', email_verified: true, groups: ['staff'] }, 'groups');

  it('admits anyone without rules', () => {
    expect(refusal(identityOf(base, 'groups'), anyone)).toBeUndefined();
  });

  it('checks the domain of a verified email only', () => {
    const domains = { ...anyone, allowedDomains: ['example.com'] };
    expect(refusal(ada, domains)).toBeUndefined();
    expect(refusal({ ...ada, emailVerified: false }, domains)).toBe('email-unverified');
    expect(refusal({ ...ada, email: 'ada@evil-example.com' }, domains)).toBe('domain-not-allowed');
    expect(refusal({ ...ada, email: 'ada@sub.example.com' }, domains)).toBe('domain-not-allowed');
    expect(refusal({ ...ada, email: null }, domains)).toBe('domain-not-allowed');
  });

  it('needs one admitted group when groups are listed', () => {
    expect(refusal(ada, { ...anyone, allowedGroups: ['staff', 'admins'] })).toBeUndefined();
    expect(refusal(ada, { ...anyone, allowedGroups: ['admins'] })).toBe('group-not-allowed');
    expect(refusal({ ...ada, groups: [] }, { ...anyone, allowedGroups: ['staff'] })).toBe('group-not-allowed');
  });
});
