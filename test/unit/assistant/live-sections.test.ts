import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../../server/assistant/edits-section.ts';
import { staleSection } from '../../../server/assistant/stale-section.ts';
import { staleAfter } from '../../../server/conversation/stale-cells.ts';
import type { CodeCell } from '../../../server/protocol/index.ts';

const cell = (id: string, n: number, defines: string[], reads: string[], extra: Partial<CodeCell> = {}): CodeCell => ({
  id,
  createdAt: '',
  kind: 'code',
  source: id,
  author: 'user',
  status: 'ok',
  executionCount: n,
  outputs: [],
  names: { defines, reads },
  ...extra,
});

describe('staleAfter', () => {
  it('marks later readers of what changed, transitively, and nothing else', () => {
    const cells = [cell('c1', 1, ['x'], []), cell('c2', 2, ['y'], ['x']), cell('c3', 3, [], ['print', 'y']), cell('c4', 4, [], ['print']), cell('c5', 5, ['z'], ['y'])];
    expect(staleAfter(cells, 'c1')).toEqual([
      { cellId: 'c2', because: 'c1', names: ['x'] },
      { cellId: 'c3', because: 'c1', names: ['y'] },
      { cellId: 'c5', because: 'c1', names: ['y'] },
    ]);
    expect(staleAfter(cells, 'c4')).toEqual([]);
  });

  it('leaves cells alone whose names are unknown or that never ran', () => {
    const cells = [cell('c1', 1, ['x'], []), { ...cell('c2', 2, [], []), names: undefined }, cell('c3', 3, [], ['x'], { executionCount: null })];
    expect(staleAfter(cells, 'c1')).toEqual([]);
  });
});

describe('staleSection', () => {
  it('groups cells by the cell and names that made them stale', () => {
    const cells = [
      cell('c1', 6, ['df'], []),
      cell('c5', 5, [], ['df'], { stale: true, staleBecause: { cellId: 'c1', names: ['df'] } }),
      cell('c7', 7, [], ['df'], { stale: true, staleBecause: { cellId: 'c1', names: ['df'] } }),
    ];
    expect(staleSection(cells)).toContain('- cells [5] and [7] used `df`, which cell [6] changed when it ran again');
    expect(staleSection([cell('c1', 1, [], [])])).toBeUndefined();
  });
});

describe('lineDiff', () => {
  it('shows removed lines before added ones, unchanged lines left out', () => {
    expect(lineDiff('a = 1\nb = 2\nprint(a)', 'a = 1\nb = 3\nprint(a)')).toEqual(['- b = 2', '+ b = 3']);
    expect(lineDiff('x', 'x\ny')).toEqual(['+ y']);
  });
});
