import { describe, expect, it } from 'vitest';
import { Conversation } from '../../../server/conversation/conversation.ts';
import type { CodeCell, Output, ServerFrame } from '../../../server/protocol/index.ts';

function conversation(maxCellOutputBytes: number) {
  const c = new Conversation(
    { version: 1, id: 'c1', title: 't', kernel: 'python3', createdAt: '', updatedAt: '', seq: 0, cells: [] },
    { changed: () => undefined },
    maxCellOutputBytes,
  );
  const frames: ServerFrame[] = [];
  c.subscribe((entry) => frames.push(entry.frame));
  const addCode = (id: string) =>
    c.addCell<CodeCell>({ id, kind: 'code', source: '', author: 'user', status: 'running', executionCount: null, outputs: [], createdAt: '' });
  return { c, frames, addCode, outputs: (id: string) => (c.cell(id) as CodeCell).outputs };
}

const display = (text: string, displayId: string): Output => ({ output_type: 'display_data', data: { 'text/plain': text }, metadata: {}, transient: { display_id: displayId } });

describe('a conversation\'s outputs', () => {
  it('charges display updates to each cell\'s cap: 60 tiny displays updated with 9.5 MB stay under it', () => {
    const { c, outputs, addCode } = conversation(16 * 1024 * 1024);
    addCode('a');
    for (let i = 0; i < 60; i++) c.appendOutput('a', display('tiny', 'boom'));
    c.updateDisplay('boom', display('A'.repeat(9_500_000), 'boom'));
    const size = JSON.stringify(c.toStored()).length;
    expect(size).toBeLessThan(17 * 1024 * 1024);
    expect((c.cell('a') as CodeCell).outputTruncated).toBe(true);
    // The update did not fit: the outputs kept their data.
    expect(outputs('a').every((output) => output.output_type === 'display_data' && output.data['text/plain'] === 'tiny')).toBe(true);
  });

  it('updates the display of an earlier cell and sends the update for that cell', () => {
    const { c, frames, outputs, addCode } = conversation(1024 * 1024);
    addCode('a');
    c.appendOutput('a', display('first', 'd'));
    addCode('b');
    c.updateDisplay('d', display('third', 'd'));
    expect(outputs('a')).toEqual([display('third', 'd')]);
    expect(frames.filter((frame) => frame.type === 'update_display')).toMatchObject([{ cellId: 'a', displayId: 'd' }]);
  });

  it('lets a re-used display id update the earlier outputs, charging the cell that holds them', () => {
    const { c, outputs, addCode } = conversation(1000);
    addCode('a');
    c.appendOutput('a', display('x', 'd'));
    addCode('b');
    c.appendOutput('b', display('y'.repeat(600), 'd'));
    // a can take 600 bytes more; b holds the new output.
    expect(outputs('a')[0]).toMatchObject({ data: { 'text/plain': 'y'.repeat(600) } });
    expect(outputs('b')).toHaveLength(1);
    expect(c.appendOutput('b', display('z'.repeat(700), 'd'))).toBe(false);
    // The update fits in each cell (it replaces what was there); a second copy in b does not.
    expect(outputs('a')[0]).toMatchObject({ data: { 'text/plain': 'z'.repeat(700) } });
    expect((c.cell('a') as CodeCell).outputTruncated).toBeUndefined();
    expect(outputs('b')).toHaveLength(1);
    expect(outputs('b')[0]).toMatchObject({ data: { 'text/plain': 'z'.repeat(700) } });
    expect((c.cell('b') as CodeCell).outputTruncated).toBe(true);
  });
});
