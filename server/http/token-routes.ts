import { Hono } from 'hono';
import { hashSecret, newSecret } from '../accounts/index.ts';
import { NotFoundError } from '../errors.ts';
import { newId } from '../ids.ts';
import { createTokenBody } from '../protocol/index.ts';
import type { AccountStore } from '../store/index.ts';
import { jsonBody } from './validate.ts';

/** API tokens start with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'tbk_';

/** `/api/tokens`: a user's own API tokens for scripts (`Authorization: Bearer`), stored hashed, shown once. */
export function tokenRoutes(accounts: AccountStore): Hono {
  const routes = new Hono();

  routes.get('/tokens', async (c) => {
    const tokens = await accounts.apiTokensOf(c.get('caller').user.id);
    return c.json({ tokens: tokens.map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt })) });
  });

  routes.post('/tokens', async (c) => {
    const { name } = await jsonBody(c, createTokenBody);
    const user = c.get('caller').user;
    const token = `${TOKEN_PREFIX}${newSecret()}`;
    const id = newId();
    const at = new Date().toISOString();
    await accounts.createApiToken({ id, userId: user.id, name, hash: hashSecret(token), createdAt: at, lastUsedAt: null });
    await accounts.audit({ at, actorId: user.id, action: 'token-created', target: id, detail: name });
    c.header('Cache-Control', 'no-store');
    return c.json({ id, token }, 201);
  });

  routes.delete('/tokens/:id', async (c) => {
    const user = c.get('caller').user;
    if (!(await accounts.deleteApiToken(user.id, c.req.param('id')))) throw new NotFoundError('Token');
    await accounts.audit({ at: new Date().toISOString(), actorId: user.id, action: 'token-revoked', target: c.req.param('id'), detail: null });
    return c.body(null, 204);
  });

  return routes;
}
