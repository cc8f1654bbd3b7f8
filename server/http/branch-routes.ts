import { Hono } from 'hono';
import type { Conversations } from '../conversation/conversations.ts';
import { branchConversationBody } from '../protocol/index.ts';
import { jsonBody } from './validate.ts';

/**
 * `POST /api/conversations/:id/branch` `{ cellId }` → 201 `{ id }`: a new conversation with the
 * cells up to that one, whose first turn restores that cell's checkpoint (kernel and files).
 */
export function branchRoutes({ conversations }: { conversations: Conversations }): Hono {
  const api = new Hono();
  api.post('/conversations/:id/branch', async (c) => {
    const { cellId } = await jsonBody(c, branchConversationBody);
    const branch = await conversations.branch(c.req.param('id'), cellId);
    return c.json({ id: branch.id }, 201);
  });
  return api;
}
