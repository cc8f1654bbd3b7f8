import { describe, expect, it } from 'vitest';
import { ToolCallAccumulator } from '../../../server/llm/tool-call-accumulator.ts';

describe('ToolCallAccumulator', () => {
  it('joins fragments by index, the way the real API streams them', () => {
    const acc = new ToolCallAccumulator();
    acc.add([{ index: 1, id: 'call_b', function: { name: 'run_code', arguments: '' } }]);
    acc.add([{ index: 0, id: 'call_a', function: { name: 'run_code', arguments: '{"co' } }]);
    acc.add([{ index: 0, function: { arguments: 'de": "1"}' } }]);
    acc.add([{ index: 1, function: { arguments: '{}' } }]);
    expect(acc.finish()).toEqual([
      { id: 'call_a', name: 'run_code', arguments: '{"code": "1"}' },
      { id: 'call_b', name: 'run_code', arguments: '{}' },
    ]);
  });

  it('copes with servers that omit index or id, or repeat the name', () => {
    const acc = new ToolCallAccumulator();
    acc.add([{ function: { name: 'run_code', arguments: '{"code":' } }]);
    acc.add([{ function: { name: 'run_code', arguments: ' "2"}' } }]);
    const [call] = acc.finish();
    expect(call).toMatchObject({ name: 'run_code', arguments: '{"code": "2"}' });
    expect(call!.id).toMatch(/^call_[0-9a-f]{24}$/);
  });
});
