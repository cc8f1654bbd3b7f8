import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cell, ServerFrame } from '../../server/protocol/index.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { TestSocket } from '../helpers/test-socket.ts';
import { asUser } from '../helpers/as-user.ts';

/**
 * Sharing through the front door (issue 17): who ran each cell when two people work in one
 * conversation, the read-only link, and the per-user limits (one kernel per user, a small
 * storage quota) on one real server with real kernels and the fake model.
 */
let tb: TestTalkbook;
let fake: FakeOpenAI;
const PASSWORD = 'correct horse battery';
const QUOTA_MB = 0.05;

interface Person {
  id: string;
  name: string;
  token: string;
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  tb = await startTestTalkbook({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'test',
    TALKBOOK_MODEL: 'gpt-test',
    // No warm kernels: a kernel starts when a conversation first runs, so the per-user count is exact.
    TALKBOOK_KERNEL_POOL: '0',
    // A kernel shut down for the cap is not brought back by itself before the next run.
    TALKBOOK_AUTO_RESTORE: '0',
    TALKBOOK_MAX_KERNELS_PER_USER: '1',
    TALKBOOK_STORAGE_QUOTA_MB: String(QUOTA_MB),
  });
});
afterAll(async () => {
  await tb?.close();
  await fake?.close();
});

/** A member created by the admin, with an API token of its own (signed in with its password first). */
async function person(username: string, displayName: string): Promise<Person> {
  const created = await tb.api('/api/admin/users', { method: 'POST', body: JSON.stringify({ username, password: PASSWORD, displayName }) });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const signedIn = await tb.api('/api/auth/password', { auth: false, method: 'POST', body: JSON.stringify({ username, password: PASSWORD }) });
  const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('talkbook_session='))!.split(';')[0]!;
  const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
  const made = await tb.api('/api/tokens', { auth: false, method: 'POST', body: JSON.stringify({ name: 'tests' }), headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken, Origin: tb.url } });
  expect(made.status).toBe(201);
  return { id, name: displayName, token: ((await made.json()) as { token: string }).token };
}

const as = (who: Person, path: string, init: RequestInit = {}) => asUser(tb).as(who, path, init);
const conversationOf = (who: Person, title: string) => asUser(tb).conversationOf(who, title);

const open = (id: string, who: Person, headers: Record<string, string> = {}) => TestSocket.open(`${tb.url.replace('http', 'ws')}/api/conversations/${id}/ws?token=${who.token}&after=0`, headers);

function fileForm(name: string, text: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  return form;
}

const cellFrames = (frames: ServerFrame[]) => frames.flatMap((frame) => (frame.type === 'cell' ? [frame.cell] : []));
const byOf = (cell: Cell | undefined) => (cell && cell.kind !== 'notice' ? cell.by : undefined);

describe('who ran each cell', () => {
  let ana: Person;
  let ben: Person;
  let id: string;
  beforeAll(async () => {
    ana = await person('ana', 'Ana');
    ben = await person('ben', 'Ben');
    id = await conversationOf(ana, 'Together');
    expect((await as(ana, `/api/conversations/${id}/shares/${ben.id}`, { method: 'PUT', body: JSON.stringify({ role: 'editor' }) })).status).toBe(200);
  });

  it('two people in one conversation see each other\'s cells live, each carrying who ran it or who asked', async () => {
    const anaSocket = await open(id, ana);
    const benSocket = await open(id, ben);

    const anaRun = await anaSocket.run('print("ana here")');
    expect(anaRun.cell.by).toEqual({ userId: ana.id, name: 'Ana' });
    // Ben's socket gets Ana's cell as it runs, with her name on it.
    const seenByBen = await benSocket.waitFor((frame) => frame.type === 'cell' && frame.cell.id === anaRun.cell.id && frame.cell.kind === 'code' && frame.cell.status === 'ok');
    expect(byOf((seenByBen as Extract<ServerFrame, { type: 'cell' }>).cell)).toEqual({ userId: ana.id, name: 'Ana' });

    const benRun = await benSocket.run('print("ben here")');
    expect(benRun.cell.by).toEqual({ userId: ben.id, name: 'Ben' });
    await anaSocket.waitFor((frame) => frame.type === 'cell' && frame.cell.id === benRun.cell.id && byOf(frame.cell)?.userId === ben.id);

    // Ben asks: his question, the assistant's answer and the code it runs all say Ben asked.
    fake.script([{ text: 'Let me see.', toolCall: { code: 'print(6 * 7)' } }, { text: 'It is 42.' }]);
    const asked = await benSocket.turn({ type: 'ask', text: 'What is six times seven?' });
    expect(asked.end.state).toBe('done');
    const askedCells = cellFrames(asked.frames);
    expect(new Set(askedCells.map((cell) => cell.kind))).toEqual(new Set(['user', 'assistant', 'code']));
    for (const cell of askedCells) expect(byOf(cell), `${cell.kind} cell`).toEqual({ userId: ben.id, name: 'Ben' });

    // Ana runs Ben's cell again in place: it is hers now.
    const rerun = await anaSocket.turn({ type: 'run', code: 'print("ana again")', cellId: benRun.cell.id });
    expect(rerun.end.state).toBe('done');
    expect(byOf(cellFrames(rerun.frames).findLast((cell) => cell.id === benRun.cell.id))).toEqual({ userId: ana.id, name: 'Ana' });
    await anaSocket.close();
    await benSocket.close();
  });

  it('the stored cells and the exported notebook carry who ran them', async () => {
    await tb.restart();
    const detail = (await (await as(ben, `/api/conversations/${id}`)).json()) as { cells: Cell[] };
    const code = detail.cells.filter((cell) => cell.kind === 'code');
    expect(code.map((cell) => [cell.kind === 'code' ? cell.author : '', byOf(cell)?.name])).toEqual([
      ['user', 'Ana'],
      ['user', 'Ana'],
      ['assistant', 'Ben'],
    ]);
    expect(byOf(detail.cells.find((cell) => cell.kind === 'user'))).toEqual({ userId: ben.id, name: 'Ben' });
    const notebook = (await (await as(ben, `/api/conversations/${id}/notebook`)).json()) as { cells: Array<{ cell_type: string; metadata: { talkbook: { by?: { name: string } } } }> };
    expect(notebook.cells.filter((cell) => cell.cell_type === 'code').map((cell) => cell.metadata.talkbook.by?.name)).toEqual(['Ana', 'Ana', 'Ben']);
  });
});

