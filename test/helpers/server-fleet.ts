import pg from 'pg';
import { conversationDetail, conversationSummary, type CodeCell } from '../../server/protocol/index.ts';
import { freePort } from './free-port.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { TestSocket } from './test-socket.ts';

export const FLEET_TOKEN = 'fleet-token-0123456789abcdef';

export interface Fleet {
  /** The servers by id (`s1`, `s2`, …), replaced ones included under their new ids. */
  readonly servers: Map<string, ServerProcess>;
  readonly db: pg.Pool;
  /** Start one more server on the shared PostgreSQL and Jupyter, on `port` (a dead one's: nginx lists it). */
  add(id: string, port: number): Promise<ServerProcess>;
  /** Replace the (dead) server `id` by a new one on its port, under `newId`. */
  replace(id: string, newId: string): Promise<ServerProcess>;
  /** The id of the server holding the conversation's lease, and its fencing number. */
  lease(conversationId: string): Promise<{ holder: string; fence: number; expired: boolean } | undefined>;
  close(): Promise<void>;
}

/** Several Talkbook servers (their own processes) on one PostgreSQL and one external Jupyter server. */
export async function startFleet(options: { databaseUrl: string; jupyterUrl: string; jupyterToken: string; leaseSeconds: number; ids: string[] }): Promise<Fleet> {
  const servers = new Map<string, ServerProcess>();
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  const add = async (id: string, port: number) => {
    const server = await startServerProcess({
      token: FLEET_TOKEN,
      env: {
        PORT: String(port),
        DATABASE_URL: options.databaseUrl,
        JUPYTER_URL: options.jupyterUrl,
        JUPYTER_TOKEN: options.jupyterToken,
        TALKBOOK_SERVER_ID: id,
        TALKBOOK_LEASE_SECONDS: String(options.leaseSeconds),
        TALKBOOK_KERNEL_POOL: '0',
        TALKBOOK_CHECKPOINT_MB: '0',
        TALKBOOK_AUTO_RESTORE: '0',
      },
    });
    servers.set(id, server);
    return server;
  };
  // One at a time: the first applies the migrations.
  for (const id of options.ids) await add(id, await freePort());
  return {
    servers,
    db,
    add,
    async replace(id, newId) {
      const old = servers.get(id)!;
      servers.delete(id);
      await old.kill();
      return add(newId, Number(new URL(old.url).port));
    },
    async lease(conversationId) {
      const row = (await db.query<{ holder: string; fence: string; expired: boolean }>('SELECT holder, fence, expires_at < now() AS expired FROM conversation_leases WHERE conversation_id = $1', [conversationId])).rows[0];
      return row ? { holder: row.holder, fence: Number(row.fence), expired: row.expired } : undefined;
    },
    async close() {
      await Promise.allSettled([...servers.values()].map((server) => server.close()));
      await db.end();
    },
  };
}

/** POST /api/conversations at `base` (nginx or one server). */
export async function createConversation(base: string): Promise<string> {
  const response = await fetch(`${base}/api/conversations`, { method: 'POST', headers: auth({ 'Content-Type': 'application/json' }), body: '{}' });
  if (!response.ok) throw new Error(`create: ${response.status} ${await response.text()}`);
  return conversationSummary.parse(await response.json()).id;
}

/** The conversation as stored and served (GET through `base`), retried while servers answer 503. */
export async function conversationCells(base: string, id: string, deadlineMs = 60_000): Promise<CodeCell[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const response = await fetch(`${base}/api/conversations/${id}`, { headers: auth() });
    if (response.ok) return conversationDetail.parse(await response.json()).cells.filter((cell): cell is CodeCell => cell.kind === 'code');
    // 503: no server holds it yet; 502: nginx found every server it tried down (one just died).
    if ((response.status !== 503 && response.status !== 502) || Date.now() > until) throw new Error(`GET conversation: ${response.status} ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Open the conversation's socket at `base`, retrying while it is refused (503: no server holds
 * it yet, the lease of a dead one has not expired) as the browser's client does, with a short backoff.
 */
export async function connectRetrying(base: string, id: string, deadlineMs = 60_000, retryMs = 200): Promise<{ socket: TestSocket; attempts: number }> {
  const url = `${base.replace(/^http/, 'ws')}/api/conversations/${id}/ws?token=${FLEET_TOKEN}&after=0`;
  const until = Date.now() + deadlineMs;
  for (let attempts = 1; ; attempts++) {
    try {
      const socket = await TestSocket.open(url);
      // Held here: the reset comes; moved meanwhile: the socket closes first.
      const opened = await Promise.race([socket.waitFor((frame) => frame.type === 'reset', 30_000).then(() => true), new Promise<boolean>((done) => socket.raw.once('close', () => done(false)))]);
      if (opened) return { socket, attempts };
    } catch (error) {
      if (!/upgrade refused: (502|503|504)|ECONNREFUSED|socket hang up/.test(String(error))) throw error;
    }
    if (Date.now() > until) throw new Error(`no server took conversation ${id} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

function auth(headers: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${FLEET_TOKEN}`, ...headers };
}
