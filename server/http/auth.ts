import type { Context, MiddlewareHandler } from 'hono';
import { csrfTokenOf, hashSecret, redeemSignInLink, secretsMatch, type Session, type Sessions } from '../accounts/index.ts';
import { PublicError } from '../errors.ts';
import type { AccountStore, UserRow } from '../store/index.ts';
import { crossOriginRefusal, fromOwnOrigin, signInRefusal } from './csrf.ts';
import { loginRedirectTarget } from './login-redirect.ts';
import { ownOrigin } from './own-origin.ts';
import { csrfCookie, csrfCookieName, expiredCookie, LEGACY_TOKEN_COOKIE, readCookie, readSessionCookie, sessionCookie, sessionCookieName } from './session-cookie.ts';

/** What the edge needs to authenticate: the admin token if set, the accounts, the public address if any. */
export interface EdgeAuth {
  /** `TALKBOOK_TOKEN`: an admin API token (bearer, `?token=` login link), for automation and single-person setups. */
  token: string | undefined;
  accounts: AccountStore;
  sessions: Sessions;
  /** `TALKBOOK_PUBLIC_URL`: the address browsers use (behind a proxy); unset: the request's own. */
  publicUrl?: string;
}

/** Who made a request, and for which user it acts. */
export type Caller =
  | { via: 'token'; user: UserRow }
  | { via: 'api-token'; user: UserRow; tokenId: string }
  | { via: 'session'; user: UserRow; session: Session; sessionId: string };

declare module 'hono' {
  interface ContextVariableMap {
    caller: Caller;
  }
}

export function bearerToken(header: string | undefined | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const UNAUTHORIZED = 'Unauthorized: sign in (open the link the server printed), or send Authorization: Bearer <token>.';

/** Paths under /api that answer without a caller (signing in). */
const OPEN_ROUTES = new Set(['POST /api/auth/password', 'GET /api/auth/methods']);

/** A bearer value: `TALKBOOK_TOKEN` (acts as the oldest admin) or a user's API token. */
async function bearerCaller(auth: EdgeAuth, given: string): Promise<Caller | undefined> {
  if (auth.token !== undefined && secretsMatch(auth.token, given)) {
    const admin = await auth.accounts.firstAdmin();
    return admin ? { via: 'token', user: admin } : undefined;
  }
  const found = await auth.accounts.findApiToken(hashSecret(given));
  if (!found) return undefined;
  const now = new Date();
  if (!found.token.lastUsedAt || now.getTime() - Date.parse(found.token.lastUsedAt) > 60_000) await auth.accounts.touchApiToken(found.token.id, now.toISOString());
  return { via: 'api-token', user: found.user, tokenId: found.token.id };
}

/**
 * `/api/*`: a bearer token, or a live session cookie on a request from Talkbook's own page
 * (csrf.ts). Sets `caller`. Refuses with a `PublicError`: 401 without either, 403 for a cookie
 * used from elsewhere. The sign-in routes answer without a caller.
 */
export function apiAuth(auth: EdgeAuth): MiddlewareHandler {
  return async (c, next) => {
    const bearer = bearerToken(c.req.header('Authorization'));
    if (bearer !== undefined) {
      const caller = await bearerCaller(auth, bearer);
      if (!caller) throw new PublicError(UNAUTHORIZED, 401);
      c.set('caller', caller);
      return next();
    }
    const own = ownOrigin(c.req.url, auth.publicUrl);
    const signals = {
      method: c.req.method,
      path: c.req.path,
      contentType: c.req.header('Content-Type'),
      secFetchSite: c.req.header('Sec-Fetch-Site'),
      origin: c.req.header('Origin'),
    };
    if (OPEN_ROUTES.has(`${c.req.method.toUpperCase()} ${c.req.path}`)) {
      // Signing in: no cookie needed, but never from another page (login CSRF).
      const refused = signInRefusal(signals, own.origin);
      if (refused) throw new PublicError(refused, 403);
      return next();
    }
    const sessionId = readSessionCookie(c.req.header('Cookie'), own.secure);
    const signedIn = await auth.sessions.find(sessionId);
    if (!signedIn) throw new PublicError(UNAUTHORIZED, 401);
    const refusal = crossOriginRefusal(signals, own.origin);
    if (refusal) throw new PublicError(refusal, 403);
    const csrf = csrfTokenOf(sessionId!);
    if (!SAFE_METHODS.has(c.req.method.toUpperCase()) && !secretsMatch(csrf, c.req.header('X-CSRF-Token'))) {
      throw new PublicError('This request lacks the CSRF token (X-CSRF-Token): reload the page.', 403);
    }
    // A page signed in before the CSRF cookie existed gets it with its next read.
    if (readCookie(c.req.header('Cookie'), csrfCookieName(own.secure)) !== csrf) {
      setCookies(c, [csrfCookie(csrf, { secure: own.secure, maxAgeS: Math.floor(auth.sessions.maxAgeMs / 1000) })]);
    }
    c.set('caller', { via: 'session', user: signedIn.user, session: signedIn.session, sessionId: sessionId! });
    await next();
  };
}

/**
 * Opening a printed link: `?signin=` (a one-time code for one user, `npm start` prints it) or
 * `?token=` (`TALKBOOK_TOKEN`, signs in as the oldest admin). A new session (any previous one of
 * this browser ends: no session fixation), its id in the cookie, the secret out of the address
 * bar and out of the cookie jar.
 */
export function loginLink(auth: EdgeAuth): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET') return next();
    const url = new URL(c.req.url);
    const token = url.searchParams.get('token');
    const code = url.searchParams.get('signin');
    if (token === null && code === null) return next();
    let userId: string | undefined;
    if (code !== null) {
      userId = await redeemSignInLink(auth.accounts, code);
      if (!userId) return c.text('This sign-in link was used already or has expired (a link works once, for 15 minutes). Restart Talkbook for a new one, or sign in with your password.', 401);
    } else {
      if (auth.token === undefined || !secretsMatch(auth.token, token)) return c.text('This link holds a wrong token. Open the link the server printed.', 401);
      userId = (await auth.accounts.firstAdmin())?.id;
      if (!userId) return c.text('No admin account is enabled.', 401);
    }
    url.searchParams.delete('token');
    url.searchParams.delete('signin');
    await startSession(c, auth, userId);
    return c.redirect(loginRedirectTarget(url), 302);
  };
}

