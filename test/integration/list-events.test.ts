import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_APPLICATION_NAME } from '../../server/store/index.ts';
import { openListEvents, type ListEventStream } from '../helpers/list-event-stream.ts';
import { startPlainJupyter, type PlainJupyter } from '../helpers/plain-jupyter.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

// Conversation-list events across servers (issue 18): two Talkbook servers on one PostgreSQL
// and one Jupyter Server; a change made on B reaches listeners on A through LISTEN/NOTIFY,
// only those who may see the conversation. And one server on SQLite: the local bus alone.

const PASSWORD = 'correct horse battery staple';
/** "Within a second or two", with room for a loaded two-core machine. */
const DELIVERY_MS = 3000;

let postgres: TestPostgres;
let jupyter: PlainJupyter;
let databaseUrl: string;
let a: ServerProcess;
let b: ServerProcess;
const streams: ListEventStream[] = [];

const serverEnv = () => ({ DATABASE_URL: databaseUrl, JUPYTER_URL: jupyter.url, JUPYTER_TOKEN: jupyter.token, TALKBOOK_KERNEL_POOL: '0' });

beforeAll(async () => {
  [postgres, jupyter] = await Promise.all([startTestPostgres(), startPlainJupyter()]);
  databaseUrl = await postgres.database();
  const token = randomBytes(24).toString('hex');
  // One after the other: the first makes the schema and the first admin, the second finds them.
  a = await startServerProcess({ token, env: serverEnv() });
  b = await startServerProcess({ token, env: serverEnv() });
}, 180_000);

afterAll(async () => {
  for (const stream of streams) stream.close();
  await Promise.allSettled([a?.close(), b?.close()]);
  await Promise.allSettled([jupyter?.close(), postgres?.close()]);
}, 60_000);

async function listen(server: ServerProcess, bearer: string): Promise<ListEventStream> {
  const stream = await openListEvents(server.url, bearer);
  streams.push(stream);
  return stream;
}

