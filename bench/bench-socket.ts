import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { ServerProcess } from '../test/helpers/server-process.ts';

/** A frame as the bench reads it: parsed JSON, not validated (validation would time the client). */
interface Frame {
  type: string;
  seq: number;
  requestId?: string;
  state?: string;
  cellId?: string;
  output?: { output_type: string; text?: string };
  cell?: { kind: string; status?: string };
}

export interface TurnTiming {
  /** From sending `run` to the turn's `done` frame. */
  totalMs: number;
  /** From sending `run` to the first `output` frame (NaN if none). */
  firstOutputMs: number;
  /** From sending `run` to the last `output` frame. */
  lastOutputMs: number;
  /** Characters of stream text received. */
  streamChars: number;
  state: string;
  cellStatus: string | undefined;
}

interface Waiter {
  requestId: string;
  sentAt: number;
  firstOutput: number;
  lastOutput: number;
  streamChars: number;
  cellStatus: string | undefined;
  resolve(timing: TurnTiming): void;
}

/** A lean WebSocket client on one conversation: runs code and times what comes back. */
export class BenchSocket {
  private readonly ws: WebSocket;
  private current: Waiter | undefined;
  private counter = 0;
  /** Every `output` frame's arrival time, when someone waits for the first one. */
  private outputListeners = new Set<(at: number) => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.onFrame(JSON.parse(data.toString()) as Frame));
  }

  static open(server: ServerProcess, conversationId: string, after = 0): Promise<BenchSocket> {
    const url = `${server.url.replace(/^http/, 'ws')}/api/conversations/${conversationId}/ws?token=${server.token}&after=${after}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const socket = new BenchSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** Run `code` as the person and resolve when its turn ended. One turn at a time. */
  run(code: string, timeoutMs = 300_000): Promise<TurnTiming> {
    if (this.current) return Promise.reject(new Error('a turn is already running on this socket'));
    const requestId = `b${++this.counter}`;
    return new Promise<TurnTiming>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.current = undefined;
        reject(new Error(`the turn did not end within ${timeoutMs} ms`));
      }, timeoutMs);
      this.current = {
        requestId,
        sentAt: performance.now(),
        firstOutput: Number.NaN,
        lastOutput: Number.NaN,
        streamChars: 0,
        cellStatus: undefined,
        resolve: (timing) => {
          clearTimeout(timer);
          resolve(timing);
        },
      };
      this.ws.send(JSON.stringify({ type: 'run', code, requestId }));
    });
  }

  /** Resolves at the next `output` frame's arrival (performance.now()). */
  nextOutput(): Promise<number> {
    return new Promise((resolve) => {
      const listener = (at: number) => {
        this.outputListeners.delete(listener);
        resolve(at);
      };
      this.outputListeners.add(listener);
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private onFrame(frame: Frame): void {
    const now = performance.now();
    const turn = this.current;
    if (frame.type === 'output') {
      for (const listener of [...this.outputListeners]) listener(now);
      if (turn) {
        if (Number.isNaN(turn.firstOutput)) turn.firstOutput = now;
        turn.lastOutput = now;
        if (frame.output?.output_type === 'stream') turn.streamChars += frame.output.text?.length ?? 0;
      }
      return;
    }
    if (!turn) return;
    if (frame.type === 'cell' && frame.cell?.kind === 'code') turn.cellStatus = frame.cell.status;
    if (frame.type === 'error' && frame.requestId === turn.requestId) {
      this.current = undefined;
      turn.resolve(timing(turn, now, 'error'));
    }
    if (frame.type === 'turn' && frame.requestId === turn.requestId && frame.state !== 'started') {
      this.current = undefined;
      turn.resolve(timing(turn, now, frame.state ?? 'unknown'));
    }
  }
}

function timing(turn: Waiter, now: number, state: string): TurnTiming {
  return {
    totalMs: now - turn.sentAt,
    firstOutputMs: turn.firstOutput - turn.sentAt,
    lastOutputMs: turn.lastOutput - turn.sentAt,
    streamChars: turn.streamChars,
    state,
    cellStatus: turn.cellStatus,
  };
}