/** Sign the browser in as `userId`: a fresh session id (the browser's previous session ends), the cookie set. Returns the id. */
export async function startSession(c: Context, auth: EdgeAuth, userId: string): Promise<string> {
  const own = ownOrigin(c.req.url, auth.publicUrl);
  const previous = readSessionCookie(c.req.header('Cookie'), own.secure);
  if (previous !== undefined) await auth.sessions.revoke(previous);
  const { id } = await auth.sessions.create(userId);
  const maxAgeS = Math.floor(auth.sessions.maxAgeMs / 1000);
  setCookies(c, [sessionCookie(id, { secure: own.secure, maxAgeS }), csrfCookie(csrfTokenOf(id), { secure: own.secure, maxAgeS }), expiredCookie(LEGACY_TOKEN_COOKIE, own.secure)]);
  c.header('Cache-Control', 'no-store');
  return id;
}

/** End the browser's session and clear its cookie. */
export async function endSession(c: Context, auth: EdgeAuth): Promise<void> {
  const own = ownOrigin(c.req.url, auth.publicUrl);
  await auth.sessions.revoke(readSessionCookie(c.req.header('Cookie'), own.secure));
  setCookies(c, [expiredCookie(sessionCookieName(own.secure), own.secure), `${csrfCookieName(own.secure)}=; Path=/; Max-Age=0; SameSite=Strict${own.secure ? '; Secure' : ''}`]);
}

/**
 * Who opens a WebSocket: `?token=` (TALKBOOK_TOKEN or an API token) from anywhere (scripts);
 * the session cookie only from Talkbook's own page (`Sec-Fetch-Site`/`Origin`), which stops
 * cross-site and cross-port WebSocket hijacking. Undefined: refuse.
 */
export async function authorizeUpgrade(
  auth: EdgeAuth,
  request: { url: string; host: string | undefined; origin: string | undefined; secFetchSite: string | undefined; cookie: string | undefined },
): Promise<Caller | undefined> {
  const url = new URL(request.url, 'http://localhost');
  const token = url.searchParams.get('token');
  if (token) return bearerCaller(auth, token);
  if (!request.host) return undefined;
  let own;
  try {
    own = ownOrigin(`http://${request.host}/`, auth.publicUrl);
  } catch {
    return undefined;
  }
  const sessionId = readSessionCookie(request.cookie, own.secure);
  const signedIn = await auth.sessions.find(sessionId);
  if (!signedIn || !fromOwnOrigin(request, own.origin)) return undefined;
  return { via: 'session', user: signedIn.user, session: signedIn.session, sessionId: sessionId! };
}

function setCookies(c: Context, cookies: string[]): void {
  for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
}
