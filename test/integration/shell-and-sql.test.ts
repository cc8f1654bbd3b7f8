import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../../server/protocol/index.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * Shell and SQL without kernels of their own: IPython's `!` and `%%bash` in the sandboxed
 * Python kernel, and SQL through sqlite3 (in Python's standard library) with pandas.
 */
let tb: TestTalkbook;
beforeAll(async () => {
  tb = await startTestTalkbook();
});
afterAll(async () => {
  await tb?.close();
});

const text = (outputs: Output[]) =>
  outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'execute_result' ? String(o.data['text/plain']) : '')).join('');

describe('shell and SQL from the Python kernel', () => {
  it('runs shell commands with ! and %%bash in the workspace', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const bang = await socket.run("!printf 'a,b\\n1,2\\n' > made-by-shell.csv && wc -l < made-by-shell.csv");
    expect(bang.cell.status).toBe('ok');
    expect(text(bang.cell.outputs).trim()).toBe('2');
    const files = (await (await tb.api(`/api/conversations/${id}/files`)).json()) as Array<{ name: string }>;
    expect(files.map((f) => f.name)).toContain('made-by-shell.csv');
    const bash = await socket.run('%%bash\nfor n in 1 2 3; do echo "line $n"; done | tail -n 1');
    expect(text(bash.cell.outputs)).toBe('line 3\n');
    const failed = await socket.run('%%bash\nexit 3');
    expect(failed.cell.status).toBe('error');
  });

  it('queries SQL through sqlite3 and pandas', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run(
      [
        'import sqlite3, pandas as pd',
        "con = sqlite3.connect('shop.db')",
        "pd.DataFrame({'item': ['tea', 'tea', 'cake'], 'price': [3, 4, 5]}).to_sql('sales', con, index=False)",
        "print(pd.read_sql('SELECT item, SUM(price) AS total FROM sales GROUP BY item ORDER BY item', con).to_dict('records'))",
      ].join('\n'),
    );
    expect(cell.status).toBe('ok');
    expect(text(cell.outputs)).toBe("[{'item': 'cake', 'total': 5}, {'item': 'tea', 'total': 7}]\n");
  });
});