/** A member made by the admin on `server`, signed in there, with an API token of its own. */
async function member(server: ServerProcess, username: string): Promise<{ id: string; token: string }> {
  const created = await server.api('/api/admin/users', { method: 'POST', body: JSON.stringify({ username, password: PASSWORD, role: 'member' }) });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const signedIn = await fetch(`${server.url}/api/auth/password`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(signedIn.status).toBe(200);
  const cookie = (name: string) => signedIn.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))!.split(';')[0]!;
  const csrf = cookie('talkbook_csrf').split('=')[1]!;
  const minted = await fetch(`${server.url}/api/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie('talkbook_session'), 'X-CSRF-Token': csrf, Origin: server.url },
    body: JSON.stringify({ name: 'list events test' }),
  });
  expect(minted.status).toBe(201);
  return { id, token: ((await minted.json()) as { token: string }).token };
}

async function create(server: ServerProcess, title: string): Promise<string> {
  const response = await server.api('/api/conversations', { method: 'POST', body: JSON.stringify({ title }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function ok(response: Promise<Response>): Promise<void> {
  const answered = await response;
  expect(answered.ok, `${answered.status} ${await answered.clone().text()}`).toBe(true);
}

/** The LISTEN connections of the Talkbook servers, as PostgreSQL sees them. */
async function listeners(): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [CHANNEL_APPLICATION_NAME]);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

describe('conversation-list events across servers (PostgreSQL)', () => {
  it('a change made on B reaches A within seconds, only for whom may see the conversation', async () => {
    const bob = await member(a, `bob${randomBytes(3).toString('hex')}`);
    const adminOnA = await listen(a, a.token);
    const bobOnA = await listen(a, bob.token);

    const started = Date.now();
    const mine = await create(b, 'made on B');
    await adminOnA.next((event) => event.kind === 'created' && event.conversationId === mine, DELIVERY_MS);
    const deliveredMs = Date.now() - started;
    expect(deliveredMs).toBeLessThan(DELIVERY_MS);

    // Shared with Bob on B: his first event is this one; the creation before it was not his to see.
    const shared = await create(b, 'for bob');
    await ok(b.api(`/api/conversations/${shared}/shares/${bob.id}`, { method: 'PUT', body: JSON.stringify({ role: 'viewer' }) }));
    await bobOnA.next((event) => event.kind === 'shared' && event.conversationId === shared, DELIVERY_MS);

    // Renamed on B (an event once the new title is stored): the admin hears of it, Bob does not.
    await ok(b.api(`/api/conversations/${mine}`, { method: 'PATCH', body: JSON.stringify({ title: 'renamed on B' }) }));
    await adminOnA.next((event) => event.kind === 'renamed' && event.conversationId === mine, DELIVERY_MS);
    const list = (await (await a.api('/api/conversations')).json()) as { items: Array<{ id: string; title: string }> };
    expect(list.items.find((item) => item.id === mine)?.title).toBe('renamed on B');

    // Deleted on B: both hear of the shared one, read before its shares went with it.
    await ok(b.api(`/api/conversations/${shared}`, { method: 'DELETE' }));
    await bobOnA.next((event) => event.kind === 'deleted' && event.conversationId === shared, DELIVERY_MS);
    await adminOnA.next((event) => event.kind === 'deleted' && event.conversationId === shared, DELIVERY_MS);

    expect(bobOnA.events.map((event) => event.conversationId)).toEqual([shared, shared]);
    expect(bobOnA.events.map((event) => event.kind)).toEqual(['shared', 'deleted']);
    expect(adminOnA.events.map((event) => event.kind)).toEqual(['created', 'created', 'renamed', 'deleted']);
  }, 60_000);

  it('a creation is relayed naming its owner, so a share made before another server reads it cannot leak it', async () => {
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    const payloads: unknown[] = [];
    listener.on('notification', (message) => payloads.push(JSON.parse(message.payload ?? 'null')));
    await listener.query('LISTEN talkbook_list');
    try {
      const owner = (await (await b.api('/api/auth/session')).json()) as { user: { id: string } };
      const id = await create(b, 'relayed');
      await expect.poll(() => payloads.find((payload) => (payload as { conversationId?: string }).conversationId === id), { timeout: DELIVERY_MS }).toMatchObject({
        kind: 'created',
        conversationId: id,
        audience: [owner.user.id],
      });
    } finally {
      await listener.end();
    }
  });

  it('keeps relaying after PostgreSQL drops the LISTEN connection', async () => {
    const before = await listeners();
    expect(before).toHaveLength(2);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    await client.end();
    // Both servers listen again, on new connections.
    await expect.poll(async () => (await listeners()).filter((pid) => !before.includes(pid)).length, { timeout: 20_000, interval: 200 }).toBe(2);

    const adminOnA = await listen(a, a.token);
    const id = await create(b, 'after the drop');
    await adminOnA.next((event) => event.kind === 'created' && event.conversationId === id, DELIVERY_MS);
  }, 60_000);

  it('refuses the stream without credentials', async () => {
    expect((await fetch(`${a.url}/api/conversations/events`)).status).toBe(401);
  });
});

describe('conversation-list events on one server (SQLite)', () => {
  it('the local bus delivers without PostgreSQL', async () => {
    const single = await startServerProcess({ env: { JUPYTER_URL: jupyter.url, JUPYTER_TOKEN: jupyter.token, TALKBOOK_KERNEL_POOL: '0' } });
    try {
      const stream = await openListEvents(single.url, single.token);
      streams.push(stream);
      const id = await create(single, 'on SQLite');
      await stream.next((event) => event.kind === 'created' && event.conversationId === id, DELIVERY_MS);
      await ok(single.api(`/api/conversations/${id}`, { method: 'DELETE' }));
      await stream.next((event) => event.kind === 'deleted' && event.conversationId === id, DELIVERY_MS);
    } finally {
      await single.close();
    }
  }, 120_000);
});
