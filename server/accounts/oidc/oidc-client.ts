import * as client from 'openid-client';
import type { OidcConfig } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { OidcRefusal } from './oidc-refusal.ts';
import type { PendingSignIn } from './pending-sign-in.ts';

/** The ID token's claims once every check passed (issuer, audience, expiry, signature, nonce). */
export type IdClaims = client.IDToken;

export interface OidcClientOptions {
  config: OidcConfig;
  log: Logger;
  /** Seconds a request to the provider may take (discovery, token exchange). Default 10. */
  timeoutS?: number;
  /** After a failed discovery, the next sign-in tries again no sooner than this. Default 2 seconds. */
  retryAfterMs?: number;
}

const SCOPE = 'openid email profile';

/**
 * The relying party: the only code that speaks to the OpenID provider (through `openid-client`).
 * Discovery is lazy and retried, so a provider that is down when Talkbook starts only makes its
 * sign-in button answer "cannot be reached" until it is back. The ID token's signature is
 * checked against the provider's published keys, not only trusted for having come over TLS.
 */
export class OidcClient {
  private readonly options: OidcClientOptions;
  private discovered: Promise<client.Configuration> | undefined;
  private failedAtMs = 0;

  constructor(options: OidcClientOptions) {
    this.options = options;
  }

  /** The provider's address to send the browser to, and what the callback must find again. */
  async begin(nowMs: number, ttlMs: number): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const pending: PendingSignIn = { state: client.randomState(), nonce: client.randomNonce(), verifier, expiresAtMs: nowMs + ttlMs };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.options.config.redirectUri,
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * The callback: the code exchanged (with the PKCE verifier), the ID token checked. `query` is
   * the callback's query string as the browser sent it. Throws an `OidcRefusal`.
   */
  async finish(query: URLSearchParams, pending: PendingSignIn): Promise<IdClaims> {
    const configuration = await this.configuration();
    // The redirect URI as registered (TALKBOOK_PUBLIC_URL), whatever address a proxy used to reach us.
    const callback = new URL(this.options.config.redirectUri);
    callback.search = query.toString();
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.refusal(error);
    }
    const claims = tokens.claims();
    if (!claims) throw new OidcRefusal('id-token-invalid', { detail: 'no ID token' });
    if (claims.email !== undefined || !tokens.access_token) return claims;
    // Providers may keep the profile and email out of the ID token (OpenID Connect Core 5.4): ask the UserInfo endpoint, for the same subject.
    try {
      const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      return { ...userInfo, ...claims };
    } catch (error) {
      throw this.refusal(error);
    }
  }

  private configuration(): Promise<client.Configuration> {
    if (this.discovered) return this.discovered;
    const retryAfterMs = this.options.retryAfterMs ?? 2000;
    if (Date.now() - this.failedAtMs < retryAfterMs) return Promise.reject(new OidcRefusal('provider-unreachable'));
    const { issuer, clientId, clientSecret } = this.options.config;
    const insecure = new URL(issuer).protocol === 'http:';
    const timeout = this.options.timeoutS ?? 10;
    this.discovered = client
      .discovery(new URL(issuer), clientId, clientSecret, undefined, { timeout, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) })
      .then((configuration) => {
        configuration.timeout = timeout;
        client.enableNonRepudiationChecks(configuration);
        this.options.log.info(`OpenID Connect: using the provider at ${issuer}`);
        return configuration;
      })
      .catch((error: unknown) => {
        this.discovered = undefined;
        this.failedAtMs = Date.now();
        this.options.log.warn(`OpenID Connect: the provider at ${issuer} did not answer its discovery document (sign-in will try again)`, describe(error));
        throw new OidcRefusal('provider-unreachable', { cause: error });
      });
    return this.discovered;
  }

  /** What an `openid-client` failure means for the person. */
  private refusal(error: unknown): OidcRefusal {
    if (error instanceof OidcRefusal) return error;
    if (error instanceof client.AuthorizationResponseError) {
      return new OidcRefusal('provider-said-no', { detail: error.error_description ?? error.error, cause: error });
    }
    if (error instanceof client.ResponseBodyError) {
      this.options.log.warn('OpenID Connect: the token endpoint refused the code', `${error.error}: ${error.error_description ?? ''}`);
      return new OidcRefusal('code-refused', { cause: error });
    }
    if (error instanceof client.ClientError) {
      const claim = claimOf(error);
      if (error.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' && claim === 'exp') return new OidcRefusal('id-token-expired', { cause: error });
      if (error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'nonce') return new OidcRefusal('nonce-mismatch', { cause: error });
      if (error.code === 'OAUTH_INVALID_RESPONSE' && /"state"/.test(innerMessage(error))) return new OidcRefusal('state-mismatch', { cause: error });
      if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') return new OidcRefusal('provider-unreachable', { cause: error });
      this.options.log.warn('OpenID Connect: the ID token or token response failed a check', describe(error));
      return new OidcRefusal('id-token-invalid', { detail: innerMessage(error), cause: error });
    }
    // fetch failed: connection refused, DNS, TLS.
    if (error instanceof TypeError) return new OidcRefusal('provider-unreachable', { cause: error });
    this.options.log.warn('OpenID Connect: the sign-in failed', describe(error));
    return new OidcRefusal('id-token-invalid', { cause: error });
  }
}

/** The claim a failed JWT check names (`openid-client` wraps `oauth4webapi`'s error, whose cause names it). */
function claimOf(error: client.ClientError): string | undefined {
  const inner = error.cause as { cause?: { claim?: unknown } } | undefined;
  return typeof inner?.cause?.claim === 'string' ? inner.cause.claim : undefined;
}

function innerMessage(error: client.ClientError): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
