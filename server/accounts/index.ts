export { bootstrapAccounts, type Bootstrap } from './first-admin.ts';
export { hashSecret, isSecret, newSecret, secretsMatch } from './secrets.ts';
export { csrfTokenOf, isSessionId, Sessions, SESSION_IDLE_MS, SESSION_MAX_AGE_MS, type Session, type SessionsOptions, type SignedIn } from './sessions.ts';
export { createSignInLink, redeemSignInLink, SIGN_IN_LINK_TTL_MS } from './sign-in-links.ts';
export { decoyHash, hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
export { SignInLimiter } from './sign-in-limiter.ts';
export { AccountsUnavailableError, outageTolerantAccounts, type OutageTolerance } from './outage-tolerant-accounts.ts';
export { OidcRefusal, OidcSignIn, type OidcRefusalReason } from './oidc/index.ts';
