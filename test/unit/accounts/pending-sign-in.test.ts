import { describe, expect, it } from 'vitest';
import { PendingSignInSeal } from '../../../server/accounts/oidc/pending-sign-in.ts';

const pending = { state: 'the-state', nonce: 'the-nonce', verifier: 'the-verifier', expiresAtMs: 10_000 };

describe('PendingSignInSeal', () => {
  it('opens what it sealed, and the cookie does not show the verifier or nonce', () => {
    const seal = new PendingSignInSeal('client secret');
    const value = seal.seal(pending);
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(value, 'base64url').toString('latin1')).not.toContain('the-verifier');
    expect(seal.open(value, 9_999)).toEqual(pending);
  });

  it('refuses an altered value, another key, an expired sign-in and junk', () => {
    const seal = new PendingSignInSeal('client secret');
    const value = seal.seal(pending);
    const bytes = Buffer.from(value, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(seal.open(bytes.toString('base64url'), 0)).toBeUndefined();
    expect(new PendingSignInSeal('another secret').open(value, 0)).toBeUndefined();
    expect(seal.open(value, 10_000)).toBeUndefined();
    expect(seal.open('not-a-sealed-value', 0)).toBeUndefined();
    expect(seal.open(undefined, 0)).toBeUndefined();
  });
});
