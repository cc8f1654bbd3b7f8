import { Hono, type Context } from 'hono';
import { csrfTokenOf, decoyHash, hashPassword, MIN_PASSWORD_LENGTH, SignInLimiter, verifyPassword } from '../accounts/index.ts';
import { BadRequestError, PublicError } from '../errors.ts';
import { passwordSignInBody, setPasswordBody, type PublicUser } from '../protocol/index.ts';
import type { UserRow } from '../store/index.ts';
import { endSession, startSession, type Caller, type EdgeAuth } from './auth.ts';
import { jsonBody } from './validate.ts';

/** A user as the API shows it: never a hash. */
export function publicUser(user: UserRow): PublicUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    disabled: user.disabled,
    hasPassword: user.passwordHash !== null,
    createdAt: user.createdAt,
    lastSeenAt: user.lastSeenAt,
  };
}

/** The CSRF token the page sends as `X-CSRF-Token` (cookie callers only). */
export function csrfFor(caller: Caller): string | undefined {
  return caller.via === 'session' ? csrfTokenOf(caller.sessionId) : undefined;
}

export interface AuthRoutesOptions {
  /** Failed sign-ins per username (default: 5 in 15 minutes). */
  limiter?: SignInLimiter;
  /** Failed sign-ins per client address (default: 50 in 15 minutes: an office behind one address still gets in). */
  addressLimiter?: SignInLimiter;
  /** The OpenID Connect provider's name for the sign-in button, when configured. */
  oidcName?: string;
}

export class TooManySignInsError extends PublicError {
  override name = 'TooManySignInsError';
  constructor(retryAfterS: number) {
    const minutes = Math.ceil(retryAfterS / 60);
    super(`Too many failed sign-ins. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or ask an admin to reset your password.`, 429, {
      headers: { 'Retry-After': String(retryAfterS) },
    });
  }
}

const WRONG = 'Wrong username or password.';
/** Where the "Sign in with …" button sends the browser (oidc-routes.ts). */
const OIDC_START_URL = '/api/auth/oidc/start';

/** Where the attempt comes from, for the per-address limit (the socket's address: forwarded headers are not trusted). */
function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/** `/api/auth/*`: signing in with a password, who is signed in, signing out, one's own password. */
export function authRoutes(auth: EdgeAuth, options: AuthRoutesOptions = {}): Hono {
  const routes = new Hono();
  const byName = options.limiter ?? new SignInLimiter();
  const byAddress = options.addressLimiter ?? new SignInLimiter({ maxFailures: 50 });

  routes.get('/auth/methods', (c) => c.json({ password: true, oidc: options.oidcName ? { name: options.oidcName, startUrl: OIDC_START_URL } : null }));

  routes.post('/auth/password', async (c) => {
    const { username, password } = await jsonBody(c, passwordSignInBody);
    const name = [username.toLowerCase()];
    const address = [clientAddress(c)];
    const wait = Math.max(byName.retryAfterS(name), byAddress.retryAfterS(address));
    if (wait > 0) throw new TooManySignInsError(wait);
    const user = await auth.accounts.userByUsername(username);
    // The same work whether or not the user exists: timing does not tell which usernames do.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    const now = new Date().toISOString();
    if (!user || !user.passwordHash || !matches || user.disabled) {
      byName.fail(name);
      byAddress.fail(address);
      await auth.accounts.audit({ at: now, actorId: user?.id ?? null, action: 'sign-in-failed', target: username.slice(0, 100), detail: 'password' });
      const left = Math.max(byName.retryAfterS(name), byAddress.retryAfterS(address));
      if (left > 0) throw new TooManySignInsError(left);
      throw new PublicError(user?.disabled && matches ? 'This account is disabled. Ask an admin.' : WRONG, 401);
    }
    byName.succeed(name);
    const id = await startSession(c, auth, user.id);
    await auth.accounts.touchUser(user.id, now);
    await auth.accounts.audit({ at: now, actorId: user.id, action: 'sign-in', target: user.id, detail: 'password' });
    return c.json({ user: publicUser(user), via: 'session', csrfToken: csrfTokenOf(id) });
  });

  routes.get('/auth/session', (c) => {
    const caller = c.get('caller');
    const csrfToken = csrfFor(caller);
    return c.json({ user: publicUser(caller.user), via: caller.via, ...(csrfToken ? { csrfToken } : {}) });
  });

  routes.post('/auth/signout', async (c) => {
    const caller = c.get('caller');
    if (caller.via === 'session') await endSession(c, auth);
    return c.body(null, 204);
  });

  /** One's own password: the current one is needed once there is one. Every other session ends. */
  routes.put('/auth/password', async (c) => {
    const caller = c.get('caller');
    const { currentPassword, newPassword } = await jsonBody(c, setPasswordBody);
    if (newPassword.length < MIN_PASSWORD_LENGTH) throw new BadRequestError(`A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    const user = caller.user;
    if (user.passwordHash && !(currentPassword !== undefined && (await verifyPassword(currentPassword, user.passwordHash)))) {
      throw new PublicError('The current password is wrong.', 403);
    }
    await auth.accounts.updateUser(user.id, { passwordHash: await hashPassword(newPassword) });
    await auth.sessions.revokeUser(user.id);
    await auth.accounts.audit({ at: new Date().toISOString(), actorId: user.id, action: 'password-changed', target: user.id, detail: null });
    if (caller.via === 'session') {
      const id = await startSession(c, auth, user.id);
      return c.json({ user: publicUser({ ...user, passwordHash: 'set' }), via: 'session', csrfToken: csrfTokenOf(id) });
    }
    return c.json({ user: publicUser({ ...user, passwordHash: 'set' }), via: caller.via });
  });

  return routes;
}
