import { expect } from 'vitest';
import type { TestTalkbook } from './talkbook.ts';

/** Requests made with one user's API token (not the admin's `TALKBOOK_TOKEN`). */
export function asUser(tb: TestTalkbook) {
  const as = (who: { token: string }, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${who.token}`);
    return tb.api(path, { ...init, headers, auth: false });
  };
  /** A new conversation owned by `who`; its id. */
  const conversationOf = async (who: { token: string }, title: string): Promise<string> => {
    const response = await as(who, '/api/conversations', { method: 'POST', body: JSON.stringify({ title }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  return { as, conversationOf };
}
