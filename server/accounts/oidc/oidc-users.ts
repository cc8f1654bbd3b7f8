import type { OidcConfig } from '../../config.ts';
import { newId } from '../../ids.ts';
import type { AccountStore, UserRow } from '../../store/index.ts';
import type { IdClaims } from './oidc-client.ts';
import { OidcRefusal } from './oidc-refusal.ts';

export type Admission = Pick<OidcConfig, 'allowedDomains' | 'groupsClaim' | 'allowedGroups' | 'firstAdmin'>;

/** What Talkbook keeps of an ID token: who (issuer + subject), and how to show them. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  displayName: string;
  groups: string[];
}

export function identityOf(claims: IdClaims, groupsClaim: string): OidcIdentity {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const email = text(claims.email)?.toLowerCase() ?? null;
  const rawGroups = claims[groupsClaim];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((group): group is string => typeof group === 'string') : typeof rawGroups === 'string' ? [rawGroups] : [];
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email,
    // Some providers send the claim as a string.
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    displayName: (text(claims.name) ?? text(claims.preferred_username) ?? email ?? claims.sub).slice(0, 100),
    groups,
  };
}

/** Refuses (an `OidcRefusal`) an identity that the domain or group rules do not admit. */
export function admit(identity: OidcIdentity, rules: Admission): void {
  const who = identity.email ?? identity.subject;
  if (rules.allowedDomains.length > 0) {
    if (!identity.email) throw new OidcRefusal('domain-not-allowed', { detail: 'an account without an email address', who });
    // The provider must vouch for the address, or anyone could claim one at an admitted domain.
    if (!identity.emailVerified) throw new OidcRefusal('email-unverified', { who });
    const domain = identity.email.slice(identity.email.lastIndexOf('@') + 1);
    if (!rules.allowedDomains.includes(domain)) throw new OidcRefusal('domain-not-allowed', { detail: domain, who });
  }
  if (rules.allowedGroups.length > 0 && !identity.groups.some((group) => rules.allowedGroups.includes(group))) {
    throw new OidcRefusal('group-not-allowed', { who });
  }
}

/**
 * The user an admitted identity signs in as, found by issuer + subject (never by email, which
 * a provider may let people change), made on first sign-in. Its email and name follow the
 * provider's. With `firstAdmin`, the first person ever to sign in this way becomes an admin.
 */
export async function findOrCreateOidcUser(store: AccountStore, identity: OidcIdentity, rules: Admission, now: Date): Promise<{ user: UserRow; created: boolean }> {
  const who = identity.email ?? identity.subject;
  const existing = await store.userByOidc(identity.issuer, identity.subject);
  if (existing) {
    if (existing.disabled) throw new OidcRefusal('user-disabled', { who });
    const changes = {
      ...(existing.email !== identity.email ? { email: identity.email } : {}),
      ...(existing.emailVerified !== identity.emailVerified ? { emailVerified: identity.emailVerified } : {}),
      ...(existing.displayName !== identity.displayName ? { displayName: identity.displayName } : {}),
    };
    if (Object.keys(changes).length > 0) await store.updateUser(existing.id, changes);
    return { user: { ...existing, ...changes }, created: false };
  }
  const first = rules.firstAdmin && !(await store.listUsers()).some((user) => user.oidcSubject !== null);
  const user = {
    id: newId(),
    username: null,
    displayName: identity.displayName,
    email: identity.email,
    emailVerified: identity.emailVerified,
    role: first ? ('admin' as const) : ('member' as const),
    passwordHash: null,
    oidcIssuer: identity.issuer,
    oidcSubject: identity.subject,
    createdAt: now.toISOString(),
  };
  try {
    await store.createUser(user);
  } catch (error) {
    // The same person's other tab got there first (issuer + subject is unique): that user it is.
    const made = await store.userByOidc(identity.issuer, identity.subject);
    if (!made) throw error;
    if (made.disabled) throw new OidcRefusal('user-disabled', { who });
    return { user: made, created: false };
  }
  return { user: { ...user, disabled: false, lastSeenAt: null }, created: true };
}
