/** Why a sign-in through the OpenID provider was refused: each has its own page and audit detail. */
export type OidcRefusalReason =
  | 'no-pending-sign-in'
  | 'state-mismatch'
  | 'provider-said-no'
  | 'code-refused'
  | 'nonce-mismatch'
  | 'id-token-expired'
  | 'id-token-invalid'
  | 'provider-unreachable'
  | 'email-unverified'
  | 'domain-not-allowed'
  | 'group-not-allowed'
  | 'user-disabled';

/** A refused sign-in: `reason` for the audit log and tests, `message` for the person (never a stack or a token). */
export class OidcRefusal extends Error {
  override name = 'OidcRefusal';
  readonly reason: OidcRefusalReason;
  /** The HTTP status of the page that says so. */
  readonly status: 400 | 403 | 502 | 503;
  /** Who tried, when known (an email or the provider's subject), for the audit log. */
  readonly who: string | undefined;

  constructor(reason: OidcRefusalReason, options: { detail?: string; cause?: unknown; who?: string } = {}) {
    super(refusalMessage(reason, options.detail), { cause: options.cause });
    this.reason = reason;
    this.status = refusalStatus(reason);
    this.who = options.who;
  }
}

function refusalStatus(reason: OidcRefusalReason): 400 | 403 | 502 | 503 {
  switch (reason) {
    case 'no-pending-sign-in':
    case 'state-mismatch':
    case 'nonce-mismatch':
    case 'id-token-expired':
    case 'id-token-invalid':
      return 400;
    case 'provider-said-no':
    case 'email-unverified':
    case 'domain-not-allowed':
    case 'group-not-allowed':
    case 'user-disabled':
      return 403;
    case 'code-refused':
      return 502;
    case 'provider-unreachable':
      return 503;
  }
}

function refusalMessage(reason: OidcRefusalReason, detail: string | undefined): string {
  switch (reason) {
    case 'no-pending-sign-in':
      return 'This sign-in was not started in this browser, or took longer than 10 minutes. Start again.';
    case 'state-mismatch':
      return 'The answer from the sign-in provider does not belong to the sign-in this browser started (its "state" does not match). Nothing was signed in. Start again.';
    case 'provider-said-no':
      return `The sign-in provider did not sign you in${detail ? ` (${detail})` : ''}.`;
    case 'code-refused':
      return 'The sign-in provider refused to exchange the sign-in code. Start again; if it keeps happening, an admin should check the client id and secret.';
    case 'nonce-mismatch':
      return 'The ID token from the sign-in provider was not issued for this sign-in (its "nonce" does not match). Nothing was signed in. Start again.';
    case 'id-token-expired':
      return 'The ID token from the sign-in provider has expired. Start again; if it keeps happening, the clocks of this server and the provider disagree.';
    case 'id-token-invalid':
      return `The ID token from the sign-in provider did not pass its checks${detail ? ` (${detail})` : ''}. Nothing was signed in.`;
    case 'provider-unreachable':
      return 'The sign-in provider cannot be reached right now. Try again in a minute, or sign in with a password.';
    case 'email-unverified':
      return 'Your email address is not verified at the sign-in provider, and this Talkbook admits people by their email domain. Verify it there, then try again.';
    case 'domain-not-allowed':
      return `This Talkbook does not admit accounts from ${detail ? `"${detail}"` : 'your email domain'}. Ask an admin to add it, or sign in with another account.`;
    case 'group-not-allowed':
      return 'Your account is not in a group this Talkbook admits. Ask an admin.';
    case 'user-disabled':
      return 'This account is disabled. Ask an admin.';
  }
}
