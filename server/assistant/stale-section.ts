import type { Cell, CodeCell } from '../protocol/index.ts';

const MAX_GROUPS = 10;

/** `cell [5]`, or the cell's first line when it has no execution count. */
function label(cell: CodeCell | undefined): string {
  if (!cell) return 'a deleted cell';
  if (cell.executionCount !== null) return `cell [${cell.executionCount}]`;
  return `the cell \`${cell.source.split('\n')[0]!.slice(0, 60)}\``;
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

/**
 * The system prompt's word on stale cells: "cells [5] and [7] used `df`, which cell [2]
 * changed", one line per changed cell and names. Nothing when no cell is stale.
 */
export function staleSection(cells: readonly Cell[]): string | undefined {
  const code = new Map(cells.filter((cell): cell is CodeCell => cell.kind === 'code').map((cell) => [cell.id, cell]));
  const groups = new Map<string, { because: string; names: string[]; cells: CodeCell[] }>();
  for (const cell of code.values()) {
    if (!cell.stale) continue;
    const because = cell.staleBecause?.cellId ?? '';
    const names = cell.staleBecause?.names ?? [];
    const key = `${because}\u0000${names.join(',')}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { because, names, cells: [] }));
    group.cells.push(cell);
  }
  if (!groups.size) return undefined;
  const lines = [...groups.values()].slice(0, MAX_GROUPS).map(({ because, names, cells: stale }) => {
    const which = stale.length === 1 ? label(stale[0]) : `cells ${list(stale.map((cell) => label(cell).replace(/^cell /, '')))}`;
    const what = names.length ? list(names.map((name) => `\`${name}\``)) : 'names';
    return `- ${which} used ${what}, which ${label(code.get(because))} changed when it ran again`;
  });
  return [
    'Stale cells: an earlier cell was run again after these, so their outputs may no longer hold (the person sees them marked stale and can press "Run stale cells"):',
    ...lines,
  ].join('\n');
}
