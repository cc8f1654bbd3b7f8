import type { OidcConfig } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { AccountStore, UserRow } from '../../store/index.ts';
import { OidcClient } from './oidc-client.ts';
import { OidcRefusal } from './oidc-refusal.ts';
import { admit, findOrCreateOidcUser, identityOf } from './oidc-users.ts';
import { PENDING_SIGN_IN_TTL_MS, PendingSignInSeal } from './pending-sign-in.ts';

export interface OidcSignInOptions {
  config: OidcConfig;
  accounts: AccountStore;
  log: Logger;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

/**
 * Signing in with OpenID Connect, start to finish: the authorization code flow with PKCE, a
 * `state` and a `nonce` bound to the browser (a sealed, short-lived cookie), the ID token
 * checked, the identity admitted by the domain and group rules, then its user. Failures are
 * `OidcRefusal`s.
 */
export class OidcSignIn {
  readonly name: string;
  private readonly options: OidcSignInOptions;
  private readonly client: OidcClient;
  private readonly seal: PendingSignInSeal;
  private readonly now: () => number;

  constructor(options: OidcSignInOptions) {
    this.options = options;
    this.name = options.config.name;
    this.client = new OidcClient({ config: options.config, log: options.log });
    this.seal = new PendingSignInSeal(options.config.clientSecret);
    this.now = options.now ?? Date.now;
  }

  /** Where to send the browser, and the cookie value (sealed) that must come back with it. */
  async start(): Promise<{ redirectTo: URL; pendingCookie: string; maxAgeS: number }> {
    const { url, pending } = await this.client.begin(this.now(), PENDING_SIGN_IN_TTL_MS);
    return { redirectTo: url, pendingCookie: this.seal.seal(pending), maxAgeS: PENDING_SIGN_IN_TTL_MS / 1000 };
  }

  /** The callback: `query` as the provider sent the browser back, `pendingCookie` as the browser kept it. */
  async finish(query: URLSearchParams, pendingCookie: string | undefined): Promise<{ user: UserRow; created: boolean }> {
    const pending = this.seal.open(pendingCookie, this.now());
    if (!pending) throw new OidcRefusal('no-pending-sign-in');
    if (query.get('state') !== pending.state) throw new OidcRefusal('state-mismatch');
    const claims = await this.client.finish(query, pending);
    const { config, accounts } = this.options;
    const identity = identityOf(claims, config.groupsClaim);
    admit(identity, config);
    return findOrCreateOidcUser(accounts, identity, config, new Date(this.now()));
  }
}
