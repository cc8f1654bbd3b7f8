import { describe, expect, it } from 'vitest';
import { announcements, plainText } from '../../../../client/src/announce/announcements.ts';
import type { AssistantCell, Cell } from '../../../../client/src/protocol.ts';
import { codeCell } from '../fixtures.ts';

const answer = (id: string, text: string): AssistantCell => ({ id, kind: 'assistant', createdAt: '2024-01-01T00:00:00.000Z', text });

describe('announcements', () => {
  it('says when a running cell finished, with its count, author and outcome', () => {
    const running = codeCell('a', [], { status: 'running' });
    const done = codeCell('a', [], { status: 'ok', executionCount: 3 });
    expect(announcements([running], [done])).toEqual(['Your cell [3]: done.']);
    const failed = codeCell('a', [{ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: [] }], { status: 'error', executionCount: 4, author: 'assistant' });
    expect(announcements([running], [failed])).toEqual(['The assistant’s cell [4]: error, ZeroDivisionError: division by zero.']);
    expect(announcements([running], [codeCell('a', [], { status: 'interrupted', executionCount: 5 })])).toEqual(['Your cell [5]: interrupted.']);
  });

  it('says nothing while a cell runs or streams, nor again for a cell already finished', () => {
    const running = codeCell('a', [], { status: 'running' });
    const more = codeCell('a', [{ output_type: 'stream', name: 'stdout', text: 'tick\n' }], { status: 'running' });
    expect(announcements([running], [more])).toEqual([]);
    const done = codeCell('a', [], { status: 'ok', executionCount: 3 });
    expect(announcements([done], [done])).toEqual([]);
    // Run again (edit and run): a new execution count is a new result.
    expect(announcements([done], [{ ...done, executionCount: 7 }])).toEqual(['Your cell [7]: done.']);
  });

  it('reads the assistant’s answer once, when its turn ends, never token by token', () => {
    const start: Cell[] = [];
    const partial = [answer('r', 'Here is')];
    const whole = [answer('r', 'Here is **sin(x)** on $[0, 10]$.')];
    expect(announcements(start, partial)).toEqual([]);
    expect(announcements(partial, whole)).toEqual([]);
    expect(announcements(whole, whole, start)).toEqual(['The assistant answered: Here is sin(x) on [0, 10].']);
    // An answer that was already there when the turn started is not read again.
    expect(announcements(whole, whole, whole)).toEqual([]);
  });

  it('turns Markdown into words and cuts long answers', () => {
    expect(plainText('See [the docs](https://example.com) and `x`:\n\n```python\nprint(1)\n```\n# Done')).toBe('See the docs and x: (code) Done');
    const long = plainText('word '.repeat(200));
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith('…')).toBe(true);
  });
});
