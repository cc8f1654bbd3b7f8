import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

const OIDC = {
  TALKBOOK_PUBLIC_URL: 'https://talkbook.example.com',
  TALKBOOK_OIDC_ISSUER: 'https://keycloak.example.com/realms/acme',
  TALKBOOK_OIDC_CLIENT_ID: 'talkbook',
  TALKBOOK_OIDC_CLIENT_SECRET: 'a-client-secret',
};

describe('loadConfig: OpenID Connect', () => {
  it('is off unless configured', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
  });

  it('reads the provider, the redirect URI and the admission rules', () => {
    const config = loadConfig({
      ...OIDC,
      TALKBOOK_OIDC_ALLOWED_DOMAINS: ' Example.com, @acme.org ,',
      TALKBOOK_OIDC_ALLOWED_GROUPS: 'talkbook-users',
      TALKBOOK_OIDC_GROUPS_CLAIM: 'roles',
      TALKBOOK_OIDC_FIRST_ADMIN: '1',
    });
    expect(config.oidc).toEqual({
      issuer: 'https://keycloak.example.com/realms/acme',
      clientId: 'talkbook',
      clientSecret: 'a-client-secret',
      redirectUri: 'https://talkbook.example.com/api/auth/oidc/callback',
      name: 'keycloak.example.com',
      allowedDomains: ['example.com', 'acme.org'],
      groupsClaim: 'roles',
      allowedGroups: ['talkbook-users'],
      firstAdmin: true,
    });
  });

  it('defaults: any domain, the `groups` claim, no first admin, the name given', () => {
    const config = loadConfig({ ...OIDC, TALKBOOK_OIDC_NAME: 'Acme SSO' });
    expect(config.oidc).toMatchObject({ name: 'Acme SSO', allowedDomains: [], groupsClaim: 'groups', allowedGroups: [], firstAdmin: false });
  });

  it.each([
    [{ ...OIDC, TALKBOOK_PUBLIC_URL: undefined }, 'missing TALKBOOK_PUBLIC_URL'],
    [{ ...OIDC, TALKBOOK_OIDC_CLIENT_SECRET: '' }, 'missing TALKBOOK_OIDC_CLIENT_SECRET'],
    [{ TALKBOOK_OIDC_ISSUER: OIDC.TALKBOOK_OIDC_ISSUER }, 'missing TALKBOOK_OIDC_CLIENT_ID, TALKBOOK_OIDC_CLIENT_SECRET, TALKBOOK_PUBLIC_URL'],
    [{ ...OIDC, TALKBOOK_OIDC_ISSUER: 'keycloak.example.com' }, 'TALKBOOK_OIDC_ISSUER must be the provider\'s issuer URL'],
    [{ ...OIDC, TALKBOOK_OIDC_FIRST_ADMIN: '1' }, 'TALKBOOK_OIDC_FIRST_ADMIN=1 needs TALKBOOK_OIDC_ALLOWED_DOMAINS or TALKBOOK_OIDC_ALLOWED_GROUPS'],
    [{ TALKBOOK_OIDC_ALLOWED_DOMAINS: 'example.com' }, 'TALKBOOK_OIDC_ALLOWED_DOMAINS set, but OpenID Connect is not'],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats the client secret in an error', () => {
    expect(() => loadConfig({ ...OIDC, TALKBOOK_OIDC_CLIENT_SECRET: 'sekrit', TALKBOOK_PUBLIC_URL: 'nope' })).toThrow(/TALKBOOK_PUBLIC_URL/);
    expect(() => loadConfig({ ...OIDC, TALKBOOK_OIDC_CLIENT_SECRET: 'sekrit', TALKBOOK_PUBLIC_URL: 'nope' })).not.toThrow(/sekrit/);
  });
});
