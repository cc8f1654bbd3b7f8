import { Hono } from 'hono';
import { csrfTokenOf } from '../accounts/index.ts';
import type { UserRow } from '../store/index.ts';
import { endSession, type Caller, type EdgeAuth } from './auth.ts';

/** A user as the API shows it: never a hash. */
export function publicUser(user: UserRow) {
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

/** `/api/auth/*`: who is signed in, signing out. */
export function authRoutes(auth: EdgeAuth): Hono {
  const routes = new Hono();

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

  return routes;
}
