import type { AccountStore } from '../store/index.ts';
import { hashSecret, isSecret, newSecret } from './secrets.ts';

/** A printed sign-in link works this long, and once. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;

/** A new one-time link code for `userId` (the store keeps only its hash). */
export async function createSignInLink(store: AccountStore, userId: string, options: { ttlMs?: number; now?: number } = {}): Promise<string> {
  const code = newSecret();
  const now = options.now ?? Date.now();
  await store.createSignInLink({ key: hashSecret(code), userId, expiresAtMs: now + (options.ttlMs ?? SIGN_IN_LINK_TTL_MS) });
  return code;
}

/** The user a link's code signs in, once: a second use, an expired or unknown code give undefined. */
export async function redeemSignInLink(store: AccountStore, code: string | null | undefined, now = Date.now()): Promise<string | undefined> {
  if (!isSecret(code)) return undefined;
  return store.consumeSignInLink(hashSecret(code), now);
}
