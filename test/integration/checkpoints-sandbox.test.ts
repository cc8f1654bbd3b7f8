import { afterAll, beforeAll, expect, it } from 'vitest';
import { streamText } from '../helpers/outputs.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * The checkpoint engine inside Talkbook's sandbox (bubblewrap, read-only system): the one the
 * server installed at kernel start (its sources, whatever the kernel has on disk), with dill and numpy,
 * saving into a folder the kernel can write and restoring from it.
 */
let tb: TestTalkbook;

beforeAll(async () => {
  tb = await startTestTalkbook();
});

afterAll(async () => {
  await tb?.close();
});

it('imports the engine from the startup folder and checkpoints inside the sandbox', async () => {
  const { id } = await tb.createConversation();
  const socket = await tb.connect(id);
  const probe = [
    'def _probe():',
    '    import numpy as np, talkbook_checkpoint as tc',
    '    ns = {"np": np, "x": np.random.rand(3), "f": lambda v: v + 1}',
    '    saved = tc.Engine("/tmp/checkpoints", ns, "/workspace").save("c1", "x = np.random.rand(3)")',
    '    expected = (ns["x"].tolist(), np.random.rand())',
    '    ns.clear()',
    '    restored = tc.restore(tc.Engine("/tmp/checkpoints", ns, "/workspace"), saved["id"])',
    '    print(getattr(tc.__spec__.loader, "talkbook_checkpoint_sources", False), saved["status"], restored["restored"], (ns["x"].tolist(), np.random.rand()) == expected, ns["f"](1))',
    '_probe()',
  ].join('\n');
  const { cell } = await socket.run(probe);
  const error = cell.outputs.find((output) => output.output_type === 'error');
  expect(error && 'evalue' in error ? `${error.ename}: ${error.evalue}` : '').toBe('');
  expect(streamText(cell.outputs)).toBe("True saved ['f', 'np', 'x'] True 2\n");
});
