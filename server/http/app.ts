import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PublicError, toPublic } from '../errors.ts';
import type { Logger } from '../log.ts';
import { apiRoutes, type ApiDeps } from './api-routes.ts';
import type { OidcSignIn, Sessions } from '../accounts/index.ts';
import type { AccountStore } from '../store/index.ts';
import { adminRoutes, type UsageSource } from './admin-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { oidcRoutes } from './oidc-routes.ts';
import { shareRoutes } from './share-routes.ts';
import { tokenRoutes } from './token-routes.ts';
import { conversationAccess } from './conversation-access.ts';
import { apiAuth, loginLink } from './auth.ts';
import { securityHeaders } from './security-headers.ts';
import type { SocketRegistry } from './socket-registry.ts';
import type { ListEvents } from '../events/list-events.ts';
import { listEventRoutes } from './list-event-routes.ts';
import { probeRoutes } from './probe-routes.ts';

export interface AppDeps extends ApiDeps {
  /** `TALKBOOK_TOKEN`, when set: an admin API token. */
  token: string | undefined;
  accounts: AccountStore;
  sessions: Sessions;
  /** Open conversation sockets: a revoked share or a disabled user closes theirs. */
  sockets: SocketRegistry;
  /** Conversation-list changes (this server's and, with PostgreSQL, the others'): `GET /api/conversations/events`. */
  listEvents: ListEvents;
  /** `TALKBOOK_PUBLIC_URL`, when set. */
  publicUrl?: string;
  /** Sign-in with OpenID Connect, when configured (TALKBOOK_OIDC_*). */
  oidc?: OidcSignIn;
  log: Logger;
  /** Built client (`client/dist`). */
  clientDir: string;
  /** True once the Jupyter server answers. */
  jupyterReady(): Promise<boolean>;
  /** True while the server drains (SIGTERM): `/api/ready` answers 503 so the load balancer moves on. */
  draining?(): boolean;
  model(): { configured: boolean; name?: string };
  /** Whether kernels run in the sandbox (undefined when Jupyter is remote: its own business). */
  sandboxed?: boolean;
  /** The admin page's per-user numbers (live kernels, storage) and the limits. */
  usage?: UsageSource;
  /** Extra authenticated API routes (files, notebooks, …), mounted under /api. */
  extraRoutes?: Hono[];
}

const JSON_BODY_LIMIT = 2 * 1024 * 1024;
/** POST routes whose bodies may exceed JSON_BODY_LIMIT: file uploads and notebook imports. */
const STREAMED_UPLOAD = /^\/api\/conversations\/(import|[^/]+\/files)$/;

/** The HTTP face of Talkbook: health, the API behind the token, and the client's pages. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('*', securityHeaders());

  // The one error contract (server/errors.ts): a PublicError's message and status, or a logged 500.
  app.onError((error, c) => {
    const refused =
      error instanceof HTTPException
        ? new PublicError(error.message || 'Request refused', error.status)
        : toPublic(error, deps.log, `${c.req.method} ${c.req.path} failed`);
    return c.json({ error: refused.message }, refused.status as ContentfulStatusCode, refused.headers);
  });

  app.get('/api/health', async (c) => {
    if (!(await deps.jupyterReady())) return c.json({ status: 'starting', error: 'Jupyter is not reachable yet.' }, 503);
    return c.json({ status: 'ok', model: deps.model(), ...(deps.sandboxed === undefined ? {} : { sandboxed: deps.sandboxed }) });
  });

  // Liveness and readiness probes (deploy/k8s), before authentication like the health check.
  app.route('/', probeRoutes({ jupyterReady: deps.jupyterReady, ...(deps.draining ? { draining: deps.draining } : {}) }));

  const auth = { token: deps.token, accounts: deps.accounts, sessions: deps.sessions, publicUrl: deps.publicUrl };
  // Signing in at the OpenID provider: before the API's authentication (no one is signed in yet).
  if (deps.oidc) app.route('/api/auth/oidc', oidcRoutes({ auth, oidc: deps.oidc, log: deps.log }));
  app.use('/api/*', apiAuth(auth));
  const jsonBodyLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: (c) => c.json({ error: `The request body is larger than ${JSON_BODY_LIMIT} bytes.` }, 413),
  });
  // Uploads and notebook imports stream their bodies and enforce TALKBOOK_MAX_UPLOAD_MB themselves.
  app.use('/api/*', (c, next) => (c.req.method === 'POST' && STREAMED_UPLOAD.test(c.req.path) ? next() : jsonBodyLimit(c, next)));

  const api = new Hono();
  // Every conversation route: only for whom may see it (404 otherwise), and do what it does (403).
  api.use('/conversations/:id', conversationAccess(deps.accounts));
  api.use('/conversations/:id/*', conversationAccess(deps.accounts));
  // Before apiRoutes: `GET /conversations/:id` would take `events` for an id.
  api.route('/', listEventRoutes({ events: deps.listEvents, accounts: deps.accounts, log: deps.log }));
  api.route('/', apiRoutes(deps));
  api.route('/', authRoutes(auth, { oidcName: deps.oidc?.name }));
  api.route('/', tokenRoutes(deps.accounts));
  api.route('/', adminRoutes({ accounts: deps.accounts, sessions: deps.sessions, sockets: deps.sockets, usage: deps.usage }));
  api.route('/', shareRoutes(deps.accounts, deps.sockets, deps.listEvents, deps.publicUrl));
  for (const extra of deps.extraRoutes ?? []) api.route('/', extra);
  app.route('/api', api);
  app.all('/api/*', (c) => c.json({ error: 'Not found' }, 404));

  // Opening the printed link: a session cookie, and the token leaves the address bar.
  app.use('*', loginLink(auth));

  // The build writes Brotli and gzip copies (client/vite.config.ts): sent as the browser accepts.
  app.use('/assets/*', serveStatic({ root: deps.clientDir, precompressed: true, onFound: (_path, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable') }));
  app.use('*', serveStatic({ root: deps.clientDir, precompressed: true, rewriteRequestPath: (path) => (path === '/' ? '/index.html' : path) }));

  const indexFile = join(deps.clientDir, 'index.html');
  app.get('*', async (c) => {
    if (!existsSync(indexFile)) {
      return c.text('The client is not built. Run `npm run build` (npm start does it for you).', 503);
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(await readFile(indexFile, 'utf8'));
  });

  return app;
}
