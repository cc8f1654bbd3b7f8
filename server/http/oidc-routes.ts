import { Hono, type Context } from 'hono';
import { OidcRefusal, type OidcSignIn } from '../accounts/index.ts';
import type { Logger } from '../log.ts';
import { startSession, type EdgeAuth } from './auth.ts';
import { signInRefusedPage } from './oidc-page.ts';
import { ownOrigin } from './own-origin.ts';
import { readCookie } from './session-cookie.ts';

/**
 * The sign-in under way (server/accounts/oidc/pending-sign-in.ts). SameSite=Lax, not Strict:
 * the provider sends the browser back with a cross-site top-level navigation, on which a
 * Strict cookie would not arrive. Over HTTPS a `__Host-` name (Secure, Path=/, no Domain).
 */
const PENDING_COOKIE = 'talkbook_oidc';
const SECURE_PENDING_COOKIE = '__Host-talkbook_oidc';

function pendingCookieName(secure: boolean): string {
  return secure ? SECURE_PENDING_COOKIE : PENDING_COOKIE;
}

function pendingCookie(value: string, secure: boolean, maxAgeS: number): string {
  return `${pendingCookieName(secure)}=${value}; Path=/; Max-Age=${maxAgeS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export interface OidcRoutesDeps {
  auth: EdgeAuth;
  oidc: OidcSignIn;
  log: Logger;
}

/**
 * `/api/auth/oidc/start` (the "Sign in with …" button: to the provider) and
 * `/api/auth/oidc/callback` (back from it: a new session, then the app). Mounted ahead of the
 * API's authentication: whoever arrives here is signing in. Every outcome is audited; every
 * refusal ends on a page that says why and links back.
 */
export function oidcRoutes({ auth, oidc, log }: OidcRoutesDeps): Hono {
  const routes = new Hono();

  const refused = async (c: Context, error: unknown) => {
    const refusal = error instanceof OidcRefusal ? error : undefined;
    if (!refusal) log.error('OpenID Connect sign-in failed', error);
    const reason = refusal?.reason ?? 'internal-error';
    await auth.accounts
      .audit({ at: new Date().toISOString(), actorId: null, action: 'sign-in-failed', target: refusal?.who?.slice(0, 200) ?? null, detail: `oidc: ${reason}` })
      .catch((auditError: unknown) => log.warn('could not write a failed OpenID Connect sign-in to the audit log', auditError));
    c.header('Cache-Control', 'no-store');
    const message = refusal?.message ?? 'The sign-in failed on this server. Try again; if it keeps happening, an admin will find the cause in the server log.';
    return c.html(signInRefusedPage(message, oidc.name), refusal?.status ?? 500);
  };

  routes.get('/start', async (c) => {
    const own = ownOrigin(c.req.url, auth.publicUrl);
    try {
      const { redirectTo, pendingCookie: value, maxAgeS } = await oidc.start();
      c.header('Set-Cookie', pendingCookie(value, own.secure, maxAgeS), { append: true });
      c.header('Cache-Control', 'no-store');
      return c.redirect(redirectTo.href, 302);
    } catch (error) {
      return refused(c, error);
    }
  });

  routes.get('/callback', async (c) => {
    const own = ownOrigin(c.req.url, auth.publicUrl);
    // Used once, whatever happens next.
    c.header('Set-Cookie', pendingCookie('', own.secure, 0), { append: true });
    try {
      const query = new URL(c.req.url).searchParams;
      const { user, created } = await oidc.finish(query, readCookie(c.req.header('Cookie'), pendingCookieName(own.secure)));
      // A new session id, whatever this browser held before (no session fixation).
      await startSession(c, auth, user.id);
      const at = new Date().toISOString();
      await auth.accounts.touchUser(user.id, at);
      if (created) await auth.accounts.audit({ at, actorId: user.id, action: 'user-created', target: user.id, detail: `oidc: ${user.email ?? user.oidcSubject} (${user.role})` });
      await auth.accounts.audit({ at, actorId: user.id, action: 'sign-in', target: user.id, detail: 'oidc' });
      return c.redirect('/', 302);
    } catch (error) {
      return refused(c, error);
    }
  });

  return routes;
}
