import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** How long a browser may spend at the provider between "Sign in with …" and coming back. */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60 * 1000;

const pendingSignIn = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  /** The PKCE code verifier (only its S256 hash went to the provider). */
  verifier: z.string().min(1),
  expiresAtMs: z.number(),
});
export type PendingSignIn = z.infer<typeof pendingSignIn>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A sign-in under way, kept by the browser in a short-lived cookie that it cannot read or
 * forge: AES-256-GCM (authenticated encryption) with a key derived from the client secret, so
 * every replica of Talkbook can open what another sealed and nothing is stored until the person
 * comes back. The cookie binds the callback to the browser that started: a callback with
 * another browser's code or state finds no matching `state` here.
 */
export class PendingSignInSeal {
  private readonly key: Buffer;

  constructor(clientSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', clientSecret, 'talkbook', 'oidc pending sign-in cookie v1', 32));
  }

  seal(pending: PendingSignIn): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The pending sign-in, or undefined when the value is missing, altered, sealed with another key, or expired. */
  open(value: string | undefined, nowMs: number): PendingSignIn | undefined {
    if (!value || value.length > 4096) return undefined;
    const bytes = Buffer.from(value, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      const parsed = pendingSignIn.safeParse(JSON.parse(text));
      if (!parsed.success || parsed.data.expiresAtMs <= nowMs) return undefined;
      return parsed.data;
    } catch {
      return undefined;
    }
  }
}
