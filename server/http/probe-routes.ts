import { Hono } from 'hono';

export interface ProbeOptions {
  /** True once Jupyter (embedded or JUPYTER_URL) answers. */
  jupyterReady(): Promise<boolean>;
  /** True from SIGTERM on: the server finishes or hands over its conversations and takes no new ones (default: never). */
  draining?(): boolean;
}

/**
 * Probes for an orchestrator, without authentication (as `/api/health`):
 * `GET /api/live` answers 200 while the process serves HTTP at all (a liveness probe: a
 * restart would not bring Jupyter back, so Jupyter is not asked); `GET /api/ready` answers 503
 * while Jupyter is not reachable or the server drains, so the load balancer stops sending it
 * requests, and 200 otherwise (a readiness probe).
 */
export function probeRoutes({ jupyterReady, draining = () => false }: ProbeOptions): Hono {
  const routes = new Hono();
  routes.get('/api/live', (c) => c.json({ status: 'ok' }));
  routes.get('/api/ready', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (draining()) return c.json({ status: 'draining', error: 'This server is shutting down: it takes no new requests.' }, 503);
    if (!(await jupyterReady())) return c.json({ status: 'starting', error: 'Jupyter is not reachable yet.' }, 503);
    return c.json({ status: 'ready' });
  });
  return routes;
}
