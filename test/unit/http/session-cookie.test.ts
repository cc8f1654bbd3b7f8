import { describe, expect, it } from 'vitest';
import { readSessionCookie, sessionCookie } from '../../../server/http/session-cookie.ts';

describe('session cookie', () => {
  it('is __Host- and Secure over HTTPS, plain over HTTP, HttpOnly and SameSite=Strict always', () => {
    expect(sessionCookie('abc', { secure: true, maxAgeS: 60 })).toBe('__Host-talkbook_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure');
    expect(sessionCookie('abc', { secure: false, maxAgeS: 60 })).toBe('talkbook_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
  });

  it('reads only the name that fits the scheme, and never throws on malformed values', () => {
    const header = 'talkbook_token=secret; talkbook_session=%E0%A4%A; __Host-talkbook_session=good; other';
    expect(readSessionCookie(header, false)).toBe('%E0%A4%A');
    expect(readSessionCookie(header, true)).toBe('good');
    expect(readSessionCookie('talkbook_token=secret', false)).toBeUndefined();
    expect(readSessionCookie('=;;=talkbook_session', false)).toBeUndefined();
    expect(readSessionCookie(undefined, false)).toBeUndefined();
  });
});
