import WebSocket from 'ws';
import { serverFrame, type ClientFrame, type ServerFrame } from '../../server/protocol/index.ts';

/** A WebSocket client for tests: validates every frame and lets a test wait for one. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private readonly ws: WebSocket;
  private waiters: Array<{ test: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void }> = [];
  private counter = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = serverFrame.parse(JSON.parse(data.toString()));
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get raw(): WebSocket {
    return this.ws;
  }

  send(frame: ClientFrame | Record<string, unknown> | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or future) that passes `test`. */
  waitFor(test: (frame: ServerFrame) => boolean, timeoutMs = 30_000, from = 0): Promise<ServerFrame> {
    const seen = this.frames.slice(from).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-5)).slice(0, 2000)}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** Send a `run`/`ask` request and resolve with every frame from its turn's start to its end. */
  async turn(frame: Extract<ClientFrame, { type: 'run' | 'ask' | 'run_all' | 'run_stale' }>, timeoutMs = 60_000): Promise<{ end: Extract<ServerFrame, { type: 'turn' }>; frames: ServerFrame[] }> {
    const requestId = `t${++this.counter}-${Date.now()}`;
    const from = this.frames.length;
    this.send({ ...frame, requestId });
    const end = (await this.waitFor(
      (f) => f.type === 'turn' && f.requestId === requestId && f.state !== 'started',
      timeoutMs,
      from,
    )) as Extract<ServerFrame, { type: 'turn' }>;
    const start = this.frames.findIndex((f) => f.type === 'turn' && f.requestId === requestId && f.state === 'started');
    return { end, frames: this.frames.slice(start, this.frames.indexOf(end) + 1) };
  }

  /** Shorthand: run code as the person and return the finished code cell's frames. */
  async run(code: string, timeoutMs?: number) {
    const result = await this.turn({ type: 'run', code }, timeoutMs);
    const cells = result.frames.filter((f): f is Extract<ServerFrame, { type: 'cell' }> => f.type === 'cell');
    const last = cells.filter((f) => f.cell.kind === 'code').at(-1)?.cell;
    if (!last || last.kind !== 'code') throw new Error('the turn produced no code cell');
    return { ...result, cell: last };
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
