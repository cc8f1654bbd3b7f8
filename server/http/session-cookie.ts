/**
 * The session cookie. Over HTTPS it is `__Host-talkbook_session` (the browser then insists on
 * Secure, Path=/ and no Domain, so no sibling host or plain-HTTP page can set or shadow it);
 * over plain HTTP (localhost) it is `talkbook_session`. Either way it holds a session id, never
 * the token, and only the name that fits the scheme is read.
 */
export const SESSION_COOKIE = 'talkbook_session';
export const SECURE_SESSION_COOKIE = '__Host-talkbook_session';
/** What the login link set before sessions existed (the token itself): cleared at login, never read. */
export const LEGACY_TOKEN_COOKIE = 'talkbook_token';

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * The raw value of the session cookie in a `Cookie` header, or undefined. Nothing is decoded
 * (a session id is base64url), so a malformed header can never throw.
 */
export function readSessionCookie(header: string | undefined | null, secure: boolean): string | undefined {
  if (!header) return undefined;
  const name = sessionCookieName(secure);
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, options: { secure: boolean; maxAgeS: number }): string {
  const secure = options.secure ? '; Secure' : '';
  return `${sessionCookieName(options.secure)}=${id}; Path=/; Max-Age=${options.maxAgeS}; HttpOnly; SameSite=Strict${secure}`;
}

export function expiredCookie(name: string, secure: boolean): string {
  return `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/**
 * The CSRF cookie: the session's CSRF token (never the session id), readable by the page's own
 * script, which sends it back as `X-CSRF-Token` (a double submit: a page elsewhere can neither
 * set that header without a CORS preflight nor, over HTTPS, read this `__Host-` cookie).
 */
export const CSRF_COOKIE = 'talkbook_csrf';
export const SECURE_CSRF_COOKIE = '__Host-talkbook_csrf';

export function csrfCookieName(secure: boolean): string {
  return secure ? SECURE_CSRF_COOKIE : CSRF_COOKIE;
}

export function csrfCookie(token: string, options: { secure: boolean; maxAgeS: number }): string {
  return `${csrfCookieName(options.secure)}=${token}; Path=/; Max-Age=${options.maxAgeS}; SameSite=Strict${options.secure ? '; Secure' : ''}`;
}

export function readCookie(header: string | undefined | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator !== -1 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
