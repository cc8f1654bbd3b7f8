import { describe, expect, it } from 'vitest';
import { describeVariable } from '../../server/assistant/system-prompt.ts';
import { TABLE_MIME, variableList, type CodeCell, type KernelVariable, type ServerFrame } from '../../server/protocol/index.ts';
import { systemText, type FakeOpenAI } from '../fakes/openai-server.ts';
import type { TestTalkbook } from '../helpers/talkbook.ts';
import { withFakeModel } from '../helpers/with-fake-model.ts';

/**
 * The variable explorer (issue 20) with real kernels: `GET /api/conversations/:id/variables`
 * lists what the kernel holds, silently, and the model is told the very same listing.
 */
let fake: FakeOpenAI;
let tb: TestTalkbook;
withFakeModel((servers) => ({ fake, tb } = servers));

async function variables(id: string): Promise<KernelVariable[]> {
  const response = await tb.api(`/api/conversations/${id}/variables`);
  const body: unknown = await response.json();
  expect({ status: response.status, body: response.status === 200 ? 'ok' : JSON.stringify(body) }).toEqual({ status: 200, body: 'ok' });
  return variableList.parse(body);
}

describe('the variable explorer', () => {
  it('is empty before any kernel runs, and lists the names a cell defined without adding anything to the conversation', async () => {
    const { id } = await tb.createConversation();
    expect(await variables(id)).toEqual([]);
    const socket = await tb.connect(id);
    await socket.run("import pandas as pd, numpy as np\nsales = pd.DataFrame({'month': ['jan', 'feb', 'mar'], 'revenue': [1.5, 2.5, 4.0]})\nn = 3\nnames = ['a', 'b']\ngrid = np.zeros((2, 5))\ndef grow(x, by=2):\n    return x * by\n_ = 5");
    const framesBefore = socket.frames.length;
    const seqBefore = (await (await tb.api(`/api/conversations/${id}`)).json()).seq as number;

    const listed = await variables(id);
    expect(listed.map((v) => v.name)).toEqual(['grid', 'grow', 'n', 'names', 'sales']);
    const byName = Object.fromEntries(listed.map((v) => [v.name, v]));
    expect(byName.sales).toMatchObject({ type: 'DataFrame', shape: [3, 2], columns: [['month', 'object'], ['revenue', 'float64']] });
    expect(byName.grid).toMatchObject({ type: 'ndarray', shape: [2, 5], dtype: 'float64', bytes: 80 });
    expect(byName.n).toMatchObject({ type: 'int', preview: '3' });
    expect(byName.names).toMatchObject({ type: 'list', length: 2, preview: "['a', 'b']" });
    expect(byName.grow).toMatchObject({ type: 'function', preview: 'grow(x, by=2)' });

    // Silent: not a frame (not even the kernel's busy and idle), no execution count taken.
    expect(socket.frames.slice(framesBefore)).toEqual([]);
    void seqBefore;
    expect((await socket.run('n')).cell.executionCount).toBe(2);

    // The interactive table of a DataFrame, from the kernel's own table formatter.
    const table = await tb.api(`/api/conversations/${id}/variables/sales/table`);
    expect(table.status).toBe(200);
    const output = (await table.json()) as { output_type: string; data: Record<string, { totalRows: number; columns: Array<{ name: string }> }> };
    expect(output.output_type).toBe('display_data');
    expect(output.data[TABLE_MIME]).toMatchObject({ totalRows: 3 });
    expect(output.data[TABLE_MIME]!.columns.map((c) => c.name)).toContain('revenue');
    expect((await tb.api(`/api/conversations/${id}/variables/n/table`)).status).toBe(404);
    expect((await tb.api(`/api/conversations/${id}/variables/${encodeURIComponent('a.b')}/table`)).status).toBe(404);
  }, 120_000);

  it('is what the model is told', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run("import pandas as pd\ndf = pd.DataFrame({'x': range(10), 'y': [str(i) for i in range(10)]})\nlimit = 2.5\nlabel = 'north'");
    const listed = await variables(id);
    fake.script([{ text: 'ok' }]);
    await socket.turn({ type: 'ask', text: 'What do I have?' });
    const system = systemText(fake.requests[0]!.body);
    expect(system).toContain('Variables in the kernel right now');
    const section = system.slice(system.indexOf('Variables in the kernel right now'));
    const told = section.split('\n').filter((line) => line.startsWith('- '));
    expect(told).toEqual(listed.map(describeVariable));
    expect(told.map((line) => line.slice(2).split(':')[0])).toEqual(['df', 'label', 'limit']);
  }, 120_000);

  it('refuses (409) while a cell runs, instead of waiting behind it', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    await socket.run('a = 1');
    const from = socket.frames.length;
    socket.send({ type: 'run', code: 'import time\nwhile True:\n    time.sleep(0.05)', requestId: 'sleep' });
    // Running in the kernel (its execution count came): an interrupt then lands in the loop.
    await socket.waitFor((f: ServerFrame) => f.type === 'cell' && f.cell.kind === 'code' && f.cell.status === 'running' && f.cell.executionCount !== null, 30_000, from);
    const response = await tb.api(`/api/conversations/${id}/variables`);
    expect(response.status).toBe(409);
    socket.send({ type: 'interrupt' });
    await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'sleep' && f.state !== 'started', 30_000, from);
    expect((await variables(id)).map((v) => v.name)).toEqual(['a']); // modules (time) are not listed
  });

  it('lists 500 variables and a 1 GiB DataFrame without copying it (the time is reported, bench-style)', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const made = await socket.run(
      'import numpy as np, pandas as pd\n' +
        '# 1 GiB of float64 that is never touched: a copy or a pickle would have to read all of it\n' +
        "big = pd.DataFrame(np.zeros((16_777_216, 8)), columns=list('abcdefgh'))\n" +
        'for i in range(499):\n    globals()[f"v{i:03d}"] = i',
      120_000,
    );
    expect(made.cell.status).toBe('ok');
    const times: number[] = [];
    let listed: KernelVariable[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      listed = await variables(id);
      times.push(performance.now() - start);
    }
    expect(listed).toHaveLength(501); // big, i, v000…v498
    const big = listed.find((v) => v.name === 'big')!;
    expect(big).toMatchObject({ type: 'DataFrame', shape: [16_777_216, 8] });
    expect(big.bytes).toBeGreaterThanOrEqual(2 ** 30);
    times.sort((a, b) => a - b);
    console.log(`variables: 501 names with a 1 GiB DataFrame listed in ${times[2]!.toFixed(0)} ms (median of 5; issue 20's budget is 200 ms)`);
    // The 200 ms budget is measured by `npm run bench -- variables` on a quiet machine; here, on a
    // loaded one, a bound that reading the frame once would break (this VM faults in fresh memory
    // at about 300 MB/s: a copy or a pickle of 1 GiB takes seconds).
    expect(times[2]!).toBeLessThan(1000);
    const cell = (await (await tb.api(`/api/conversations/${id}`)).json()).cells.at(-1) as CodeCell;
    expect(cell.outputs).toEqual([]);
  }, 180_000);
});

describe('R kernels', () => {
  it('lists names, classes and dim', async () => {
    const { id } = await tb.createConversation({ kernel: 'ir' });
    const socket = await tb.connect(id);
    expect((await socket.run('df <- data.frame(city = c("Bern", "Basel"), pop = c(134, 173))\nxs <- c(1.5, 2.5, 3.5)\nm <- matrix(1:6, nrow = 2)')).cell.status).toBe('ok');
    const listed = await variables(id);
    expect(listed.map((v) => v.name)).toEqual(['df', 'm', 'xs']);
    const byName = Object.fromEntries(listed.map((v) => [v.name, v]));
    expect(byName.df).toMatchObject({ type: 'data.frame', shape: [2, 2], preview: 'city, pop' });
    expect(byName.m).toMatchObject({ type: 'matrix', shape: [2, 3] });
    expect(byName.xs).toMatchObject({ type: 'numeric', length: 3, preview: '1.5 2.5 3.5' });
    // Not counted: the next cell is [2].
    expect((await socket.run('xs')).cell.executionCount).toBe(2);
  }, 120_000);
});
