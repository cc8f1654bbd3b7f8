import { describe, expect, it } from 'vitest';
import { FrameLog } from '../../../server/conversation/frame-log.ts';
import type { ServerFrame } from '../../../server/protocol/index.ts';

const entry = (seq: number) => {
  const frame: ServerFrame = { type: 'kernel', seq, state: 'idle' };
  return { seq, frame, json: JSON.stringify(frame) };
};

describe('FrameLog', () => {
  it('returns the frames after a seq, in order', () => {
    const log = new FrameLog();
    for (let seq = 1; seq <= 5; seq++) log.push(entry(seq));
    expect(log.after(2, 5)?.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.after(5, 5)).toEqual([]);
    expect(log.after(0, 5)?.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('says when frames fell off the front', () => {
    const log = new FrameLog({ maxFrames: 3 });
    for (let seq = 1; seq <= 10; seq++) log.push(entry(seq));
    expect(log.after(7, 10)?.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(log.after(6, 10)).toBeUndefined();
  });

  it('bounds its bytes', () => {
    const size = entry(100).json.length;
    const log = new FrameLog({ maxBytes: size * 4 });
    for (let seq = 1; seq <= 100; seq++) log.push(entry(seq));
    expect(log.after(96, 100)?.map((e) => e.seq)).toEqual([97, 98, 99, 100]);
    expect(log.after(95, 100)).toBeUndefined();
  });
});
