import { describe, expect, it } from 'vitest';
import { applyFrame, conversationReducer } from '../../../client/src/state/conversation-reducer.ts';
import { isBusy, type ConversationState } from '../../../client/src/state/conversation-state.ts';
import type { Cell, CodeCell, ServerFrame } from '../../../client/src/protocol.ts';
import { codeCell, detail, display, frame, stateWith, stderr, stdout } from './fixtures.ts';

function apply(state: ConversationState, ...frames: ServerFrame[]): ConversationState {
  return frames.reduce(applyFrame, state);
}

function outputsOf(state: ConversationState, id = 'a') {
  const cell = state.cells.find((candidate): candidate is CodeCell => candidate.id === id && candidate.kind === 'code');
  if (!cell) throw new Error(`no code cell ${id}`);
  return cell.outputs;
}

describe('conversationReducer', () => {
  it('starts from the GET: cells, title, kernel and seq', () => {
    const state = conversationReducer(stateWith(), { type: 'loaded', detail: { ...detail([codeCell('a')], 7), kernelState: 'idle' } });
    expect(state.cells).toHaveLength(1);
    expect(state.seq).toBe(7);
    expect(state.kernelState).toBe('idle');
  });

  it('adds a cell, then replaces it by id', () => {
    let state = apply(stateWith(), frame(1, { type: 'cell', cell: codeCell('a') }));
    state = apply(state, frame(2, { type: 'cell', cell: codeCell('a', [], { status: 'ok', executionCount: 3 }) }));
    expect(state.cells).toHaveLength(1);
    expect(state.cells[0]).toMatchObject({ status: 'ok', executionCount: 3 });
    expect(state.seq).toBe(2);
  });

  it('removes a deleted cell', () => {
    const state = apply(stateWith([codeCell('a'), codeCell('b')]), frame(1, { type: 'cell_deleted', cellId: 'a' }));
    expect(state.cells.map((cell) => cell.id)).toEqual(['b']);
    expect(state.seq).toBe(1);
  });

  it('merges consecutive stream chunks of the same name, not across names', () => {
    const state = apply(
      stateWith([codeCell('a')]),
      frame(1, { type: 'output', cellId: 'a', output: stdout('hello ') }),
      frame(2, { type: 'output', cellId: 'a', output: stdout('world\n') }),
      frame(3, { type: 'output', cellId: 'a', output: stderr('warn\n') }),
      frame(4, { type: 'output', cellId: 'a', output: stdout('again\n') }),
    );
    expect(outputsOf(state)).toEqual([stdout('hello world\n'), stderr('warn\n'), stdout('again\n')]);
  });

  it('applies \\r so a progress bar stays one line', () => {
    const state = apply(
      stateWith([codeCell('a')]),
      frame(1, { type: 'output', cellId: 'a', output: stdout('10%\r') }),
      frame(2, { type: 'output', cellId: 'a', output: stdout('50%\r') }),
      frame(3, { type: 'output', cellId: 'a', output: stdout('100%\ndone\n') }),
    );
    expect(outputsOf(state)).toEqual([stdout('100%\ndone\n')]);
  });

  it('applies \\r to a stream that arrived whole (a loaded cell), then appended to', () => {
    const state = apply(
      stateWith([codeCell('a', [stdout('line\n40%\r')])]),
      frame(1, { type: 'output', cellId: 'a', output: stdout('90%\r') }),
      frame(2, { type: 'output', cellId: 'a', output: stdout('100%\n') }),
    );
    expect(outputsOf(state)).toEqual([stdout('line\n100%\n')]);
  });

  it('applies \\r inside a single first chunk too', () => {
    const state = apply(stateWith([codeCell('a')]), frame(1, { type: 'output', cellId: 'a', output: stdout('a\rb\n') }));
    expect(outputsOf(state)).toEqual([stdout('b\n')]);
  });

  it('clears at once on clear_output(wait=false)', () => {
    const state = apply(
      stateWith([codeCell('a', [stdout('old\n')])]),
      frame(1, { type: 'clear_output', cellId: 'a', wait: false }),
    );
    expect(outputsOf(state)).toEqual([]);
  });

  it('clear_output(wait=true) keeps the old output until the next one arrives', () => {
    let state = apply(
      stateWith([codeCell('a', [stdout('frame 1\n')])]),
      frame(1, { type: 'clear_output', cellId: 'a', wait: true }),
    );
    expect(outputsOf(state)).toEqual([stdout('frame 1\n')]);
    state = apply(state, frame(2, { type: 'output', cellId: 'a', output: stdout('frame 2\n') }));
    expect(outputsOf(state)).toEqual([stdout('frame 2\n')]);
    // The pending clear is used up: the next output appends.
    state = apply(state, frame(3, { type: 'output', cellId: 'a', output: stdout('more\n') }));
    expect(outputsOf(state)).toEqual([stdout('frame 2\nmore\n')]);
  });

  it('update_display replaces every output with that display id, in any cell, keeping its type', () => {
    const result = { output_type: 'execute_result' as const, execution_count: 2, data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'd1' } };
    const state = apply(
      stateWith([codeCell('a', [display({ 'text/plain': 'v1' }, 'd1'), display({ 'text/plain': 'other' }, 'd2')]), codeCell('b', [result])]),
      frame(1, { type: 'update_display', displayId: 'd1', output: display({ 'text/plain': 'v2' }, 'd1') }),
    );
    expect(outputsOf(state, 'a')[0]).toMatchObject({ output_type: 'display_data', data: { 'text/plain': 'v2' } });
    expect(outputsOf(state, 'a')[1]).toMatchObject({ data: { 'text/plain': 'other' } });
    expect(outputsOf(state, 'b')[0]).toMatchObject({ output_type: 'execute_result', execution_count: 2, data: { 'text/plain': 'v2' } });
  });

  it('update_display leaves untouched cells as the same objects (cheap re-render)', () => {
    const before = stateWith([codeCell('a', [display({ 'text/plain': 'x' }, 'd1')]), codeCell('b', [stdout('y')])]);
    const after = apply(before, frame(1, { type: 'update_display', displayId: 'd1', output: display({ 'text/plain': 'z' }) }));
    expect(after.cells[1]).toBe(before.cells[1]);
    expect(after.cells[0]).not.toBe(before.cells[0]);
  });

  it('streams assistant text by appending deltas', () => {
    const assistant: Cell = { id: 'm', kind: 'assistant', createdAt: '2024-01-01T00:00:00.000Z', text: '' };
    const state = apply(
      stateWith([assistant]),
      frame(1, { type: 'text', cellId: 'm', delta: 'Hel' }),
      frame(2, { type: 'text', cellId: 'm', delta: 'lo' }),
    );
    expect(state.cells[0]).toMatchObject({ text: 'Hello' });
  });

  it('ignores frames at or below the last seq (resume overlap), so nothing repeats', () => {
    const first = frame(5, { type: 'output', cellId: 'a', output: stdout('once\n') });
    let state = apply(stateWith([codeCell('a')], 4), first);
    state = apply(state, first, frame(3, { type: 'output', cellId: 'a', output: stdout('old\n') }));
    expect(outputsOf(state)).toEqual([stdout('once\n')]);
    expect(state.seq).toBe(5);
  });

  it('never dedupes error frames: they carry the current seq and are socket-local', () => {
    let state = stateWith([], 9);
    state = apply(state, frame(9, { type: 'error', message: 'bad request' }), frame(9, { type: 'error', message: 'bad request' }));
    expect(state.toasts.map((toast) => toast.text)).toEqual(['bad request', 'bad request']);
    expect(state.seq).toBe(9);
  });

  it('reset replaces the state wholesale', () => {
    let state = apply(
      stateWith([codeCell('a', [stdout('x')])], 3),
      frame(4, { type: 'turn', turnId: 't', state: 'started' }),
      frame(5, { type: 'clear_output', cellId: 'a', wait: true }),
    );
    state = apply(state, frame(40, { type: 'reset', cells: [codeCell('z', [], { status: 'ok' })] }));
    expect(state.cells.map((cell) => cell.id)).toEqual(['z']);
    expect(state.seq).toBe(40);
    expect(state.pendingClear).toEqual({});
    expect(state.activeTurns).toEqual([]);
    // Frames after the reset apply; older ones do not.
    state = apply(state, frame(40, { type: 'title', title: 'old' }), frame(41, { type: 'title', title: 'new' }));
    expect(state.title).toBe('new');
  });

  it('tracks running turns and reports a failed one', () => {
    let state = apply(stateWith(), frame(1, { type: 'turn', turnId: 't1', state: 'started' }));
    expect(isBusy(state)).toBe(true);
    state = apply(state, frame(2, { type: 'turn', turnId: 't1', state: 'failed', error: 'model unreachable' }));
    expect(isBusy(state)).toBe(false);
    expect(state.toasts.map((toast) => toast.text)).toEqual(['model unreachable']);
  });

  it('counts a running code cell as busy (a reload in the middle of a turn)', () => {
    expect(isBusy(stateWith([codeCell('a', [], { status: 'running' })]))).toBe(true);
    expect(isBusy(stateWith([codeCell('a', [], { status: 'ok' })]))).toBe(false);
  });

  it('follows kernel state and title', () => {
    const state = apply(stateWith(), frame(1, { type: 'kernel', state: 'busy' }), frame(2, { type: 'title', title: 'Plots' }));
    expect(state.kernelState).toBe('busy');
    expect(state.title).toBe('Plots');
  });

  it('ignores output for a cell it does not know', () => {
    const before = stateWith([codeCell('a')]);
    const after = apply(before, frame(1, { type: 'output', cellId: 'nope', output: stdout('x') }));
    expect(after.cells).toBe(before.cells);
    expect(after.seq).toBe(1);
  });

  it('dismisses toasts', () => {
    let state = apply(stateWith(), frame(0, { type: 'error', message: 'x' }));
    const key = state.toasts[0]!.key;
    state = conversationReducer(state, { type: 'dismiss', key });
    expect(state.toasts).toEqual([]);
  });
});
