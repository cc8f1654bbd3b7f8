import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientFrame, searchTerms, serverFrame, type Cell, type CodeCell, type ConversationDetail, type KernelVariable, type Output, type ServerFrame, type UnsequencedFrame } from '../../../server/protocol/index.ts';
import { APP_CSP, FRAME_CSP } from '../../../server/http/security-headers.ts';

const DIST = join(import.meta.dirname, '..', '..', '..', 'client', 'dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
};

interface MockConversation {
  id: string;
  title: string;
  kernel: string;
  createdAt: string;
  updatedAt: string;
  kernelState: 'idle' | 'busy' | 'starting' | 'restarting' | 'dead' | undefined;
  cells: Cell[];
  log: ServerFrame[];
  seq: number;
  running?: { cell: CodeCell; turnId: string; timer?: ReturnType<typeof setInterval> };
  /** What the detail says beside the cells when the page loads (a storage failure, a waiting `input()`). */
  detail?: SeedDetail;
}

/** Extra fields of a seeded conversation's detail. */
export type SeedDetail = Pick<ConversationDetail, 'storageError' | 'stdin'>;

/** What a scripted `run` does: emit outputs into the cell, then end it (throw: the turn fails). */
export type RunScript = (code: string, io: { output: (output: Output) => void; clear: (wait: boolean) => void }) => Promise<'ok' | 'error'> | 'ok' | 'error' | 'loop';

export interface MockTalkbookOptions {
  model?: { configured: boolean; name?: string };
  /** Decides what running `code` prints. Default: `stdout` "ran: <code>". Return 'loop' to print until interrupted. */
  onRun?: RunScript;
  /** What `GET /variables` lists (every conversation the same). Default: none. */
  variables?: KernelVariable[];
  /** What `GET /variables/:name/table` gives. Default: 404. */
  variableTable?: Output;
}

