import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { TestSocket } from '../helpers/test-socket.ts';

/**
 * The HTTP edge as a browser meets it: the login link opens a server-side session (the cookie
 * never holds the token), and the cookie only works for requests from Talkbook's own page.
 * Node's fetch sends whatever headers a test gives it, so each request states the headers a
 * browser would send from the page in question.
 */
let tb: TestTalkbook;
let cookie: string;
let csrf: string;
let own: string;
const OTHER_PORT = 'http://127.0.0.1:1';

beforeAll(async () => {
  tb = await startTestTalkbook();
  own = tb.url;
  ({ cookie, csrf } = await signIn());
});
afterAll(async () => {
  await tb?.close();
});

async function signIn(path = '/'): Promise<{ cookie: string; csrf: string }> {
  const response = await tb.api(`${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(tb.token)}`, { auth: false });
  expect(response.status).toBe(302);
  const value = (name: string) => response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))!.split(';')[0]!;
  return { cookie: value('talkbook_session'), csrf: value('talkbook_csrf').split('=')[1]! };
}

async function login(path = '/'): Promise<string> {
  return (await signIn(path)).cookie;
}

const titles = async () => (await tb.list()).map((c) => c.title);

/** A request with the session cookie and the headers a browser on `from` would add. */
function withCookie(path: string, init: RequestInit & { from?: string; site?: string; type?: string | null; noCsrf?: boolean } = {}) {
  const { from, site, type, noCsrf, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('Cookie', cookie);
  if (!noCsrf) headers.set('X-CSRF-Token', csrf);
  if (from) headers.set('Origin', from);
  if (site) headers.set('Sec-Fetch-Site', site);
  if (type) headers.set('Content-Type', type);
  return tb.api(path, { ...rest, headers, auth: false });
}

function notebookForm(title: string): FormData {
  const notebook = { nbformat: 4, nbformat_minor: 5, metadata: { title }, cells: [] };
  const form = new FormData();
  form.append('file', new Blob([JSON.stringify(notebook)], { type: 'application/x-ipynb+json' }), `${title}.ipynb`);
  return form;
}

describe('the login link', () => {
  it('sets a session cookie that is not the token, and clears the old token cookie', async () => {
    const response = await tb.api(`/?token=${encodeURIComponent(tb.token)}`, { auth: false });
    const cookies = response.headers.getSetCookie();
    expect(cookies.join('\n')).not.toContain(tb.token);
    expect(cookies.join('\n')).not.toContain(encodeURIComponent(tb.token));
    const session = cookies.find((line) => line.startsWith('talkbook_session='))!;
    expect(session).toMatch(/^talkbook_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(cookies).toContain('talkbook_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
    expect(response.headers.get('location')).toBe('/');
  });

  it('keeps the path, and never redirects to another host (//host, /\\host)', async () => {
    for (const path of ['//evil.example/', '///evil.example/x', '/\\evil.example/']) {
      const response = await tb.api(`${path}?token=${encodeURIComponent(tb.token)}`, { auth: false });
      expect(response.status).toBe(302);
      const location = response.headers.get('location')!;
      expect(new URL(location, own).origin).toBe(own);
    }
    const deep = await tb.api(`/c/abc?x=1&token=${encodeURIComponent(tb.token)}`, { auth: false });
    expect(deep.headers.get('location')).toBe('/c/abc?x=1');
  });

  it('gives each login its own session and ends the one the browser had', async () => {
    const first = await login();
    const second = await (async () => {
      const response = await tb.api(`/?token=${encodeURIComponent(tb.token)}`, { auth: false, headers: { Cookie: first } });
      return response.headers.getSetCookie().find((line) => line.startsWith('talkbook_session='))!.split(';')[0]!;
    })();
    expect(second).not.toBe(first);
    expect((await tb.api('/api/conversations', { auth: false, headers: { Cookie: first } })).status).toBe(401);
    expect((await tb.api('/api/conversations', { auth: false, headers: { Cookie: second } })).status).toBe(200);
  });
});

describe('what authenticates', () => {
  it('the session cookie and the bearer token; not the token as a cookie, nor the session as a bearer', async () => {
    expect((await withCookie('/api/conversations')).status).toBe(200);
    const id = cookie.split('=')[1]!;
    expect((await tb.api('/api/conversations', { auth: false, headers: { Authorization: `Bearer ${id}` } })).status).toBe(401);
    for (const given of [`talkbook_token=${tb.token}`, `talkbook_session=${tb.token}`, `__Host-talkbook_session=${id}`]) {
      expect((await tb.api('/api/conversations', { auth: false, headers: { Cookie: given } })).status).toBe(401);
    }
  });

  it('answers a malformed cookie with 401, on HTTP and on the socket (not a 500)', async () => {
    const malformed = 'talkbook_token=%E0%A4%A; talkbook_session=%E0%A4%A';
    const response = await tb.api('/api/conversations', { auth: false, headers: { Cookie: malformed } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining('Unauthorized') });
    const { id } = await tb.createConversation();
    const url = `${own.replace('http', 'ws')}/api/conversations/${id}/ws`;
    await expect(TestSocket.open(url, { Cookie: malformed, Origin: own })).rejects.toThrow(/401/);
  });
});

describe('state changes with the cookie come only from our own page', () => {
  it('accepts JSON from the page (fetch metadata or Origin) and bodiless JSON-typed POSTs', async () => {
    const viaSite = await withCookie('/api/conversations', { method: 'POST', body: JSON.stringify({ title: 'page-a' }), site: 'same-origin', from: own, type: 'application/json' });
    expect(viaSite.status).toBe(201);
    const viaOrigin = await withCookie('/api/conversations', { method: 'POST', body: JSON.stringify({ title: 'page-b' }), from: own, type: 'application/json' });
    expect(viaOrigin.status).toBe(201);
    const { id } = (await viaOrigin.json()) as { id: string };
    expect((await withCookie(`/api/conversations/${id}/interrupt`, { method: 'POST', site: 'same-origin', type: 'application/json' })).status).toBe(204);
    expect((await withCookie(`/api/conversations/${id}`, { method: 'DELETE', site: 'same-origin', type: 'application/json' })).status).toBe(204);
    expect(await titles()).toContain('page-a');
  });

  it('refuses forms, untyped bodies and other ports, and creates nothing', async () => {
    const attempts: Array<[string, Parameters<typeof withCookie>[1]]> = [
      ['text/plain form from another port', { type: 'text/plain', from: OTHER_PORT, site: 'same-site', body: '{"title":"csrf-1"}' }],
      ['no-cors JSON from another port', { type: 'text/plain;charset=UTF-8', from: OTHER_PORT, site: 'same-site', body: '{"title":"csrf-2"}' }],
      ['url-encoded form, even with our Origin', { type: 'application/x-www-form-urlencoded', from: own, site: 'same-origin', body: '{"title":"csrf-3"}' }],
      ['JSON from another port', { type: 'application/json', from: OTHER_PORT, site: 'same-site', body: '{"title":"csrf-4"}' }],
      ['JSON from another port, no fetch metadata', { type: 'application/json', from: OTHER_PORT, body: '{"title":"csrf-5"}' }],
      ['JSON with neither Origin nor fetch metadata', { type: 'application/json', body: '{"title":"csrf-6"}' }],
      ['JSON from a sandboxed output frame', { type: 'application/json', from: 'null', site: 'cross-site', body: '{"title":"csrf-7"}' }],
      // Bytes, not a string: the test helper would add a JSON content type to a string.
      ['no content type at all', { type: null, from: own, site: 'same-origin', body: new TextEncoder().encode('{"title":"csrf-8"}') }],
    ];
    for (const [name, init] of attempts) {
      const response = await withCookie('/api/conversations', { method: 'POST', ...init });
      expect(response.status, name).toBe(403);
    }
    expect((await titles()).filter((title) => title.startsWith('csrf-'))).toEqual([]);
  });

  it('takes a multipart import from the page, and refuses it from another port', async () => {
    const refused = await withCookie('/api/conversations/import', { method: 'POST', body: notebookForm('csrf-import'), from: OTHER_PORT, site: 'same-site' });
    expect(refused.status).toBe(403);
    const accepted = await withCookie('/api/conversations/import', { method: 'POST', body: notebookForm('page-import'), from: own, site: 'same-origin' });
    expect(accepted.status).toBe(201);
    const names = await titles();
    expect(names).toContain('page-import');
    expect(names).not.toContain('csrf-import');
  });

  it('needs the session\'s CSRF token (X-CSRF-Token) on every state change, even from our own page', async () => {
    const page = { method: 'POST', body: JSON.stringify({ title: 'csrf-token' }), site: 'same-origin', from: own, type: 'application/json' } as const;
    expect((await withCookie('/api/conversations', { ...page, noCsrf: true })).status).toBe(403);
    expect((await withCookie('/api/conversations', { ...page, noCsrf: true, headers: { 'X-CSRF-Token': 'x'.repeat(43) } })).status).toBe(403);
    // Another session's token is not this one's.
    const other = await signIn();
    expect((await withCookie('/api/conversations', { ...page, noCsrf: true, headers: { 'X-CSRF-Token': other.csrf } })).status).toBe(403);
    expect(await titles()).not.toContain('csrf-token');
    expect((await withCookie('/api/conversations', page)).status).toBe(201);
  });

  it('refuses reads that another port embeds (an <img>, a <link>)', async () => {
    expect((await withCookie('/api/conversations', { site: 'same-site' })).status).toBe(403);
    expect((await withCookie('/api/conversations', { site: 'same-origin' })).status).toBe(200);
  });

  it('lets bearer-token scripts skip these checks', async () => {
    const response = await tb.api('/api/conversations', { method: 'POST', body: '{"title":"script"}', headers: { 'Content-Type': 'text/plain', Origin: OTHER_PORT, 'Sec-Fetch-Site': 'same-site' } });
    expect(response.status).toBe(201);
  });
});

describe('the socket with the cookie', () => {
  it('opens from our own page only', async () => {
    const { id } = await tb.createConversation();
    const url = `${own.replace('http', 'ws')}/api/conversations/${id}/ws`;
    const ok = await TestSocket.open(url, { Cookie: cookie, Origin: own });
    await ok.close();
    const viaSite = await TestSocket.open(url, { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' });
    await viaSite.close();
    await expect(TestSocket.open(url, { Cookie: cookie, Origin: OTHER_PORT })).rejects.toThrow(/401/);
    await expect(TestSocket.open(url, { Cookie: cookie, Origin: own, 'Sec-Fetch-Site': 'same-site' })).rejects.toThrow(/401/);
    await expect(TestSocket.open(url, { Cookie: cookie })).rejects.toThrow(/401/);
    await expect(TestSocket.open(url, { Cookie: `talkbook_token=${tb.token}`, Origin: own })).rejects.toThrow(/401/);
  });
});

describe('served over HTTPS (TALKBOOK_PUBLIC_URL=https://…, behind a TLS proxy)', () => {
  const PUBLIC = 'https://talkbook.example';
  let secure: TestTalkbook;
  beforeAll(async () => {
    secure = await startTestTalkbook({ TALKBOOK_PUBLIC_URL: PUBLIC, TALKBOOK_KERNEL_POOL: '0' });
  });
  afterAll(async () => {
    await secure?.close();
  });

  it('names the cookies __Host- and marks them Secure, reads only that name, and takes only that origin', async () => {
    const response = await secure.api(`/?token=${encodeURIComponent(secure.token)}`, { auth: false });
    expect(response.status).toBe(302);
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((line) => line.startsWith('__Host-talkbook_session='))!;
    expect(session).toMatch(/^__Host-talkbook_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/);
    expect(cookies.find((line) => line.startsWith('__Host-talkbook_csrf='))).toMatch(/; Secure$/);
    expect(cookies.some((line) => /^talkbook_(session|csrf)=[^;]/.test(line))).toBe(false);
    const id = session.split(';')[0]!.split('=')[1]!;
    const csrfToken = cookies.find((line) => line.startsWith('__Host-talkbook_csrf='))!.split(';')[0]!.split('=')[1]!;
    const headers = (cookie: string, origin: string) => ({ Cookie: cookie, Origin: origin, 'X-CSRF-Token': csrfToken, 'Content-Type': 'application/json' });
    const create = (cookie: string, origin: string) => secure.api('/api/conversations', { method: 'POST', body: '{}', auth: false, headers: headers(cookie, origin) });
    expect((await create(`__Host-talkbook_session=${id}`, PUBLIC)).status).toBe(201);
    // The plain name (which a plain-HTTP page or a sibling host could set) is not read over HTTPS.
    expect((await create(`talkbook_session=${id}`, PUBLIC)).status).toBe(401);
    // The proxy's origin is ours, the address Talkbook listens on is not.
    expect((await create(`__Host-talkbook_session=${id}`, secure.url)).status).toBe(403);
  });
});
