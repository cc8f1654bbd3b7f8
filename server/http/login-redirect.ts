const PROBE = 'http://talkbook.invalid';

/**
 * Where the login link sends the browser once the token left the address bar: the same path
 * and query, as a path on this server. A path that a browser would read as another host
 * (`//evil.example/`, `/\evil.example`) must not become `Location: //evil.example/`: leading
 * slashes and backslashes collapse to one, and the result is accepted only if the URL parser,
 * resolving it against an origin, stays on that origin; anything else goes to `/`.
 */
export function loginRedirectTarget(url: URL): string {
  const target = `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`;
  try {
    return new URL(target, PROBE).origin === PROBE ? target : '/';
  } catch {
    return '/';
  }
}