export interface MockTalkbook {
  url: string;
  token: string;
  /** Add a conversation with ready-made cells (a gallery of outputs), and extra detail fields. */
  seed(title: string, cells: Cell[], detail?: SeedDetail): string;
  /** Cut every open WebSocket, as a network drop does. */
  dropSockets(): void;
  /** Refuse (true) or accept (false) new WebSocket upgrades, to hold the page in "reconnecting". */
  refuseSockets(refuse: boolean): void;
  /** Every frame sent on conversation `id`, in order. */
  frames(id: string): readonly ServerFrame[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Talkbook server with the real wire protocol, the real CSP headers and the
 * real built client, but no Jupyter and no model: for UI tests that must be fast and exact
 * (rendering of every output kind, reconnect and resume, two tabs). Scripted by `onRun`.
 */
export async function startMockTalkbook(options: MockTalkbookOptions = {}): Promise<MockTalkbook> {
  const token = randomBytes(12).toString('hex');
  const conversations = new Map<string, MockConversation>();
  const sockets = new Map<string, Set<WebSocket>>();
  let refuse = false;
  const now = () => new Date().toISOString();
  const id = () => randomBytes(16).toString('hex');

  const create = (title = 'New conversation', cells: Cell[] = [], detail?: SeedDetail): MockConversation => {
    const conversation: MockConversation = { id: id(), title, kernel: 'python3', createdAt: now(), updatedAt: now(), kernelState: undefined, cells, log: [], seq: 0, detail };
    conversations.set(conversation.id, conversation);
    return conversation;
  };
  const summary = (c: MockConversation) => ({ id: c.id, title: c.title, kernel: c.kernel, createdAt: c.createdAt, updatedAt: c.updatedAt, kernelState: c.kernelState });

  const emit = (c: MockConversation, body: UnsequencedFrame) => {
    c.seq += 1;
    const frame = serverFrame.parse({ ...body, seq: c.seq });
    c.log.push(frame);
    c.updatedAt = now();
    for (const ws of sockets.get(c.id) ?? []) ws.send(JSON.stringify(frame));
  };
  const putCell = (c: MockConversation, cell: Cell) => {
    const index = c.cells.findIndex((existing) => existing.id === cell.id);
    if (index < 0) c.cells.push(cell);
    else c.cells[index] = cell;
    emit(c, { type: 'cell', cell: structuredClone(cell) });
  };

  let executionCount = 0;
  const run = async (c: MockConversation, code: string, cellId: string | undefined, author: 'user' | 'assistant', turnId: string) => {
    const existing = c.cells.find((cell): cell is CodeCell => cell.id === cellId && cell.kind === 'code');
    const cell: CodeCell = existing ?? { id: id(), kind: 'code', createdAt: now(), source: code, author, status: 'queued', executionCount: null, outputs: [] };
    Object.assign(cell, { source: code, status: 'running', outputs: [], startedAt: now(), endedAt: undefined, executionCount: null });
    putCell(c, cell);
    c.kernelState = 'busy';
    emit(c, { type: 'kernel', state: 'busy' });
    const io = {
      output: (output: Output) => {
        cell.outputs.push(output);
        emit(c, { type: 'output', cellId: cell.id, output });
      },
      clear: (wait: boolean) => {
        if (!wait) cell.outputs = [];
        emit(c, { type: 'clear_output', cellId: cell.id, wait });
      },
    };
    const script: RunScript = options.onRun ?? ((source) => (io.output({ output_type: 'stream', name: 'stdout', text: `ran: ${source}\n` }), 'ok'));
    let result: Awaited<ReturnType<RunScript>>;
    try {
      result = await script(code, io);
    } catch (error) {
      Object.assign(cell, { status: 'error', failure: error instanceof Error ? error.message : String(error), endedAt: now() });
      putCell(c, cell);
      throw error;
    }
    if (result === 'loop') {
      await new Promise<void>((resolve) => {
        let n = 0;
        c.running = { cell, turnId, timer: setInterval(() => io.output({ output_type: 'stream', name: 'stdout', text: `tick ${n++}\n` }), 100) };
        const stop = setInterval(() => {
          if (!c.running) {
            clearInterval(stop);
            resolve();
          }
        }, 20);
      });
      return cell;
    }
    Object.assign(cell, { status: result, executionCount: ++executionCount, endedAt: now() });
    putCell(c, cell);
    c.kernelState = 'idle';
    emit(c, { type: 'kernel', state: 'idle' });
    return cell;
  };

  const interrupt = (c: MockConversation) => {
    const running = c.running;
    if (!running) return;
    clearInterval(running.timer);
    c.running = undefined;
    const error: Output = { output_type: 'error', ename: 'KeyboardInterrupt', evalue: '', traceback: ['\u001b[0;31mKeyboardInterrupt\u001b[0m: '] };
    running.cell.outputs.push(error);
    emit(c, { type: 'output', cellId: running.cell.id, output: error });
    Object.assign(running.cell, { status: 'interrupted', executionCount: ++executionCount, endedAt: now() });
    putCell(c, running.cell);
    c.kernelState = 'idle';
    emit(c, { type: 'kernel', state: 'idle' });
    emit(c, { type: 'turn', turnId: running.turnId, state: 'done' });
  };

  const handleFrame = async (c: MockConversation, ws: WebSocket, raw: string) => {
    const parsed = clientFrame.safeParse(JSON.parse(raw));
    if (!parsed.success) return ws.send(JSON.stringify({ type: 'error', seq: c.seq, message: 'Malformed frame' }));
    const frame = parsed.data;
    if (frame.type === 'resume') {
      for (const missed of c.log.filter((logged) => logged.seq > frame.after)) ws.send(JSON.stringify(missed));
      return;
    }
    if (frame.type === 'interrupt') return interrupt(c);
    if (frame.type === 'cancel') {
      if (c.running) interrupt(c);
      return;
    }
    // Restore, undo, cell settings, deletion and stdin are tested against the real server (test/e2e/restore.test.ts, cells.test.ts, checkpoints.test.ts).
    if (frame.type === 'restart' || frame.type === 'run_all' || frame.type === 'restore' || frame.type === 'undo' || frame.type === 'set_cell' || frame.type === 'delete_cell' || frame.type === 'stdin_reply' || frame.type === 'run_stale') return;
    const turnId = id();
    emit(c, { type: 'turn', turnId, state: 'started', request: frame.type });
    if (frame.type === 'run') {
      try {
        const cell = await run(c, frame.code, frame.cellId, 'user', turnId);
        if (cell.status !== 'interrupted') emit(c, { type: 'turn', turnId, state: 'done' });
      } catch (error) {
        // A script that throws stands for a turn the server could not finish.
        emit(c, { type: 'turn', turnId, state: 'failed', error: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    if (!options.model?.configured) {
      emit(c, { type: 'turn', turnId, state: 'failed', error: 'No model is configured.' });
      return;
    }
    putCell(c, { id: id(), kind: 'user', createdAt: now(), text: frame.text });
    const reply = { id: id(), kind: 'assistant' as const, createdAt: now(), text: '' };
    putCell(c, reply);
    for (const word of 'Let me run that for you.'.split(/(?= )/)) {
      reply.text += word;
      emit(c, { type: 'text', cellId: reply.id, delta: word });
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await run(c, 'print("from the assistant")', undefined, 'assistant', turnId);
    emit(c, { type: 'turn', turnId, state: 'done' });
  };

  const authorized = (req: IncomingMessage) =>
    req.headers.authorization === `Bearer ${token}` || (req.headers.cookie ?? '').split(/;\s*/).includes(`talkbook_session=${token}`);

  const json = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const readRaw = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  };
  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const text = (await readRaw(req)).toString('utf8');
    return text ? JSON.parse(text) : {};
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path === '/api/health') return json(res, 200, { status: 'ok', model: options.model ?? { configured: false } });
    if (!authorized(req)) return json(res, 401, { error: 'Unauthorized' });
    if (path === '/api/kernelspecs') return json(res, 200, { default: 'python3', kernelspecs: [{ name: 'python3', displayName: 'Python 3', language: 'python' }] });
    if (path === '/api/conversations' && req.method === 'GET') {
      // The real list's shape (one page: the stand-in holds few conversations). `q` searches
      // titles only, every word as a prefix, as the real search does; the real one also reads cells.
      const terms = searchTerms(new URL(req.url ?? '/', 'http://mock').searchParams.get('q') ?? '');
      const words = (title: string) => title.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      const found = [...conversations.values()].filter((c) => terms.every((term) => words(c.title).some((word) => word.startsWith(term))));
      return json(res, 200, { items: found.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).map(summary), nextCursor: null });
    }
    if (path === '/api/conversations' && req.method === 'POST') {
      const body = await readBody(req);
      return json(res, 201, summary(create(typeof body.title === 'string' ? body.title : undefined)));
    }
    const table = /^\/api\/conversations\/[^/]+\/variables\/[^/]+\/table$/.test(path);
    if (table) return options.variableTable ? json(res, 200, options.variableTable) : json(res, 404, { error: 'Not found' });
    const match = /^\/api\/conversations\/([^/]+)(\/[a-z]+)?$/.exec(path);
    const c = match ? conversations.get(match[1]!) : undefined;
    if (!match || !c) return json(res, 404, { error: 'Not found' });
    const action = match[2];
    if (!action && req.method === 'GET') return json(res, 200, { ...summary(c), cells: c.cells, seq: c.seq, ...c.detail });
    if (action === '/variables' && req.method === 'GET') return json(res, 200, options.variables ?? []);
    if (!action && req.method === 'PATCH') {
      const body = await readBody(req);
      if (typeof body.title === 'string') c.title = body.title;
      emit(c, { type: 'title', title: c.title });
      return json(res, 200, summary(c));
    }
    if (!action && req.method === 'DELETE') {
      conversations.delete(c.id);
      return json(res, 204);
    }
    if (action === '/interrupt' && req.method === 'POST') {
      interrupt(c);
      return json(res, 200, { ok: true });
    }
    if (action === '/restart' && req.method === 'POST') {
      emit(c, { type: 'kernel', state: 'restarting' });
      emit(c, { type: 'kernel', state: 'idle' });
      putCell(c, { id: id(), kind: 'notice', createdAt: now(), level: 'warning', text: 'The kernel restarted: variables are gone.' });
      return json(res, 200, { ok: true });
    }
    if (action === '/files' && req.method === 'POST') {
      // Slow on purpose, so the page's progress bar can be seen; the name comes from the part header.
      const body = (await readRaw(req)).toString('latin1');
      const name = /filename="([^"]+)"/.exec(body)?.[1] ?? 'upload.bin';
      await new Promise((resolve) => setTimeout(resolve, 1500));
      putCell(c, { id: id(), kind: 'notice', createdAt: now(), level: 'info', text: `Uploaded ${name}.` });
      return json(res, 201, { name, size: body.length });
    }
    if (action === '/files' && req.method === 'GET') {
      return json(res, 200, [
        { name: 'cities.csv', size: 2_048, modified: '2024-05-01T10:00:00.000Z' },
        { name: 'report.xlsx', size: 73_400, modified: '2024-05-01T10:05:00.000Z' },
      ]);
    }
    if (action === '/notebook' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/x-ipynb+json', 'content-disposition': 'attachment; filename="conversation.ipynb"' });
      return res.end(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    }
    return json(res, 404, { error: 'Not found' });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = url.searchParams.get('token');
    if (given !== null) {
      url.searchParams.delete('token');
      res.writeHead(given === token ? 302 : 401, given === token ? { 'set-cookie': `talkbook_session=${token}; HttpOnly; SameSite=Strict; Path=/`, location: `${url.pathname}${url.search}` } : {});
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      api(req, res, url.pathname).catch((error: unknown) => json(res, 500, { error: String(error) }));
      return;
    }
    const file = normalize(join(DIST, url.pathname === '/' ? 'index.html' : url.pathname));
    const target = file.startsWith(DIST) && extname(file) ? file : join(DIST, 'index.html');
    readFile(target).then(
      (body) => {
        const type = TYPES[extname(target)] ?? 'application/octet-stream';
        const headers: Record<string, string> = { 'content-type': type };
        if (type.startsWith('text/html')) headers['content-security-policy'] = target.endsWith('frame.html') ? FRAME_CSP : APP_CSP;
        res.writeHead(200, headers);
        res.end(body);
      },
      () => json(res, 404, { error: 'Not found' }),
    );
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const match = /^\/api\/conversations\/([^/?]+)\/ws/.exec(req.url ?? '');
    const c = match ? conversations.get(match[1]!) : undefined;
    if (refuse || !c || !authorized(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const set = sockets.get(c.id) ?? new Set();
      sockets.set(c.id, set.add(ws));
      ws.on('message', (data) => void handleFrame(c, ws, data.toString()).catch(() => ws.close()));
      ws.on('close', () => set.delete(ws));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    seed: (title, cells, detail) => create(title, cells, detail).id,
    dropSockets: () => sockets.forEach((set) => set.forEach((ws) => ws.terminate())),
    refuseSockets: (value) => {
      refuse = value;
    },
    frames: (conversationId) => conversations.get(conversationId)?.log ?? [],
    close: async () => {
      for (const c of conversations.values()) if (c.running) clearInterval(c.running.timer);
      sockets.forEach((set) => set.forEach((ws) => ws.terminate()));
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
