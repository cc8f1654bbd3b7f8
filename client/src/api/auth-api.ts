import { z } from 'zod';
import { apiTokenInfo, createdToken, errorResponse, sessionInfo, signInMethods, type ApiTokenInfo, type SessionInfo, type SignInMethods } from '../protocol.ts';
import { HttpError, request } from './http.ts';

/**
 * `POST /api/auth/password`: signs this browser in (the server sets the session and CSRF
 * cookies). Rejects with the server's own message: a wrong password, or how long to wait.
 */
export async function signInWithPassword(username: string, password: string): Promise<SessionInfo> {
  const response = await fetch('/api/auth/password', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    credentials: 'same-origin',
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = errorResponse.safeParse(body);
    throw new HttpError(response.status, parsed.success ? parsed.data.error : `Sign-in failed (${response.status}).`);
  }
  const parsed = sessionInfo.safeParse(body);
  if (!parsed.success) throw new HttpError(response.status, 'Unexpected answer from the server.');
  return parsed.data;
}

/** `GET /api/auth/methods` (no sign-in needed): whether an OpenID provider is configured, and its name. */
export async function fetchSignInMethods(): Promise<SignInMethods> {
  const response = await fetch('/api/auth/methods', { credentials: 'same-origin' });
  if (!response.ok) throw new HttpError(response.status, `Could not ask the server how to sign in (${response.status}).`);
  const parsed = signInMethods.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new HttpError(response.status, 'Unexpected answer from the server.');
  return parsed.data;
}

const tokenList = z.object({ tokens: z.array(apiTokenInfo) });

/** The signed-in person's account: who, password, API tokens, sign-out. */
export const accountApi = {
  session: async (): Promise<SessionInfo> => (await request('/api/auth/session', {}, sessionInfo))!,
  setPassword: async (body: { currentPassword?: string; newPassword: string }): Promise<void> => {
    await request('/api/auth/password', { method: 'PUT', body: JSON.stringify(body) }, sessionInfo);
  },
  tokens: async (): Promise<ApiTokenInfo[]> => (await request('/api/tokens', {}, tokenList))!.tokens,
  createToken: async (name: string) => (await request('/api/tokens', { method: 'POST', body: JSON.stringify({ name }) }, createdToken))!,
  revokeToken: async (id: string): Promise<void> => {
    await request(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },
  signOut: async (): Promise<void> => {
    await request('/api/auth/signout', { method: 'POST' });
  },
};
