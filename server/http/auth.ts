import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { PublicError } from '../errors.ts';
import { crossOriginRefusal, fromOwnOrigin } from './csrf.ts';
import { loginRedirectTarget } from './login-redirect.ts';
import { ownOrigin } from './own-origin.ts';
import { expiredCookie, LEGACY_TOKEN_COOKIE, readSessionCookie, sessionCookie } from './session-cookie.ts';
import type { Session, SessionStore } from './sessions.ts';

/** What the edge needs to authenticate: the API token, the sessions, the public address if any. */
export interface EdgeAuth {
  /** `TALKBOOK_TOKEN`: the bearer token of scripts, and what the login link proves. */
  token: string;
  sessions: SessionStore;
  /** `TALKBOOK_PUBLIC_URL`: the address browsers use (behind a proxy); unset: the request's own. */
  publicUrl?: string;
}

/** Who made a request: a script with the token, or a browser with a session. */
export type Caller = { via: 'token' } | { via: 'session'; session: Session };

declare module 'hono' {
  interface ContextVariableMap {
    caller: Caller;
  }
}

/** The subject of sessions opened with the login link (accounts will add user ids). */
export const TOKEN_SUBJECT = 'token';

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

const UNAUTHORIZED = 'Unauthorized: open the link the server printed, or send Authorization: Bearer <token>.';

/**
 * `/api/*`: a bearer token, or a live session cookie on a request from Talkbook's own page
 * (csrf.ts). Sets `caller`. Refuses with a `PublicError`: 401 without either, 403 for a cookie
 * used from elsewhere.
 */
export function apiAuth(auth: EdgeAuth): MiddlewareHandler {
  return async (c, next) => {
    const bearer = bearerToken(c.req.header('Authorization'));
    if (bearer !== undefined) {
      if (!tokenMatches(auth.token, bearer)) throw new PublicError(UNAUTHORIZED, 401);
      c.set('caller', { via: 'token' });
      return next();
    }
    const own = ownOrigin(c.req.url, auth.publicUrl);
    const session = await sessionOf(auth, c.req.header('Cookie'), own.secure);
    if (!session) throw new PublicError(UNAUTHORIZED, 401);
    const refusal = crossOriginRefusal(
      {
        method: c.req.method,
        path: c.req.path,
        contentType: c.req.header('Content-Type'),
        secFetchSite: c.req.header('Sec-Fetch-Site'),
        origin: c.req.header('Origin'),
      },
      own.origin,
    );
    if (refusal) throw new PublicError(refusal, 403);
    c.set('caller', { via: 'session', session });
    await next();
  };
}

/**
 * Opening the printed link (`GET …?token=`): a new session (any previous one of this browser
 * ends), its id in the cookie, the token out of the address bar and out of the cookie jar.
 */
export function loginLink(auth: EdgeAuth): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET') return next();
    const url = new URL(c.req.url);
    const given = url.searchParams.get('token');
    if (given === null) return next();
    if (!tokenMatches(auth.token, given)) return c.text('This link holds a wrong token. Open the link the server printed.', 401);
    url.searchParams.delete('token');
    const own = ownOrigin(c.req.url, auth.publicUrl);
    const previous = readSessionCookie(c.req.header('Cookie'), own.secure);
    if (previous !== undefined) await auth.sessions.revoke(previous);
    const { id } = await auth.sessions.create(TOKEN_SUBJECT);
    setCookies(c, [
      sessionCookie(id, { secure: own.secure, maxAgeS: Math.floor(auth.sessions.maxAgeMs / 1000) }),
      expiredCookie(LEGACY_TOKEN_COOKIE, own.secure),
    ]);
    c.header('Cache-Control', 'no-store');
    return c.redirect(loginRedirectTarget(url), 302);
  };
}

/**
 * Who opens a WebSocket: `?token=` from anywhere (scripts); the session cookie only from
 * Talkbook's own page (`Sec-Fetch-Site`/`Origin`), which stops cross-site and cross-port
 * WebSocket hijacking. Undefined: refuse.
 */
export async function authorizeUpgrade(
  auth: EdgeAuth,
  request: { url: string; host: string | undefined; origin: string | undefined; secFetchSite: string | undefined; cookie: string | undefined },
): Promise<Caller | undefined> {
  const url = new URL(request.url, 'http://localhost');
  if (tokenMatches(auth.token, url.searchParams.get('token'))) return { via: 'token' };
  if (!request.host) return undefined;
  let own;
  try {
    own = ownOrigin(`http://${request.host}/`, auth.publicUrl);
  } catch {
    return undefined;
  }
  const session = await sessionOf(auth, request.cookie, own.secure);
  if (!session || !fromOwnOrigin(request, own.origin)) return undefined;
  return { via: 'session', session };
}

async function sessionOf(auth: EdgeAuth, cookieHeader: string | undefined, secure: boolean): Promise<Session | undefined> {
  const id = readSessionCookie(cookieHeader, secure);
  return id === undefined ? undefined : auth.sessions.find(id);
}

function setCookies(c: Context, cookies: string[]): void {
  for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
}
