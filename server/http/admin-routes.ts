import { Hono } from 'hono';
import { hashPassword, MIN_PASSWORD_LENGTH, type Sessions } from '../accounts/index.ts';
import { BadRequestError, NotFoundError, PublicError } from '../errors.ts';
import { newId } from '../ids.ts';
import { createUserBody, updateUserBody } from '../protocol/index.ts';
import type { AccountStore, OwnerStorage } from '../store/index.ts';
import { publicUser } from './auth-routes.ts';
import type { SocketRegistry } from './socket-registry.ts';
import { jsonBody } from './validate.ts';

export interface AdminDeps {
  accounts: AccountStore;
  sessions: Sessions;
  sockets: SocketRegistry;
  /** What the admin page shows per user besides accounts; absent: `GET /admin/usage` lists none. */
  usage?: UsageSource | undefined;
}

/** Where the usage numbers come from (server/talkbook.ts wires the conversations and the store). */
export interface UsageSource {
  liveKernels(): Array<{ conversationId: string; title: string; ownerId: string | null; busy: boolean }>;
  storageByOwner(): Promise<OwnerStorage[]>;
  limits: { maxKernelsPerUser: number | undefined; storageQuotaBytes: number | undefined };
}

/** `/api/admin/*` (admins only): users, their roles, disabling (which ends their sessions and sockets at once), the audit log. */
export function adminRoutes({ accounts, sessions, sockets, usage }: AdminDeps): Hono {
  const routes = new Hono();

  routes.use('/admin/*', async (c, next) => {
    // Not an admin: the admin API does not exist for you.
    if (c.get('caller').user.role !== 'admin') throw new NotFoundError('Page');
    await next();
  });

  routes.get('/admin/users', async (c) => c.json({ users: (await accounts.listUsers()).map(publicUser) }));

  routes.post('/admin/users', async (c) => {
    const body = await jsonBody(c, createUserBody);
    if (body.password.length < MIN_PASSWORD_LENGTH) throw new BadRequestError(`A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    const id = newId();
    const at = new Date().toISOString();
    await accounts.createUser({
      id,
      username: body.username,
      displayName: body.displayName ?? body.username,
      email: body.email ?? null,
      role: body.role,
      passwordHash: await hashPassword(body.password),
      oidcIssuer: null,
      oidcSubject: null,
      createdAt: at,
    });
    await accounts.audit({ at, actorId: c.get('caller').user.id, action: 'user-created', target: id, detail: `${body.username} (${body.role})` });
    return c.json({ id }, 201);
  });

  routes.patch('/admin/users/:id', async (c) => {
    const actor = c.get('caller').user;
    const changes = await jsonBody(c, updateUserBody);
    const user = await accounts.userById(c.req.param('id'));
    if (!user) throw new NotFoundError('User');
    if (user.id === actor.id && (changes.disabled === true || changes.role === 'member')) {
      throw new PublicError('You cannot disable yourself or take away your own admin role (another admin can).', 409);
    }
    await accounts.updateUser(user.id, changes);
    const at = new Date().toISOString();
    if (changes.role !== undefined && changes.role !== user.role) await accounts.audit({ at, actorId: actor.id, action: 'role-changed', target: user.id, detail: `${user.role} → ${changes.role}` });
    if (changes.disabled !== undefined && changes.disabled !== user.disabled) {
      await accounts.audit({ at, actorId: actor.id, action: changes.disabled ? 'user-disabled' : 'user-enabled', target: user.id, detail: null });
    }
    if (changes.disabled) {
      // At once: its sessions end and its open sockets close (its API tokens stop working too).
      await sessions.revokeUser(user.id);
      sockets.close(user.id, undefined, 'Your account was disabled.');
    }
    return c.json(publicUser((await accounts.userById(user.id))!));
  });

  /** Per user: live kernels, store bytes, open sockets; and the per-user limits. */
  routes.get('/admin/usage', async (c) => {
    const users = await accounts.listUsers();
    const kernels = usage?.liveKernels() ?? [];
    const storage = new Map((await (usage?.storageByOwner() ?? Promise.resolve([]))).map((row) => [row.ownerId, row]));
    const online = sockets.usersOnline();
    return c.json({
      limits: { maxKernelsPerUser: usage?.limits.maxKernelsPerUser ?? null, storageQuotaBytes: usage?.limits.storageQuotaBytes ?? null },
      users: users.map((user) => ({
        userId: user.id,
        kernels: kernels.filter((kernel) => kernel.ownerId === user.id).map(({ conversationId, title, busy }) => ({ conversationId, title, busy })),
        storageBytes: storage.get(user.id)?.bytes ?? 0,
        conversations: storage.get(user.id)?.conversations ?? 0,
        sockets: online.get(user.id) ?? 0,
      })),
    });
  });

  routes.get('/admin/audit', async (c) => c.json({ entries: await accounts.auditLog(500) }));

  return routes;
}
