import type { Context, MiddlewareHandler } from 'hono';
import { hashSecret, isSecret, secretsMatch } from '../accounts/index.ts';
import { NotFoundError, PublicError } from '../errors.ts';
import type { AccountStore } from '../store/index.ts';
import { readShareLinkCookie } from './share-link-cookie.ts';

/** What a user is to a conversation: its owner, or a share's role. */
export type Access = 'owner' | 'editor' | 'viewer';
/** What a request needs: to read (see, export, download), to change (run, ask, upload), or to own (delete, share). */
export type Need = 'read' | 'write' | 'own';

const RANK: Record<Access, number> = { viewer: 0, editor: 1, owner: 2 };
const NEEDED: Record<Need, number> = { read: 0, write: 1, own: 2 };

declare module 'hono' {
  interface ContextVariableMap {
    access: Access;
  }
}

/** The user's access to a conversation; undefined when there is no such conversation or the user may not see it (the same answer: 404). */
export async function accessOf(accounts: AccountStore, userId: string, conversationId: string, linkSecret?: string): Promise<Access | undefined> {
  return (await accessWithLink(accounts, userId, conversationId, linkSecret))?.access;
}

/**
 * The same, saying whether it comes from the read-only link (`linkSecret`, from the link's
 * cookie): a signed-in person holding the link's secret is a viewer, unless they are more.
 */
export async function accessWithLink(accounts: AccountStore, userId: string, conversationId: string, linkSecret: string | undefined): Promise<{ access: Access; viaLink: boolean } | undefined> {
  const row = await accounts.conversationAccess(conversationId, userId);
  if (!row) return undefined;
  if (row.ownerId === userId) return { access: 'owner', viaLink: false };
  if (row.shareRole) return { access: row.shareRole, viaLink: false };
  if (row.linkHash && isSecret(linkSecret) && secretsMatch(row.linkHash, hashSecret(linkSecret))) return { access: 'viewer', viaLink: true };
  return undefined;
}

export function allows(access: Access, need: Need): boolean {
  return RANK[access] >= NEEDED[need];
}

export class ReadOnlyError extends PublicError {
  override name = 'ReadOnlyError';
  constructor(need: Need) {
    super(need === 'own' ? 'Only the owner of this conversation can do that.' : 'You can view this conversation but not change it (ask its owner to make you an editor).', 403);
  }
}

/** Refuses unless `access` is enough for `need`: 404 for no access at all (existence is not confirmed), 403 for too little. */
export function requireAccess(access: Access | undefined, need: Need): Access {
  if (!access) throw new NotFoundError('Conversation');
  if (!allows(access, need)) throw new ReadOnlyError(need);
  return access;
}

/** What a route under `/conversations/:id` needs. */
export function needOf(method: string, path: string): Need {
  const verb = method.toUpperCase();
  if (/\/shares(\/|$)|\/share-link$/.test(path)) return 'own';
  if (verb === 'GET' || verb === 'HEAD') return 'read';
  if (verb === 'DELETE' && /^\/api\/conversations\/[^/]+$/.test(path)) return 'own';
  return 'write';
}

/**
 * `/api/conversations/:id…`: the caller must be allowed to see the conversation (404 otherwise,
 * as for one that does not exist) and to do what the request does (403). Sets `access`.
 * `POST /conversations/import` and `GET /conversations/events` (the list's changes) are no conversation's.
 */
export function conversationAccess(accounts: AccountStore): MiddlewareHandler {
  return async (c: Context, next) => {
    const id = c.req.param('id');
    if (!id || (id === 'import' && c.req.method === 'POST') || (id === 'events' && c.req.method === 'GET')) return next();
    const caller = c.get('caller');
    const linkSecret = readShareLinkCookie(c.req.header('Cookie'), id);
    c.set('access', requireAccess(await accessOf(accounts, caller.user.id, id, linkSecret), needOf(c.req.method, c.req.path)));
    await next();
  };
}
