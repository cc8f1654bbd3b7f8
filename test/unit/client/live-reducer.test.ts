import { describe, expect, it } from 'vitest';
import { applyFrame, conversationReducer } from '../../../client/src/state/conversation-reducer.ts';
import type { ConversationState } from '../../../client/src/state/conversation-state.ts';
import type { ServerFrame } from '../../../client/src/protocol.ts';
import { codeCell, detail, frame, stateWith } from './fixtures.ts';

function apply(state: ConversationState, ...frames: ServerFrame[]): ConversationState {
  return frames.reduce(applyFrame, state);
}

describe('stdin prompts in the page state', () => {
  const running = codeCell('a', [], { status: 'running' });

  it('shows a prompt from its frame and drops it on stdin_done', () => {
    let state = apply(stateWith([running]), frame(1, { type: 'stdin', cellId: 'a', prompt: 'Name? ', password: false }));
    expect(state.stdin).toEqual({ cellId: 'a', prompt: 'Name? ', password: false });
    state = apply(state, frame(2, { type: 'stdin_done', cellId: 'b' }));
    expect(state.stdin).toBeDefined();
    state = apply(state, frame(3, { type: 'stdin_done', cellId: 'a' }));
    expect(state.stdin).toBeUndefined();
  });

  it('takes the waiting prompt from the GET and from a reset, and drops it when its cell stops', () => {
    const loaded = conversationReducer(stateWith(), { type: 'loaded', detail: { ...detail([running], 4), stdin: { cellId: 'a', prompt: 'Password: ', password: true } } });
    expect(loaded.stdin?.password).toBe(true);
    const reset = apply(loaded, frame(9, { type: 'reset', cells: [running] }));
    expect(reset.stdin).toBeUndefined();
    const again = apply(reset, frame(10, { type: 'reset', cells: [running], stdin: { cellId: 'a', prompt: 'x', password: false } }));
    expect(again.stdin?.cellId).toBe('a');
    const stopped = apply(again, frame(11, { type: 'cell', cell: codeCell('a', [], { status: 'interrupted' }) }));
    expect(stopped.stdin).toBeUndefined();
  });
});
