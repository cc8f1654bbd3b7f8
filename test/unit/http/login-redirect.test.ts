import { describe, expect, it } from 'vitest';
import { loginRedirectTarget } from '../../../server/http/login-redirect.ts';

const target = (path: string) => {
  const url = new URL(`http://127.0.0.1:8080${path}`);
  url.searchParams.delete('token');
  return loginRedirectTarget(url);
};

describe('loginRedirectTarget', () => {
  it.each([
    ['/?token=t', '/'],
    ['/c/abc?token=t', '/c/abc'],
    ['/c/abc?x=1&token=t', '/c/abc?x=1'],
  ])('keeps a path on this server: %s → %s', (path, expected) => {
    expect(target(path)).toBe(expected);
  });

  it.each(['//evil.example/?token=t', '///evil.example/', '/\\evil.example/', '/\\/evil.example', '//evil.example:8080/x?y=1', '/%09/evil.example'])(
    'never leaves this server: %s',
    (path) => {
      const location = target(path);
      expect(location.startsWith('/')).toBe(true);
      expect(new URL(location, 'http://127.0.0.1:8080').origin).toBe('http://127.0.0.1:8080');
    },
  );
});
