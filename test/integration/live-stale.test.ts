import { describe, expect, it } from 'vitest';
import { conversationDetail, type CodeCell, type ServerFrame } from '../../server/protocol/index.ts';
import { systemText, type FakeOpenAI } from '../fakes/openai-server.ts';
import type { TestTalkbook } from '../helpers/talkbook.ts';
import { withFakeModel } from '../helpers/with-fake-model.ts';
import type { TestSocket } from '../helpers/test-socket.ts';

/**
 * Stale cells (issue 20) with real kernels: names come from the `ast` in the kernel; a cell run
 * again in place marks the later cells that read what it defines, the model is told, and
 * "Run stale cells" fixes them. And the model hears about edits of its own cells.
 */
let fake: FakeOpenAI;
let tb: TestTalkbook;
withFakeModel((servers) => ({ fake, tb } = servers));

async function codeCells(id: string): Promise<CodeCell[]> {
  const detail = conversationDetail.parse(await (await tb.api(`/api/conversations/${id}`)).json());
  return detail.cells.filter((cell): cell is CodeCell => cell.kind === 'code');
}

async function rerun(socket: TestSocket, cellId: string, code: string) {
  return socket.turn({ type: 'run', code, cellId });
}

const stdoutOf = (cell: CodeCell) => cell.outputs.map((o) => (o.output_type === 'stream' ? o.text : '')).join('');

describe('stale cells', () => {
  it('edit cell 1 and re-run it: cells 2 and 3 are stale, cell 4 is not; Run stale cells fixes them', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    for (const code of ['x = 1', 'y = x + 1', 'print(y)', "print('hi')"]) expect((await socket.run(code)).cell.status).toBe('ok');
    let cells = await codeCells(id);
    expect(cells[0]!.names).toEqual({ defines: ['x'], reads: [] });
    expect(cells[1]!.names).toEqual({ defines: ['y'], reads: ['x'] });
    expect(cells.some((cell) => cell.stale)).toBe(false);

    const from = socket.frames.length;
    await rerun(socket, cells[0]!.id, 'x = 2');
    cells = await codeCells(id);
    expect(cells.map((cell) => cell.stale ?? false)).toEqual([false, true, true, false]);
    expect(cells[1]!.staleBecause).toEqual({ cellId: cells[0]!.id, names: ['x'] });
    expect(cells[2]!.staleBecause).toEqual({ cellId: cells[0]!.id, names: ['y'] });
    // In the cell frames too.
    const marked = socket.frames.slice(from).filter((f): f is Extract<ServerFrame, { type: 'cell' }> => f.type === 'cell' && f.cell.kind === 'code' && f.cell.stale === true);
    expect(new Set(marked.map((f) => f.cell.id))).toEqual(new Set([cells[1]!.id, cells[2]!.id]));

    // In the export's cell metadata.
    const notebook = (await (await tb.api(`/api/conversations/${id}/notebook`)).json()) as { cells: Array<{ cell_type: string; metadata: { talkbook?: { stale?: boolean } } }> };
    expect(notebook.cells.filter((cell) => cell.cell_type === 'code').map((cell) => cell.metadata.talkbook?.stale ?? false)).toEqual([false, true, true, false]);

    // In the model's context.
    fake.script([{ text: 'ok' }]);
    await socket.turn({ type: 'ask', text: 'Anything out of date?' });
    const system = systemText(fake.requests[0]!.body);
    expect(system).toContain('Stale cells:');
    expect(system).toContain('- cell [2] used `x`, which cell [5] changed when it ran again');
    expect(system).toContain('- cell [3] used `y`, which cell [5] changed when it ran again');

    const end = await socket.turn({ type: 'run_stale' });
    expect(end.end.state).toBe('done');
    cells = await codeCells(id);
    expect(cells.map((cell) => cell.stale ?? false)).toEqual([false, false, false, false]);
    expect(stdoutOf(cells[2]!)).toBe('3\n');
  }, 180_000);

  it('a stale cell run again, or edited so it no longer reads what changed, loses its mark', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    for (const code of ['x = 1', 'y = x + 1', 'print(y)', 'print(x * 10)']) expect((await socket.run(code)).cell.status).toBe('ok');
    let cells = await codeCells(id);
    await rerun(socket, cells[0]!.id, 'x = 2');
    cells = await codeCells(id);
    expect(cells.map((cell) => cell.stale ?? false)).toEqual([false, true, true, true]);

    // The edit removes the dependency on `x`: no longer stale.
    await rerun(socket, cells[3]!.id, "print('bye')");
    cells = await codeCells(id);
    expect(cells.map((cell) => cell.stale ?? false)).toEqual([false, true, true, false]);
    expect(cells[3]!.names?.reads).not.toContain('x');

    // Run again as it is: its mark goes, and nothing else changes (it defines nothing).
    await rerun(socket, cells[2]!.id, 'print(y)');
    cells = await codeCells(id);
    expect(cells.map((cell) => cell.stale ?? false)).toEqual([false, true, false, false]);
    expect(cells[2]!.staleBecause).toBeUndefined();
  }, 180_000);

  it('is conservative where the ast cannot see: exec, globals() and star imports', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    for (const code of ['a = 1', "exec('b = a * 10')", 'print(b)', 'from math import *', 'print(pi)', "globals()['c'] = 3"]) await socket.run(code);
    let cells = await codeCells(id);
    expect(cells.map((cell) => cell.names?.all ?? false)).toEqual([false, true, false, true, false, true]);
    await rerun(socket, cells[0]!.id, 'a = 2');
    cells = await codeCells(id);
    // exec() read `a` and may define anything: every later cell that reads something is stale.
    expect(cells.map((cell) => cell.stale ?? false)).toEqual([false, true, true, true, true, true]);
  }, 180_000);

  it('globals() alone is enough to be marked when what it may read changes', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    for (const code of ['g = 1', "h = globals()['g'] + 1", "print('unrelated')"]) await socket.run(code);
    let cells = await codeCells(id);
    await rerun(socket, cells[0]!.id, 'g = 2');
    cells = await codeCells(id);
    // The ast cannot see that cell 2 reads `g`: globals() makes it read every name.
    expect(cells[1]).toMatchObject({ stale: true, staleBecause: { cellId: cells[0]!.id, names: ['g'] } });
  }, 180_000);
});

