import { describe, expect, it } from 'vitest';
import { Conversation } from '../../../server/conversation/conversation.ts';
import { Turns } from '../../../server/conversation/turns.ts';
import { PublicError } from '../../../server/errors.ts';
import { createLogger } from '../../../server/log.ts';
import type { ServerFrame } from '../../../server/protocol/index.ts';

function setup(maxWaiting?: number) {
  const conversation = new Conversation(
    { version: 1, id: 'c1', title: 't', kernel: 'python3', createdAt: '', updatedAt: '', seq: 0, cells: [] },
    { changed: () => undefined },
    1024,
  );
  const frames: Extract<ServerFrame, { type: 'turn' }>[] = [];
  conversation.subscribe(({ frame }) => {
    if (frame.type === 'turn') frames.push(frame);
  });
  return { turns: new Turns(conversation, { log: createLogger('silent'), ...(maxWaiting ? { maxWaiting } : {}) }), frames };
}

describe('turns', () => {
  it('run one at a time in order, a prelude first in the same slot', async () => {
    const { turns, frames } = setup();
    const order: string[] = [];
    const first = turns.enqueue({ request: 'run', work: async () => void order.push('run 1') });
    const second = turns.enqueue({ request: 'ask', work: async () => void order.push('ask') }, () => ({ request: 'restore', work: async () => void order.push('restore') }));
    await Promise.all([first, second]);
    expect(order).toEqual(['run 1', 'restore', 'ask']);
    expect(frames.map((f) => `${f.request} ${f.state}`)).toEqual(['run started', 'run done', 'restore started', 'restore done', 'ask started', 'ask done']);
  });

  it('end as cancelled when cancelled, and as failed with a public or a masked message', async () => {
    const { turns, frames } = setup();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const cancelled = turns.enqueue({
      request: 'run',
      work: (turn) =>
        new Promise((_, reject) => {
          turn.signal.addEventListener('abort', () => reject(new Error('stopped')));
          started();
        }),
    });
    await running;
    turns.cancel();
    await cancelled;
    await turns.enqueue({ request: 'run', work: async () => { throw new PublicError('The kernel could not start.', 503); } });
    await turns.enqueue({ request: 'run', work: async () => { throw new Error('secret internals'); } });
    const ends = frames.filter((f) => f.state !== 'started');
    expect(ends.map((f) => f.state)).toEqual(['cancelled', 'failed', 'failed']);
    expect(ends[1]!.error).toBe('The kernel could not start.');
    expect(ends[2]!.error).not.toContain('secret');
  });

  it('refuse more than maxWaiting waiting turns with a 429, and any turn once closed', async () => {
    const { turns } = setup(2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    void turns.enqueue({ request: 'run', work: () => (started(), gate) });
    await running;
    void turns.enqueue({ request: 'run', work: async () => undefined });
    void turns.enqueue({ request: 'run', work: async () => undefined });
    expect(() => turns.enqueue({ request: 'run', work: async () => undefined })).toThrow(expect.objectContaining({ status: 429 }));
    release();
    await turns.idle();
    turns.close();
    expect(() => turns.enqueue({ request: 'run', work: async () => undefined })).toThrow(expect.objectContaining({ status: 409 }));
  });
});
