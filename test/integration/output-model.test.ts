import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFrame } from '../../client/src/state/conversation-reducer.ts';
import { initialState } from '../../client/src/state/conversation-state.ts';
import { conversationDetail, type Cell, type CodeCell, type ConversationDetail, type Output } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import type { TestSocket } from '../helpers/test-socket.ts';

/**
 * What the page shows, what the server stores and what the export holds are one model
 * (server/protocol/output-model.ts): the page's reducer folded over the socket's frames must give
 * the stored outputs, and the export the same outputs without `transient`.
 */
let tb: TestTalkbook;
beforeAll(async () => {
  tb = await startTestTalkbook();
});
afterAll(async () => {
  await tb?.close();
});

async function detail(id: string): Promise<ConversationDetail> {
  return conversationDetail.parse(await (await tb.api(`/api/conversations/${id}`)).json());
}

/** The page's view: the reducer over every frame the socket received, from an empty conversation. */
function pageCells(socket: TestSocket, start: ConversationDetail): readonly Cell[] {
  let state = initialState(start);
  for (const frame of socket.frames) state = applyFrame(state, frame);
  return state.cells;
}

const codeOutputs = (cells: readonly Cell[]) => cells.filter((cell): cell is CodeCell => cell.kind === 'code').map((cell) => cell.outputs);

async function exportedOutputs(id: string): Promise<unknown[][]> {
  const notebook = (await (await tb.api(`/api/conversations/${id}/notebook`)).json()) as { cells: Array<{ cell_type: string; outputs?: unknown[] }> };
  return notebook.cells.filter((cell) => cell.cell_type === 'code').map((cell) => cell.outputs ?? []);
}

/** Outputs as nbformat stores them: no `transient`, text as one string. */
const withoutTransient = (outputs: Output[]) =>
  outputs.map((output) => {
    if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return output;
    const { transient: _transient, ...rest } = output;
    return rest;
  });

async function expectOneModel(id: string, socket: TestSocket, start: ConversationDetail): Promise<Output[][]> {
  const stored = codeOutputs((await detail(id)).cells);
  expect(codeOutputs(pageCells(socket, start))).toEqual(stored);
  const exported = await exportedOutputs(id);
  expect(exported).toEqual(stored.map(withoutTransient).map((outputs) => JSON.parse(JSON.stringify(outputs)) as unknown[]));
  return stored;
}

describe('one output model on both sides', () => {
  it('stores stream text after \\r and \\b, as the page shows it, live, after reload and in the export', async () => {
    const { id } = await tb.createConversation();
    const start = await detail(id);
    const socket = await tb.connect(id, start.seq);
    await socket.run("print('10%\\r20%\\r30%'); print('done')");
    await socket.run("print('abc\\b\\bX'); import sys; sys.stdout.write('bar\\r\\n'); sys.stdout.flush()");
    await socket.run('!echo shell');
    const stored = await expectOneModel(id, socket, start);
    expect(stored[0]).toEqual([{ output_type: 'stream', name: 'stdout', text: '30%\ndone\n' }]);
    expect(stored[1]).toEqual([{ output_type: 'stream', name: 'stdout', text: 'aX\nbar\n' }]);
    expect(stored[2]).toEqual([{ output_type: 'stream', name: 'stdout', text: 'shell\n' }]);
  });

  it('lets a later cell update an earlier cell\'s display, live, after reload and in the export', async () => {
    const { id } = await tb.createConversation();
    const start = await detail(id);
    const socket = await tb.connect(id, start.seq);
    await socket.run("h = display('first', display_id=True)");
    const later = await socket.run("h.update('third')\nprint('updated')");
    const update = later.frames.find((frame) => frame.type === 'update_display');
    expect(update).toMatchObject({ type: 'update_display', output: { data: { 'text/plain': "'third'" } } });
    const stored = await expectOneModel(id, socket, start);
    expect(stored[0]).toHaveLength(1);
    expect(stored[0]![0]).toMatchObject({ output_type: 'display_data', data: { 'text/plain': "'third'" } });
    expect(stored[1]).toEqual([{ output_type: 'stream', name: 'stdout', text: 'updated\n' }]);
  });

  it('updates every output that carries a display id, in every cell, and a re-used id updates the earlier ones', async () => {
    const { id } = await tb.createConversation();
    const start = await detail(id);
    const socket = await tb.connect(id, start.seq);
    await socket.run("from IPython.display import display, update_display\ndisplay('a', display_id='d')\ndisplay('b', display_id='d');");
    await socket.run("display('c', display_id='d');");
    await socket.run("update_display('z', display_id='d')");
    const stored = await expectOneModel(id, socket, start);
    const plain = (outputs: Output[]) => outputs.map((output) => (output.output_type === 'display_data' ? output.data['text/plain'] : output.output_type));
    expect(plain(stored[0]!)).toEqual(["'z'", "'z'"]);
    expect(plain(stored[1]!)).toEqual(["'z'"]);
    expect(stored[2]).toEqual([]);
  });

  it('keeps the outputs when clear_output(wait=True) is followed by nothing, and clears when something follows', async () => {
    const { id } = await tb.createConversation();
    const start = await detail(id);
    const socket = await tb.connect(id, start.seq);
    await socket.run("from IPython.display import clear_output\nprint('kept')\nclear_output(wait=True)");
    await socket.run("for i in range(3):\n    clear_output(wait=True)\n    print(f'step {i}')");
    const stored = await expectOneModel(id, socket, start);
    expect(stored[0]).toEqual([{ output_type: 'stream', name: 'stdout', text: 'kept\n' }]);
    expect(stored[1]).toEqual([{ output_type: 'stream', name: 'stdout', text: 'step 2\n' }]);
  });
});
