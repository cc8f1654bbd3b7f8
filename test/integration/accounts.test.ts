import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { TestSocket } from '../helpers/test-socket.ts';
import { asUser } from '../helpers/as-user.ts';

/**
 * Accounts through the front door: two users on one real server (real kernels), signing in with
 * passwords, API tokens, and what each may see and do. What a user may not see answers 404.
 */
let tb: TestTalkbook;
let own: string;

interface Person {
  id: string;
  username: string;
  cookie: string;
  csrf: string;
  token: string;
}
let alice: Person;
let bob: Person;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  tb = await startTestTalkbook();
  own = tb.url;
  alice = await person('alice');
  bob = await person('bob');
});
afterAll(async () => {
  await tb?.close();
});

async function passwordSignIn(username: string, password: string, cookie?: string) {
  return tb.api('/api/auth/password', { auth: false, method: 'POST', body: JSON.stringify({ username, password }), headers: cookie ? { Cookie: cookie } : {} });
}

function cookiesOf(response: Response): { cookie: string; csrf: string } {
  const value = (name: string) => response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))?.split(';')[0];
  return { cookie: value('talkbook_session')!, csrf: value('talkbook_csrf')!.split('=')[1]! };
}

/** Created by the admin (TALKBOOK_TOKEN), signed in with its password, with an API token of its own. */
async function person(username: string): Promise<Person> {
  const created = await tb.api('/api/admin/users', { method: 'POST', body: JSON.stringify({ username, password: PASSWORD, role: 'member' }) });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const signedIn = await passwordSignIn(username, PASSWORD);
  expect(signedIn.status).toBe(200);
  const body = (await signedIn.json()) as { user: { id: string; username: string; role: string }; csrfToken: string };
  expect(body.user).toMatchObject({ id, username, role: 'member' });
  const { cookie, csrf } = cookiesOf(signedIn);
  expect(body.csrfToken).toBe(csrf);
  const tokenResponse = await tb.api('/api/tokens', { auth: false, method: 'POST', body: JSON.stringify({ name: 'tests' }), headers: { Cookie: cookie, 'X-CSRF-Token': csrf, Origin: own } });
  expect(tokenResponse.status).toBe(201);
  const { token } = (await tokenResponse.json()) as { token: string };
  return { id, username, cookie, csrf, token };
}

const as = (who: Person, path: string, init: RequestInit = {}) => asUser(tb).as(who, path, init);
const conversationOf = (who: Person, title: string) => asUser(tb).conversationOf(who, title);

const socketUrl = (id: string, who: Person) => `${own.replace('http', 'ws')}/api/conversations/${id}/ws?token=${who.token}&after=0`;

function fileForm(name: string, text: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  return form;
}

describe('signing in', () => {
  it('the first-start link works once and only once', async () => {
    const link = tb.instance.signInLink!;
    expect(link).toMatch(/\?signin=[A-Za-z0-9_-]{43}$/);
    const path = new URL(link).pathname + new URL(link).search;
    const first = await tb.api(path, { auth: false });
    expect(first.status).toBe(302);
    const { cookie } = cookiesOf(first);
    const session = await tb.api('/api/auth/session', { auth: false, headers: { Cookie: cookie } });
    expect(((await session.json()) as { user: { role: string; username: string } }).user).toMatchObject({ role: 'admin', username: 'admin' });
    const again = await tb.api(path, { auth: false });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('used already or has expired');
  });

  it('answers who is signed in, and 401 when no one is', async () => {
    const session = await tb.api('/api/auth/session', { auth: false, headers: { Cookie: alice.cookie } });
    expect(session.status).toBe(200);
    const body = (await session.json()) as { user: Record<string, unknown>; csrfToken: string };
    expect(body.user).toMatchObject({ id: alice.id, username: 'alice', role: 'member', hasPassword: true });
    expect(JSON.stringify(body)).not.toContain('scrypt');
    expect(body.csrfToken).toBe(alice.csrf);
    expect((await tb.api('/api/auth/session', { auth: false })).status).toBe(401);
  });

  it('gives a new session id at every sign-in (no session fixation) and ends the one the browser had', async () => {
    const before = (await passwordSignIn('alice', PASSWORD)).headers;
    const planted = before.getSetCookie().find((line) => line.startsWith('talkbook_session='))!.split(';')[0]!;
    const after = await passwordSignIn('alice', PASSWORD, planted);
    const { cookie } = cookiesOf(after);
    expect(cookie).not.toBe(planted);
    expect((await tb.api('/api/auth/session', { auth: false, headers: { Cookie: planted } })).status).toBe(401);
    expect((await tb.api('/api/auth/session', { auth: false, headers: { Cookie: cookie } })).status).toBe(200);
  });

  it('signs out: the session ends at once', async () => {
    const { cookie, csrf } = cookiesOf(await passwordSignIn('alice', PASSWORD));
    const out = await tb.api('/api/auth/signout', { auth: false, method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, Origin: own, 'Content-Type': 'application/json' } });
    expect(out.status).toBe(204);
    expect((await tb.api('/api/auth/session', { auth: false, headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('says "wrong username or password" alike for both, then 429 with Retry-After after repeated failures', async () => {
    await tb.api('/api/admin/users', { method: 'POST', body: JSON.stringify({ username: 'carol', password: PASSWORD }) });
    const wrong = await passwordSignIn('carol', 'not the password');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'Wrong username or password.' });
    const nobody = await passwordSignIn('nobody-at-all', 'whatever');
    expect(await nobody.json()).toEqual({ error: 'Wrong username or password.' });
    let last: Response | undefined;
    for (let attempt = 0; attempt < 5; attempt++) last = await passwordSignIn('carol', `wrong ${attempt}`);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: string }).error).toMatch(/Too many failed sign-ins\. Wait \d+ minutes?/);
    // Even the right password waits now.
    expect((await passwordSignIn('carol', PASSWORD)).status).toBe(429);
  });

  it('refuses a sign-in posted by another site or port (login CSRF)', async () => {
    const response = await tb.api('/api/auth/password', { auth: false, method: 'POST', body: JSON.stringify({ username: 'alice', password: PASSWORD }), headers: { Origin: 'http://127.0.0.1:1', 'Sec-Fetch-Site': 'same-site' } });
    expect(response.status).toBe(403);
  });
});

