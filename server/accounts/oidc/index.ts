export { OidcSignIn, type OidcSignInOptions } from './oidc-sign-in.ts';
export { OidcRefusal, type OidcRefusalReason } from './oidc-refusal.ts';
export { PENDING_SIGN_IN_TTL_MS } from './pending-sign-in.ts';
