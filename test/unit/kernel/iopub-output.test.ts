import { describe, expect, it } from 'vitest';
import { iopubToEvent } from '../../../server/kernel/iopub-output.ts';
import { output } from '../../../server/protocol/index.ts';

describe('iopub → nbformat outputs', () => {
  it('maps stream messages', () => {
    expect(iopubToEvent('stream', { name: 'stdout', text: 'hi\n' })).toEqual({
      kind: 'output',
      output: { output_type: 'stream', name: 'stdout', text: 'hi\n' },
    });
    expect(iopubToEvent('stream', { name: 'stderr', text: 'oops' })).toMatchObject({ output: { name: 'stderr' } });
  });

  it('maps display_data and keeps the display id in transient', () => {
    const event = iopubToEvent('display_data', {
      data: { 'image/png': 'iVBOR', 'text/plain': '<Figure>' },
      metadata: { 'image/png': { width: 640 } },
      transient: { display_id: 'abc' },
    });
    expect(event).toEqual({
      kind: 'output',
      output: {
        output_type: 'display_data',
        data: { 'image/png': 'iVBOR', 'text/plain': '<Figure>' },
        metadata: { 'image/png': { width: 640 } },
        transient: { display_id: 'abc' },
      },
    });
    if (event.kind === 'output') expect(output.safeParse(event.output).success).toBe(true);
  });

  it('leaves transient out when there is no display id', () => {
    const event = iopubToEvent('display_data', { data: { 'text/plain': 'x' }, metadata: {}, transient: {} });
    expect(event.kind === 'output' && 'transient' in event.output).toBe(false);
  });

  it('maps execute_result with its execution count', () => {
    expect(iopubToEvent('execute_result', { execution_count: 3, data: { 'text/plain': '2' }, metadata: {} })).toEqual({
      kind: 'output',
      output: { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '2' }, metadata: {} },
    });
  });

  it('maps errors', () => {
    expect(iopubToEvent('error', { ename: 'NameError', evalue: "name 'x' is not defined", traceback: ['\u001b[31mTrace'] })).toEqual({
      kind: 'output',
      output: { output_type: 'error', ename: 'NameError', evalue: "name 'x' is not defined", traceback: ['\u001b[31mTrace'] },
    });
  });

  it('maps clear_output, update_display_data and execute_input', () => {
    expect(iopubToEvent('clear_output', { wait: true })).toEqual({ kind: 'clear', wait: true });
    expect(iopubToEvent('clear_output', {})).toEqual({ kind: 'clear', wait: false });
    expect(iopubToEvent('update_display_data', { data: { 'text/plain': 'b' }, metadata: {}, transient: { display_id: 'd1' } })).toEqual({
      kind: 'update-display',
      displayId: 'd1',
      output: { output_type: 'display_data', data: { 'text/plain': 'b' }, metadata: {}, transient: { display_id: 'd1' } },
    });
    expect(iopubToEvent('execute_input', { code: '1', execution_count: 9 })).toEqual({ kind: 'execution-count', executionCount: 9 });
  });

  it('ignores what it does not know or cannot trust', () => {
    expect(iopubToEvent('status', { execution_state: 'busy' })).toEqual({ kind: 'ignore' });
    expect(iopubToEvent('comm_msg', {})).toEqual({ kind: 'ignore' });
    expect(iopubToEvent('stream', { name: 'stdin', text: 'x' })).toEqual({ kind: 'ignore' });
    expect(iopubToEvent('display_data', { data: 'not a bundle' })).toEqual({ kind: 'ignore' });
    expect(iopubToEvent('update_display_data', { data: {}, metadata: {} })).toEqual({ kind: 'ignore' });
  });
});

describe('outputs nested too deep', () => {
  it('become a short note instead of a value that would overflow a stack later', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const event = iopubToEvent('display_data', { data: { 'application/json': deep }, metadata: {} });
    expect(event).toEqual({ kind: 'output', output: { output_type: 'stream', name: 'stderr', text: expect.stringContaining('nested more than 64 levels deep') } });
  });
});
