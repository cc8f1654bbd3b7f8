import { createHash, timingSafeEqual } from 'node:crypto';

export const COOKIE_NAME = 'talkbook_token';

/** Constant-time token comparison (hashing first makes the lengths equal). */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(header: string | undefined | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

export function cookieToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE_NAME) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${COOKIE_NAME}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/**
 * Whether a WebSocket upgrade may proceed: `?token=` works from anywhere; the cookie only
 * when the page that opened the socket is ours (Origin matches Host), which stops
 * cross-site WebSocket hijacking.
 */
export function authorizeUpgrade(
  token: string,
  request: { url: string; host: string | undefined; origin: string | undefined; cookie: string | undefined },
): boolean {
  const url = new URL(request.url, 'http://localhost');
  if (tokenMatches(token, url.searchParams.get('token'))) return true;
  if (!tokenMatches(token, cookieToken(request.cookie))) return false;
  if (!request.origin || !request.host) return false;
  try {
    return new URL(request.origin).host === request.host;
  } catch {
    return false;
  }
}
