import { Hono } from 'hono';
import { hashSecret, isSecret, newSecret } from '../accounts/index.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { openShareLinkBody, shareBody } from '../protocol/index.ts';
import type { AccountStore } from '../store/index.ts';
import type { ListEvents } from '../events/list-events.ts';
import { ownOrigin } from './own-origin.ts';
import { shareLinkCookie } from './share-link-cookie.ts';
import type { SocketRegistry } from './socket-registry.ts';
import { jsonBody } from './validate.ts';

/** Where the page opens a read-only link: the secret after `#`, so it never reaches a server log. */
export const SHARE_LINK_PATH = '/shared#';

/**
 * Sharing (the owner only; conversation-access.ts checks that before these run):
 * `GET /conversations/:id/shares`, `PUT`/`DELETE /conversations/:id/shares/:userId`, and
 * `GET /users`, whom one can share with; the read-only link: `POST`/`DELETE
 * /conversations/:id/share-link` (owner), and `POST /share-links` `{ secret }`, which any
 * signed-in person holding the link calls to become able to view (share-link-cookie.ts).
 */
export function shareRoutes(accounts: AccountStore, sockets: SocketRegistry, events?: ListEvents, publicUrl?: string): Hono {
  const routes = new Hono();

  routes.get('/users', async (c) => {
    const users = (await accounts.listUsers()).filter((user) => !user.disabled);
    return c.json({ users: users.map((user) => ({ id: user.id, displayName: user.displayName, username: user.username })) });
  });

  routes.get('/conversations/:id/shares', async (c) => {
    const shares = await accounts.sharesOf(c.req.param('id'));
    const users = new Map((await accounts.listUsers()).map((user) => [user.id, user]));
    const owner = await accounts.conversationAccess(c.req.param('id'), c.get('caller').user.id);
    return c.json({
      link: Boolean(owner?.linkHash),
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

  routes.post('/conversations/:id/share-link', async (c) => {
    const conversationId = c.req.param('id');
    const secret = newSecret();
    await accounts.setShareLink(conversationId, hashSecret(secret));
    // A new link replaces the old one: whoever opened the old one can no longer view.
    sockets.closeLinkViewers(conversationId);
    await accounts.audit({ at: new Date().toISOString(), actorId: c.get('caller').user.id, action: 'share-link-created', target: conversationId, detail: null });
    const path = `${SHARE_LINK_PATH}${secret}`;
    return c.json({ path, url: `${ownOrigin(c.req.url, publicUrl).origin}${path}` }, 201);
  });

  routes.delete('/conversations/:id/share-link', async (c) => {
    const conversationId = c.req.param('id');
    const row = await accounts.conversationAccess(conversationId, c.get('caller').user.id);
    if (!row?.linkHash) throw new NotFoundError('Link');
    await accounts.setShareLink(conversationId, null);
    sockets.closeLinkViewers(conversationId);
    await accounts.audit({ at: new Date().toISOString(), actorId: c.get('caller').user.id, action: 'share-link-revoked', target: conversationId, detail: null });
    return c.body(null, 204);
  });

  /** Opening a read-only link: the conversation it shows, and the cookie that lets this person view it. */
  routes.post('/share-links', async (c) => {
    const { secret } = await jsonBody(c, openShareLinkBody);
    const conversationId = isSecret(secret) ? await accounts.conversationByLink(hashSecret(secret)) : undefined;
    if (!conversationId) throw new NotFoundError('Link');
    c.header('Set-Cookie', shareLinkCookie(conversationId, secret, ownOrigin(c.req.url, publicUrl).secure), { append: true });
    return c.json({ conversationId });
  });

  return routes;
}
