import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationList, conversationSummary, type ConversationListItem, type ConversationSummary } from '../../server/protocol/index.ts';
import { startTalkbook, type Talkbook } from '../../server/talkbook.ts';
import { createLogger } from '../../server/log.ts';
import { TestSocket } from './test-socket.ts';

export interface TestTalkbook {
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
  readonly instance: Talkbook;
  /** fetch `path` (e.g. `/api/conversations`) with the bearer token unless `auth: false`. */
  api(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  createConversation(body?: { title?: string; kernel?: string }): Promise<ConversationSummary>;
  /** `GET /api/conversations` (newest first), every page. */
  list(query?: { q?: string }): Promise<ConversationListItem[]>;
  /** Open the conversation's socket (token in the query) and resume from `after` if given. */
  connect(conversationId: string, after?: number): Promise<TestSocket>;
  /** Stop and start again on the same data folder (same token), as a server restart does. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Start a real Talkbook (embedded Jupyter, real kernels) on a free port with a fresh data
 * folder. `env` adds or overrides environment variables (e.g. OPENAI_BASE_URL for the fake).
 */
export async function startTestTalkbook(env: Record<string, string> = {}): Promise<TestTalkbook> {
  const dataDir = env.TALKBOOK_DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'talkbook-test-')));
  const fullEnv = {
    PATH: process.env.PATH,
    PORT: '0',
    HOST: '127.0.0.1',
    TALKBOOK_TOKEN: 'test-token-0123456789',
    TALKBOOK_DATA_DIR: dataDir,
    TALKBOOK_LOG: process.env.TALKBOOK_LOG ?? 'warn',
    TALKBOOK_MODEL_RETRIES: '0',
    // Lets a run check what the tests see without the sandbox: TALKBOOK_SANDBOX=off npm test
    ...(process.env.TALKBOOK_SANDBOX ? { TALKBOOK_SANDBOX: process.env.TALKBOOK_SANDBOX } : {}),
    ...env,
  };
  const log = createLogger(fullEnv.TALKBOOK_LOG as 'warn');
  let instance = await startTalkbook({ env: fullEnv, log });
  const sockets = new Set<TestSocket>();

  const api: TestTalkbook['api'] = (path, init = {}) => {
    const { auth = true, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth) headers.set('Authorization', `Bearer ${instance.token}`);
    if (rest.body && typeof rest.body === 'string' && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    return fetch(`${instance.url}${path}`, { ...rest, headers, redirect: 'manual' });
  };

  const handle: TestTalkbook = {
    get url() {
      return instance.url;
    },
    get token() {
      return instance.token ?? '';
    },
    get instance() {
      return instance;
    },
    dataDir,
    api,
    async createConversation(body = {}) {
      const response = await api('/api/conversations', { method: 'POST', body: JSON.stringify(body) });
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
      return conversationSummary.parse(await response.json());
    },
    async list(query = {}) {
      const items: ConversationListItem[] = [];
      let cursor: string | null = null;
      do {
        const params = new URLSearchParams({ limit: '200', ...(query.q ? { q: query.q } : {}), ...(cursor ? { cursor } : {}) });
        const response = await api(`/api/conversations?${params}`);
        if (response.status !== 200) throw new Error(`list failed: ${response.status} ${await response.text()}`);
        const page = conversationList.parse(await response.json());
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
    async connect(conversationId, after) {
      const wsUrl = `${instance.url.replace(/^http/, 'ws')}/api/conversations/${conversationId}/ws?token=${encodeURIComponent(instance.token ?? '')}${after === undefined ? '&after=0' : `&after=${after}`}`;
      const socket = await TestSocket.open(wsUrl);
      sockets.add(socket);
      return socket;
    },
    async restart() {
      await Promise.all([...sockets].map((socket) => socket.close()));
      sockets.clear();
      await instance.close();
      instance = await startTalkbook({ env: { ...fullEnv, PORT: '0' }, log });
    },
    async close() {
      await Promise.all([...sockets].map((socket) => socket.close()));
      await instance.close();
      if (!env.TALKBOOK_DATA_DIR) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
