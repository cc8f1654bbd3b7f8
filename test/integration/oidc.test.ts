import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { startTestOidcProvider, TEST_CLIENT_ID, type TestOidcProvider } from '../helpers/oidc-provider.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * OpenID Connect over HTTP, without a browser: a provider that is down when Talkbook starts
 * does not stop it (sign-in says so, then works once the provider is back), what the start
 * sends (PKCE S256, state, nonce, a Lax HttpOnly cookie), and forged callbacks.
 */
describe('OpenID Connect sign-in over HTTP', { timeout: 180_000 }, () => {
  let talkbook: TestTalkbook;
  let provider: TestOidcProvider | undefined;
  let providerPort: number;
  let publicUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    providerPort = await freePort('127.0.0.2');
    publicUrl = `http://127.0.0.1:${port}`;
    // Nothing listens at the issuer yet.
    talkbook = await startTestTalkbook({
      PORT: String(port),
      TALKBOOK_KERNEL_POOL: '0',
      TALKBOOK_PUBLIC_URL: publicUrl,
      TALKBOOK_OIDC_ISSUER: `http://127.0.0.2:${providerPort}`,
      TALKBOOK_OIDC_CLIENT_ID: TEST_CLIENT_ID,
      TALKBOOK_OIDC_CLIENT_SECRET: 'talkbook-test-secret-0123456789abcdef',
      TALKBOOK_OIDC_NAME: 'Test Provider',
    });
  });

  afterAll(async () => {
    await talkbook?.close();
    await provider?.close();
  });

  const start = () => fetch(`${publicUrl}/api/auth/oidc/start`, { redirect: 'manual' });

  it('starts with the provider down, says so on the sign-in page, and signs in once it is back', async () => {
    expect((await talkbook.api('/api/health')).status).toBe(200);
    const methods = await (await talkbook.api('/api/auth/methods', { auth: false })).json();
    expect(methods).toEqual({ password: true, oidc: { name: 'Test Provider', startUrl: '/api/auth/oidc/start' } });
    const down = await start();
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await down.text();
    expect(page).toContain('The sign-in provider cannot be reached right now');
    expect(page).toContain('href="/"');
    expect(page).not.toMatch(/ECONNREFUSED|at .*\.(ts|js):\d+/);

    provider = await startTestOidcProvider({ redirectUri: `${publicUrl}/api/auth/oidc/callback`, users: [], port: providerPort });
    // Discovery is tried again (at most every 2 seconds): bounded polling until it is.
    let answer = await start();
    for (let attempt = 0; answer.status !== 302 && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await start();
    }
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(location.origin).toBe(provider.issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: TEST_CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${publicUrl}/api/auth/oidc/callback`,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(location.searchParams.get(name)).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^talkbook_oidc=[A-Za-z0-9_-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // Neither the verifier nor the nonce can be read from the cookie.
    expect(Buffer.from(cookie.split(';')[0]!.split('=')[1]!, 'base64url').toString('latin1')).not.toContain(location.searchParams.get('nonce')!);
  });

  it('refuses a callback without the cookie, or with another state, with a page and an audit entry', async () => {
    const noCookie = await fetch(`${publicUrl}/api/auth/oidc/callback?code=forged&state=forged`, { redirect: 'manual' });
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain('This sign-in was not started in this browser');
    expect(noCookie.headers.get('set-cookie')).not.toMatch(/talkbook_session=[^;]/);

    const started = await start();
    expect(started.status).toBe(302);
    const cookie = started.headers.get('set-cookie')!.split(';')[0]!;
    const forged = await fetch(`${publicUrl}/api/auth/oidc/callback?code=forged&state=not-this-one`, { redirect: 'manual', headers: { Cookie: cookie } });
    expect(forged.status).toBe(400);
    expect((await forged.text()).replaceAll('&#34;', '"')).toContain('"state" does not match');
    // The pending sign-in is used up.
    expect(forged.headers.get('set-cookie')).toMatch(/^talkbook_oidc=; Path=\/; Max-Age=0/);

    const audit = (await (await talkbook.api('/api/admin/audit')).json()) as { entries: Array<{ action: string; detail: string | null }> };
    const failures = audit.entries.filter((entry) => entry.action === 'sign-in-failed').map((entry) => entry.detail);
    expect(failures).toEqual(expect.arrayContaining(['oidc: provider-unreachable', 'oidc: no-pending-sign-in', 'oidc: state-mismatch']));
  });
});
