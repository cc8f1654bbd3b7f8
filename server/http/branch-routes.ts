import { Hono } from 'hono';
import type { Conversations } from '../conversation/conversations.ts';
import { branchConversationBody } from '../protocol/index.ts';
import type { StorageQuota } from './storage-quota.ts';
import { jsonBody } from './validate.ts';

/**
 * `POST /api/conversations/:id/branch` `{ cellId }` → 201 `{ id }`: a new conversation with the
 * cells up to that one, whose first turn restores that cell's checkpoint (kernel and files). The
 * branch is the caller's (an editor may branch a conversation shared with them), so it counts
 * against the caller's storage quota.
 */
export function branchRoutes({ conversations, quota }: { conversations: Conversations; quota?: StorageQuota }): Hono {
  const api = new Hono();
  api.post('/conversations/:id/branch', async (c) => {
    const { cellId } = await jsonBody(c, branchConversationBody);
    const caller = c.get('caller').user.id;
    await quota?.check(caller, caller);
    const branch = await conversations.branch(c.req.param('id'), cellId, caller);
    return c.json({ id: branch.id }, 201);
  });
  return api;
}
