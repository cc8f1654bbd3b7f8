import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unixFetch } from '../../server/jupyter/jupyter-settings.ts';
import type { TestTalkbook } from './talkbook.ts';

export interface EmbeddedJupyterAccess {
  /** Jupyter's runtime folder (`<tmp>/tb-…/rt`): connection files, kernel folders, server info. */
  runtimeDir: string;
  socketPath: string;
  token: string;
  /** A request straight to the embedded Jupyter (over its unix socket, with its token). */
  request(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * What only Talkbook's server holds: the embedded Jupyter's socket and token, found through its
 * server-info file (the runtime folder whose server serves this test's workspaces). For tests
 * that drive Jupyter's own APIs the way the server does.
 */
export async function embeddedJupyter(tb: TestTalkbook): Promise<EmbeddedJupyterAccess> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith('tb-')) continue;
    const runtimeDir = join(tmpdir(), entry, 'rt');
    const names = await readdir(runtimeDir).catch(() => [] as string[]);
    const info = names.find((name) => name.startsWith('jpserver-') && name.endsWith('.json'));
    if (!info) continue;
    const server = JSON.parse(await readFile(join(runtimeDir, info), 'utf8')) as { root_dir?: string; token?: string };
    if (server.root_dir !== join(tb.dataDir, 'workspaces') || !server.token) continue;
    const socketPath = join(dirname(runtimeDir), 'jupyter.sock');
    const fetchViaSocket = unixFetch(socketPath);
    const token = server.token;
    return {
      runtimeDir,
      socketPath,
      token,
      request: (path, init = {}) => {
        const headers = new Headers(init.headers);
        headers.set('Authorization', `token ${token}`);
        if (typeof init.body === 'string') headers.set('Content-Type', 'application/json');
        return fetchViaSocket(`http://localhost${path}`, { ...init, headers });
      },
    };
  }
  throw new Error('the embedded Jupyter of this Talkbook was not found');
}
