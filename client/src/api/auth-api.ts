import { errorResponse, sessionInfo, type SessionInfo } from '../protocol.ts';
import { HttpError } from './http.ts';

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