describe('what another user may not see answers 404', () => {
  let secret: string;
  beforeAll(async () => {
    secret = await conversationOf(alice, 'Alice quarterly plans');
    const upload = await as(alice, `/api/conversations/${secret}/files`, { method: 'POST', body: fileForm('plans.txt', 'top secret') });
    expect(upload.status).toBe(201);
  });

  it('every route on the conversation, by id', async () => {
    const attempts: Array<[string, string, RequestInit?]> = [
      ['GET', `/api/conversations/${secret}`],
      ['PATCH', `/api/conversations/${secret}`, { body: JSON.stringify({ title: 'mine now' }) }],
      ['DELETE', `/api/conversations/${secret}`],
      ['POST', `/api/conversations/${secret}/interrupt`],
      ['POST', `/api/conversations/${secret}/restart`],
      ['GET', `/api/conversations/${secret}/files`],
      ['POST', `/api/conversations/${secret}/files`, { body: fileForm('x.txt', 'x') }],
      ['GET', `/api/conversations/${secret}/files/plans.txt`],
      ['DELETE', `/api/conversations/${secret}/files/plans.txt`],
      ['GET', `/api/conversations/${secret}/notebook`],
      ['GET', `/api/conversations/${secret}/archive`],
      ['GET', `/api/conversations/${secret}/shares`],
      ['PUT', `/api/conversations/${secret}/shares/${bob.id}`, { body: JSON.stringify({ role: 'editor' }) }],
    ];
    for (const [method, path, init] of attempts) {
      const response = await as(bob, path, { method, ...init });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.text()).not.toContain('Alice');
    }
    // It is all still there for Alice.
    const file = await as(alice, `/api/conversations/${secret}/files/plans.txt`);
    expect(await file.text()).toBe('top secret');
    expect((await (await as(alice, `/api/conversations/${secret}`)).json()) as { title: string }).toMatchObject({ title: 'Alice quarterly plans', access: 'owner' });
  });

  it('the socket, with a token and with a cookie', async () => {
    await expect(TestSocket.open(socketUrl(secret, bob))).rejects.toThrow(/404/);
    await expect(TestSocket.open(`${own.replace('http', 'ws')}/api/conversations/${secret}/ws`, { Cookie: bob.cookie, Origin: own })).rejects.toThrow(/404/);
  });

  it('the list and search', async () => {
    const list = async (who: Person, q?: string) => {
      const response = await as(who, `/api/conversations${q ? `?q=${encodeURIComponent(q)}` : ''}`);
      return ((await response.json()) as { items: Array<{ id: string }> }).items.map((item) => item.id);
    };
    expect(await list(alice)).toContain(secret);
    expect(await list(alice, 'quarterly')).toContain(secret);
    expect(await list(bob)).not.toContain(secret);
    expect(await list(bob, 'quarterly')).toEqual([]);
  });

  it('another user\'s API token', async () => {
    const tokens = (await (await as(alice, '/api/tokens')).json()) as { tokens: Array<{ id: string; name: string }> };
    expect(tokens.tokens.map((token) => token.name)).toEqual(['tests']);
    expect(JSON.stringify(tokens)).not.toContain(alice.token);
    expect((await as(bob, `/api/tokens/${tokens.tokens[0]!.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('the admin API, for a member', async () => {
    expect((await as(bob, '/api/admin/users')).status).toBe(404);
    expect((await as(bob, '/api/admin/users', { method: 'POST', body: JSON.stringify({ username: 'mallory', password: PASSWORD, role: 'admin' }) })).status).toBe(404);
  });
});

describe('sharing', () => {
  let shared: string;
  beforeAll(async () => {
    shared = await conversationOf(alice, 'Shared analysis');
  });
  const share = (role: 'viewer' | 'editor') => as(alice, `/api/conversations/${shared}/shares/${bob.id}`, { method: 'PUT', body: JSON.stringify({ role }) });

  it('a viewer reads and follows live output, but cannot run, upload or rename', async () => {
    const owner = await TestSocket.open(socketUrl(shared, alice));
    await owner.run('print("from alice")');
    expect((await share('viewer')).status).toBe(200);
    const shares = (await (await as(alice, `/api/conversations/${shared}/shares`)).json()) as { shares: unknown[] };
    expect(shares.shares).toEqual([{ userId: bob.id, role: 'viewer', displayName: 'bob', username: 'bob' }]);
    expect(((await (await as(bob, `/api/conversations/${shared}`)).json()) as { access: string }).access).toBe('viewer');
    expect((await as(bob, `/api/conversations/${shared}/notebook`)).status).toBe(200);
    const listed = (await (await as(bob, '/api/conversations')).json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((item) => item.id)).toContain(shared);

    const viewer = await TestSocket.open(socketUrl(shared, bob));
    viewer.send({ type: 'run', code: 'print("from bob")', requestId: 'bob-1' });
    const refused = await viewer.waitFor((frame) => frame.type === 'error' && frame.requestId === 'bob-1');
    expect(refused).toMatchObject({ message: expect.stringContaining('You can view this conversation but not change it') });
    // Alice's next output reaches Bob live.
    await owner.run('print("live for bob")');
    await viewer.waitFor((frame) => frame.type === 'output' && JSON.stringify(frame.output).includes('live for bob'));
    expect((await as(bob, `/api/conversations/${shared}/files`, { method: 'POST', body: fileForm('b.txt', 'b') })).status).toBe(403);
    expect((await as(bob, `/api/conversations/${shared}`, { method: 'PATCH', body: JSON.stringify({ title: 'bob was here' }) })).status).toBe(403);
    // Nor may a viewer share it on, or delete it.
    expect((await as(bob, `/api/conversations/${shared}`, { method: 'DELETE' })).status).toBe(403);
    await viewer.close();
    await owner.close();
  });

  it('an editor runs and uploads; revoking the share closes that person\'s socket at once', async () => {
    expect((await share('editor')).status).toBe(200);
    const editor = await TestSocket.open(socketUrl(shared, bob));
    const { cell } = await editor.run('print("from bob, editor")');
    expect(JSON.stringify(cell.outputs)).toContain('from bob, editor');
    expect((await as(bob, `/api/conversations/${shared}/files`, { method: 'POST', body: fileForm('b.txt', 'b') })).status).toBe(201);
    // Still not the owner's to give away.
    expect((await as(bob, `/api/conversations/${shared}/shares/${bob.id}`, { method: 'DELETE' })).status).toBe(403);

    const closed = new Promise<number>((resolve) => editor.raw.once('close', (code) => resolve(code)));
    expect((await as(alice, `/api/conversations/${shared}/shares/${bob.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe(4403);
    expect((await as(bob, `/api/conversations/${shared}`)).status).toBe(404);
    await expect(TestSocket.open(socketUrl(shared, bob))).rejects.toThrow(/404/);
  });
});

describe('admin', () => {
  it('disabling a user ends its sessions, tokens and sockets at once; a role change takes effect', async () => {
    const dave = await person('dave');
    const mine = await conversationOf(dave, 'Dave');
    const socket = await TestSocket.open(socketUrl(mine, dave));
    const closed = new Promise<number>((resolve) => socket.raw.once('close', (code) => resolve(code)));
    const disabled = await tb.api(`/api/admin/users/${dave.id}`, { method: 'PATCH', body: JSON.stringify({ disabled: true }) });
    expect(disabled.status).toBe(200);
    expect(await closed).toBe(4403);
    expect((await tb.api('/api/auth/session', { auth: false, headers: { Cookie: dave.cookie } })).status).toBe(401);
    expect((await as(dave, '/api/conversations')).status).toBe(401);
    expect((await passwordSignIn('dave', PASSWORD)).status).toBe(401);

    await tb.api(`/api/admin/users/${dave.id}`, { method: 'PATCH', body: JSON.stringify({ disabled: false, role: 'admin' }) });
    const back = await person('dave-2');
    expect((await as(back, '/api/admin/users')).status).toBe(404);
    const promoted = cookiesOf(await passwordSignIn('dave', PASSWORD));
    const users = await tb.api('/api/admin/users', { auth: false, headers: { Cookie: promoted.cookie } });
    expect(users.status).toBe(200);
    const audit = (await (await tb.api('/api/admin/audit')).json()) as { entries: Array<{ action: string }> };
    expect(audit.entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(['sign-in', 'sign-in-failed', 'share', 'unshare', 'role-changed', 'user-disabled', 'token-created']));
  });
});
