import { describe, expect, it } from 'vitest';
import { cellByText } from '../../../client/src/cells/cell-by-label.tsx';
import { showsParticipants } from '../../../client/src/cells/participants.ts';
import type { Cell } from '../../../server/protocol/index.ts';

const ana = { userId: 'u-ana', name: 'Ana' };
const ben = { userId: 'u-ben', name: 'Ben' };
const code = (id: string, author: 'user' | 'assistant', by?: typeof ana): Cell => ({
  id,
  createdAt: '2026-01-01T00:00:00.000Z',
  kind: 'code',
  source: 'x = 1',
  author,
  status: 'ok',
  executionCount: 1,
  outputs: [],
  ...(by ? { by } : {}),
});

describe('who ran a cell, in the page', () => {
  it('labels code the person ran with the runner, and what a question led to with who asked', () => {
    expect(cellByText(code('a', 'user', ana))).toBe('Ana ran this');
    expect(cellByText(code('b', 'assistant', ben))).toBe('asked by Ben');
    expect(cellByText({ id: 'q', createdAt: '', kind: 'user', text: 'why?', by: ben })).toBe('asked by Ben');
    expect(cellByText(code('c', 'user'))).toBeUndefined();
    expect(cellByText({ id: 'n', createdAt: '', kind: 'notice', level: 'info', text: 'restarted' })).toBeUndefined();
  });

  it('shows labels only when the conversation is shared or two people worked in it', () => {
    const alone = [code('a', 'user', ana), code('b', 'assistant', ana), code('c', 'user')];
    expect(showsParticipants(alone, false)).toBe(false);
    expect(showsParticipants(alone, true)).toBe(true);
    expect(showsParticipants([...alone, code('d', 'user', ben)], false)).toBe(true);
  });
});
