import { describe, expect, it } from 'vitest';
import {
  appendOutput,
  clearOutput,
  countDisplay,
  updateDisplay,
  type Output,
  type OutputArea,
} from '../../../server/protocol/index.ts';

const out = (text: string, name: 'stdout' | 'stderr' = 'stdout'): Output => ({ output_type: 'stream', name, text });
const display = (text: string, displayId?: string): Output => ({
  output_type: 'display_data',
  data: { 'text/plain': text },
  metadata: {},
  ...(displayId ? { transient: { display_id: displayId } } : {}),
});
const result = (text: string, displayId?: string): Output => ({
  output_type: 'execute_result',
  execution_count: 3,
  data: { 'text/plain': text },
  metadata: {},
  ...(displayId ? { transient: { display_id: displayId } } : {}),
});

type Step = { append: Output } | { clear: boolean } | { update: [string, Output] };

function apply(steps: Step[]): OutputArea {
  let area: OutputArea = { outputs: [], clearPending: false };
  for (const step of steps) {
    if ('append' in step) area = appendOutput(area, step.append);
    else if ('clear' in step) area = clearOutput(area, step.clear);
    else area = { ...area, outputs: updateDisplay(area.outputs, step.update[0], step.update[1]) };
  }
  return area;
}

describe('the output model', () => {
  it.each<[string, Step[], Output[], boolean?]>([
    ['merges consecutive chunks of one stream', [{ append: out('a') }, { append: out('b\n') }], [out('ab\n')]],
    ['keeps stdout and stderr apart', [{ append: out('a\n') }, { append: out('e\n', 'stderr') }, { append: out('b\n') }], [out('a\n'), out('e\n', 'stderr'), out('b\n')]],
    ['applies \\r to the first chunk', [{ append: out('10%\r20%\r30%\n') }, { append: out('done\n') }], [out('30%\ndone\n')]],
    ['applies \\r across chunks', [{ append: out('10%\r') }, { append: out('20%\r') }, { append: out('30%\n') }], [out('30%\n')]],
    ['stores shell \\r\\n as \\n', [{ append: out('bar\r\n') }], [out('bar\n')]],
    ['applies \\b', [{ append: out('abc\b\bX\n') }], [out('aX\n')]],
    ['does not merge a stream across a rich output', [{ append: out('a\n') }, { append: display('x') }, { append: out('b\n') }], [out('a\n'), display('x'), out('b\n')]],
    ['clears at once', [{ append: out('a\n') }, { clear: false }, { append: out('b\n') }], [out('b\n')]],
    ['clears with wait when the next output comes', [{ append: out('a\n') }, { clear: true }, { append: display('new') }], [display('new')]],
    ['keeps the outputs when clear(wait) is followed by nothing', [{ append: out('a\n') }, { clear: true }], [out('a\n')], true],
    ['a progress loop with clear(wait) shows only the last', [{ append: out('1\n') }, { clear: true }, { append: out('2\n') }, { clear: true }, { append: out('3\n') }], [out('3\n')]],
    ['updates a display by id, keeping its place', [{ append: display('first', 'd') }, { append: out('x\n') }, { update: ['d', display('third', 'd')] }], [display('third', 'd'), out('x\n')]],
    ['updates every output that carries the id', [{ append: display('a', 'd') }, { append: display('b', 'd') }, { append: display('c', 'e') }, { update: ['d', display('z', 'd')] }], [display('z', 'd'), display('z', 'd'), display('c', 'e')]],
    ['updates an execute_result as what it is', [{ append: result('1', 'd') }, { update: ['d', display('2', 'd')] }], [result('2', 'd')]],
    ['ignores an update for an id nobody carries', [{ append: display('a', 'd') }, { update: ['nope', display('z', 'nope')] }], [display('a', 'd')]],
  ])('%s', (_name, steps, expected, clearPending = false) => {
    const area = apply(steps);
    expect(area.outputs).toEqual(expected);
    expect(area.clearPending).toBe(clearPending);
  });

  it('never changes what it was given', () => {
    const before: OutputArea = { outputs: [out('a')], clearPending: false };
    const frozen = JSON.stringify(before);
    appendOutput(before, out('b'));
    clearOutput(before, false);
    updateDisplay(before.outputs, 'd', display('x', 'd'));
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('answers the same array when an update matched nothing', () => {
    const outputs = [display('a', 'd')];
    expect(updateDisplay(outputs, 'other', display('x', 'other'))).toBe(outputs);
    expect(countDisplay([display('a', 'd'), out('x'), result('b', 'd')], 'd')).toBe(2);
  });

  it('appends in time linear in the chunks, not quadratic', () => {
    // The shape, in one run: appending to a long text must cost what appending to a short one
    // does. The cheapest of the first windows of 4,000 chunks is compared with the cheapest of the
    // last ones, after 120,000: about 1× when linear, about 20× when each append copies the text.
    // (The cheapest of three, so a garbage collection or another process does not decide it.)
    const window = 4_000;
    const windows: number[] = [];
    let area: OutputArea = { outputs: [], clearPending: false };
    const started = performance.now();
    for (let w = 0; w < 30; w++) {
      const from = performance.now();
      for (let i = 0; i < window; i++) area = appendOutput(area, out(`line ${w * window + i}\n`));
      windows.push(performance.now() - from);
      // A copying implementation would take minutes to get to the end: that alone is the answer.
      if (performance.now() - started > 20_000) break;
    }
    expect(windows).toHaveLength(30);
    expect((area.outputs[0] as { text: string }).text.length).toBeGreaterThan(30 * window * 6);
    const early = Math.min(...windows.slice(1, 4));
    const late = Math.min(...windows.slice(-3));
    expect(late / early).toBeLessThan(6);
  });
});
