import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelSpecList, type CodeCell } from '../../server/protocol/index.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { streamText as text } from '../helpers/outputs.ts';

/**
 * Any installed Jupyter kernel works per conversation: here IRkernel from Debian
 * (`r-cran-irkernel`), started through the same sandbox launcher as Python
 * (kernel-config/kernels/ir/kernel.json).
 */
let tb: TestTalkbook;
let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  tb = await startTestTalkbook({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test' });
});
afterAll(async () => {
  await tb?.close();
  await fake?.close();
});


async function rConversation() {
  const { id, kernel } = await tb.createConversation({ kernel: 'ir' });
  expect(kernel).toBe('ir');
  return { id, socket: await tb.connect(id) };
}

describe('the R kernel', () => {
  it('is offered as a kernel spec with language R', async () => {
    const specs = kernelSpecList.parse(await (await tb.api('/api/kernelspecs')).json());
    expect(specs.kernelspecs).toContainEqual({ name: 'ir', displayName: 'R', language: 'R' });
    expect(specs.default).toBe('python3');
  });

  it('keeps a data frame across runs', async () => {
    const { socket } = await rConversation();
    const first = await socket.run('df <- data.frame(city = c("Bern", "Basel"), pop = c(134, 173))');
    expect(first.cell.status).toBe('ok');
    const { cell } = await socket.run('cat(nrow(df), sum(df$pop), "\\n")');
    expect(cell.status).toBe('ok');
    expect(text(cell.outputs)).toBe('2 307 \n');
    // IRkernel shows a value as display_data with an HTML table among its representations.
    const shown = await socket.run('df');
    const table = shown.cell.outputs.find((o) => o.output_type === 'display_data');
    expect(table?.output_type === 'display_data' && String(table.data['text/html'])).toContain('<table');
  });

  it('renders a base R plot as image/png', async () => {
    const { socket } = await rConversation();
    const { cell } = await socket.run('plot(1:10)');
    expect(cell.status).toBe('ok');
    const image = cell.outputs.find((o) => o.output_type === 'display_data' && 'image/png' in o.data);
    expect(image?.output_type).toBe('display_data');
    if (image?.output_type !== 'display_data') return;
    const png = Buffer.from(String(image.data['image/png']), 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('turns an R error into an error output', async () => {
    const { socket } = await rConversation();
    const { cell, end } = await socket.run('cat("before\\n")\nstop("no such column")');
    expect(end.state).toBe('done');
    expect(cell.status).toBe('error');
    expect(text(cell.outputs)).toBe('before\n');
    const error = cell.outputs.find((o) => o.output_type === 'error');
    expect(error?.output_type === 'error' && error.evalue).toContain('no such column');
  });

  it('interrupts a busy cell and keeps the kernel and its state', async () => {
    // IRkernel only understands SIGINT (interrupt_mode "signal"), which Jupyter sends to the
    // whole process group: the sandbox launcher must keep bubblewrap alive through it.
    const { id, socket } = await rConversation();
    await socket.run('kept <- 7');
    // IRkernel swallows a SIGINT that arrives before the code runs: wait until it printed.
    const from = socket.frames.length;
    const turn = socket.turn({ type: 'run', code: 'cat("looping\\n")\nwhile (TRUE) Sys.sleep(0.1)' });
    await socket.waitFor((f) => f.type === 'output' && f.output.output_type === 'stream' && f.output.text.includes('looping'), 30_000, from);
    const started = Date.now();
    expect((await tb.api(`/api/conversations/${id}/interrupt`, { method: 'POST' })).status).toBe(204);
    const { frames } = await turn;
    expect(Date.now() - started).toBeLessThan(3000);
    const cell = frames.filter((f) => f.type === 'cell').map((f) => (f as { cell: CodeCell }).cell).at(-1)!;
    expect(cell.status).toBe('interrupted');
    expect(cell.failure).toBeUndefined();
    const after = await socket.run('cat(kept, "\\n")');
    expect(text(after.cell.outputs)).toBe('7 \n');
    expect(after.cell.executionCount).toBeGreaterThan(1);
  });

  it('tells the assistant the language and exports R notebook metadata', async () => {
    const { id, socket } = await rConversation();
    fake.script([
      { toolCall: { code: 'x <- c(3, 4, 5)\ncat(mean(x), "\\n")' } },
      { text: 'The mean is 4.' },
    ]);
    const { end } = await socket.turn({ type: 'ask', text: 'What is the mean of 3, 4 and 5?' });
    expect(end.state).toBe('done');
    const system = fake.requests[0]!.body.messages[0]!;
    expect(JSON.stringify(system.content)).toMatch(/Run R( [\d.]+)? code/);

    const exported = await tb.api(`/api/conversations/${id}/notebook`);
    expect(exported.status).toBe(200);
    const nb = (await exported.json()) as {
      metadata: { kernelspec: { name: string; language: string }; language_info: { name: string } };
      cells: Array<{ cell_type: string; source: string }>;
    };
    expect(nb.metadata.kernelspec).toMatchObject({ name: 'ir', language: 'R' });
    expect(nb.metadata.language_info.name).toBe('R');
    expect(nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source)).toContain('x <- c(3, 4, 5)\ncat(mean(x), "\\n")');
  });
});
