import { describe, expect, it } from 'vitest';
import { applyFrame, conversationReducer } from '../../../client/src/state/conversation-reducer.ts';
import { isBusy, isRestoring, replayMark, type ConversationState } from '../../../client/src/state/conversation-state.ts';
import type { ServerFrame } from '../../../client/src/protocol.ts';
import { codeCell, detail, frame, stateWith } from './fixtures.ts';

function apply(state: ConversationState, ...frames: ServerFrame[]): ConversationState {
  return frames.reduce(applyFrame, state);
}

const restore = (seq: number, body: Record<string, unknown>) => frame(seq, { type: 'restore', turnId: 't1', ...body });

describe('restore frames in the reducer', () => {
  it('takes stateLost from the GET, and follows state frames', () => {
    let state = conversationReducer(stateWith(), { type: 'loaded', detail: { ...detail([codeCell('a', [], { status: 'ok' })], 3), stateLost: true } });
    expect(state.stateLost).toBe(true);
    state = apply(state, frame(4, { type: 'state', lost: false }));
    expect(state.stateLost).toBe(false);
    expect(state.seq).toBe(4);
    expect(stateWith().stateLost).toBe(false);
  });

  it('tracks a restore from started through progress to done, keeping the skipped cells', () => {
    let state = apply(
      stateWith([codeCell('a', [], { status: 'ok' }), codeCell('b', [], { status: 'ok', noReplay: true })]),
      frame(1, { type: 'turn', turnId: 't1', state: 'started', request: 'restore' }),
      restore(2, { state: 'started', done: 0, total: 1, skipped: ['b'] }),
    );
    expect(isRestoring(state)).toBe(true);
    expect(isBusy(state)).toBe(true);
    expect(state.restore).toEqual({ turnId: 't1', state: 'started', done: 0, total: 1, skipped: ['b'] });

    state = apply(state, restore(3, { state: 'progress', done: 0, total: 1, cellId: 'a' }));
    expect(state.restore).toMatchObject({ state: 'progress', cellId: 'a', skipped: ['b'] });
    expect(replayMark(state)).toEqual({ cellId: 'a', kind: 'replaying' });

    state = apply(state, restore(4, { state: 'done', done: 1, total: 1 }), frame(5, { type: 'state', lost: false }), frame(6, { type: 'turn', turnId: 't1', state: 'done', request: 'restore' }));
    expect(state.restore).toEqual({ turnId: 't1', state: 'done', done: 1, total: 1, skipped: ['b'] });
    expect(isRestoring(state)).toBe(false);
    expect(isBusy(state)).toBe(false);
    expect(state.stateLost).toBe(false);
  });

  it('keeps where and why a restore failed', () => {
    const state = apply(
      stateWith(),
      frame(1, { type: 'state', lost: true }),
      restore(2, { state: 'started', done: 0, total: 3 }),
      restore(3, { state: 'failed', done: 1, total: 3, cellId: 'b', error: "NameError: name 'x' is not defined" }),
    );
    expect(state.restore).toEqual({ turnId: 't1', state: 'failed', done: 1, total: 3, cellId: 'b', error: "NameError: name 'x' is not defined", skipped: [] });
    expect(replayMark(state)).toEqual({ cellId: 'b', kind: 'failed' });
    expect(replayMark(apply(state, frame(4, { type: 'state', lost: false })))).toBeUndefined();
  });

  it('starts a new restore afresh (skipped cells of the last one do not carry over)', () => {
    const state = apply(
      stateWith(),
      restore(1, { state: 'started', done: 0, total: 1, skipped: ['x'] }),
      restore(2, { state: 'cancelled', done: 0, total: 1 }),
      frame(3, { type: 'restore', turnId: 't2', state: 'progress', done: 0, total: 2, cellId: 'a' }),
    );
    expect(state.restore).toEqual({ turnId: 't2', state: 'progress', done: 0, total: 2, cellId: 'a', skipped: [] });
  });

  it('forgets the last restore when the state is lost again, but not while a restore runs', () => {
    let state = apply(stateWith(), restore(1, { state: 'failed', done: 0, total: 1, cellId: 'a', error: 'E' }), frame(2, { type: 'state', lost: true }));
    expect(state.restore).toBeUndefined();
    state = apply(state, restore(3, { state: 'progress', done: 0, total: 1, cellId: 'a' }), frame(4, { type: 'state', lost: true }));
    expect(state.restore).toMatchObject({ state: 'progress' });
  });

  it('ignores duplicate restore frames (seq at or below the last)', () => {
    const state = apply(stateWith([], 5), restore(5, { state: 'started', done: 0, total: 1 }));
    expect(state.restore).toBeUndefined();
  });

  it('a reset takes stateLost from the frame and forgets the restore in flight', () => {
    let state = apply(stateWith(), restore(1, { state: 'progress', done: 0, total: 2, cellId: 'a' }));
    state = apply(state, frame(50, { type: 'reset', cells: [], stateLost: true }));
    expect(state.restore).toBeUndefined();
    expect(state.stateLost).toBe(true);
    // An older server's reset without the field leaves it as it was.
    state = apply(state, frame(60, { type: 'reset', cells: [] }));
    expect(state.stateLost).toBe(true);
  });
});