describe('edits the model hears about', () => {
  it('the next question carries a diff of the assistant’s cell the person edited, and whether its output changed', async () => {
    fake.script([{ toolCall: { code: "total = 10 * 2\nprint('total', total)" } }, { text: 'The total is 20.' }]);
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.turn({ type: 'ask', text: 'Compute the total.' });
    const assistantCell = (await codeCells(id)).find((cell) => cell.author === 'assistant')!;
    await rerun(socket, assistantCell.id, "total = 10 * 3\nprint('total', total)");
    const edited = (await codeCells(id)).find((cell) => cell.id === assistantCell.id)!;
    expect(edited.edited).toMatchObject({ before: "total = 10 * 2\nprint('total', total)", outputChanged: true });

    fake.requests.length = 0;
    fake.script([{ text: 'Now 30.' }]);
    await socket.turn({ type: 'ask', text: 'And now?' });
    const system = systemText(fake.requests[0]!.body);
    expect(system).toContain('The person edited your code in cell [2] and re-ran it: its output changed. What changed:');
    expect(system).toContain('- total = 10 * 2\n+ total = 10 * 3');
    expect(system).not.toContain("- print('total', total)");

    // Told once: the question after that does not repeat it.
    fake.requests.length = 0;
    fake.script([{ text: 'ok' }]);
    await socket.turn({ type: 'ask', text: 'Thanks.' });
    expect(systemText(fake.requests[0]!.body)).not.toContain('The person edited your code');
  }, 180_000);
});
