import { Hono } from 'hono';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { shareBody } from '../protocol/index.ts';
import type { AccountStore } from '../store/index.ts';
import type { ListEvents } from '../events/list-events.ts';
import type { SocketRegistry } from './socket-registry.ts';
import { jsonBody } from './validate.ts';

/**
 * Sharing (the owner only; conversation-access.ts checks that before these run):
 * `GET /conversations/:id/shares`, `PUT`/`DELETE /conversations/:id/shares/:userId`, and
 * `GET /users`, whom one can share with.
 */
export function shareRoutes(accounts: AccountStore, sockets: SocketRegistry, events?: ListEvents): Hono {
  const routes = new Hono();

  routes.get('/users', async (c) => {
    const users = (await accounts.listUsers()).filter((user) => !user.disabled);
    return c.json({ users: users.map((user) => ({ id: user.id, displayName: user.displayName, username: user.username })) });
  });

  routes.get('/conversations/:id/shares', async (c) => {
    const shares = await accounts.sharesOf(c.req.param('id'));
    const users = new Map((await accounts.listUsers()).map((user) => [user.id, user]));
    return c.json({
      shares: shares.map((share) => ({ userId: share.userId, role: share.role, displayName: users.get(share.userId)?.displayName ?? '?', username: users.get(share.userId)?.username ?? null })),
    });
  });

  routes.put('/conversations/:id/shares/:userId', async (c) => {
    const conversationId = c.req.param('id');
    const { role } = await jsonBody(c, shareBody);
    const actor = c.get('caller').user;
    const user = await accounts.userById(c.req.param('userId'));
    if (!user || user.disabled) throw new NotFoundError('User');
    if (user.id === actor.id) throw new BadRequestError('You own this conversation: there is nothing to share with yourself.');
    const at = new Date().toISOString();
    await accounts.putShare({ conversationId, userId: user.id, role, createdAt: at });
    sockets.setAccess(conversationId, user.id, role);
    events?.emit({ kind: 'shared', conversationId, audience: [user.id] });
    await accounts.audit({ at, actorId: actor.id, action: 'share', target: conversationId, detail: `${user.id} as ${role}` });
    return c.json({ userId: user.id, role, displayName: user.displayName, username: user.username });
  });

  routes.delete('/conversations/:id/shares/:userId', async (c) => {
    const conversationId = c.req.param('id');
    const userId = c.req.param('userId');
    if (!(await accounts.deleteShare(conversationId, userId))) throw new NotFoundError('Share');
    // Revoked: that person's open sockets on it close now.
    sockets.close(userId, conversationId);
    events?.emit({ kind: 'unshared', conversationId, audience: [userId] });
    await accounts.audit({ at: new Date().toISOString(), actorId: c.get('caller').user.id, action: 'unshare', target: conversationId, detail: userId });
    return c.body(null, 204);
  });

  return routes;
}
