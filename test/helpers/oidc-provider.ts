import { generateKeyPairSync, sign as signBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './free-port.ts';

/** A person with an account at the test provider; they sign in with `login` as the login (any password). */
export interface TestOidcUser {
  login: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  groups?: string[];
}

export type IdTokenClaims = Record<string, unknown>;

export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** TALKBOOK_OIDC_* for a Talkbook that this provider sends back to `publicUrl`. */
  env(publicUrl: string): Record<string, string>;
  /**
   * From now on the token endpoint answers with ID tokens changed by `change` and signed again
   * with the provider's own key (so only the changed claims are wrong): a provider gone wrong,
   * or a replayed token. `undefined` stops it.
   */
  tamperIdTokens(change: ((claims: IdTokenClaims) => IdTokenClaims) | undefined, options?: { signWith?: 'provider-key' | 'another-key' }): void;
  /** From now on the redirects back to Talkbook are changed by `change` (an answer altered on its way); `undefined` stops it. */
  tamperRedirects(change: ((url: URL) => void) | undefined): void;
  close(): Promise<void>;
}

export const TEST_CLIENT_ID = 'talkbook-test';
const TEST_CLIENT_SECRET = 'talkbook-test-secret-0123456789abcdef';

/**
 * A real OpenID provider (`oidc-provider`, OpenID Certified) on loopback for tests. It listens on
 * 127.0.0.2, a loopback address but another site than Talkbook's 127.0.0.1: the way back is a
 * cross-site navigation, as with a real provider, and the two keep separate cookies. Its one
 * client is Talkbook at `redirectUri`; the login and consent pages are oidc-provider's own
 * development pages (any password).
 */
export async function startTestOidcProvider(options: { redirectUri: string; users: TestOidcUser[]; host?: string; port?: number }): Promise<TestOidcProvider> {
  const host = options.host ?? '127.0.0.2';
  const port = options.port ?? (await freePort(host));
  const issuer = `http://${host}:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
  const users = new Map(options.users.map((user) => [user.login, user]));
  let tamper: ((claims: IdTokenClaims) => IdTokenClaims) | undefined;
  let tamperKey: KeyObject = privateKey;
  // Same key id, another key: a forged token.
  const anotherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let tamperRedirect: ((url: URL) => void) | undefined;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'groups'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const user = users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: `sub-${id}`,
            preferred_username: id,
            ...(user.name ? { name: user.name } : {}),
            ...(user.email ? { email: user.email, email_verified: user.emailVerified ?? true } : {}),
            ...(user.groups ? { groups: user.groups } : {}),
          };
        },
      };
    },
  });
  // Quiet: a refused sign-in is what these tests are about.
  provider.on('server_error', () => undefined);
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (tamper && ctx.path === '/token' && body && typeof body.id_token === 'string') {
      ctx.body = { ...body, id_token: resign(body.id_token, tamper, tamperKey) };
    }
    const location = ctx.response.get('Location') ?? '';
    if (tamperRedirect && location.startsWith(options.redirectUri)) {
      const url = new URL(location);
      tamperRedirect(url);
      ctx.response.set('Location', url.href);
    }
  });

  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  return {
    issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    env: (publicUrl) => ({
      TALKBOOK_PUBLIC_URL: publicUrl,
      TALKBOOK_OIDC_ISSUER: issuer,
      TALKBOOK_OIDC_CLIENT_ID: TEST_CLIENT_ID,
      TALKBOOK_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    }),
    tamperIdTokens(change, tamperOptions = {}) {
      tamper = change;
      tamperKey = tamperOptions.signWith === 'another-key' ? anotherKey : privateKey;
    },
    tamperRedirects(change) {
      tamperRedirect = change;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The same JWT with changed claims, signed again (RS256) with the provider's key and key id. */
function resign(jwt: string, change: (claims: IdTokenClaims) => IdTokenClaims, key: KeyObject): string {
  const [header, payload] = jwt.split('.');
  const claims = change(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as IdTokenClaims);
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${signBytes('sha256', Buffer.from(input), key).toString('base64url')}`;
}
