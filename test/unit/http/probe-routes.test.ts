import { describe, expect, it } from 'vitest';
import { probeRoutes } from '../../../server/http/probe-routes.ts';

describe('the probes', () => {
  it('readiness follows Jupyter and the drain; liveness only the process', async () => {
    let jupyter = false;
    let draining = false;
    const routes = probeRoutes({ jupyterReady: async () => jupyter, draining: () => draining });
    const status = async (path: string) => (await routes.request(path)).status;

    expect([await status('/api/live'), await status('/api/ready')]).toEqual([200, 503]);
    jupyter = true;
    expect([await status('/api/live'), await status('/api/ready')]).toEqual([200, 200]);
    draining = true;
    expect([await status('/api/live'), await status('/api/ready')]).toEqual([200, 503]);
    expect(await (await routes.request('/api/ready')).json()).toMatchObject({ status: 'draining' });
  });
});
