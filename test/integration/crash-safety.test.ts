import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationDetail, conversationSummary, type CodeCell, type ServerFrame } from '../../server/protocol/index.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { TestSocket } from '../helpers/test-socket.ts';

/**
 * `kill -9` of a real server process, in the middle of a turn that streams output and in the
 * middle of a burst of new conversations: after a restart on the same store, everything a
 * client was told is done is there, intact, once; the store is consistent; `seq` never goes back.
 */
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.close();
});

const TOKEN = 'crash-test-token-0123456789';

describe.each([
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ DATABASE_URL: await postgres.database() })],
])('a server killed with kill -9 (%s)', (engine, storeEnv) => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'talkbook-crash-'));
    env = { ...(await storeEnv()), TALKBOOK_KERNEL_POOL: '0' };
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => (server = await startServerProcess({ dataDir, token: TOKEN, env }));
  const connect = (s: ServerProcess, id: string, after: number) =>
    TestSocket.open(`${s.url.replace(/^http/, 'ws')}/api/conversations/${id}/ws?token=${TOKEN}&after=${after}`);

  it('keeps every cell a client saw done, mid-stream, and its seq never goes back', async () => {
    const first = await start();
    const { id } = conversationSummary.parse(await (await first.api('/api/conversations', { method: 'POST', body: '{}' })).json());
    const socket = await connect(first, id, 0);
    const done: CodeCell[] = [];
    for (let i = 0; i < 4; i++) {
      const { cell } = await socket.run(`v${i} = ${i}\nprint('cell', ${i})`);
      expect(cell.status).toBe('ok');
      done.push(cell);
    }
    // A cell that streams; the server is killed while it does.
    socket.send({ type: 'run', code: "import time\nfor i in range(400):\n    print('line', i, flush=True)\n    time.sleep(0.02)", requestId: 'stream' });
    await socket.waitFor((f) => f.type === 'output' && f.output.output_type === 'stream' && /line 20\b/.test(f.output.text), 60_000);
    const lastSeen = Math.max(...socket.frames.map((f: ServerFrame) => f.seq));
    await first.kill();
    await socket.close();

    const second = await start();
    const detail = conversationDetail.parse(await (await second.api(`/api/conversations/${id}`)).json());
    const code = detail.cells.filter((cell): cell is CodeCell => cell.kind === 'code');
    // Every cell reported done is there, exactly as it was sent, and nothing is there twice.
    expect(code.slice(0, 4)).toEqual(done);
    expect(new Set(detail.cells.map((cell) => cell.id)).size).toBe(detail.cells.length);
    // The streaming cell did not finish: it says so.
    expect(code[4]).toMatchObject({ status: 'interrupted', failure: expect.stringContaining('server stopped') });
    // A tab that resumes from what it saw gets the whole state, never a silent gap.
    expect(detail.seq).toBeGreaterThan(lastSeen);
    const again = await connect(second, id, lastSeen);
    const reset = await again.waitFor((f) => f.type === 'reset', 10_000);
    expect(reset.type === 'reset' && reset.cells.length).toBe(detail.cells.length);
    // And the conversation goes on.
    const { cell } = await again.run("print('after the crash')");
    expect(cell.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'after the crash\n' }]);
    await again.close();
    await second.close();
    server = undefined;
    if (engine === 'SQLite') {
      const db = new Database(join(dataDir, 'talkbook.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    }
  });

  it('keeps a cell whose done reached the client when the server is killed that very moment', async () => {
    const first = await start();
    const { id } = conversationSummary.parse(await (await first.api('/api/conversations', { method: 'POST', body: '{}' })).json());
    const socket = await connect(first, id, 0);
    await socket.run('x = 1');
    const requestId = 'last';
    socket.send({ type: 'run', code: "print('the last words')", requestId });
    // kill -9 the instant the turn's end arrives, before any debounce could have written it.
    await socket.waitFor((f) => f.type === 'turn' && f.requestId === requestId && f.state === 'done', 60_000);
    const killed = first.kill();
    const last = socket.frames.filter((f) => f.type === 'cell' && f.cell.kind === 'code').at(-1);
    await killed;
    await socket.close();
    const second = await start();
    const detail = conversationDetail.parse(await (await second.api(`/api/conversations/${id}`)).json());
    expect(detail.cells.filter((cell) => cell.kind === 'code').at(-1)).toEqual(last?.type === 'cell' ? last.cell : undefined);
    expect(last?.type === 'cell' && last.cell.kind === 'code' && last.cell.status).toBe('ok');
    await second.close();
    server = undefined;
  });

  it('keeps every conversation whose creation was answered, once, when killed in a burst of creations', async () => {
    const first = await start();
    const answered: string[] = [];
    const burst = Array.from({ length: 40 }, (_, i) =>
      first
        .api('/api/conversations', { method: 'POST', body: JSON.stringify({ title: `burst ${i}` }) })
        .then(async (response) => {
          if (response.status === 201) answered.push(conversationSummary.parse(await response.json()).id);
        })
        .catch(() => undefined),
    );
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (answered.length >= 10) {
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
    await first.kill();
    await Promise.all(burst);

    const second = await start();
    const items: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await second.api(`/api/conversations?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { items: Array<{ id: string; title: string }>; nextCursor: string | null };
      items.push(...page.items.filter((item) => item.title.startsWith('burst')).map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(items).size).toBe(items.length);
    for (const id of answered) expect(items).toContain(id);
    await second.close();
    server = undefined;
  });
});
