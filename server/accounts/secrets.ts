import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes in base64url (43 characters): session ids, sign-in links, API tokens. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** 32 random bytes in base64url, and nothing else, is what a secret of ours looks like. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function isSecret(value: string | undefined | null): value is string {
  return typeof value === 'string' && SECRET.test(value);
}

/** What the store keeps of a secret: its SHA-256 (base64url). A secret has 256 random bits, so no salt or slow hash is needed. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Constant-time comparison of two strings of any length (hashing first makes the lengths equal). */
export function secretsMatch(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
