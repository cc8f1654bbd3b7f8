import { Hono } from 'hono';
import type { Conversations } from '../conversation/conversations.ts';
import { BadRequestError } from '../errors.ts';
import type { Kernels } from '../kernel/kernels.ts';
import { createConversationBody, listConversationsQuery, renameConversationBody } from '../protocol/index.ts';
import { jsonBody } from './validate.ts';

export interface ApiDeps {
  conversations: Conversations;
  kernels: Kernels;
}

/** Conversations and kernels over HTTP (auth is checked before these run). */
export function apiRoutes({ conversations, kernels }: ApiDeps): Hono {
  const api = new Hono();

  api.get('/kernelspecs', async (c) => {
    const { default: fallback, kernelspecs } = await kernels.specs();
    return c.json({ default: fallback, kernelspecs });
  });

  api.get('/conversations', async (c) => {
    const query = listConversationsQuery.safeParse(c.req.query());
    if (!query.success) throw new BadRequestError(`Invalid query: ${query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    return c.json(await conversations.list({ ...query.data, visibleTo: c.get('caller').user.id }));
  });

  api.post('/conversations', async (c) => {
    const body = await jsonBody(c, createConversationBody);
    const specs = await kernels.specs();
    const kernel = body.kernel ?? specs.default;
    if (!specs.kernelspecs.some((spec) => spec.name === kernel)) {
      const names = specs.kernelspecs.map((spec) => spec.name).join(', ');
      throw new BadRequestError(`Unknown kernel "${kernel}". Available: ${names}.`);
    }
    const conversation = await conversations.create({ title: body.title, kernel, ownerId: c.get('caller').user.id });
    return c.json(conversation.summary(), 201);
  });

  api.get('/conversations/:id', async (c) => {
    const runtime = await conversations.get(c.req.param('id'));
    // What GET shows is stored: never ahead of what a restart would bring back.
    await conversations.durable(runtime.id);
    return c.json({ ...runtime.conversation.detail(), access: c.get('access') });
  });

  /** The kernel's user variables (the variable explorer), listed silently: nothing is added to the conversation. */
  api.get('/conversations/:id/variables', async (c) => {
    const runtime = await conversations.get(c.req.param('id'));
    return c.json(await runtime.variables());
  });

  /** One DataFrame or Series as a display_data output carrying the interactive table (the explorer opens it). */
  api.get('/conversations/:id/variables/:name/table', async (c) => {
    const runtime = await conversations.get(c.req.param('id'));
    return c.json(await runtime.variableTable(c.req.param('name')));
  });

  api.patch('/conversations/:id', async (c) => {
    const runtime = await conversations.get(c.req.param('id'));
    const { title } = await jsonBody(c, renameConversationBody);
    runtime.conversation.rename(title);
    return c.json(runtime.conversation.summary());
  });

  api.delete('/conversations/:id', async (c) => {
    await conversations.delete(c.req.param('id'));
    return c.body(null, 204);
  });

  api.post('/conversations/:id/interrupt', async (c) => {
    await (await conversations.get(c.req.param('id'))).interrupt();
    return c.body(null, 204);
  });

  api.post('/conversations/:id/restart', async (c) => {
    await (await conversations.get(c.req.param('id'))).restart();
    return c.body(null, 204);
  });

  return api;
}