describe('the read-only link', () => {
  let owner: Person;
  let reader: Person;
  let id: string;
  let secret: string;
  beforeAll(async () => {
    owner = await person('olga', 'Olga');
    reader = await person('rita', 'Rita');
    id = await conversationOf(owner, 'Linked');
  });
  const linkCookie = () => `talkbook_link_${id}=${secret}`;

  it('lets a signed-in person who opens it read, export and follow live output, never run or upload', async () => {
    const ownerSocket = await open(id, owner);
    await ownerSocket.run('print("before the link")');
    expect((await as(reader, `/api/conversations/${id}`)).status).toBe(404);

    const created = await as(owner, `/api/conversations/${id}/share-link`, { method: 'POST' });
    expect(created.status).toBe(201);
    const { url, path } = (await created.json()) as { url: string; path: string };
    expect(url).toBe(`${tb.url}${path}`);
    secret = path.split('#')[1]!;
    expect(((await (await as(owner, `/api/conversations/${id}/shares`)).json()) as { link: boolean }).link).toBe(true);

    const opened = await as(reader, '/api/share-links', { method: 'POST', body: JSON.stringify({ secret }) });
    expect(opened.status).toBe(200);
    expect(await opened.json()).toEqual({ conversationId: id });
    const setCookie = opened.headers.getSetCookie().find((line) => line.startsWith(`talkbook_link_${id}=`))!;
    expect(setCookie).toContain(`Path=/api/conversations/${id}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie.split(';')[0]).toBe(linkCookie());

    const headers = { Cookie: linkCookie() };
    expect(((await (await as(reader, `/api/conversations/${id}`, { headers })).json()) as { access: string }).access).toBe('viewer');
    const notebook = await as(reader, `/api/conversations/${id}/notebook`, { headers });
    expect(notebook.status).toBe(200);
    expect(await notebook.text()).toContain('before the link');
    expect((await as(reader, `/api/conversations/${id}/files`, { method: 'POST', body: fileForm('r.txt', 'r'), headers })).status).toBe(403);
    expect((await as(reader, `/api/conversations/${id}/shares`, { headers })).status).toBe(403);
    // Not in the reader's own list: the link shows one conversation to whoever holds it.
    const listed = (await (await as(reader, '/api/conversations')).json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((item) => item.id)).not.toContain(id);

    const viewer = await open(id, reader, headers);
    viewer.send({ type: 'run', code: 'print("rita runs")', requestId: 'rita-1' });
    const refused = await viewer.waitFor((frame) => frame.type === 'error' && frame.requestId === 'rita-1');
    expect(refused).toMatchObject({ message: expect.stringContaining('You can view this conversation but not change it') });
    await ownerSocket.run('print("live for the link")');
    await viewer.waitFor((frame) => frame.type === 'output' && JSON.stringify(frame.output).includes('live for the link'));
    expect(viewer.frames.some((frame) => frame.type === 'cell' && frame.cell.kind === 'code' && frame.cell.source.includes('rita runs'))).toBe(false);

    // Revoked: the socket it opened closes, and the link and its cookie answer 404.
    const closed = new Promise<number>((resolve) => viewer.raw.once('close', (code) => resolve(code)));
    expect((await as(owner, `/api/conversations/${id}/share-link`, { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe(4403);
    expect((await as(reader, `/api/conversations/${id}`, { headers })).status).toBe(404);
    expect((await as(reader, '/api/share-links', { method: 'POST', body: JSON.stringify({ secret }) })).status).toBe(404);
    await expect(open(id, reader, headers)).rejects.toThrow(/404/);
    expect((await as(owner, `/api/conversations/${id}/share-link`, { method: 'DELETE' })).status).toBe(404);
    await ownerSocket.close();
  });

  it('only the owner makes or revokes it, and a link of one conversation opens no other', async () => {
    const created = await as(owner, `/api/conversations/${id}/share-link`, { method: 'POST' });
    secret = ((await created.json()) as { path: string }).path.split('#')[1]!;
    const other = await conversationOf(owner, 'Not linked');
    expect((await as(reader, `/api/conversations/${other}`, { headers: { Cookie: `talkbook_link_${other}=${secret}` } })).status).toBe(404);
    expect((await as(reader, `/api/conversations/${id}/share-link`, { method: 'POST', headers: { Cookie: linkCookie() } })).status).toBe(403);
    expect((await as(reader, `/api/conversations/${id}/share-link`, { method: 'DELETE', headers: { Cookie: linkCookie() } })).status).toBe(403);
    // A new link replaces the old one.
    const again = await as(owner, `/api/conversations/${id}/share-link`, { method: 'POST' });
    expect(again.status).toBe(201);
    expect((await as(reader, `/api/conversations/${id}`, { headers: { Cookie: linkCookie() } })).status).toBe(404);
    const audit = (await (await tb.api('/api/admin/audit')).json()) as { entries: Array<{ action: string; target: string }> };
    expect(audit.entries.filter((entry) => entry.target === id).map((entry) => entry.action)).toEqual(expect.arrayContaining(['share-link-created', 'share-link-revoked']));
  });
});

describe('per-user limits', () => {
  it('TALKBOOK_MAX_KERNELS_PER_USER: the least recently used idle kernel makes room; all busy, the next start is refused in the cell', async () => {
    const kim = await person('kim', 'Kim');
    const first = await conversationOf(kim, 'First');
    const second = await conversationOf(kim, 'Second');
    const one = await open(first, kim);
    const two = await open(second, kim);
    expect((await one.run('x = 1; print(x)')).cell.status).toBe('ok');

    const usage = async () => ((await (await tb.api('/api/admin/usage')).json()) as { limits: Record<string, number | null>; users: Array<{ userId: string; kernels: Array<{ conversationId: string }>; storageBytes: number; conversations: number }> });
    const kimUsage = async () => (await usage()).users.find((user) => user.userId === kim.id)!;
    expect((await kimUsage()).kernels.map((kernel) => kernel.conversationId)).toEqual([first]);

    // The second conversation's first run shuts the first one's idle kernel down, saying why.
    expect((await two.run('print("second")')).cell.status).toBe('ok');
    await one.waitFor((frame) => frame.type === 'cell' && frame.cell.kind === 'notice' && frame.cell.text.includes('TALKBOOK_MAX_KERNELS_PER_USER'));
    expect((await kimUsage()).kernels.map((kernel) => kernel.conversationId)).toEqual([second]);

    // Busy in the second: starting the first's kernel again is refused, with the reason in the cell.
    const busy = two.turn({ type: 'run', code: 'import time\nprint("busy", flush=True)\ntime.sleep(60)' });
    await two.waitFor((frame) => frame.type === 'output' && JSON.stringify(frame.output).includes('busy'));
    const refused = await one.run('print("first again")');
    expect(refused.cell.status).toBe('error');
    expect(refused.cell.failure).toMatch(/already has 1 kernel running, all busy.*TALKBOOK_MAX_KERNELS_PER_USER/);
    expect((await as(kim, `/api/conversations/${second}/interrupt`, { method: 'POST' })).status).toBe(204);
    expect((await busy).end.state).not.toBe('started');
    // Someone else's kernels do not count against Kim.
    const usageNow = await usage();
    expect(usageNow.limits).toEqual({ maxKernelsPerUser: 1, storageQuotaBytes: Math.round(QUOTA_MB * 1024 * 1024) });
    expect(usageNow.users.find((user) => user.userId === kim.id)!.storageBytes).toBeGreaterThan(0);
    await one.close();
    await two.close();
  });

  it('TALKBOOK_STORAGE_QUOTA_MB: over it, new cells, uploads, imports and branches are refused with a clear message; an editor\'s runs count for the owner; an editor\'s branch is the editor\'s', async () => {
    const quinn = await person('quinn', 'Quinn');
    const helper = await person('hugo', 'Hugo');
    const id = await conversationOf(quinn, 'Big outputs');
    expect((await as(quinn, `/api/conversations/${id}/shares/${helper.id}`, { method: 'PUT', body: JSON.stringify({ role: 'editor' }) })).status).toBe(200);
    expect((await as(quinn, `/api/conversations/${id}/files`, { method: 'POST', body: fileForm('small.txt', 'fits') })).status).toBe(201);
    const socket = await open(id, quinn);
    // Twice the quota in one output: the store now holds more than Quinn may keep.
    expect((await socket.run(`print("x" * ${Math.round(QUOTA_MB * 2 * 1024 * 1024)})`)).cell.status).toBe('ok');

    socket.send({ type: 'run', code: 'print("one more")', requestId: 'over-1' });
    const refused = await socket.waitFor((frame) => frame.type === 'error' && frame.requestId === 'over-1');
    expect(refused).toMatchObject({ message: expect.stringMatching(/You are over the storage quota \([\d.]+ MB stored of 0\.05 MB: TALKBOOK_STORAGE_QUOTA_MB\)/) });
    socket.send({ type: 'ask', text: 'anything', requestId: 'over-2' });
    await socket.waitFor((frame) => frame.type === 'error' && frame.requestId === 'over-2');
    const upload = await as(quinn, `/api/conversations/${id}/files`, { method: 'POST', body: fileForm('more.txt', 'no room') });
    expect(upload.status).toBe(413);
    expect(((await upload.json()) as { error: string }).error).toContain('TALKBOOK_STORAGE_QUOTA_MB');

    const helperSocket = await open(id, helper);
    helperSocket.send({ type: 'run', code: 'print("hugo")', requestId: 'hugo-1' });
    expect(await helperSocket.waitFor((frame) => frame.type === 'error' && frame.requestId === 'hugo-1')).toMatchObject({ message: expect.stringContaining('The owner of this conversation is over the storage quota') });
    // Nothing was added by the refused requests.
    const detail = (await (await as(quinn, `/api/conversations/${id}`)).json()) as { cells: Cell[] };
    expect(detail.cells.filter((cell) => cell.kind === 'code')).toHaveLength(1);
    const bigCell = detail.cells.find((cell) => cell.kind === 'code')!;

    // Imports and branches add conversations of the caller's: refused for Quinn, allowed for Hugo, whose branch is his own.
    const notebook = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 'print(1)', metadata: {}, outputs: [], execution_count: null }] });
    const imported = await as(quinn, '/api/conversations/import', { method: 'POST', body: fileForm('more.ipynb', notebook) });
    expect(imported.status).toBe(413);
    expect(((await imported.json()) as { error: string }).error).toContain('You are over the storage quota');
    const quinnBranch = await as(quinn, `/api/conversations/${id}/branch`, { method: 'POST', body: JSON.stringify({ cellId: bigCell.id }) });
    expect(quinnBranch.status).toBe(413);
    const hugoBranch = await as(helper, `/api/conversations/${id}/branch`, { method: 'POST', body: JSON.stringify({ cellId: bigCell.id }) });
    expect(hugoBranch.status).toBe(201);
    const { id: branchId } = (await hugoBranch.json()) as { id: string };
    expect((await as(helper, `/api/conversations/${branchId}`)).status).toBe(200);
    expect(((await (await as(helper, '/api/conversations')).json()) as { items: Array<{ id: string }> }).items.map((item) => item.id)).toContain(branchId);
    expect((await as(quinn, `/api/conversations/${branchId}`)).status).toBe(404);
    const quinnList = (await (await as(quinn, '/api/conversations')).json()) as { items: Array<{ id: string }> };
    expect(quinnList.items.map((item) => item.id)).not.toContain(branchId);

    // Deleting the big cell frees the room: runs work again.
    socket.send({ type: 'delete_cell', cellId: bigCell.id });
    await socket.waitFor((frame) => frame.type === 'cell_deleted' && frame.cellId === bigCell.id);
    await expect.poll(async () => ((await (await tb.api('/api/admin/usage')).json()) as { users: Array<{ userId: string; storageBytes: number }> }).users.find((user) => user.userId === quinn.id)!.storageBytes, { timeout: 10_000 }).toBeLessThan(QUOTA_MB * 1024 * 1024);
    expect((await socket.run('print("room again")')).cell.status).toBe('ok');
    await helperSocket.close();
    await socket.close();
  });
});
